//! The semantic view of the two shared files: profiles, sso-sessions and services, merged
//! the way the AWS SDKs merge them.
//!
//! - keys are compared case-insensitively (stored lower-case); the last one wins;
//! - sections with the same name merge, in file order;
//! - `[profile default]` replaces `[default]` in the config file;
//! - the credentials file is merged over the config file, key by key;
//! - invalid section names and keys are skipped with a [`Warning`], as the SDKs skip them.

use crate::parse::{self, FileKind, Line, ParseError, SectionKey, Token, Tokenizer};
use indexmap::IndexMap;
use std::cmp::Ordering;

/// One property's value and where it was last set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The value as the SDKs see it: trimmed, comment removed, continuation lines joined
    /// with `\n`; a sub-property block is `"\nkey = value\n..."`.
    pub value: String,
    /// The file that set it.
    pub file: FileKind,
    /// The 1-based line of its key.
    pub line: usize,
}

impl Property {
    /// Whether this is a `key =` block of indented sub-properties.
    pub fn is_block(&self) -> bool {
        self.value.starts_with('\n')
    }

    /// The sub-properties of a block (empty for a plain value).
    pub fn sub_properties(&self) -> Vec<(&str, &str)> {
        if self.is_block() {
            parse::sub_properties(&self.value).collect()
        } else {
            Vec::new()
        }
    }
}

/// A named group of properties: a profile, an sso-session or a services section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The section's name (`default`, `dev`, ...).
    pub name: String,
    /// Properties keyed by lower-case key, in the order first seen.
    pub properties: IndexMap<String, Property>,
    /// Defined in the config file.
    pub in_config: bool,
    /// Defined in the credentials file.
    pub in_credentials: bool,
}

impl Section {
    fn new(name: &str) -> Self {
        Section {
            name: name.to_string(),
            ..Section::default()
        }
    }

    /// The value of `key` (case-insensitive), if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(|p| p.value.as_str())
    }

    /// The property `key` (case-insensitive), if set.
    pub fn property(&self, key: &str) -> Option<&Property> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.properties.get(&key.to_ascii_lowercase())
        } else {
            self.properties.get(key)
        }
    }

    /// The files that define this section, `config` first.
    pub fn sources(&self) -> Vec<FileKind> {
        let mut out = Vec::with_capacity(2);
        if self.in_config {
            out.push(FileKind::Config);
        }
        if self.in_credentials {
            out.push(FileKind::Credentials);
        }
        out
    }

    fn set(&mut self, key: &str, value: &str, file: FileKind, line: usize) -> &mut Property {
        let prop = Property {
            value: value.to_string(),
            file,
            line,
        };
        let key = key.to_ascii_lowercase();
        let slot = self.properties.entry(key).or_insert_with(|| prop.clone());
        *slot = prop;
        slot
    }
}

/// The kinds of profile: where its credentials come from, as [`Section::kind`] names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    /// `aws_access_key_id` + `aws_secret_access_key`: long-term keys.
    Static,
    /// Static keys with `aws_session_token`: temporary keys pasted in.
    StaticSession,
    /// Long-term keys with `mfa_serial`: used through an MFA session (GetSessionToken).
    StaticMfa,
    /// `role_arn` + `source_profile`.
    AssumeRole,
    /// `role_arn` + `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`).
    AssumeRoleCredentialSource,
    /// `role_arn` + `web_identity_token_file`.
    WebIdentity,
    /// IAM Identity Center through `sso_session`.
    Sso,
    /// IAM Identity Center with the legacy `sso_start_url` in the profile.
    SsoLegacy,
    /// `login_session`: an AWS Sign-In session, as `aws login` writes it.
    LoginSession,
    /// `credential_process`.
    CredentialProcess,
    /// Long-term keys in the OS keyring (awsprof's own `credential_process` line).
    Keyring,
    /// Keys in the OS keyring with `mfa_serial`: used through an MFA session.
    KeyringMfa,
    /// Half a key pair (`aws_access_key_id` or `aws_secret_access_key` alone, or a session
    /// token without them): yields nothing until the pair is complete.
    PartialKeys,
    /// No credentials of its own: region, output or other settings only.
    Other,
}

impl ProfileKind {
    /// The kebab-case name used in `list --json` and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Static => "static",
            ProfileKind::StaticSession => "static-session",
            ProfileKind::StaticMfa => "static-mfa",
            ProfileKind::AssumeRole => "assume-role",
            ProfileKind::AssumeRoleCredentialSource => "assume-role-credential-source",
            ProfileKind::WebIdentity => "web-identity",
            ProfileKind::Sso => "sso",
            ProfileKind::SsoLegacy => "sso-legacy",
            ProfileKind::LoginSession => "login-session",
            ProfileKind::CredentialProcess => "credential-process",
            ProfileKind::Keyring => "keyring",
            ProfileKind::KeyringMfa => "keyring-mfa",
            ProfileKind::PartialKeys => "partial-keys",
            ProfileKind::Other => "other",
        }
    }

    /// Whether resolving credentials for this kind needs a network call or another program.
    pub fn needs_provider(self) -> bool {
        !matches!(
            self,
            ProfileKind::Static
                | ProfileKind::StaticSession
                | ProfileKind::PartialKeys
                | ProfileKind::Other
        )
    }
}

/// Something the SDKs silently skip, which we report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file.
    pub file: FileKind,
    /// The 1-based line.
    pub line: usize,
    /// What was skipped and why.
    pub message: String,
}

/// How much of the files to keep while loading; every line is validated either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter<'a> {
    /// Every section with every property.
    All,
    /// Only the profile with this name (and no sso-sessions or services).
    Profile(&'a str),
    /// Profile names only, no properties (for `list` and completion).
    NamesOnly,
}

/// All profiles, sso-sessions and services of a config + credentials pair.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    /// Profiles by name.
    pub profiles: IndexMap<String, Section>,
    /// `[sso-session NAME]` sections by name.
    pub sso_sessions: IndexMap<String, Section>,
    /// `[services NAME]` sections by name.
    pub services: IndexMap<String, Section>,
    /// What was skipped.
    pub warnings: Vec<Warning>,
}

/// Where the properties of the current section go while merging a file.
enum Target {
    Skip,
    Profile(usize),
    BareDefault,
    SsoSession(usize),
    Services(usize),
}

impl ProfileSet {
    /// Parses and merges a config text and a credentials text (either may be absent).
    pub fn from_texts(
        config: Option<&str>,
        credentials: Option<&str>,
        filter: Filter<'_>,
    ) -> Result<ProfileSet, (FileKind, ParseError)> {
        if let Filter::Profile(name) = filter {
            return ProfileSet::one_profile(config, credentials, name);
        }
        let mut set = ProfileSet::default();
        if let Some(text) = config {
            set.merge(FileKind::Config, text, filter)
                .map_err(|e| (FileKind::Config, e))?;
        }
        if let Some(text) = credentials {
            set.merge(FileKind::Credentials, text, filter)
                .map_err(|e| (FileKind::Credentials, e))?;
        }
        Ok(set)
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// Profile names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    fn section_slot(map: &mut IndexMap<String, Section>, name: &str, kind: FileKind) -> usize {
        let idx = match map.get_index_of(name) {
            Some(i) => i,
            None => map.insert_full(name.to_string(), Section::new(name)).0,
        };
        let section = &mut map[idx];
        match kind {
            FileKind::Config => section.in_config = true,
            FileKind::Credentials => section.in_credentials = true,
        }
        idx
    }

