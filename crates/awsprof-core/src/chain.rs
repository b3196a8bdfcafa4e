//! Where a profile's credentials come from, by one rule of precedence, without touching
//! the network.
//!
//! [`source`] is the one place that decides it, from a profile's own properties: every
//! other reading of a profile ([`crate::ProfileKind`], `list --json`, `export`, `whoami`,
//! `doctor`) goes through it. [`resolve`] follows it from profile to profile and builds the
//! chain: one *base* step, which needs no credentials of its own (static keys, a
//! `credential_source`, a web identity token, IAM Identity Center, `credential_process`),
//! then zero or more assume-role hops, each using the credentials of the step before it.
//!
//! The rules are the AWS SDKs' (the shared `assume-role-tests.json` suite is run against
//! this module):
//!
//! - a profile with `role_arn` (and no `web_identity_token_file`) is a hop; its source is
//!   `source_profile` or `credential_source`, never both;
//! - after the first profile, complete static keys win over the profile's own `role_arn`;
//! - a profile whose `source_profile` is itself uses its own keys as the base;
//! - a base is, in this order: `web_identity_token_file`, IAM Identity Center,
//!   `login_session`, `credential_process`, static keys;
//! - a profile visited twice is a loop, reported by name.
//!
//! Where the SDKs disagree with each other (docs/divergences.md, "Where credentials come
//! from"), one rule is taken: settings that cannot yield credentials on their own do not
//! outvote static keys. `credential_source` counts only beside `role_arn`, and `sso_*`
//! settings without `sso_account_id` / `sso_role_name` do not turn a profile with keys into
//! an IAM Identity Center profile. botocore (the AWS CLI) reads both this way; the Rust SDK
//! does not, and [`divergence`] names such profiles for `doctor`.

use crate::creds::Credentials;
use crate::model::{ProfileSet, Section};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// A named `credential_source`: where the base credentials of a role come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CredentialSource {
    /// `Environment`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
    Environment,
    /// `Ec2InstanceMetadata`: the instance profile, through IMDS.
    Ec2InstanceMetadata,
    /// `EcsContainer`: the container credentials endpoint.
    EcsContainer,
}

