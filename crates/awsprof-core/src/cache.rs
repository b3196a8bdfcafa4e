//! The disk cache of temporary credentials, shared with the AWS CLI: `~/.aws/cli/cache`,
//! one JSON file per set of credentials, named by the SHA-1 of the call's arguments the
//! way botocore (AssumeRole, AssumeRoleWithWebIdentity) and the AWS CLI v2 (IAM Identity
//! Center) name them, written 0600.
//!
//! Reading it needs no network, so a warm cache is served by the file-only program; only
//! a miss goes to the SDK side, which writes what it fetched back here.
//!
//! Fetching is single flight: whoever fetches the credentials of a key holds an exclusive
//! lock on `KEY.lock` beside the entry ([`Cache::lock`]), and whoever waited for it reads
//! the cache again once it has the lock. Reading takes no lock: a fresh hit costs one
//! file read. The lock is `flock(2)`, so it dies with its holder, however it dies.

use crate::chain::{Base, Chain, Step};
use crate::clock;
use crate::creds::Credentials;
use crate::error::Error;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
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

/// Our key for what a profile's `credential_process` printed: the command line and the
/// profile, so that neither another program nor another profile shares an entry.
pub fn process_key(profile: &str, command: &str) -> String {
    sha1_hex(&python_json(&[
        ("CredentialProcess", json!(command)),
        ("Profile", json!(profile)),
    ]))
}

/// The `ProviderType` of a cached `credential_process` output: its expiry is the
/// program's to choose, so it is not held to the STS lifetimes.
pub const PROCESS_PROVIDER: &str = "awsprof-credential-process";

/// Our key for the MFA session of keys kept in the OS keyring: named by the keyring entry,
/// not the key id, so a warm session is found without opening the keyring.
pub fn keyring_session_key(account: &str, serial: &str, duration: Option<u32>) -> String {
    let mut args: Vec<(&str, Value)> = Vec::new();
    if let Some(d) = duration {
        args.push(("DurationSeconds", json!(d)));
    }
    args.push((
        "Keyring",
        json!(format!("{}/{account}", crate::keyring::SERVICE)),
    ));
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
        match freshness(Some(expiration)) {
            Freshness::Fresh => {}
            Freshness::Skewed if v["ProviderType"] == PROCESS_PROVIDER => {}
            _ => return None,
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
        // Read as every cache file is: a FIFO there is no entry, not a wait.
        let bytes = crate::store::read_bytes(&path, 1 << 20).ok()??;
        let v: Value = serde_json::from_slice(&bytes).ok()?;
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

    /// Like [`Cache::get`], but only an entry written at or after `since`: what another
    /// process fetched while this one waited to refresh.
    pub fn get_written_since(&self, key: &str, since: SystemTime) -> Option<Credentials> {
        let written = std::fs::metadata(self.path(key)).ok()?.modified().ok()?;
        (written >= since).then(|| self.get(key)).flatten()
    }

    /// Locks the entries of `keys` for fetching, each `KEY.lock` beside its entry, in one
    /// fixed order (sorted, each once), so two processes that need some of the same keys
    /// never wait on each other. `waiting` is called at most once, with the holder's
    /// process id when it is known, if another process holds one for longer than a moment.
    pub fn lock(&self, keys: &[&str], waiting: &Waiting<'_>) -> Result<Vec<FileLock>, Error> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let said = std::sync::atomic::AtomicBool::new(false);
        let once = |pid: Option<u32>| {
            if !said.swap(true, std::sync::atomic::Ordering::Relaxed) {
                waiting(pid)
            }
        };
        keys.into_iter()
            .map(|key| FileLock::acquire(&self.dir.join(format!("{key}.lock")), &once))
            .collect()
    }
}

/// Told that another process holds a lock (its process id, when known), to say so.
pub type Waiting<'a> = dyn Fn(Option<u32>) + Sync + 'a;

/// An exclusive advisory lock (`flock(2)`) on a lock file, released when dropped, and by
/// the operating system when its process ends, even by SIGKILL. The file is opened
/// close-on-exec, so programs started while it is held (a `credential_process`,
/// `awsprof-net`) do not keep it.
#[derive(Debug)]
pub struct FileLock {
    _file: std::fs::File,
}

impl FileLock {
    /// How long a lock is waited for before the waiter is told.
    pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

    /// Waits for the lock on `path` (created 0600, its directory 0700, and left in place:
    /// removing it would let two processes lock two different files of one name). Anything
    /// but a regular file at `path` (a FIFO, a directory, a device) is refused at once.
    pub fn acquire(path: &Path, waiting: &Waiting<'_>) -> Result<FileLock, Error> {
        use std::io::{Read, Seek};
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        crate::store::create_private_dir(dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
            // As the shared files are opened (store::open_regular): the open never waits
            // (a FIFO or a terminal planted at the path) nor makes a terminal ours, and
            // what was opened is refused unless it is a regular file. O_NONBLOCK stays
            // set: on a regular file it changes nothing (reads, writes, flock(2)).
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        }
        let io = |e: std::io::Error| Error::io(path, e);
        let mut file = options
            .open(path)
            .map_err(|e| crate::store::open_error(path, e))?;
        crate::store::check_regular(path, &file.metadata().map_err(io)?)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let holder = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                // Block on the lock itself (woken the moment it is free); a helper thread
                // speaks up if that takes longer than a moment.
                let (done, wait) = std::sync::mpsc::channel::<()>();
                std::thread::scope(|s| {
                    s.spawn(move || {
                        if wait.recv_timeout(Self::PATIENCE)
                            == Err(std::sync::mpsc::RecvTimeoutError::Timeout)
                        {
                            waiting(holder)
                        }
                    });
                    let locked = fs4::FileExt::lock(&file);
                    drop(done);
                    locked
                })
                .map_err(io)?;
            }
            Err(fs4::TryLockError::Error(e)) => return Err(io(e)),
        }
        // Who holds it, for the next waiter's message; the lock does not depend on it.
        let _ = file.set_len(0).and_then(|()| {
            file.rewind()?;
            std::io::Write::write_all(&mut file, std::process::id().to_string().as_bytes())
        });
        Ok(FileLock { _file: file })
    }
}