    fn target<'s>(
        &'s mut self,
        target: &Target,
        bare_default: &'s mut Option<Section>,
    ) -> Option<&'s mut Section> {
        match *target {
            Target::Skip => None,
            Target::Profile(i) => Some(&mut self.profiles[i]),
            Target::SsoSession(i) => Some(&mut self.sso_sessions[i]),
            Target::Services(i) => Some(&mut self.services[i]),
            Target::BareDefault => bare_default.as_mut(),
        }
    }

    /// Merges one file into the set.
    pub fn merge(
        &mut self,
        kind: FileKind,
        text: &str,
        filter: Filter<'_>,
    ) -> Result<(), ParseError> {
        self.merge_lines(kind, Tokenizer::new(text), filter)
    }

    /// Merges lines of one file, in file order, into the set.
    fn merge_lines<'t>(
        &mut self,
        kind: FileKind,
        lines: impl Iterator<Item = Result<Line<'t>, ParseError>>,
        filter: Filter<'_>,
    ) -> Result<(), ParseError> {
        let mut target = Target::Skip;
        // The property that continuation lines extend; None after an ignored key.
        let mut last_key: Option<String> = None;
        let mut bare_default: Option<Section> = None;
        let mut prefixed_default = false;
        let names_only = filter == Filter::NamesOnly;
        let wants = |name: &str| match filter {
            Filter::Profile(p) => p == name,
            _ => true,
        };
        for line in lines {
            let Line { number, token, .. } = line?;
            match token {
                Token::Blank | Token::Comment => {}
                Token::Header { inner } => {
                    last_key = None;
                    target = match parse::section_key(kind, inner) {
                        SectionKey::Profile {
                            name,
                            bare_default: true,
                        } => {
                            if !wants(name) {
                                Target::Skip
                            } else {
                                let s = bare_default.get_or_insert_with(|| Section::new(name));
                                s.in_config = true;
                                Target::BareDefault
                            }
                        }
                        SectionKey::Profile { name, .. } => {
                            if name == "default" && kind == FileKind::Config {
                                prefixed_default = true;
                            }
                            if wants(name) {
                                Target::Profile(Self::section_slot(&mut self.profiles, name, kind))
                            } else {
                                Target::Skip
                            }
                        }
                        SectionKey::SsoSession(name) if filter == Filter::All => {
                            Target::SsoSession(Self::section_slot(
                                &mut self.sso_sessions,
                                name,
                                kind,
                            ))
                        }
                        SectionKey::Services(name) if filter == Filter::All => {
                            Target::Services(Self::section_slot(&mut self.services, name, kind))
                        }
                        SectionKey::Ignored(reason) => {
                            if filter == Filter::All {
                                self.warnings.push(Warning {
                                    file: kind,
                                    line: number,
                                    message: format!(
                                        "section [{}] ignored: {}",
                                        inner.trim(),
                                        reason.message()
                                    ),
                                });
                            }
                            Target::Skip
                        }
                        _ => Target::Skip,
                    };
                }
                Token::Property { key, value } => {
                    if names_only {
                        continue;
                    }
                    let Some(section) = self.target(&target, &mut bare_default) else {
                        continue;
                    };
                    if parse::is_identifier(key) {
                        section.set(key, value, kind, number);
                        last_key = Some(key.to_ascii_lowercase());
                    } else {
                        last_key = None;
                        self.warnings.push(Warning {
                            file: kind,
                            line: number,
                            message: format!(
                                "key `{key}` ignored: not a valid identifier (letters, digits and _ - / . % @ : +)"
                            ),
                        });
                    }
                }
                Token::Continuation { text } | Token::SubProperty { text, .. } => {
                    let Some(key) = last_key.as_deref() else {
                        continue;
                    };
                    let Some(section) = self.target(&target, &mut bare_default) else {
                        continue;
                    };
                    if let Some(prop) = section.properties.get_mut(key) {
                        prop.value.push('\n');
                        prop.value.push_str(text);
                    }
                }
            }
        }
        if let Some(bare) = bare_default {
            if prefixed_default {
                self.warnings.push(Warning {
                    file: kind,
                    line: 0,
                    message: "[default] ignored: [profile default] takes priority".into(),
                });
            } else {
                let idx = Self::section_slot(&mut self.profiles, "default", kind);
                let target = &mut self.profiles[idx];
                for (k, p) in bare.properties {
                    target.properties.insert(k, p);
                }
            }
        }
        Ok(())
    }
}

/// What a section header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Profile,
    SsoSession,
    Services,
}

/// Where a section starts in one of the two texts. Kept small (an index holds one per
/// section, and a big file has tens of thousands): the header's text is a range of its
/// line, and positions are 32-bit (the store reads files of up to 256 MiB). What the header
/// names is read from that text when a command asks (`Index::inner`): `use P` looks at the
/// few headers that end with `P`, not at every one.
#[derive(Clone, Copy, Debug)]
struct Header {
    /// Byte offset of the header line.
    offset: u32,
    /// Its 1-based line number.
    line: u32,
    /// The text between the brackets: where it starts after `offset`, and its length.
    inner: (u32, u32),
    file: FileKind,
    /// The last byte between the brackets, or 0 when that is a space or a tab: a lookup
    /// by name passes over most headers on this byte alone, without reading their text
    /// (it sits in the struct's padding).
    last: u8,
}

/// The two files after one validating pass: where each section is. A command reads only
/// the sections it needs from those lines ([`Index::profile`]), so a chain through a few
/// profiles of a file with thousands costs one pass over the text, not a map of every
/// profile.
#[derive(Clone, Debug)]
pub struct Index<'t> {
    config: Option<&'t str>,
    credentials: Option<&'t str>,
    /// Every header of both files, config first, in file order.
    headers: Vec<Header>,
    /// Whether each file (config, credentials) ends its lines with a lone `\r`
    /// ([`parse::breaks_lines_at_cr`]): a property of the whole file, which a section's
    /// lines read alone cannot tell.
    cr: [bool; 2],
    /// The profiles read so far: a chain, its settings and the command each ask for the
    /// selected profile, and it is read from its lines once.
    profiles: std::cell::RefCell<Vec<(String, Option<Section>)>>,
}

/// Validates every line of both texts, calling `f` with each section header in order:
/// its file, byte offset, line number and the text between its brackets.
fn each_header<'t>(
    config: Option<&'t str>,
    credentials: Option<&'t str>,
    mut f: impl FnMut(FileKind, usize, usize, &'t str),
) -> Result<(), (FileKind, ParseError)> {
    for (file, text) in [
        (FileKind::Config, config),
        (FileKind::Credentials, credentials),
    ] {
        let Some(text) = text else { continue };
        Tokenizer::new(text)
            .headers(|offset, number, inner| f(file, offset, number, inner))
            .map_err(|e| (file, e))?;
    }
    Ok(())
}

/// The name of a section of kind `what`, if `key` is one.
fn named(key: SectionKey<'_>, what: What) -> Option<&str> {
    match (key, what) {
        (SectionKey::Profile { name, .. }, What::Profile)
        | (SectionKey::SsoSession(name), What::SsoSession)
        | (SectionKey::Services(name), What::Services) => Some(name),
        _ => None,
    }
}

