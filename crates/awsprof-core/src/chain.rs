//! Which credential chain a profile resolves to, by the AWS SDKs' rules, without touching
//! the network.
//!
//! A profile resolves to one *base* step, which needs no credentials of its own (static
//! keys, a `credential_source`, a web identity token, IAM Identity Center,
//! `credential_process`), followed by zero or more assume-role hops, each using the
//! credentials of the step before it. The rules follow the AWS SDKs (the shared
//! `assume-role-tests.json` suite is run against this module):
//!
//! - the selected profile with `role_arn` (and no `web_identity_token_file`) is a hop; its
//!   source is `source_profile` or `credential_source`, never both;
//! - after the first profile, static keys win over the profile's own `role_arn`;
//! - a profile whose `source_profile` is itself uses its own keys as the base;
//! - a base is taken in this order: `credential_source`, `web_identity_token_file`,
//!   SSO (`sso_session` / `sso_start_url` ...), `credential_process`, static keys;
//! - a profile visited twice is a loop, reported by name.

use crate::creds::Credentials;
use crate::model::{ProfileSet, Section};

/// A named `credential_source`: where the base credentials of a role come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// An external program that prints credentials as JSON.
    Process {
        /// The profile.
        profile: String,
        /// `credential_process`, a command line.
        command: String,
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
            | Base::Process { profile, .. } => profile,
        }
    }
}

/// One `AssumeRole` hop.
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

/// An MFA session (`GetSessionToken`) for a profile with long-term keys and `mfa_serial`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaSession {
    /// `mfa_serial`.
    pub serial: String,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
}

/// A resolved chain: the base step, then the role hops in the order they run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The step that needs no credentials.
    pub base: Base,
    /// Roles assumed one after the other, starting from the base's credentials.
    pub roles: Vec<RoleHop>,
    /// For a user profile (static long-term keys, no role) with `mfa_serial`: the
    /// `GetSessionToken` call that turns its keys into an MFA session.
    pub mfa_session: Option<MfaSession>,
}

impl Chain {
    /// Whether any step needs the network or another program.
    pub fn needs_provider(&self) -> bool {
        !self.roles.is_empty()
            || self.mfa_session.is_some()
            || !matches!(self.base, Base::StaticKeys { .. })
    }
}

/// Why a profile does not resolve to a chain. The messages contain the AWS SDKs' wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// Neither file defines any profile.
    #[error("No profiles were defined (in the config or credentials file)")]
    NoProfiles,
    /// The selected profile does not exist.
    #[error("profile `{0}` not found")]
    UnknownProfile(String),
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
    #[error("profile `{0}` did not contain credential information (no keys, role_arn, credential_source, web identity, SSO or credential_process)")]
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

