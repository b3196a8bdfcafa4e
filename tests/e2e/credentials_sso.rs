//! IAM Identity Center. There is no offline SSO portal, so a small local fake of the
//! portal's GetRoleCredentials and of the OIDC endpoints (RegisterClient,
//! StartDeviceAuthorization, CreateToken) stands in (tests/e2e/fake_portal.rs, shared with
//! the `sso sync` tests), reached through AWS_ENDPOINT_URL_SSO and
//! AWS_ENDPOINT_URL_SSO_OIDC. Token files are written the way the AWS CLI v2 writes
//! them, and their names and the role-credential cache names are computed with Python's
//! hashlib, as the AWS CLI computes them.

use crate::support::*;
use serde_json::{json, Value};

const CONFIG: &str = "\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

/// The fake portal + OIDC service (tests/e2e/fake_portal.rs). Valid bearer tokens are
/// listed in `tokens`; CreateToken answers "pending" `pending` times before it grants. `console`'s tests sign in
/// with it.
pub(crate) fn fake(tokens: &[&str], pending: usize) -> Portal {
    let portal = Portal::with(tokens, vec![]);
    portal.set(|s| s.pending = pending);
    portal
}

fn home() -> AwsHome {
    require_python_module("hashlib");
    AwsHome::with(CONFIG, "")
}

fn export(home: &AwsHome, sso: &Portal, profile: &str) -> std::process::Output {
    home.cmd()
        .args(["export", profile, "--format", "json"])
        .env("AWS_ENDPOINT_URL_SSO", sso.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", sso.url())
        .env("BROWSER", "false")
        .output()
        .unwrap()
}

#[test]
fn cached_cli_v2_token_gets_role_credentials_then_the_cache_serves_them() {
    let home = home();
    let sso = fake(&["cli-v2-token"], 0);
    write_cli_token(
        &home,
        "my-sso",
        json!({
            "startUrl": "https://example.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": "cli-v2-token",
            "expiresAt": python_utc_in(3600),
            "clientId": "cid",
            "clientSecret": "csecret",
            "registrationExpiresAt": python_utc_in(86400),
            "refreshToken": "r"
        }),
    );
    let out = export(&home, &sso, "dev");
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["AWS_ACCESS_KEY_ID"], "ASIASSOFAKE");
    assert_eq!(v["AWS_SESSION_TOKEN"], "session-for-cli-v2-token");
    assert_eq!(v["AWS_REGION"], "eu-west-1");
    let reqs = sso.requests();
    assert_eq!(reqs.len(), 1);
    assert!(
        reqs[0].path.contains("account_id=111122223333"),
        "{:?}",
        reqs[0]
    );
    assert!(reqs[0].path.contains("role_name=ReadOnly"), "{:?}", reqs[0]);

    // Cached where the AWS CLI v2 caches SSO role credentials, under its key.
    let key = python_sha1(
        r#"{"accountId":"111122223333","roleName":"ReadOnly","sessionName":"my-sso","startUrl":"https://example.awsapps.com/start"}"#,
    );
    assert!(home
        .aws_dir()
        .join(format!("cli/cache/{key}.json"))
        .is_file());
    let again = export(&home, &sso, "dev");
    assert_eq!(stdout_ok(&again), stdout_ok(&out));
    assert_eq!(sso.requests().len(), 1, "the second export made no request");
}

#[test]
fn legacy_profile_token_is_keyed_by_the_start_url() {
    let home = home();
    let sso = fake(&["legacy-token"], 0);
    write_cli_token(
        &home,
        "https://legacy.awsapps.com/start",
        json!({
            "startUrl": "https://legacy.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": "legacy-token",
            "expiresAt": python_utc_in(3600)
        }),
    );
    let v: Value = serde_json::from_str(&stdout_ok(&export(&home, &sso, "legacy"))).unwrap();
    assert_eq!(v["AWS_SESSION_TOKEN"], "session-for-legacy-token");
}

#[test]
fn expired_token_without_refresh_says_to_log_in() {
    let home = home();
    let sso = fake(&["old"], 0);
    write_cli_token(
        &home,
        "my-sso",
        json!({"startUrl": "https://example.awsapps.com/start", "region": "us-east-1",
               "accessToken": "old", "expiresAt": python_utc_in(-60)}),
    );
    let out = export(&home, &sso, "dev");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expired") && err.contains("awsprof login dev"),
        "{err}"
    );
    assert!(sso.requests().is_empty());

    // No token file at all: the same advice.
    let home = AwsHome::with(CONFIG, "");
    let err = String::from_utf8_lossy(&export(&home, &sso, "dev").stderr).into_owned();
    assert!(err.contains("awsprof login dev"), "{err}");
}

#[test]
fn expired_token_is_refreshed_with_its_refresh_token() {
    let home = home();
    let sso = fake(&["refreshed-token"], 0);
    write_cli_token(
        &home,
        "my-sso",
        json!({"startUrl": "https://example.awsapps.com/start", "region": "us-east-1",
               "accessToken": "old", "expiresAt": python_utc_in(-60),
               "clientId": "cid", "clientSecret": "csecret",
               "registrationExpiresAt": python_utc_in(86400), "refreshToken": "refresh-0"}),
    );
    let v: Value = serde_json::from_str(&stdout_ok(&export(&home, &sso, "dev"))).unwrap();
    assert_eq!(v["AWS_SESSION_TOKEN"], "session-for-refreshed-token");
    let token: Value =
        serde_json::from_str(&std::fs::read_to_string(token_file(&home, "my-sso")).unwrap())
            .unwrap();
    assert_eq!(token["accessToken"], "refreshed-token");
    assert_eq!(token["refreshToken"], "refresh-2");
    let body: Value = serde_json::from_str(&sso.requests()[0].body).unwrap();
    assert_eq!(body["refreshToken"], "refresh-0");
}

