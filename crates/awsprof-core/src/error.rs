//! The core's typed errors. Each holds what went wrong and where (paths as paths, names
//! and values as they are); the binary renders them once, with the home directory shown
//! as `~`, and picks the exit code.

use crate::parse::ParseErrorKind;
use std::io;
use std::path::PathBuf;

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// A directory sits where a file was expected.
    #[error("{}: is a directory, expected a file", path.display())]
    IsDirectory {
        /// The file.
        path: PathBuf,
    },
    /// Something other than a regular file (a FIFO, a device, a socket) sits where a
    /// shared file was expected. Refused before reading, so nothing can block.
    #[error("{}: is {what}, not a regular file; awsprof reads and writes only regular files", path.display())]
    NotRegularFile {
        /// The file.
        path: PathBuf,
        /// What it is instead (`a FIFO (named pipe)`, `a character device`, ...).
        what: &'static str,
    },
    /// The path is a loop of symbolic links (or a chain of more than the system allows).
    #[error("{}: its symbolic links form a loop (or a chain too long to follow)", path.display())]
    SymlinkLoop {
        /// The file.
        path: PathBuf,
    },
    /// The file has other names (hard links): replacing it would leave them behind.
    #[error("{}: the file has {links} names (hard links); replacing it would leave the other names with the old text, so nothing was written: use a symbolic link instead", path.display())]
    HardLinked {
        /// The file.
        path: PathBuf,
        /// How many names the file has.
        links: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{line}: not valid UTF-8 text (the AWS config files must be UTF-8)", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
    },
    /// The file holds a NUL byte, which no text file has.
    #[error("{}:{line}: contains a NUL byte; this is not a text file", path.display())]
    NulByte {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first NUL.
        line: usize,
    },
    /// The file is larger than any real config file.
    #[error("{}: file is {size} bytes, larger than the {limit}-byte limit for a config file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A syntax error.
    #[error("{}:{line}: {}", path.display(), kind.message())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        kind: ParseErrorKind,
    },
    /// No profile by that name.
    #[error(transparent)]
    UnknownProfile(#[from] crate::model::UnknownProfile),
    /// An edit was refused; nothing was written.
    #[error("{}: {source}", path.display())]
    Edit {
        /// The file that was to be edited.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::edit::EditError,
    },
    /// Another process holds the write lock for too long.
    #[error("{}: another process is editing this file (lock {} held for over {seconds}s); nothing was written", path.display(), lock.display())]
    Locked {
        /// The file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// How long we waited.
        seconds: u64,
    },
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, source: io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
