//! One file named as both the config and the credentials file: the same path in
//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, or two names of one file (a
//! symbolic link, a hard link). It reads as the SDKs read it (as a config file and as a
//! credentials file, merged; the SDK for Rust agrees, tests/differential.rs in the core),
//! and an edit that touches both kinds of section never overwrites itself: one lock, one
//! write.

use crate::support::{self, AwsHome};
use std::path::{Path, PathBuf};

const BOTH: &str = "[default]\nregion = us-east-1\n\n[profile a]\nregion = eu-west-1\n\n[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n";

fn run(home: &AwsHome, config: &Path, credentials: &Path, args: &[&str]) -> String {
    let out = home
        .cmd()
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_SHARED_CREDENTIALS_FILE", credentials)
        .args(args)
        .output()
        .unwrap();
    support::stdout_ok(&out)
}

/// The ways to name one file twice: (config path, credentials path, the file itself).
fn namings(home: &AwsHome) -> Vec<(&'static str, PathBuf, PathBuf, PathBuf)> {
    let dir = home.path();
    let file = dir.join("both");
    let symlink = dir.join("link");
    let hardlink = dir.join("hard");
    std::fs::write(&file, BOTH).unwrap();
    std::os::unix::fs::symlink(&file, &symlink).unwrap();
    std::fs::hard_link(&file, &hardlink).unwrap();
    vec![
        ("one path", file.clone(), file.clone(), file.clone()),
        ("a symbolic link", file.clone(), symlink, file.clone()),
        ("a hard link", hardlink, file.clone(), file),
    ]
}

#[test]
fn one_file_named_twice_reads_as_both_files() {
    let home = AwsHome::new();
    for (how, config, credentials, _) in namings(&home) {
        assert_eq!(
            run(&home, &config, &credentials, &["list"]),
            "a\ndefault\n",
            "{how}"
        );
        let shown = run(
            &home,
            &config,
            &credentials,
            &["show", "a", "--json", "--reveal"],
        );
        let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(v["properties"]["region"], "eu-west-1", "{how}");
        assert_eq!(
            v["properties"]["aws_access_key_id"], "AKIAIOSFODNN7EXAMPLE",
            "{how}"
        );
    }
}

#[test]
fn an_edit_of_both_kinds_of_section_is_written_once_and_whole() {
    for i in 0..2 {
        let home = AwsHome::new();
        let (how, config, credentials, file) = namings(&home).swap_remove(i);
        // Without its third name, which would make every edit refused (below).
        std::fs::remove_file(home.path().join("hard")).unwrap();
        // `[profile a]` (config) and `[a]` (credentials) both change: editing two copies
        // of the file and writing each would lose one of the renames.
        run(&home, &config, &credentials, &["rename", "a", "z"]);
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text,
            BOTH.replace("[profile a]", "[profile z]")
                .replace("[a]", "[z]"),
            "{how}"
        );
        // A config key and a credentials key in a row, each kept.
        run(
            &home,
            &config,
            &credentials,
            &["set", "output", "json", "--profile", "z"],
        );
        run(
            &home,
            &config,
            &credentials,
            &["set", "aws_session_token", "t", "--profile", "z"],
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("[profile z]\nregion = eu-west-1\noutput = json\n"),
            "{how}: {text}"
        );
        assert!(
            text.contains("aws_secret_access_key = s\naws_session_token = t\n"),
            "{how}: {text}"
        );
        // One lock for the one file, and the link is still a link to it.
        let locks: Vec<String> = std::fs::read_dir(home.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".lock"))
            .collect();
        assert_eq!(locks, [".both.lock"], "{how}");
        let link = std::fs::symlink_metadata(home.path().join("link")).unwrap();
        assert!(link.file_type().is_symlink(), "{how}");
    }
}

/// A file with two names (hard links) cannot be replaced without splitting them: every
/// edit is refused, saying so, and nothing changes.
#[test]
fn an_edit_through_a_hard_link_is_refused() {
    let home = AwsHome::new();
    let (_, config, credentials, file) = namings(&home).swap_remove(2);
    let out = home
        .cmd()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["set", "output", "json", "--profile", "a"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("hard links") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), BOTH);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), BOTH);
}
