//! The disk cache of temporary credentials, shared with the AWS CLI: `~/.aws/cli/cache`,
//! one JSON file per set of credentials, named by the SHA-1 of the call's arguments the
//! way botocore (AssumeRole, AssumeRoleWithWebIdentity) and the AWS CLI v2 (IAM Identity
//! Center) name them, written 0600.
//!
//! Reading it needs no network, so a warm cache is served by the file-only program; only
//! a miss goes to the SDK side, which writes what it fetched back here.

use crate::chain::{Base, Chain, Step};
use crate::clock;
use crate::creds::Credentials;
use crate::error::Error;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// Cached credentials are used until this long before they expire.
pub const REFRESH_WINDOW: Duration = Duration::minutes(5);

/// No STS credentials live longer than 36 hours (GetSessionToken's maximum); an expiry
/// further away was written under a wrong clock, and is not trusted.
pub const MAX_LIFETIME: Duration = Duration::hours(36);

/// Hex SHA-1 of `text`.
pub fn sha1_hex(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `json.dumps(args, sort_keys=True)` as Python writes it (`", "` and `": "`), which is
/// what botocore hashes. `args` must be sorted by key already.
fn python_json(args: &[(&str, Value)]) -> String {
    let items: Vec<String> = args
        .iter()
        .map(|(k, v)| format!("{}: {}", Value::from(*k), v))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// botocore's key for AssumeRole and AssumeRoleWithWebIdentity: the call's arguments
/// without the (random) session name.
pub fn role_key(
    role_arn: &str,
    external_id: Option<&str>,
    mfa_serial: Option<&str>,
    duration: Option<u32>,
) -> String {
    let mut args: Vec<(&str, Value)> = Vec::new();
    if let Some(d) = duration {
        args.push(("DurationSeconds", json!(d)));
    }
    if let Some(e) = external_id {
        args.push(("ExternalId", json!(e)));
    }
    args.push(("RoleArn", json!(role_arn)));
    if let Some(m) = mfa_serial {
        args.push(("SerialNumber", json!(m)));
    }
    sha1_hex(&python_json(&args))
}

/// The AWS CLI v2's key for IAM Identity Center role credentials (compact JSON).
pub fn sso_key(
    start_url: &str,
    role_name: &str,
    account_id: &str,
    session: Option<&str>,
) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("accountId".into(), json!(account_id));
    obj.insert("roleName".into(), json!(role_name));
    if let Some(s) = session {
        obj.insert("sessionName".into(), json!(s));
    }
    obj.insert("startUrl".into(), json!(start_url));
    // serde_json's Map keeps insertion order with preserve_order; the keys above are sorted.
    sha1_hex(&Value::Object(obj).to_string())
}

/// Our key for a GetSessionToken MFA session (the AWS CLI has no such call to share with).
pub fn session_key(access_key_id: &str, serial: &str, duration: Option<u32>) -> String {
    let mut args: Vec<(&str, Value)> = vec![("AccessKeyId", json!(access_key_id))];
    if let Some(d) = duration {
        args.push(("DurationSeconds", json!(d)));
    }
    args.push(("SerialNumber", json!(serial)));
    sha1_hex(&python_json(&args))
}

/// What a fresh set of credentials looks like to the cache.
pub enum Freshness {
    /// Usable: expires after the refresh window (or never).
    Fresh,
    /// Expires within the window, or already expired.
    Stale,
    /// The expiry is impossible from here (further than any STS lifetime): a clock is off.
    Skewed,
}

/// Whether credentials that expire at `expires` can be used now.
pub fn freshness(expires: Option<OffsetDateTime>) -> Freshness {
    let Some(t) = expires else {
        return Freshness::Fresh;
    };
    let now = clock::now();
    if t - now <= REFRESH_WINDOW {
        Freshness::Stale
    } else if t - now > MAX_LIFETIME {
        Freshness::Skewed
    } else {
        Freshness::Fresh
    }
}

/// A cache entry as it is on disk, fresh or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The entry's file.
    pub path: PathBuf,
    /// The access key id of the credentials it holds.
    pub access_key_id: String,
    /// When they expire.
    pub expiration: OffsetDateTime,
}

