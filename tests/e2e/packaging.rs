//! Ready to publish: each crate's package holds what it builds from, its metadata is
//! complete, and the program says which commit it was built from. scripts/package (run by
//! CI) packages, builds and installs the crates from their packages; these are the checks
//! that need no build.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `cargo ARGS` prints in the repository; it must succeed.
fn cargo(args: &[&str]) -> Vec<u8> {
    let out = Command::new("cargo")
        .args(args)
        .current_dir(support::repo_root())
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The published crates, from `cargo metadata` (no build, no network).
fn published() -> Vec<serde_json::Value> {
    let out = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]);
    let meta: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let packages = meta["packages"].as_array().unwrap().clone();
    // `publish: []` is `publish = false`.
    packages
        .into_iter()
        .filter(|p| p["publish"].as_array().is_none_or(|a| !a.is_empty()))
        .collect()
}

#[test]
fn the_published_crates_have_complete_metadata_and_name_each_other_by_version() {
    let crates = published();
    let names: Vec<&str> = crates.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for p in &crates {
        let name = p["name"].as_str().unwrap();
        for key in ["description", "license", "readme", "rust_version"] {
            assert!(
                p[key].as_str().is_some_and(|v| !v.is_empty()),
                "{name}: no {key}"
            );
        }
        let dir = Path::new(p["manifest_path"].as_str().unwrap())
            .parent()
            .unwrap();
        assert!(
            dir.join(p["readme"].as_str().unwrap()).is_file(),
            "{name}: its readme is not there"
        );
        let keywords = p["keywords"].as_array().unwrap();
        assert!((1..=5).contains(&keywords.len()), "{name}: {keywords:?}");
        assert!(
            !p["categories"].as_array().unwrap().is_empty(),
            "{name}: no categories"
        );
        // A repository field must be the project's own; there is none yet.
        assert!(p["repository"].is_null(), "{name}: {}", p["repository"]);
        let version = p["version"].as_str().unwrap();
        for dep in p["dependencies"].as_array().unwrap() {
            if dep["path"].is_string() && dep["kind"].is_null() {
                assert_eq!(
                    dep["req"].as_str(),
                    Some(format!("^{version}").as_str()),
                    "{name} depends on {} by path without its version: its package could not name it",
                    dep["name"]
                );
            }
        }
    }
}

/// The files `cargo package` puts in the package of `name` (no build, no network).
fn packaged(name: &str) -> Vec<String> {
    let out = cargo(&[
        "package",
        "--list",
        "--offline",
        "--locked",
        "--allow-dirty",
        "-p",
        name,
    ]);
    String::from_utf8_lossy(&out)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A dual licence is two texts, and each package must carry both (`license-file` names
/// one): the package of every published crate holds LICENSE-MIT and LICENSE-APACHE, the
/// same bytes as the repository's (a checkout that turned the links into text would not).
#[test]
fn every_published_package_carries_both_licence_texts() {
    let root = support::repo_root();
    let crates = published();
    assert_eq!(crates.len(), 3);
    for p in &crates {
        let name = p["name"].as_str().unwrap();
        assert_eq!(p["license"], "MIT OR Apache-2.0", "{name}");
        let files = packaged(name);
        let dir = Path::new(p["manifest_path"].as_str().unwrap())
            .parent()
            .unwrap();
        for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
            assert!(
                files.iter().any(|f| f == licence),
                "{name}: {licence} is not in its package: {files:?}"
            );
            assert_eq!(
                std::fs::read(dir.join(licence)).unwrap(),
                std::fs::read(root.join(licence)).unwrap(),
                "{name}: its {licence} is not the repository's"
            );
        }
    }
}

/// The literal paths of `include_str!` and `include_bytes!` in a Rust file.
fn embedded(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for mac in ["include_str!(\"", "include_bytes!(\""] {
        for (at, _) in text.match_indices(mac) {
            let rest = &text[at + mac.len()..];
            if let Some(end) = rest.find('"') {
                paths.push(rest[..end].to_string());
            }
        }
    }
    paths
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What a crate's code embeds is inside the crate, so inside its package (the shell
/// scripts were once read from the top of the repository, and the package could not build).
#[test]
fn every_published_crate_embeds_only_files_inside_it() {
    let mut checked = 0;
    for p in published() {
        let dir = Path::new(p["manifest_path"].as_str().unwrap())
            .parent()
            .unwrap();
        let dir = dir.canonicalize().unwrap();
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for rel in embedded(&text) {
                let target = file.parent().unwrap().join(&rel);
                let target = target
                    .canonicalize()
                    .unwrap_or_else(|e| panic!("{}: {rel}: {e}", file.display()));
                assert!(
                    target.starts_with(&dir),
                    "{} embeds {rel}, outside its crate {}",
                    file.display(),
                    dir.display()
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 8,
        "only {checked} embedded files found: is the scan right?"
    );
}

/// A debug build of a checkout (what the tests run) names no commit, so that a commit
/// does not make it stale; the release build's and the packages' commit is checked by
/// scripts/package.
#[test]
fn a_debug_build_of_the_checkout_says_the_version_alone() {
    let version = env!("CARGO_PKG_VERSION");
    for bin in [support::bin(), support::net_bin()] {
        let out = Command::new(&bin).arg("--version").output().unwrap();
        // awsprof-net is the same command line: it says `awsprof` too.
        assert_eq!(
            support::stdout_ok(&out).trim(),
            format!("awsprof {version}")
        );
    }
}
