//! Single flight: many processes that miss the cache at once make one call between them.
//! The one that locks a cache key first fetches (and asks for the MFA code); the others
//! wait on the lock beside the entry, then read what it cached. Against moto behind the
//! request-counting proxy, and the local stand-in of the IAM Identity Center portal (no
//! offline portal exists).

use crate::credentials_sso::fake;
use crate::credentials_sts::{lab, Lab};
use crate::support::*;
use crate::support::{token_file, write_cli_token};
use serde_json::{json, Value};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `awsprof export PROFILE --format json` (stdout piped), started but not waited for.
fn start_export(home: &AwsHome, profile: &str, vars: &[(&str, &str)]) -> Child {
    let mut cmd = home.cmd();
    cmd.args(["export", profile, "--format", "json"])
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("start awsprof")
}

/// The access key id of each export, all of which must have succeeded.
fn key_ids(outs: &[Output]) -> Vec<String> {
    outs.iter()
        .map(|o| {
            let v: Value = serde_json::from_str(&stdout_ok(o)).expect("export's JSON");
            v["AWS_ACCESS_KEY_ID"]
                .as_str()
                .expect("a key id")
                .to_string()
        })
        .collect()
}

fn concurrent_exports(
    home: &AwsHome,
    n: usize,
    profile: &str,
    vars: &[(&str, &str)],
) -> Vec<Output> {
    let children: Vec<Child> = (0..n).map(|_| start_export(home, profile, vars)).collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait for awsprof"))
        .collect()
}

