//! `login_session` profiles, which `aws login` (AWS CLI v2) writes, resolved by the AWS SDK
//! for Rust's login provider from the AWS CLI's token cache (`~/.aws/login/cache`). There
//! is no offline AWS Sign-In service, so a small local stand-in of its token endpoint
//! (`POST /v1/token`, reached through AWS_ENDPOINT_URL_SIGNIN) answers the refresh; the
//! token files are written as the AWS CLI writes them, with a real P-256 DPoP key.

use crate::support::*;
use serde_json::{json, Value};
use std::process::{Child, Output, Stdio};

const SESSION: &str = "arn:aws:iam::123456789012:user/alice";

fn home() -> AwsHome {
    require_python_module("cryptography");
    AwsHome::with(
        &format!(
            "[profile signin]\nlogin_session = {SESSION}\nregion = us-east-1\n\n\
             [profile via-signin]\nrole_arn = arn:aws:iam::123456789012:role/FromSignin\nsource_profile = signin\nrole_session_name = from-signin\n"
        ),
        "",
    )
}

/// The stand-in token endpoint: grants a refresh of `refresh-0` (with a DPoP proof), or
/// refuses every one as an ended session when `granting` is false.
fn signin(granting: bool) -> FakeHttp {
    FakeHttp::start(move |req| {
        let body: Value = serde_json::from_str(&req.body).unwrap_or_default();
        let proof = req.header("dpop").unwrap_or_default();
        let well_formed = req.method == "POST"
            && req.path == "/v1/token"
            && body["grantType"] == "refresh_token"
            && body["refreshToken"] == "refresh-0"
            && body["clientId"] == "arn:aws:signin:::devtools/same-device"
            && proof.split('.').count() == 3;
        if !well_formed {
            return (
                400,
                vec![("x-amzn-errortype".into(), "ValidationException".into())],
                json!({"message": format!("unexpected request: {req:?}")}).to_string(),
            );
        }
        if !granting {
            return (
                400,
                vec![("x-amzn-errortype".into(), "AccessDeniedException".into())],
                json!({"error": "TOKEN_EXPIRED", "message": "the session has ended"}).to_string(),
            );
        }
        (
            200,
            vec![],
            json!({
                "accessToken": {"accessKeyId": "ASIASIGNINREFRESHED0", "secretAccessKey": "r", "sessionToken": "refreshed-session"},
                "tokenType": "aws_sigv4",
                "expiresIn": 900,
                "refreshToken": "refresh-1"
            })
            .to_string(),
        )
    })
}

fn start_export(home: &AwsHome, profile: &str, endpoint: &str) -> Child {
    home.cmd()
        .args(["export", profile, "--format", "json"])
        .env("AWS_ENDPOINT_URL_SIGNIN", endpoint)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn exported(out: &Output) -> Value {
    serde_json::from_str(&stdout_ok(out)).unwrap()
}

#[test]
fn a_live_session_is_served_from_the_aws_cli_token_cache_without_a_call() {
    let home = home();
    let sso = signin(true);
    write_login_token(&home, SESSION, "ASIASIGNINCACHED0001", 3600);
    let v = exported(
        &start_export(&home, "signin", &sso.url())
            .wait_with_output()
            .unwrap(),
    );
    assert_eq!(v["AWS_ACCESS_KEY_ID"], "ASIASIGNINCACHED0001");
    assert_eq!(
        v["AWS_SESSION_TOKEN"],
        "login-session-for-ASIASIGNINCACHED0001"
    );
    assert!(v["AWS_CREDENTIAL_EXPIRATION"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert!(
        sso.requests().is_empty(),
        "no call while the session is live"
    );
    // Its kind, in the one precedence.
    let list: Value = serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    let kind = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "signin")
        .unwrap()["kind"]
        .clone();
    assert_eq!(kind, "login-session");

    // A role on top of it is assumed with its credentials (moto).
    let moto = Moto::shared();
    let proxy = CountingProxy::to(moto.port);
    let out = home
        .cmd()
        .args(["whoami", "via-signin", "--json"])
        .env("AWS_ENDPOINT_URL_STS", proxy.url())
        .output()
        .unwrap();
    assert_eq!(
        arn_of(&stdout_ok(&out)),
        "arn:aws:sts::123456789012:assumed-role/FromSignin/from-signin"
    );
    assert!(
        proxy.sent().contains("Credential=ASIASIGNINCACHED0001/"),
        "AssumeRole signed by the session"
    );
}

#[test]
fn concurrent_exports_of_an_expiring_session_refresh_it_once_into_the_shared_cache() {
    let home = home();
    let sso = signin(true);
    let file = write_login_token(&home, SESSION, "ASIASIGNINEXPIRING01", 60);
    let children: Vec<Child> = (0..5)
        .map(|_| start_export(&home, "signin", &sso.url()))
        .collect();
    for child in children {
        let v = exported(&child.wait_with_output().unwrap());
        assert_eq!(v["AWS_ACCESS_KEY_ID"], "ASIASIGNINREFRESHED0");
    }
    let reqs = sso.requests();
    assert_eq!(reqs.len(), 1, "one refresh for five exports: {reqs:?}");
    // Written back where the AWS CLI reads it: the new credentials and refresh token.
    let token: Value = serde_json::from_str(&read(&file)).unwrap();
    assert_eq!(token["accessToken"]["accessKeyId"], "ASIASIGNINREFRESHED0");
    assert_eq!(token["refreshToken"], "refresh-1");
    assert!(token["dpopKey"]
        .as_str()
        .unwrap()
        .contains("BEGIN EC PRIVATE KEY"));
}

#[test]
fn an_ended_or_missing_session_says_to_sign_in_again() {
    let home = home();
    let sso = signin(false);
    write_login_token(&home, SESSION, "ASIASIGNINENDED00001", -60);
    let out = start_export(&home, "signin", &sso.url())
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("profile `signin`"), "{err}");
    assert!(
        err.contains("sign in again with `aws login --profile signin`"),
        "{err}"
    );
    assert_eq!(sso.requests().len(), 1);

    let home = self::home();
    let out = start_export(&home, "signin", &sso.url())
        .wait_with_output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("no AWS Sign-In session for arn:aws:iam::123456789012:user/alice in ~/.aws/login/cache/"), "{err}");
    assert!(err.contains("aws login --profile signin"), "{err}");
}
