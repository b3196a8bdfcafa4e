//! Lossless tokenizer of the AWS shared config format.
//!
//! The same grammar serves `~/.aws/config` and `~/.aws/credentials`. Tokenizing never
//! changes a byte: every [`Line`] carries its raw text including its line terminator, so
//! concatenating the `raw` of every line gives back the input exactly. The rules are the
//! ones of the AWS SDKs' shared conformance suite:
//!
//! - a line whose first character is `#` or `;` is a comment; a line of only spaces and
//!   tabs is blank (neither ends a property);
//! - a line starting with `[` is a section header; a comment may follow the `]` directly;
//! - a line starting with a space or a tab continues the previous property, or, when that
//!   property's value was empty (`s3 =`), is a `key = value` sub-property;
//! - any other line is `key = value`, split at the first `=`; a `#` or `;` after
//!   whitespace starts a comment, one glued to the value is part of it.
//!
//! Where the spec refuses a line but botocore (the AWS CLI, boto3) reads it, the line is
//! read as botocore reads it and its [`Line::deviation`] says so: a user whose files the
//! AWS CLI reads is never locked out, and `doctor` can say which SDKs would refuse the file
//! and how to fix it. Only lines the spec refuses take this path, so a file the spec reads
//! is read exactly by the spec. The cases are listed in docs/divergences.md.

use std::fmt;

/// Which of the two shared files a text comes from; the files name sections differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: bare `[NAME]` sections only.
    Credentials,
}

impl FileKind {
    /// The name used in messages and JSON (`config`, `credentials`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }
}

/// What one physical line of a shared file means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// Empty, or only spaces and tabs.
    Blank,
    /// Starts with `#` or `;` in the first column.
    Comment,
    /// `[inner]`, with any trailing comment removed; `inner` is not yet trimmed.
    Header {
        /// The text between the brackets.
        inner: &'a str,
    },
    /// `key = value` at the start of a line; both trimmed, comment removed.
    Property {
        /// The key as written (case kept; the SDKs compare keys case-insensitively).
        key: &'a str,
        /// The value; empty means a sub-property block may follow.
        value: &'a str,
    },
    /// An indented line that continues the previous property's value.
    Continuation {
        /// The line trimmed of spaces and tabs (comments are part of a continuation).
        text: &'a str,
    },
    /// An indented `key = value` line under a property with an empty value.
    SubProperty {
        /// The sub-property key, trimmed.
        key: &'a str,
        /// The sub-property value, trimmed.
        value: &'a str,
        /// The whole line trimmed, as the SDKs keep it in the parent's value.
        text: &'a str,
    },
}

/// One physical line: where it is, its exact bytes, and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Byte offset of the line's start in the text.
    pub offset: usize,
    /// The line exactly as in the file, including its `\n` or `\r\n` terminator.
    pub raw: &'a str,
    /// The line without its terminator.
    pub content: &'a str,
    /// What the line means.
    pub token: Token<'a>,
    /// Set when the SDKs' spec refuses this line and it was read as botocore reads it.
    pub deviation: Option<Deviation>,
}

/// A line the SDKs' spec refuses (the SDK for Rust, and the other SDKs that follow the
/// shared conformance suite, stop reading the whole file at it) but botocore reads; the
/// line is read as botocore reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Deviation {
    /// `  key = value` indented where a property must start the line: right after a
    /// header, or at the indentation of a property that was itself indented.
    IndentedProperty,
    /// `  # note` indented where the spec expects a property or a sub-property.
    IndentedComment,
    /// `  [section]` indented where the spec expects a property (or before any section).
    IndentedHeader,
    /// `[section] text`: something other than a comment after the `]`.
    HeaderTrailingText,
    /// `[abc = x` inside a section: no `]`, but an `=`; botocore reads a key `[abc`.
    BracketKey,
    /// The file's lines end with a lone `\r` (classic Mac OS); the SDKs see one long line.
    /// Said of the whole file by [`deviations`], not of a line.
    CrLineEnds,
}

impl Deviation {
    /// What the line is, as the start of a sentence.
    pub fn what(self) -> &'static str {
        match self {
            Deviation::IndentedProperty => "indented property",
            Deviation::IndentedComment => "indented comment",
            Deviation::IndentedHeader => "indented section header",
            Deviation::HeaderTrailingText => "text after the ']' of a section header",
            Deviation::BracketKey => "a line starting with '[' that has no ']'",
            Deviation::CrLineEnds => "lines end with a carriage return alone (classic Mac OS)",
        }
    }

    /// How to rewrite the line so that every SDK reads it.
    pub fn fix(self) -> &'static str {
        match self {
            Deviation::IndentedProperty => {
                "remove the indentation (only sub-properties and continuation lines are indented)"
            }
            Deviation::IndentedComment => "start the comment at the beginning of the line",
            Deviation::IndentedHeader => "start the header at the beginning of the line",
            Deviation::HeaderTrailingText => {
                "delete the text after ']', or make it a comment with '#'"
            }
            Deviation::BracketKey => "close the header with ']' or delete the line",
            Deviation::CrLineEnds => "convert the line ends to \\n (or \\r\\n)",
        }
    }
}

/// Why a shared file could not be read; messages are the conformance suite's own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A property or continuation before any `[section]`.
    ExpectedProfileDefinition,
    /// `[profile foo` without the closing bracket.
    UnterminatedHeader,
    /// A property line with no `=`.
    PropertyNoEquals,
    /// A property line that starts with `=`.
    PropertyNoName,
    /// An indented line right after a header.
    ContinuationWithoutProperty,
    /// A line in a sub-property block with no `=`.
    SubPropertyNoEquals,
    /// A line in a sub-property block that starts with `=`.
    SubPropertyNoName,
}

impl ParseErrorKind {
    /// The human message, matching the AWS SDKs' wording.
    pub fn message(self) -> &'static str {
        match self {
            ParseErrorKind::ExpectedProfileDefinition => {
                "Expected a profile definition (a '[section]' line) before this line"
            }
            ParseErrorKind::UnterminatedHeader => "Profile definition must end with ']'",
            ParseErrorKind::PropertyNoEquals => {
                "Expected an '=' sign defining a property (key = value)"
            }
            ParseErrorKind::PropertyNoName => "Property did not have a name",
            ParseErrorKind::ContinuationWithoutProperty => {
                "Expected a property definition, found continuation (an indented line right after a section header)"
            }
            ParseErrorKind::SubPropertyNoEquals => "Expected an '=' sign defining a sub-property",
            ParseErrorKind::SubPropertyNoName => "Sub-property did not have a name",
        }
    }
}

/// A syntax error at a line of a shared file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind.message())
    }
}