/// The cache directory.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache in `dir` (created on the first write, 0700).
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The credentials cached under `key`, when they are still good for more than the
    /// refresh window. Unreadable or foreign files are misses, never errors.
    pub fn get(&self, key: &str) -> Option<Credentials> {
        // A FIFO or a device there is a miss at once, never a wait.
        let bytes = crate::store::read_bytes(&self.path(key), 1 << 20).ok()??;
        let v: Value = serde_json::from_slice(&bytes).ok()?;
        let c = &v["Credentials"];
        let s = |k: &str| c[k].as_str().map(str::to_string);
        let expiration = clock::parse(c["Expiration"].as_str()?)?;
        if !matches!(freshness(Some(expiration)), Freshness::Fresh) {
            return None;
        }
        Some(Credentials {
            access_key_id: s("AccessKeyId")?,
            secret_access_key: s("SecretAccessKey")?,
            session_token: s("SessionToken"),
            expiration: Some(clock::format(expiration)),
            account_id: v["AccountId"].as_str().map(str::to_string),
        })
    }

    /// What is stored under `key`, fresh or not: its file, key id and expiry (for
    /// `doctor`, which reports entries that expired). `None` when there is no readable entry.
    pub fn stored(&self, key: &str) -> Option<Stored> {
        let path = self.path(key);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
        let c = &v["Credentials"];
        Some(Stored {
            access_key_id: c["AccessKeyId"].as_str()?.to_string(),
            expiration: clock::parse(c["Expiration"].as_str()?)?,
            path,
        })
    }

    /// Stores `creds` under `key` (atomically, 0600), in the shape botocore reads:
    /// `{"Credentials": {"AccessKeyId", ..., "Expiration"}}` plus `extra` top-level keys.
    pub fn put(
        &self,
        key: &str,
        creds: &Credentials,
        extra: &[(&str, Value)],
    ) -> Result<(), Error> {
        let mut top = serde_json::Map::new();
        for (k, v) in extra {
            top.insert(k.to_string(), v.clone());
        }
        top.insert(
            "Credentials".into(),
            json!({
                "AccessKeyId": creds.access_key_id,
                "SecretAccessKey": creds.secret_access_key,
                "SessionToken": creds.session_token,
                "Expiration": creds.expiration,
            }),
        );
        if let Some(a) = &creds.account_id {
            top.insert("AccountId".into(), json!(a));
        }
        write_private(&self.path(key), &Value::Object(top).to_string())
    }

    /// Removes the entry under `key`, if any.
    pub fn remove(&self, key: &str) {
        let _ = std::fs::remove_file(self.path(key));
    }
}

/// The cache key of one step of `chain`, when that step's credentials are cached: the
/// role calls and IAM Identity Center by the AWS CLI's keys, an MFA session by ours.
/// Static keys, `credential_process` and the named sources are never cached (the AWS CLI
/// does not cache them either).
pub fn key(step: &Step<'_>, chain: &Chain) -> Option<String> {
    match step {
        Step::Base(Base::WebIdentity { role_arn, .. }) => {
            Some(role_key(role_arn, None, None, None))
        }
        Step::Base(Base::Sso { config, .. }) => match (&config.account_id, &config.role_name) {
            (Some(a), Some(r)) => Some(sso_key(
                config.start_url.as_deref().unwrap_or_default(),
                r,
                a,
                config.session_name.as_deref(),
            )),
            _ => None,
        },
        Step::Base(_) => None,
        Step::Session(s) => match &chain.base {
            Base::StaticKeys { credentials, .. } => Some(session_key(
                &credentials.access_key_id,
                &s.serial,
                s.duration_seconds,
            )),
            _ => None,
        },
        Step::Role(hop) => Some(role_key(
            &hop.role_arn,
            hop.external_id.as_deref(),
            hop.mfa_serial.as_deref(),
            hop.duration_seconds,
        )),
    }
}

/// Writes `text` to `path` atomically with mode 0600, creating the directory 0700.
pub fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let io = |e: std::io::Error| Error::io(dir, e);
    crate::store::create_private_dir(dir)?;
    // tempfile creates the file 0600 on Unix, so no one else can read it even for a moment.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_key_matches_botocore() {
        // hashlib.sha1(json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/r"},
        //     sort_keys=True).encode()).hexdigest()
        assert_eq!(
            python_json(&[("RoleArn", json!("arn:aws:iam::123456789012:role/r"))]),
            r#"{"RoleArn": "arn:aws:iam::123456789012:role/r"}"#
        );
        assert_eq!(
            python_json(&[("DurationSeconds", json!(900)), ("RoleArn", json!("x"))]),
            r#"{"DurationSeconds": 900, "RoleArn": "x"}"#
        );
    }

    #[test]
    fn written_entries_are_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cli/cache"));
        let expires = clock::now() + Duration::hours(1);
        let creds = Credentials {
            access_key_id: "AKIA".into(),
            secret_access_key: "s".into(),
            session_token: Some("t".into()),
            expiration: Some(clock::format(expires)),
            account_id: None,
        };
        cache.put("k", &creds, &[]).unwrap();
        assert_eq!(cache.get("k"), Some(creds));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("cli/cache/k.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn near_expiry_and_impossible_expiry_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        for exp in [
            clock::now() + Duration::minutes(2),
            clock::now() + Duration::days(30),
        ] {
            let creds = Credentials {
                access_key_id: "A".into(),
                secret_access_key: "s".into(),
                session_token: None,
                expiration: Some(clock::format(exp)),
                account_id: None,
            };
            cache.put("k", &creds, &[]).unwrap();
            assert_eq!(cache.get("k"), None);
        }
    }
}