impl<'t> Index<'t> {
    /// Validates every line of both texts and records where their sections are.
    pub fn build(
        config: Option<&'t str>,
        credentials: Option<&'t str>,
    ) -> Result<Index<'t>, (FileKind, ParseError)> {
        // Room for the headers up front (a section takes more than 32 bytes of text):
        // memory that is reserved but never written costs nothing, while growing a
        // vector of tens of thousands touches every page twice.
        let size = config.map_or(0, str::len) + credentials.map_or(0, str::len);
        let mut headers = Vec::with_capacity(size / 32);
        each_header(config, credentials, |file, offset, line, inner| {
            let text = match file {
                FileKind::Config => config,
                FileKind::Credentials => credentials,
            }
            .unwrap_or_default();
            // `inner` is a slice of the header line, just after its `[`.
            let at = (inner.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize + offset);
            debug_assert!(offset + at + inner.len() <= text.len());
            headers.push(Header {
                offset: u32::try_from(offset).unwrap_or(u32::MAX),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                inner: (
                    u32::try_from(at).unwrap_or(u32::MAX),
                    u32::try_from(inner.len()).unwrap_or(0),
                ),
                file,
                last: match inner.as_bytes().last() {
                    Some(b' ' | b'\t') | None => 0,
                    Some(&b) => b,
                },
            });
        })?;
        Ok(Index {
            config,
            credentials,
            headers,
            cr: [config, credentials].map(|t| t.is_some_and(parse::breaks_lines_at_cr)),
            profiles: Default::default(),
        })
    }

    fn text(&self, file: FileKind) -> &'t str {
        match file {
            FileKind::Config => self.config,
            FileKind::Credentials => self.credentials,
        }
        .unwrap_or_default()
    }

    /// The text between a header's brackets.
    fn inner(&self, h: &Header) -> &'t str {
        let start = h.offset as usize + h.inner.0 as usize;
        self.text(h.file)
            .get(start..start + h.inner.1 as usize)
            .unwrap_or_default()
    }

    /// Whether a header names the section of kind `what` called `name`.
    fn names_section(&self, h: &Header, what: What, name: &str) -> bool {
        let maybe = name
            .as_bytes()
            .last()
            .is_none_or(|&n| h.last == n || h.last == 0);
        maybe && names_section(h.file, self.inner(h), what, name)
    }

    /// Profile names, sorted and without repeats, borrowed from the texts.
    pub fn names(&self) -> Vec<&'t str> {
        let mut names: Vec<&'t str> = self
            .headers
            .iter()
            .filter_map(|h| profile_name(h.file, self.inner(h)))
            .collect();
        sort_names(&mut names);
        names
    }

    /// Whether neither file defines a profile.
    pub fn no_profiles(&self) -> bool {
        !self
            .headers
            .iter()
            .any(|h| profile_name(h.file, self.inner(h)).is_some())
    }

    /// Whether a profile called `name` exists.
    pub fn has_profile(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|h| self.names_section(h, What::Profile, name))
    }

    /// The profile `name` with all its properties, merged as [`ProfileSet`] merges it.
    pub fn profile(&self, name: &str) -> Option<Section> {
        if let Some((_, p)) = self.profiles.borrow().iter().find(|(n, _)| n == name) {
            return p.clone();
        }
        let mut set = self.materialise(What::Profile, name, Filter::Profile(name));
        let found = set.profiles.swap_remove(name);
        self.profiles
            .borrow_mut()
            .push((name.to_string(), found.clone()));
        found
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<Section> {
        let mut set = self.materialise(What::SsoSession, name, Filter::All);
        set.sso_sessions.swap_remove(name)
    }

    /// The `[services name]` section.
    pub fn services(&self, name: &str) -> Option<Section> {
        let mut set = self.materialise(What::Services, name, Filter::All);
        set.services.swap_remove(name)
    }

    /// Merges the sections of kind `what` called `name`, reading only their lines.
    fn materialise(&self, what: What, name: &str, filter: Filter<'_>) -> ProfileSet {
        let mut set = ProfileSet::default();
        // Headers are in file order, config first.
        let split = self.headers.partition_point(|h| h.file == FileKind::Config);
        let (in_config, in_credentials) = self.headers.split_at(split);
        for (file, text, cr, headers) in [
            (FileKind::Config, self.config, self.cr[0], in_config),
            (
                FileKind::Credentials,
                self.credentials,
                self.cr[1],
                in_credentials,
            ),
        ] {
            let Some(text) = text else { continue };
            let sections = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| self.names_section(h, what, name))
                .map(|(i, h)| {
                    // The next header of the file ends this section.
                    let end = headers
                        .get(i + 1)
                        .map_or(text.len(), |next| next.offset as usize);
                    (h.offset as usize, h.line as usize, end)
                });
            set.merge_sections(file, text, cr, sections, filter);
        }
        set
    }
}

/// Where a section's lines are: the byte offset and line number of its header, and the
/// offset where it ends.
type Span = (usize, usize, usize);

impl ProfileSet {
    /// The profile `name` alone, as merging both files with [`Filter::Profile`] gives it:
    /// one validating pass over each file that keeps only the sections whose headers end
    /// with the name, then those sections' lines. No index of every header is built (at
    /// 100,000 profiles its 3 MB cost 800 page faults).
    fn one_profile(
        config: Option<&str>,
        credentials: Option<&str>,
        name: &str,
    ) -> Result<ProfileSet, (FileKind, ParseError)> {
        let mut set = ProfileSet::default();
        for (file, text) in [
            (FileKind::Config, config),
            (FileKind::Credentials, credentials),
        ] {
            let Some(text) = text else { continue };
            let cr = parse::breaks_lines_at_cr(text);
            let mut sections: Vec<Span> = Vec::new();
            // The section being read, while it is one of the profile's.
            let mut open = false;
            Tokenizer::with_line_ends(text, cr)
                .headers(|offset, line, inner| {
                    if open {
                        if let Some(last) = sections.last_mut() {
                            last.2 = offset;
                        }
                    }
                    open = names_section(file, inner, What::Profile, name);
                    if open {
                        sections.push((offset, line, text.len()));
                    }
                })
                .map_err(|e| (file, e))?;
            set.merge_sections(file, text, cr, sections.into_iter(), Filter::Profile(name));
        }
        Ok(set)
    }

    /// Merges the lines of `sections` of one file's `text` (whose lines end at a lone
    /// `\r` when `cr`), in order. Every line was validated before.
    fn merge_sections(
        &mut self,
        file: FileKind,
        text: &str,
        cr: bool,
        sections: impl Iterator<Item = Span>,
        filter: Filter<'_>,
    ) {
        let mut lines = Vec::new();
        for (offset, line, end) in sections {
            let first = line - 1;
            // A header resets the tokenizer's state, so reading from one gives the same
            // lines as reading the whole file up to it did.
            lines.extend(
                Tokenizer::with_line_ends(&text[offset..end], cr).map(move |l| {
                    l.map(|mut l| {
                        l.number += first;
                        l.offset += offset;
                        l
                    })
                }),
            );
        }
        let _ = self.merge_lines(file, lines.into_iter(), filter);
    }
}

/// Whether a header of `file` whose text between the brackets is `inner` names the section
/// of kind `what` called `name`. A header ends with the name it gives (spaces and tabs
/// aside), so most are told apart by their last bytes, without reading the whole header.
fn names_section(file: FileKind, inner: &str, what: What, name: &str) -> bool {
    ends_with_name(inner.as_bytes(), name)
        && named(parse::section_key(file, inner), what) == Some(name)
}

/// Whether the text between a header's brackets ends with `name`, spaces and tabs aside:
/// a header that names `name` does, so most headers are told apart by their last bytes.
fn ends_with_name(inner: &[u8], name: &str) -> bool {
    // Most headers end with their name's last byte, or another one: one comparison tells
    // most of them apart, without a call to compare the whole name.
    match (inner.last(), name.as_bytes().last()) {
        (Some(&b), Some(&n)) if b != b' ' && b != b'\t' => {
            return b == n && inner.ends_with(name.as_bytes());
        }
        _ => {}
    }
    let end = inner
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    inner[..end].ends_with(name.as_bytes())
}

