//! Temporary credentials from STS against a real moto server on 127.0.0.1: each profile
//! kind is exported with `eval "$(awsprof export PROFILE)"`, then the real AWS CLI says
//! who the credentials are. awsprof reaches moto through a proxy that records every byte
//! sent, so the tests count the calls: the second export must make none.

use crate::support::*;
use std::path::PathBuf;

const ACCOUNT: &str = "123456789012";

const CONFIG: &str = "\
[profile base]
region = us-east-1

[profile role]
role_arn = arn:aws:iam::123456789012:role/RoleA
source_profile = base
role_session_name = awsprof-test

[profile hop2]
role_arn = arn:aws:iam::123456789012:role/RoleB
source_profile = role
role_session_name = second-hop

[profile fromenv]
role_arn = arn:aws:iam::123456789012:role/EnvRole
credential_source = Environment
role_session_name = from-env

[profile mfarole]
role_arn = arn:aws:iam::123456789012:role/MfaRole
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
role_session_name = with-mfa

[profile mfauser]
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile web]
role_arn = arn:aws:iam::123456789012:role/WebRole
web_identity_token_file = ~/token.jwt
role_session_name = web-session
";

const CREDENTIALS: &str = "\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[mfauser]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
";

pub(crate) struct Lab {
    pub(crate) home: AwsHome,
    pub(crate) moto: &'static Moto,
    pub(crate) proxy: CountingProxy,
}

/// A home with the profiles above, and moto behind a request-counting proxy.
pub(crate) fn lab() -> Lab {
    aws();
    let moto = Moto::shared();
    let proxy = CountingProxy::to(moto.port);
    let home = AwsHome::with(CONFIG, CREDENTIALS);
    std::fs::write(
        home.path().join("token.jwt"),
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.\n",
    )
    .unwrap();
    Lab { home, moto, proxy }
}

impl Lab {
    /// `eval "$(awsprof export P)"` (awsprof talks to the proxy), then the AWS CLI (talking
    /// to moto directly) prints the caller identity. Returns (ARN, exported key id).
    fn export_and_ask_aws(&self, profile: &str, extra: &[(&str, &str)]) -> (String, String) {
        let script = r#"set -e
eval "$(AWS_ENDPOINT_URL_STS="$PROXY" awsprof export "$P")"
AWS_ENDPOINT_URL_STS="$MOTO" aws sts get-caller-identity --output json
printf 'KEY=%s\n' "$AWS_ACCESS_KEY_ID"
"#;
        let (proxy, moto) = (self.proxy.url(), self.moto.url());
        let mut vars = vec![
            ("PROXY", proxy.as_str()),
            ("MOTO", moto.as_str()),
            ("P", profile),
            ("AWS_DEFAULT_REGION", "us-east-1"),
        ];
        vars.extend_from_slice(extra);
        let out = bash(&self.home, script, &vars);
        let text = stdout_ok(&out);
        let (json, key) = text.rsplit_once("KEY=").expect("the key line");
        (arn_of(json), key.trim().to_string())
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        let dir = self.home.aws_dir().join("cli/cache");
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// botocore's cache key, computed by botocore's own recipe in Python.
fn botocore_key(role_arn: &str) -> String {
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import json,hashlib,sys; print(hashlib.sha1(json.dumps({'RoleArn': sys.argv[1]}, sort_keys=True).encode()).hexdigest())",
            role_arn,
        ])
        .output()
        .expect("run python3");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn role_with_static_source_is_assumed_once_then_served_from_the_cache() {
    let lab = lab();
    let (arn, key) = lab.export_and_ask_aws("role", &[]);
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/RoleA/awsprof-test")
    );
    assert!(
        key.starts_with("ASIA") || !key.starts_with("AKIAIOSFODNN7"),
        "{key}"
    );
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 1);
    let calls = lab.proxy.requests();

    let (again, key2) = lab.export_and_ask_aws("role", &[]);
    assert_eq!(again, arn);
    assert_eq!(key2, key, "the cached credentials are exported");
    assert_eq!(
        lab.proxy.requests(),
        calls,
        "the second export made no request"
    );

    // The cache file is where and what the AWS CLI expects, private to the user.
    let file = lab.home.aws_dir().join(format!(
        "cli/cache/{}.json",
        botocore_key("arn:aws:iam::123456789012:role/RoleA")
    ));
    assert!(
        file.is_file(),
        "{} missing; have {:?}",
        file.display(),
        lab.cache_files()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn two_hop_chain_assumes_both_roles_in_order() {
    let lab = lab();
    let (arn, _) = lab.export_and_ask_aws("hop2", &[]);
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/RoleB/second-hop")
    );
    let sent = lab.proxy.sent();
    let (a, b) = (
        sent.find("role%2FRoleA").expect("RoleA assumed"),
        sent.find("role%2FRoleB").expect("RoleB assumed"),
    );
    assert!(a < b, "RoleA first, then RoleB with its credentials");
    let calls = lab.proxy.requests();
    let (again, _) = lab.export_and_ask_aws("hop2", &[]);
    assert_eq!(again, arn);
    assert_eq!(
        lab.proxy.requests(),
        calls,
        "the second export made no request"
    );
}

