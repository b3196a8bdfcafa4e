//! Where the shared files are, and reading them with errors that say what and where.
//!
//! Location follows the SDKs: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` override
//! `~/.aws/config` and `~/.aws/credentials`; `~` expands to the home directory (`HOME`,
//! then on Windows `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`). A missing file is an
//! empty set of profiles, not an error.

use crate::edit::{Document, EditError};
use crate::error::{Error, Result};
use crate::filetext::{self, FileText};
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

fn line_of(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1
}

/// Says why a file's bytes are not a config file's text (a NUL, or not UTF-8), if they
/// are not.
fn check_text(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(i) = memchr::memchr(0, bytes) {
        return Err(Error::NulByte {
            path: path.to_path_buf(),
            line: line_of(bytes, i),
        });
    }
    if let Some(at) = filetext::utf8_error_at(bytes) {
        return Err(Error::NotUtf8 {
            path: path.to_path_buf(),
            line: line_of(bytes, at),
        });
    }
    Ok(())
}

/// Turns a file's bytes into text, or says why they are not a config file.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    check_text(path, &bytes)?;
    Ok(FileText::checked(filetext::Bytes::Heap(bytes)).into_string())
}

/// What a path that is not a regular file is, for messages.
fn what_it_is(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    let _ = file_type;
    "something other than a file"
}

/// Refuses a directory, FIFO, device or socket at `path`, as `meta` describes it.
pub(crate) fn check_regular(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if !meta.is_file() {
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            what: what_it_is(meta.file_type()),
        });
    }
    Ok(())
}

/// An error from opening `path`, saying what is wrong in words once: a loop of links,
/// or (a socket cannot be opened at all, nor a directory for writing) what the path is.
pub(crate) fn open_error(path: &Path, e: io::Error) -> Error {
    #[cfg(unix)]
    match e.raw_os_error() {
        Some(libc::ELOOP) => {
            return Error::SymlinkLoop {
                path: path.to_path_buf(),
            }
        }
        Some(libc::ENXIO | libc::EOPNOTSUPP | libc::EISDIR) => {
            if let Ok(meta) = std::fs::metadata(path) {
                if let Err(refused) = check_regular(path, &meta) {
                    return refused;
                }
            }
        }
        _ => {}
    }
    Error::io(path, e)
}

/// Opens a shared file for reading, or `Ok(None)` when it does not exist; anything but a
/// regular file is refused at once, without reading.
///
/// The file is opened first and its type read from the open descriptor, so there is no
/// moment between checking and opening in which the path could change: a file renamed
/// over or deleted after the open is read as it was when opened. On Unix the open does
/// not block (`O_NONBLOCK`: a FIFO with no writer, a terminal) and never makes a
/// terminal ours (`O_NOCTTY`); blocking is restored once the file is known to be regular.
pub fn open_regular(path: &Path) -> Result<Option<(std::fs::File, std::fs::Metadata)>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(open_error(path, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    check_regular(path, &meta)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own, with flags it returned.
        let restored = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) >= 0
        };
        if !restored {
            return Err(Error::io(path, io::Error::last_os_error()));
        }
    }
    Ok(Some((file, meta)))
}

/// Opens the regular file at `path` ([`open_regular`]), refusing one larger than `limit`
/// before reading it; `Ok(None)` when it does not exist. Gives the file and its size.
fn open_within(path: &Path, limit: u64) -> Result<Option<(std::fs::File, u64)>> {
    let Some((file, meta)) = open_regular(path)? else {
        return Ok(None);
    };
    if meta.len() > limit {
        return Err(too_large(path, meta.len(), limit));
    }
    Ok(Some((file, meta.len())))
}

fn too_large(path: &Path, size: u64, limit: u64) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    }
}

fn read_error(path: &Path, limit: u64, e: filetext::Failed) -> Error {
    match e {
        filetext::Failed::Io(e) => Error::io(path, e),
        filetext::Failed::TooLarge(n) => too_large(path, n, limit),
    }
}

/// Reads the regular file at `path` whole ([`open_regular`]), refusing one larger than
/// `limit` before reading it; `Ok(None)` when it does not exist.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    let Some((mut file, size)) = open_within(path, limit)? else {
        return Ok(None);
    };
    filetext::read_vec(&mut file, size, limit)
        .map(Some)
        .map_err(|e| read_error(path, limit, e))
}

