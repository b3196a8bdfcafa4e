//! Hostile input: huge, deep, binary or broken files, and a disk that fills during a
//! write. Each is read correctly or refused with a clear error that says what and where,
//! and a refused edit leaves both files exactly as they were, byte for byte.
//!
//! The big inputs are generated here, at test time; none is committed.

use crate::support::{self, fails_clearly, AwsHome};

/// Both files' bytes, to compare after a refused edit.
fn snapshot(home: &AwsHome) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(home.config()).unwrap(),
        std::fs::read(home.credentials()).unwrap(),
    )
}

/// The names in the `.aws` directory other than the lock files, which an edit leaves.
fn aws_dir_entries(home: &AwsHome) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(home.aws_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    names.sort();
    names
}

/// Every editing command on `profile`, each refused with `needles`, files untouched.
fn edits_are_refused(home: &AwsHome, profile: &str, needles: &[&str]) {
    let before = snapshot(home);
    for args in [
        &["set", "region", "eu-west-1", "--profile", profile][..],
        &[
            "set",
            "aws_access_key_id",
            "AKIAIOSFODNN7EXAMPLE",
            "--profile",
            profile,
        ],
        &["remove", profile, "--yes"],
        &["rename", profile, "renamed"],
    ] {
        fails_clearly(&home.run(args), needles);
        assert!(snapshot(home) == before, "awsprof {args:?} changed a file");
    }
    assert_eq!(aws_dir_entries(home), ["config", "credentials"]);
}

#[test]
fn a_million_profiles_are_listed_read_and_edited() {
    let mut text = String::with_capacity(40 << 20);
    for i in 0..1_000_000 {
        text.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
    }
    let home = AwsHome::with(&text, "");
    let out = home.run(&["list"]);
    assert_eq!(support::stdout_ok(&out).lines().count(), 1_000_000);
    let out = home.run(&["get", "region", "--profile", "p999999"]);
    assert_eq!(support::stdout_ok(&out), "us-east-1\n");
    support::stdout_ok(&home.run(&["set", "region", "eu-west-1", "--profile", "p500000"]));
    let after = std::fs::read_to_string(home.config()).unwrap();
    let expected = text.replacen(
        "[profile p500000]\nregion = us-east-1\n",
        "[profile p500000]\nregion = eu-west-1\n",
        1,
    );
    assert!(after == expected, "only that one line changed");
}

#[test]
fn one_megabyte_lines() {
    let mb = 1 << 20;
    let value: String = "v".repeat(mb);
    let name: String = "n".repeat(mb);
    let home = AwsHome::with(
        &format!("[profile big]\nregion = {value}\n[profile {name}]\nk = v\n"),
        "",
    );
    let out = home.run(&["get", "region", "--profile", "big"]);
    assert!(support::stdout_ok(&out) == format!("{value}\n"));
    let out = home.run(&["list"]);
    assert!(support::stdout_ok(&out).lines().any(|l| l == name));
    // A megabyte of text that is no property is refused at its line.
    let broken = format!("[default]\nregion = x\n{}\n", "x".repeat(mb));
    std::fs::write(home.config(), &broken).unwrap();
    fails_clearly(
        &home.run(&["show"]),
        &["~/.aws/config:3:", "Expected an '=' sign"],
    );
    edits_are_refused(&home, "default", &["~/.aws/config:3:"]);
    // A long value is written and read back (100 KB: Linux takes no longer argument).
    let long = "w".repeat(100 << 10);
    std::fs::write(home.config(), "[default]\n").unwrap();
    support::stdout_ok(&home.run(&["set", "output", &long]));
    assert!(support::stdout_ok(&home.run(&["get", "output"])) == format!("{long}\n"));
}

#[test]
fn a_source_profile_chain_of_ten_thousand_hops() {
    let mut config = String::new();
    for i in 1..=10_000 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/R{i}\nsource_profile = p{}\n",
            i - 1
        ));
    }
    let keys = "[p0]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n";
    // doctor walks the chain once: no finding for it, and each broken profile named.
    let broken = format!(
        "{config}[profile x1]\nrole_arn = r\nsource_profile = gone\n[profile x2]\nrole_arn = r\nsource_profile = x1\n\
         [profile l0]\nrole_arn = r\nsource_profile = l1\n[profile l1]\nrole_arn = r\nsource_profile = l0\n"
    );
    let out = AwsHome::with(&broken, keys).run(&["doctor"]);
    let all = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!support::stderr(&out).contains("panicked"));
    let errors: Vec<&str> = all.lines().filter(|l| l.contains("chains")).collect();
    assert_eq!(errors.len(), 4, "x1, x2, l0, l1: {errors:?}");
    assert!(
        errors.iter().any(|l| l.contains("l0 -> l1 -> l0")),
        "{errors:?}"
    );
    // A loop of 10,000 too, for export. (doctor names a loop once for each profile on it,
    // each message as long as the loop: the loop of two above shows that.)
    for i in 0..10_000 {
        config.push_str(&format!(
            "[profile l{i}]\nrole_arn = arn:aws:iam::123456789012:role/L\nsource_profile = l{}\n",
            (i + 1) % 10_000
        ));
    }
    let home = AwsHome::with(&config, keys);
    // export resolves the 10,000 roles (no stack overflow), then fails at the first
    // call: nothing listens where STS is said to be.
    let mut cmd = home.cmd();
    cmd.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .args(["export", "p10000"]);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("overflow") && !stderr.contains("panicked"),
        "{stderr}"
    );
    fails_clearly(&home.run(&["export", "l5"]), &["infinite loop", "l5 -> l6"]);
}