/// The cache key of one step of `chain`, when that step's credentials are cached: the
/// role calls and IAM Identity Center by the AWS CLI's keys, an MFA session by ours.
/// Static keys and the named sources are never cached (the AWS CLI does not cache them
/// either), nor is `credential_process` unless its profile asks for it.
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
        Step::Base(Base::Process {
            profile,
            command,
            cache: true,
        }) => Some(process_key(profile, command)),
        Step::Base(_) => None,
        Step::Session(s) => match &chain.base {
            Base::StaticKeys { credentials, .. } => Some(session_key(
                &credentials.access_key_id,
                &s.serial,
                s.duration_seconds,
            )),
            Base::Keyring { account, .. } => {
                Some(keyring_session_key(account, &s.serial, s.duration_seconds))
            }
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

    #[test]
    fn a_second_locker_waits_for_the_first_and_is_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cache"));
        let held = cache
            .lock(&["k", "j", "k"], &|_| panic!("nothing to wait for"))
            .unwrap();
        assert_eq!(held.len(), 2, "each key once");
        let told = std::sync::Mutex::new(None);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                cache
                    .lock(&["k"], &|pid| *told.lock().unwrap() = Some(pid))
                    .unwrap()
            });
            std::thread::sleep(FileLock::PATIENCE + std::time::Duration::from_millis(300));
            assert!(!waiter.is_finished(), "the second locker waits");
            drop(held);
            waiter.join().unwrap();
        });
        assert_eq!(*told.lock().unwrap(), Some(Some(std::process::id())));
    }

    /// `FileLock::acquire` on `path` in a thread of its own, so that a hang fails the test
    /// after 10 s instead of stopping it.
    fn acquire_or_hang(path: &Path) -> Result<FileLock, Error> {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(FileLock::acquire(&path, &|_| {}));
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("FileLock::acquire hung")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_directory_at_the_lock_path_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("k.lock");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let err = acquire_or_hang(&fifo).unwrap_err();
        assert!(
            matches!(&err, Error::NotRegularFile { path, what } if *path == fifo && what.contains("FIFO")),
            "{err:?}"
        );
        assert!(err.to_string().contains("k.lock: is a FIFO"), "{err}");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
            "left as it was"
        );

        let sub = dir.path().join("j.lock");
        std::fs::create_dir(&sub).unwrap();
        let err = acquire_or_hang(&sub).unwrap_err();
        assert!(
            matches!(&err, Error::IsDirectory { path } if *path == sub),
            "{err:?}"
        );
    }
}