impl std::error::Error for ParseError {}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims spaces and tabs (not other whitespace, as the SDKs do). Byte-wise because the
/// parser runs over every line of files with hundreds of thousands of lines; both are
/// ASCII, so the cut points are always character boundaries.
#[inline]
fn trim_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    let mut end = b.len();
    while start < end && is_ws(b[start]) {
        start += 1;
    }
    while end > start && is_ws(b[end - 1]) {
        end -= 1;
    }
    &s[start..end]
}

/// Whether the character before byte `i` of `line` is whitespace. Any Unicode whitespace
/// counts before a comment, as in the SDKs.
fn whitespace_before(line: &str, i: usize) -> bool {
    match line.as_bytes()[..i].last() {
        Some(&b) if b.is_ascii() => (b as char).is_whitespace(),
        Some(_) => line[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace),
        None => false,
    }
}

/// Removes a trailing comment. In a header any `#`/`;` starts one; in a property line only
/// one that follows whitespace does (`a = b#c` keeps `b#c`).
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = trim_ws(line);
    // Most lines have no `#` or `;` at all: memchr skips them without decoding a char.
    for i in memchr::memchr2_iter(b'#', b';', line.as_bytes()) {
        if !needs_whitespace || whitespace_before(line, i) {
            return trim_ws(&line[..i]);
        }
    }
    line
}

/// Splits `key = value`, dropping a trailing comment. memchr, not `str::split_once`:
/// every property line of both files comes through here, and the char-by-char search
/// showed in the profile (docs/benchmarks.md).
fn split_property(line: &str) -> Result<(&str, &str), PropErr> {
    let line = strip_comment(line, true);
    let eq = memchr::memchr(b'=', line.as_bytes()).ok_or(PropErr::NoEquals)?;
    let k = trim_ws(&line[..eq]);
    if k.is_empty() {
        return Err(PropErr::NoName);
    }
    Ok((k, trim_ws(&line[eq + 1..])))
}

enum PropErr {
    NoEquals,
    NoName,
}

#[derive(Clone, Copy)]
enum State {
    /// Before the first header.
    Start,
    /// Inside a section; `property` is whether a property line has been seen since the
    /// header, `sub` whether its value was empty (a sub-property block), and `indent` how
    /// far its key was indented: 0 by the spec, more only where botocore's reading was
    /// taken ([`Deviation::IndentedProperty`]).
    Section {
        property: bool,
        sub: bool,
        indent: usize,
    },
}

/// The number of spaces and tabs a line starts with; botocore counts a tab as one.
fn indentation(line: &str) -> usize {
    line.bytes().take_while(|&b| is_ws(b)).count()
}

/// Whether `text` ends its lines with a lone `\r`, as files of classic Mac OS do: it
/// holds no `\n` and a `\r` before its last byte. Python (and so botocore) breaks lines
/// at a lone `\r`; the SDKs do not. Files with any `\n` keep the spec's line breaks.
pub fn breaks_lines_at_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'\n', bytes).is_none()
        && memchr::memchr(b'\r', bytes).is_some_and(|i| i + 1 < bytes.len())
}

/// The `[...]` header botocore sees in `line` (trimmed of spaces and tabs) where the spec
/// sees none: Python's configparser takes the text between the first `[` and the last
/// `]` of the line. Text after a `\r` is a further line to Python, which a line of ours
/// cannot stand for, so only whitespace may follow one.
fn botocore_header(line: &str) -> Option<&str> {
    let (first, rest) = line.split_once('\r').unwrap_or((line, ""));
    if !rest.bytes().all(|b| is_ws(b) || b == b'\r') {
        return None;
    }
    let close = first.rfind(']')?;
    (close >= 2).then(|| &first[1..close])
}

type Classified<'a> = Result<(Token<'a>, Option<Deviation>), ParseErrorKind>;

/// Iterates over the lines of a shared file, validating as it goes.
///
/// After the first error the iterator yields nothing more.
pub struct Tokenizer<'a> {
    text: &'a str,
    pos: usize,
    number: usize,
    state: State,
    failed: bool,
    /// The byte that ends a line: `\n`, or `\r` for a file of [`breaks_lines_at_cr`].
    eol: u8,
    /// Where the next `#` or `;` at or after some earlier line start is (the text's
    /// length when there is none): one search finds it for all the lines before it.
    comment_at: Option<usize>,
    /// Off only in tests, which compare the one-pass reading with the line-by-line one.
    fast: bool,
}

impl<'a> Tokenizer<'a> {
    /// Starts tokenizing `text`.
    pub fn new(text: &'a str) -> Self {
        Self::with_line_ends(text, breaks_lines_at_cr(text))
    }

    /// Starts tokenizing `part`, a piece of a file that starts at the beginning of a
    /// line, breaking lines where the whole file breaks them: at a lone `\r` when
    /// `cr` ([`breaks_lines_at_cr`] of the whole file; a piece without the file's `\n`s
    /// could say otherwise), else at `\n`.
    pub fn with_line_ends(part: &'a str, cr: bool) -> Self {
        Tokenizer {
            text: part,
            pos: 0,
            number: 0,
            state: State::Start,
            failed: false,
            eol: if cr { b'\r' } else { b'\n' },
            comment_at: None,
            fast: true,
        }
    }

    /// The position of the first `#` or `;` at or after `from`, or the text's length.
    fn comment_from(&mut self, from: usize) -> usize {
        match self.comment_at {
            Some(at) if at >= from => at,
            _ => {
                let at = memchr::memchr2(b'#', b';', &self.text.as_bytes()[from..])
                    .map_or(self.text.len(), |i| from + i);
                self.comment_at = Some(at);
                at
            }
        }
    }

    /// The lines most of a file is made of, read in one pass over their bytes: an empty
    /// line, and `key = value` at the start of a line inside a section with no `#` or `;`
    /// anywhere in it. One search finds the `=` (or a line end before it, which is not
    /// this case), one more the line end, and the comment search is shared by every line
    /// up to the next `#` or `;`. Any other line is `None` and goes through
    /// [`Tokenizer::classify`], which gives the same token for these lines (a unit test
    /// and the conformance and property tests compare the two).
    #[inline]
    fn fast_line(&mut self) -> Option<Line<'a>> {
        // A file whose lines end at a lone `\r` (a deviation) is read line by line.
        if self.eol != b'\n' {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let first = bytes[start];
        if first == b'\n' {
            return Some(self.emit(start + 1, start, Token::Blank));
        }
        if first == b'[' {
            return self.fast_header();
        }
        if !PLAIN_START[first as usize] || matches!(self.state, State::Start) {
            return None;
        }
        // Keys are short: a word-at-a-time search beats memchr's set-up there.
        let eq = find_eq_or_newline(bytes, start)?;
        if bytes[eq] != b'=' {
            return None;
        }
        let end = find_newline(bytes, eq + 1).map_or(bytes.len(), |j| j + 1);
        if self.comment_from(start) < end {
            return None;
        }
        let line_end = if bytes[end - 1] == b'\n' {
            end - 1
        } else {
            end
        };
        let content_end = without_cr(bytes, eq + 1, line_end);
        // `first` is not a space, a tab or `=`: the key is not empty. Trimmed on bytes,
        // sliced once: the cut points are next to ASCII bytes.
        let mut key_end = eq;
        while is_ws(bytes[key_end - 1]) {
            key_end -= 1;
        }
        let (mut v_start, mut v_end) = (eq + 1, content_end);
        while v_start < v_end && is_ws(bytes[v_start]) {
            v_start += 1;
        }
        while v_end > v_start && is_ws(bytes[v_end - 1]) {
            v_end -= 1;
        }
        let key = &self.text[start..key_end];
        let value = &self.text[v_start..v_end];
        self.state = State::Section {
            property: true,
            sub: value.is_empty(),
            indent: 0,
        };
        Some(self.emit(end, content_end, Token::Property { key, value }))
    }

