//! Where the shared files are, and reading them with errors that say what and where.
//!
//! Location follows the SDKs: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` override
//! `~/.aws/config` and `~/.aws/credentials`; `~` expands to the home directory (`HOME`,
//! then on Windows `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`). A missing file is an
//! empty set of profiles, not an error.

use crate::error::{Error, Result};
use crate::model::{Filter, ProfileSet};
use crate::parse::FileKind;
use std::io;
use std::path::{Path, PathBuf};

/// The largest file we read. Real files are kilobytes; generated ones with 100,000
/// profiles are tens of megabytes. Past this it is not a config file.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// The paths of the two shared files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The config file.
    pub config: PathBuf,
    /// The credentials file.
    pub credentials: PathBuf,
}

/// The operating-system family whose home-directory rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux, macOS and the other Unixes.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform this build runs on.
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

/// The home directory by the SDKs' rules, from an environment lookup.
pub fn home_dir(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Option<String> {
    if let Some(home) = non_empty(env("HOME")) {
        return Some(home);
    }
    if platform == Platform::Windows {
        if let Some(p) = non_empty(env("USERPROFILE")) {
            return Some(p);
        }
        if let (Some(d), Some(p)) = (non_empty(env("HOMEDRIVE")), non_empty(env("HOMEPATH"))) {
            return Some(format!("{d}{p}"));
        }
    }
    None
}

/// Expands a leading `~` (alone, or followed by `/` or `\`) to `home`.
pub fn expand_tilde(path: &str, home: Option<&str>) -> String {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            format!("{home}{rest}")
        }
        _ => path.to_string(),
    }
}

impl Paths {
    /// Locates the files from an environment lookup, as the SDKs do.
    pub fn locate(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Paths {
        let home = home_dir(env, platform);
        let sep = platform.separator();
        let default = |file: &str| {
            let base = home.clone().unwrap_or_else(|| "~".to_string());
            format!("{base}{sep}.aws{sep}{file}")
        };
        let pick = |var: &str, file: &str| {
            let raw = non_empty(env(var)).unwrap_or_else(|| default(file));
            PathBuf::from(expand_tilde(&raw, home.as_deref()))
        };
        Paths {
            config: pick("AWS_CONFIG_FILE", "config"),
            credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        }
    }

    /// Locates the files from this process's environment.
    pub fn from_env() -> Paths {
        Paths::locate(&|k| std::env::var(k).ok(), Platform::current())
    }

    /// The path of one file.
    pub fn get(&self, kind: FileKind) -> &Path {
        match kind {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }
}

/// A path as users write it: the home directory shown as `~`.
pub fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() && home != "/" => match shown.strip_prefix(&home) {
            Some(rest) if rest.starts_with('/') => format!("~{rest}"),
            _ => shown,
        },
        _ => shown,
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1
}

/// Turns a file's bytes into text, or says why they are not a config file.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(i) = memchr::memchr(0, &bytes) {
        return Err(Error::NulByte {
            path: display_path(path),
            line: line_of(&bytes, i),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::NotUtf8 {
            path: display_path(path),
            line: line_of(e.as_bytes(), at),
        }
    })
}

/// Reads a shared file: `Ok(None)` when it does not exist.
///
/// The size is checked before reading, so a huge or endless file is refused at once.
pub fn read_file(path: &Path) -> Result<Option<String>> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: display_path(path),
        });
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(Error::TooLarge {
            path: display_path(path),
            size: meta.len(),
            limit: MAX_FILE_SIZE,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` bounds what a file that grows while we read (or a FIFO) can make us hold.
    (&mut file)
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            io::ErrorKind::IsADirectory => Error::IsDirectory {
                path: display_path(path),
            },
            _ => Error::io(path, e),
        })?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Error::TooLarge {
            path: display_path(path),
            size: bytes.len() as u64,
            limit: MAX_FILE_SIZE,
        });
    }
    decode(path, bytes).map(Some)
}

/// Both files' texts, as read.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    /// The config file's text, if it exists.
    pub config: Option<String>,
    /// The credentials file's text, if it exists.
    pub credentials: Option<String>,
}

impl Texts {
    /// Reads both files.
    pub fn read(paths: &Paths) -> Result<Texts> {
        Ok(Texts {
            config: read_file(&paths.config)?,
            credentials: read_file(&paths.credentials)?,
        })
    }

    /// Parses and merges them.
    pub fn profiles(&self, paths: &Paths, filter: Filter<'_>) -> Result<ProfileSet> {
        ProfileSet::from_texts(self.config.as_deref(), self.credentials.as_deref(), filter).map_err(
            |(kind, e)| Error::Parse {
                path: display_path(paths.get(kind)),
                line: e.line,
                kind: e.kind,
            },
        )
    }
}

/// Reads, parses and merges both files in one step.
pub fn load(paths: &Paths, filter: Filter<'_>) -> Result<ProfileSet> {
    Texts::read(paths)?.profiles(paths, filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expansion() {
        assert_eq!(expand_tilde("~/x", Some("/h")), "/h/x");
        assert_eq!(expand_tilde("~", Some("/h")), "/h");
        assert_eq!(expand_tilde("~user/x", Some("/h")), "~user/x");
        assert_eq!(expand_tilde("/a/~/b", Some("/h")), "/a/~/b");
    }

    #[test]
    fn env_overrides_expand_tilde() {
        let env = |k: &str| match k {
            "HOME" => Some("/home/u".to_string()),
            "AWS_CONFIG_FILE" => Some("~/cfg".to_string()),
            _ => None,
        };
        let p = Paths::locate(&env, Platform::Unix);
        assert_eq!(p.config, PathBuf::from("/home/u/cfg"));
        assert_eq!(p.credentials, PathBuf::from("/home/u/.aws/credentials"));
    }

    #[test]
    fn bad_bytes_name_their_line() {
        let p = Path::new("/x");
        match decode(p, b"[a]\nk=v\n\xff".to_vec()) {
            Err(Error::NotUtf8 { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        match decode(p, b"[a]\0".to_vec()) {
            Err(Error::NulByte { line, .. }) => assert_eq!(line, 1),
            other => panic!("{other:?}"),
        }
    }
}
