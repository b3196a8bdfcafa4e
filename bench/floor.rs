//! The floor of the awsprof benchmark: the least any profile tool must do, which is to
//! read both shared files. Built by bench/run.py with rustc; it parses nothing.
//! Locates the files like the SDKs (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else
//! ~/.aws/...), reads them whole, and exits.

use std::env;
use std::fs;
use std::hint::black_box;
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

fn main() {
    let config = fs::read(locate("AWS_CONFIG_FILE", "config")).unwrap_or_default();
    let credentials = fs::read(locate("AWS_SHARED_CREDENTIALS_FILE", "credentials")).unwrap_or_default();
    black_box((config, credentials));
}
