//! The floor of the awsprof benchmark: the least any profile tool must do, which is to
//! read both shared files. Built by bench/run.py with rustc; it parses nothing.
//! Locates the files like the SDKs (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else
//! ~/.aws/...), reads them whole, and exits.
//!
//! `floor` reads each file into a `Vec` (`std::fs::read`): the floor the issue sets.
//! `floor --huge` reads them as awsprof does (crates/awsprof-core/src/filetext.rs): a file
//! of 512 KiB or more into 2 MiB-aligned memory advised MADV_HUGEPAGE (Linux), so the
//! bench can say how much of awsprof's time is reading and how much is parsing.

use std::env;
use std::fs;
use std::hint::black_box;
use std::io::Read;
use std::path::PathBuf;

fn locate(var: &str, file: &str) -> PathBuf {
    match env::var_os(var) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            let mut p = PathBuf::from(env::var_os("HOME").unwrap_or_default());
            p.push(".aws");
            p.push(file);
            p
        }
    }
}

#[cfg(target_os = "linux")]
mod huge {
    use std::ffi::c_void;
    extern "C" {
        fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut c_void;
        fn madvise(addr: *mut c_void, len: usize, advice: i32) -> i32;
    }
    const PROT_READ: i32 = 1;
    const PROT_WRITE: i32 = 2;
    const MAP_PRIVATE: i32 = 2;
    const MAP_ANONYMOUS: i32 = 0x20;
    const MADV_HUGEPAGE: i32 = 14;
    const HUGE: usize = 2 << 20;

    /// Zeroed memory of `len` bytes rounded up to 2 MiB, aligned to 2 MiB, advised for
    /// huge pages (never unmapped: the process ends).
    pub fn buffer(len: usize) -> &'static mut [u8] {
        let cap = (len + 1).next_multiple_of(HUGE);
        // SAFETY: a new private anonymous mapping, zero-filled by the kernel.
        unsafe {
            let raw = mmap(std::ptr::null_mut(), cap + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            assert!(raw as isize != -1, "mmap");
            let aligned = (raw as usize).next_multiple_of(HUGE) as *mut u8;
            madvise(aligned.cast(), cap, MADV_HUGEPAGE);
            std::slice::from_raw_parts_mut(aligned, cap)
        }
    }
}

fn read(path: PathBuf, huge: bool) -> Vec<u8> {
    #[cfg(target_os = "linux")]
    if huge {
        if let Ok(mut f) = fs::File::open(&path) {
            let size = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
            if size >= 512 * 1024 {
                let buf = huge::buffer(size);
                let mut len = 0;
                while let Ok(n) = f.read(&mut buf[len..]) {
                    if n == 0 {
                        break;
                    }
                    len += n;
                }
                black_box(&buf[..len]);
                return Vec::new();
            }
        }
    }
    let _ = huge;
    let mut bytes = Vec::new();
    if let Ok(mut f) = fs::File::open(&path) {
        let _ = f.read_to_end(&mut bytes);
    }
    bytes
}

fn main() {
    let huge = env::args().nth(1).as_deref() == Some("--huge");
    let config = read(locate("AWS_CONFIG_FILE", "config"), huge);
    let credentials = read(locate("AWS_SHARED_CREDENTIALS_FILE", "credentials"), huge);
    black_box((config, credentials));
}
