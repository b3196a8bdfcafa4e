//! Per-directory profiles: the `.aws-profile` file that names a profile for a directory
//! tree, and the list of such files the user trusts.
//!
//! Trust follows direnv: a file is trusted for its path *and* its content (a SHA-256 of the
//! bytes), so a file that changes after it was allowed is untrusted again until allowed
//! anew. A denied file is ignored without a word whatever it holds, as mise's
//! `trust --ignore` does. The list is one small JSON file, rewritten atomically under a lock
//! so two `allow`s at once never lose each other's entry.

use crate::store;
use indexmap::{IndexMap, IndexSet};
use std::io;
use std::path::{Path, PathBuf};

/// The name of the file that names a directory's profile.
pub const FILE_NAME: &str = ".aws-profile";

/// Larger than any file that holds one profile name and a few comments.
pub const MAX_SIZE: u64 = 64 * 1024;

/// What can go wrong with a `.aws-profile` file or the trust list.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// Reading or writing the trust list failed in the store.
    #[error(transparent)]
    Store(#[from] crate::Error),
    /// The `.aws-profile` is not a regular file (a directory, a FIFO, a device).
    #[error("{}: not a regular file", path.display())]
    NotAFile {
        /// The file.
        path: PathBuf,
    },
    /// The `.aws-profile` is too large to hold a profile name.
    #[error("{}: {size} bytes, larger than the {MAX_SIZE}-byte limit for a .aws-profile file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// The `.aws-profile` is not UTF-8 text.
    #[error("{}: not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The `.aws-profile` names no profile, or names it badly.
    #[error("{}:{line}: {what}", path.display())]
    BadName {
        /// The file.
        path: PathBuf,
        /// 1-based line (the last line when the file names nothing).
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// No `.aws-profile` in the directory or above it.
    #[error("no {FILE_NAME} in {} or any directory above it; make one that names a profile (`echo PROFILE > {FILE_NAME}`), then allow it", dir.display())]
    NotFound {
        /// The directory searched from.
        dir: PathBuf,
    },
    /// A path that cannot be a key of the list (not UTF-8).
    #[error("{}: the path is not UTF-8, which the trust list cannot hold", path.display())]
    PathNotUtf8 {
        /// The path.
        path: PathBuf,
    },
    /// The trust list is not what awsprof writes.
    #[error("{}: not a trust list awsprof wrote ({why}); remove it, then allow again", path.display())]
    BadList {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

/// The profile a `.aws-profile` text names: its first line that is neither empty nor a `#`
/// comment, without surrounding blanks or a trailing `# comment`. On error, the 1-based
/// line and what is wrong.
pub fn profile_name(text: &str) -> Result<&str, (usize, String)> {
    let mut last = 1;
    // An editor's byte-order mark is not part of the name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        last = i + 1;
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.chars().find(|c| c.is_whitespace() || c.is_control()) {
            let what = if c.is_whitespace() {
                "a blank".to_string()
            } else {
                format!("the control character U+{:04X}", c as u32)
            };
            return Err((
                last,
                format!("a profile name cannot contain {what} (one name on the first line)"),
            ));
        }
        return Ok(line);
    }
    Err((
        last,
        "names no profile (write the profile's name on the first line)".to_string(),
    ))
}

/// The SHA-256 of `bytes`, in lower-case hex: what the trust list records of a file.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A `.aws-profile` as read: where it is (absolute, symbolic links resolved), its text and
/// the hash of that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileFile {
    /// The file's canonical path: the key of the trust list.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// [`content_hash`] of the text.
    pub hash: String,
}

impl ProfileFile {
    /// Reads the file at `path`. Refuses what is not a regular file before opening it (a
    /// FIFO would block), and anything over [`MAX_SIZE`] or not UTF-8.
    pub fn read(path: &Path) -> Result<ProfileFile, DirError> {
        use std::io::Read;
        let io_err = |e| DirError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let canonical = path.canonicalize().map_err(io_err)?;
        let meta = std::fs::metadata(&canonical).map_err(io_err)?;
        if !meta.is_file() {
            return Err(DirError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&canonical)
            .and_then(|f| f.take(MAX_SIZE + 1).read_to_end(&mut bytes))
            .map_err(io_err)?;
        if bytes.len() as u64 > MAX_SIZE {
            return Err(DirError::TooLarge {
                path: path.to_path_buf(),
                size: meta.len().max(bytes.len() as u64),
            });
        }
        let hash = content_hash(&bytes);
        let text = String::from_utf8(bytes).map_err(|_| DirError::NotUtf8 {
            path: path.to_path_buf(),
        })?;
        Ok(ProfileFile {
            path: canonical,
            text,
            hash,
        })
    }

    /// The profile the file names.
    pub fn profile(&self) -> Result<&str, DirError> {
        profile_name(&self.text).map_err(|(line, what)| DirError::BadName {
            path: self.path.clone(),
            line,
            what,
        })
    }

    /// The path as the trust list's key.
    pub fn key(&self) -> Result<&str, DirError> {
        self.path.to_str().ok_or_else(|| DirError::PathNotUtf8 {
            path: self.path.clone(),
        })
    }
}

/// The nearest `.aws-profile` that is a regular file in `dir` or a directory above it, as
/// the shell integration finds it.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|f| f.is_file())
}

/// What the trust list says of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Allowed with exactly this content.
    Allowed,
    /// Never allowed (or allowed and then forgotten).
    New,
    /// Allowed once, with other content.
    Changed,
    /// Denied: ignored, whatever it holds.
    Denied,
}

