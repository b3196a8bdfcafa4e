//! A set of AWS credentials, as `export` prints them and providers produce them.

use crate::model::Section;

/// Access key, secret, and for temporary credentials a session token and expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
    /// `AWS_SESSION_TOKEN`, for temporary credentials.
    pub session_token: Option<String>,
    /// When they expire, RFC 3339 in UTC (`2026-11-26T12:00:00Z`).
    pub expiration: Option<String>,
    /// The account they belong to, when known (`aws_account_id`).
    pub account_id: Option<String>,
}

impl std::fmt::Debug for Credentials {
    // Never print a secret by accident (logs, panics, `{:?}`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// Why a profile's static keys are unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaticKeysError {
    /// Neither key is present.
    #[error("profile '{0}' did not contain credential information (no aws_access_key_id / aws_secret_access_key)")]
    Missing(String),
    /// The key id is missing.
    #[error("profile '{0}' is missing aws_access_key_id")]
    MissingAccessKey(String),
    /// The secret is missing.
    #[error("profile '{0}' is missing aws_secret_access_key")]
    MissingSecret(String),
}

impl Credentials {
    /// The static keys of a profile (`aws_access_key_id`, `aws_secret_access_key`, and
    /// `aws_session_token` when present).
    pub fn from_profile(profile: &Section) -> Result<Credentials, StaticKeysError> {
        let name = || profile.name.clone();
        let (id, secret, token) = (
            profile.get("aws_access_key_id"),
            profile.get("aws_secret_access_key"),
            profile.get("aws_session_token"),
        );
        if id.is_none() && secret.is_none() && token.is_none() {
            return Err(StaticKeysError::Missing(name()));
        }
        Ok(Credentials {
            access_key_id: id
                .ok_or_else(|| StaticKeysError::MissingAccessKey(name()))?
                .to_string(),
            secret_access_key: secret
                .ok_or_else(|| StaticKeysError::MissingSecret(name()))?
                .to_string(),
            session_token: token.map(str::to_string),
            expiration: None,
            account_id: profile.get("aws_account_id").map(str::to_string),
        })
    }
}