/// The profile names of a config and a credentials text, sorted and without repeats,
/// borrowed from the texts. Every line is still validated; nothing else is kept, so this
/// is the cheap path for `list` and completion on files with many profiles.
pub fn profile_names<'t>(
    config: Option<&'t str>,
    credentials: Option<&'t str>,
) -> Result<Vec<&'t str>, (FileKind, ParseError)> {
    profile_names_starting(config, credentials, "")
}

/// The profile names that start with `prefix`, as [`profile_names`] gives them. The others
/// are dropped as they are found, so completing a few typed letters sorts only the names
/// that match.
pub fn profile_names_starting<'t>(
    config: Option<&'t str>,
    credentials: Option<&'t str>,
    prefix: &str,
) -> Result<Vec<&'t str>, (FileKind, ParseError)> {
    let names = ProfileNames::read(config, credentials, prefix)?;
    let mut out = Vec::with_capacity(names.sorted.len());
    names.each_packed(|p| out.push(names.name(p)));
    Ok(out)
}

/// The profile names of a config and a credentials text that start with a prefix, sorted
/// and without repeats, as [`profile_names_starting`] gives them, for a command that only
/// writes them out (`list`, completion): [`ProfileNames::each`] hands over each name's
/// bytes without making a vector of them, most from the copy of their first bytes the
/// sort made, without a look at the text (at 100,000 profiles a look at each name in the
/// text was a cache miss each).
#[derive(Clone, Debug)]
pub struct ProfileNames<'t> {
    config: &'t str,
    credentials: &'t str,
    /// The names themselves, when the texts are too long for a [`Packed`] to point into
    /// them (more than 4 GiB; the store reads far smaller files): each `at` is then an
    /// index here.
    far: Vec<&'t str>,
    /// Sorted; a name in both files is here twice, next to itself.
    sorted: Vec<Packed>,
}

impl<'t> ProfileNames<'t> {
    /// Validates every line of both texts and sorts the profile names that start with
    /// `prefix` (the others are dropped as they are found, so completing a few typed
    /// letters sorts only the names that match).
    pub fn read(
        config: Option<&'t str>,
        credentials: Option<&'t str>,
        prefix: &str,
    ) -> Result<ProfileNames<'t>, (FileKind, ParseError)> {
        let (c, k) = (config.unwrap_or_default(), credentials.unwrap_or_default());
        // Each name's key is made as its header is read, while its line is in the cache:
        // made after the pass, a key of 100,000 names was a cache miss each. Room for
        // them up front (a header line takes more than 32 bytes of text in all but odd
        // files): memory that is reserved but never written costs nothing, while growing
        // a vector of tens of thousands copies it and touches every page twice.
        let mut sorted = Vec::with_capacity((c.len() + k.len()) / 32);
        advise_huge_pages(&mut sorted);
        // `at` counts through the config text, then on through the credentials text.
        let near = u32::try_from(c.len() + k.len()).is_ok();
        let mut far = Vec::new();
        each_header(config, credentials, |file, _, _, inner| {
            let Some(name) = profile_named(file, inner, prefix) else {
                return;
            };
            if !near {
                // An index fits below 16 GiB of text (a header takes four bytes or more);
                // no file the store reads comes near.
                sorted.push(Packed::copied(name.as_bytes(), far.len() as u32));
                far.push(name);
                return;
            }
            let (text, base) = match file {
                FileKind::Config => (c, 0),
                FileKind::Credentials => (k, c.len()),
            };
            // `name` is a slice of `text`.
            let start = (name.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
            debug_assert!(start + name.len() <= text.len());
            sorted.push(Packed::in_text(
                text.as_bytes(),
                start,
                name.len(),
                (base + start) as u32,
            ));
        })?;
        sort_packed(&mut sorted, &|p| name_of(c, k, &far, p).as_bytes(), SMALL);
        Ok(ProfileNames {
            config: c,
            credentials: k,
            far,
            sorted,
        })
    }

    /// Whether there is no name.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Calls `f` with each name's bytes, in order, once each.
    pub fn each(&self, mut f: impl FnMut(&[u8])) {
        self.each_packed(|p| {
            if p.len as usize <= KEY_BYTES {
                let mut bytes = [0u8; KEY_BYTES];
                for (chunk, word) in bytes.chunks_exact_mut(8).zip(p.key) {
                    chunk.copy_from_slice(&word.to_be_bytes());
                }
                f(&bytes[..p.len as usize]);
            } else {
                f(self.name(p).as_bytes());
            }
        });
    }

    /// Writes the names to `out` in order, `put` appending each one's bytes (and what goes
    /// around them) to a buffer of 64 KiB that is written whenever it fills: its pages
    /// are used again and again, where a buffer for all names was, at 100,000 profiles,
    /// 540 pages to fault in.
    pub fn write_each(
        &self,
        out: &mut dyn std::io::Write,
        mut put: impl FnMut(&mut Vec<u8>, &[u8]),
    ) -> std::io::Result<()> {
        const FULL: usize = 64 * 1024;
        let mut buf = Vec::with_capacity(FULL + 1024);
        let mut written = Ok(());
        self.each(|name| {
            put(&mut buf, name);
            if buf.len() >= FULL {
                if written.is_ok() {
                    written = out.write_all(&buf);
                }
                buf.clear();
            }
        });
        written?;
        out.write_all(&buf)
    }

    fn name(&self, p: &Packed) -> &'t str {
        name_of(self.config, self.credentials, &self.far, p)
    }

    /// Calls `f` with each of the sorted names once.
    fn each_packed(&self, f: impl FnMut(&Packed)) {
        each_once(&self.sorted, &|p| self.name(p).as_bytes(), f);
    }
}

/// The name `p` stands for in [`ProfileNames`].
fn name_of<'t>(config: &'t str, credentials: &'t str, far: &[&'t str], p: &Packed) -> &'t str {
    let (at, len) = (p.at as usize, p.len as usize);
    if !far.is_empty() {
        far[at]
    } else if at < config.len() {
        &config[at..at + len]
    } else {
        &credentials[at - config.len()..at - config.len() + len]
    }
}

/// The profile a header of `file` names, when it starts with `prefix`.
#[inline]
fn profile_named<'t>(file: FileKind, inner: &'t str, prefix: &str) -> Option<&'t str> {
    let name = profile_name(file, inner)?;
    (prefix.is_empty() || name.starts_with(prefix)).then_some(name)
}

/// The profile a header of `file` whose text between the brackets is `inner` names, as
/// [`parse::section_key`] reads it. Most headers are `[profile NAME]` in the config file
/// and `[NAME]` in the credentials file, with no space or tab around the words: those
/// are read here with one comparison for the word and the name's check, and every other
/// header by `section_key`.
#[inline]
fn profile_name(file: FileKind, inner: &str) -> Option<&str> {
    let bytes = inner.as_bytes();
    let plain = match (bytes.first(), bytes.last()) {
        (Some(&a), Some(&z)) => !matches!(a, b' ' | b'\t') && !matches!(z, b' ' | b'\t'),
        _ => false,
    };
    if plain {
        let name = match file {
            FileKind::Config => match bytes.get(..8) {
                Some(b"profile ") if bytes.get(8).is_some_and(|&b| !matches!(b, b' ' | b'\t')) => {
                    Some(&inner[8..])
                }
                _ => None,
            },
            FileKind::Credentials => Some(inner),
        };
        if let Some(name) = name {
            return parse::is_identifier(name).then_some(name);
        }
    }
    match parse::section_key(file, inner) {
        SectionKey::Profile { name, .. } => Some(name),
        _ => None,
    }
}