/// Reads a shared file's text: `Ok(None)` when it does not exist.
///
/// Only a regular file is read, and its size is checked before reading, so a FIFO, a
/// device or a huge file is refused at once, as [`read_bytes`] does; a large file is
/// read into huge-page memory ([`FileText`]).
pub fn read_text(path: &Path) -> Result<Option<FileText>> {
    let Some((mut file, size)) = open_within(path, MAX_FILE_SIZE)? else {
        return Ok(None);
    };
    let bytes = filetext::read(&mut file, size, MAX_FILE_SIZE)
        .map_err(|e| read_error(path, MAX_FILE_SIZE, e))?;
    check_text(path, bytes.as_slice())?;
    Ok(Some(FileText::checked(bytes)))
}

/// Reads a shared file: `Ok(None)` when it does not exist ([`read_text`]).
pub fn read_file(path: &Path) -> Result<Option<String>> {
    Ok(read_text(path)?.map(FileText::into_string))
}

/// Both files' texts, as read.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    /// The config file's text, if it exists.
    pub config: Option<FileText>,
    /// The credentials file's text, if it exists.
    pub credentials: Option<FileText>,
}

impl Texts {
    /// Reads both files.
    pub fn read(paths: &Paths) -> Result<Texts> {
        Ok(Texts {
            config: read_text(&paths.config)?,
            credentials: read_text(&paths.credentials)?,
        })
    }

    /// Parses and merges them.
    pub fn profiles(&self, paths: &Paths, filter: Filter<'_>) -> Result<ProfileSet> {
        ProfileSet::from_texts(self.config.as_deref(), self.credentials.as_deref(), filter)
            .map_err(|(kind, e)| parse_error(paths.get(kind), e))
    }

    /// Validates both texts in one pass and records where their sections are.
    pub fn index(&self, paths: &Paths) -> Result<crate::model::Index<'_>> {
        crate::model::Index::build(self.config.as_deref(), self.credentials.as_deref())
            .map_err(|(kind, e)| parse_error(paths.get(kind), e))
    }

    /// The profile names, sorted, borrowed from the texts (see [`crate::model::profile_names`]).
    pub fn profile_names(&self, paths: &Paths) -> Result<Vec<&str>> {
        self.profile_names_starting(paths, "")
    }

    /// The profile names that start with `prefix`, sorted (see
    /// [`crate::model::profile_names_starting`]).
    pub fn profile_names_starting(&self, paths: &Paths, prefix: &str) -> Result<Vec<&str>> {
        crate::model::profile_names_starting(
            self.config.as_deref(),
            self.credentials.as_deref(),
            prefix,
        )
        .map_err(|(kind, e)| parse_error(paths.get(kind), e))
    }

    /// The profile names that start with `prefix`, sorted, for writing out (see
    /// [`crate::model::ProfileNames`]).
    pub fn names_to_write(
        &self,
        paths: &Paths,
        prefix: &str,
    ) -> Result<crate::model::ProfileNames<'_>> {
        crate::model::ProfileNames::read(
            self.config.as_deref(),
            self.credentials.as_deref(),
            prefix,
        )
        .map_err(|(kind, e)| parse_error(paths.get(kind), e))
    }
}

/// A syntax error at a line of the file at `path`.
fn parse_error(path: &Path, e: crate::parse::ParseError) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line: e.line,
        kind: e.kind,
    }
}

/// Reads, parses and merges both files in one step.
pub fn load(paths: &Paths, filter: Filter<'_>) -> Result<ProfileSet> {
    Texts::read(paths)?.profiles(paths, filter)
}

/// How long a writer waits for another writer's lock before giving up.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The file a path stands for: symbolic links followed to their final target, so that a
/// write replaces the target and the link stays a link. A missing target is fine.
pub fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // Linux gives up after 40 links; so do we, instead of looping on a cycle.
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(target) => {
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Err(e)
                if e.kind() == io::ErrorKind::InvalidInput
                    || e.kind() == io::ErrorKind::NotFound =>
            {
                return Ok(current)
            }
            Err(e) => return Err(open_error(path, e)),
        }
    }
    Err(Error::SymlinkLoop {
        path: path.to_path_buf(),
    })
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `dir` and its missing parents; the ones created get mode 0700 (on Unix), as
/// `~/.aws` holds secrets.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Replaces the file at `path` with `text` so that a reader (or a crash) sees either the
/// whole old file or the whole new one: a temporary file in the same directory is
/// written, flushed to disk and renamed over the target, then the directory is flushed.
/// A symbolic link is written through to its target. An existing file keeps its mode and
/// (when allowed) its owner; a new file gets mode 0600, a new directory 0700.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    Staged::write(path, text)?.persist()
}

