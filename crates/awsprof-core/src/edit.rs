//! Lossless editor of one shared file.
//!
//! An edit replaces, inserts or removes whole lines and leaves every other byte as it was:
//! comments, blank lines, key order, line endings and the sub-property blocks of other keys.
//! The editor never creates a duplicate section or key, because the AWS CLI refuses to
//! read files that have them in some places and the SDKs silently take the last one in
//! others. When duplicates already exist, it edits the key where the SDKs read it (its last
//! occurrence across the merged sections; a new key goes into the last section) and leaves
//! a [`Document::take_notes`] note naming that line. A new key goes at the end of
//! its section, after the last property and before trailing blank lines and comments (which
//! usually describe the next section). After every edit the whole text is parsed again and
//! the value read back: an edit that would not read back as meant is refused.
//!
//! Every public edit runs as one transaction (a private wrapper): when it returns an
//! error, the lines and notes are exactly what they were before the call, however far the
//! edit had got.

use crate::model::{Filter, ProfileSet};
use crate::parse::{self, FileKind, ParseError, SectionKey, Token, Tokenizer};

/// The section an edit applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// A profile: `[profile NAME]`/`[default]` in config, `[NAME]` in credentials.
    Profile(&'a str),
    /// `[sso-session NAME]` (config only).
    SsoSession(&'a str),
    /// `[services NAME]` (config only).
    Services(&'a str),
}

impl Target<'_> {
    /// The section's name.
    pub fn name(&self) -> &str {
        match *self {
            Target::Profile(n) | Target::SsoSession(n) | Target::Services(n) => n,
        }
    }

    /// How the section is shown in messages, as its header in `kind`'s file.
    pub fn header(&self, kind: FileKind) -> String {
        match (*self, kind) {
            (Target::Profile(n), FileKind::Credentials) => format!("[{n}]"),
            (Target::Profile("default"), FileKind::Config) => "[default]".to_string(),
            (Target::Profile(n), FileKind::Config) => format!("[profile {n}]"),
            (Target::SsoSession(n), _) => format!("[sso-session {n}]"),
            (Target::Services(n), _) => format!("[services {n}]"),
        }
    }
}

/// A profile as [`Document::rewrite_profiles`] writes it: its name and its properties,
/// in order, each written as `key = value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileBody {
    /// The profile's name.
    pub name: String,
    /// Its properties, in the order they are written.
    pub properties: Vec<(String, String)>,
}

/// Why an edit was refused. Nothing is changed when one is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A section name the SDKs would ignore.
    #[error("`{0}` is not a valid name: use letters, digits and _ - / . % @ : +")]
    InvalidName(String),
    /// A key the SDKs would ignore.
    #[error("`{0}` is not a valid key: use letters, digits and _ - / . % @ : +")]
    InvalidKey(String),
    /// A value that would not read back as written.
    #[error("the value of `{key}` {reason}")]
    BadValue {
        /// The key.
        key: String,
        /// Why, as the end of a sentence.
        reason: &'static str,
    },
    /// A sub-property asked of a key that has a plain value.
    #[error("`{key}` has a plain value, not a block of sub-properties; delete it first to make it a block")]
    NotABlock {
        /// The key.
        key: String,
    },
    /// A plain value asked of a key that is a block of sub-properties.
    #[error("`{key}` is a block of sub-properties; set `{key}.SUBKEY`, or delete `{key}` first")]
    IsABlock {
        /// The key.
        key: String,
    },
    /// An sso-session or services section asked of the credentials file.
    #[error("{0} sections belong in the config file, not the credentials file")]
    WrongFile(&'static str),
    /// A section that must not exist yet does.
    #[error("{0} already exists")]
    Exists(String),
    /// A rename of `default` in a config file that also has a `[default]` the SDKs ignore,
    /// because `[profile default]` takes priority: renaming both would merge the ignored
    /// settings into the new profile, renaming only `[profile default]` would make the
    /// ignored section the default profile.
    #[error("`[default]` at line {line} is ignored because `[profile default]` takes priority; renaming `default` would bring its settings back: remove one of the two sections or merge them by hand first")]
    HiddenDefault {
        /// The 1-based line of the ignored `[default]` header.
        line: usize,
    },
    /// An edit that would change how a line it does not touch reads: an indented line that
    /// botocore reads as a header or a comment (the SDKs' spec refuses it) would become
    /// part of the value before it.
    #[error("line {line} would read differently after this edit: it is indented, which botocore reads as its own line but the SDKs read as part of the value before it; start it at the beginning of the line (`awsprof doctor` lists such lines), then try again")]
    WouldReread {
        /// The 1-based line, as the file is before the edit.
        line: usize,
    },
    /// The edited text did not parse or read back: a bug, caught before anything is written.
    #[error("internal error: the edit did not read back as intended ({0}); nothing was written")]
    ReadBack(String),
}

