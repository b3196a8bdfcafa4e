//! The core's typed errors. Each says what went wrong and where; the binary turns them
//! into messages and exit codes.

use crate::parse::ParseErrorKind;
use std::io;

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path as shown to the user (`~` for the home directory).
        path: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// A directory sits where a file was expected.
    #[error("{path}: is a directory, expected a file")]
    IsDirectory {
        /// The path as shown to the user.
        path: String,
    },
    /// Something other than a regular file (a FIFO, a device, a socket) sits where a
    /// shared file was expected. Refused before reading, so nothing can block.
    #[error("{path}: is {what}, not a regular file; awsprof reads and writes only regular files")]
    NotRegularFile {
        /// The path as shown to the user.
        path: String,
        /// What it is instead (`a FIFO (named pipe)`, `a character device`, ...).
        what: &'static str,
    },
    /// The path is a loop of symbolic links (or a chain of more than the system allows).
    #[error("{path}: its symbolic links form a loop (or a chain too long to follow)")]
    SymlinkLoop {
        /// The path as shown to the user.
        path: String,
    },
    /// The file has other names (hard links): replacing it would leave them behind.
    #[error("{path}: the file has {links} names (hard links); replacing it would leave the other names with the old text, so nothing was written: use a symbolic link instead")]
    HardLinked {
        /// The path as shown to the user.
        path: String,
        /// How many names the file has.
        links: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{path}:{line}: not valid UTF-8 text (the AWS config files must be UTF-8)")]
    NotUtf8 {
        /// The path as shown to the user.
        path: String,
        /// 1-based line of the first bad byte.
        line: usize,
    },
    /// The file holds a NUL byte, which no text file has.
    #[error("{path}:{line}: contains a NUL byte; this is not a text file")]
    NulByte {
        /// The path as shown to the user.
        path: String,
        /// 1-based line of the first NUL.
        line: usize,
    },
    /// The file is larger than any real config file.
    #[error("{path}: file is {size} bytes, larger than the {limit}-byte limit for a config file")]
    TooLarge {
        /// The path as shown to the user.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A syntax error.
    #[error("{path}:{line}: {}", kind.message())]
    Parse {
        /// The path as shown to the user.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        kind: ParseErrorKind,
    },
    /// No profile by that name.
    #[error("profile '{name}' not found{}", match suggestion { Some(s) => format!("; did you mean '{s}'?"), None => String::new() })]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// An edit was refused; nothing was written.
    #[error("{path}: {source}")]
    Edit {
        /// The file that was to be edited, as shown to the user.
        path: String,
        /// Why.
        #[source]
        source: crate::edit::EditError,
    },
    /// Another process holds the write lock for too long.
    #[error("{path}: another process is editing this file (lock {lock} held for over {seconds}s); nothing was written")]
    Locked {
        /// The file, as shown to the user.
        path: String,
        /// The lock file, as shown to the user.
        lock: String,
        /// How long we waited.
        seconds: u64,
    },
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`, with the path shown the way users write it.
    pub fn io(path: &std::path::Path, source: io::Error) -> Error {
        Error::Io {
            path: crate::store::display_path(path),
            source,
        }
    }
}