/// The files the user trusts, by canonical path and content hash, and those they denied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustList {
    allowed: IndexMap<String, String>,
    denied: IndexSet<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    #[serde(default)]
    allowed: IndexMap<String, String>,
    #[serde(default)]
    denied: IndexSet<String>,
}

const VERSION: u32 = 1;

impl TrustList {
    /// Parses the stored text. On error, what is wrong.
    pub fn parse(text: &str) -> Result<TrustList, String> {
        let stored: Stored = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if stored.version != VERSION {
            return Err(format!(
                "version {} (this awsprof writes {VERSION})",
                stored.version
            ));
        }
        if let Some((path, _)) = stored
            .allowed
            .iter()
            .find(|(_, h)| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(format!("the hash of {path} is not a SHA-256"));
        }
        Ok(TrustList {
            allowed: stored.allowed,
            denied: stored.denied,
        })
    }

    /// The text to store.
    pub fn render(&self) -> String {
        let stored = Stored {
            version: VERSION,
            allowed: self.allowed.clone(),
            denied: self.denied.clone(),
        };
        serde_json::to_string_pretty(&stored).unwrap_or_default() + "\n"
    }

    /// What the list says of the file at `path` holding content with `hash`.
    pub fn check(&self, path: &str, hash: &str) -> Trust {
        if self.denied.contains(path) {
            return Trust::Denied;
        }
        match self.allowed.get(path) {
            Some(h) if h == hash => Trust::Allowed,
            Some(_) => Trust::Changed,
            None => Trust::New,
        }
    }

    /// Trusts the file at `path` with the content of `hash` (and forgets a denial).
    pub fn allow(&mut self, path: &str, hash: &str) {
        self.denied.shift_remove(path);
        self.allowed.insert(path.to_string(), hash.to_string());
    }

    /// Denies the file at `path`, whatever it holds.
    pub fn deny(&mut self, path: &str) {
        self.allowed.shift_remove(path);
        self.denied.insert(path.to_string());
    }

    /// Reads the list stored at `path`; an absent file is an empty list.
    pub fn load(path: &Path) -> Result<TrustList, DirError> {
        match store::read_file(path)? {
            None => Ok(TrustList::default()),
            Some(text) => TrustList::parse(&text).map_err(|why| DirError::BadList {
                path: path.to_path_buf(),
                why,
            }),
        }
    }