#[test]
fn bytes_that_are_not_text_are_refused_and_never_overwritten() {
    let cases: [(&str, &[u8], &[&str]); 5] = [
        (
            "a non-UTF-8 profile name",
            b"[profile caf\xe9]\nregion = x\n",
            &["~/.aws/config:1:", "not valid UTF-8"],
        ),
        (
            "invalid UTF-8 in a value",
            b"[profile dev]\nregion = us-east-1\nrole_arn = arn:\xff\xfe\n",
            &["~/.aws/config:3:", "not valid UTF-8"],
        ),
        (
            "a NUL byte",
            b"[profile dev]\nregion = us\0east-1\n",
            &["~/.aws/config:2:", "NUL byte"],
        ),
        (
            "a truncated UTF-8 sequence at the end",
            b"[profile dev]\nregion = \xe2\x82",
            &["~/.aws/config:2:", "not valid UTF-8"],
        ),
        (
            "binary",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
            &["~/.aws/config:1:", "NUL byte"],
        ),
    ];
    for (what, bytes, needles) in cases {
        let home = AwsHome::with(
            "",
            "[dev]\naws_access_key_id = A\naws_secret_access_key = s\n",
        );
        std::fs::write(home.config(), bytes).unwrap();
        for args in [&["list"][..], &["show", "dev"], &["doctor"]] {
            let out = home.run(args);
            if args[0] == "doctor" {
                let shown = String::from_utf8_lossy(&out.stdout);
                assert!(shown.contains(needles[1]), "{what}: doctor: {shown}");
            } else {
                fails_clearly(&out, needles);
            }
        }
        edits_are_refused(&home, "dev", needles);
        // The same bytes in the credentials file.
        let home = AwsHome::with("[profile dev]\nregion = x\n", "");
        std::fs::write(home.credentials(), bytes).unwrap();
        let needles: Vec<String> = needles
            .iter()
            .map(|n| n.replace("config", "credentials"))
            .collect();
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        fails_clearly(&home.run(&["list"]), &needles);
        edits_are_refused(&home, "dev", &needles);
    }
}

#[test]
fn non_utf8_arguments_are_refused_without_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let home = AwsHome::with("[profile dev]\nregion = x\n", "");
    let before = snapshot(&home);
    let bad = std::ffi::OsStr::from_bytes(b"d\xffv");
    for args in [
        vec![std::ffi::OsStr::new("show"), bad],
        vec!["set".as_ref(), "region".as_ref(), bad],
        vec!["rename".as_ref(), "dev".as_ref(), bad],
    ] {
        let out = home.cmd().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("UTF-8"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(snapshot(&home) == before);
}

/// A tmpfs of `size` mounted on `dir` for the test's length.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output()
            .expect("mount(8) is needed: apt-get install mount");
        assert!(
            out.status.success(),
            "this test fills a small disk and needs to mount a tmpfs, which takes root (CI runs as root) or CAP_SYS_ADMIN: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_disk_that_fills_during_a_write_leaves_the_files_as_they_were() {
    let home = AwsHome::new();
    let _disk = Tmpfs::mount(&home.aws_dir(), "512k");
    // 300 KB of profiles: writing the new file beside it needs more than what is left.
    let mut config = String::new();
    let mut i = 0;
    while config.len() < 300 << 10 {
        config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
        i += 1;
    }
    std::fs::write(home.config(), &config).unwrap();
    std::fs::write(
        home.credentials(),
        "[p0]\naws_access_key_id = A\naws_secret_access_key = s\n",
    )
    .unwrap();
    let before = snapshot(&home);
    for args in [
        &["set", "region", "eu-west-1", "--profile", "p1"][..],
        &["rename", "p0", "first"],
        &["remove", "p2", "--yes"],
    ] {
        fails_clearly(&home.run(args), &["~/.aws/", "No space left on device"]);
        assert!(snapshot(&home) == before, "awsprof {args:?} changed a file");
        assert_eq!(
            aws_dir_entries(&home),
            ["config", "credentials"],
            "no temporary file left"
        );
    }
    // Once there is room again, the same edit goes through.
    std::fs::write(home.credentials(), "").unwrap();
    let small: String = config.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(home.config(), &small).unwrap();
    support::stdout_ok(&home.run(&["set", "region", "eu-west-1", "--profile", "p1"]));
}
