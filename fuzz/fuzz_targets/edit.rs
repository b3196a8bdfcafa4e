//! The editor: after any edit that succeeds, the text parses, holds the edit, and means
//! exactly what it meant before everywhere else (every other section, every other key,
//! the other sub-properties of a block), and no comment line was lost by an edit that
//! only sets or renames. An edit that fails is discarded, as the Editor discards it.

#![no_main]

use arbitrary::Arbitrary;
use awsprof_core::edit::{Document, Target};
use awsprof_core::model::{Filter, ProfileSet};
use awsprof_core::parse::{self, Token, Tokenizer};
use awsprof_core::{FileKind, Section};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const NAMES: &[&str] = &["default", "a", "b", "dev", "x.y"];
const KEYS: &[&str] = &["region", "Region", "output", "s3", "source_profile", "k"];
const SUBS: &[&str] = &["a", "B", "max_concurrent_requests"];

#[derive(Arbitrary, Debug)]
enum Name {
    Pool(u8),
    Raw(String),
}

impl Name {
    fn get<'a>(&'a self, pool: &'a [&'a str]) -> &'a str {
        match self {
            Name::Pool(i) => pool[*i as usize % pool.len()],
            Name::Raw(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Profile,
    SsoSession,
    Services,
}

#[derive(Arbitrary, Debug)]
struct Where {
    kind: Kind,
    name: Name,
}

impl Where {
    fn target(&self) -> Target<'_> {
        let name = self.name.get(NAMES);
        match self.kind {
            Kind::Profile => Target::Profile(name),
            Kind::SsoSession => Target::SsoSession(name),
            Kind::Services => Target::Services(name),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Action {
    Set {
        at: Where,
        key: Name,
        sub: Option<Name>,
        value: String,
    },
    Delete {
        at: Where,
        key: Name,
        sub: Option<Name>,
    },
    Remove {
        at: Where,
    },
    Rename {
        from: Name,
        to: Name,
    },
    Replace {
        key: Name,
        old: String,
        new: String,
    },
}

/// Lines typical of real files, so that most inputs parse; `Raw` lets the fuzzer try
/// anything else.
#[derive(Arbitrary, Debug)]
enum LineSpec {
    Blank,
    Comment(String),
    Header {
        kind: Kind,
        name: Name,
        tail: u8,
    },
    Property {
        indent: u8,
        key: Name,
        value: String,
    },
    Block {
        indent: u8,
        key: Name,
        subs: Vec<(Name, String)>,
    },
    Continuation {
        indent: u8,
        text: String,
    },
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    credentials: bool,
    crlf: u8,
    lines: Vec<LineSpec>,
    actions: Vec<Action>,
}

fn pad(n: u8) -> String {
    " ".repeat((n % 4) as usize)
}

fn render(input: &Input) -> String {
    let eol = match input.crlf % 5 {
        0 => "\r\n",
        1 => "\r",
        _ => "\n",
    };
    let mut out = String::new();
    for line in &input.lines {
        let text = match line {
            LineSpec::Blank => String::new(),
            LineSpec::Comment(c) => format!("# {c}"),
            LineSpec::Header { kind, name, tail } => {
                let name = name.get(NAMES);
                let inner = match (kind, input.credentials) {
                    (_, true) => name.to_string(),
                    (Kind::Profile, false) if name == "default" && tail % 2 == 0 => name.into(),
                    (Kind::Profile, false) => format!("profile {name}"),
                    (Kind::SsoSession, false) => format!("sso-session {name}"),
                    (Kind::Services, false) => format!("services {name}"),
                };
                let tail = ["", " # c", ";c", " trailing"][(tail / 2 % 4) as usize];
                format!("[{inner}]{tail}")
            }
            LineSpec::Property { indent, key, value } => {
                format!("{}{} = {value}", pad(*indent), key.get(KEYS))
            }
            LineSpec::Block { indent, key, subs } => {
                let p = pad(*indent);
                let mut s = format!("{p}{} =", key.get(KEYS));
                for (k, v) in subs {
                    s.push_str(eol);
                    s.push_str(&format!("{p}    {} = {v}", k.get(SUBS)));
                }
                s
            }
            LineSpec::Continuation { indent, text } => format!("{} {text}", pad(*indent)),
            LineSpec::Raw(s) => s.clone(),
        };
        out.push_str(&text);
        out.push_str(eol);
    }
    out
}

type Props = BTreeMap<String, String>;

/// What a file means: every section of every kind, its properties' values.
#[derive(Debug, PartialEq, Eq)]
struct Meaning {
    profiles: BTreeMap<String, Props>,
    sso_sessions: BTreeMap<String, Props>,
    services: BTreeMap<String, Props>,
}

fn props(s: &Section) -> Props {
    s.properties
        .iter()
        .map(|(k, p)| (k.clone(), p.value.clone()))
        .collect()
}

fn meaning(kind: FileKind, text: &str) -> Meaning {
    let set = match kind {
        FileKind::Config => ProfileSet::from_texts(Some(text), None, Filter::All),
        FileKind::Credentials => ProfileSet::from_texts(None, Some(text), Filter::All),
    }
    .expect("the edited text parses");
    let map = |m: &awsprof_core::model::ProfileSet, which: u8| -> BTreeMap<String, Props> {
        let sections = match which {
            0 => &m.profiles,
            1 => &m.sso_sessions,
            _ => &m.services,
        };
        sections
            .iter()
            .map(|(n, s)| (n.clone(), props(s)))
            .collect()
    };
    Meaning {
        profiles: map(&set, 0),
        sso_sessions: map(&set, 1),
        services: map(&set, 2),
    }
}

impl Meaning {
    fn section(&mut self, target: Target<'_>) -> &mut BTreeMap<String, Props> {
        match target {
            Target::Profile(_) => &mut self.profiles,
            Target::SsoSession(_) => &mut self.sso_sessions,
            Target::Services(_) => &mut self.services,
        }
    }
}

/// A block's sub-properties as the model reads them (last one wins), lower-cased keys.
fn subs(value: &str) -> BTreeMap<String, String> {
    parse::sub_properties(value)
        .filter(|(k, _)| parse::is_identifier(k))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect()
}

fn comments(text: &str) -> Vec<&str> {
    Tokenizer::new(text)
        .map_while(Result::ok)
        .filter(|l| l.token == Token::Comment)
        .map(|l| l.content.trim_start_matches([' ', '\t']))
        .collect()
}

fuzz_target!(|input: Input| {
    let kind = if input.credentials {
        FileKind::Credentials
    } else {
        FileKind::Config
    };
    let text = render(&input);
    let Ok(mut doc) = Document::parse(kind, &text) else {
        return;
    };
    for action in &input.actions {
        let before_text = doc.text();
        let before = meaning(kind, &before_text);
        let mut expect = meaning(kind, &before_text);
        let result = match action {
            Action::Set {
                at,
                key,
                sub,
                value,
            } => {
                let (target, key) = (at.target(), key.get(KEYS));
                let sub = sub.as_ref().map(|s| s.get(SUBS));
                doc.set(target, key, sub, value).map(|_| {
                    let lower = key.to_ascii_lowercase();
                    let section = expect
                        .section(target)
                        .entry(target.name().to_string())
                        .or_default();
                    // A block is checked below, as a map of its sub-properties.
                    if sub.is_none() {
                        section.insert(lower.clone(), value.clone());
                    }
                    Some((target, lower, sub, value.clone()))
                })
            }
            Action::Delete { at, key, sub } => {
                let (target, key) = (at.target(), key.get(KEYS));
                let sub = sub.as_ref().map(|s| s.get(SUBS));
                doc.delete(target, key, sub).map(|_| {
                    if sub.is_none() {
                        if let Some(s) = expect.section(target).get_mut(target.name()) {
                            s.remove(&key.to_ascii_lowercase());
                        }
                    }
                    None
                })
            }
            Action::Remove { at } => {
                let target = at.target();
                doc.remove_section(target).map(|_| {
                    expect.section(target).remove(target.name());
                    None
                })
            }
            Action::Rename { from, to } => {
                let (from, to) = (from.get(NAMES), to.get(NAMES));
                doc.rename_profile(from, to).map(|n| {
                    if n > 0 {
                        if let Some(p) = expect.profiles.remove(from) {
                            expect.profiles.insert(to.to_string(), p);
                        }
                    }
                    None
                })
            }
            Action::Replace { key, old, new } => {
                let key = key.get(KEYS);
                doc.replace_values(key, old, new).map(|_| {
                    // Every profile whose value is `old` now has `new`; no other changes.
                    // An empty value is a block's head (`s3 =`), never replaced.
                    for p in expect.profiles.values_mut().filter(|_| !old.is_empty()) {
                        match p.get_mut(&key.to_ascii_lowercase()) {
                            Some(v) if v == old => *v = new.clone(),
                            _ => {}
                        }
                    }
                    None
                })
            }
        };
        let after_text = doc.text();
        let edit = match result {
            Ok(edit) => edit,
            Err(_) => {
                // Refused: the Editor writes nothing; go on from the text before.
                doc = Document::parse(kind, &before_text).unwrap();
                continue;
            }
        };
        assert!(
            Document::parse(kind, &after_text).is_ok(),
            "the edited text does not parse: {after_text:?}"
        );
        let mut after = meaning(kind, &after_text);
        if let Some((target, key, sub, value)) = edit {
            let name = target.name().to_string();
            let got = after
                .section(target)
                .get(&name)
                .and_then(|s| s.get(&key))
                .cloned();
            match sub {
                None => assert_eq!(got.as_deref(), Some(value.as_str()), "{after_text:?}"),
                Some(sub) => {
                    let got = got.expect("the block exists");
                    let mut want = before
                        .section_ref(target)
                        .get(&name)
                        .and_then(|s| s.get(&key))
                        .map(|v| subs(v))
                        .unwrap_or_default();
                    want.insert(sub.to_ascii_lowercase(), value.clone());
                    assert_eq!(subs(&got), want, "{after_text:?}");
                    // Compared as a map above; leave the raw value out of the rest.
                    after.section(target).get_mut(&name).unwrap().remove(&key);
                    if let Some(s) = expect.section(target).get_mut(&name) {
                        s.remove(&key);
                    }
                }
            }
        }
        if let Action::Delete {
            at,
            key,
            sub: Some(sub),
        } = action
        {
            // The block lost that sub-property (or, left empty, went), nothing else.
            let target = at.target();
            let (name, key) = (
                target.name().to_string(),
                key.get(KEYS).to_ascii_lowercase(),
            );
            let old = before
                .section_ref(target)
                .get(&name)
                .and_then(|s| s.get(&key));
            let new = after
                .section_ref(target)
                .get(&name)
                .and_then(|s| s.get(&key));
            match (old, new) {
                (Some(old), new) if old.starts_with('\n') => {
                    let mut want = subs(old);
                    want.remove(&sub.get(SUBS).to_ascii_lowercase());
                    // A block left with no sub-property goes with its last one.
                    let got = new.map(|v| subs(v)).filter(|g| !g.is_empty());
                    let want = Some(want).filter(|w| !w.is_empty());
                    assert_eq!(got, want, "before: {before_text:?}\nafter: {after_text:?}");
                }
                // A plain value has no sub-properties to lose.
                (old, new) => assert_eq!(old, new, "{after_text:?}"),
            }
            for m in [&mut after, &mut expect] {
                if let Some(s) = m.section(target).get_mut(&name) {
                    s.remove(&key);
                }
            }
        }
        assert_eq!(
            after, expect,
            "before: {before_text:?}\nafter: {after_text:?}"
        );
        if matches!(
            action,
            Action::Set { .. } | Action::Rename { .. } | Action::Replace { .. }
        ) {
            assert_eq!(
                comments(&before_text),
                comments(&after_text),
                "before: {before_text:?}\nafter: {after_text:?}"
            );
        }
    }
});

impl Meaning {
    fn section_ref(&self, target: Target<'_>) -> &BTreeMap<String, Props> {
        match target {
            Target::Profile(_) => &self.profiles,
            Target::SsoSession(_) => &self.sso_sessions,
            Target::Services(_) => &self.services,
        }
    }
}
