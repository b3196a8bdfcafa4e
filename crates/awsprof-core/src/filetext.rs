//! A shared file's text as read whole: its bytes, checked once to be UTF-8 without a NUL.
//!
//! A small file is read into a `Vec`. A large one (from [`HUGE_FROM`] bytes, on Linux) is
//! read into memory of its own that asks the kernel for transparent huge pages: reading a
//! file into fresh memory costs the kernel one page fault, and one zeroed page, for every
//! 4 KiB, and at 10 MiB those 2,500 faults cost more than parsing the text. With huge pages
//! one fault maps 2 MiB. Where the kernel gives no huge pages (`never`, or none free) the
//! memory is ordinary pages and nothing is lost. docs/architecture.md has the numbers.
//!
//! The text never changes after it is read, and it is never mapped from the file itself: a
//! file that another program rewrites while we read it cannot change text we hold (a
//! mapping of the file could, which `&str` does not allow).

use std::io::{self, Read};
use std::ops::Deref;

/// From this many bytes a file is read into huge-page memory (Linux).
pub const HUGE_FROM: u64 = 512 * 1024;

/// A file's text: valid UTF-8 (the one invariant `Deref` relies on). A text read from a
/// file has also been checked to hold no NUL, as [`crate::store::decode`] checks; one made
/// from a `String` is taken as it is.
pub struct FileText {
    bytes: Bytes,
}

/// A file's bytes as read, not yet checked to be text.
pub(crate) enum Bytes {
    Heap(Vec<u8>),
    #[cfg(target_os = "linux")]
    Huge(huge::Mapping),
}

impl FileText {
    /// The text of bytes the caller has checked to be UTF-8 (`store`'s check).
    pub(crate) fn checked(bytes: Bytes) -> FileText {
        FileText { bytes }
    }

    fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The text as a `String` (a copy only when it lives in huge-page memory).
    pub fn into_string(self) -> String {
        match self.bytes {
            // SAFETY: checked to be UTF-8 when the FileText was made.
            Bytes::Heap(v) => unsafe { String::from_utf8_unchecked(v) },
            #[cfg(target_os = "linux")]
            Bytes::Huge(_) => String::from(&*self),
        }
    }

    /// Whether the text lives in huge-page memory (for tests).
    pub fn is_huge(&self) -> bool {
        !matches!(self.bytes, Bytes::Heap(_))
    }
}

impl Bytes {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Heap(v) => v,
            #[cfg(target_os = "linux")]
            Bytes::Huge(m) => m.as_slice(),
        }
    }
}

impl Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: every FileText is made by `read` or `From<String>`, after its bytes were
        // checked to be UTF-8, and the bytes are never changed afterwards.
        unsafe { std::str::from_utf8_unchecked(self.bytes()) }
    }
}

impl From<String> for FileText {
    fn from(s: String) -> FileText {
        FileText::checked(Bytes::Heap(s.into_bytes()))
    }
}

impl Clone for FileText {
    fn clone(&self) -> FileText {
        FileText::from(String::from(&**self))
    }
}

impl std::fmt::Debug for FileText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for FileText {
    fn eq(&self, other: &FileText) -> bool {
        **self == **other
    }
}

/// Why a file could not be read.
pub(crate) enum Failed {
    /// Reading failed.
    Io(io::Error),
    /// More than the limit was read (the file grew while we read it): how much.
    TooLarge(u64),
}

/// Reads the rest of `file`, whose size was `size` (already checked to be at most
/// `limit`) when it was opened: into huge-page memory when it is large, else a `Vec`.
/// The caller checks the bytes before it makes them text ([`FileText::checked`]).
pub(crate) fn read(file: &mut std::fs::File, size: u64, limit: u64) -> Result<Bytes, Failed> {
    #[cfg(target_os = "linux")]
    if size >= HUGE_FROM {
        if let Some(m) = huge::Mapping::read(file, size, limit)? {
            return Ok(Bytes::Huge(m));
        }
    }
    read_vec(file, size, limit).map(Bytes::Heap)
}

