//! `awsprof --version` names the commit it was built from: the one recorded in a packaged
//! crate (`.cargo_vcs_info.json`, which `cargo package` writes), else, for a release build,
//! the git checkout's HEAD when this crate is a file of that checkout. A debug build of a
//! checkout names none: it would have to be built again after every commit (the tests
//! refuse binaries older than a file they were built from), a cost for every developer and
//! nothing for anyone who installs. Without git or a recorded commit the version is the
//! package's alone; nothing here can fail the build.

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&dir);
    println!("cargo:rerun-if-changed=build.rs");
    // Only files that exist: cargo runs this again on every build for one that does not,
    // and the tests refuse a binary older than (or built from) a file that is gone.
    if dir.join(".cargo_vcs_info.json").exists() {
        println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    }
    // "release" for the release profile and those that inherit from it.
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let commit = packaged_commit(dir).or_else(|| release.then(|| checkout_commit(dir)).flatten());
    let suffix = match commit {
        Some(c) => format!(" (commit {c})"),
        None => String::new(),
    };
    println!("cargo:rustc-env=AWSPROF_BUILD_COMMIT={suffix}");
}

/// The commit `cargo package` recorded: `{"git": {"sha1": "...", "dirty": true}}`, marked
/// when the work tree had changes the commit does not hold.
fn packaged_commit(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    // A small fixed format: no JSON parser in the build of every user for one field.
    let at = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    let sha = short(rest.strip_prefix('"')?.split('"').next()?)?;
    let dirty = text
        .split_whitespace()
        .collect::<String>()
        .contains("\"dirty\":true");
    Some(if dirty {
        format!("{sha}, modified")
    } else {
        sha
    })
}

/// HEAD of the git checkout this crate is part of, when git is there and tracks this file
/// (so a copy of the sources unpacked inside some other repository names no commit of it).
fn checkout_commit(dir: &Path) -> Option<String> {
    git(dir, &["ls-files", "--error-unmatch", "build.rs"])?;
    let sha = git(dir, &["rev-parse", "HEAD"])?;
    // Build again when HEAD moves: the file HEAD and the branch it names (a commit rewrites
    // that branch's own file). Not packed-refs, which other worktrees of the repository
    // rewrite: each time, this would run again and leave the binary older than a file it
    // was built from.
    for path in [
        git(dir, &["rev-parse", "--git-path", "HEAD"]),
        git(dir, &["symbolic-ref", "-q", "HEAD"])
            .and_then(|r| git(dir, &["rev-parse", "--git-path", &r])),
    ]
    .into_iter()
    .flatten()
    {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    short(&sha)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The first 12 hex digits, as `git log --abbrev=12` shows them; anything else is no commit.
fn short(sha: &str) -> Option<String> {
    (sha.len() >= 12 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha[..12].to_string())
}
