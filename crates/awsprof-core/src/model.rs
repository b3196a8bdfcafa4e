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
/// names is read from that text when a command asks ([`Index::key`]): `use P` looks at the
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

    /// What a header names.
    fn key(&self, h: &Header) -> SectionKey<'t> {
        parse::section_key(h.file, self.inner(h))
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
            .filter_map(|h| named(self.key(h), What::Profile))
            .collect();
        sort_names(&mut names);
        names
    }

    /// Whether neither file defines a profile.
    pub fn no_profiles(&self) -> bool {
        !self
            .headers
            .iter()
            .any(|h| named(self.key(h), What::Profile).is_some())
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
    // Each name's sort key is made as the header is read, while its line is in the cache:
    // made after the pass, a key of 100,000 names was a cache miss each.
    let mut keyed = Vec::new();
    each_header(config, credentials, |file, _, _, inner| {
        if let SectionKey::Profile { name, .. } = parse::section_key(file, inner) {
            if prefix.is_empty() || name.starts_with(prefix) {
                keyed.push(Keyed::new(name));
            }
        }
    })?;
    Ok(sort_keyed(keyed, PACKED_FROM))
}

/// Sorts names as `sort_unstable` and `dedup` would, faster on many names. The names
/// point all over the text of the files, so a comparison of two of them is two cache
/// misses and a byte loop; this sorts a packed copy instead: each name's first 24 bytes
/// as big-endian numbers (so comparing the numbers compares the bytes) next to the
/// name, and compares the names' text only when those words tie. Measured at 10,000
/// profiles (callgrind, `list`): 14.5 M instructions for the radix sort it replaced,
/// which copied every group at every level and cleared two 257-entry tables per group.
pub fn sort_names(names: &mut Vec<&str>) {
    sort_names_from(names, PACKED_FROM);
}

/// [`sort_names`], with `sort_unstable` for fewer than `packed_from` names.
fn sort_names_from(names: &mut Vec<&str>, packed_from: usize) {
    let keyed: Vec<Keyed<'_>> = names.iter().map(|&name| Keyed::new(name)).collect();
    *names = sort_keyed(keyed, packed_from);
}

/// How many names make the packed sort worth its copies: below a few hundred they cost
/// more than they save.
const PACKED_FROM: usize = 256;

/// The names of `keyed`, sorted and without repeats (see [`sort_names`]); by their text
/// alone when there are fewer than `packed_from`.
fn sort_keyed(mut keyed: Vec<Keyed<'_>>, packed_from: usize) -> Vec<&str> {
    if keyed.len() < packed_from {
        let mut names: Vec<&str> = keyed.into_iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        return names;
    }
    keyed.sort_unstable_by(|a, b| {
        if a.high != b.high {
            a.high.cmp(&b.high)
        } else if a.low != b.low {
            a.low.cmp(&b.low)
        } else {
            a.rest(b)
        }
    });
    // Repeats are next to each other (a profile with keys is named in both files); the
    // numbers and lengths tell them apart without a look at their text, which lies all
    // over the files and is out of the cache by now.
    keyed.dedup_by(|a, b| a.high == b.high && a.low == b.low && a.rest(b).is_eq());
    keyed.into_iter().map(|k| k.name).collect()
}

/// A name and its first 24 bytes as big-endian numbers, zeros past its end: the first 16
/// in `high` (one 128-bit comparison), the next 8 in `low`.
#[derive(Clone, Copy)]
struct Keyed<'t> {
    high: u128,
    low: u64,
    name: &'t str,
}

impl<'t> Keyed<'t> {
    /// How two names whose first 24 bytes read the same in the numbers compare. When
    /// one is no longer than that, both have the same bytes up to its end and the other
    /// only zeros after it: it is the shorter, and the lengths decide. Otherwise the bytes
    /// after the 24th do.
    fn rest(&self, other: &Keyed<'_>) -> std::cmp::Ordering {
        let (a, b) = (self.name.as_bytes(), other.name.as_bytes());
        if a.len() <= 24 || b.len() <= 24 {
            a.len().cmp(&b.len())
        } else {
            a[24..].cmp(&b[24..])
        }
    }

    fn new(name: &'t str) -> Keyed<'t> {
        let mut bytes = [0u8; 24];
        let n = name.len().min(24);
        bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
        let (mut high, mut low) = ([0u8; 16], [0u8; 8]);
        high.copy_from_slice(&bytes[..16]);
        low.copy_from_slice(&bytes[16..]);
        Keyed {
            high: u128::from_be_bytes(high),
            low: u64::from_be_bytes(low),
            name,
        }
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
        sort_names_from(&mut names, 0);
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
        sort_names_from(&mut names, 0);
        assert_eq!(names, want);
    }

    proptest::proptest! {
        #[test]
        fn sort_names_agrees_with_str_on_any_names(
            names in proptest::collection::vec("[ab\u{0}\u{e9}-]{0,40}", 0..400)
        ) {
            let owned = names.clone();
            let mut names: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut want = names.clone();
            want.sort_unstable();
            want.dedup();
            sort_names_from(&mut names, 0);
            proptest::prop_assert_eq!(names, want);
        }
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