/// Sorts names as `sort_unstable` and `dedup` would, faster on many names (see
/// [`sort_packed`]).
pub fn sort_names(names: &mut Vec<&str>) {
    sort_names_with(names, SMALL);
}

/// [`sort_names`], leaving groups of at most `small` names to `sort_unstable`.
fn sort_names_with(names: &mut Vec<&str>, small: usize) {
    // A `Packed` counts names and their bytes in 32 bits: more than any file the store
    // reads holds.
    let fits =
        u32::try_from(names.len()).is_ok() && names.iter().all(|n| u32::try_from(n.len()).is_ok());
    if names.len() <= small || !fits {
        names.sort_unstable();
        names.dedup();
        return;
    }
    let mut packed: Vec<Packed> = names
        .iter()
        .enumerate()
        .map(|(i, name)| Packed::copied(name.as_bytes(), i as u32))
        .collect();
    let all = std::mem::take(names);
    let text = |p: &Packed| all[p.at as usize].as_bytes();
    sort_packed(&mut packed, &text, small);
    names.reserve(packed.len());
    each_once(&packed, &text, |p| names.push(all[p.at as usize]));
}

/// Groups of names no longer than this are left to `sort_unstable`: below a few dozen,
/// counting and moving bytes costs more than comparing.
const SMALL: usize = 32;

/// How many bytes of a name its [`Packed`] key holds.
const KEY_BYTES: usize = 24;

/// A name as the sort moves it: its first 24 bytes as big-endian numbers, zeros past its
/// end (so comparing the numbers compares the bytes), and where its text is. What `at`
/// counts from is the caller's: `text` functions turn a `Packed` back into its name. 32
/// bytes, so a group of them is a few cache lines, while the names' text lies all over
/// the files.
#[derive(Clone, Copy, Debug, Default)]
struct Packed {
    key: [u64; 3],
    at: u32,
    len: u32,
}

impl Packed {
    /// The key of `name`, copied byte by byte. Its length fits in 32 bits (the caller's
    /// to check).
    fn copied(name: &[u8], at: u32) -> Packed {
        let mut bytes = [0u8; KEY_BYTES];
        let n = name.len().min(KEY_BYTES);
        bytes[..n].copy_from_slice(&name[..n]);
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            u64::from_be_bytes(w)
        };
        Packed {
            key: [word(0), word(1), word(2)],
            at,
            len: name.len() as u32,
        }
    }

    /// The key of the name `text[start..start + len]`, read as three words of the text
    /// and cut at the name's end: a header is followed by at least its `]`, so most names
    /// have 24 bytes of text after their start; those that do not are copied.
    fn in_text(text: &[u8], start: usize, len: usize, at: u32) -> Packed {
        let Some(window) = text.get(start..start + KEY_BYTES) else {
            return Packed::copied(&text[start..start + len], at);
        };
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&window[i * 8..i * 8 + 8]);
            u64::from_be_bytes(w)
        };
        let mut key = [word(0), word(1), word(2)];
        if len < KEY_BYTES {
            // Only the name's bytes are kept: the rest of the word it ends in and the
            // words after it are zeroed.
            let (end, kept) = (len / 8, len % 8);
            key[end] &= !(u64::MAX.checked_shr(8 * kept as u32).unwrap_or(0));
            for w in &mut key[end + 1..] {
                *w = 0;
            }
        }
        Packed {
            key,
            at,
            len: len as u32,
        }
    }
}

/// How two names whose keys are equal compare. When one is no longer than the key, both
/// have the same bytes up to its end and the other only zeros after it in the key: it is
/// the shorter, and the lengths decide. Otherwise the bytes after the key's do (read from
/// the text, which only names sharing their first 24 bytes need).
fn after_key<'t>(a: &Packed, b: &Packed, text: &impl Fn(&Packed) -> &'t [u8]) -> Ordering {
    if a.len as usize <= KEY_BYTES || b.len as usize <= KEY_BYTES {
        a.len.cmp(&b.len)
    } else {
        text(a)[KEY_BYTES..].cmp(&text(b)[KEY_BYTES..])
    }
}

/// The order of two names, as `str`'s.
#[inline]
fn by_name<'t>(a: &Packed, b: &Packed, text: &impl Fn(&Packed) -> &'t [u8]) -> Ordering {
    // Word by word (an array's `cmp` goes through a slice comparison loop).
    let (x, y) = (a.key, b.key);
    if x[0] != y[0] {
        x[0].cmp(&y[0])
    } else if x[1] != y[1] {
        x[1].cmp(&y[1])
    } else if x[2] != y[2] {
        x[2].cmp(&y[2])
    } else {
        after_key(a, b, text)
    }
}

/// Sorts names by their text, as `sort_unstable` of the names would. The names point all
/// over the text of the files, so a comparison of two of them is two cache misses and a
/// byte loop: this sorts their [`Packed`] keys instead, by a most-significant-byte radix
/// sort. Each group of names that share their first bytes is dealt out by its next
/// differing byte, found for the whole group at once (so a prefix all its names share
/// costs one pass, not one a byte); groups of at most `small` are sorted by insertion;
/// the names' text is read only for names that share their first 24 bytes.
fn sort_packed<'t>(all: &mut Vec<Packed>, text: &impl Fn(&Packed) -> &'t [u8], small: usize) {
    let small = small.max(1);
    let names = all.as_mut_slice();
    if names.len() <= small {
        let mut scratch = names.to_vec();
        sort_group(&mut scratch, names, true, text, small);
        return;
    }
    // The first level is dealt out in place, and only the parts get a second buffer,
    // as long as the longest, after the names in their own vector's room: a buffer as
    // long as all names was, at 100,000 profiles, a thousand pages to fault in (about
    // 3 µs each on the benchmark's machine).
    let Some((word, shift)) = first_difference(names) else {
        names.sort_unstable_by(|a, b| after_key(a, b, text));
        return;
    };
    let byte = |p: &Packed| (p.key[word] >> shift) as u8 as usize;
    let (mut end, low, high) = count_bytes(names, byte);
    let mut next = [0u32; 256];
    let mut sum = 0;
    for b in low..=high {
        next[b] = sum;
        sum += end[b];
        end[b] = sum;
    }
    for b in low..=high {
        while next[b] < end[b] {
            // Carry the name found here to its part, and the one it displaces to its
            // own, until one that belongs here comes back.
            let mut carried = names[next[b] as usize];
            let mut to = byte(&carried);
            while to != b {
                std::mem::swap(&mut carried, &mut names[next[to] as usize]);
                next[to] += 1;
                to = byte(&carried);
            }
            names[next[b] as usize] = carried;
            next[b] += 1;
        }
    }
    let mut longest = 0;
    let mut start = 0;
    for &end in &end[low..=high] {
        longest = longest.max(end as usize - start);
        start = end as usize;
    }
    let n = names.len();
    all.resize(n + longest, Packed::default());
    let (names, scratch) = all.split_at_mut(n);
    let mut start = 0;
    for &end in &end[low..=high] {
        let end = end as usize;
        if end - start > 1 {
            let part = &mut names[start..end];
            sort_group(part, &mut scratch[..end - start], false, text, small);
        }
        start = end;
    }
    all.truncate(n);
}

/// Asks the kernel to back the room of `v` with transparent huge pages (Linux), where a
/// whole one fits: the names' keys of a big file are megabytes, written once, and one
/// fault then maps 2 MiB where it mapped 4 KiB (each about 3 µs on the benchmark's
/// machine). Where the kernel gives none, nothing changes.
fn advise_huge_pages<T>(v: &mut Vec<T>) {
    let len = v.capacity() * std::mem::size_of::<T>();
    crate::filetext::advise_huge_pages(v.as_mut_ptr().cast(), len);
}