impl CredentialSource {
    /// The name as written in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialSource::Environment => "Environment",
            CredentialSource::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            CredentialSource::EcsContainer => "EcsContainer",
        }
    }

    /// Parses the value of `credential_source` (exact names, as the SDKs compare them).
    pub fn parse(value: &str) -> Option<CredentialSource> {
        [
            CredentialSource::Environment,
            CredentialSource::Ec2InstanceMetadata,
            CredentialSource::EcsContainer,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// IAM Identity Center settings of a profile, merged with its `[sso-session]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SsoConfig {
    /// `sso_session`, when the profile uses one (the token cache is keyed by it).
    pub session_name: Option<String>,
    /// `sso_start_url` (from the sso-session when there is one).
    pub start_url: Option<String>,
    /// `sso_region` (from the sso-session when there is one).
    pub region: Option<String>,
    /// `sso_account_id`.
    pub account_id: Option<String>,
    /// `sso_role_name`.
    pub role_name: Option<String>,
    /// `sso_registration_scopes` of the sso-session, comma-separated.
    pub registration_scopes: Option<String>,
}

/// The first step of a chain: credentials that need no other credentials.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Base {
    /// Keys written in a profile.
    StaticKeys {
        /// The profile that holds them.
        profile: String,
        /// The keys.
        credentials: Credentials,
    },
    /// A `credential_source` of a role profile.
    NamedSource {
        /// The profile that names it.
        profile: String,
        /// The source.
        source: CredentialSource,
    },
    /// `AssumeRoleWithWebIdentity` with a token read from a file.
    WebIdentity {
        /// The profile.
        profile: String,
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`, as written (not yet `~`-expanded).
        token_file: String,
        /// `role_session_name`.
        session_name: Option<String>,
        /// `duration_seconds`.
        duration_seconds: Option<u32>,
    },
    /// IAM Identity Center: `GetRoleCredentials` with a cached access token.
    Sso {
        /// The profile.
        profile: String,
        /// Its settings.
        config: SsoConfig,
    },
    /// An AWS Sign-In session (`login_session`, which `aws login` writes): credentials
    /// from the AWS CLI's login token cache, refreshed through the sign-in service.
    Login {
        /// The profile.
        profile: String,
        /// `login_session`: the ARN of the identity that signed in.
        session: String,
    },
    /// Long-term keys in the OS keyring, read by awsprof itself: the profile's
    /// `credential_process` is awsprof's own line (`awsprof keyring credentials NAME`).
    Keyring {
        /// The profile.
        profile: String,
        /// The keyring account the line names (the profile's own name, as written).
        account: String,
    },
    /// An external program that prints credentials as JSON.
    Process {
        /// The profile.
        profile: String,
        /// `credential_process`, a command line.
        command: String,
        /// `awsprof_cache_process = true`: what it prints is cached until its expiry.
        #[serde(default)]
        cache: bool,
    },
}

impl Base {
    /// The profile this step comes from.
    pub fn profile(&self) -> &str {
        match self {
            Base::StaticKeys { profile, .. }
            | Base::NamedSource { profile, .. }
            | Base::WebIdentity { profile, .. }
            | Base::Sso { profile, .. }
            | Base::Login { profile, .. }
            | Base::Keyring { profile, .. }
            | Base::Process { profile, .. } => profile,
        }
    }
}

/// One `AssumeRole` hop.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleHop {
    /// The profile that asks for the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_serial`: the MFA device whose code the call needs.
    pub mfa_serial: Option<String>,
    /// `mfa_process` (as aws-vault reads it): a command that prints the code.
    #[serde(default)]
    pub mfa_process: Option<String>,
}

/// An MFA session (`GetSessionToken`) for a profile with long-term keys and `mfa_serial`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MfaSession {
    /// `mfa_serial`.
    pub serial: String,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_process`: a command that prints the code.
    #[serde(default)]
    pub mfa_process: Option<String>,
}

/// A resolved chain: the base step, then the role hops in the order they run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chain {
    /// The step that needs no credentials.
    pub base: Base,
    /// Roles assumed one after the other, starting from the base's credentials.
    pub roles: Vec<RoleHop>,
    /// For a user profile (static long-term keys, no role) with `mfa_serial`: the
    /// `GetSessionToken` call that turns its keys into an MFA session.
    pub mfa_session: Option<MfaSession>,
}

/// One step of a chain as it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'c> {
    /// The base.
    Base(&'c Base),
    /// The MFA session of a user profile.
    Session(&'c MfaSession),
    /// A role hop.
    Role(&'c RoleHop),
}

impl Chain {
    /// The steps in the order they run: the base, the MFA session, the roles.
    pub fn steps(&self) -> Vec<Step<'_>> {
        let mut steps = vec![Step::Base(&self.base)];
        if let Some(s) = &self.mfa_session {
            steps.push(Step::Session(s));
        }
        steps.extend(self.roles.iter().map(Step::Role));
        steps
    }

    /// Why this chain, though well formed, cannot give credentials: an IAM Identity Center
    /// profile that names no account and role can `login`, and nothing more.
    pub fn credentials_problem(&self) -> Option<ChainError> {
        base_problem(&self.base)
    }

    /// Whether any step needs the network or another program.
    pub fn needs_provider(&self) -> bool {
        !self.roles.is_empty()
            || self.mfa_session.is_some()
            || !matches!(self.base, Base::StaticKeys { .. })
    }
}

/// Why a chain ending in `base` cannot give credentials ([`Chain::credentials_problem`]).
fn base_problem(base: &Base) -> Option<ChainError> {
    match base {
        Base::Sso { profile, config }
            if config.account_id.is_none() || config.role_name.is_none() =>
        {
            Some(ChainError::SsoWithoutRole(profile.clone()))
        }
        _ => None,
    }
}

/// Why a profile does not resolve to a chain. The messages contain the AWS SDKs' wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// Neither file defines any profile.
    #[error("No profiles were defined (in the config or credentials file)")]
    NoProfiles,
    /// The selected profile does not exist.
    #[error(transparent)]
    UnknownProfile(#[from] crate::model::UnknownProfile),
    /// A `source_profile` names a profile that does not exist.
    #[error("could not find source profile {missing} referenced from {from}")]
    MissingSourceProfile {
        /// The missing name.
        missing: String,
        /// The profile that names it.
        from: String,
    },
    /// `source_profile` links come back to a profile already visited.
    #[error("profile formed an infinite loop: {}", path.join(" -> "))]
    Loop {
        /// The profiles in the order visited, ending with the repeated one.
        path: Vec<String>,
    },
    /// A role profile with both `source_profile` and `credential_source`.
    #[error("profile `{0}`: profile contained both source_profile and credential_source; only one or the other can be defined")]
    BothSources(String),
    /// A role profile with neither `source_profile` nor `credential_source`.
    #[error("profile `{0}` has a role_arn: profile must contain `source_profile` or `credential_source`")]
    NoSource(String),
    /// `credential_source` is not one of the three names.
    #[error("profile `{profile}`: credential_source `{value}` is not supported (use Environment, Ec2InstanceMetadata or EcsContainer)")]
    UnknownCredentialSource {
        /// The profile.
        profile: String,
        /// The value.
        value: String,
    },
    /// A secret without a key id.
    #[error("profile `{0}`: profile missing aws_access_key_id")]
    MissingAccessKey(String),
    /// A key id without its secret.
    #[error("profile `{0}`: profile missing aws_secret_access_key")]
    MissingSecret(String),
    /// A profile (selected, or a source) that yields no credentials at all.
    #[error("profile `{0}` did not contain credential information; any of these gives it some: aws_access_key_id with aws_secret_access_key, role_arn with source_profile or credential_source, sso_session with sso_account_id and sso_role_name, credential_process, web_identity_token_file with role_arn, login_session (as `aws login` writes it)")]
    NoCredentials(String),
    /// `web_identity_token_file` without `role_arn`.
    #[error("profile `{0}`: `web_identity_token_file` was specified but `role_arn` was missing")]
    WebIdentityWithoutRole(String),
    /// `sso_session` names a section that does not exist.
    #[error("sso-session named `{session}` (referenced by profile `{profile}`) was not found")]
    MissingSsoSession {
        /// The profile.
        profile: String,
        /// The missing session.
        session: String,
    },
    /// A setting that belongs in the `[sso-session]` section is in the profile.
    #[error("profile `{profile}`: `{key}` can only be specified in the [sso-session] config when a session name is given")]
    SsoKeyInProfile {
        /// The profile.
        profile: String,
        /// The key.
        key: &'static str,
    },
    /// Half of the `sso_account_id` / `sso_role_name` pair.
    #[error("profile `{profile}`: if `{set}` is set, then `{missing}` must also be set")]
    SsoHalfPair {
        /// The profile.
        profile: String,
        /// The key that is set.
        set: &'static str,
        /// The key that is not.
        missing: &'static str,
    },
    /// SSO without a start URL or region.
    #[error("profile `{profile}`: IAM Identity Center needs `{key}`{}", if *in_session { " in its [sso-session]" } else { "" })]
    SsoMissing {
        /// The profile.
        profile: String,
        /// The missing key.
        key: &'static str,
        /// Whether it belongs in the sso-session section.
        in_session: bool,
    },
    /// IAM Identity Center without an account and role: a profile to log in with only.
    #[error("profile `{0}` names IAM Identity Center but no sso_account_id and sso_role_name: it can log in (`awsprof login`) but yields no credentials")]
    SsoWithoutRole(String),
    /// A true/false setting that is neither.
    #[error("profile `{profile}`: {key} = {value:?} is neither true nor false")]
    BadBoolean {
        /// The profile.
        profile: String,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
    },
    /// A number setting that is not a number.
    #[error("profile `{profile}`: {key} = {value:?} is not a whole number of seconds")]
    BadNumber {
        /// The profile.
        profile: String,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
    },
}

/// Where a profile's own properties say its credentials come from. This is the one
/// decision of precedence; [`resolve`] follows it and [`crate::ProfileKind`] names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source<'p> {
    /// `role_arn` (without `web_identity_token_file`): an AssumeRole hop.
    Role(RoleVia<'p>),
    /// `web_identity_token_file` (with `role_arn`, or an error without it).
    WebIdentity,
    /// IAM Identity Center settings; `session` when through `sso_session`.
    Sso {
        /// Whether the profile names an `[sso-session]`.
        session: bool,
    },
    /// `login_session`.
    Login,
    /// `credential_process`.
    Process,
    /// `credential_process` that is awsprof's own keyring line: keys in the OS keyring.
    Keyring,
    /// Static keys: `aws_access_key_id` and `aws_secret_access_key`.
    Keys,
    /// Half a key pair, or a session token alone: [`resolve`] says what is missing.
    PartialKeys,
    /// Nothing that yields credentials (region or output settings only).
    Nothing,
}

/// Where a role hop's own credentials come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleVia<'p> {
    /// `source_profile` naming another profile.
    Profile(&'p str),
    /// `source_profile` naming the profile itself: its own keys are the base.
    Itself,
    /// `credential_source`, with the value as written.
    Named(&'p str),
    /// Both `source_profile` and `credential_source`: an error.
    Both,
    /// Neither: an error.
    Neither,
}

/// Where a profile sits in a chain: the selected one, or a `source_profile` of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// The profile asked for.
    Selected,
    /// A profile reached through `source_profile`: complete static keys win there.
    Source,
}

/// Every key that can give a profile credentials of its own, or make it a role: what
/// `env --server` leaves out of `[default]` in the copies of the files its command sees.
pub const CREDENTIAL_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "role_arn",
    "source_profile",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "login_session",
    "credential_process",
];

/// The IAM Identity Center keys of a profile.
const SSO_KEYS: [&str; 5] = [
    "sso_account_id",
    "sso_region",
    "sso_role_name",
    "sso_start_url",
    "sso_session",
];

fn has(profile: &Section, key: &str) -> bool {
    profile.get(key).is_some()
}

fn has_complete_keys(profile: &Section) -> bool {
    has(profile, "aws_access_key_id") && has(profile, "aws_secret_access_key")
}

fn has_some_key(profile: &Section) -> bool {
    has(profile, "aws_access_key_id") || has(profile, "aws_secret_access_key")
}

/// Where the credentials of `profile` come from when it sits at `position` of a chain.
pub fn source(profile: &Section, position: Position) -> Source<'_> {
    if position == Position::Source && has_complete_keys(profile) {
        return Source::Keys;
    }
    if has(profile, "role_arn") && !has(profile, "web_identity_token_file") {
        let via = match (
            profile.get("source_profile"),
            profile.get("credential_source"),
        ) {
            (Some(_), Some(_)) => RoleVia::Both,
            (None, None) => RoleVia::Neither,
            (Some(p), None) if p == profile.name => RoleVia::Itself,
            (Some(p), None) => RoleVia::Profile(p),
            (None, Some(v)) => RoleVia::Named(v),
        };
        return Source::Role(via);
    }
    base_source(profile)
}

/// The base a profile yields by itself, its `role_arn` aside. `credential_source` is not
/// read here: it names where a role's credentials come from, and means nothing without one.
fn base_source(profile: &Section) -> Source<'_> {
    if has(profile, "web_identity_token_file") {
        return Source::WebIdentity;
    }
    let sso = SSO_KEYS.iter().any(|k| has(profile, k));
    // Stray sso_* keys beside static keys do not make an IAM Identity Center profile: only
    // an account and role would yield credentials from it.
    let sso_credentials = has(profile, "sso_account_id") || has(profile, "sso_role_name");
    if sso && (sso_credentials || !has_some_key(profile)) {
        return Source::Sso {
            session: has(profile, "sso_session"),
        };
    }
    if has(profile, "login_session") {
        return Source::Login;
    }
    if let Some(command) = profile.get("credential_process") {
        if crate::keyring::account_of(command).is_some() {
            return Source::Keyring;
        }
        return Source::Process;
    }
    if has_complete_keys(profile) {
        return Source::Keys;
    }
    if has_some_key(profile) || has(profile, "aws_session_token") {
        return Source::PartialKeys;
    }
    Source::Nothing
}

/// A profile that the AWS SDKs themselves read differently. awsprof takes the reading
/// that [`source`] gives; `doctor` names both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// Static keys beside a `credential_source` without `role_arn`: awsprof and botocore
    /// use the keys; the Rust SDK takes the credentials from the named source.
    KeysBesideCredentialSource {
        /// The `credential_source` value.
        source: String,
    },
    /// A `credential_source` without `role_arn` and without keys: awsprof and botocore
    /// find no credentials; the Rust SDK takes them from the named source.
    CredentialSourceWithoutRole {
        /// The `credential_source` value.
        source: String,
    },
    /// Static keys beside `sso_*` settings that name no account and role: awsprof and
    /// botocore use the keys; the Rust SDK reads an IAM Identity Center profile, which
    /// yields no credentials.
    KeysBesideStraySso {
        /// The `sso_*` keys that are set.
        keys: Vec<&'static str>,
    },
    /// `credential_process` beside static keys in the credentials file: awsprof and the
    /// Rust SDK run the process; botocore uses the keys.
    ProcessBesideCredentialsFileKeys,
    /// `login_session` beside static keys in the credentials file: awsprof and the Rust
    /// SDK use the sign-in session; botocore uses the keys.
    LoginBesideCredentialsFileKeys,
}

/// How the SDKs disagree about `profile` as the selected profile, if they do.
pub fn divergence(profile: &Section) -> Option<Divergence> {
    let role = has(profile, "role_arn") || has(profile, "web_identity_token_file");
    if role {
        return None;
    }
    if let Some(source) = profile.get("credential_source") {
        let source = source.to_string();
        return Some(if has_some_key(profile) {
            Divergence::KeysBesideCredentialSource { source }
        } else {
            Divergence::CredentialSourceWithoutRole { source }
        });
    }
    match source(profile, Position::Selected) {
        Source::Keys => {
            let keys: Vec<&'static str> =
                SSO_KEYS.into_iter().filter(|k| has(profile, k)).collect();
            (!keys.is_empty()).then_some(Divergence::KeysBesideStraySso { keys })
        }
        own @ (Source::Process | Source::Login | Source::Keyring) => {
            let in_credentials = |k: &str| {
                profile
                    .property(k)
                    .is_some_and(|p| p.file == crate::FileKind::Credentials)
            };
            (in_credentials("aws_access_key_id") && in_credentials("aws_secret_access_key"))
                .then_some(if own == Source::Login {
                    Divergence::LoginBesideCredentialsFileKeys
                } else {
                    Divergence::ProcessBesideCredentialsFileKeys
                })
        }
        _ => None,
    }
}

impl Section {
    /// What kind of credentials this profile yields: the name of what
    /// [`crate::chain::source`] decides for it as the selected profile.
    pub fn kind(&self) -> crate::ProfileKind {
        match source(self, Position::Selected) {
            Source::Role(RoleVia::Named(_)) => crate::ProfileKind::AssumeRoleCredentialSource,
            Source::Role(_) => crate::ProfileKind::AssumeRole,
            Source::WebIdentity => crate::ProfileKind::WebIdentity,
            Source::Sso { session: true } => crate::ProfileKind::Sso,
            Source::Sso { session: false } => crate::ProfileKind::SsoLegacy,
            Source::Login => crate::ProfileKind::LoginSession,
            Source::Process => crate::ProfileKind::CredentialProcess,
            Source::Keyring if self.get("mfa_serial").is_some() => crate::ProfileKind::KeyringMfa,
            Source::Keyring => crate::ProfileKind::Keyring,
            Source::Keys if self.get("aws_session_token").is_some() => {
                crate::ProfileKind::StaticSession
            }
            Source::Keys if self.get("mfa_serial").is_some() => crate::ProfileKind::StaticMfa,
            Source::Keys => crate::ProfileKind::Static,
            Source::PartialKeys => crate::ProfileKind::PartialKeys,
            Source::Nothing => crate::ProfileKind::Other,
        }
    }
}

/// Profiles a chain may go through, and the sso-sessions they name.
pub trait Profiles {
    /// Whether no profile is defined at all.
    fn is_empty(&self) -> bool;
    /// The profile names, sorted.
    fn names(&self) -> Vec<&str>;
    /// The profile called `name`.
    fn profile(&self, name: &str) -> Option<Cow<'_, Section>>;
    /// The `[sso-session name]` section.
    fn sso_session(&self, name: &str) -> Option<Cow<'_, Section>>;
    /// The `[services name]` section.
    fn services(&self, name: &str) -> Option<Cow<'_, Section>>;
}

impl Profiles for ProfileSet {
    fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }
    fn names(&self) -> Vec<&str> {
        ProfileSet::names(self)
    }
    fn profile(&self, name: &str) -> Option<Cow<'_, Section>> {
        self.profiles.get(name).map(Cow::Borrowed)
    }
    fn sso_session(&self, name: &str) -> Option<Cow<'_, Section>> {
        self.sso_sessions.get(name).map(Cow::Borrowed)
    }
    fn services(&self, name: &str) -> Option<Cow<'_, Section>> {
        self.services.get(name).map(Cow::Borrowed)
    }
}

/// Resolves the chain of `selected` in `set`, which must hold the profiles it links to
/// and the sso-sessions (a [`ProfileSet`] loaded with `Filter::All`, or an index).
pub fn resolve(set: &(impl Profiles + ?Sized), selected: &str) -> Result<Chain, ChainError> {
    let mut roles = Vec::new();
    let no_memo = HashMap::new();
    let End::Base(base, base_profile) = walk(set, selected, &no_memo, &mut Vec::new(), &mut roles)?
    else {
        unreachable!("a walk ends on a remembered verdict only when there is one");
    };
    roles.reverse();
    let mfa_session = chain_mfa_session(&base, &base_profile, &roles)?;
    Ok(Chain {
        base,
        roles,
        mfa_session,
    })
}

/// What checking a profile's chain found: `Ok(None)` when it gives credentials,
/// `Ok(Some(problem))` when it is well formed but cannot
/// ([`Chain::credentials_problem`]), `Err` when it does not resolve.
pub type Verdict = Result<Option<ChainError>, ChainError>;

/// The verdict of each of `names`' chains, as [`resolve`] would give it, in linear time:
/// the rest of a chain from a profile reached through `source_profile` ends the same
/// whichever profile led there, so each such verdict is remembered and a chain of 10,000
/// hops is walked once, not once per profile on it (50 million steps). A loop's verdict is
/// not remembered: its path starts at the profile asked for.
pub fn check_all<'n>(
    set: &(impl Profiles + ?Sized),
    names: impl IntoIterator<Item = &'n str>,
) -> Vec<(&'n str, Verdict)> {
    let mut memo: HashMap<String, Verdict> = HashMap::new();
    let mut out = Vec::new();
    for name in names {
        let mut visited = Vec::new();
        let mut roles = Vec::new();
        let verdict = match walk(set, name, &memo, &mut visited, &mut roles) {
            Ok(End::Known(v)) => v,
            Ok(End::Base(base, base_profile)) => {
                chain_mfa_session(&base, &base_profile, &roles).map(|_| base_problem(&base))
            }
            Err(e) => Err(e),
        };
        if !matches!(verdict, Err(ChainError::Loop { .. })) {
            for source in visited.into_iter().skip(1) {
                memo.insert(source, verdict.clone());
            }
        }
        out.push((name, verdict));
    }
    out
}

/// How a walk down a chain ended.
enum End<'s> {
    /// At a base step, in this profile.
    Base(Base, Cow<'s, Section>),
    /// At a profile reached through `source_profile` whose verdict is remembered.
    Known(Verdict),
}

/// Walks the chain of `selected`: every profile visited goes into `visited` (the selected
/// one first), every role hop into `roles` (innermost last).
fn walk<'s>(
    set: &'s (impl Profiles + ?Sized),
    selected: &str,
    memo: &HashMap<String, Verdict>,
    visited: &mut Vec<String>,
    roles: &mut Vec<RoleHop>,
) -> Result<End<'s>, ChainError> {
    if set.is_empty() {
        return Err(ChainError::NoProfiles);
    }
    let mut name = selected.to_string();
    // Beside the ordered path, so that a chain of thousands of hops costs a lookup per
    // hop, not a scan of the path.
    let mut seen: HashSet<String> = HashSet::new();
    loop {
        let Some(profile) = set.profile(&name) else {
            return Err(match visited.last() {
                Some(from) => ChainError::MissingSourceProfile {
                    missing: name,
                    from: from.clone(),
                },
                None => crate::model::UnknownProfile::new(&name, set.names()).into(),
            });
        };
        if !seen.insert(name.clone()) {
            let mut path = std::mem::take(visited);
            path.push(name);
            return Err(ChainError::Loop { path });
        }
        let position = if visited.is_empty() {
            Position::Selected
        } else {
            Position::Source
        };
        if let (Position::Source, Some(known)) = (position, memo.get(&name)) {
            return Ok(End::Known(known.clone()));
        }
        visited.push(name.clone());
        let via = match source(&profile, position) {
            Source::Role(via) => via,
            own => return Ok(End::Base(base(set, &profile, own)?, profile)),
        };
        roles.push(role_hop(&profile)?);
        match via {
            RoleVia::Both => return Err(ChainError::BothSources(profile.name.clone())),
            RoleVia::Neither => return Err(ChainError::NoSource(profile.name.clone())),
            RoleVia::Itself => {
                let own = base_source(&profile);
                return Ok(End::Base(base(set, &profile, own)?, profile));
            }
            RoleVia::Named(value) => {
                let source = CredentialSource::parse(value).ok_or_else(|| {
                    ChainError::UnknownCredentialSource {
                        profile: profile.name.clone(),
                        value: value.to_string(),
                    }
                })?;
                let named = Base::NamedSource {
                    profile: profile.name.clone(),
                    source,
                };
                return Ok(End::Base(named, profile));
            }
            RoleVia::Profile(next) => name = next.to_string(),
        }
    }
}

/// The MFA session of a chain: long-term keys alone with `mfa_serial`, or the keyring's
/// keys with it. The keyring's keys leave it only as an MFA session when the profile
/// names a device: its credential_process line prints that session to every tool, so a
/// role on top of it starts from the session too.
fn chain_mfa_session(
    base: &Base,
    base_profile: &Section,
    roles: &[RoleHop],
) -> Result<Option<MfaSession>, ChainError> {
    Ok(match base {
        Base::StaticKeys { credentials, .. }
            if roles.is_empty() && credentials.session_token.is_none() =>
        {
            mfa_session(base_profile)?
        }
        Base::Keyring { .. } => mfa_session(base_profile)?,
        _ => None,
    })
}

/// The profile key that turns on caching of what `credential_process` prints. awsprof's
/// own (the AWS CLI caches no process output and reads no such key), so it is prefixed.
pub const CACHE_PROCESS: &str = "awsprof_cache_process";

/// A `true` / `false` setting (either case), false when absent.
fn boolean(profile: &Section, key: &'static str) -> Result<bool, ChainError> {
    match profile.get(key) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ChainError::BadBoolean {
            profile: profile.name.clone(),
            key,
            value: v.to_string(),
        }),
    }
}

/// The chain of `awsprof keyring credentials NAME`: the keys of keyring account `NAME`,
/// turned into an MFA session when `profile` (the profile of that name) has
/// `mfa_serial`. Whatever else the profile says is not followed: the line is a leaf, so
/// it never starts another credential_process and cannot loop.
pub fn keyring_chain(profile: &Section) -> Result<Chain, ChainError> {
    Ok(Chain {
        base: Base::Keyring {
            profile: profile.name.clone(),
            account: profile.name.clone(),
        },
        roles: Vec::new(),
        mfa_session: mfa_session(profile)?,
    })
}

/// The `GetSessionToken` step a profile's `mfa_serial` asks for.
fn mfa_session(base_profile: &Section) -> Result<Option<MfaSession>, ChainError> {
    match base_profile.get("mfa_serial") {
        Some(serial) => Ok(Some(MfaSession {
            serial: serial.to_string(),
            duration_seconds: seconds(base_profile, "duration_seconds")?,
            mfa_process: base_profile.get("mfa_process").map(str::to_string),
        })),
        None => Ok(None),
    }
}

fn seconds(profile: &Section, key: &'static str) -> Result<Option<u32>, ChainError> {
    profile
        .get(key)
        .map(|v| {
            v.parse::<u32>().map_err(|_| ChainError::BadNumber {
                profile: profile.name.clone(),
                key,
                value: v.to_string(),
            })
        })
        .transpose()
}

/// The AssumeRole hop of a profile that [`source`] found to be a role: the last step of
/// its chain, read from the profile alone.
pub fn role_hop(profile: &Section) -> Result<RoleHop, ChainError> {
    let get = |k: &str| profile.get(k).map(str::to_string);
    Ok(RoleHop {
        profile: profile.name.clone(),
        role_arn: get("role_arn").unwrap_or_default(),
        external_id: get("external_id"),
        session_name: get("role_session_name"),
        duration_seconds: seconds(profile, "duration_seconds")?,
        mfa_serial: get("mfa_serial"),
        mfa_process: get("mfa_process"),
    })
}

/// The base step that `own` (what [`source`] decided for `profile`) stands for.
fn base(
    set: &(impl Profiles + ?Sized),
    profile: &Section,
    own: Source<'_>,
) -> Result<Base, ChainError> {
    let name = || profile.name.clone();
    match own {
        Source::WebIdentity => match profile.get("role_arn") {
            Some(role_arn) => Ok(Base::WebIdentity {
                profile: name(),
                role_arn: role_arn.to_string(),
                token_file: profile
                    .get("web_identity_token_file")
                    .unwrap_or_default()
                    .to_string(),
                session_name: profile.get("role_session_name").map(str::to_string),
                duration_seconds: seconds(profile, "duration_seconds")?,
            }),
            None => Err(ChainError::WebIdentityWithoutRole(name())),
        },
        Source::Sso { .. } => Ok(Base::Sso {
            profile: name(),
            config: sso(set, profile)?,
        }),
        Source::Login => Ok(Base::Login {
            profile: name(),
            session: profile
                .get("login_session")
                .unwrap_or_default()
                .trim()
                .to_string(),
        }),
        Source::Keyring => Ok(Base::Keyring {
            profile: name(),
            account: profile
                .get("credential_process")
                .and_then(crate::keyring::account_of)
                .unwrap_or_else(name),
        }),
        Source::Process => Ok(Base::Process {
            profile: name(),
            command: profile
                .get("credential_process")
                .unwrap_or_default()
                .to_string(),
            cache: boolean(profile, CACHE_PROCESS)?,
        }),
        Source::Keys | Source::PartialKeys | Source::Nothing | Source::Role(_) => {
            Ok(Base::StaticKeys {
                profile: name(),
                credentials: static_keys(profile)?,
            })
        }
    }
}

fn static_keys(profile: &Section) -> Result<Credentials, ChainError> {
    use crate::creds::StaticKeysError as E;
    Credentials::from_profile(profile).map_err(|e| match e {
        E::Missing(n) => ChainError::NoCredentials(n),
        E::MissingAccessKey(n) => ChainError::MissingAccessKey(n),
        E::MissingSecret(n) => ChainError::MissingSecret(n),
    })
}

fn sso(set: &(impl Profiles + ?Sized), profile: &Section) -> Result<SsoConfig, ChainError> {
    let get = |s: &Section, k: &str| s.get(k).map(str::to_string);
    let name = || profile.name.clone();
    let session_name = get(profile, "sso_session");
    let (start_url, region, scopes) = match &session_name {
        Some(session) => {
            let s = set
                .sso_session(session)
                .ok_or_else(|| ChainError::MissingSsoSession {
                    profile: name(),
                    session: session.clone(),
                })?;
            for key in ["sso_region", "sso_start_url"] {
                // The SDKs refuse these in a profile that names a session, unless the two
                // agree (the AWS CLI accepts an identical copy).
                if let Some(v) = profile.get(key) {
                    if s.get(key) != Some(v) {
                        return Err(ChainError::SsoKeyInProfile {
                            profile: name(),
                            key,
                        });
                    }
                }
            }
            (
                get(&s, "sso_start_url"),
                get(&s, "sso_region"),
                get(&s, "sso_registration_scopes"),
            )
        }
        None => (
            get(profile, "sso_start_url"),
            get(profile, "sso_region"),
            None,
        ),
    };
    let (account_id, role_name) = (
        get(profile, "sso_account_id"),
        get(profile, "sso_role_name"),
    );
    match (&account_id, &role_name) {
        (Some(_), None) => {
            return Err(ChainError::SsoHalfPair {
                profile: name(),
                set: "sso_account_id",
                missing: "sso_role_name",
            })
        }
        (None, Some(_)) => {
            return Err(ChainError::SsoHalfPair {
                profile: name(),
                set: "sso_role_name",
                missing: "sso_account_id",
            })
        }
        _ => {}
    }
    let in_session = session_name.is_some();
    if start_url.is_none() {
        return Err(ChainError::SsoMissing {
            profile: name(),
            key: "sso_start_url",
            in_session,
        });
    }
    if region.is_none() {
        return Err(ChainError::SsoMissing {
            profile: name(),
            key: "sso_region",
            in_session,
        });
    }
    Ok(SsoConfig {
        session_name,
        start_url,
        region,
        account_id,
        role_name,
        registration_scopes: scopes,
    })
}

impl Profiles for crate::model::Index<'_> {
    fn is_empty(&self) -> bool {
        self.no_profiles()
    }
    fn names(&self) -> Vec<&str> {
        crate::model::Index::names(self)
    }
    fn profile(&self, name: &str) -> Option<Cow<'_, Section>> {
        crate::model::Index::profile(self, name).map(Cow::Owned)
    }
    fn sso_session(&self, name: &str) -> Option<Cow<'_, Section>> {
        crate::model::Index::sso_session(self, name).map(Cow::Owned)
    }
    fn services(&self, name: &str) -> Option<Cow<'_, Section>> {
        crate::model::Index::services(self, name).map(Cow::Owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Filter;

    fn set(config: &str, creds: &str) -> ProfileSet {
        ProfileSet::from_texts(Some(config), Some(creds), Filter::All).unwrap()
    }

    #[test]
    fn loop_error_names_the_profiles_in_order() {
        let s = set(
            "[profile a]\nrole_arn=r\nsource_profile=b\n[profile b]\nrole_arn=r\nsource_profile=c\n[profile c]\nrole_arn=r\nsource_profile=a",
            "",
        );
        let err = resolve(&s, "a").unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile formed an infinite loop: a -> b -> c -> a"
        );
    }

    #[test]
    fn mfa_session_only_for_a_user_profile_without_role() {
        let s = set(
            "[profile u]\nmfa_serial=arn:aws:iam::1:mfa/u\nduration_seconds=900\n[profile r]\nrole_arn=x\nsource_profile=u",
            "[u]\naws_access_key_id=a\naws_secret_access_key=b",
        );
        let u = resolve(&s, "u").unwrap();
        assert_eq!(
            u.mfa_session,
            Some(MfaSession {
                serial: "arn:aws:iam::1:mfa/u".into(),
                duration_seconds: Some(900),
                mfa_process: None,
            })
        );
        assert!(u.needs_provider());
        let r = resolve(&s, "r").unwrap();
        assert_eq!(r.mfa_session, None);
        assert_eq!(r.roles.len(), 1);
    }

    #[test]
    fn role_hop_keeps_mfa_serial_duration_and_external_id() {
        let s = set(
            "[profile r]\nrole_arn=x\ncredential_source=Environment\nmfa_serial=m\nduration_seconds=3600\nexternal_id=e",
            "",
        );
        let c = resolve(&s, "r").unwrap();
        assert_eq!(
            c.base,
            Base::NamedSource {
                profile: "r".into(),
                source: CredentialSource::Environment
            }
        );
        let hop = &c.roles[0];
        assert_eq!(hop.mfa_serial.as_deref(), Some("m"));
        assert_eq!(hop.duration_seconds, Some(3600));
        assert_eq!(hop.external_id.as_deref(), Some("e"));
    }

    #[test]
    fn bad_duration_and_unknown_source_are_named_errors() {
        let s = set(
            "[profile r]\nrole_arn=x\ncredential_source=Laptop\n[profile d]\nrole_arn=x\ncredential_source=Environment\nduration_seconds=1h",
            "",
        );
        assert!(matches!(
            resolve(&s, "r"),
            Err(ChainError::UnknownCredentialSource { .. })
        ));
        assert!(resolve(&s, "d")
            .unwrap_err()
            .to_string()
            .contains("duration_seconds = \"1h\""));
    }

    #[test]
    fn awsprofs_keyring_line_is_a_keyring_base_whose_mfa_session_comes_before_roles() {
        let s = set(
            "[profile k]\ncredential_process = awsprof keyring credentials k\nmfa_serial = m\n[profile r]\nrole_arn = x\nsource_profile = k\n[profile plain]\ncredential_process = /usr/bin/awsprof keyring credentials plain\n[profile other]\ncredential_process = awsprof export --format process k\n",
            "",
        );
        let keyring = |p: &str| Base::Keyring {
            profile: p.into(),
            account: p.into(),
        };
        let k = resolve(&s, "k").unwrap();
        assert_eq!(k.base, keyring("k"));
        assert_eq!(k.mfa_session.as_ref().map(|m| m.serial.as_str()), Some("m"));
        assert_eq!(s.profiles["k"].kind(), crate::ProfileKind::KeyringMfa);
        let r = resolve(&s, "r").unwrap();
        assert_eq!((r.base.clone(), r.roles.len()), (keyring("k"), 1));
        assert!(
            r.mfa_session.is_some(),
            "the line prints a session to every tool"
        );
        assert_eq!(s.profiles["plain"].kind(), crate::ProfileKind::Keyring);
        assert_eq!(resolve(&s, "plain").unwrap().mfa_session, None);
        assert_eq!(
            s.profiles["other"].kind(),
            crate::ProfileKind::CredentialProcess
        );
        assert_eq!(keyring_chain(&s.profiles["k"]).unwrap().base, keyring("k"));
    }

    #[test]
    fn credential_process_comes_after_sso_and_before_keys() {
        let s = set(
            "[profile p]\ncredential_process=/bin/creds --x\naws_access_key_id=a\naws_secret_access_key=b",
            "",
        );
        assert_eq!(
            resolve(&s, "p").unwrap().base,
            Base::Process {
                profile: "p".into(),
                command: "/bin/creds --x".into(),
                cache: false,
            }
        );
    }
}