    /// `[inner]` with nothing but spaces and tabs after the `]` and no `#` or `;` in the
    /// line; any other line starting with `[` is `None`.
    fn fast_header(&mut self) -> Option<Line<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |j| start + j + 1);
        if self.comment_from(start) < end {
            return None;
        }
        let line_end = if bytes[end - 1] == b'\n' {
            end - 1
        } else {
            end
        };
        let close = header_close(bytes, start, line_end)?;
        let content_end = without_cr(bytes, start, line_end);
        self.state = State::Section {
            property: false,
            sub: false,
            indent: 0,
        };
        let inner = &self.text[start + 1..close - 1];
        Some(self.emit(end, content_end, Token::Header { inner }))
    }

    /// The line from `pos` to `end` (its content to `content_end`), and moves past it.
    #[inline(always)]
    fn emit(&mut self, end: usize, content_end: usize, token: Token<'a>) -> Line<'a> {
        let offset = self.pos;
        self.pos = end;
        self.number += 1;
        Line {
            number: self.number,
            offset,
            raw: &self.text[offset..end],
            content: &self.text[offset..content_end],
            token,
            deviation: None,
        }
    }

    fn classify(&mut self, content: &'a str) -> Classified<'a> {
        let bytes = content.as_bytes();
        if bytes.iter().all(|&b| is_ws(b)) {
            return Ok((Token::Blank, None));
        }
        match bytes[0] {
            b'#' | b';' => Ok((Token::Comment, None)),
            b'[' => self.header(content, 0),
            b' ' | b'\t' => self.indented(content),
            _ => {
                if let State::Start = self.state {
                    return Err(ParseErrorKind::ExpectedProfileDefinition);
                }
                self.property(content, 0)
                    .map(|t| (t, None))
                    .map_err(|e| match e {
                        PropErr::NoEquals => ParseErrorKind::PropertyNoEquals,
                        PropErr::NoName => ParseErrorKind::PropertyNoName,
                    })
            }
        }
    }

    /// A `key = value` line whose key is indented by `indent`.
    fn property(&mut self, line: &'a str, indent: usize) -> Result<Token<'a>, PropErr> {
        let (key, value) = split_property(line)?;
        self.state = State::Section {
            property: true,
            sub: value.is_empty(),
            indent,
        };
        Ok(Token::Property { key, value })
    }

    /// A line starting with `[` (after `indent` spaces and tabs, already removed).
    fn header(&mut self, line: &'a str, indent: usize) -> Classified<'a> {
        let stripped = strip_comment(line, false);
        let (inner, deviation) = match stripped.strip_prefix('[').and_then(|s| s.strip_suffix(']'))
        {
            Some(inner) => (inner, None),
            None => match botocore_header(trim_ws(line)) {
                Some(inner) => (inner, Some(Deviation::HeaderTrailingText)),
                None => {
                    // Inside a section botocore reads `[abc = x` as the key `[abc`; the
                    // key is not an identifier, so the model ignores it with a warning.
                    if let State::Section { .. } = self.state {
                        if let Ok(token) = self.property(line, indent) {
                            return Ok((token, Some(Deviation::BracketKey)));
                        }
                    }
                    return Err(ParseErrorKind::UnterminatedHeader);
                }
            },
        };
        self.state = State::Section {
            property: false,
            sub: false,
            indent: 0,
        };
        Ok((Token::Header { inner }, deviation))
    }

    fn indented(&mut self, content: &'a str) -> Classified<'a> {
        match self.state {
            State::Start => self
                .as_botocore_reads(content, false)
                .unwrap_or(Err(ParseErrorKind::ExpectedProfileDefinition)),
            State::Section {
                property: false, ..
            } => self
                .as_botocore_reads(content, true)
                .unwrap_or(Err(ParseErrorKind::ContinuationWithoutProperty)),
            // Under an indented property, a line indented no further starts a new line
            // for botocore, as in Python's configparser; the spec has no such case.
            State::Section { indent, .. } if indent > 0 && indentation(content) <= indent => {
                match self.as_botocore_reads(content, true) {
                    Some(result) => result,
                    None => Err(match split_property(content) {
                        Err(PropErr::NoName) => ParseErrorKind::PropertyNoName,
                        _ => ParseErrorKind::PropertyNoEquals,
                    }),
                }
            }
            State::Section { sub: true, .. } => {
                let text = trim_ws(content);
                match split_property(content) {
                    Ok((key, value)) => Ok((Token::SubProperty { key, value, text }, None)),
                    // botocore skips comments anywhere; the spec has none in a block.
                    Err(PropErr::NoEquals) if text.starts_with(['#', ';']) => {
                        Ok((Token::Comment, Some(Deviation::IndentedComment)))
                    }
                    Err(PropErr::NoEquals) => Err(ParseErrorKind::SubPropertyNoEquals),
                    Err(PropErr::NoName) => Err(ParseErrorKind::SubPropertyNoName),
                }
            }
            State::Section { .. } => Ok((
                Token::Continuation {
                    text: trim_ws(content),
                },
                None,
            )),
        }
    }

    /// An indented line where the spec wants none, read as botocore reads it: a comment,
    /// a header, or (when `property` is allowed) a `key = value`. `None` when botocore
    /// refuses it too.
    fn as_botocore_reads(&mut self, content: &'a str, property: bool) -> Option<Classified<'a>> {
        let text = trim_ws(content);
        if text.starts_with(['#', ';']) {
            return Some(Ok((Token::Comment, Some(Deviation::IndentedComment))));
        }
        let indent = indentation(content);
        if text.starts_with('[') {
            return match self.header(text, indent) {
                Ok((token, _)) => Some(Ok((token, Some(Deviation::IndentedHeader)))),
                Err(_) => None,
            };
        }
        if !property {
            return None;
        }
        let token = self.property(content, indent).ok()?;
        Some(Ok((token, Some(Deviation::IndentedProperty))))
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Result<Line<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.text.len() {
            return None;
        }
        if self.fast {
            if let Some(line) = self.fast_line() {
                return Some(Ok(line));
            }
        }
        self.line_by_itself()
    }
}

impl<'a> Tokenizer<'a> {
    /// The line at `pos`, read by [`Tokenizer::classify`] alone. `pos` is before the end.
    fn line_by_itself(&mut self) -> Option<Result<Line<'a>, ParseError>> {
        let rest = &self.text[self.pos..];
        let cut = |s: &'a str| {
            if self.eol == b'\n' {
                s.strip_suffix('\r').unwrap_or(s)
            } else {
                s
            }
        };
        let (raw, content) = match memchr::memchr(self.eol, rest.as_bytes()) {
            Some(i) => (&rest[..=i], cut(&rest[..i])),
            None => (rest, cut(rest)),
        };
        let offset = self.pos;
        self.pos += raw.len();
        self.number += 1;
        match self.classify(content) {
            Ok((token, deviation)) => Some(Ok(Line {
                number: self.number,
                offset,
                raw,
                content,
                token,
                deviation,
            })),
            Err(kind) => {
                self.failed = true;
                Some(Err(ParseError {
                    line: self.number,
                    kind,
                }))
            }
        }
    }
}

impl<'a> Tokenizer<'a> {
    /// Validates every line from here to the end, as iterating would, and calls `header`
    /// with the byte offset, the 1-based line number and the `inner` text of each section
    /// header, in order; the first error stops it. This is the pass every command makes
    /// over both files, so it builds no [`Line`]: the lines files are mostly made of (an
    /// empty line, `key = value` at the start of a line, `[header]`, none with a `#` or
    /// `;`) are read off bit masks of the text ([`crate::masks`]), and every other line
    /// goes through [`Tokenizer::classify`] as it does when iterating. Property tests hold
    /// the two readings to the same headers and errors.
    pub fn headers(
        mut self,
        mut header: impl FnMut(usize, usize, &'a str),
    ) -> Result<(), ParseError> {
        let bytes = self.text.as_bytes();
        if self.eol != b'\n' || !self.fast {
            // A file of lone `\r` line ends (a deviation) is read line by line.
            for line in self {
                let line = line?;
                if let Token::Header { inner } = line.token {
                    header(line.offset, line.number, inner);
                }
            }
            return Ok(());
        }
        let len = bytes.len();
        // Whether the line being read holds a `=`, in the parts of it in the blocks seen
        // so far.
        let mut eq = false;
        // The next `#` or `;` at or after the line being read (the text's length when
        // there is none): they are rare, so one search serves every line before one.
        let find_comment =
            |from: usize| memchr::memchr2(b'#', b';', &bytes[from..]).map_or(len, |i| from + i);
        let mut comment_at = find_comment(self.pos);
        // The last `key = value` read off the masks since the state was last set: what
        // the state is after it (whether its value is empty) is worked out only when a
        // line that depends on it comes, which most never do.
        let mut pending = None;
        let mut in_section = matches!(self.state, State::Section { .. });
        let mut base = self.pos & !63;
        while base < len {
            let m = block_masks(bytes, base);
            // The bit where the unread part of the current line starts in this block.
            let mut from = self.pos.saturating_sub(base) as u32;
            let mut nl = m.nl & (!0u64 << from);
            while nl != 0 {
                let bit = nl.trailing_zeros();
                eq |= m.eq & ((1u64 << bit) - 1) & (!0u64 << from) != 0;
                let (start, end) = (self.pos, base + bit as usize);
                let comment = comment_at < end;
                let first = bytes[start];
                if PLAIN_START[first as usize] & eq & !comment & in_section {
                    pending = Some((start, end));
                    (self.pos, self.number) = (end + 1, self.number + 1);
                } else if first == b'\n' {
                    (self.pos, self.number) = (end + 1, self.number + 1);
                } else {
                    self.other_line(end, end + 1, eq, comment, &mut pending, &mut header)?;
                    in_section = matches!(self.state, State::Section { .. });
                }
                if comment_at <= end {
                    comment_at = find_comment(end + 1);
                }
                eq = false;
                from = bit + 1;
                nl &= nl - 1;
            }
            if from < 64 {
                eq |= m.eq & (!0u64 << from) != 0;
            }
            base += 64;
        }
        if self.pos < len {
            let comment = comment_at < len;
            self.other_line(len, len, eq, comment, &mut pending, &mut header)?;
        }
        Ok(())
    }

    /// Sets the state a `key = value` line read off the masks leaves (whether its value
    /// is empty: a sub-property block may follow), before a line that depends on it.
    #[inline]
    fn settle(&mut self, pending: &mut Option<(usize, usize)>) {
        let Some((start, end)) = pending.take() else {
            return;
        };
        let bytes = self.text.as_bytes();
        let eq = start
            + bytes[start..end]
                .iter()
                .position(|&b| b == b'=')
                .unwrap_or(0);
        let content_end = without_cr(bytes, eq + 1, end);
        self.state = State::Section {
            property: true,
            sub: bytes[eq + 1..content_end].iter().all(|&b| is_ws(b)),
            indent: 0,
        };
    }

    /// A line from `pos` to `end` (its `\n`, or the text's end) that is not an empty line
    /// or a `key = value` without `#` or `;`, for [`Tokenizer::headers`]: `next` is where
    /// the next line starts, `eq` and `comment` whether this one holds a `=`, and a `#` or
    /// `;`. The other lines files are made of are read here without a [`Line`] too: a
    /// header, a comment, and an indented line under a property (a continuation, or a
    /// sub-property); anything else goes through [`Tokenizer::classify`].
    fn other_line(
        &mut self,
        end: usize,
        next: usize,
        eq: bool,
        comment: bool,
        pending: &mut Option<(usize, usize)>,
        header: &mut impl FnMut(usize, usize, &'a str),
    ) -> Result<(), ParseError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let first = bytes[start];
        if !comment && first == b'[' {
            if let Some(close) = header_close(bytes, start, end) {
                // A header sets the state whatever came before it.
                *pending = None;
                self.state = State::Section {
                    property: false,
                    sub: false,
                    indent: 0,
                };
                (self.pos, self.number) = (next, self.number + 1);
                header(start, self.number, &self.text[start + 1..close - 1]);
                return Ok(());
            }
        }
        self.settle(pending);
        if start == end || first == b'#' || first == b';' {
            (self.pos, self.number) = (next, self.number + 1);
            return Ok(());
        }
        if is_ws(first) && !comment {
            if let State::Section {
                property: true,
                indent: 0,
                sub,
            } = self.state
            {
                // Under a property with a value: a continuation (or a blank line). Under
                // one without: a sub-property, which needs a name before its `=`.
                let named = || {
                    let eq = memchr::memchr(b'=', &bytes[start..end]).map_or(0, |i| start + i);
                    bytes[start..eq].iter().any(|&b| !is_ws(b))
                };
                if !sub || (eq && named()) {
                    (self.pos, self.number) = (next, self.number + 1);
                    return Ok(());
                }
            }
        }
        match self.line_by_itself() {
            Some(Ok(line)) => {
                if let Token::Header { inner } = line.token {
                    header(line.offset, line.number, inner);
                }
            }
            Some(Err(e)) => return Err(e),
            None => {}
        }
        debug_assert_eq!(self.pos, next);
        Ok(())
    }
}

/// The masks of the 64 bytes of `bytes` from `base`; past the end they read as zero bytes,
/// which match nothing.
#[inline(always)]
fn block_masks(bytes: &[u8], base: usize) -> crate::masks::Masks {
    match bytes.get(base..base + 64) {
        Some(block) => crate::masks::of(block.try_into().unwrap_or(&[0; 64])),
        None => {
            let mut block = [0u8; 64];
            let rest = bytes.get(base..).unwrap_or_default();
            block[..rest.len()].copy_from_slice(rest);
            crate::masks::of(&block)
        }
    }
}

/// Where the content of a line ends that runs to `end` (its `\n`, or the text's end): one
/// `\r` before it is the line end's, unless it is at or before `from` (the first byte the
/// caller reads as content), as the line-by-line reader cuts it.
#[inline]
fn without_cr(bytes: &[u8], from: usize, end: usize) -> usize {
    if end > from && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Where the `]` of the header line from `start` to `end` (its `\n` or the text's end)
/// is, one past it, when the line is `[inner]` with only spaces and tabs after the `]`
/// (and no `#` or `;`, which the caller has checked); `None` for any other line.
#[inline]
fn header_close(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut close = without_cr(bytes, start, end);
    while close > start && is_ws(bytes[close - 1]) {
        close -= 1;
    }
    (close >= start + 2 && bytes[close - 1] == b']').then_some(close)
}

/// The position of the first `\n` at or after `from`: the first 32 bytes eight at a time
/// (most values are shorter), then memchr (secrets and session tokens are not).
#[inline]
fn find_newline(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    for _ in 0..4 {
        let Some(chunk) = bytes.get(i..i + 8) else {
            break;
        };
        let nl = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ (ONES * 10);
        let found = nl.wrapping_sub(ONES) & !nl & HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr::memchr(b'\n', &bytes[i..]).map(|p| i + p)
}

/// The position of the first `=` or `\n` at or after `from`, eight bytes at a time.
#[inline]
fn find_eq_or_newline(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let (eq, nl) = (
            word ^ (ONES * u64::from(b'=')),
            word ^ (ONES * u64::from(b'\n')),
        );
        // The high bit of each zero byte of `eq` or `nl` (bytes above the first may be
        // set falsely by the borrow; the lowest one is exact).
        let found = (eq.wrapping_sub(ONES) & !eq | nl.wrapping_sub(ONES) & !nl) & HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| b == b'=' || b == b'\n')
        .map(|p| i + p)
}

/// The first bytes of a line that [`Tokenizer::classify`] reads as `key = value` (not a
/// space or tab, a comment, a header or an empty key) and that are not a line end.
static PLAIN_START: [bool; 256] = {
    let mut table = [true; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = !matches!(
            b as u8,
            b' ' | b'\t' | b'#' | b';' | b'[' | b'=' | b'\r' | b'\n'
        );
        b += 1;
    }
    table
};

/// Every place where `text` is read as botocore reads it because the spec refuses it, by
/// 1-based line, up to the first error: [`Deviation::CrLineEnds`] at line 1 for a file of
/// [`breaks_lines_at_cr`], then each line's [`Line::deviation`].
pub fn deviations(text: &str) -> Vec<(usize, Deviation)> {
    let cr = breaks_lines_at_cr(text).then_some((1, Deviation::CrLineEnds));
    cr.into_iter()
        .chain(
            Tokenizer::new(text)
                .map_while(Result::ok)
                .filter_map(|l| Some((l.number, l.deviation?))),
        )
        .collect()
}

/// Checks a whole text and returns its lines.
pub fn tokenize(text: &str) -> Result<Vec<Line<'_>>, ParseError> {
    Tokenizer::new(text).collect()
}

/// Whether `name` is a valid profile, section or property identifier for the SDKs:
/// ASCII letters, digits and `_ - / . % @ : +`.
pub fn is_identifier(name: &str) -> bool {
    // Every header's name comes through here: eight table loads at a time, combined
    // without a branch each, since names are valid far more often than not.
    let bytes = name.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut valid = !bytes.is_empty();
    for chunk in &mut chunks {
        valid &= chunk
            .iter()
            .fold(true, |ok, &b| ok & IDENTIFIER[b as usize]);
    }
    chunks
        .remainder()
        .iter()
        .fold(valid, |ok, &b| ok & IDENTIFIER[b as usize])
}

/// A table because every header and key of both files is checked: one load a byte
/// instead of a chain of comparisons.
static IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+');
        b += 1;
    }
    table
};

/// What a `[...]` header names, once classified for the file it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKey<'a> {
    /// A profile: `[profile NAME]` or `[default]` in config, `[NAME]` in credentials.
    Profile {
        /// The profile name.
        name: &'a str,
        /// `[default]` without the `profile` prefix in the config file: it loses to
        /// `[profile default]` when both exist.
        bare_default: bool,
    },
    /// `[sso-session NAME]` in config.
    SsoSession(&'a str),
    /// `[services NAME]` in config.
    Services(&'a str),
    /// Any other `[PREFIX NAME]` in config: kept, but not a profile.
    Other {
        /// The word before the name.
        prefix: &'a str,
        /// The name.
        name: &'a str,
    },
    /// A header the SDKs ignore, with their reason.
    Ignored(IgnoredReason),
}

/// Why the SDKs skip a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoredReason {
    /// The name has characters outside the identifier set.
    InvalidName,
    /// `[NAME]` in the config file (only `[default]` may lack the prefix).
    MissingProfilePrefix,
    /// `[profile NAME]` in the credentials file.
    ProfilePrefixInCredentials,
    /// `[PREFIX NAME]` other than a profile in the credentials file.
    ConfigSectionInCredentials,
}

impl IgnoredReason {
    /// A sentence for warnings.
    pub fn message(self) -> &'static str {
        match self {
            IgnoredReason::InvalidName => {
                "the name is not a valid identifier (letters, digits and _ - / . % @ : +)"
            }
            IgnoredReason::MissingProfilePrefix => {
                "sections in the config file other than [default] need a prefix, as in [profile NAME]"
            }
            IgnoredReason::ProfilePrefixInCredentials => {
                "profiles in the credentials file must not start with 'profile'"
            }
            IgnoredReason::ConfigSectionInCredentials => {
                "this kind of section belongs in the config file, not the credentials file"
            }
        }
    }
}

/// Classifies a header's inner text the way the SDKs do for `kind`.
pub fn section_key(kind: FileKind, inner: &str) -> SectionKey<'_> {
    let inner = trim_ws(inner);
    // Most headers of a config file are `[profile NAME]`: no need to look for the word.
    if kind == FileKind::Config {
        if let Some(rest) = inner.strip_prefix("profile") {
            if rest.as_bytes().first().is_some_and(|&b| is_ws(b)) {
                let name = trim_ws(&rest[1..]);
                return if is_identifier(name) {
                    SectionKey::Profile {
                        name,
                        bare_default: false,
                    }
                } else {
                    SectionKey::Ignored(IgnoredReason::InvalidName)
                };
            }
        }
    }
    // Most headers of a credentials file are a name and nothing else.
    if kind == FileKind::Credentials && is_identifier(inner) {
        return SectionKey::Profile {
            name: inner,
            bare_default: false,
        };
    }
    // One pass over the leading word: it ends at the first byte that is not an identifier
    // byte, which is the first space or tab when it is one (identifier bytes are neither).
    let bytes = inner.as_bytes();
    let word = bytes
        .iter()
        .position(|&b| !IDENTIFIER[b as usize])
        .unwrap_or(bytes.len());
    let split = if word == bytes.len() {
        None
    } else if is_ws(bytes[word]) {
        Some((&inner[..word], trim_ws(&inner[word + 1..])))
    } else {
        inner
            .bytes()
            .position(is_ws)
            .map(|i| (&inner[..i], trim_ws(&inner[i + 1..])))
    };
    match (kind, split) {
        (FileKind::Config, Some((prefix, name))) => {
            if !is_identifier(name) {
                return SectionKey::Ignored(IgnoredReason::InvalidName);
            }
            match prefix {
                "profile" => SectionKey::Profile {
                    name,
                    bare_default: false,
                },
                "sso-session" => SectionKey::SsoSession(name),
                "services" => SectionKey::Services(name),
                _ => SectionKey::Other { prefix, name },
            }
        }
        (FileKind::Config, None) => {
            if inner == "default" {
                SectionKey::Profile {
                    name: inner,
                    bare_default: true,
                }
            } else {
                SectionKey::Ignored(IgnoredReason::MissingProfilePrefix)
            }
        }
        (FileKind::Credentials, Some((prefix, _))) => SectionKey::Ignored(if prefix == "profile" {
            IgnoredReason::ProfilePrefixInCredentials
        } else {
            IgnoredReason::ConfigSectionInCredentials
        }),
        (FileKind::Credentials, None) => {
            if !inner.is_empty() && word == bytes.len() {
                SectionKey::Profile {
                    name: inner,
                    bare_default: false,
                }
            } else {
                SectionKey::Ignored(IgnoredReason::InvalidName)
            }
        }
    }
}

/// Splits a sub-property block's value (`"\nkey = value\n..."`) into its pairs, skipping
/// lines without `=` as the SDKs do.
pub fn sub_properties(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split('\n').filter_map(|line| {
        let (k, v) = line.split_once('=')?;
        Some((trim_ws(k), trim_ws(v)))
    })
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy as _;

    /// Every line as [`Tokenizer::classify`] alone reads it, without the one-pass path.
    fn slow(text: &str) -> Vec<Result<Line<'_>, ParseError>> {
        let mut t = Tokenizer::new(text);
        t.fast = false;
        t.collect()
    }

    /// Pieces of lines where the one-pass and the line-by-line readings could differ.
    const PIECES: &[&str] = &[
        "[default]",
        "[profile a]",
        "[x",
        "]",
        "[",
        "[]",
        "[profile b] ",
        "\r",
        "k",
        "=",
        " = ",
        "v",
        " ",
        "\t",
        "#",
        " #c",
        ";",
        " ;c",
        "a#b",
        "\u{e9}",
        "\u{3000}",
        "s3 =",
        "  sub = 1",
        "==",
        "",
    ];

    #[test]
    fn word_searches_find_the_first_equals_or_newline() {
        let text = "abc=d\nefghijklmnop=\n\u{3d3d}\u{e9}==\n0123456789abcdef\n\u{100}x";
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() {
            let want = bytes[from..]
                .iter()
                .position(|&b| b == b'=' || b == b'\n')
                .map(|p| from + p);
            assert_eq!(find_eq_or_newline(bytes, from), want, "from {from}");
        }
        for from in 0..=bytes.len() {
            let want = bytes[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|p| from + p);
            assert_eq!(find_newline(bytes, from), want, "from {from}");
        }
        let long = format!("{}\x0b\x09\n", "x".repeat(100));
        assert_eq!(find_newline(long.as_bytes(), 3), Some(102));
        // A byte one above or below the ones searched for is no match (borrows).
        assert_eq!(
            find_eq_or_newline(b"<>\x0b\x09<<<<<<<>>>>>>>>=", 0),
            Some(19)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The one-pass reading of the common lines gives the same lines, tokens, errors
        /// and line numbers as reading each line on its own, on texts made of the pieces
        /// where they could differ: `=` first or missing, comments glued or not, `\r`
        /// before and away from `\n`, no final newline, indentation, multi-byte text.
        #[test]
        fn one_pass_reads_every_line_as_the_line_by_line_reader_does(
            lines in proptest::collection::vec((
                proptest::prop_oneof![
                    // Mostly property lines, with anything in their value.
                    3 => (
                        proptest::sample::select(vec!["k", "key", "a.b", "\u{e9}", "x y", "k\r"]),
                        proptest::sample::select(vec!["=", " = ", "\t=", "= ", " =\t"]),
                        proptest::collection::vec(proptest::sample::select(PIECES), 0..5),
                    ).prop_map(|(k, eq, v)| format!("{k}{eq}{}", v.concat())),
                    1 => proptest::collection::vec(proptest::sample::select(PIECES), 0..6)
                        .prop_map(|p| p.concat()),
                ],
                proptest::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
            ), 0..30),
            last_newline in proptest::bool::ANY,
        ) {
            let mut text = String::from("[default]\n");
            for (line, end) in &lines {
                text.push_str(line);
                text.push_str(end);
            }
            if !last_newline {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let fast: Vec<_> = Tokenizer::new(&text).collect();
            proptest::prop_assert_eq!(fast, slow(&text), "{:?}", text);
            // The header pass over the same text, from the start and from each of the
            // first 64 bytes (a block boundary falls anywhere in a line).
            proptest::prop_assert_eq!(headers_of(&text, true), headers_by_lines(&text), "{:?}", text);
            for cut in 1..text.len().min(64) {
                if text.is_char_boundary(cut) {
                    let shifted = format!("{}{}", "\n".repeat(cut), &text);
                    proptest::prop_assert_eq!(
                        headers_of(&shifted, true),
                        headers_by_lines(&shifted),
                        "{:?}",
                        shifted
                    );
                }
            }
        }
    }

    /// What [`Tokenizer::headers`] reports, as `(offset, line, inner)` then the error.
    fn headers_of(text: &str, fast: bool) -> (Vec<(usize, usize, &str)>, Option<ParseError>) {
        let mut found = Vec::new();
        let mut t = Tokenizer::new(text);
        t.fast = fast;
        let end = t.headers(|offset, number, inner| found.push((offset, number, inner)));
        (found, end.err())
    }

    /// The headers and the first error, as iterating the lines one by one gives them.
    fn headers_by_lines(text: &str) -> (Vec<(usize, usize, &str)>, Option<ParseError>) {
        let mut found = Vec::new();
        for line in slow(text) {
            match line {
                Ok(l) => {
                    if let Token::Header { inner } = l.token {
                        found.push((l.offset, l.number, inner));
                    }
                }
                Err(e) => return (found, Some(e)),
            }
        }
        (found, None)
    }

    #[test]
    fn the_header_pass_finds_what_the_lines_say() {
        let long = format!("[default]\nk = {}\n[profile x]\n", "v".repeat(200));
        let texts = [
            "",
            "\n",
            "[a]",
            "[a]\n",
            "[a]\nk=v",
            "[a]\nk=v\n\n[b]\r\nx = 1\r\n",
            "[a] # c\nk = v ; c\n[ b ]\t\n",
            "k = v\n[a]\n",
            "[a]\nno equals\n[b]\n",
            "[a]\ns3 =\n  x = 1\n  y = 2\n[b]\n",
            "[a]\nk = v\n  more\n[b]\n",
            "[a\n",
            "[a]\n=v\n",
            "[a]\rk = v\r[b]\r",
            long.as_str(),
        ];
        for text in texts {
            assert_eq!(headers_of(text, true), headers_by_lines(text), "{text:?}");
        }
        // Line ends exactly at and around every block boundary.
        for pad in 0..70 {
            let text = format!("[a]\nk = {}\n[b]\nx=\n  y = 1\n[c]", "v".repeat(pad));
            assert_eq!(headers_of(&text, true), headers_by_lines(&text), "{text:?}");
        }
    }

    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|l| l.token)
            .collect()
    }

    #[test]
    fn raw_lines_cover_every_byte() {
        let text = "[default]\r\nregion = x # c\n\n  \n; c\r[profile a]\nk=v";
        let joined: String = tokenize(text).unwrap().iter().map(|l| l.raw).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn glued_comment_is_part_of_the_value() {
        assert_eq!(
            tokens("[a]\nk = v;x ;y")[1],
            Token::Property {
                key: "k",
                value: "v;x"
            }
        );
    }

    /// The byte-wise splitter against the char-by-char definition it replaced, on the
    /// lines where they could differ.
    #[test]
    fn property_split_agrees_with_strip_then_split() {
        // The original char-by-char definition.
        fn reference(line: &str) -> Option<(&str, &str)> {
            const WS: &[char] = &[' ', '\t'];
            let line = line.trim_matches(WS);
            let mut prev_ws = false;
            let mut stripped = line;
            for (i, c) in line.char_indices() {
                if (c == '#' || c == ';') && prev_ws {
                    stripped = line[..i].trim_matches(WS);
                    break;
                }
                prev_ws = c.is_whitespace();
            }
            let (k, v) = stripped.split_once('=')?;
            let k = k.trim_matches(WS);
            (!k.is_empty()).then(|| (k, v.trim_matches(WS)))
        }
        let cases = [
            "k = v",
            "k=v",
            "k = v # c",
            "k = v#c",
            "k = v ;c",
            "k =#v",
            "k = #v",
            "k # = v",
            "k#x = v",
            "= v",
            " = v",
            "k = a=b",
            "k = v\u{a0}#c",
            "k = v\u{3000};c",
            "k = é#c",
            "k =",
            "k = ;",
            "  k = v  # c ",
            "k\t=\tv\t;c",
            "#k = v",
            "k = v # c = d",
        ];
        for line in cases {
            assert_eq!(split_property(line).ok(), reference(line), "{line:?}");
        }
        assert!(matches!(split_property("k # = v"), Err(PropErr::NoEquals)));
        assert!(matches!(split_property(" = v"), Err(PropErr::NoName)));
    }

    #[test]
    fn header_comment_needs_no_space() {
        assert_eq!(
            tokens("[profile a]#c")[0],
            Token::Header { inner: "profile a" }
        );
    }

    #[test]
    fn sub_property_block() {
        let t = tokens("[a]\ns3 =\n  x = 1\n\n  y=2\nk = v\n  more");
        assert!(matches!(t[2], Token::SubProperty { key: "x", .. }));
        assert_eq!(t[3], Token::Blank);
        assert!(matches!(t[4], Token::SubProperty { key: "y", .. }));
        assert_eq!(t[6], Token::Continuation { text: "more" });
    }

    #[test]
    fn error_line_number() {
        let err = tokenize("[a]\n\nk v").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.kind, ParseErrorKind::PropertyNoEquals);
    }

    fn deviation_of(text: &str) -> Vec<(usize, Deviation)> {
        deviations(text)
    }

    #[test]
    fn indented_properties_are_read_as_botocore_reads_them() {
        let text = "[default]\n  region = us-east-1\n  output=json\n    more\n  s3 =\n      x = 1\n  # c\n\tk = v\n";
        let t = tokens(text);
        assert_eq!(
            t[1],
            Token::Property {
                key: "region",
                value: "us-east-1"
            }
        );
        assert_eq!(
            t[2],
            Token::Property {
                key: "output",
                value: "json"
            }
        );
        assert_eq!(t[3], Token::Continuation { text: "more" });
        assert_eq!(
            t[4],
            Token::Property {
                key: "s3",
                value: ""
            }
        );
        assert!(matches!(t[5], Token::SubProperty { key: "x", .. }));
        assert_eq!(t[6], Token::Comment);
        assert_eq!(
            t[7],
            Token::Property {
                key: "k",
                value: "v"
            }
        );
        use Deviation::*;
        assert_eq!(
            deviation_of(text),
            vec![
                (2, IndentedProperty),
                (3, IndentedProperty),
                (5, IndentedProperty),
                (7, IndentedComment),
                (8, IndentedProperty)
            ]
        );
    }

    #[test]
    fn a_file_the_spec_reads_has_no_deviation() {
        let text = "# c\n[default]\nregion = x # c\n  more\n  # part of the value\ns3 =\n  a = 1\n\n[profile b];c\n";
        assert!(deviation_of(text).is_empty());
    }

    #[test]
    fn indented_comments_and_headers_where_the_spec_wants_none() {
        use Deviation::*;
        let text = "  # first\n  [default]\n  ; c\nk = v\n[profile b]\n  [profile c]\n";
        assert_eq!(tokens(text)[1], Token::Header { inner: "default" });
        assert_eq!(tokens(text)[5], Token::Header { inner: "profile c" });
        assert_eq!(
            deviation_of(text),
            vec![
                (1, IndentedComment),
                (2, IndentedHeader),
                (3, IndentedComment),
                (6, IndentedHeader)
            ]
        );
        // Under a property at column 0 an indented header stays a continuation.
        assert_eq!(
            tokens("[a]\nk = v\n  [b]")[2],
            Token::Continuation { text: "[b]" }
        );
    }

    #[test]
    fn text_after_a_header_and_bracket_keys() {
        use Deviation::*;
        let text = "[default] trailing\n[abc = x\n[profile a]]\n[profile b]\r\r\n";
        let t = tokens(text);
        assert_eq!(t[0], Token::Header { inner: "default" });
        assert_eq!(
            t[1],
            Token::Property {
                key: "[abc",
                value: "x"
            }
        );
        assert_eq!(
            t[2],
            Token::Header {
                inner: "profile a]"
            }
        );
        assert_eq!(t[3], Token::Header { inner: "profile b" });
        assert_eq!(
            deviation_of(text),
            // `[profile a]]` ends with ']': the spec reads it (an invalid name, ignored).
            vec![
                (1, HeaderTrailingText),
                (2, BracketKey),
                (4, HeaderTrailingText)
            ]
        );
        // Text after a lone \r is a further line to botocore: refused, not misread.
        assert_eq!(
            tokenize("[default]\rregion = x\n").unwrap_err().kind,
            ParseErrorKind::UnterminatedHeader
        );
    }

    #[test]
    fn comments_in_a_sub_property_block() {
        let t = tokens("[a]\ns3 =\n  # c\n  x = 1\n  ; d\n");
        assert_eq!(t[2], Token::Comment);
        assert!(matches!(t[3], Token::SubProperty { key: "x", .. }));
        assert_eq!(t[4], Token::Comment);
        // A comment with an '=' is a sub-property to the spec, which reads it.
        assert!(matches!(
            tokens("[a]\ns3 =\n  # c = d")[2],
            Token::SubProperty { key: "# c", .. }
        ));
    }

    #[test]
    fn classic_mac_line_ends() {
        let text = "[default]\rregion = x\r  more\r";
        assert!(breaks_lines_at_cr(text));
        let lines = tokenize(text).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].raw, "region = x\r");
        assert_eq!(
            lines[1].token,
            Token::Property {
                key: "region",
                value: "x"
            }
        );
        assert_eq!(deviation_of(text), vec![(1, Deviation::CrLineEnds)]);
        // One trailing \r, or any \n, keeps the spec's line ends.
        assert!(!breaks_lines_at_cr("[default]\r"));
        assert!(!breaks_lines_at_cr("[a]\rk = v\n"));
    }

    #[test]
    fn what_botocore_refuses_too_stays_an_error() {
        let err = |t: &str| tokenize(t).unwrap_err();
        // The conformance suite's cases.
        assert_eq!(
            err("[profile foo]\n -continued").kind,
            ParseErrorKind::ContinuationWithoutProperty
        );
        assert_eq!(
            err(" -continued").kind,
            ParseErrorKind::ExpectedProfileDefinition
        );
        assert_eq!(
            err("[profile foo]\nkey : value").kind,
            ParseErrorKind::PropertyNoEquals
        );
        assert_eq!(
            err("[profile foo]\ns3 =\n = value").kind,
            ParseErrorKind::SubPropertyNoName
        );
        assert_eq!(err("[profile foo").kind, ParseErrorKind::UnterminatedHeader);
        // At the indentation of an indented property, a line without '=' is refused.
        let e = err("[a]\n  k = v\n  more");
        assert_eq!((e.line, e.kind), (3, ParseErrorKind::PropertyNoEquals));
        assert_eq!(
            err("  k = v\n[a]").kind,
            ParseErrorKind::ExpectedProfileDefinition
        );
        assert_eq!(err("[abc = x").kind, ParseErrorKind::UnterminatedHeader);
    }

    #[test]
    fn section_keys() {
        use FileKind::*;
        assert_eq!(
            section_key(Config, " profile\t a "),
            SectionKey::Profile {
                name: "a",
                bare_default: false
            }
        );
        assert_eq!(
            section_key(Config, "profilefoo"),
            SectionKey::Ignored(IgnoredReason::MissingProfilePrefix)
        );
        assert_eq!(
            section_key(Config, "sso-session s"),
            SectionKey::SsoSession("s")
        );
        assert_eq!(
            section_key(Credentials, "sso-sessionfoo"),
            SectionKey::Profile {
                name: "sso-sessionfoo",
                bare_default: false
            }
        );
        assert_eq!(
            section_key(Credentials, "profile a"),
            SectionKey::Ignored(IgnoredReason::ProfilePrefixInCredentials)
        );
    }

    /// `section_key` as first written: split at the first space or tab, then check.
    fn section_key_reference(kind: FileKind, inner: &str) -> SectionKey<'_> {
        let inner = trim_ws(inner);
        let split = inner
            .bytes()
            .position(is_ws)
            .map(|i| (&inner[..i], trim_ws(&inner[i + 1..])));
        match (kind, split) {
            (FileKind::Config, Some((prefix, name))) if !is_identifier(name) => {
                let _ = prefix;
                SectionKey::Ignored(IgnoredReason::InvalidName)
            }
            (FileKind::Config, Some((prefix, name))) => match prefix {
                "profile" => SectionKey::Profile {
                    name,
                    bare_default: false,
                },
                "sso-session" => SectionKey::SsoSession(name),
                "services" => SectionKey::Services(name),
                _ => SectionKey::Other { prefix, name },
            },
            (FileKind::Config, None) if inner == "default" => SectionKey::Profile {
                name: inner,
                bare_default: true,
            },
            (FileKind::Config, None) => SectionKey::Ignored(IgnoredReason::MissingProfilePrefix),
            (FileKind::Credentials, Some((prefix, _))) => {
                SectionKey::Ignored(if prefix == "profile" {
                    IgnoredReason::ProfilePrefixInCredentials
                } else {
                    IgnoredReason::ConfigSectionInCredentials
                })
            }
            (FileKind::Credentials, None) if is_identifier(inner) => SectionKey::Profile {
                name: inner,
                bare_default: false,
            },
            (FileKind::Credentials, None) => SectionKey::Ignored(IgnoredReason::InvalidName),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        /// The one-pass header classification names every header as splitting first and
        /// checking after does.
        #[test]
        fn section_keys_agree_with_the_split_then_check_reading(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "profile", "sso-session", "services", "default", "a", "b.c", " ", "\t", "  ",
                "x y", "\u{e9}", "!", "[", "", "\u{3000}", "-", "_",
            ]), 0..6)
        ) {
            let inner = pieces.concat();
            for kind in [FileKind::Config, FileKind::Credentials] {
                proptest::prop_assert_eq!(
                    section_key(kind, &inner),
                    section_key_reference(kind, &inner),
                    "{:?}", inner
                );
            }
        }
    }
}