/// Where the keys of a group first differ: the word, and the shift that brings the
/// byte down in it (`None` when every key is the same). Every key's difference from the
/// first one, or-ed together, says it for the whole group in one pass.
fn first_difference(names: &[Packed]) -> Option<(usize, u32)> {
    let first = names.first()?.key;
    let mut diff = [0u64; 3];
    for p in names {
        for (d, (k, f)) in diff.iter_mut().zip(p.key.iter().zip(first)) {
            *d |= k ^ f;
        }
    }
    let word = diff.iter().position(|&d| d != 0)?;
    Some((word, 56 - (diff[word].leading_zeros() & !7)))
}

/// How many of `names` have each `byte`, and the lowest and highest byte they have.
#[inline]
fn count_bytes(names: &[Packed], byte: impl Fn(&Packed) -> usize) -> ([u32; 256], usize, usize) {
    let mut count = [0u32; 256];
    let (mut low, mut high) = (255, 0);
    for p in names {
        let b = byte(p);
        count[b] += 1;
        low = low.min(b);
        high = high.max(b);
    }
    (count, low, high)
}

/// Sorts the names of `from` (a group whose keys agree on the bytes before the first
/// one where any two differ), into `from` itself, or into `to` when `into_to`; the other
/// slice, as long, is scratch.
fn sort_group<'t>(
    from: &mut [Packed],
    to: &mut [Packed],
    into_to: bool,
    text: &impl Fn(&Packed) -> &'t [u8],
    small: usize,
) {
    if from.len() <= small {
        if into_to {
            insertion_sort(from, to, text);
        } else {
            to.copy_from_slice(from);
            insertion_sort(to, from, text);
        }
    } else {
        deal(from, to, into_to, text, small);
    }
}

/// [`sort_group`] of a group of more than `small`: dealing it out by its first differing
/// byte moves it into `to`, so each level of groups goes back the other way instead of
/// being copied back.
#[inline(never)]
fn deal<'t>(
    from: &mut [Packed],
    to: &mut [Packed],
    into_to: bool,
    text: &impl Fn(&Packed) -> &'t [u8],
    small: usize,
) {
    let Some((word, shift)) = first_difference(from) else {
        // Every key is the same: the lengths and the text after the key decide.
        from.sort_unstable_by(|a, b| after_key(a, b, text));
        if into_to {
            to.copy_from_slice(from);
        }
        return;
    };
    let byte = |p: &Packed| (p.key[word] >> shift) as u8 as usize;
    // Where the part of each byte starts, moved on as its keys are dealt into place: it
    // ends where the next one starts.
    let (mut at, low, high) = count_bytes(from, byte);
    let mut sum = 0;
    for slot in &mut at[low..=high] {
        (*slot, sum) = (sum, sum + *slot);
    }
    for p in from.iter() {
        let b = byte(p);
        to[at[b] as usize] = *p;
        at[b] += 1;
    }
    let mut start = 0;
    for &end in &at[low..=high] {
        let end = end as usize;
        match end - start {
            0 => {}
            1 if !into_to => from[start] = to[start],
            1 => {}
            _ => sort_group(
                &mut to[start..end],
                &mut from[start..end],
                !into_to,
                text,
                small,
            ),
        }
        start = end;
    }
}

/// Sorts the names of `from` into `to` (as long), inserting each in turn.
fn insertion_sort<'t>(from: &[Packed], to: &mut [Packed], text: &impl Fn(&Packed) -> &'t [u8]) {
    for (i, p) in from.iter().enumerate() {
        let mut j = i;
        while j > 0 && by_name(&to[j - 1], p, text).is_gt() {
            to[j] = to[j - 1];
            j -= 1;
        }
        to[j] = *p;
    }
}

/// Calls `f` with each name of sorted `names` once: a repeat is next to its first (a
/// profile with keys is named in both files), and its key and length tell it apart
/// without a look at its text, which lies all over the files and is out of the cache by
/// now.
fn each_once<'t>(
    names: &[Packed],
    text: &impl Fn(&Packed) -> &'t [u8],
    mut f: impl FnMut(&Packed),
) {
    let mut last: Option<&Packed> = None;
    for p in names {
        if let Some(l) = last {
            if l.key == p.key && l.len == p.len && after_key(l, p, text).is_eq() {
                continue;
            }
        }
        f(p);
        last = Some(p);
    }
}

/// How to make a first profile: what `list`, the picker and an unknown profile say when
/// the files hold none.
pub const FIRST_STEPS: &str = "to begin: `awsprof configure` (type in an access key), `awsprof import --csv FILE` (the access-key file the IAM console downloads) or `awsprof sso add` (IAM Identity Center); see docs/getting-started.md";

/// What `list`, the picker and `doctor` say when neither file defines a profile, with the
/// two files as they are shown.
pub fn no_profiles(config: impl std::fmt::Display, credentials: impl std::fmt::Display) -> String {
    format!("no profiles in {config} or {credentials} yet; {FIRST_STEPS}")
}

/// How many profile names an unknown-profile error lists when none is close to the name.
const LISTED: usize = 5;

/// No profile has this name: the one error for it, from every command and from the chain.
/// It says the closest name; failing that, the profiles there are (when they are few), or
/// how to make one (when there are none).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("profile `{name}` not found{}", self.hint())]
pub struct UnknownProfile {
    /// The name asked for.
    pub name: String,
    /// The closest existing name.
    pub suggestion: Option<String>,
    /// Every existing name, when there is no suggestion and at most five of them.
    pub others: Vec<String>,
    /// How many profiles there are.
    pub count: usize,
}

impl UnknownProfile {
    /// The error for `name`, suggesting the closest of `names`.
    pub fn new<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> UnknownProfile {
        let names: Vec<&str> = names.into_iter().collect();
        let suggestion = suggest(name, names.iter().copied()).map(str::to_string);
        let others = if suggestion.is_none() && names.len() <= LISTED {
            names.iter().map(|n| n.to_string()).collect()
        } else {
            Vec::new()
        };
        UnknownProfile {
            name: name.to_string(),
            suggestion,
            others,
            count: names.len(),
        }
    }

    fn hint(&self) -> String {
        if let Some(s) = &self.suggestion {
            return format!("; did you mean `{s}`?");
        }
        match self.count {
            0 => format!("; there are no profiles yet; {FIRST_STEPS}"),
            n if n <= LISTED => {
                let names: Vec<String> = self.others.iter().map(|n| format!("`{n}`")).collect();
                format!("; the profiles are {}", names.join(", "))
            }
            n => format!("; `awsprof list` shows the {n} profiles"),
        }
    }
}

/// The closest name to `wanted` among `names`, if any is close enough to suggest.
///
/// Scored by [`similarity`], at least 0.7, the first of equal scores. Most names of a file
/// with thousands cannot score that, nor beat the best so far: two lower bounds of the
/// distance tell them apart before the distance is computed (at 100,000 profiles the full
/// distance to each name cost 160 ms): the difference of the lengths, and, for ASCII, the
/// letters one has and the other lacks ([`LetterCounts`]).
pub fn suggest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_len = wanted.chars().count();
    let counts = wanted.is_ascii().then(|| LetterCounts::of(wanted));
    let mut best: Option<(f64, &str)> = None;
    for name in names {
        let ascii = name.is_ascii();
        let len = if ascii {
            name.len()
        } else {
            name.chars().count()
        };
        let longest = wanted_len.max(len);
        if longest > 0 {
            let mut bound = wanted_len.abs_diff(len);
            if let (Some(counts), true) = (&counts, ascii) {
                bound = bound.max(counts.edits_at_least(name));
            }
            // The best score the name could have, by the formula `similarity` uses.
            let at_most = 1.0 - (bound as f64) / (longest as f64);
            if at_most < 0.7 || best.is_some_and(|(s, _)| at_most <= s) {
                continue;
            }
        }
        let score = similarity(wanted, name);
        if score >= 0.7 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, n)| n)
}

