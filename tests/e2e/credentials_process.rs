//! `credential_process`: a real script prints the credentials; awsprof checks them, passes
//! the script's stderr through, and turns every failure into a clear error with nothing on
//! stdout.

use crate::support::*;
use std::process::Output;
use std::time::{Duration, Instant};

fn home_with_script(body: &str) -> AwsHome {
    let home = AwsHome::new();
    std::fs::create_dir_all(home.aws_dir()).unwrap();
    let script = home.path().join("creds.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(
        home.config(),
        format!(
            "[profile proc]\nregion = eu-west-1\ncredential_process = {} --profile proc\n",
            script.display()
        ),
    )
    .unwrap();
    home
}

fn export(home: &AwsHome, timeout: &str) -> Output {
    home.cmd()
        .args(["export", "proc"])
        .env("AWSPROF_PROCESS_TIMEOUT", timeout)
        .output()
        .unwrap()
}

fn failed(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn good_json_is_exported_and_stderr_passes_through() {
    let expires = python_utc_in(3600);
    let home = home_with_script(&format!(
        r#"echo "process says hello ($1 $2)" >&2
printf '{{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "sec/ret", "SessionToken": "tok", "Expiration": "{expires}"}}'"#
    ));
    let out = export(&home, "10");
    let text = stdout_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("process says hello (--profile proc)"),
        "{stderr}"
    );
    // Evaluated by a real shell, the values are exactly what the process printed.
    let got = bash(
        &home,
        &format!("{text}\nprintf '%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_CREDENTIAL_EXPIRATION\""),
        &[],
    );
    assert_eq!(
        stdout_ok(&got),
        format!("ASIAPROCESS|sec/ret|tok|{expires}")
    );
}

#[test]
fn bad_json_is_a_clear_error_that_does_not_echo_the_output() {
    let home = home_with_script("echo 'AccessKeyId=AKIASECRETISH not json'");
    let err = failed(&export(&home, "10"));
    assert!(err.contains("profile `proc`: credential_process"), "{err}");
    assert!(err.contains("printed no valid JSON"), "{err}");
    assert!(
        !err.contains("AKIASECRETISH"),
        "output is not echoed: {err}"
    );
}

#[test]
fn missing_fields_and_wrong_version_are_named() {
    let home =
        home_with_script(r#"echo '{"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"}'"#);
    assert!(failed(&export(&home, "10")).contains("Version 2"));
    let home = home_with_script(r#"echo '{"Version": 1, "AccessKeyId": "a"}'"#);
    assert!(failed(&export(&home, "10")).contains("SecretAccessKey"));
}

#[test]
fn expired_credentials_from_the_process_are_refused() {
    let home = home_with_script(&format!(
        r#"echo '{{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "{}"}}'"#,
        python_utc_in(-60)
    ));
    let err = failed(&export(&home, "10"));
    assert!(err.contains("expired at"), "{err}");
}

#[test]
fn non_zero_exit_is_an_error_with_the_process_messages() {
    let home = home_with_script("echo 'token for you: none, SSO session ended' >&2\nexit 3");
    let err = failed(&export(&home, "10"));
    assert!(
        err.contains("token for you: none, SSO session ended"),
        "{err}"
    );
    assert!(err.contains("exited with status 3"), "{err}");
}

#[test]
fn a_hanging_process_is_stopped_after_the_timeout() {
    let home = home_with_script("echo waiting >&2\nsleep 30\necho '{}'");
    let start = Instant::now();
    let err = failed(&export(&home, "1"));
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "took {:?}",
        start.elapsed()
    );
    assert!(err.contains("did not finish within 1s"), "{err}");
    assert!(err.contains("AWSPROF_PROCESS_TIMEOUT"), "{err}");
}