#[test]
fn credential_source_environment_uses_the_environment_keys() {
    let lab = lab();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY01"),
        ("AWS_SECRET_ACCESS_KEY", "environment-secret"),
    ];
    let (arn, key) = lab.export_and_ask_aws("fromenv", &env);
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/EnvRole/from-env")
    );
    assert_ne!(key, "AKIAENVIRONMENTKEY01");
    // The AssumeRole call was signed with the environment's key.
    assert!(lab
        .proxy
        .sent()
        .contains("Credential=AKIAENVIRONMENTKEY01/"));

    // Without the variables, a clear error and nothing on stdout.
    let out = lab
        .home
        .cmd()
        .args(["export", "fromenv", "--no-cache"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("credential_source = Environment"), "{err}");
}

#[test]
fn web_identity_token_file_is_exchanged_for_role_credentials() {
    let lab = lab();
    let (arn, _) = lab.export_and_ask_aws("web", &[]);
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/WebRole/web-session")
    );
    let sent = lab.proxy.sent();
    assert!(sent.contains("Action=AssumeRoleWithWebIdentity"));
    assert!(sent.contains("WebIdentityToken=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0."));
    let calls = lab.proxy.requests();
    lab.export_and_ask_aws("web", &[]);
    assert_eq!(
        lab.proxy.requests(),
        calls,
        "the second export made no request"
    );
}

#[cfg(unix)]
fn export_on_a_pty(lab: &Lab, profile: &str) -> String {
    let mut cmd = std::process::Command::new("bash");
    lab.home.isolate(&mut cmd);
    cmd.env("PROXY", lab.proxy.url())
        .env("MOTO", lab.moto.url())
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("P", profile)
        .arg("-c")
        .arg(
            r#"eval "$(AWS_ENDPOINT_URL_STS="$PROXY" awsprof export "$P")" || exit 9
printf 'KEY=%s TOKEN=%s\n' "$AWS_ACCESS_KEY_ID" "${AWS_SESSION_TOKEN:+yes}"
AWS_ENDPOINT_URL_STS="$MOTO" aws sts get-caller-identity --output json"#,
        );
    let mut pty = PtyChild::spawn(cmd);
    pty.expect("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ");
    // The prompt is printed just before echo is turned off: give it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while pty.echo_on() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!pty.echo_on(), "the MFA code is read without echo");
    pty.send("123456\n");
    let (status, rest) = pty.finish();
    assert!(status.success(), "failed: {rest}");
    assert!(
        !rest.contains("123456\r\n"),
        "the code was not echoed: {rest}"
    );
    rest
}