#[test]
fn login_runs_the_device_flow_and_writes_the_cli_v2_token_file() {
    let home = home();
    let sso = fake(&["fresh-login-token"], 2);
    // A "browser" that records the page it was asked to open.
    let opened = home.path().join("opened-url");
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = home
        .cmd()
        .args(["login", "dev"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", sso.url())
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    assert_ok(&out, "awsprof");
    assert!(out.stdout.is_empty(), "login prints nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("WXYZ-1234"), "the code is shown: {err}");
    assert!(
        err.contains("https://device.sso.us-east-1.amazonaws.com/?user_code=WXYZ-1234"),
        "{err}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !opened.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap_or_default(),
        "https://device.sso.us-east-1.amazonaws.com/?user_code=WXYZ-1234"
    );
    // The OIDC calls in order; CreateToken polled through "pending" until granted.
    let paths: Vec<String> = sso.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/client/register",
            "/device_authorization",
            "/token",
            "/token",
            "/token"
        ]
    );
    let register: Value = serde_json::from_str(&sso.requests()[0].body).unwrap();
    assert_eq!(register["scopes"], json!(["sso:account:access"]));
    assert_eq!(register["issuerUrl"], "https://example.awsapps.com/start");

    // The token file: where the AWS CLI v2 looks, in its format, private.
    let file = token_file(&home, "my-sso");
    let token: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(token["accessToken"], "fresh-login-token");
    assert_eq!(token["startUrl"], "https://example.awsapps.com/start");
    assert_eq!(token["refreshToken"], "refresh-1");
    assert_eq!(token["clientId"], "fake-client-id");
    assert!(token["expiresAt"].as_str().unwrap().ends_with('Z'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // And the next export uses it.
    let v: Value = serde_json::from_str(&stdout_ok(&export(&home, &sso, "dev"))).unwrap();
    assert_eq!(v["AWS_SESSION_TOKEN"], "session-for-fresh-login-token");
}

/// `--quiet` drops the notes, never what the person must act on: the page and the code.
#[test]
fn login_quiet_still_shows_the_page_and_the_code() {
    let home = home();
    let sso = fake(&["fresh-login-token"], 0);
    let out = home
        .cmd()
        .args(["login", "dev", "--quiet", "--no-browser"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", sso.url())
        .output()
        .unwrap();
    assert_ok(&out, "awsprof login --quiet");
    let err = stderr(&out);
    assert!(
        err.contains("user_code=WXYZ-1234"),
        "the page is shown: {err}"
    );
    assert!(err.contains("code: WXYZ-1234"), "the code is shown: {err}");
    assert!(!err.contains("logged in"), "no note: {err}");
    let token: Value =
        serde_json::from_str(&std::fs::read_to_string(token_file(&home, "my-sso")).unwrap())
            .unwrap();
    assert!(
        token["accessToken"].as_str().is_some_and(|t| !t.is_empty()),
        "{token}"
    );
}

#[test]
fn login_refuses_a_profile_without_identity_center() {
    let home = AwsHome::with(
        "[profile keys]\nregion = us-east-1\n",
        "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
    );
    let out = home.run(&["login", "keys"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("profile `keys`: does not use IAM Identity Center"),
        "{err}"
    );
    // It says what to do instead: nothing to log in to, or how to set IAM Identity Center up.
    assert!(
        err.contains("its credentials need no login (`awsprof whoami keys` checks them)"),
        "{err}"
    );
    assert!(
        err.contains("`awsprof sso add` then `awsprof sso sync`"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// An AWS Sign-In session (what `aws login` writes) is renewed by `aws login`, and `login`
/// says so rather than trying IAM Identity Center.
#[test]
fn login_of_a_sign_in_session_names_the_command_that_renews_it() {
    let home = AwsHome::with(
        "[profile signin]\nlogin_session = arn:aws:iam::123456789012:user/alice\nregion = us-east-1\n",
        "",
    );
    let out = home.run(&["login", "signin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not use IAM Identity Center"), "{err}");
    assert!(err.contains("`aws login --profile signin` renews"), "{err}");
}

/// An expired IAM Identity Center session names the command that renews it, for a profile
/// and for `sso sync`'s session.
#[test]
fn an_expired_session_names_the_command_that_renews_it() {
    let home = AwsHome::with(
        "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = Dev\n\n[sso-session org]\nsso_start_url = https://org.awsapps.com/start\nsso_region = eu-west-1\n",
        "",
    );
    write_cli_token(
        &home,
        "org",
        serde_json::json!({"startUrl": "https://org.awsapps.com/start", "region": "eu-west-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}),
    );
    let err = stderr(&home.run(&["export", "dev"]));
    assert!(
        err.contains("the IAM Identity Center session has expired; run `awsprof login dev`"),
        "{err}"
    );
    let err = stderr(&home.run(&["sso", "sync"]));
    assert!(
        err.contains("has expired; run `awsprof login --sso-session org`"),
        "{err}"
    );
}
