//! Every export format: no panic, and each value either comes back exactly from the
//! output (read by a small reader of that format's own quoting, written here from the
//! format's rules, not from our renderer) or is refused for a character the format
//! documents it cannot carry. The real shells are run on the same rules by the suite.

#![no_main]

use arbitrary::Arbitrary;
use awsprof_core::env::{self, Op, Plan};
use awsprof_core::shell::{FormatError, Kind};
use libfuzzer_sys::fuzz_target;

const KEYS: [&str; 6] = [
    env::AWS_ACCESS_KEY_ID,
    env::AWS_SECRET_ACCESS_KEY,
    env::AWS_SESSION_TOKEN,
    env::AWS_PROFILE,
    env::AWS_REGION,
    env::AWS_DEFAULT_REGION,
];

#[derive(Arbitrary, Debug)]
enum Step {
    Set(u8, String),
    Unset(u8),
}

/// What a format may refuse, by its own documentation (crates/awsprof-core/src/shell).
fn may_refuse(kind: Kind, c: char) -> bool {
    match kind {
        Kind::Sh
        | Kind::Bash
        | Kind::Zsh
        | Kind::PowerShell
        | Kind::Json
        | Kind::Process
        | Kind::Nu => c == '\0',
        Kind::Fish => {
            c == '\0'
                || ('\u{F600}'..='\u{F6FF}').contains(&c)
                || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
        }
        Kind::Cmd => matches!(c, '%' | '!' | '"') || (c.is_control() && c != '\t'),
        Kind::Dotenv => matches!(c, '\'' | '\\' | '\n' | '\r' | '\0'),
    }
}

/// Reads `'...'` POSIX single quoting with `'\''` for a quote; returns the value and the
/// rest of the text.
fn posix(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let inner = rest.strip_prefix('\'').expect("opening quote");
        let end = inner.find('\'').expect("closing quote");
        out.push_str(&inner[..end]);
        rest = &inner[end + 1..];
        match rest.strip_prefix("\\'") {
            Some(r) => {
                out.push('\'');
                rest = r;
            }
            None => return (out, rest),
        }
    }
}

/// fish single quotes: `\'` and `\\` are escapes, every other character is literal.
fn fish(s: &str) -> (String, &str) {
    let inner = s.strip_prefix('\'').expect("opening quote");
    let mut out = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, n) = chars.next().expect("escape");
                assert!(n == '\\' || n == '\'', "a lone backslash before {n:?}");
                out.push(n);
            }
            '\'' => return (out, &inner[i + 1..]),
            c => out.push(c),
        }
    }
    panic!("no closing quote");
}

fn is_ps_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// PowerShell single quotes: any of the five single-quote characters ends the string
/// unless doubled.
fn powershell(s: &str) -> (String, &str) {
    let inner = s.strip_prefix('\'').expect("opening quote");
    let mut out = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_ps_quote(c) {
            match chars.peek() {
                Some(&(_, n)) if is_ps_quote(n) => {
                    out.push(c);
                    chars.next();
                }
                _ => return (out, &inner[i + c.len_utf8()..]),
            }
        } else {
            out.push(c);
        }
    }
    panic!("no closing quote");
}

/// Reads a rendered plan back: the variables it sets and unsets, in order.
fn read_back(kind: Kind, text: &str) -> Vec<(String, Option<String>)> {
    let mut ops = Vec::new();
    match kind {
        Kind::Json | Kind::Process | Kind::Nu => {
            let v: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
            for (k, v) in v.as_object().expect("an object") {
                ops.push((k.clone(), v.as_str().map(str::to_string)));
            }
            return ops;
        }
        _ => {}
    }
    let mut rest = text;
    while !rest.is_empty() {
        let (op, after) = match kind {
            Kind::Sh | Kind::Bash | Kind::Zsh => match rest.strip_prefix("export ") {
                Some(r) => {
                    let (k, r) = r.split_once('=').unwrap();
                    let (v, r) = posix(r);
                    ((k.to_string(), Some(v)), r)
                }
                None => {
                    let r = rest.strip_prefix("unset ").expect("export or unset");
                    let (k, r) = r.split_once('\n').unwrap();
                    ops.push((k.to_string(), None));
                    rest = r;
                    continue;
                }
            },
            Kind::Fish => match rest.strip_prefix("set -gx -- ") {
                Some(r) => {
                    let (k, r) = r.split_once(' ').unwrap();
                    let (v, r) = fish(r);
                    ((k.to_string(), Some(v)), r)
                }
                None => {
                    let r = rest.strip_prefix("set -e ").expect("set or set -e");
                    let (k, r) = r.split_once('\n').unwrap();
                    ops.push((k.to_string(), None));
                    rest = r;
                    continue;
                }
            },
            Kind::PowerShell => match rest.strip_prefix("$env:") {
                Some(r) => {
                    let (k, r) = r.split_once(" = ").unwrap();
                    let (v, r) = powershell(r);
                    ((k.to_string(), Some(v)), r)
                }
                None => {
                    let r = rest
                        .strip_prefix("Remove-Item -Path Env:")
                        .expect("$env: or Remove-Item");
                    let (line, r) = r.split_once('\n').unwrap();
                    let k = line.strip_suffix(" -ErrorAction SilentlyContinue").unwrap();
                    ops.push((k.to_string(), None));
                    rest = r;
                    continue;
                }
            },
            Kind::Cmd => {
                let r = rest.strip_prefix("set \"").expect("set \"");
                let (line, r) = r.split_once('\n').unwrap();
                let body = line.strip_suffix('"').expect("closing quote");
                let (k, v) = body.split_once('=').unwrap();
                let op = if v.is_empty() {
                    None
                } else {
                    Some(v.to_string())
                };
                ops.push((k.to_string(), op));
                rest = r;
                continue;
            }
            Kind::Dotenv => {
                let (k, r) = rest.split_once('=').unwrap();
                let (v, r) = posix(r);
                ((k.to_string(), Some(v)), r)
            }
            Kind::Json | Kind::Process | Kind::Nu => unreachable!(),
        };
        ops.push(op);
        rest = after.strip_prefix('\n').expect("one statement a line");
    }
    ops
}