/// A new text for a file, written in full to a temporary file beside it and flushed to
/// disk, not yet in place: [`Staged::persist`] renames it over the file. Dropped
/// unpersisted, the temporary file is deleted and the file is as it was. Staging every
/// file of an edit before persisting any means that a full disk or a failing device
/// stops the edit before it changes anything: a rename needs no space.
pub struct Staged {
    path: PathBuf,
    target: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl Staged {
    /// Writes `text` beside the file at `path` (after following symbolic links).
    pub fn write(path: &Path, text: &str) -> Result<Staged> {
        use std::io::Write;
        let target = resolve_symlinks(path)?;
        let dir = parent_dir(&target);
        create_private_dir(dir)?;
        // Renaming over a FIFO or a device would replace it with a file: refuse instead.
        let existing = match std::fs::metadata(&target) {
            Ok(m) => {
                check_regular(path, &m)?;
                #[cfg(unix)]
                if std::os::unix::fs::MetadataExt::nlink(&m) > 1 {
                    return Err(Error::HardLinked {
                        path: path.to_path_buf(),
                        links: std::os::unix::fs::MetadataExt::nlink(&m),
                    });
                }
                Some(m)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(open_error(path, e)),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let io_err = |e: io::Error| Error::io(path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".awsprof-tmp")
            .tempfile_in(dir)
            .map_err(io_err)?;
        tmp.write_all(text.as_bytes()).map_err(io_err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let mode = existing.as_ref().map_or(0o600, |m| m.mode() & 0o7777);
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(io_err)?;
            if let Some(m) = &existing {
                let ours = tmp.as_file().metadata().map_err(io_err)?;
                if ours.uid() != m.uid() || ours.gid() != m.gid() {
                    // Only root may give a file away; anyone else keeps ownership of what
                    // they write, as any editor would.
                    let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid()));
                }
            }
        }
        #[cfg(not(unix))]
        if let Some(m) = &existing {
            let _ = tmp.as_file().set_permissions(m.permissions());
        }
        tmp.as_file().sync_all().map_err(io_err)?;
        Ok(Staged {
            path: path.to_path_buf(),
            target,
            tmp,
        })
    }

    /// Puts the new text in place (a rename) and flushes the directory.
    pub fn persist(self) -> Result<()> {
        let Staged { path, target, tmp } = self;
        tmp.persist(&target)
            .map_err(|e| Error::io(&path, e.error))?;
        #[cfg(unix)]
        {
            let dir = parent_dir(&target);
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::io(dir, e))?;
        }
        Ok(())
    }
}

/// Deletes temporary files that a killed writer of `path` left behind. Only called under
/// the file's write lock: temporaries are only made under it, so none is in use.
fn remove_stale_temporaries(path: &Path) {
    let Ok(target) = resolve_symlinks(path) else {
        return;
    };
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(parent_dir(&target)) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&prefix) && file.ends_with(".awsprof-tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An advisory write lock on one shared file, released when dropped.
///
/// The lock is taken on a sidecar file (`.config.lock` next to `config`), because the
/// atomic rename replaces the file's inode: a lock on the file itself would be lost by
/// the first writer and never seen by the next.
#[derive(Debug)]
pub struct WriteLock {
    _file: std::fs::File,
}

/// The sidecar lock file of a shared file (after following symbolic links).
pub fn lock_path(path: &Path) -> Result<PathBuf> {
    let target = resolve_symlinks(path)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(parent_dir(&target).join(format!(".{name}.lock")))
}

impl WriteLock {
    /// Waits up to `wait` for the write lock of `path`.
    pub fn acquire(path: &Path, wait: std::time::Duration) -> Result<WriteLock> {
        let lock = lock_path(path)?;
        create_private_dir(parent_dir(&lock))?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&lock).map_err(|e| Error::io(&lock, e))?;
        let start = std::time::Instant::now();
        loop {
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(fs4::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        path: path.to_path_buf(),
                        lock: lock.clone(),
                        seconds: wait.as_secs(),
                    })
                }
                Err(fs4::TryLockError::Error(e)) => return Err(Error::io(&lock, e)),
            }
        }
    }
}

struct Slot {
    original: Option<String>,
    doc: Document,
}

/// Whether `a` and `b` name one file: the same inode (through a symbolic or a hard
/// link), or, for files not yet created, the same place once links are followed.
pub fn same_file(a: &Path, b: &Path) -> Result<bool> {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return Ok(x.dev() == y.dev() && x.ino() == y.ino());
    }
    let place = |p: &Path| -> Result<PathBuf> {
        let target = resolve_symlinks(p)?;
        let dir = parent_dir(&target);
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        Ok(dir.join(target.file_name().unwrap_or_default()))
    };
    Ok(place(a)? == place(b)?)
}