/// Reads the rest of `file` into a `Vec`, as [`read`] does a small file.
pub(crate) fn read_vec(file: &mut std::fs::File, size: u64, limit: u64) -> Result<Vec<u8>, Failed> {
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` bounds what a file that grows while we read can make us hold.
    Read::by_ref(file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Failed::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Failed::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Whether `bytes` are UTF-8: the SIMD check first (it says only yes or no), then the
/// standard library's, which says where, for the error.
pub(crate) fn utf8_error_at(bytes: &[u8]) -> Option<usize> {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return None;
    }
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// A transparent huge page (Linux on x86-64 and arm64 with 4 KiB pages).
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// Asks the kernel to back the whole 2 MiB pages inside `[start, start + len)` with
/// transparent huge pages (Linux): one fault then maps 2 MiB where it mapped 4 KiB. Advice
/// only: no byte changes, and on a kernel that gives no huge pages nothing happens. Used
/// for a large file's text and for the names' keys of `list` and completion.
pub(crate) fn advise_huge_pages(start: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        let start = start as usize;
        let from = start.next_multiple_of(HUGE_PAGE);
        let to = start.saturating_add(len) / HUGE_PAGE * HUGE_PAGE;
        if to > from {
            // SAFETY: MADV_HUGEPAGE only says how to back the range: it changes no byte
            // of it, and a range that is not mapped makes the call fail, not fault.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

#[cfg(target_os = "linux")]
mod huge {
    //! Anonymous memory aligned to 2 MiB and advised `MADV_HUGEPAGE`, owned like a `Vec`.

    use super::{Failed, HUGE_PAGE};
    use std::io::{self, Read};
    use std::ptr::NonNull;

    /// `len` bytes of text at the start of `cap` bytes of memory mapped for us alone.
    pub(crate) struct Mapping {
        ptr: NonNull<u8>,
        len: usize,
        cap: usize,
    }

    // SAFETY: the memory is owned by the Mapping alone, like a Vec's, and only read
    // through `&self`.
    unsafe impl Send for Mapping {}
    // SAFETY: as above; `&Mapping` gives only shared reads.
    unsafe impl Sync for Mapping {}

    impl Mapping {
        /// Reads the rest of `file` into a new mapping with room for `size` bytes and one
        /// more (so growth shows). `Ok(None)` when no memory could be mapped, or the file
        /// grew past that room (the caller then reads it the ordinary way, from the start).
        pub(super) fn read(
            file: &mut std::fs::File,
            size: u64,
            limit: u64,
        ) -> Result<Option<Mapping>, Failed> {
            let Some(cap) = (size as usize)
                .checked_add(1)
                .and_then(|n| n.checked_next_multiple_of(HUGE_PAGE))
            else {
                return Ok(None);
            };
            let Some(mut m) = Mapping::new(cap) else {
                return Ok(None);
            };
            loop {
                // SAFETY: [ptr, ptr + cap) is ours, mapped readable and writable, and
                // zero-filled by the kernel, so it is initialised; nothing else refers to
                // the part past `len`.
                let spare = unsafe {
                    std::slice::from_raw_parts_mut(m.ptr.as_ptr().add(m.len), m.cap - m.len)
                };
                if spare.is_empty() {
                    // The file grew past its room: read it again the ordinary way.
                    use std::io::Seek;
                    file.rewind().map_err(Failed::Io)?;
                    return Ok(None);
                }
                match file.read(spare) {
                    Ok(0) => break,
                    Ok(n) => m.len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Failed::Io(e)),
                }
            }
            if m.len as u64 > limit {
                return Err(Failed::TooLarge(m.len as u64));
            }
            Ok(Some(m))
        }

        /// `cap` bytes (a multiple of 2 MiB) aligned to 2 MiB, advised for huge pages.
        fn new(cap: usize) -> Option<Mapping> {
            // Map 2 MiB more than asked, then give back the unaligned head and the tail.
            let over = cap.checked_add(HUGE_PAGE)?;
            // SAFETY: a new private anonymous mapping; no existing memory is touched.
            let raw = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    over,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if raw == libc::MAP_FAILED {
                return None;
            }
            let start = raw as usize;
            let aligned = start.next_multiple_of(HUGE_PAGE);
            let head = aligned - start;
            let tail = over - head - cap;
            // SAFETY: both ranges lie inside the mapping just made and are not used; a
            // failed munmap leaves them mapped, which only wastes address space.
            unsafe {
                if head > 0 {
                    libc::munmap(raw, head);
                }
                if tail > 0 {
                    libc::munmap((aligned + cap) as *mut libc::c_void, tail);
                }
            }
            super::advise_huge_pages(aligned as *mut u8, cap);
            Some(Mapping {
                ptr: NonNull::new(aligned as *mut u8)?,
                len: 0,
                cap,
            })
        }

        pub(super) fn as_slice(&self) -> &[u8] {
            // SAFETY: the first `len` bytes of our mapping were written by read(2).
            unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: the mapping is ours, of `cap` bytes, and nothing borrows it now.
            unsafe {
                libc::munmap(self.ptr.as_ptr().cast(), self.cap);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_path(path: &std::path::Path, limit: u64) -> Result<FileText, Failed> {
        let mut f = std::fs::File::open(path).unwrap();
        let size = f.metadata().unwrap().len();
        // The tests' texts are ASCII.
        read(&mut f, size, limit).map(FileText::checked)
    }

    #[test]
    fn a_large_file_reads_the_same_into_huge_memory_and_a_small_one_into_a_vec() {
        let dir = tempfile::tempdir().unwrap();
        for size in [
            0usize,
            10,
            4095,
            HUGE_FROM as usize - 1,
            HUGE_FROM as usize,
            2 << 20,
            (2 << 20) + 7,
            3 << 20,
        ] {
            let text: String = (0..size).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let p = dir.path().join(format!("f{size}"));
            std::fs::write(&p, &text).unwrap();
            let Ok(got) = read_path(&p, u64::MAX / 2) else {
                panic!("read {size}")
            };
            assert_eq!(&*got, text, "{size} bytes");
            assert_eq!(
                got.is_huge(),
                cfg!(target_os = "linux") && size as u64 >= HUGE_FROM,
                "{size}"
            );
            assert_eq!(got.clone(), got);
            assert!(!got.clone().is_huge());
        }
    }

    #[test]
    fn more_than_the_limit_is_refused_on_both_paths() {
        let dir = tempfile::tempdir().unwrap();
        for size in [100usize, 1 << 20] {
            let p = dir.path().join("f");
            std::fs::write(&p, vec![b'x'; size]).unwrap();
            let mut f = std::fs::File::open(&p).unwrap();
            // Told the file is smaller than it is, as when it grew after it was measured.
            match read(&mut f, size as u64 / 2, size as u64 - 1) {
                Err(Failed::TooLarge(n)) => assert_eq!(n, size as u64),
                _ => panic!("{size}: not refused"),
            }
        }
    }

    #[test]
    fn a_file_that_grew_past_its_room_is_read_whole_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let size = (2 << 20) + 100;
        std::fs::write(&p, vec![b'y'; size]).unwrap();
        let mut f = std::fs::File::open(&p).unwrap();
        // Measured at HUGE_FROM bytes: the 2 MiB room fills, so it is read again.
        let Ok(got) = read(&mut f, HUGE_FROM, u64::MAX / 2).map(FileText::checked) else {
            panic!()
        };
        assert_eq!(got.len(), size);
        assert!(!got.is_huge());
    }

    #[test]
    fn the_utf8_error_is_where_the_standard_library_says() {
        assert_eq!(utf8_error_at(b"abc"), None);
        assert_eq!(utf8_error_at("é€😀".as_bytes()), None);
        assert_eq!(utf8_error_at(b"ab\xffc"), Some(2));
        let mut long = vec![b'a'; 100_000];
        long[77_777] = 0xc3;
        assert_eq!(utf8_error_at(&long), Some(77_777));
    }
}