    /// Reads the list at `path`, changes it with `change` and writes it back atomically,
    /// all under the list's lock. A list that does not parse is left as it is.
    pub fn update(path: &Path, change: impl FnOnce(&mut TrustList)) -> Result<(), DirError> {
        let _lock = store::WriteLock::acquire(path, std::time::Duration::from_secs(10))?;
        let mut list = TrustList::load(path)?;
        change(&mut list);
        store::write_atomic(path, &list.render())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_that_is_not_blank_or_a_comment_names_the_profile() {
        assert_eq!(profile_name("dev\n"), Ok("dev"));
        assert_eq!(
            profile_name("# team profile\n\n  prod-admin  # the admins\nother\n"),
            Ok("prod-admin")
        );
        assert_eq!(profile_name("\u{feff}dev\r\n"), Ok("dev"));
        assert_eq!(profile_name("acct:main/x@y"), Ok("acct:main/x@y"));
        assert_eq!(profile_name("a b\n").unwrap_err().0, 1);
        assert_eq!(profile_name("\n# only\n").unwrap_err().0, 2);
        assert!(profile_name("").is_err());
        assert!(profile_name("x\u{1b}[31m").is_err());
    }

    #[test]
    fn hash_is_sha256() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_file_is_trusted_for_its_path_and_content_only() {
        let mut list = TrustList::default();
        let (a, b) = (content_hash(b"dev\n"), content_hash(b"prod\n"));
        assert_eq!(list.check("/p/.aws-profile", &a), Trust::New);
        list.allow("/p/.aws-profile", &a);
        assert_eq!(list.check("/p/.aws-profile", &a), Trust::Allowed);
        assert_eq!(list.check("/p/.aws-profile", &b), Trust::Changed);
        assert_eq!(list.check("/q/.aws-profile", &a), Trust::New);
        list.deny("/p/.aws-profile");
        assert_eq!(list.check("/p/.aws-profile", &a), Trust::Denied);
        list.allow("/p/.aws-profile", &b);
        assert_eq!(list.check("/p/.aws-profile", &b), Trust::Allowed);
        assert_eq!(TrustList::parse(&list.render()), Ok(list));
    }

    #[test]
    fn a_list_awsprof_did_not_write_is_refused() {
        for bad in [
            "",
            "[]",
            "{\"version\": 2}",
            "{\"version\": 1, \"allowed\": {\"/p\": \"xyz\"}}",
            "{\"version\": 1, \"extra\": 1}",
        ] {
            assert!(TrustList::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            TrustList::parse("{\"version\": 1}"),
            Ok(TrustList::default())
        );
    }

    #[test]
    fn update_writes_atomically_and_keeps_other_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/allowed.json");
        TrustList::update(&path, |l| l.allow("/a", &content_hash(b"a"))).unwrap();
        TrustList::update(&path, |l| l.allow("/b", &content_hash(b"b"))).unwrap();
        let list = TrustList::load(&path).unwrap();
        assert_eq!(list.check("/a", &content_hash(b"a")), Trust::Allowed);
        assert_eq!(list.check("/b", &content_hash(b"b")), Trust::Allowed);
        std::fs::write(&path, "garbage").unwrap();
        assert!(matches!(
            TrustList::update(&path, |l| l.deny("/a")),
            Err(DirError::BadList { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "garbage");
    }

    #[test]
    fn reading_refuses_what_is_not_a_small_text_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        std::fs::write(&f, b"\xff\xfe").unwrap();
        assert!(matches!(
            ProfileFile::read(&f),
            Err(DirError::NotUtf8 { .. })
        ));
        std::fs::write(&f, vec![b'a'; MAX_SIZE as usize + 1]).unwrap();
        assert!(matches!(
            ProfileFile::read(&f),
            Err(DirError::TooLarge { .. })
        ));
        std::fs::remove_file(&f).unwrap();
        std::fs::create_dir(&f).unwrap();
        assert!(matches!(
            ProfileFile::read(&f),
            Err(DirError::NotAFile { .. })
        ));
        assert_eq!(find(dir.path()), None);
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join("a").join(FILE_NAME), "dev\n").unwrap();
        assert_eq!(find(&sub), Some(dir.path().join("a").join(FILE_NAME)));
        let read = ProfileFile::read(&find(&sub).unwrap()).unwrap();
        assert_eq!(read.profile().unwrap(), "dev");
        assert_eq!(read.hash, content_hash(b"dev\n"));
    }
}