/// Both shared files, locked, read and parsed, ready to edit; [`Editor::commit`] writes
/// what changed. Read-modify-write happens under the locks, so concurrent writers never
/// lose each other's updates. A file that does not parse stops everything before any
/// write.
///
/// When both paths name one file ([`same_file`]: `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` set to one path, or a link), it is locked, read and
/// written once: one document holds its lines, read as a config file for config edits
/// and as a credentials file for credentials edits (the SDKs read it as both), so no
/// edit can overwrite another.
pub struct Editor {
    paths: Paths,
    config: Slot,
    /// `None` when the credentials file is the config file.
    credentials: Option<Slot>,
    _locks: Vec<WriteLock>,
}

impl Editor {
    /// Locks both files (config first, always, so two writers cannot deadlock), then
    /// reads and parses them.
    pub fn open(paths: &Paths) -> Result<Editor> {
        let shared = same_file(&paths.config, &paths.credentials)?;
        let mut locks = vec![WriteLock::acquire(&paths.config, LOCK_WAIT)?];
        if !shared && lock_path(&paths.credentials)? != lock_path(&paths.config)? {
            locks.push(WriteLock::acquire(&paths.credentials, LOCK_WAIT)?);
        }
        let slot = |kind: FileKind| -> Result<Slot> {
            let path = paths.get(kind);
            let original = read_file(path)?;
            let doc = match &original {
                Some(text) => Document::parse(kind, text).map_err(|e| parse_error(path, e))?,
                None => Document::empty(kind),
            };
            Ok(Slot { original, doc })
        };
        Ok(Editor {
            config: slot(FileKind::Config)?,
            credentials: if shared {
                None
            } else {
                Some(slot(FileKind::Credentials)?)
            },
            paths: paths.clone(),
            _locks: locks,
        })
    }

    /// The file of `kind`, to edit.
    pub fn doc(&mut self, kind: FileKind) -> &mut Document {
        match (kind, &mut self.credentials) {
            (FileKind::Credentials, Some(slot)) => &mut slot.doc,
            (kind, _) => {
                self.config.doc.read_as(kind);
                &mut self.config.doc
            }
        }
    }

    /// The paths being edited.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Turns an edit error on the file of `kind` into an error naming that file.
    pub fn error(&self, kind: FileKind, source: EditError) -> Error {
        Error::Edit {
            path: self.paths.get(kind).to_path_buf(),
            source,
        }
    }

    /// The profiles as the files stand now, edits included.
    pub fn profiles(&self) -> Result<ProfileSet> {
        self.profiles_filtered(Filter::All)
    }

    /// One profile as the files stand now, edits included.
    pub fn profile(&self, name: &str) -> Result<Option<crate::Section>> {
        Ok(self
            .profiles_filtered(Filter::Profile(name))?
            .profiles
            .swap_remove(name))
    }

    fn profiles_filtered(&self, filter: Filter<'_>) -> Result<ProfileSet> {
        let config = self.config.doc.text();
        let creds = match &self.credentials {
            Some(slot) => slot.doc.text(),
            None => config.clone(),
        };
        let texts = Texts {
            config: Some(config.into()),
            credentials: Some(creds.into()),
        };
        texts.profiles(&self.paths, filter)
    }

    /// Writes the files whose text changed (credentials first: a profile's keys are
    /// in place before the config that refers to them). Returns the kinds written; one
    /// file named twice is written once, as the config file.
    pub fn commit(self) -> Result<Vec<FileKind>> {
        // Every new text is on disk before any replaces its file: a full disk stops the
        // edit with both files as they were, never half done. Should a rename still fail
        // once the first file is in place, that file gets its old text back: an edit that
        // spans both files (a profile moved to the keyring) lands whole or not at all.
        let mut staged = Vec::new();
        let slots = [
            (FileKind::Credentials, self.credentials.as_ref()),
            (FileKind::Config, Some(&self.config)),
        ];
        for (kind, slot) in slots {
            let Some(slot) = slot else { continue };
            let text = slot.doc.text();
            let unchanged = match &slot.original {
                Some(orig) => *orig == text,
                None => text.is_empty(),
            };
            if !unchanged {
                remove_stale_temporaries(self.paths.get(kind));
                staged.push((kind, slot, Staged::write(self.paths.get(kind), &text)?));
            }
        }
        let mut written: Vec<(FileKind, &Slot)> = Vec::new();
        for (kind, slot, file) in staged {
            if let Err(e) = file.persist() {
                for (done, before) in written {
                    let path = self.paths.get(done);
                    let _ = match &before.original {
                        Some(text) => write_atomic(path, text),
                        None => std::fs::remove_file(path).map_err(|e| Error::io(path, e)),
                    };
                }
                return Err(e);
            }
            written.push((kind, slot));
        }
        Ok(written.into_iter().map(|(k, _)| k).collect())
    }
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