fuzz_target!(|steps: Vec<Step>| {
    let plan = Plan {
        ops: steps
            .iter()
            .map(|s| match s {
                Step::Set(k, v) => Op::Set(KEYS[*k as usize % KEYS.len()], v.clone()),
                Step::Unset(k) => Op::Unset(KEYS[*k as usize % KEYS.len()]),
            })
            .collect(),
    };
    for kind in Kind::ALL {
        match kind.render(&plan) {
            Err(FormatError::Unsafe { key, .. }) => {
                // Only for a value holding a character the format documents as unsafe.
                let refused = plan.ops.iter().any(|op| {
                    matches!(op, Op::Set(k, v) if *k == key && v.chars().any(|c| may_refuse(kind, c)))
                });
                assert!(refused, "{} refused {key} without cause", kind.name());
            }
            Err(FormatError::Missing { .. }) => assert_eq!(kind, Kind::Process),
            Ok(text) => check(kind, &plan, &text),
        }
    }
});

fn check(kind: Kind, plan: &Plan, text: &str) {
    let got = read_back(kind, text);
    match kind {
        Kind::Json => {
            // One object of the final values of the variables set.
            let mut want: Vec<(String, Option<String>)> = Vec::new();
            for (k, v) in plan.sets() {
                want.retain(|(w, _)| w != k);
                want.push((k.to_string(), Some(v.to_string())));
            }
            let mut got = got;
            got.sort();
            want.sort();
            assert_eq!(got, want);
        }
        Kind::Nu => {
            // One object of each variable's final state: its last value, or null when
            // its last step removes it (nushell's hide-env).
            let mut want: Vec<(String, Option<String>)> = Vec::new();
            for op in &plan.ops {
                let (k, v) = match op {
                    Op::Set(k, v) => (k, Some(v.clone())),
                    Op::Unset(k) => (k, None),
                };
                want.retain(|(w, _)| w != k);
                want.push((k.to_string(), v));
            }
            let mut got = got;
            got.sort();
            want.sort();
            assert_eq!(got, want, "nu: {text:?}");
        }
        Kind::Process => {
            let field = |var: &str| match var {
                "AWS_ACCESS_KEY_ID" => Some("AccessKeyId"),
                "AWS_SECRET_ACCESS_KEY" => Some("SecretAccessKey"),
                "AWS_SESSION_TOKEN" => Some("SessionToken"),
                _ => None,
            };
            for (var, value) in [
                env::AWS_ACCESS_KEY_ID,
                env::AWS_SECRET_ACCESS_KEY,
                env::AWS_SESSION_TOKEN,
            ]
            .map(|v| (v, plan.value(v)))
            {
                let f = field(var).unwrap();
                let found = got
                    .iter()
                    .find(|(k, _)| k == f)
                    .and_then(|(_, v)| v.as_deref());
                assert_eq!(found, value, "{f}");
            }
        }
        _ => {
            let want: Vec<(String, Option<String>)> = plan
                .ops
                .iter()
                .filter_map(|op| match op {
                    Op::Set(k, v) => Some((k.to_string(), Some(v.clone()))),
                    Op::Unset(_) if kind == Kind::Dotenv => None,
                    Op::Unset(k) => Some((k.to_string(), None)),
                })
                // cmd cannot tell an empty value from an unset one: `set "K="` unsets.
                .map(|(k, v)| match (kind, v) {
                    (Kind::Cmd, Some(v)) if v.is_empty() => (k, None),
                    (_, v) => (k, v),
                })
                .collect();
            assert_eq!(got, want, "{}: {text:?}", kind.name());
        }
    }
}