#[test]
fn concurrent_cold_exports_of_one_role_make_one_assume_role_call() {
    for n in [10, 50] {
        let lab = lab();
        let proxy = lab.proxy.url();
        let outs = concurrent_exports(&lab.home, n, "role", &[("AWS_ENDPOINT_URL_STS", &proxy)]);
        let keys = key_ids(&outs);
        assert_eq!(
            lab.proxy.count("Action=AssumeRole"),
            1,
            "{n} concurrent exports made one AssumeRole call"
        );
        assert!(
            keys.iter().all(|k| *k == keys[0]),
            "all {n} got the same credentials: {keys:?}"
        );
        // The lock file stays beside the entry, private; no other file appears.
        let cache = lab.home.aws_dir().join("cli/cache");
        let mut names: Vec<String> = std::fs::read_dir(&cache)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names[0].ends_with(".json") && names[1].ends_with(".lock"),
            "{names:?}"
        );
        assert_eq!(
            names[0].trim_end_matches(".json"),
            names[1].trim_end_matches(".lock")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.join(&names[1]))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

/// `awsprof export mfarole` on its own terminal, stdout to `out`.
#[cfg(unix)]
fn mfa_export_on_a_pty(lab: &Lab, out: &std::path::Path) -> PtyChild {
    let mut cmd = Command::new("sh");
    lab.home.isolate(&mut cmd);
    cmd.env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .env("OUT", out)
        .args([
            "-c",
            r#"exec awsprof export mfarole --format json > "$OUT""#,
        ]);
    PtyChild::spawn(cmd)
}

#[cfg(unix)]
#[test]
fn five_concurrent_exports_of_an_mfa_role_prompt_once() {
    const PROMPT: &str = "Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ";
    let lab = lab();
    let outs: Vec<_> = (0..5)
        .map(|i| lab.home.path().join(format!("out{i}.json")))
        .collect();
    let mut ptys: Vec<PtyChild> = outs.iter().map(|o| mfa_export_on_a_pty(&lab, o)).collect();
    // Exactly one asks; the other four wait for it on the lock, and say so.
    let mut asking = None;
    wait_for("one terminal to show the MFA prompt", 20, || {
        asking = ptys.iter_mut().position(|p| p.poll().contains(PROMPT));
        asking.is_some()
    });
    let asking = asking.unwrap();
    wait_for("the other four to say they wait", 20, || {
        ptys.iter_mut()
            .enumerate()
            .filter(|(i, _)| *i != asking)
            .all(|(_, p)| p.poll().contains("waiting for another awsprof"))
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while ptys[asking].echo_on() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    ptys[asking].send("123456\n");
    let mut prompts = 0;
    for pty in &mut ptys {
        let (status, rest) = pty.finish();
        assert!(status.success(), "{rest}");
        prompts += rest.matches("Enter MFA code").count();
    }
    assert_eq!(prompts, 1, "only the first process asked for the code");
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 1);
    assert_eq!(lab.proxy.count("TokenCode=123456"), 1);
    let keys: Vec<String> = outs
        .iter()
        .map(|o| {
            let v: Value = serde_json::from_str(&read(o)).expect("export's JSON");
            v["AWS_ACCESS_KEY_ID"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
}

#[cfg(unix)]
#[test]
fn a_holder_killed_with_sigkill_never_blocks_the_others() {
    let lab = lab();
    // The holder takes the lock and waits at the MFA prompt.
    let mut cmd = lab.home.cmd();
    cmd.args(["export", "mfarole"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url());
    let mut holder = PtyChild::spawn(cmd);
    holder.expect("Enter MFA code for");
    // A second export, with its code given, waits for the holder...
    let proxy = lab.proxy.url();
    let mut waiter = lab.home.cmd();
    waiter
        .args([
            "export",
            "mfarole",
            "--format",
            "json",
            "--mfa-code",
            "654321",
        ])
        .env("AWS_ENDPOINT_URL_STS", &proxy)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut waiter = waiter.spawn().unwrap();
    std::thread::sleep(FILE_LOCK_PATIENCE + Duration::from_millis(500));
    assert!(
        waiter.try_wait().unwrap().is_none(),
        "the second export waits while the first holds the lock"
    );
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 0);
    // ...until the holder dies without a chance to clean up.
    holder.child.kill().unwrap();
    holder.child.wait().unwrap();
    let started = Instant::now();
    let out = waiter.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert!(v["AWS_ACCESS_KEY_ID"].is_string());
    assert!(
        stderr(&out).contains("waiting for another awsprof (process "),
        "{}",
        stderr(&out)
    );
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 1);
    assert_eq!(lab.proxy.count("TokenCode=654321"), 1);
}

/// How long a waiter waits quietly before it says so (the core's `FileLock::PATIENCE`).
const FILE_LOCK_PATIENCE: Duration = Duration::from_secs(1);

const SSO_CONFIG: &str = "\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile ops]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Operator

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
";

#[test]
fn concurrent_sso_exports_get_role_credentials_once_and_refresh_the_token_once() {
    require_python_module("hashlib");
    let home = AwsHome::with(SSO_CONFIG, "");
    let sso = fake(&["refreshed-token"], 0);
    // A token about to expire, with a refresh token and a live registration: the first
    // export refreshes it, the others must use the refreshed one.
    write_cli_token(
        &home,
        "my-sso",
        json!({"startUrl": "https://example.awsapps.com/start", "region": "us-east-1",
               "accessToken": "old", "expiresAt": python_utc_in(60),
               "clientId": "cid", "clientSecret": "csecret",
               "registrationExpiresAt": python_utc_in(86400), "refreshToken": "refresh-0"}),
    );
    let url = sso.url();
    let vars = [
        ("AWS_ENDPOINT_URL_SSO", url.as_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
    ];
    // Two profiles of one session, five exports each, all at once: two roles, one token.
    let children: Vec<Child> = (0..10)
        .map(|i| start_export(&home, if i % 2 == 0 { "dev" } else { "ops" }, &vars))
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outs {
        let v: Value = serde_json::from_str(&stdout_ok(out)).unwrap();
        assert_eq!(v["AWS_SESSION_TOKEN"], "session-for-refreshed-token");
    }
    let reqs = sso.requests();
    let refreshes = reqs.iter().filter(|r| r.path == "/token").count();
    let roles: Vec<&str> = reqs
        .iter()
        .filter(|r| r.path.starts_with("/federation/credentials"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(refreshes, 1, "the session was refreshed once: {reqs:?}");
    assert_eq!(roles.len(), 2, "one GetRoleCredentials per role: {roles:?}");
    assert!(roles.iter().any(|p| p.contains("role_name=ReadOnly")));
    assert!(roles.iter().any(|p| p.contains("role_name=Operator")));
    let token: Value = serde_json::from_str(&read(token_file(&home, "my-sso"))).unwrap();
    assert_eq!(token["accessToken"], "refreshed-token");
}