#[cfg(unix)]
#[test]
fn mfa_role_asks_for_the_code_on_the_terminal_then_caches() {
    let lab = lab();
    let out = export_on_a_pty(&lab, "mfarole");
    let json = &out[out.find('{').expect("identity JSON")..];
    assert_eq!(
        arn_of(&json[..=json.rfind('}').unwrap()]),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/MfaRole/with-mfa")
    );
    let sent = lab.proxy.sent();
    assert!(sent.contains("TokenCode=123456"), "the code went to STS");
    assert!(sent.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"));
    // Cached: no prompt, no request the second time (stdin is not even a terminal).
    let calls = lab.proxy.requests();
    let (arn, _) = lab.export_and_ask_aws("mfarole", &[]);
    assert!(arn.ends_with("assumed-role/MfaRole/with-mfa"));
    assert_eq!(lab.proxy.requests(), calls);
}

#[cfg(unix)]
#[test]
fn mfa_user_gets_a_session_token_with_the_code() {
    let lab = lab();
    let out = export_on_a_pty(&lab, "mfauser");
    let sent = lab.proxy.sent();
    assert!(sent.contains("Action=GetSessionToken"));
    assert!(sent.contains("TokenCode=123456"));
    assert!(
        sent.contains("Credential=AKIAI44QH8DHBEXAMPLE/"),
        "signed with the user's long-term key"
    );
    assert!(
        out.contains("TOKEN=yes"),
        "a session token is exported: {out}"
    );
    assert!(
        !out.contains("KEY=AKIAI44QH8DHBEXAMPLE "),
        "not the long-term key: {out}"
    );
    assert!(out.contains("\"Account\": \"123456789012\""), "{out}");
}

#[test]
fn mfa_code_option_and_missing_terminal() {
    let lab = lab();
    // No terminal and no --mfa-code: a clear error, nothing on stdout.
    let out = lab
        .home
        .cmd()
        .args(["whoami", "mfarole"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--mfa-code"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = lab
        .home
        .cmd()
        .args(["whoami", "mfarole", "--json", "--mfa-code", "654321"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    assert!(arn_of(&text).ends_with("assumed-role/MfaRole/with-mfa"));
    assert!(lab.proxy.sent().contains("TokenCode=654321"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["Account"], ACCOUNT);
    assert!(v["Expiration"].as_str().is_some_and(|e| e.ends_with('Z')));
}

/// Rewrites the Expiration of a cache entry.
fn set_cached_expiration(file: &std::path::Path, expiration: &str) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v["Credentials"]["Expiration"] = serde_json::Value::String(expiration.to_string());
    std::fs::write(file, v.to_string()).unwrap();
}

fn utc_in(seconds: i64, offset_hours: i64) -> String {
    // Wall-clock time `seconds` from now, written in a +HH:00 offset, via date(1)-free math.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import sys,datetime as d; t=int(sys.argv[1]); h=int(sys.argv[2]); print(d.datetime.fromtimestamp(t, d.timezone(d.timedelta(hours=h))).isoformat())",
            &(now + seconds).to_string(),
            &offset_hours.to_string(),
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn expired_and_clock_skewed_cache_entries_are_refreshed() {
    let lab = lab();
    lab.export_and_ask_aws("role", &[]);
    let file = lab.home.aws_dir().join(format!(
        "cli/cache/{}.json",
        botocore_key("arn:aws:iam::123456789012:role/RoleA")
    ));
    let assumed = || lab.proxy.count("Action=AssumeRole");
    assert_eq!(assumed(), 1);

    // Expired an hour ago: refreshed, and the new entry is valid again.
    set_cached_expiration(&file, &utc_in(-3600, 0));
    lab.export_and_ask_aws("role", &[]);
    assert_eq!(assumed(), 2);
    lab.export_and_ask_aws("role", &[]);
    assert_eq!(assumed(), 2, "the refreshed entry is reused");

    // Expiring within the refresh window (2 minutes): refreshed.
    set_cached_expiration(&file, &utc_in(120, 0));
    lab.export_and_ask_aws("role", &[]);
    assert_eq!(assumed(), 3);

    // Written with a +05:00 offset: its wall-clock reads two hours ahead, but the instant
    // was an hour ago. Only a reader that honours the offset sees it expired.
    set_cached_expiration(&file, &utc_in(-3600, 5));
    lab.export_and_ask_aws("role", &[]);
    assert_eq!(assumed(), 4);

    // An expiry years away cannot come from STS (36 h at most): written under a wrong
    // clock, so not trusted.
    set_cached_expiration(&file, "2099-01-01T00:00:00Z");
    lab.export_and_ask_aws("role", &[]);
    assert_eq!(assumed(), 5);

    // --refresh forces a call; --no-cache neither reads nor writes.
    let run = |flag: &str| {
        let out = lab
            .home
            .cmd()
            .args(["whoami", "role", flag])
            .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
            .output()
            .unwrap();
        stdout_ok(&out);
    };
    run("--refresh");
    assert_eq!(assumed(), 6);
    let before = std::fs::read_to_string(&file).unwrap();
    run("--no-cache");
    assert_eq!(assumed(), 7);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn whoami_reports_the_assumed_role_and_the_expiry() {
    let lab = lab();
    let out = lab
        .home
        .cmd()
        .args(["whoami", "hop2"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    assert!(
        text.contains(&format!(
            "Arn:      arn:aws:sts::{ACCOUNT}:assumed-role/RoleB/second-hop"
        )),
        "{text}"
    );
    assert!(text.contains("Expires:  20"), "{text}");
    assert!(lab.proxy.sent().contains("Action=GetCallerIdentity"));
    assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn broken_chains_fail_with_the_sdk_error_and_no_output() {
    let home = AwsHome::with(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n[profile lost]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nowhere\n",
        "",
    );
    for (profile, wanted) in [
        ("a", "profile formed an infinite loop: a -> b -> a"),
        (
            "lost",
            "could not find source profile nowhere referenced from lost",
        ),
    ] {
        for cmd in ["whoami", "login"] {
            let out = home.run(&[cmd, profile]);
            assert_eq!(out.status.code(), Some(1));
            assert!(out.stdout.is_empty());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(wanted), "{cmd} {profile}: {err}");
        }
    }
}

#[test]
fn prompt_helper_shows_the_time_left_on_exported_role_credentials() {
    let lab = lab();
    let script = r#"set -e
eval "$(awsprof init bash)"
eval "$(AWS_ENDPOINT_URL_STS="$PROXY" awsprof export role)"
__awsprof_prompt_update
printf '%s|%s' "$AWSPROF_PROMPT" "$AWS_CREDENTIAL_EXPIRATION"
"#;
    let proxy = lab.proxy.url();
    let out = stdout_ok(&bash(&lab.home, script, &[("PROXY", proxy.as_str())]));
    let (prompt, expiration) = out.split_once('|').unwrap();
    assert!(expiration.ends_with('Z'), "{expiration}");
    // STS issues an hour; by the time the prompt is drawn, 59 minutes (or the full hour).
    assert!(
        prompt == "(keys) 59m" || prompt == "(keys) 1h0m",
        "prompt {prompt:?}"
    );
}

#[test]
fn whoami_warns_when_the_caller_is_the_root_user() {
    // moto never answers as root, so a one-route stand-in for STS does.
    let sts = FakeHttp::start(|req| {
        assert!(
            req.body.contains("Action=GetCallerIdentity"),
            "{}",
            req.body
        );
        (
            200,
            vec![("content-type".into(), "text/xml".into())],
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>".into(),
        )
    });
    let home = AwsHome::with(
        "[profile rootkeys]\nregion = us-east-1\n",
        "[rootkeys]\naws_access_key_id = AKIAROOTEXAMPLE\naws_secret_access_key = s\n",
    );
    let out = home
        .cmd()
        .args(["whoami", "rootkeys", "--json"])
        .env("AWS_ENDPOINT_URL_STS", sts.url())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["Arn"], "arn:aws:iam::123456789012:root");
    assert!(v["Expiration"].is_null());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("root access keys: AWS recommends deleting them"),
        "{err}"
    );
    assert_eq!(sts.requests().len(), 1);
}

const IDENTITY_XML: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/slow</Arn><UserId>AIDASLOW</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

fn slow_sts() -> FakeHttp {
    FakeHttp::start(|_| {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        (200, vec![], IDENTITY_XML.into())
    })
}

fn keys_home() -> AwsHome {
    AwsHome::with(
        "[profile k]\nregion = us-east-1\n",
        "[k]\naws_access_key_id = AKIASLOWEXAMPLE\naws_secret_access_key = s\n",
    )
}

#[test]
fn slow_call_draws_no_spinner_into_pipes() {
    let sts = slow_sts();
    let home = keys_home();
    let out = home
        .cmd()
        .args(["whoami", "k", "--json"])
        .env("AWS_ENDPOINT_URL_STS", sts.url())
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    assert!(text.starts_with('{'), "stdout is only the JSON: {text:?}");
    assert_eq!(arn_of(&text), "arn:aws:iam::123456789012:user/slow");
    assert!(
        out.stderr.is_empty(),
        "stderr: {:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn slow_call_shows_a_spinner_on_a_terminal() {
    let sts = slow_sts();
    let home = keys_home();
    let mut cmd = home.cmd();
    cmd.args(["whoami", "k"])
        .env("AWS_ENDPOINT_URL_STS", sts.url());
    let mut pty = PtyChild::spawn(cmd);
    pty.expect("STS GetCallerIdentity");
    let (status, rest) = pty.finish();
    assert!(status.success(), "{rest}");
    assert!(
        rest.contains("arn:aws:iam::123456789012:user/slow"),
        "{rest}"
    );
}

/// A slow STS (a stand-in: moto answers at once) that answers AssumeRole for anyone.
fn slow_assume_role() -> FakeHttp {
    FakeHttp::start(|_| {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let xml = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIASLOWEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROASLOW:q</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Slow/q</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>";
        (
            200,
            vec![("content-type".into(), "text/xml".into())],
            xml.into(),
        )
    })
}

/// Runs `awsprof ARGS` on a terminal against `sts`; returns all it drew there.
#[cfg(unix)]
fn on_terminal(home: &AwsHome, sts: &FakeHttp, args: &[&str]) -> String {
    let mut cmd = home.cmd();
    cmd.args(args).env("AWS_ENDPOINT_URL_STS", sts.url());
    let mut pty = PtyChild::spawn(cmd);
    let (status, rest) = pty.finish();
    assert!(status.success(), "awsprof {args:?}: {rest}");
    rest
}

#[cfg(unix)]
#[test]
fn quiet_draws_no_spinner_on_a_terminal() {
    // A cache miss goes to awsprof-net as a job: the spinner is drawn there, so -q must
    // reach it. The same call without -q shows that a spinner would have been drawn.
    let home = AwsHome::with(
        "[profile k]\nregion = us-east-1\n[profile slow]\nrole_arn = arn:aws:iam::123456789012:role/Slow\nsource_profile = k\nrole_session_name = q\n",
        "[k]\naws_access_key_id = AKIASLOWEXAMPLE\naws_secret_access_key = s\n",
    );
    let sts = slow_assume_role();
    let shown = on_terminal(&home, &sts, &["export", "slow", "--no-cache"]);
    assert!(shown.contains("STS AssumeRole"), "no spinner: {shown:?}");
    for args in [
        ["-q", "export", "slow", "--no-cache"],
        ["export", "slow", "--no-cache", "--quiet"],
    ] {
        let shown = on_terminal(&home, &sts, &args);
        assert!(shown.contains("ASIASLOWEXAMPLE"), "{args:?}: {shown:?}");
        assert!(!shown.contains("STS AssumeRole"), "{args:?}: {shown:?}");
    }
    // whoami runs whole in awsprof-net.
    let sts = slow_sts();
    let home = keys_home();
    let shown = on_terminal(&home, &sts, &["-q", "whoami", "k"]);
    assert!(
        shown.contains("arn:aws:iam::123456789012:user/slow"),
        "{shown:?}"
    );
    assert!(!shown.contains("STS GetCallerIdentity"), "{shown:?}");
}

/// The lab, plus a role whose MFA code comes from `mfa_process`: a script with `body`.
fn lab_with_mfa_process(body: &str) -> Lab {
    let lab = lab();
    let script = lab.home.path().join("mfa.sh");
    write_executable(&script, &format!("#!/bin/sh\n{body}\n"));
    let mut config = read(lab.home.config());
    config.push_str(&format!(
        "\n[profile ykrole]\nrole_arn = arn:aws:iam::123456789012:role/YkRole\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/yubikey\nmfa_process = {} --oath\nrole_session_name = yk\n\n[profile ykuser]\nmfa_serial = arn:aws:iam::123456789012:mfa/yubikey\nmfa_process = {}\n",
        script.display(),
        script.display()
    ));
    config.push_str("");
    std::fs::write(lab.home.config(), config).unwrap();
    let mut creds = read(lab.home.credentials());
    creds.push_str("\n[ykuser]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n");
    std::fs::write(lab.home.credentials(), creds).unwrap();
    lab
}

/// `awsprof export PROFILE` without a terminal (stdin is /dev/null).
fn export_without_terminal(lab: &Lab, profile: &str) -> std::process::Output {
    lab.home
        .cmd()
        .args(["export", profile, "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn mfa_process_prints_the_code_instead_of_a_prompt() {
    // As `ykman oath accounts code -s NAME` prints it: the digits and a newline.
    let lab = lab_with_mfa_process(r#"echo "touch your key ($1)" >&2; echo 246810"#);
    let out = export_without_terminal(&lab, "ykrole");
    let v: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert!(v["AWS_SESSION_TOKEN"].is_string());
    let sent = lab.proxy.sent();
    assert!(sent.contains("TokenCode=246810"), "the code went to STS");
    assert!(sent.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fyubikey"));
    let err = stderr(&out);
    assert!(
        err.contains("touch your key (--oath)"),
        "its stderr passes through: {err}"
    );
    assert!(!err.contains("Enter MFA code"), "{err}");
    // An MFA session (GetSessionToken) of a user takes it too.
    stdout_ok(&export_without_terminal(&lab, "ykuser"));
    assert_eq!(lab.proxy.count("Action=GetSessionToken"), 1);
    assert_eq!(lab.proxy.count("TokenCode=246810"), 2);
}

#[test]
fn a_failing_or_empty_mfa_process_is_a_clear_error() {
    for (body, wanted) in [
        (
            "echo 'no key inserted' >&2; exit 3",
            "exited with status 3 (its messages are above)",
        ),
        ("exit 0", "printed no MFA code on stdout"),
        (
            "echo 'Error: 123456 is not a code'",
            "printed something other than the digits of an MFA code (not shown)",
        ),
    ] {
        let lab = lab_with_mfa_process(body);
        let out = export_without_terminal(&lab, "ykrole");
        assert_eq!(out.status.code(), Some(1), "{body}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        // The home directory is shown as `~`.
        assert!(
            err.contains("profile `ykrole`: mfa_process `~/mfa.sh --oath` "),
            "{err}"
        );
        assert!(err.contains(wanted), "{body}: {err}");
        assert!(
            !err.contains("123456"),
            "what it printed is not shown: {err}"
        );
        assert_eq!(
            lab.proxy.count("Action=AssumeRole"),
            0,
            "no call without a code"
        );
    }
}

/// One failed export: exit 1, nothing on stdout, and one line on stderr, returned.
fn one_line_error(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    assert!(out.stdout.is_empty());
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("awsprof: error: "), "{err}");
    err
}

#[test]
fn sts_errors_are_one_line_with_the_cause_and_what_to_do() {
    // A moto of its own that checks IAM once the user and its key exist (two calls).
    let moto = Moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "2")]);
    let home = AwsHome::with("", "");
    let aws = |args: &[&str]| {
        let out = home
            .aws()
            .args(args)
            .args(["--endpoint-url", &moto.url(), "--output", "json"])
            .env("AWS_ACCESS_KEY_ID", "AKIASETUPEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "setup")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&stdout_ok(&out)).unwrap()
    };
    aws(&["iam", "create-user", "--user-name", "nobody-trusts-me"]);
    let key = aws(&[
        "iam",
        "create-access-key",
        "--user-name",
        "nobody-trusts-me",
    ]);
    let (id, secret) = (
        key["AccessKey"]["AccessKeyId"].as_str().unwrap(),
        key["AccessKey"]["SecretAccessKey"].as_str().unwrap(),
    );
    std::fs::write(
        home.config(),
        "[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Locked\nsource_profile = user\n\
         [profile unknown]\nrole_arn = arn:aws:iam::123456789012:role/Locked\nsource_profile = gone\n\
         [profile expired]\nrole_arn = arn:aws:iam::123456789012:role/Locked\nsource_profile = old\n",
    )
    .unwrap();
    std::fs::write(
        home.credentials(),
        format!(
            "[user]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\
             [gone]\naws_access_key_id = AKIADELETEDEXAMPLE00\naws_secret_access_key = s\n\
             [old]\naws_access_key_id = ASIAOLDSESSION000000\naws_secret_access_key = s\naws_session_token = t\n"
        ),
    )
    .unwrap();
    let export = |profile: &str, endpoint: &str| {
        home.cmd()
            .args(["export", profile])
            .env("AWS_ENDPOINT_URL_STS", endpoint)
            .output()
            .unwrap()
    };
    let err = one_line_error(&export("denied", &moto.url()));
    assert!(
        err.contains("AssumeRole arn:aws:iam::123456789012:role/Locked failed: AccessDenied: User: arn:aws:iam::123456789012:user/nobody-trusts-me is not authorized to perform: sts:AssumeRole; profile `user`'s identity may not do this: check the role's trust policy"),
        "{err}"
    );
    let err = one_line_error(&export("unknown", &moto.url()));
    assert!(
        err.contains("failed: InvalidClientTokenId: The security token included in the request is invalid; the access key of profile `gone` is not valid"),
        "{err}"
    );
    // moto never answers ExpiredToken (it does not check session tokens), so a one-route
    // stand-in for STS answers as STS does for an expired session token.
    let sts = FakeHttp::start(|_| {
        (
            400,
            vec![("content-type".into(), "text/xml".into())],
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>".into(),
        )
    });
    let err = one_line_error(&export("expired", &sts.url()));
    assert!(
        err.contains("failed: ExpiredToken: The security token included in the request is expired; the session token of profile `old`'s credentials has expired: get new ones for it (from the tool that wrote them, or `awsprof configure --profile old`)"),
        "{err}"
    );
}

#[test]
fn a_profile_without_credentials_says_which_keys_would_give_it_some() {
    let home = AwsHome::with(
        "[profile settings-only]\nregion = eu-west-1\noutput = json\n",
        "",
    );
    let err = one_line_error(&home.run(&["export", "settings-only"]));
    assert!(
        err.contains("profile `settings-only` did not contain credential information; any of these gives it some: aws_access_key_id with aws_secret_access_key, role_arn with source_profile or credential_source, sso_session with sso_account_id and sso_role_name, credential_process, web_identity_token_file with role_arn, login_session"),
        "{err}"
    );
}