/// Where a line belongs, in a form that outlives the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Info {
    Blank,
    Comment,
    Header(Sect),
    Property {
        key: String,
        empty: bool,
        /// Byte range of the value in the line, when it is not empty.
        value: Option<(usize, usize)>,
    },
    Continuation,
    Sub {
        key: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Sect {
    Profile { name: String, bare_default: bool },
    SsoSession(String),
    Services(String),
    Other,
}

/// One shared file, held as its lines, ready to edit.
#[derive(Clone, Debug)]
pub struct Document {
    kind: FileKind,
    lines: Vec<String>,
    eol: &'static str,
    notes: Vec<String>,
    /// Whether a line was read as botocore reads it where the spec refuses it
    /// ([`parse::Deviation`]): only such lines read differently when the lines before
    /// them change, so only then does an edit check the lines it did not touch. Edits
    /// write no such line into a file that has none.
    deviant: bool,
    /// During an edit, where each line was before it (`None`: written by the edit).
    origin: Vec<Option<usize>>,
}

/// The line terminator of `raw` (`""` for a last line without one). A lone `\r` ends a
/// line only in a file of [`parse::breaks_lines_at_cr`] (`cr`).
fn terminator(raw: &str, cr: bool) -> &str {
    if raw.ends_with("\r\n") {
        "\r\n"
    } else if raw.ends_with('\n') {
        "\n"
    } else if cr && raw.ends_with('\r') {
        "\r"
    } else {
        ""
    }
}

/// The spaces and tabs `raw` starts with.
fn indentation_of(raw: &str) -> &str {
    &raw[..raw.len() - raw.trim_start_matches([' ', '\t']).len()]
}

fn offset_in(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// Called after each change to a document's lines. Outside this crate's own tests it does
/// nothing; under them it is where [`fault`] stops an edit half-way.
fn after_change() -> Result<(), EditError> {
    #[cfg(test)]
    if fault::spend() {
        return Err(EditError::ReadBack(fault::INJECTED.to_string()));
    }
    Ok(())
}

/// Test-only fault injection: fail an edit right after its `n`th line change, so that the
/// tests can stop every edit half-way and check that the transaction undid what it had
/// done. Compiled only into this crate's unit tests, never into a build others link.
#[cfg(test)]
mod fault {
    use std::cell::Cell;

    /// The message of an injected failure.
    pub(super) const INJECTED: &str = "injected fault";

    thread_local! {
        static LEFT: Cell<Option<usize>> = const { Cell::new(None) };
        static CHANGES: Cell<usize> = const { Cell::new(0) };
    }

    /// Arms (Some(n), n >= 1: fail right after the nth line change from now) or disarms
    /// (None) this thread's fault, and restarts the count of line changes.
    pub(super) fn fail_after(n: Option<usize>) {
        LEFT.set(n);
        CHANGES.set(0);
    }

    /// Line changes made on this thread since the last [`fail_after`].
    pub(super) fn changes() -> usize {
        CHANGES.get()
    }

    /// Counts one line change; true when the armed fault fires now (it fires once).
    pub(super) fn spend() -> bool {
        CHANGES.set(CHANGES.get() + 1);
        match LEFT.get() {
            Some(1) => {
                LEFT.set(None);
                true
            }
            Some(n) => {
                LEFT.set(Some(n.saturating_sub(1)));
                false
            }
            None => false,
        }
    }
}

/// Checks that `value` reads back unchanged when written as `key = value`.
pub fn check_value(key: &str, value: &str) -> Result<(), EditError> {
    let bad = |reason| {
        Err(EditError::BadValue {
            key: key.to_string(),
            reason,
        })
    };
    if value.contains(['\n', '\r']) {
        return bad("contains a line break, which the file format cannot hold");
    }
    if value.contains('\0') {
        return bad("contains a NUL byte");
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return bad("starts or ends with whitespace, which the SDKs trim away");
    }
    if value.starts_with(['#', ';']) {
        return bad("starts with '#' or ';', which the SDKs read as a comment");
    }
    let mut prev_ws = false;
    for c in value.chars() {
        if (c == '#' || c == ';') && prev_ws {
            return bad(
                "has '#' or ';' after whitespace, which the SDKs read as the start of a comment",
            );
        }
        prev_ws = c.is_whitespace();
    }
    Ok(())
}

fn check_key(key: &str) -> Result<(), EditError> {
    if parse::is_identifier(key) {
        Ok(())
    } else {
        Err(EditError::InvalidKey(key.to_string()))
    }
}

impl Document {
    /// Reads `text` (which must parse) as a file of `kind`.
    pub fn parse(kind: FileKind, text: &str) -> Result<Document, ParseError> {
        let mut lines = Vec::new();
        let mut deviant = false;
        for line in Tokenizer::new(text) {
            let line = line?;
            deviant |= line.deviation.is_some();
            lines.push(line.raw.to_string());
        }
        let cr = parse::breaks_lines_at_cr(text);
        let eol = match lines.first().map(|l| terminator(l, cr)) {
            Some("\r\n") => "\r\n",
            Some("\r") => "\r",
            _ => "\n",
        };
        Ok(Document {
            kind,
            lines,
            eol,
            notes: Vec::new(),
            deviant,
            origin: Vec::new(),
        })
    }

    /// An empty file of `kind`.
    pub fn empty(kind: FileKind) -> Document {
        Document {
            kind,
            lines: Vec::new(),
            eol: "\n",
            notes: Vec::new(),
            deviant: false,
            origin: Vec::new(),
        }
    }

    /// Which file this is.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Reads the same lines as a file of `kind` from now on: for one file named as both
    /// the config and the credentials file, which the SDKs read as both.
    pub fn read_as(&mut self, kind: FileKind) {
        self.kind = kind;
    }

    /// The whole text.
    pub fn text(&self) -> String {
        self.lines.concat()
    }

    /// Notes about what an edit met (duplicate sections or keys), oldest first; clears them.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// The terminator of one of this file's lines.
    fn terminator<'l>(&self, raw: &'l str) -> &'l str {
        terminator(raw, self.eol == "\r")
    }

    fn scan(&self) -> Result<Vec<Info>, EditError> {
        let text = self.text();
        let mut out = Vec::with_capacity(self.lines.len());
        for line in Tokenizer::new(&text) {
            let line = line.map_err(|e| EditError::ReadBack(e.to_string()))?;
            // The text must still break into the lines it was edited as: removing the
            // last `\n` of a file with a lone `\r` inside a line would make every `\r` a
            // line end ([`parse::breaks_lines_at_cr`]) and change what the rest means.
            if self.lines.get(out.len()).map(String::as_str) != Some(line.raw) {
                return Err(EditError::ReadBack(format!(
                    "line {} would no longer be the line it was",
                    line.number
                )));
            }
            out.push(match line.token {
                Token::Blank => Info::Blank,
                Token::Comment => Info::Comment,
                Token::Header { inner } => {
                    Info::Header(match parse::section_key(self.kind, inner) {
                        SectionKey::Profile { name, bare_default } => Sect::Profile {
                            name: name.to_string(),
                            bare_default,
                        },
                        SectionKey::SsoSession(n) => Sect::SsoSession(n.to_string()),
                        SectionKey::Services(n) => Sect::Services(n.to_string()),
                        _ => Sect::Other,
                    })
                }
                Token::Property { key, value } => Info::Property {
                    key: key.to_ascii_lowercase(),
                    empty: value.is_empty(),
                    value: (!value.is_empty()).then(|| {
                        let start = offset_in(line.raw, value);
                        (start, start + value.len())
                    }),
                },
                Token::Continuation { .. } => Info::Continuation,
                Token::SubProperty { key, .. } => Info::Sub {
                    key: key.to_ascii_lowercase(),
                },
            });
        }
        Ok(out)
    }

    /// The line ranges `[header, next header)` of every section matching `target`; with
    /// `only_read`, only those the SDKs read, which is where an edit writes and what
    /// decides what it means.
    fn sections(&self, infos: &[Info], target: Target<'_>, only_read: bool) -> Vec<(usize, usize)> {
        let matches = |s: &Sect, prefixed_only: bool| match (s, target) {
            (Sect::Profile { name, bare_default }, Target::Profile(t)) => {
                name == t && !(prefixed_only && *bare_default)
            }
            (Sect::SsoSession(n), Target::SsoSession(t)) => n == t,
            (Sect::Services(n), Target::Services(t)) => n == t,
            _ => false,
        };
        // In config, `[profile default]` hides `[default]`.
        let prefixed_only = only_read
            && self.kind == FileKind::Config
            && target == Target::Profile("default")
            && infos.iter().any(|i| {
                matches!(i, Info::Header(Sect::Profile { name, bare_default: false }) if name == "default")
            });
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        for (i, info) in infos.iter().enumerate() {
            if let Info::Header(s) = info {
                if let Some(start) = open.take() {
                    out.push((start, i));
                }
                if matches(s, prefixed_only) {
                    open = Some(i);
                }
            }
        }
        if let Some(start) = open {
            out.push((start, infos.len()));
        }
        out
    }

    /// The last line of a section's own content (its header when it has none).
    fn content_end(infos: &[Info], (start, end): (usize, usize)) -> usize {
        (start..end)
            .rev()
            .find(|&i| {
                matches!(
                    infos[i],
                    Info::Property { .. } | Info::Continuation | Info::Sub { .. } | Info::Header(_)
                )
            })
            .unwrap_or(start)
    }

    /// Where a new key of the section `range` goes: after its last property. In a section
    /// without one, after any indented comments that follow the header (which botocore
    /// reads as comments): a key before them would make them its continuation lines.
    fn insertion_point(infos: &[Info], lines: &[String], range: (usize, usize)) -> usize {
        let end = Self::content_end(infos, range);
        if end != range.0 {
            return end + 1;
        }
        Self::last_indented_comment(infos, lines, end + 1, range.1).map_or(end + 1, |j| j + 1)
    }

    /// The last indented comment in the run of blank and comment lines from `from`
    /// (before `end`). Such comments exist only where botocore's reading was taken.
    fn last_indented_comment(
        infos: &[Info],
        lines: &[String],
        from: usize,
        end: usize,
    ) -> Option<usize> {
        (from..end)
            .take_while(|&j| matches!(infos[j], Info::Blank | Info::Comment))
            .filter(|&j| infos[j] == Info::Comment && lines[j].starts_with([' ', '\t']))
            .last()
    }

    /// The last line of the property at `i`: its continuation or sub-property lines.
    fn property_end(infos: &[Info], i: usize) -> usize {
        let mut last = i;
        for (j, info) in infos.iter().enumerate().skip(i + 1) {
            match info {
                Info::Continuation | Info::Sub { .. } => last = j,
                Info::Blank | Info::Comment => {}
                _ => break,
            }
        }
        last
    }

    /// The lines of the property at `i` (ending at `end`): its own, its continuation and
    /// sub-property lines and the blank lines among them, but not comments, which stay.
    fn value_lines(infos: &[Info], i: usize, end: usize) -> Vec<usize> {
        (i..=end)
            .filter(|&j| {
                j == i
                    || matches!(
                        infos[j],
                        Info::Continuation | Info::Sub { .. } | Info::Blank
                    )
            })
            .collect()
    }

    /// The lines that go when the property at `i` (ending at `end`) is deleted whole: its
    /// [`value_lines`](Document::value_lines), and the indented comments among and right
    /// after them, which botocore reads as comments only there: left behind, below
    /// another key, they would join its value.
    fn deleted_lines(infos: &[Info], lines: &[String], i: usize, end: usize) -> Vec<usize> {
        let last = Self::last_indented_comment(infos, lines, end + 1, infos.len()).unwrap_or(end);
        let mut out = Self::value_lines(infos, i, last);
        out.extend(
            (i..=last).filter(|&j| infos[j] == Info::Comment && lines[j].starts_with([' ', '\t'])),
        );
        out.sort_unstable();
        out
    }

    /// Every property line for `key` in `sections`, in file order.
    fn occurrences(infos: &[Info], sections: &[(usize, usize)], key: &str) -> Vec<usize> {
        sections
            .iter()
            .flat_map(|&(s, e)| s..e)
            .filter(|&i| matches!(&infos[i], Info::Property { key: k, .. } if k == key))
            .collect()
    }

    /// Runs one public edit: when `edit` returns an error, the lines and notes are put back
    /// exactly as they were, so no error leaves half an edit behind. Every public method
    /// that changes the document goes through here.
    fn transaction<T>(
        &mut self,
        edit: impl FnOnce(&mut Document) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        let lines = self.lines.clone();
        let notes = self.notes.clone();
        let before = if self.deviant {
            Some(self.scan()?)
        } else {
            None
        };
        self.origin = (0..self.lines.len()).map(Some).collect();
        let mut result = edit(self);
        if let (Ok(_), Some(before)) = (&result, &before) {
            if let Err(e) = self.check_untouched(before) {
                result = Err(e);
            }
        }
        self.origin.clear();
        if result.is_err() {
            self.lines = lines;
            self.notes = notes;
        }
        result
    }

    /// Checks that every line the edit did not write reads as it did before (`before`).
    fn check_untouched(&self, before: &[Info]) -> Result<(), EditError> {
        let after = self.scan()?;
        debug_assert_eq!(self.origin.len(), after.len());
        for (now, was) in after.iter().zip(&self.origin) {
            if let Some(j) = *was {
                if *now != before[j] {
                    return Err(EditError::WouldReread { line: j + 1 });
                }
            }
        }
        Ok(())
    }

    /// Replaces lines `range` with `new`: every change of the lines goes through here, so
    /// that `origin` follows them.
    fn splice(&mut self, range: std::ops::Range<usize>, new: Vec<String>) -> Result<(), EditError> {
        let written = std::iter::repeat_n(None, new.len());
        self.origin.splice(range.clone(), written);
        self.lines.splice(range, new);
        after_change()
    }

    /// Replaces line `i`.
    fn put(&mut self, i: usize, line: String) -> Result<(), EditError> {
        self.splice(i..i + 1, vec![line])
    }

    /// Deletes lines `range`.
    fn remove_lines(&mut self, range: std::ops::RangeInclusive<usize>) -> Result<(), EditError> {
        self.splice(*range.start()..*range.end() + 1, Vec::new())
    }

    fn check_target(&self, target: Target<'_>) -> Result<(), EditError> {
        if !parse::is_identifier(target.name()) {
            return Err(EditError::InvalidName(target.name().to_string()));
        }
        match (self.kind, target) {
            (FileKind::Credentials, Target::SsoSession(_)) => {
                Err(EditError::WrongFile("sso-session"))
            }
            (FileKind::Credentials, Target::Services(_)) => Err(EditError::WrongFile("services")),
            _ => Ok(()),
        }
    }

    /// Inserts `new` before line `at`, giving the line before it a terminator if it lacks one.
    fn insert(&mut self, at: usize, new: Vec<String>) -> Result<(), EditError> {
        if at > 0 && self.terminator(&self.lines[at - 1]).is_empty() {
            // A last line ending in a lone `\r` reads as ended already: complete it to
            // `\r\n` rather than make the `\r` part of it.
            let eol = if self.lines[at - 1].ends_with('\r') {
                "\n"
            } else {
                self.eol
            };
            let line = format!("{}{eol}", self.lines[at - 1]);
            self.put(at - 1, line)?;
        }
        self.splice(at..at, new)
    }

    /// Lines that start a new section for `target` at the end of the file.
    fn append_section(&mut self, target: Target<'_>, body: Vec<String>) -> Result<(), EditError> {
        let mut new = Vec::new();
        let last_blank = self
            .lines
            .last()
            .is_none_or(|l| l.trim_matches([' ', '\t', '\r', '\n']).is_empty());
        if !last_blank {
            new.push(self.eol.to_string());
        }
        new.push(format!("{}{}", target.header(self.kind), self.eol));
        new.extend(body);
        let at = self.lines.len();
        self.insert(at, new)
    }

    /// Says what an edit of `key` did when `target` or the key is there more than once:
    /// `line` (0-based) is where the key was changed, or where it was added when `added`.
    fn note_duplicates(
        &mut self,
        target: Target<'_>,
        sections: &[(usize, usize)],
        (key, count): (&str, usize),
        (line, added): (usize, bool),
    ) {
        let header = target.header(self.kind);
        let file = self.kind.as_str();
        let at = line + 1;
        if sections.len() > 1 {
            let lines: Vec<String> = sections.iter().map(|(s, _)| (s + 1).to_string()).collect();
            let what = if added {
                format!("`{key}` was added to the last one, at line {at}")
            } else {
                format!("`{key}` was changed where the SDKs read it, at line {at}")
            };
            self.notes.push(format!(
                "{header} appears {} times in the {file} file (lines {}); the SDKs merge them, so {what}",
                sections.len(),
                lines.join(", ")
            ));
        } else if count > 1 {
            self.notes.push(format!(
                "`{key}` is set {count} times in {header} in the {file} file; changed the last one, at line {at}, the one the SDKs use"
            ));
        }
    }

    /// Sets `key` (or its sub-property `sub`) of `target` to `value`, creating the section
    /// or key when missing. Returns whether the text changed.
    pub fn set(
        &mut self,
        target: Target<'_>,
        key: &str,
        sub: Option<&str>,
        value: &str,
    ) -> Result<bool, EditError> {
        self.transaction(|doc| {
            doc.check_target(target)?;
            check_key(key)?;
            if let Some(sub) = sub {
                check_key(sub)?;
            }
            check_value(sub.unwrap_or(key), value)?;
            let changed = doc.set_inner(target, key, sub, value)?;
            doc.verify_value(target, key, sub, Some(value))?;
            Ok(changed)
        })
    }

    fn set_inner(
        &mut self,
        target: Target<'_>,
        key: &str,
        sub: Option<&str>,
        value: &str,
    ) -> Result<bool, EditError> {
        let lkey = key.to_ascii_lowercase();
        let infos = self.scan()?;
        let sections = self.sections(&infos, target, true);
        let occ = Self::occurrences(&infos, &sections, &lkey);
        let eol = self.eol;
        let Some(&i) = occ.last() else {
            let at = sections
                .last()
                .map(|&range| Self::insertion_point(&infos, &self.lines, range));
            // A new key is indented as the section's last property is (a file of
            // indented properties, which botocore reads, stays one). In a section without
            // one, as an indented header after it is: botocore reads that as a header only
            // below a key indented as far, and else it would join the new key's value.
            let pad = sections
                .last()
                .and_then(|&(s, e)| {
                    (s..e)
                        .rev()
                        .find(|&j| matches!(infos[j], Info::Property { .. }))
                })
                .or_else(|| {
                    let next = (at?..infos.len())
                        .find(|&j| !matches!(infos[j], Info::Blank | Info::Comment))?;
                    matches!(infos[next], Info::Header(_)).then_some(next)
                })
                .map_or("", |j| indentation_of(&self.lines[j]))
                .to_string();
            let mut body = Vec::new();
            match sub {
                None => body.push(format!("{pad}{key} = {value}{eol}")),
                Some(sub) => {
                    body.push(format!("{pad}{key} ={eol}"));
                    body.push(format!("{pad}    {sub} = {value}{eol}"));
                }
            }
            match at {
                Some(at) => {
                    self.note_duplicates(target, &sections, (key, 0), (at, true));
                    self.insert(at, body)?;
                }
                None => self.append_section(target, body)?,
            }
            return Ok(true);
        };
        self.note_duplicates(target, &sections, (key, occ.len()), (i, false));
        let Info::Property {
            empty, value: span, ..
        } = &infos[i]
        else {
            return Err(EditError::ReadBack("not a property line".into()));
        };
        let end = Self::property_end(&infos, i);
        let is_block = *empty && (i + 1..=end).any(|j| matches!(infos[j], Info::Sub { .. }));
        match sub {
            None => {
                if is_block {
                    return Err(EditError::IsABlock {
                        key: key.to_string(),
                    });
                }
                let raw = &self.lines[i];
                let line = match span {
                    Some((s, e)) if &raw[*s..*e] == value && end == i => return Ok(false),
                    Some((s, e)) => format!("{}{value}{}", &raw[..*s], &raw[*e..]),
                    None => {
                        let written = raw
                            .split('=')
                            .next()
                            .unwrap_or(key)
                            .trim_end_matches([' ', '\t']);
                        format!("{written} = {value}{}", self.terminator(raw))
                    }
                };
                // A plain value's continuation lines belong to the old value; comments
                // among them stay.
                self.put(i, line)?;
                for j in Self::value_lines(&infos, i, end).into_iter().rev() {
                    if j != i {
                        self.remove_lines(j..=j)?;
                    }
                }
                Ok(true)
            }
            Some(sub) => {
                if !*empty {
                    return Err(EditError::NotABlock {
                        key: key.to_string(),
                    });
                }
                let lsub = sub.to_ascii_lowercase();
                let subs: Vec<usize> = (i + 1..=end)
                    .filter(|&j| matches!(&infos[j], Info::Sub { .. }))
                    .collect();
                let found = subs
                    .iter()
                    .rev()
                    .find(|&&j| matches!(&infos[j], Info::Sub { key } if *key == lsub));
                match found {
                    Some(&j) => {
                        let raw = &self.lines[j];
                        let indent_len = raw.len() - raw.trim_start_matches([' ', '\t']).len();
                        let written = raw[indent_len..]
                            .split('=')
                            .next()
                            .unwrap_or(sub)
                            .trim_end_matches([' ', '\t']);
                        let line = format!(
                            "{}{written} = {value}{}",
                            &raw[..indent_len],
                            self.terminator(raw)
                        );
                        if line == *raw {
                            return Ok(false);
                        }
                        self.put(j, line)?;
                    }
                    None => {
                        let indent = subs.first().map_or_else(
                            || format!("{}    ", indentation_of(&self.lines[i])),
                            |&j| indentation_of(&self.lines[j]).to_string(),
                        );
                        let after = subs.last().copied().unwrap_or(i);
                        self.insert(after + 1, vec![format!("{indent}{sub} = {value}{eol}")])?;
                    }
                }
                Ok(true)
            }
        }
    }

    /// Deletes `key` (or its sub-property `sub`) from every section matching `target`.
    /// A block left without sub-properties is deleted too. Returns how many lines holding
    /// the key were deleted (0 when it was not set).
    pub fn delete(
        &mut self,
        target: Target<'_>,
        key: &str,
        sub: Option<&str>,
    ) -> Result<usize, EditError> {
        self.transaction(|doc| doc.delete_inner(target, key, sub))
    }

    fn delete_inner(
        &mut self,
        target: Target<'_>,
        key: &str,
        sub: Option<&str>,
    ) -> Result<usize, EditError> {
        let lkey = key.to_ascii_lowercase();
        let infos = self.scan()?;
        let sections = self.sections(&infos, target, false);
        let occ = Self::occurrences(&infos, &sections, &lkey);
        // The copy the SDKs read is the last one in the sections they read: a hidden
        // `[default]` after `[profile default]` holds a later copy nobody reads.
        let read = Self::occurrences(&infos, &self.sections(&infos, target, true), &lkey);
        let mut remove: Vec<usize> = Vec::new();
        let mut count = 0;
        // The sub-property lines of the block at `i`, and those of them named `lsub`.
        let sub_lines = |i: usize, lsub: &str| {
            let subs: Vec<usize> = (i + 1..=Self::property_end(&infos, i))
                .filter(|&j| matches!(&infos[j], Info::Sub { .. }))
                .collect();
            let hits: Vec<usize> = subs
                .iter()
                .copied()
                .filter(|&j| matches!(&infos[j], Info::Sub { key } if *key == lsub))
                .collect();
            (subs, hits)
        };
        let lsub = sub.map(str::to_ascii_lowercase);
        // The SDKs read the last copy of a key written twice. When that copy goes whole
        // (its last sub-property deleted), the copies it hid go too: else the one before
        // it would take its place, with values nobody asked for.
        let all_go = match (&lsub, read.last()) {
            (None, _) => true,
            (Some(lsub), Some(&last)) => {
                let (subs, hits) = sub_lines(last, lsub);
                !hits.is_empty() && hits.len() == subs.len()
            }
            (Some(_), None) => false,
        };
        for &i in &occ {
            let end = Self::property_end(&infos, i);
            match &lsub {
                None => {
                    remove.extend(Self::deleted_lines(&infos, &self.lines, i, end));
                    count += 1;
                }
                Some(lsub) => {
                    let (subs, hits) = sub_lines(i, lsub);
                    count += hits.len();
                    if all_go || (!hits.is_empty() && hits.len() == subs.len()) {
                        remove.extend(Self::deleted_lines(&infos, &self.lines, i, end));
                    } else {
                        remove.extend(hits);
                    }
                }
            }
        }
        if occ.len() > 1 && all_go {
            self.notes.push(format!(
                "`{key}` was set {} times in {} in the {} file; deleted every one",
                occ.len(),
                target.header(self.kind),
                self.kind.as_str()
            ));
        }
        remove.sort_unstable();
        remove.dedup();
        for &j in remove.iter().rev() {
            self.remove_lines(j..=j)?;
        }
        self.verify_value(target, key, sub, None)?;
        Ok(count)
    }

    /// Whether a section matching `target` exists in this file.
    pub fn has_section(&self, target: Target<'_>) -> Result<bool, EditError> {
        let infos = self.scan()?;
        Ok(!self.sections(&infos, target, false).is_empty())
    }

    /// Deletes every section matching `target` with its lines, and the blank lines after it.
    /// Comments after its last property stay: they usually describe the next section.
    /// Returns how many sections were deleted.
    pub fn remove_section(&mut self, target: Target<'_>) -> Result<usize, EditError> {
        self.transaction(|doc| doc.remove_section_inner(target))
    }

    fn remove_section_inner(&mut self, target: Target<'_>) -> Result<usize, EditError> {
        let infos = self.scan()?;
        let sections = self.sections(&infos, target, false);
        // Lines from here on are gone already: a later copy at the end of the file took
        // the blank lines before it, which also trail this one.
        let mut removed_from = self.lines.len();
        for &(start, end) in sections.iter().rev() {
            let end = end.min(removed_from);
            let mut last = Self::content_end(&infos, (start, end));
            // Indented comments after it (botocore reads them as comments) go too: left
            // behind, they would become continuation lines of the section before.
            if let Some(j) = Self::last_indented_comment(&infos, &self.lines, last + 1, end) {
                last = j;
            }
            while last + 1 < end && infos[last + 1] == Info::Blank {
                last += 1;
            }
            let mut first = start;
            if last + 1 == self.lines.len() {
                // At the end of the file: take the blank lines that separated it too.
                while first > 0 && infos[first - 1] == Info::Blank {
                    first -= 1;
                }
            }
            self.remove_lines(first..=last)?;
            removed_from = first;
        }
        if sections.len() > 1 {
            self.notes.push(format!(
                "{} appeared {} times in the {} file; deleted every one",
                target.header(self.kind),
                sections.len(),
                self.kind.as_str()
            ));
        }
        self.scan()?;
        Ok(sections.len())
    }

    /// Renames every profile section called `old` to `new`, keeping a comment after the
    /// header. Refuses when `new` already exists. Returns how many headers changed.
    pub fn rename_profile(&mut self, old: &str, new: &str) -> Result<usize, EditError> {
        self.transaction(|doc| doc.rename_profile_inner(old, new))
    }

    fn rename_profile_inner(&mut self, old: &str, new: &str) -> Result<usize, EditError> {
        if !parse::is_identifier(new) {
            return Err(EditError::InvalidName(new.to_string()));
        }
        let infos = self.scan()?;
        if !self
            .sections(&infos, Target::Profile(new), false)
            .is_empty()
        {
            return Err(EditError::Exists(format!(
                "profile `{new}` (in the {} file)",
                self.kind.as_str()
            )));
        }
        let before = self.read_back(Filter::Profile(old))?;
        let sections = self.sections(&infos, Target::Profile(old), false);
        // A section the SDKs ignore (`[default]` beside `[profile default]`) cannot be
        // renamed with the others without merging into them, nor left behind without
        // taking their place: either way the profiles would read differently.
        let read = self.sections(&infos, Target::Profile(old), true);
        if let Some(&(start, _)) = sections.iter().find(|s| !read.contains(s)) {
            return Err(EditError::HiddenDefault { line: start + 1 });
        }
        let header = Target::Profile(new).header(self.kind);
        for &(start, _) in &sections {
            let raw = &self.lines[start];
            let rest = raw.find(']').map_or("", |i| &raw[i + 1..]);
            let mut line = format!("{header}{rest}");
            if rest.is_empty() && !self.terminator(raw).is_empty() {
                line.push_str(self.terminator(raw));
            }
            self.put(start, line)?;
        }
        self.scan()?;
        if !sections.is_empty() {
            // A header is one line, but what its section means depends on the others: the
            // renamed profile must read exactly as the old one did.
            let props = |set: &ProfileSet, name: &str| {
                set.profiles.get(name).map(|s| {
                    s.properties
                        .iter()
                        .map(|(k, p)| (k.clone(), p.value.clone()))
                        .collect::<Vec<_>>()
                })
            };
            let was = props(&before, old);
            let now = props(&self.read_back(Filter::Profile(new))?, new);
            if now != was {
                return Err(EditError::ReadBack(format!(
                    "profile `{new}` reads back as {now:?}, not as `{old}` read, {was:?}"
                )));
            }
        }
        Ok(sections.len())
    }

    /// Replaces the value `old` of `key` with `new` in every profile (for `source_profile`
    /// after a rename). Returns the names of the profiles changed.
    pub fn replace_values(
        &mut self,
        key: &str,
        old: &str,
        new: &str,
    ) -> Result<Vec<String>, EditError> {
        self.transaction(|doc| {
            doc.replace_values_inner(key, &|v| (v == old).then(|| new.to_string()))
        })
        .map(|changed| changed.into_iter().map(|(profile, _)| profile).collect())
    }

    /// Replaces every value of `key` that `renames` has as a key with what it maps to, in
    /// every profile, in one pass (for `source_profile` after many renames at once).
    /// Returns each change as (profile, old value), in file order.
    pub fn replace_values_many(
        &mut self,
        key: &str,
        renames: &std::collections::HashMap<String, String>,
    ) -> Result<Vec<(String, String)>, EditError> {
        self.transaction(|doc| doc.replace_values_inner(key, &|v| renames.get(v).cloned()))
    }

    fn replace_values_inner(
        &mut self,
        key: &str,
        new_for: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(String, String)>, EditError> {
        let lkey = key.to_ascii_lowercase();
        let infos = self.scan()?;
        let mut changed = Vec::new();
        let mut section: Option<String> = None;
        for (i, info) in infos.iter().enumerate() {
            match info {
                Info::Header(Sect::Profile { name, .. }) => section = Some(name.clone()),
                Info::Header(_) => section = None,
                Info::Property {
                    key: k,
                    value: Some((s, e)),
                    ..
                } if *k == lkey => {
                    // A value continued on further lines is more than its first line: it
                    // is not the value asked for, and rewriting its first line alone
                    // would make it another value.
                    if Self::property_end(&infos, i) != i {
                        continue;
                    }
                    let raw = &self.lines[i];
                    let old = &raw[*s..*e];
                    if let (Some(new), Some(name)) = (new_for(old), &section) {
                        check_value(key, &new)?;
                        let line = format!("{}{new}{}", &raw[..*s], &raw[*e..]);
                        let old = old.to_string();
                        self.put(i, line)?;
                        changed.push((name.clone(), old));
                    }
                }
                _ => {}
            }
        }
        self.scan()?;
        Ok(changed)
    }

    /// Rewrites many profile sections in one pass over the text, for edits too many for
    /// one [`set`](Document::set) each (a sync of thousands of profiles): each entry of
    /// `changes` names an existing profile and gives its new header and properties
    /// (renaming it in place when the name differs) or `None` to remove it; `add` are new
    /// profiles, inserted in their order after the section of `add_after` (when given and
    /// present) or at the end of the file, each after a blank line.
    ///
    /// A rewritten section keeps its place, the comment after its header and the comment
    /// lines among its properties (moved after the new properties); a removed one goes as
    /// [`remove_section`](Document::remove_section) takes it. A profile that appears more
    /// than once is rewritten in its last copy and the others removed, with a note. The
    /// result is read back: every written profile must hold exactly its properties and
    /// every removed one be gone, or nothing changes. Refused: a name that is not an
    /// identifier, a key or value that would not read back, a change of a profile that does
    /// not exist, and a name written twice or onto a profile that stays.
    pub fn rewrite_profiles(
        &mut self,
        changes: &[(String, Option<ProfileBody>)],
        add: &[ProfileBody],
        add_after: Option<&str>,
    ) -> Result<(), EditError> {
        self.transaction(|doc| doc.rewrite_profiles_inner(changes, add, add_after))
    }

    fn rewrite_profiles_inner(
        &mut self,
        changes: &[(String, Option<ProfileBody>)],
        add: &[ProfileBody],
        add_after: Option<&str>,
    ) -> Result<(), EditError> {
        use std::collections::{HashMap, HashSet};
        let written: Vec<&ProfileBody> = changes
            .iter()
            .filter_map(|(_, b)| b.as_ref())
            .chain(add)
            .collect();
        for body in &written {
            self.check_target(Target::Profile(&body.name))?;
            for (k, v) in &body.properties {
                check_key(k)?;
                check_value(k, v)?;
            }
        }
        let infos = self.scan()?;
        // Every profile name in this file, and which of them this batch rewrites or removes.
        let mut present: HashSet<&str> = HashSet::new();
        let mut starts: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, info) in infos.iter().enumerate() {
            if let Info::Header(Sect::Profile { name, .. }) = info {
                present.insert(name);
                starts.entry(name).or_default().push(i);
            }
        }
        let changed: HashSet<&str> = changes.iter().map(|(n, _)| n.as_str()).collect();
        let mut names: HashSet<&str> = HashSet::new();
        for body in &written {
            let n = body.name.as_str();
            if !names.insert(n) || (present.contains(n) && !changed.contains(n)) {
                return Err(EditError::Exists(format!(
                    "profile '{n}' (in the {} file)",
                    self.kind.as_str()
                )));
            }
        }
        // What replaces each changed section's lines, keyed by its first line; the ranges
        // never overlap, so they apply from the last to the first.
        let mut ops: Vec<(usize, usize, Vec<String>)> = Vec::new();
        let eol = self.eol;
        for (name, body) in changes {
            let sections = self.sections(&infos, Target::Profile(name), false);
            let Some(&last) = sections.last() else {
                return Err(EditError::ReadBack(format!(
                    "profile '{name}' is not in the {} file",
                    self.kind.as_str()
                )));
            };
            if sections.len() > 1 {
                self.notes.push(format!(
                    "{} appeared {} times in the {} file; {} the last one and removed the others",
                    Target::Profile(name).header(self.kind),
                    sections.len(),
                    self.kind.as_str(),
                    if body.is_some() { "rewrote" } else { "removed" }
                ));
            }
            for &range in &sections {
                let (start, end) = range;
                let content_end = Self::content_end(&infos, range);
                match body {
                    Some(body) if range == last => {
                        let raw = &self.lines[start];
                        let rest = raw.find(']').map_or("", |i| &raw[i + 1..]);
                        let rest = rest.trim_end_matches(['\r', '\n']);
                        let mut new = vec![format!(
                            "{}{rest}{eol}",
                            Target::Profile(&body.name).header(self.kind)
                        )];
                        new.extend(
                            body.properties
                                .iter()
                                .map(|(k, v)| format!("{k} = {v}{eol}")),
                        );
                        new.extend(
                            (start + 1..=content_end)
                                .filter(|&j| infos[j] == Info::Comment)
                                .map(|j| {
                                    let raw = &self.lines[j];
                                    if self.terminator(raw).is_empty() {
                                        format!("{raw}{eol}")
                                    } else {
                                        raw.clone()
                                    }
                                }),
                        );
                        ops.push((start, content_end, new));
                    }
                    _ => {
                        let mut last_line = content_end;
                        while last_line + 1 < end && infos[last_line + 1] == Info::Blank {
                            last_line += 1;
                        }
                        ops.push((start, last_line, Vec::new()));
                    }
                }
            }
        }
        // After a section that this batch removes there is no place left: the end it is.
        let anchor = add_after.filter(|n| !changes.iter().any(|(c, b)| c == n && b.is_none()));
        let at = match anchor.and_then(|n| starts.get(n)).and_then(|s| s.last()) {
            Some(&start) => {
                let end = (start + 1..infos.len())
                    .find(|&i| matches!(infos[i], Info::Header(_)))
                    .unwrap_or(infos.len());
                Self::content_end(&infos, (start, end)) + 1
            }
            None => self.lines.len(),
        };
        ops.sort_by_key(|&(start, _, _)| std::cmp::Reverse(start));
        let mut inserted = add.is_empty();
        let mut removed_from = self.lines.len();
        for (start, last, new) in ops {
            if !inserted && at > last {
                self.insert_profiles(at.min(self.lines.len()), add)?;
                inserted = true;
            }
            let last = last.min(removed_from.saturating_sub(1));
            let mut first = start;
            if new.is_empty() && last + 1 == self.lines.len() {
                // At the end of the file: take the blank lines that separated it too.
                while first > 0
                    && self.lines[first - 1]
                        .trim_matches([' ', '\t', '\r', '\n'])
                        .is_empty()
                {
                    first -= 1;
                }
            }
            if first <= last {
                self.splice(first..last + 1, new)?;
            }
            removed_from = first;
        }
        if !inserted {
            self.insert_profiles(at.min(self.lines.len()), add)?;
        }
        self.verify_profiles(changes, add)
    }

    /// Inserts new profile sections before line `at`, each after a blank line (none at the
    /// start of the file or after a blank line), and a blank line after them when a line
    /// other than a blank one follows.
    fn insert_profiles(&mut self, at: usize, add: &[ProfileBody]) -> Result<(), EditError> {
        let eol = self.eol;
        let blank = |l: &String| l.trim_matches([' ', '\t', '\r', '\n']).is_empty();
        let mut new = Vec::new();
        for (i, body) in add.iter().enumerate() {
            if i > 0 || (at > 0 && !blank(&self.lines[at - 1])) {
                new.push(eol.to_string());
            }
            new.push(format!(
                "{}{eol}",
                Target::Profile(&body.name).header(self.kind)
            ));
            new.extend(
                body.properties
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}{eol}")),
            );
        }
        if !add.is_empty() && self.lines.get(at).is_some_and(|l| !blank(l)) {
            new.push(eol.to_string());
        }
        self.insert(at, new)
    }

    /// Checks that after [`rewrite_profiles`](Document::rewrite_profiles) every written
    /// profile reads back with exactly its properties and every removed one is gone.
    fn verify_profiles(
        &self,
        changes: &[(String, Option<ProfileBody>)],
        add: &[ProfileBody],
    ) -> Result<(), EditError> {
        let set = self.read_back(Filter::All)?;
        let bodies: Vec<&ProfileBody> = changes
            .iter()
            .filter_map(|(_, b)| b.as_ref())
            .chain(add)
            .collect();
        for body in &bodies {
            let got: Vec<(&str, &str)> = set
                .profiles
                .get(&body.name)
                .map(|s| {
                    s.properties
                        .iter()
                        .map(|(k, p)| (k.as_str(), p.value.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            let want: Vec<(String, &str)> = body
                .properties
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
                .collect();
            let same = got.len() == want.len()
                && got
                    .iter()
                    .zip(&want)
                    .all(|((gk, gv), (wk, wv))| gk == wk && gv == wv);
            if !same {
                return Err(EditError::ReadBack(format!(
                    "profile '{}' reads back as {got:?}",
                    body.name
                )));
            }
        }
        for (name, _) in changes {
            if set.profiles.contains_key(name) && !bodies.iter().any(|b| &b.name == name) {
                return Err(EditError::ReadBack(format!(
                    "profile '{name}' is still there after its removal"
                )));
            }
        }
        Ok(())
    }

    /// The text as the SDKs read it (this file alone).
    fn read_back(&self, filter: Filter<'_>) -> Result<ProfileSet, EditError> {
        let text = self.text();
        let (config, creds) = match self.kind {
            FileKind::Config => (Some(text.as_str()), None),
            FileKind::Credentials => (None, Some(text.as_str())),
        };
        ProfileSet::from_texts(config, creds, filter)
            .map_err(|(_, e)| EditError::ReadBack(e.to_string()))
    }

    /// Reads the text back the way the SDKs do and checks `key` of `target` is `expected`.
    fn verify_value(
        &self,
        target: Target<'_>,
        key: &str,
        sub: Option<&str>,
        expected: Option<&str>,
    ) -> Result<(), EditError> {
        let set = self.read_back(match target {
            Target::Profile(name) => Filter::Profile(name),
            _ => Filter::All,
        })?;
        let map = match target {
            Target::Profile(_) => &set.profiles,
            Target::SsoSession(_) => &set.sso_sessions,
            Target::Services(_) => &set.services,
        };
        let prop = map.get(target.name()).and_then(|s| s.property(key));
        let got = match sub {
            None => prop.map(|p| p.value.clone()),
            Some(sub) => prop.and_then(|p| {
                p.sub_properties()
                    .into_iter()
                    .rev()
                    .find(|(k, _)| k.eq_ignore_ascii_case(sub))
                    .map(|(_, v)| v.to_string())
            }),
        };
        if got.as_deref() == expected {
            Ok(())
        } else {
            Err(EditError::ReadBack(format!(
                "{key} reads back as {got:?}, expected {expected:?}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: FileKind, text: &str) -> Document {
        Document::parse(kind, text).unwrap()
    }

    #[test]
    fn replaces_only_the_value_keeping_comment_and_spacing() {
        let mut d = doc(
            FileKind::Config,
            "# top\n[profile a]\nregion  =  us-east-1 ; old\noutput=json\n",
        );
        assert!(d
            .set(Target::Profile("a"), "region", None, "eu-west-1")
            .unwrap());
        assert_eq!(
            d.text(),
            "# top\n[profile a]\nregion  =  eu-west-1 ; old\noutput=json\n"
        );
        assert!(!d
            .set(Target::Profile("a"), "region", None, "eu-west-1")
            .unwrap());
    }

    #[test]
    fn new_key_goes_after_last_property_before_blank_and_comments() {
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nregion = x\n\n# about b\n[profile b]\n",
        );
        d.set(Target::Profile("a"), "output", None, "json").unwrap();
        assert_eq!(
            d.text(),
            "[profile a]\nregion = x\noutput = json\n\n# about b\n[profile b]\n"
        );
    }

    #[test]
    fn new_section_is_appended_with_a_blank_line_and_crlf_kept() {
        let mut d = doc(FileKind::Credentials, "[a]\r\nk = v");
        d.set(Target::Profile("b"), "aws_access_key_id", None, "AKIA")
            .unwrap();
        assert_eq!(
            d.text(),
            "[a]\r\nk = v\r\n\r\n[b]\r\naws_access_key_id = AKIA\r\n"
        );
    }

    #[test]
    fn duplicates_edit_the_last_occurrence_and_say_so() {
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nregion = 1\n[profile a]\nregion = 2\n",
        );
        d.set(Target::Profile("a"), "region", None, "3").unwrap();
        assert_eq!(
            d.text(),
            "[profile a]\nregion = 1\n[profile a]\nregion = 3\n"
        );
        assert_eq!(d.take_notes().len(), 1);
    }

    /// The note names the line that changed: the key where it is set, even in the first of
    /// the sections, or the line added to the last one.
    #[test]
    fn duplicate_sections_the_note_names_the_line_that_changed() {
        let text = "[alice]\naws_access_key_id = OLD\n[bob]\nx = 1\n[alice]\nregion = r\n";
        let mut d = doc(FileKind::Credentials, text);
        d.set(Target::Profile("alice"), "aws_access_key_id", None, "NEW")
            .unwrap();
        d.set(Target::Profile("alice"), "aws_secret_access_key", None, "S")
            .unwrap();
        assert_eq!(
            d.text(),
            "[alice]\naws_access_key_id = NEW\n[bob]\nx = 1\n[alice]\nregion = r\naws_secret_access_key = S\n"
        );
        let notes = d.take_notes();
        assert_eq!(
            notes,
            [
                "[alice] appears 2 times in the credentials file (lines 1, 5); the SDKs merge them, so `aws_access_key_id` was changed where the SDKs read it, at line 2",
                "[alice] appears 2 times in the credentials file (lines 1, 5); the SDKs merge them, so `aws_secret_access_key` was added to the last one, at line 7",
            ]
        );
    }

    #[test]
    fn sub_properties() {
        let mut d = doc(FileKind::Config, "[default]\ns3 =\n  a = 1\nregion = x\n");
        d.set(Target::Profile("default"), "s3", Some("a"), "2")
            .unwrap();
        d.set(Target::Profile("default"), "s3", Some("b"), "3")
            .unwrap();
        assert_eq!(d.text(), "[default]\ns3 =\n  a = 2\n  b = 3\nregion = x\n");
        assert!(matches!(
            d.set(Target::Profile("default"), "region", Some("x"), "1"),
            Err(EditError::NotABlock { .. })
        ));
        assert!(matches!(
            d.set(Target::Profile("default"), "s3", None, "1"),
            Err(EditError::IsABlock { .. })
        ));
        assert_eq!(
            d.delete(Target::Profile("default"), "s3", Some("a"))
                .unwrap(),
            1
        );
        assert_eq!(
            d.delete(Target::Profile("default"), "s3", Some("b"))
                .unwrap(),
            1
        );
        assert_eq!(d.text(), "[default]\nregion = x\n");
    }

    #[test]
    fn values_that_would_not_read_back_are_refused() {
        let mut d = doc(FileKind::Config, "");
        for v in ["a #b", "#x", " x", "a\nb"] {
            assert!(d.set(Target::Profile("a"), "k", None, v).is_err(), "{v}");
        }
        d.set(Target::Profile("a"), "k", None, "a#b").unwrap();
        assert_eq!(d.text(), "[profile a]\nk = a#b\n");
    }

    #[test]
    fn remove_and_rename() {
        let text =
            "[profile a]\nk = 1\n\n# b\n[profile b]\nsource_profile = a\n\n[profile c]\nk=3\n";
        let mut d = doc(FileKind::Config, text);
        assert_eq!(d.rename_profile("a", "z").unwrap(), 1);
        assert_eq!(
            d.replace_values("source_profile", "a", "z").unwrap(),
            vec!["b"]
        );
        assert_eq!(d.remove_section(Target::Profile("c")).unwrap(), 1);
        assert_eq!(
            d.text(),
            "[profile z]\nk = 1\n\n# b\n[profile b]\nsource_profile = z\n"
        );
        assert!(d.rename_profile("b", "z").is_err());
    }

    #[test]
    fn removing_copies_of_a_section_separated_by_blank_lines_removes_each_once() {
        // The last copy takes the blank lines before it, which also trail the first: once
        // a panic (a range past the end), found by the fault-injection proptest.
        let mut d = doc(FileKind::Config, "[default]\n\n[default]\n");
        assert_eq!(d.remove_section(Target::Profile("default")).unwrap(), 2);
        assert_eq!(d.text(), "");
        let mut d = doc(
            FileKind::Config,
            "[profile k]\n\n[default]\nx = 1\n\n\n[default]\n\n",
        );
        assert_eq!(d.remove_section(Target::Profile("default")).unwrap(), 2);
        assert_eq!(d.text(), "[profile k]\n");
    }

    #[test]
    fn replacing_a_continued_value_keeps_comments_among_its_lines() {
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nk = v\n# note\n  more\n\n  most\nz = 1\n",
        );
        d.set(Target::Profile("a"), "k", None, "w").unwrap();
        assert_eq!(d.text(), "[profile a]\nk = w\n# note\nz = 1\n");
        d.delete(Target::Profile("a"), "k", None).unwrap();
        assert_eq!(d.text(), "[profile a]\n# note\nz = 1\n");
    }

    #[test]
    fn default_prefers_the_prefixed_section_in_config() {
        let mut d = doc(
            FileKind::Config,
            "[profile default]\nk = 1\n[default]\nk = 2\n",
        );
        d.set(Target::Profile("default"), "k", None, "3").unwrap();
        assert_eq!(d.text(), "[profile default]\nk = 3\n[default]\nk = 2\n");
    }

    #[test]
    fn rewrite_profiles_renames_in_place_removes_and_adds_after_an_anchor() {
        let text = "# mine\n[profile mine]\nk = 1\n\n[profile g1] ; gen\nregion = a\n# inner\nz = 1\n# kept\n\n\
                    [profile g2]\nregion = b\n\n# about tail\n[profile tail]\nk = 2\n";
        let mut d = doc(FileKind::Config, text);
        d.rewrite_profiles(
            &[
                (
                    "g1".into(),
                    Some(body("g1-new", &[("region", "c"), ("x", "y")])),
                ),
                ("g2".into(), None),
            ],
            &[
                body("g3", &[("region", "d")]),
                body("g4", &[("region", "e")]),
            ],
            Some("g1"),
        )
        .unwrap();
        assert_eq!(
            d.text(),
            "# mine\n[profile mine]\nk = 1\n\n[profile g1-new] ; gen\nregion = c\nx = y\n# inner\n\n\
             [profile g3]\nregion = d\n\n[profile g4]\nregion = e\n\n# kept\n\n# about tail\n[profile tail]\nk = 2\n"
        );
    }

    #[test]
    fn rewrite_profiles_appends_at_the_end_and_removes_trailing_sections_cleanly() {
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nk = 1\n\n[profile b]\nk = 2\n",
        );
        d.rewrite_profiles(&[("b".into(), None)], &[], None)
            .unwrap();
        assert_eq!(d.text(), "[profile a]\nk = 1\n");
        d.rewrite_profiles(&[], &[body("c", &[("k", "3")])], None)
            .unwrap();
        assert_eq!(d.text(), "[profile a]\nk = 1\n\n[profile c]\nk = 3\n");
        let mut crlf = doc(FileKind::Config, "[profile a]\r\nk = 1");
        crlf.rewrite_profiles(&[], &[body("b", &[("k", "2")])], Some("a"))
            .unwrap();
        assert_eq!(
            crlf.text(),
            "[profile a]\r\nk = 1\r\n\r\n[profile b]\r\nk = 2\r\n"
        );
        let mut empty = Document::empty(FileKind::Config);
        empty
            .rewrite_profiles(&[], &[body("a", &[("k", "1")]), body("b", &[])], None)
            .unwrap();
        assert_eq!(empty.text(), "[profile a]\nk = 1\n\n[profile b]\n");
    }

    #[test]
    fn rewrite_profiles_swaps_names_in_one_batch() {
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nk = 1\n\n[profile b]\nk = 2\n",
        );
        d.rewrite_profiles(
            &[
                ("a".into(), Some(body("b", &[("k", "1")]))),
                ("b".into(), Some(body("a", &[("k", "2")]))),
            ],
            &[],
            None,
        )
        .unwrap();
        assert_eq!(d.text(), "[profile b]\nk = 1\n\n[profile a]\nk = 2\n");
    }

    #[test]
    fn rewrite_profiles_refuses_duplicates_bad_names_and_missing_profiles() {
        let text = "[profile a]\nk = 1\n[profile keep]\n";
        let mut d = doc(FileKind::Config, text);
        for (changes, add) in [
            (vec![], vec![body("keep", &[])]),
            (vec![], vec![body("n", &[]), body("n", &[])]),
            (vec![("a".to_string(), Some(body("keep", &[])))], vec![]),
            (vec![("missing".to_string(), None)], vec![]),
            (vec![], vec![body("bad name", &[])]),
            (vec![], vec![body("n", &[("k", "v #c")])]),
            (vec![], vec![body("n", &[("bad key", "v")])]),
        ] {
            assert!(
                d.rewrite_profiles(&changes, &add, None).is_err(),
                "{changes:?} {add:?}"
            );
            assert_eq!(d.text(), text);
        }
        // A removed name may be written again in the same batch.
        d.rewrite_profiles(&[("a".into(), None)], &[body("a", &[("k", "2")])], None)
            .unwrap();
        assert_eq!(d.text(), "[profile keep]\n\n[profile a]\nk = 2\n");
    }

    #[test]
    fn replace_values_many_renames_every_reference_in_one_pass() {
        let mut d = doc(
            FileKind::Config,
            "[profile x]\nsource_profile = a\n[profile y]\nsource_profile = b\n[profile z]\nsource_profile = c\n",
        );
        let map = [("a", "A"), ("b", "B")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let changed = d.replace_values_many("source_profile", &map).unwrap();
        assert_eq!(
            changed,
            vec![
                ("x".to_string(), "a".to_string()),
                ("y".to_string(), "b".to_string())
            ]
        );
        assert_eq!(
            d.text(),
            "[profile x]\nsource_profile = A\n[profile y]\nsource_profile = B\n[profile z]\nsource_profile = c\n"
        );
    }

    /// One public edit with its arguments.
    #[derive(Clone, Debug)]
    enum Op {
        Set(&'static str, &'static str, Option<&'static str>, String),
        Delete(&'static str, &'static str, Option<&'static str>),
        Remove(&'static str),
        Rename(&'static str, &'static str),
        Replace(&'static str, &'static str, &'static str),
        /// rewrite_profiles: profile, its new name (None: remove it), a profile to add,
        /// and where.
        Rewrite(
            &'static str,
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
        ),
    }

    fn body(name: &str, props: &[(&str, &str)]) -> ProfileBody {
        ProfileBody {
            name: name.to_string(),
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Runs `op`, its result as text so that every edit's can be compared.
    fn apply(doc: &mut Document, op: &Op) -> Result<String, EditError> {
        match op {
            Op::Set(n, k, s, v) => doc
                .set(Target::Profile(n), k, *s, v)
                .map(|r| format!("{r}")),
            Op::Delete(n, k, s) => doc
                .delete(Target::Profile(n), k, *s)
                .map(|r| format!("{r}")),
            Op::Remove(n) => doc
                .remove_section(Target::Profile(n))
                .map(|r| format!("{r}")),
            Op::Rename(a, b) => doc.rename_profile(a, b).map(|r| format!("{r}")),
            Op::Replace(k, a, b) => doc.replace_values(k, a, b).map(|r| format!("{r:?}")),
            Op::Rewrite(n, to, add, after) => {
                let changes = [(
                    n.to_string(),
                    to.map(|t| body(t, &[("sso_session", "s"), ("region", "r")])),
                )];
                let add: Vec<ProfileBody> =
                    add.iter().map(|a| body(a, &[("region", "x")])).collect();
                doc.rewrite_profiles(&changes, &add, *after)
                    .map(|()| String::new())
            }
        }
    }

    /// Runs `edit` on a copy of `doc` once to count its line changes, then again stopped
    /// right after each of them in turn: every stopped run must fail with the injected
    /// fault and leave the lines and notes exactly as they were.
    fn stop_half_way(
        what: &str,
        doc: &Document,
        edit: impl Fn(&mut Document) -> Result<String, EditError>,
    ) -> usize {
        fault::fail_after(None);
        let mut whole = doc.clone();
        edit(&mut whole).unwrap_or_else(|e| panic!("{what}: {e}"));
        let changes = fault::changes();
        assert!(changes >= 1, "{what}: the edit changed no line");
        assert_ne!(whole.text(), doc.text(), "{what}: the edit changed nothing");
        for n in 1..=changes {
            let mut stopped = doc.clone();
            fault::fail_after(Some(n));
            let result = edit(&mut stopped);
            fault::fail_after(None);
            assert_eq!(
                result,
                Err(EditError::ReadBack(fault::INJECTED.to_string())),
                "{what}: stopped after change {n} of {changes}"
            );
            // String equality is byte equality.
            assert_eq!(
                stopped.text(),
                doc.text(),
                "{what}: text after stopping at change {n} of {changes}"
            );
            assert_eq!(stopped.lines, doc.lines, "{what}: lines, change {n}");
            assert_eq!(stopped.notes, doc.notes, "{what}: notes, change {n}");
        }
        changes
    }

    #[test]
    fn every_edit_stopped_half_way_leaves_the_document_as_it_was() {
        let config = "[profile a]\nregion = 1\n  more\n# kept\n  most\ns3 =\n  x = 1\n  y = 2\n\n\
                      [profile b]\nsource_profile = a\nregion = 2\nregion = 3\n\n\
                      [profile a]\nsource_profile = a\n\n[profile c]\nsource_profile = a\nk = v";
        let mut d = doc(FileKind::Config, config);
        // A note left by an earlier edit must survive a failed one too.
        d.set(Target::Profile("a"), "output", None, "json").unwrap();
        assert!(!d.notes.is_empty());
        let mut most = 0;
        for (what, op) in [
            (
                "set a continued value",
                Op::Set("a", "region", None, "9".into()),
            ),
            (
                "set a key after a last line without newline",
                Op::Set("c", "output", None, "text".into()),
            ),
            (
                "set a new section",
                Op::Set("new", "region", None, "eu-west-1".into()),
            ),
            (
                "set a new sub-property",
                Op::Set("a", "s3", Some("z"), "3".into()),
            ),
            (
                "set a sub-property",
                Op::Set("a", "s3", Some("x"), "5".into()),
            ),
            (
                "set a duplicated key",
                Op::Set("b", "region", None, "4".into()),
            ),
            ("delete a duplicated key", Op::Delete("b", "region", None)),
            ("delete a continued value", Op::Delete("a", "region", None)),
            ("delete a block", Op::Delete("a", "s3", None)),
            ("delete a sub-property", Op::Delete("a", "s3", Some("x"))),
            ("remove a duplicated section", Op::Remove("a")),
            ("remove the last section", Op::Remove("c")),
            ("rename a duplicated profile", Op::Rename("a", "z")),
            (
                "replace values in three profiles",
                Op::Replace("source_profile", "a", "z"),
            ),
            (
                "rewrite a duplicated profile and add one after another",
                Op::Rewrite("a", Some("z"), Some("new"), Some("b")),
            ),
            (
                "remove the last profile and add one at the end",
                Op::Rewrite("c", None, Some("new"), None),
            ),
        ] {
            most = most.max(stop_half_way(what, &d, |d| apply(d, &op)));
        }
        assert!(most >= 3, "no edit made several changes to stop between");
    }

    #[test]
    fn any_error_after_changes_undoes_lines_and_notes() {
        // Any error, not only the injected one: here an edit that changed a line and
        // added a note, then refused.
        let mut d = doc(FileKind::Config, "[profile a]\nk = 1\n");
        let before = d.text();
        let result: Result<(), EditError> = d.transaction(|doc| {
            doc.put(1, "k = 2\n".to_string())?;
            doc.notes.push("half".to_string());
            Err(EditError::Exists("x".into()))
        });
        assert!(result.is_err());
        assert_eq!(d.text(), before);
        assert!(d.notes.is_empty());
    }

    /// Found by fuzz/edit: deleting the only `\n` of a file with a lone `\r` inside a
    /// line would turn it into a file of classic Mac line ends, another file entirely.
    #[test]
    fn an_edit_that_would_change_where_lines_end_is_refused() {
        let text = "[sso-session a]\n[x]\r[profile a]\r";
        let mut d = doc(FileKind::Config, text);
        assert!(matches!(
            d.remove_section(Target::SsoSession("a")),
            Err(EditError::ReadBack(_))
        ));
    }

    /// Found by fuzz/edit: a last line ending in a lone `\r` got `\r\n` after it, which
    /// made the `\r` part of the line.
    #[test]
    fn appending_after_a_last_line_that_ends_in_a_lone_cr() {
        let mut d = doc(FileKind::Config, "[default]\r\n;c\r");
        d.set(Target::Profile("a"), "k", None, "v").unwrap();
        assert_eq!(d.text(), "[default]\r\n;c\r\n\r\n[profile a]\r\nk = v\r\n");
    }

    /// Found by fuzz/edit: a value continued on further lines was rewritten by its first
    /// line alone when that line matched, which made it another value.
    #[test]
    fn replacing_a_value_leaves_a_value_continued_on_more_lines() {
        let text = "[a]\nsource_profile = old\n  more\n[b]\nsource_profile = old\n";
        let mut d = doc(FileKind::Credentials, text);
        assert_eq!(
            d.replace_values("source_profile", "old", "new").unwrap(),
            ["b"]
        );
        assert_eq!(
            d.text(),
            "[a]\nsource_profile = old\n  more\n[b]\nsource_profile = new\n"
        );
    }

    /// Found by fuzz/edit: deleting the last sub-property of the block the SDKs read (the
    /// last of a key written twice) left the earlier copy, which then took its place.
    #[test]
    fn deleting_the_last_sub_property_of_a_repeated_block_removes_the_hidden_copies() {
        let creds = FileKind::Credentials;
        let text = "[default]\ns3 =\n  a = 1\n  b = 2\ns3 =\n  a = 3\n";
        assert_eq!(delete_default_s3_a(creds, text), (2, "[default]\n".into()));
        // While the last copy keeps a sub-property, it still hides the earlier one.
        let text = "[default]\ns3 =\n  a = 1\n  b = 2\ns3 =\n  a = 3\n  c = 4\n";
        let want = "[default]\ns3 =\n  b = 2\ns3 =\n  c = 4\n";
        assert_eq!(delete_default_s3_a(creds, text), (2, want.into()));
    }

    /// Deletes `s3.a` of profile `default` from `text`: how many lines held it, and the text.
    fn delete_default_s3_a(kind: FileKind, text: &str) -> (usize, String) {
        let mut d = doc(kind, text);
        let n = d
            .delete(Target::Profile("default"), "s3", Some("a"))
            .unwrap();
        (n, d.text())
    }

    /// Found by fuzz/edit: the blank lines before the last of two occurrences belong to
    /// the first too, and deleting both by stale line numbers ran past the end.
    #[test]
    fn removing_a_section_that_appears_twice_at_the_end() {
        let mut d = doc(
            FileKind::Credentials,
            "\r\n\r\n[default]\r\n\r\n\r\n[default];c\r\n\r\n",
        );
        assert_eq!(d.remove_section(Target::Profile("default")).unwrap(), 2);
        assert_eq!(d.text(), "");
        let mut d = doc(
            FileKind::Config,
            "[profile a]\nk = 1\n\n  # lenient\n[profile b]\nk = 2\n[profile a]\n",
        );
        assert_eq!(d.remove_section(Target::Profile("a")).unwrap(), 2);
        assert_eq!(d.text(), "[profile b]\nk = 2\n");
    }

    #[test]
    fn files_of_indented_properties_stay_indented() {
        let text = "[default]\n  region = x\n  s3 =\n      a = 1\n  # note\n[profile b]\n  # only a comment\n";
        let mut d = doc(FileKind::Config, text);
        d.set(Target::Profile("default"), "output", None, "json")
            .unwrap();
        d.set(Target::Profile("default"), "region", None, "y")
            .unwrap();
        d.set(Target::Profile("default"), "s3", Some("b"), "2")
            .unwrap();
        d.set(Target::Profile("default"), "sts", Some("c"), "3")
            .unwrap();
        d.set(Target::Profile("b"), "k", None, "v").unwrap();
        assert_eq!(
            d.text(),
            "[default]\n  region = y\n  s3 =\n      a = 1\n      b = 2\n  output = json\n  sts =\n      c = 3\n  # note\n[profile b]\n  # only a comment\nk = v\n"
        );
        d.delete(Target::Profile("default"), "s3", None).unwrap();
        assert_eq!(
            d.text(),
            "[default]\n  region = y\n  output = json\n  sts =\n      c = 3\n  # note\n[profile b]\n  # only a comment\nk = v\n"
        );
    }

    #[test]
    fn classic_mac_line_ends_are_kept() {
        let mut d = doc(
            FileKind::Config,
            "[default]\rregion = x\r[profile b]\rk = 1",
        );
        d.set(Target::Profile("default"), "output", None, "json")
            .unwrap();
        d.set(Target::Profile("b"), "z", None, "2").unwrap();
        d.set(Target::Profile("c"), "k", None, "3").unwrap();
        assert_eq!(
            d.text(),
            "[default]\rregion = x\routput = json\r[profile b]\rk = 1\rz = 2\r\r[profile c]\rk = 3\r"
        );
    }

    /// Found by fuzz/edit (a file of classic Mac line ends, though the line ends play no
    /// part): in config `[profile default]` hides `[default]`. Renaming both made one
    /// profile of them, which brought the hidden section's settings back under the new
    /// name (and gave botocore a duplicate section, which it refuses); renaming only the
    /// prefixed one would make the hidden one the default profile. Refused, saying where.
    #[test]
    fn renaming_default_with_a_hidden_bare_default_is_refused() {
        let found = "[profile b];c\r[profile b];c\r[profile b];c\r[sso-session b] trailing\r[default]\r Region = U\0\r Region = [[[ [   max_concurrent_req\r\r\r\r\r\r[profile default] trailing\r\r";
        for (text, line) in [
            (found, 5),
            (
                "[profile default]\noutput = json\n[default]\nregion = x\n",
                3,
            ),
        ] {
            let mut d = doc(FileKind::Config, text);
            let err = d.rename_profile("default", "a").unwrap_err();
            assert_eq!(err, EditError::HiddenDefault { line });
            assert!(err.to_string().contains("[profile default]"), "{err}");
            assert_eq!(d.text(), text);
        }
        // Either section alone is the default profile, and renames as usual.
        let mut d = doc(FileKind::Config, "[default]\rk = 1\r[profile b]\r");
        assert_eq!(d.rename_profile("default", "a").unwrap(), 1);
        assert_eq!(d.text(), "[profile a]\rk = 1\r[profile b]\r");
        let mut d = doc(FileKind::Config, "[profile default] ; c\rk = 1\r");
        assert_eq!(d.rename_profile("default", "a").unwrap(), 1);
        assert_eq!(d.text(), "[profile a] ; c\rk = 1\r");
        // The credentials file has one kind of `[default]`, and no hiding.
        let mut d = doc(
            FileKind::Credentials,
            "[default]\rk = 1\r[default]\rj = 2\r",
        );
        assert_eq!(d.rename_profile("default", "a").unwrap(), 2);
        assert_eq!(d.text(), "[a]\rk = 1\r[a]\rj = 2\r");
    }

    /// Deleting a sub-property of `default` decided whether the block went whole from the
    /// hidden `[default]`'s copy of it, not from the `[profile default]` one the SDKs read:
    /// a hidden block holding only that sub-property took the visible block's others too.
    #[test]
    fn deleting_a_sub_property_of_default_reads_the_block_the_sdks_read() {
        let config = FileKind::Config;
        let text = "[profile default]\ns3 =\n  a = 1\n  b = 2\n[default]\ns3 =\n  a = 3\n";
        let want = "[profile default]\ns3 =\n  b = 2\n[default]\n";
        assert_eq!(delete_default_s3_a(config, text), (2, want.into()));
        // The block the SDKs read going whole takes the hidden copy with it.
        let text = "[default]\rs3 =\r  a = 3\r  b = 4\r[profile default]\rs3 =\r  a = 1\r";
        let want = "[default]\r[profile default]\r";
        assert_eq!(delete_default_s3_a(config, text), (2, want.into()));
    }

    /// Every edit of a file of classic Mac line ends (lines end at a lone `\r`) keeps it
    /// one: what it writes ends its lines with `\r`, and the rest reads as before.
    #[test]
    fn every_edit_keeps_classic_mac_line_ends() {
        let text = "[default]\r  region = x\r  s3 =\r      a = 1\r# b\r[profile b]\rsource_profile = default\rk = 1";
        let mut d = doc(FileKind::Config, text);
        d.set(Target::Profile("default"), "output", None, "json")
            .unwrap();
        d.set(Target::Profile("default"), "s3", Some("b"), "2")
            .unwrap();
        d.set(Target::Profile("b"), "k", None, "2").unwrap();
        d.set(Target::SsoSession("s"), "sso_region", None, "y")
            .unwrap();
        assert_eq!(
            d.text(),
            "[default]\r  region = x\r  s3 =\r      a = 1\r      b = 2\r  output = json\r# b\r[profile b]\rsource_profile = default\rk = 2\r\r[sso-session s]\rsso_region = y\r"
        );
        d.delete(Target::Profile("default"), "s3", Some("a"))
            .unwrap();
        d.delete(Target::Profile("default"), "region", None)
            .unwrap();
        assert_eq!(d.rename_profile("default", "c").unwrap(), 1);
        assert_eq!(
            d.replace_values("source_profile", "default", "c").unwrap(),
            ["b"]
        );
        assert_eq!(d.remove_section(Target::SsoSession("s")).unwrap(), 1);
        assert_eq!(
            d.text(),
            "[profile c]\r  s3 =\r      b = 2\r  output = json\r# b\r[profile b]\rsource_profile = c\rk = 2\r"
        );
        // Down to one line, the file holds no `\r` before its last byte, and reads the
        // same in either mode; what goes after it still ends with `\r`.
        assert_eq!(d.remove_section(Target::Profile("b")).unwrap(), 1);
        d.delete(Target::Profile("c"), "s3", None).unwrap();
        d.delete(Target::Profile("c"), "output", None).unwrap();
        assert_eq!(d.text(), "[profile c]\r# b\r");
        assert_eq!(d.remove_section(Target::Profile("c")).unwrap(), 1);
        assert_eq!(d.text(), "# b\r");
        d.set(Target::Profile("d"), "k", None, "v").unwrap();
        assert_eq!(d.text(), "# b\r\r[profile d]\rk = v\r");
    }

    /// Every profile of `text` (a file of `kind`) with its properties, as the SDKs read it.
    fn profiles(kind: FileKind, text: &str) -> Vec<(String, Vec<(String, String)>)> {
        let (config, creds) = match kind {
            FileKind::Config => (Some(text), None),
            FileKind::Credentials => (None, Some(text)),
        };
        let set = ProfileSet::from_texts(config, creds, Filter::All).unwrap();
        set.profiles
            .into_iter()
            .map(|(name, s)| {
                let props = s.properties.into_iter().map(|(k, p)| (k, p.value));
                (name, props.collect())
            })
            .collect()
    }

    /// Found by fuzz/edit (a credentials file of lone-CR line ends, which played no part):
    /// a key added to a section without properties went right below its header, above an
    /// indented header, which botocore reads as a header only where no key above it is
    /// indented less: it became part of the new block, and its section's keys with it.
    /// The new key is indented as that header is.
    #[test]
    fn a_key_added_above_an_indented_header_is_indented_as_it_is() {
        let found = "[default] # c\r   \t\t\t\t\t\t\t\t\t\t[[[[]\0\u{b}\u{0}1[[j/[[$ =\r       B = $\u{1}@\0\0\0\0\u{1}\0:U~\0\tzzUu\0\u{1}\0-Ӥ;3\r[x.y] trailing\r[b];c\r[dev] # c\r[x.y];c\r[b];c\r[] # c\r# -----\r";
        let creds = FileKind::Credentials;
        let mut d = doc(creds, found);
        d.set(Target::Profile("default"), "s3", Some("a"), "--,----")
            .unwrap();
        let mut want = profiles(creds, found);
        want[0].1.push(("s3".into(), "\na = --,----".into()));
        assert_eq!(profiles(creds, &d.text()), want);
        let text = "[default]\n\n  [b]\n  k = 1\n";
        let mut d = doc(creds, text);
        d.set(Target::Profile("default"), "region", None, "x")
            .unwrap();
        d.set(Target::Profile("default"), "s3", Some("a"), "1")
            .unwrap();
        let want = "[default]\n  region = x\n  s3 =\n      a = 1\n\n  [b]\n  k = 1\n";
        assert_eq!(d.text(), want);
        assert_eq!(
            profiles(creds, want)[1],
            ("b".into(), vec![("k".into(), "1".into())])
        );
    }

    /// Removing the only line between a key and an indented header (the header of an empty
    /// section) would make that header part of the key's value: refused, naming the line,
    /// by the check every edit of such a file gets (lines it does not write read as before).
    #[test]
    fn an_edit_that_would_make_an_indented_line_part_of_a_value_is_refused() {
        let text = "[x]\nk = 1\n[a]\n  [b]\nj = 2\n";
        let mut d = doc(FileKind::Credentials, text);
        let err = d.remove_section(Target::Profile("a")).unwrap_err();
        assert_eq!(err, EditError::WouldReread { line: 4 });
        assert!(err.to_string().contains("awsprof doctor"), "{err}");
        assert_eq!(d.text(), text);
        let err = d
            .rewrite_profiles(&[("a".into(), None)], &[], None)
            .unwrap_err();
        assert_eq!(err, EditError::WouldReread { line: 4 });
        assert_eq!(d.text(), text);
    }

    /// Deleting a block takes the indented comments among and right after its lines, as
    /// removing a section does: botocore reads them as comments only there, and left below
    /// another key they would join its value. Comments that start the line stay.
    #[test]
    fn deleting_a_block_takes_its_indented_comments_along() {
        let text = "[a]\nk = 1\ns3 =\n  x = 1\n  # c\n  y = 2\n\n  # d\n# keep\n[b]\n";
        let mut d = doc(FileKind::Credentials, text);
        assert_eq!(d.delete(Target::Profile("a"), "s3", None).unwrap(), 1);
        assert_eq!(d.text(), "[a]\nk = 1\n# keep\n[b]\n");
        let mut d = doc(FileKind::Credentials, text);
        d.delete(Target::Profile("a"), "s3", Some("x")).unwrap();
        d.delete(Target::Profile("a"), "s3", Some("y")).unwrap();
        assert_eq!(d.text(), "[a]\nk = 1\n# keep\n[b]\n");
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        fn line() -> impl Strategy<Value = String> {
            let name = prop_oneof![Just("a"), Just("b"), Just("default")];
            let key = prop_oneof![
                Just("region"),
                Just("Region"),
                Just("output"),
                Just("s3"),
                Just("x")
            ];
            prop_oneof![
                Just(String::new()),
                "[#;][ -~]{0,12}",
                (name.clone(), "( # c)?").prop_map(|(n, c)| format!("[profile {n}]{c}")),
                name.prop_map(|n| format!("[{n}]")),
                (key, "[ \t]{0,2}", "[a-z0-9-]{0,8}", "( ; c)?")
                    .prop_map(|(k, ws, v, c)| format!("{k}{ws}={ws}{v}{c}")),
                ("[ \t]{1,2}", "[a-z_]{1,8}", "[a-z0-9]{0,6}")
                    .prop_map(|(ws, k, v)| format!("{ws}{k} = {v}")),
            ]
        }

        fn file() -> impl Strategy<Value = String> {
            (prop::collection::vec(line(), 0..30), any::<bool>()).prop_map(|(lines, crlf)| {
                let eol = if crlf { "\r\n" } else { "\n" };
                lines.iter().map(|l| format!("{l}{eol}")).collect()
            })
        }

        /// Lines of `a` that are not in a minimal line diff with `b`, and the same for `b`.
        fn diff<'a>(a: &'a [&'a str], b: &'a [&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
            let (mut gone, mut new) = (vec![], vec![]);
            for op in similar::capture_diff_slices(similar::Algorithm::Myers, a, b) {
                let (tag, old, added) = op.as_tag_tuple();
                if tag != similar::DiffTag::Equal {
                    gone.extend_from_slice(&a[old]);
                    new.extend_from_slice(&b[added]);
                }
            }
            (gone, new)
        }

        fn op() -> impl Strategy<Value = Op> {
            let name = || prop_oneof![Just("a"), Just("b"), Just("default"), Just("new")];
            let key = || {
                prop_oneof![
                    Just("region"),
                    Just("output"),
                    Just("s3"),
                    Just("x"),
                    Just("source_profile")
                ]
            };
            let sub = || prop_oneof![Just(None), Just(Some("a")), Just(Some("b"))];
            prop_oneof![
                (name(), key(), sub(), "[a-z0-9-]{1,6}")
                    .prop_map(|(n, k, s, v)| Op::Set(n, k, s, v)),
                (name(), key(), sub()).prop_map(|(n, k, s)| Op::Delete(n, k, s)),
                name().prop_map(Op::Remove),
                (name(), name()).prop_map(|(a, b)| Op::Rename(a, b)),
                (key(), name(), name()).prop_map(|(k, a, b)| Op::Replace(k, a, b)),
                (
                    name(),
                    prop::option::of(name()),
                    prop::option::of(prop_oneof![Just("fresh"), Just("a")]),
                    prop::option::of(name()),
                )
                    .prop_map(|(n, to, add, after)| Op::Rewrite(n, to, add, after)),
            ]
        }

        /// A file as [`file`] makes them, sometimes with classic Mac line ends (a lone
        /// `\r`), sometimes without its last line's terminator.
        fn any_file() -> impl Strategy<Value = String> {
            (file(), any::<bool>(), any::<bool>()).prop_map(|(text, cr, cut)| {
                let text = if cr {
                    text.replace("\r\n", "\r").replace('\n', "\r")
                } else {
                    text
                };
                if cut {
                    text.trim_end_matches(['\r', '\n']).to_string()
                } else {
                    text
                }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// A random sequence of edits, each with a fault armed after a random number of
            /// line changes: an edit the fault stops leaves the document exactly as it was
            /// (text, lines and notes), an edit it does not reach does exactly what it does
            /// unfaulted, and an edit that fails on its own changes nothing either.
            #[test]
            fn edits_stopped_by_injected_faults_leave_the_text_unchanged(
                text in any_file(),
                kind in prop_oneof![Just(FileKind::Config), Just(FileKind::Credentials)],
                ops in prop::collection::vec((op(), 1usize..5), 1..8),
            ) {
                let Ok(mut doc) = Document::parse(kind, &text) else {
                    return Ok(());
                };
                for (op, stop_at) in &ops {
                    let before = doc.clone();
                    fault::fail_after(None);
                    let mut unfaulted = doc.clone();
                    let expected = apply(&mut unfaulted, op);
                    let changes = fault::changes();
                    fault::fail_after(Some(*stop_at));
                    let got = apply(&mut doc, op);
                    fault::fail_after(None);
                    if *stop_at <= changes {
                        prop_assert_eq!(got, Err(EditError::ReadBack(fault::INJECTED.to_string())), "{:?}", op);
                        prop_assert_eq!(doc.text(), before.text(), "{:?}", op);
                        prop_assert_eq!(&doc.lines, &before.lines);
                        prop_assert_eq!(&doc.notes, &before.notes);
                    } else {
                        prop_assert_eq!(&got, &expected, "{:?}", op);
                        prop_assert_eq!(&doc.lines, &unfaulted.lines);
                        prop_assert_eq!(&doc.notes, &unfaulted.notes);
                        if got.is_err() {
                            prop_assert_eq!(doc.text(), before.text(), "{:?}", op);
                            prop_assert_eq!(&doc.notes, &before.notes);
                        }
                    }
                }
            }

            /// Setting a key on any parseable file: the value reads back (checked inside
            /// `set`), no section or key is duplicated, and the only lines that go are
            /// the key's own (or its continuation) lines.
            #[test]
            fn set_touches_only_the_key(
                text in file(),
                name in prop_oneof![Just("a"), Just("b"), Just("default"), Just("new")],
                key in prop_oneof![Just("region"), Just("output"), Just("fresh")],
                value in "[a-z0-9-]{1,8}",
            ) {
                let Ok(mut doc) = Document::parse(FileKind::Config, &text) else {
                    return Ok(());
                };
                let before_sections = doc.sections(&doc.scan().unwrap(), Target::Profile(name), true).len();
                match doc.set(Target::Profile(name), key, None, &value) {
                    Ok(_) => {}
                    // A block of sub-properties under that key is refused, not replaced.
                    Err(EditError::IsABlock { .. }) => return Ok(()),
                    Err(e) => panic!("{e}"),
                }
                let after = doc.text();
                let a: Vec<&str> = text.split_inclusive('\n').collect();
                let b: Vec<&str> = after.split_inclusive('\n').collect();
                let (gone, new) = diff(&a, &b);
                for l in &gone {
                    let t = l.trim_start_matches([' ', '\t']);
                    prop_assert!(
                        // The key's line, its continuation lines, and blank lines between them.
                        l.starts_with([' ', '\t']) || t.to_ascii_lowercase().starts_with(key)
                            || l.trim().is_empty() || !l.ends_with('\n'),
                        "removed {l:?}"
                    );
                }
                for l in &new {
                    prop_assert!(
                        l.contains(&value) || l.starts_with('[') || l.trim().is_empty()
                            || !text.ends_with('\n'),
                        "added {l:?}"
                    );
                }
                let after_sections = doc.sections(&doc.scan().unwrap(), Target::Profile(name), true).len();
                prop_assert_eq!(after_sections, before_sections.max(1));
            }
        }
    }
}