/// Resolves the chain of `selected` in `set` (which must hold the profiles it links to
/// and the sso-sessions: load it with `Filter::All`).
pub fn resolve(set: &ProfileSet, selected: &str) -> Result<Chain, ChainError> {
    if set.profiles.is_empty() {
        return Err(ChainError::NoProfiles);
    }
    let mut name = selected;
    let mut visited: Vec<&str> = Vec::new();
    // Beside the ordered path, so that a chain of thousands of hops costs a lookup per
    // hop, not a scan of the path.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut roles = Vec::new();
    let base = loop {
        let Some(profile) = set.profile(name) else {
            return Err(match visited.last() {
                Some(from) => ChainError::MissingSourceProfile {
                    missing: name.to_string(),
                    from: from.to_string(),
                },
                None => ChainError::UnknownProfile(name.to_string()),
            });
        };
        if !seen.insert(name) {
            let mut path: Vec<String> = visited.iter().map(|s| s.to_string()).collect();
            path.push(name.to_string());
            return Err(ChainError::Loop { path });
        }
        visited.push(name);
        if visited.len() > 1 {
            if let Ok(credentials) = static_keys(profile) {
                break Base::StaticKeys {
                    profile: profile.name.clone(),
                    credentials,
                };
            }
        }
        let Some(hop) = role_hop(profile)? else {
            break base(set, profile)?;
        };
        roles.push(hop);
        match (
            profile.get("source_profile"),
            profile.get("credential_source"),
        ) {
            (Some(_), Some(_)) => return Err(ChainError::BothSources(profile.name.clone())),
            (None, None) => return Err(ChainError::NoSource(profile.name.clone())),
            // Self-reference and credential_source: this same profile supplies the base.
            (Some(src), None) if src == profile.name => break base(set, profile)?,
            (None, Some(_)) => break base(set, profile)?,
            (Some(src), None) => name = src,
        }
    };
    roles.reverse();
    let mfa_session = match &base {
        Base::StaticKeys {
            profile,
            credentials,
        } if roles.is_empty() && credentials.session_token.is_none() => {
            let p = set.profile(profile).ok_or(ChainError::NoProfiles)?;
            match p.get("mfa_serial") {
                Some(serial) => Some(MfaSession {
                    serial: serial.to_string(),
                    duration_seconds: seconds(p, "duration_seconds")?,
                }),
                None => None,
            }
        }
        _ => None,
    };
    Ok(Chain {
        base,
        roles,
        mfa_session,
    })
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

/// The role hop of a profile with `role_arn`; a web identity profile is a base, not a hop.
fn role_hop(profile: &Section) -> Result<Option<RoleHop>, ChainError> {
    if profile.get("web_identity_token_file").is_some() {
        return Ok(None);
    }
    let Some(role_arn) = profile.get("role_arn") else {
        return Ok(None);
    };
    let get = |k: &str| profile.get(k).map(str::to_string);
    Ok(Some(RoleHop {
        profile: profile.name.clone(),
        role_arn: role_arn.to_string(),
        external_id: get("external_id"),
        session_name: get("role_session_name"),
        duration_seconds: seconds(profile, "duration_seconds")?,
        mfa_serial: get("mfa_serial"),
    }))
}

fn base(set: &ProfileSet, profile: &Section) -> Result<Base, ChainError> {
    let name = || profile.name.clone();
    if let Some(value) = profile.get("credential_source") {
        let source =
            CredentialSource::parse(value).ok_or_else(|| ChainError::UnknownCredentialSource {
                profile: name(),
                value: value.to_string(),
            })?;
        return Ok(Base::NamedSource {
            profile: name(),
            source,
        });
    }
    match (
        profile.get("role_arn"),
        profile.get("web_identity_token_file"),
    ) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(Base::WebIdentity {
                profile: name(),
                role_arn: role_arn.to_string(),
                token_file: token_file.to_string(),
                session_name: profile.get("role_session_name").map(str::to_string),
                duration_seconds: seconds(profile, "duration_seconds")?,
            })
        }
        (None, Some(_)) => return Err(ChainError::WebIdentityWithoutRole(name())),
        _ => {}
    }
    if let Some(config) = sso(set, profile)? {
        return Ok(Base::Sso {
            profile: name(),
            config,
        });
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Base::Process {
            profile: name(),
            command: command.to_string(),
        });
    }
    Ok(Base::StaticKeys {
        profile: name(),
        credentials: static_keys(profile)?,
    })
}

fn static_keys(profile: &Section) -> Result<Credentials, ChainError> {
    use crate::creds::StaticKeysError as E;
    Credentials::from_profile(profile).map_err(|e| match e {
        E::Missing(n) => ChainError::NoCredentials(n),
        E::MissingAccessKey(n) => ChainError::MissingAccessKey(n),
        E::MissingSecret(n) => ChainError::MissingSecret(n),
    })
}

fn sso(set: &ProfileSet, profile: &Section) -> Result<Option<SsoConfig>, ChainError> {
    const KEYS: [&str; 5] = [
        "sso_account_id",
        "sso_region",
        "sso_role_name",
        "sso_start_url",
        "sso_session",
    ];
    if KEYS.iter().all(|k| profile.get(k).is_none()) {
        return Ok(None);
    }
    let get = |s: &Section, k: &str| s.get(k).map(str::to_string);
    let name = || profile.name.clone();
    let session_name = get(profile, "sso_session");
    let (start_url, region, scopes) = match &session_name {
        Some(session) => {
            let s = set
                .sso_sessions
                .get(session)
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
                get(s, "sso_start_url"),
                get(s, "sso_region"),
                get(s, "sso_registration_scopes"),
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
    Ok(Some(SsoConfig {
        session_name,
        start_url,
        region,
        account_id,
        role_name,
        registration_scopes: scopes,
    }))
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
                duration_seconds: Some(900)
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
    fn credential_process_comes_after_sso_and_before_keys() {
        let s = set(
            "[profile p]\ncredential_process=/bin/creds --x\naws_access_key_id=a\naws_secret_access_key=b",
            "",
        );
        assert_eq!(
            resolve(&s, "p").unwrap().base,
            Base::Process {
                profile: "p".into(),
                command: "/bin/creds --x".into()
            }
        );
    }
}
