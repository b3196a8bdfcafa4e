//! A set of AWS credentials, as `export` prints them and providers produce them.

use crate::model::Section;

/// Access key, secret, and for temporary credentials a session token and expiry.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    #[error("profile `{0}` did not contain credential information (no aws_access_key_id / aws_secret_access_key)")]
    Missing(String),
    /// The key id is missing.
    #[error("profile `{0}` is missing aws_access_key_id")]
    MissingAccessKey(String),
    /// The secret is missing.
    #[error("profile `{0}` is missing aws_secret_access_key")]
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

/// What is wrong with what a `credential_process` printed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProcessOutputError {
    /// Not JSON, or not an object of the expected fields.
    #[error("printed no valid JSON ({0}); it must print {{\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}}")]
    NotJson(String),
    /// A `Version` other than 1.
    #[error("printed Version {0}; only Version 1 is supported")]
    Version(u32),
    /// No `Version`.
    #[error("printed no \"Version\": 1")]
    NoVersion,
    /// A required field is missing or empty.
    #[error("printed no \"{0}\"")]
    Missing(&'static str),
    /// `Expiration` is not a time.
    #[error("printed an Expiration that is not an RFC 3339 time: {0:?}")]
    BadExpiration(String),
    /// The credentials have expired already.
    #[error("returned credentials that expired at {0}")]
    Expired(String),
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput {
    version: Option<u32>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

impl Credentials {
    /// Reads what a `credential_process` printed (the Version 1 JSON), checking every
    /// field and that the credentials have not expired.
    pub fn from_process_output(stdout: &[u8]) -> Result<Credentials, ProcessOutputError> {
        use crate::clock;
        let out: ProcessOutput = serde_json::from_slice(stdout)
            .map_err(|e| ProcessOutputError::NotJson(e.to_string()))?;
        match out.version {
            Some(1) => {}
            Some(v) => return Err(ProcessOutputError::Version(v)),
            None => return Err(ProcessOutputError::NoVersion),
        }
        let need = |v: Option<String>, k: &'static str| {
            v.filter(|s| !s.is_empty())
                .ok_or(ProcessOutputError::Missing(k))
        };
        let expiration = match out.expiration {
            None => None,
            Some(s) => {
                let t = clock::parse(&s).ok_or(ProcessOutputError::BadExpiration(s))?;
                if t <= clock::now() {
                    return Err(ProcessOutputError::Expired(clock::format(t)));
                }
                Some(clock::format(t))
            }
        };
        Ok(Credentials {
            access_key_id: need(out.access_key_id, "AccessKeyId")?,
            secret_access_key: need(out.secret_access_key, "SecretAccessKey")?,
            session_token: out.session_token.filter(|s| !s.is_empty()),
            expiration,
            account_id: out.account_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_output_version_keys_and_expiry_are_checked() {
        let p = |s: &str| Credentials::from_process_output(s.as_bytes());
        assert!(p(r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}"#).is_ok());
        assert_eq!(
            p(r#"{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"}"#),
            Err(ProcessOutputError::Version(2))
        );
        assert_eq!(
            p(r#"{"Version":1,"AccessKeyId":"a"}"#),
            Err(ProcessOutputError::Missing("SecretAccessKey"))
        );
        assert!(matches!(
            p(
                r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"2000-01-01T00:00:00Z"}"#
            ),
            Err(ProcessOutputError::Expired(_))
        ));
        assert!(matches!(p("nope"), Err(ProcessOutputError::NotJson(_))));
    }
}
