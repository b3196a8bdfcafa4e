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

/// A home whose profiles `cached` (with `awsprof_cache_process = true`) and `plain` run
/// one script that counts its runs in `runs` and prints credentials expiring in
/// `expires_in` seconds (none when `None`).
fn counting_home(expires_in: Option<i64>) -> AwsHome {
    let home = AwsHome::new();
    std::fs::create_dir_all(home.aws_dir()).unwrap();
    let script = home.path().join("creds.sh");
    let expiration = expires_in
        .map(|s| format!(r#", "Expiration": "{}""#, python_utc_in(s)))
        .unwrap_or_default();
    write_executable(
        &script,
        &format!(
            "#!/bin/sh\necho run >> \"$HOME/runs\"\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"ASIA%s\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\"{expiration}}}' \"$$\"\n"
        ),
    );
    std::fs::write(
        home.config(),
        format!(
            "[profile cached]\ncredential_process = {0} --x\nawsprof_cache_process = true\n\
             [profile other]\ncredential_process = {0} --x\nawsprof_cache_process = TRUE\n\
             [profile plain]\ncredential_process = {0} --x\n\
             [profile bad]\ncredential_process = {0} --x\nawsprof_cache_process = yes\n",
            script.display()
        ),
    )
    .unwrap();
    home
}

fn runs(home: &AwsHome) -> usize {
    read(home.path().join("runs")).lines().count()
}

fn key_of(home: &AwsHome, profile: &str) -> String {
    let out = home
        .cmd()
        .args(["export", profile, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    v["AWS_ACCESS_KEY_ID"].as_str().unwrap().to_string()
}

/// The cache file of a profile's process output: SHA-1 of the command line and profile
/// as Python's json.dumps(sort_keys=True) writes them.
fn process_cache_file(home: &AwsHome, profile: &str) -> std::path::PathBuf {
    let command = format!("{} --x", home.path().join("creds.sh").display());
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import json,hashlib,sys; print(hashlib.sha1(json.dumps({'CredentialProcess': sys.argv[1], 'Profile': sys.argv[2]}, sort_keys=True).encode()).hexdigest())",
            &command,
            profile,
        ])
        .output()
        .unwrap();
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    home.aws_dir().join(format!("cli/cache/{key}.json"))
}

#[test]
fn process_output_is_cached_only_when_the_profile_asks_until_five_minutes_before_expiry() {
    let home = counting_home(Some(3600));
    let first = key_of(&home, "cached");
    assert_eq!(key_of(&home, "cached"), first, "served from the cache");
    assert_eq!(runs(&home), 1);
    let file = process_cache_file(&home, "cached");
    assert!(file.is_file(), "{}", file.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The key covers the profile: the same command for another profile runs again.
    assert_ne!(key_of(&home, "other"), first);
    assert_eq!(runs(&home), 2);
    // Without the setting, every export runs the program and nothing is cached for it.
    key_of(&home, "plain");
    key_of(&home, "plain");
    assert_eq!(runs(&home), 4);
    assert!(!process_cache_file(&home, "plain").exists());
    // Within five minutes of its Expiration the entry is not used: the program runs.
    let mut v: serde_json::Value = serde_json::from_str(&read(&file)).unwrap();
    v["Credentials"]["Expiration"] = python_utc_in(240).into();
    std::fs::write(&file, v.to_string()).unwrap();
    assert_ne!(key_of(&home, "cached"), first);
    assert_eq!(runs(&home), 5);
    // --no-cache runs it and leaves the entry alone.
    let before = read(&file);
    home.run(&["export", "cached", "--no-cache"]);
    assert_eq!(runs(&home), 6);
    assert_eq!(read(&file), before);
}

#[test]
fn process_output_without_expiration_or_about_to_expire_is_never_cached() {
    for expires_in in [None, Some(200)] {
        let home = counting_home(expires_in);
        key_of(&home, "cached");
        key_of(&home, "cached");
        assert_eq!(runs(&home), 2, "{expires_in:?}");
        assert!(!process_cache_file(&home, "cached").exists());
    }
}

#[test]
fn concurrent_exports_of_a_cached_process_run_it_once() {
    let home = counting_home(Some(3600));
    let children: Vec<_> = (0..10)
        .map(|_| {
            home.cmd()
                .args(["export", "cached", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let keys: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            let v: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
            v["AWS_ACCESS_KEY_ID"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(runs(&home), 1);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
}

#[test]
fn a_cache_setting_that_is_not_true_or_false_is_an_error() {
    let home = counting_home(Some(3600));
    let err = failed(&home.run(&["export", "bad"]));
    assert!(
        err.contains("profile `bad`: awsprof_cache_process = \"yes\" is neither true nor false"),
        "{err}"
    );
    assert_eq!(runs(&home), 0);
}
