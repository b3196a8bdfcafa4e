//! Bad input gets a clear error that names the file (and line), exit status 1, no panic.

use crate::support;
use crate::support::{fails_clearly, AwsHome};
use std::io::Write;

fn home_with_config_bytes(bytes: &[u8]) -> AwsHome {
    let home = AwsHome::with("", "");
    std::fs::write(home.config(), bytes).unwrap();
    home
}

#[test]
fn malformed_line_names_file_and_line_with_tilde() {
    let home = AwsHome::with("[default]\nregion = x\n\nthis line has no equals\n", "");
    for args in [
        &["list"][..],
        &["show"],
        &["get", "region"],
        &["list", "--json"],
    ] {
        fails_clearly(
            &home.run(args),
            &[
                "~/.aws/config:4:",
                "Expected an '=' sign defining a property",
            ],
        );
    }
}

#[test]
fn credentials_errors_name_the_credentials_file() {
    let home = AwsHome::with("[default]\n", "[default\n");
    fails_clearly(
        &home.run(&["list"]),
        &["~/.aws/credentials:1:", "must end with ']'"],
    );
}

#[test]
fn non_utf8_bytes_are_refused_with_their_line() {
    let home = home_with_config_bytes(b"[default]\nregion = caf\xe9\n");
    fails_clearly(
        &home.run(&["list"]),
        &["~/.aws/config:2:", "not valid UTF-8"],
    );
}

#[test]
fn nul_byte_is_refused() {
    let home = home_with_config_bytes(b"[default]\nregion = a\0b\n");
    fails_clearly(&home.run(&["show"]), &["~/.aws/config:2:", "NUL byte"]);
}

#[test]
fn directory_instead_of_file() {
    let home = AwsHome::new();
    std::fs::create_dir_all(home.config()).unwrap();
    fails_clearly(&home.run(&["list"]), &["~/.aws/config", "is a directory"]);
}

#[test]
fn unreadable_file() {
    let home = AwsHome::with("[default]\nregion = x\n", "");
    let mut cmd = home.cmd();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads anything: run as nobody, which can still reach the files (0755 dirs).
    if nix_is_root() {
        support::require("setpriv", &["--version"]);
        for dir in [home.path().to_path_buf(), home.aws_dir()] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut wrapped = std::process::Command::new("setpriv");
        home.isolate(&mut wrapped);
        wrapped
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(support::bin())
            .arg("list");
        cmd = wrapped;
    } else {
        cmd.arg("list");
    }
    let out = cmd.output().unwrap();
    fails_clearly(&out, &["~/.aws/config", "ermission denied"]);
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn twenty_megabytes_of_binary_garbage() {
    // Deterministic pseudo-random bytes (xorshift), 20 MiB.
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut bytes = Vec::with_capacity(20 << 20);
    while bytes.len() < 20 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let home = home_with_config_bytes(&bytes);
    fails_clearly(&home.run(&["list"]), &["~/.aws/config"]);
}

#[test]
fn twenty_megabyte_line_of_text() {
    let mut text = b"[default]\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 20 << 20));
    let home = home_with_config_bytes(&text);
    fails_clearly(
        &home.run(&["show"]),
        &["~/.aws/config:2:", "Expected an '=' sign"],
    );
}

#[test]
fn twenty_megabytes_of_valid_profiles_are_read() {
    let mut text = String::with_capacity(21 << 20);
    let mut n = 0;
    while text.len() < 20 << 20 {
        text.push_str(&format!(
            "[profile p{n}]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/R{n}\nsource_profile = default\n\n"
        ));
        n += 1;
    }
    let home = AwsHome::with(&text, "");
    let out = home.run(&["list"]);
    assert_eq!(support::stdout_ok(&out).lines().count(), n);
    let out = home.run(&["get", "region", "--profile", &format!("p{}", n - 1)]);
    assert_eq!(support::stdout_ok(&out), "us-east-1\n");
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let home = AwsHome::with("", "");
    let f = std::fs::File::create(home.config()).unwrap();
    // Sparse: no disk used, but far past the limit.
    f.set_len(awsprof_core_limit() + 1).unwrap();
    fails_clearly(&home.run(&["list"]), &["~/.aws/config", "larger than"]);
}

fn awsprof_core_limit() -> u64 {
    256 * 1024 * 1024
}

#[test]
fn missing_files_are_an_empty_set() {
    let home = AwsHome::new();
    let out = home.run(&["list"]);
    assert_eq!(support::stdout_ok(&out), "");
    let out = home.run(&["list", "--json"]);
    assert_eq!(support::stdout_ok(&out).trim(), "[]");
}

#[test]
fn unknown_profile_suggests_the_closest_name() {
    let home = AwsHome::with("[profile production]\nregion = x\n[profile staging]\n", "");
    let stderr = fails_clearly(
        &home.run(&["show", "prodution"]),
        &["`prodution` not found"],
    );
    assert!(stderr.contains("did you mean `production`"), "{stderr}");
    let stderr = fails_clearly(
        &home.run(&["get", "region", "--profile", "zzz"]),
        &["`zzz` not found"],
    );
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn bad_usage_exits_2() {
    let home = AwsHome::new();
    let out = home.run(&["list", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = home.run(&["get", "a..b"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn writing_to_a_closed_pipe_is_quiet() {
    let mut text = String::new();
    for n in 0..20000 {
        text.push_str(&format!("[profile p{n}]\n"));
    }
    let home = AwsHome::with(&text, "");
    let mut child = home
        .cmd()
        .arg("list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::io::stderr().flush();
}