/// How many times each byte occurs in an ASCII text, folded into 64 counters.
///
/// An edit (insertion, deletion, substitution, transposition) changes the counts of two
/// texts' difference by at most one on each side, so the distance between two texts is at
/// least the larger of what one has in excess and what the other has; folding bytes
/// together only makes that smaller, so it stays a lower bound.
struct LetterCounts([i16; 64]);

impl LetterCounts {
    fn of(text: &str) -> LetterCounts {
        let mut counts = [0i16; 64];
        for &b in text.as_bytes() {
            counts[usize::from(b & 63)] = counts[usize::from(b & 63)].saturating_add(1);
        }
        LetterCounts(counts)
    }

    /// A lower bound of the edit distance from this text to `other` (ASCII).
    fn edits_at_least(&self, other: &str) -> usize {
        let mut diff = self.0;
        for &b in other.as_bytes() {
            diff[usize::from(b & 63)] = diff[usize::from(b & 63)].saturating_sub(1);
        }
        let (mut more, mut fewer) = (0usize, 0usize);
        for d in diff {
            if d > 0 {
                more += d as usize;
            } else {
                fewer += d.unsigned_abs() as usize;
            }
        }
        more.max(fewer)
    }
}

fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_damerau_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(config: &str, creds: &str) -> ProfileSet {
        ProfileSet::from_texts(Some(config), Some(creds), Filter::All).unwrap()
    }

    #[test]
    fn a_lookup_by_the_last_byte_still_finds_headers_that_end_in_blanks() {
        // `last` is 0 for these, so they are always read; the others are passed over on
        // the byte alone. The Index must find what the whole load finds.
        let config =
            "[profile a ]\nk = 1\n[profile b\t]\nk = 2\n[profile ab]\nk = 3\n[default]\nk = 4\n";
        let creds = "[a]\nj = 1\n[b ]\nj = 2\n";
        let index = Index::build(Some(config), Some(creds)).unwrap();
        let whole = set(config, creds);
        for name in ["a", "b", "ab", "default", "c", "", " "] {
            assert_eq!(
                index.profile(name).as_ref(),
                whole.profile(name),
                "{name:?}"
            );
        }
        // The byte lives in padding: the index stays 20 bytes a header.
        assert_eq!(std::mem::size_of::<Header>(), 20);
    }

    #[test]
    fn credentials_win_over_config() {
        let s = set("[profile a]\nregion = x\nk = 1", "[a]\nk = 2");
        let a = s.profile("a").unwrap();
        assert_eq!(a.get("k"), Some("2"));
        assert_eq!(a.get("region"), Some("x"));
        assert_eq!(a.sources(), vec![FileKind::Config, FileKind::Credentials]);
    }

    /// Found by fuzz/parse: the index read a section alone, and a last section holding
    /// lone `\r`s but no `\n` looked like a file of classic Mac line ends, so its `\r`s
    /// broke lines that the whole file keeps as one.
    #[test]
    fn the_index_breaks_a_sections_lines_where_the_whole_file_does() {
        let text = "[profile a]\nk = 1\n[profile b] # c\rregion = x\r";
        let index = Index::build(Some(text), None).unwrap();
        let all = ProfileSet::from_texts(Some(text), None, Filter::All).unwrap();
        assert_eq!(index.profile("b").as_ref(), all.profile("b"));
        assert_eq!(all.profile("b").unwrap().get("region"), None);
        let mac = "[profile a]\rk = 1\r[profile b]\rregion = x\r";
        let index = Index::build(Some(mac), None).unwrap();
        assert_eq!(index.profile("b").unwrap().get("region"), Some("x"));
    }

    #[test]
    fn filter_keeps_only_the_named_profile() {
        let text = "[profile a]\nk=1\n[profile b]\nk=2\n[sso-session s]\nx=1";
        let s = ProfileSet::from_texts(Some(text), None, Filter::Profile("b")).unwrap();
        assert_eq!(s.names(), vec!["b"]);
        assert!(s.sso_sessions.is_empty());
    }

    #[test]
    fn filter_still_validates_every_line() {
        let text = "[profile a]\nk=1\n[profile b]\nbroken";
        let err = ProfileSet::from_texts(Some(text), None, Filter::Profile("a")).unwrap_err();
        assert_eq!(err.1.line, 4);
    }

    #[test]
    fn kinds() {
        let s = set(
            "[profile r]\nrole_arn=x\nsource_profile=s\n[profile c]\nrole_arn=x\ncredential_source=Environment\n[profile o]\nregion=x\n[profile sso]\nsso_session=x",
            "[m]\naws_access_key_id=a\naws_secret_access_key=b\nmfa_serial=arn:aws:iam::1:mfa/u\n[s]\naws_access_key_id=a\naws_secret_access_key=b\n[t]\naws_access_key_id=a\naws_secret_access_key=b\naws_session_token=c",
        );
        let kind = |n: &str| s.profile(n).unwrap().kind();
        assert_eq!(kind("r"), ProfileKind::AssumeRole);
        assert_eq!(kind("c"), ProfileKind::AssumeRoleCredentialSource);
        assert_eq!(kind("o"), ProfileKind::Other);
        assert_eq!(kind("s"), ProfileKind::Static);
        assert_eq!(kind("t"), ProfileKind::StaticSession);
        assert_eq!(kind("m"), ProfileKind::StaticMfa);
        assert!(ProfileKind::StaticMfa.needs_provider());
        assert_eq!(kind("sso"), ProfileKind::Sso);
    }

    #[test]
    fn names_agree_with_the_full_model() {
        let config = "[default]\n[profile b]\nk=1\n[profile a]\n[profile b]\n[sso-session s]\n[foo]\n[profile in valid]\n";
        let creds = "[c]\n[a]\n[profile x]\n";
        let names = profile_names(Some(config), Some(creds)).unwrap();
        let full = ProfileSet::from_texts(Some(config), Some(creds), Filter::All).unwrap();
        assert_eq!(names, full.names());
        assert_eq!(names, vec!["a", "b", "c", "default"]);
        assert_eq!(
            profile_names(Some("[a]\nbroken"), None).unwrap_err().1.line,
            2
        );
    }

    #[test]
    fn names_by_prefix_are_the_matching_names_and_still_validate_every_line() {
        let config = "[profile dev-b]\n[profile prod]\n[profile dev-a]\n[default]\n";
        let creds = "[dev-a]\n[devx]\n";
        let all = profile_names(Some(config), Some(creds)).unwrap();
        for prefix in ["", "d", "dev-", "dev-a", "p", "z"] {
            let want: Vec<&str> = all
                .iter()
                .copied()
                .filter(|n| n.starts_with(prefix))
                .collect();
            let got = profile_names_starting(Some(config), Some(creds), prefix).unwrap();
            assert_eq!(got, want, "prefix {prefix:?}");
        }
        let broken = "[profile dev]\n[profile other]\nbroken";
        let err = profile_names_starting(Some(broken), None, "dev").unwrap_err();
        assert_eq!(err.1.line, 3);
    }

    #[test]
    fn sort_names_orders_exactly_as_str_does() {
        let mut names = vec![
            "b",
            "a",
            "ab",
            "a\u{0}",
            "a\u{0}\u{0}",
            "payments-prod-000002",
            "payments-prod-000001",
            "payments-prod-00000",
            "payments-prod-0000011",
            "payments-prod-0",
            "",
            "\u{e9}t\u{e9}",
            "z\u{ff}",
            "ab",
            "0123456789abcdefX",
            "0123456789abcdef",
            "0123456789abcdefA",
            "0123456789abcdeF",
            "a",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        ];
        let mut want = names.clone();
        want.sort_unstable();
        want.dedup();
        sort_names_with(&mut names, 1);
        assert_eq!(names, want);
        // Names that differ only after hundreds of bytes (`a…ab`), groups that share 30
        // bytes (more than the copied key), repeats.
        let owned: Vec<String> = (0..300)
            .map(|k| "a".repeat(k) + "b")
            .chain((0..500).map(|i| format!("payments-prod-eu-central-1-{:06}", (i * 7919) % 1000)))
            .chain((0..100).map(|i| format!("z{}", i % 7)))
            .collect();
        let mut names: Vec<&str> = owned.iter().rev().map(String::as_str).collect();
        let mut want = names.clone();
        want.sort_unstable();
        want.dedup();
        sort_names_with(&mut names, 1);
        assert_eq!(names, want);
    }

    proptest::proptest! {
        /// The radix sort, down to groups of `small` (1: every group is dealt out by its
        /// bytes), orders and deduplicates as `sort_unstable` and `dedup` of the names do:
        /// names that share long prefixes, end where others go on, hold zero bytes (which
        /// the key's padding also is) and non-ASCII text.
        #[test]
        fn sort_names_agrees_with_str_on_any_names(
            names in proptest::collection::vec("[ab\u{0}\u{e9}-]{0,40}", 0..400),
            small in 1usize..40,
        ) {
            let owned = names.clone();
            let mut names: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut want = names.clone();
            want.sort_unstable();
            want.dedup();
            sort_names_with(&mut names, small);
            proptest::prop_assert_eq!(names, want);
        }

        /// Names of a common shape (a team, an account number, the same name twice):
        /// long shared prefixes, groups bigger than the cut to `sort_unstable`.
        #[test]
        fn sort_names_agrees_with_str_on_profile_like_names(
            numbers in proptest::collection::vec((0usize..4, 0u32..3000, proptest::bool::ANY), 0..2000),
        ) {
            let teams = ["platform-sandbox", "platform-stage", "payments-eu-central-1-prod", "x"];
            let owned: Vec<String> = numbers
                .iter()
                .flat_map(|&(t, n, twice)| {
                    let name = format!("{}-{n:06}", teams[t]);
                    std::iter::repeat_n(name, 1 + usize::from(twice))
                })
                .collect();
            let mut names: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut want = names.clone();
            want.sort_unstable();
            want.dedup();
            sort_names(&mut names);
            proptest::prop_assert_eq!(names, want);
        }

        /// A key read off the text around a name is the key copied from the name alone,
        /// wherever in the text the name is and however near its end.
        #[test]
        fn keys_read_in_the_text_are_the_copied_keys(
            text in proptest::collection::vec(proptest::num::u8::ANY, 0..80),
            start in 0usize..80,
            len in 0usize..80,
        ) {
            let start = start.min(text.len());
            let len = len.min(text.len() - start);
            let read = Packed::in_text(&text, start, len, 7);
            let copied = Packed::copied(&text[start..start + len], 7);
            proptest::prop_assert_eq!((read.key, read.at, read.len), (copied.key, copied.at, copied.len));
        }

        /// `list`'s names, with and without a typed prefix, are the full model's names:
        /// headers of every kind in both files, repeats, spaces and tabs around names and
        /// words, names the SDKs do not read as profiles, a name at the very end of a text.
        #[test]
        fn names_from_the_headers_are_the_full_models_names(
            config in proptest::collection::vec(header(), 0..60),
            creds in proptest::collection::vec(header(), 0..30),
            end_config in proptest::bool::ANY,
            prefix in proptest::sample::select(vec!["", "a", "ab", "b-", "default", "x"]),
        ) {
            let mut config = config.concat();
            if end_config {
                // A text that ends in a header without its line end.
                config.push_str("[profile ab]");
            }
            let creds = creds.concat();
            let full = ProfileSet::from_texts(Some(&config), Some(&creds), Filter::All);
            let names = profile_names_starting(Some(&config), Some(&creds), prefix);
            match (full, names) {
                (Ok(full), Ok(names)) => {
                    let want: Vec<&str> =
                        full.names().into_iter().filter(|n| n.starts_with(prefix)).collect();
                    proptest::prop_assert_eq!(&names, &want);
                    // What `list` and completion write: the same names, most of them
                    // from the sort's copy of their first bytes.
                    let written = ProfileNames::read(Some(&config), Some(&creds), prefix).unwrap();
                    let mut each = Vec::new();
                    written.each(|n| each.push(String::from_utf8(n.to_vec()).unwrap()));
                    proptest::prop_assert_eq!(each, want);
                }
                (full, names) => proptest::prop_assert_eq!(
                    full.err().map(|e| e.1),
                    names.err().map(|e| e.1)
                ),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        /// The names path's reading of a header is `section_key`'s: the plain forms it
        /// reads itself and every other one it leaves to `section_key`.
        #[test]
        fn profile_name_reads_headers_as_section_key_does(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "profile", "profile ", "sso-session ", "default", "a", "b.c", " ", "\t",
                "x y", "\u{e9}", "!", "", "-", ":",
            ]), 0..6)
        ) {
            let inner = pieces.concat();
            for file in [FileKind::Config, FileKind::Credentials] {
                let want = match parse::section_key(file, &inner) {
                    SectionKey::Profile { name, .. } => Some(name),
                    _ => None,
                };
                proptest::prop_assert_eq!(profile_name(file, &inner), want, "{:?}", inner);
            }
        }
    }

    /// One header line (and sometimes a property), of the kinds both files hold.
    fn header() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let word = proptest::sample::select(vec![
            "profile ",
            "profile\t",
            " profile  ",
            "sso-session ",
            "services ",
            "profilex ",
            "",
        ]);
        let name = proptest::sample::select(vec![
            "a",
            "ab",
            "abc",
            "b-1",
            "b-2",
            "b-10",
            "default",
            "a b",
            "d\u{e9}j\u{e0}",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-2",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "x:y",
            "",
        ]);
        let tail = proptest::sample::select(vec!["", " ", "\t", "  "]);
        let body = proptest::sample::select(vec!["", "k = v\n", "# c\n\n"]);
        (word, name, tail, body).prop_map(|(w, n, t, b)| format!("[{w}{n}{t}]\n{b}"))
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("prod", ["dev", "prd", "staging"]), Some("prd"));
        assert_eq!(suggest("zzzz", ["dev", "prd"]), None);
        assert_eq!(suggest("", ["", "a"]), Some(""));
        assert_eq!(suggest("ab", ["ba", "ab"]), Some("ab"));
        assert_eq!(suggest("dév", ["dev", "dév1"]), Some("dév1"));
    }

    proptest::proptest! {
        /// The bounds only pass over names that could not win: the answer is the one the
        /// distance to every name gives.
        #[test]
        fn suggest_is_the_best_of_every_score(
            wanted in "[abc\u{e9}-]{0,12}",
            names in proptest::collection::vec("[abc\u{e9}-]{0,14}", 0..60)
        ) {
            let mut want: Option<(f64, &str)> = None;
            for name in &names {
                let score = similarity(&wanted, name);
                if score >= 0.7 && want.is_none_or(|(s, _)| score > s) {
                    want = Some((score, name));
                }
            }
            let got = suggest(&wanted, names.iter().map(String::as_str));
            proptest::prop_assert_eq!(got, want.map(|(_, n)| n));
        }
    }
}
