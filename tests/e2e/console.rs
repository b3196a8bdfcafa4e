//! `awsprof console`: the web console signed in as a profile. Credentials come from a real
//! moto STS (through a proxy that records every call) and from the IAM Identity Center
//! fake of credentials_sso.rs. There is no offline AWS sign-in service, so a small local
//! stand-in of its federation endpoint (`GET /federation?Action=getSigninToken`) runs in
//! each test, reached through AWS_ENDPOINT_URL_SIGNIN: it checks that the session it is
//! handed holds temporary credentials and answers with a sign-in token. What it cannot
//! stand in for, the real endpoints of each partition, is shown with no network at all
//! (`unshare -rn`): the call goes to the partition's host and fails there.

use crate::support::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Command, Output};

const CONFIG: &str = "\
[profile base]
region = eu-west-1

[profile role]
role_arn = arn:aws:iam::123456789012:role/ConsoleRole
source_profile = base
role_session_name = console-test
region = eu-west-1

[profile hop2]
role_arn = arn:aws:iam::123456789012:role/SecondHop
source_profile = role
role_session_name = second-hop

[profile mfauser]
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile nocreds]
region = eu-west-1

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

/// Long-term keys. moto's GetFederationToken always answers with the key id
/// AKIAIOSFODNN7EXAMPLE, so these users have others: what reaches the sign-in endpoint
/// must not be the user's own key.
const BASE_KEY: &str = "AKIAI44QH8DHBEXAMPLE";
const BASE_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const CREDENTIALS: &str = "\
[base]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY

[mfauser]
aws_access_key_id = AKIAJ7QY3DYXEXAMPLE1
aws_secret_access_key = mfaSecret/K7MDENG/bPxRfiCYEXAMPLEKEY
";

/// The session a stand-in was handed, and the other parameters of the call.
#[derive(Debug)]
struct Exchange {
    params: BTreeMap<String, String>,
    session: Value,
}

/// How the stand-in answers.
#[derive(Clone, Copy)]
enum Mode {
    /// A sign-in token, as AWS does for temporary credentials.
    Token,
    /// HTTP 400 when a SessionDuration comes with the session (role chaining, per AWS).
    RefuseDuration,
    /// This status and body.
    Answer(u16, &'static str),
}

struct Lab {
    home: AwsHome,
    proxy: CountingProxy,
    signin: FakeHttp,
}

fn query(path: &str) -> BTreeMap<String, String> {
    let q = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The stand-in federation endpoint. Its sign-in tokens are `token-N` for the Nth session
/// it was handed: opaque, as AWS's are, so a URL that holds a key would show.
fn signin(mode: Mode) -> FakeHttp {
    let issued = std::sync::atomic::AtomicUsize::new(0);
    FakeHttp::start(move |req| {
        let params = query(&req.path);
        let is_exchange = req.method == "GET"
            && req.path.starts_with("/federation?")
            && params.get("Action").map(String::as_str) == Some("getSigninToken");
        if !is_exchange {
            return (404, vec![], "{}".into());
        }
        let session: Value = serde_json::from_str(params.get("Session").map_or("", String::as_str))
            .unwrap_or_default();
        let temporary = ["sessionId", "sessionKey", "sessionToken"]
            .iter()
            .all(|k| session[k].as_str().is_some_and(|v| !v.is_empty()));
        if !temporary {
            return (400, vec![], "Invalid credentials parameter".into());
        }
        match mode {
            Mode::RefuseDuration if params.contains_key("SessionDuration") => {
                (400, vec![], "Invalid credentials parameter".into())
            }
            Mode::Token | Mode::RefuseDuration => {
                let n = issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                (
                    200,
                    vec![],
                    json!({"SigninToken": format!("token-{n}")}).to_string(),
                )
            }
            Mode::Answer(status, body) => (status, vec![], body.into()),
        }
    })
}

fn lab_with(mode: Mode) -> Lab {
    let moto = Moto::shared();
    Lab {
        home: AwsHome::with(CONFIG, CREDENTIALS),
        proxy: CountingProxy::to(moto.port),
        signin: signin(mode),
    }
}

fn lab() -> Lab {
    lab_with(Mode::Token)
}

impl Lab {
    /// `awsprof console ARGS` against moto and the stand-in, with no browser.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.home.cmd();
        for k in ["BROWSER", "DISPLAY", "WAYLAND_DISPLAY"] {
            cmd.env_remove(k);
        }
        cmd.arg("console")
            .args(args)
            .env("AWS_ENDPOINT_URL_STS", self.proxy.url())
            .env("AWS_ENDPOINT_URL_SIGNIN", self.signin.url());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run awsprof console")
    }

    /// What the stand-in was handed, in order.
    fn exchanges(&self) -> Vec<Exchange> {
        self.signin
            .requests()
            .iter()
            .map(|r| {
                let params = query(&r.path);
                let session = serde_json::from_str(&params["Session"]).unwrap();
                Exchange { params, session }
            })
            .collect()
    }
}

/// The login URL's host, path and parameters.
fn login(url: &str) -> (String, BTreeMap<String, String>) {
    let (base, _) = url.split_once('?').expect("a query");
    (base.to_string(), query(url))
}

/// `--url`'s stdout: exactly one line, the URL.
fn printed_url(out: &Output) -> String {
    let text = stdout_ok(out);
    assert_eq!(text.lines().count(), 1, "one line on stdout: {text:?}");
    assert!(text.ends_with('\n'));
    text.trim_end().to_string()
}

/// A failure: exit 1, nothing on stdout, one line on stderr; returns that line.
#[track_caller]
fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err}");
    assert!(err.starts_with("awsprof: error: "), "{err}");
    err
}

#[test]
fn a_role_profile_signs_in_with_its_role_session_and_the_url_holds_no_keys() {
    let lab = lab();
    let url = printed_url(&lab.run(&["role", "--url"]));
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 1);
    let ex = lab.exchanges();
    assert_eq!(ex.len(), 1, "{ex:?}");
    let session = &ex[0].session;
    let id = session["sessionId"].as_str().unwrap();
    assert!(
        id.starts_with("ASIA"),
        "moto's role session key, not the user's: {id}"
    );
    assert_ne!(id, BASE_KEY);
    assert!(!ex[0].params.contains_key("SessionDuration"));

    let (base, p) = login(&url);
    assert_eq!(base, format!("{}/federation", lab.signin.url()));
    assert_eq!(p["Action"], "login");
    assert_eq!(p["Issuer"], "awsprof");
    assert_eq!(
        p["SigninToken"], "token-1",
        "the token issued for that session"
    );
    assert_eq!(
        p["Destination"],
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    );
    for secret in [
        id,
        session["sessionKey"].as_str().unwrap(),
        session["sessionToken"].as_str().unwrap(),
        BASE_KEY,
        BASE_SECRET,
    ] {
        assert!(!url.contains(secret), "the URL holds a secret: {secret}");
    }

    // The same path as `export`: the role session is cached and served again.
    let again = printed_url(&lab.run(&["role", "--url", "--duration", "2h"]));
    assert_eq!(
        lab.proxy.count("Action=AssumeRole"),
        1,
        "served from the cache"
    );
    let ex = lab.exchanges();
    assert_eq!(ex[1].session["sessionId"], id);
    assert_eq!(
        ex[1].params.get("SessionDuration").map(String::as_str),
        Some("7200"),
        "a role assumed with long-term keys takes a console session duration"
    );
    assert!(again.contains("SigninToken="));
}

#[test]
fn a_chained_role_gets_no_session_duration_and_is_told_why() {
    let lab = lab();
    let out = lab.run(&["hop2", "--url", "--duration", "2h"]);
    printed_url(&out);
    let ex = lab.exchanges();
    assert_eq!(ex.len(), 1);
    assert!(
        !ex[0].params.contains_key("SessionDuration"),
        "AWS refuses it for role chaining: {:?}",
        ex[0].params
    );
    assert!(ex[0].session["sessionId"]
        .as_str()
        .unwrap()
        .starts_with("ASIA"));
    let err = stderr(&out);
    assert!(
        err.contains("role chaining") && err.contains("--duration 2h is not used"),
        "{err}"
    );
}

#[test]
fn long_term_user_keys_go_through_get_federation_token_first() {
    let lab = lab();
    let out = lab.run(&["base", "--json", "--duration", "90m"]);
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    let sent = lab.proxy.sent();
    assert_eq!(lab.proxy.count("Action=GetCallerIdentity"), 1, "{sent}");
    assert_eq!(lab.proxy.count("Action=GetFederationToken"), 1, "{sent}");
    assert!(sent.contains("DurationSeconds=5400"), "{sent}");
    assert!(
        sent.contains("Name=moto"),
        "the IAM user's name (moto's): {sent}"
    );
    assert!(
        sent.contains("Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"),
        "the allow-all session policy that keeps the user's permissions: {sent}"
    );

    let ex = lab.exchanges();
    assert_eq!(ex.len(), 1);
    let session = &ex[0].session;
    assert_ne!(session["sessionId"], BASE_KEY, "never the user's own keys");
    assert_ne!(session["sessionKey"], BASE_SECRET);
    assert!(
        session["sessionToken"]
            .as_str()
            .unwrap()
            .starts_with("AQoDYXdzEPT"),
        "moto's federation token: {session}"
    );
    assert!(
        !ex[0].params.contains_key("SessionDuration"),
        "GetFederationToken's own duration is the session's"
    );

    assert_eq!(v["Profile"], "base");
    assert_eq!(v["Region"], "eu-west-1");
    assert_eq!(v["SessionDuration"], 5400);
    let url = v["Url"].as_str().unwrap();
    assert!(!url.contains(BASE_KEY) && !url.contains(BASE_SECRET));
    assert_eq!(login(url).1["SigninToken"], "token-1");
    // The URL is good for the sign-in token's 15 minutes.
    let expires = v["Expiration"].as_str().unwrap();
    let (lo, hi) = (python_utc_in(14 * 60), python_utc_in(16 * 60));
    assert!(
        lo.as_str() <= expires && expires <= hi.as_str(),
        "{lo} <= {expires} <= {hi}"
    );
}

#[test]
fn an_mfa_user_signs_in_through_get_federation_token_without_a_code() {
    let lab = lab();
    // No terminal and no --mfa-code: asking for a code would fail.
    let out = lab.run(&["mfauser", "--url"]);
    printed_url(&out);
    assert_eq!(lab.proxy.count("Action=GetSessionToken"), 0);
    assert_eq!(lab.proxy.count("Action=GetFederationToken"), 1);
    assert!(stderr(&out).contains("carries no MFA"), "{}", stderr(&out));
}

#[test]
fn the_root_users_keys_are_refused_before_any_sign_in() {
    // moto never answers as root, so a stand-in STS does.
    let sts = FakeHttp::start(|req| {
        let root = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        if req.body.contains("Action=GetCallerIdentity") {
            (
                200,
                vec![("content-type".into(), "text/xml".into())],
                root.into(),
            )
        } else {
            (400, vec![], String::new())
        }
    });
    let lab = lab();
    let out = lab
        .cmd(&["base", "--url"])
        .env("AWS_ENDPOINT_URL_STS", sts.url())
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("uses the root user's access keys (arn:aws:iam::123456789012:root); root access keys: AWS recommends deleting them"),
        "the wording whoami warns with: {err}"
    );
    assert!(err.contains("does not sign in with them"), "{err}");
    assert_eq!(sts.requests().len(), 1, "no GetFederationToken");
    assert!(lab.signin.requests().is_empty());
}

/// The token `aws sso login` leaves for the `my-sso` session, expiring in `secs`.
fn sso_login(home: &AwsHome, token: &str, secs: i64) {
    require_python_module("hashlib");
    crate::support::write_cli_token(
        home,
        "my-sso",
        json!({
            "startUrl": "https://example.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": token,
            "expiresAt": python_utc_in(secs)
        }),
    );
}

#[test]
fn an_sso_profile_signs_in_with_its_role_credentials() {
    let lab = lab();
    let portal = crate::credentials_sso::fake(&["cli-v2-token"], 0);
    sso_login(&lab.home, "cli-v2-token", 3600);
    let out = lab
        .cmd(&["dev", "--service", "s3", "--duration", "1h", "--url"])
        .env("AWS_ENDPOINT_URL_SSO", portal.url())
        .output()
        .unwrap();
    let url = printed_url(&out);
    let ex = lab.exchanges();
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].session["sessionId"], "ASIASSOFAKE");
    assert_eq!(ex[0].session["sessionToken"], "session-for-cli-v2-token");
    assert_eq!(
        ex[0].params.get("SessionDuration").map(String::as_str),
        Some("3600")
    );
    assert_eq!(
        login(&url).1["Destination"],
        "https://console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    assert_eq!(
        lab.proxy.requests(),
        0,
        "no STS call for IAM Identity Center"
    );
}

#[test]
fn services_and_destinations_pick_the_page() {
    let lab = lab();
    let dest = |args: &[&str]| {
        let mut all = vec!["role", "--url"];
        all.extend_from_slice(args);
        login(&printed_url(&lab.run(&all))).1["Destination"].clone()
    };
    assert_eq!(
        dest(&["--service", "lambda"]),
        "https://console.aws.amazon.com/lambda/home?region=eu-west-1"
    );
    assert_eq!(
        dest(&["--service", "ddb"]),
        "https://console.aws.amazon.com/dynamodbv2/home?region=eu-west-1",
        "an alias"
    );
    assert_eq!(
        dest(&["--service", "iam"]),
        "https://console.aws.amazon.com/iam/home",
        "a global service takes no region"
    );
    let page = "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#Instances:";
    assert_eq!(dest(&["--destination", page]), page);

    let calls = (lab.proxy.requests(), lab.signin.requests().len());
    let err = one_line_error(&lab.run(&["role", "--destination", "https://evil.example/"]));
    assert!(
        err.contains("not on the aws partition's console, https://console.aws.amazon.com/"),
        "{err}"
    );
    let err = one_line_error(&lab.run(&[
        "role",
        "--region",
        "cn-north-1",
        "--destination",
        "https://console.aws.amazon.com/s3/home",
    ]));
    assert!(err.contains("aws-cn partition's console"), "{err}");
    assert_eq!(
        (lab.proxy.requests(), lab.signin.requests().len()),
        calls,
        "refused before any credentials were fetched"
    );

    // An unknown service is bad usage: clap lists the known ones and suggests the closest.
    let out = lab.run(&["role", "--service", "lambada"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("possible values:") && err.contains("s3"),
        "{err}"
    );
    assert!(err.contains("lambda"), "{err}");
}

#[test]
fn the_region_picks_the_partitions_console() {
    let lab = lab();
    let dest = |out: Output| login(&printed_url(&out)).1["Destination"].clone();
    assert_eq!(
        dest(lab.run(&["role", "--url", "--region", "us-gov-west-1"])),
        "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"
    );
    assert!(
        lab.proxy.sent().contains("/us-gov-west-1/sts/aws4_request"),
        "--region is where STS is called too"
    );
    assert_eq!(
        dest(lab.run(&[
            "role",
            "--url",
            "--region",
            "cn-north-1",
            "--service",
            "ec2"
        ])),
        "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
    );
    // Without --region, the SDKs' order: the environment before the profile's region.
    let out = lab
        .cmd(&["role", "--url"])
        .env("AWS_REGION", "cn-northwest-1")
        .output()
        .unwrap();
    assert_eq!(
        dest(out),
        "https://console.amazonaws.cn/console/home?region=cn-northwest-1"
    );
    let err = one_line_error(&lab.run(&["role", "--url", "--region", "us-iso-east-1"]));
    assert!(err.contains("aws-iso partition"), "{err}");
    let err = one_line_error(&lab.run(&["role", "--url", "--region", "moon-1"]));
    assert!(err.contains("not an AWS region name"), "{err}");
}

/// The one-line error of a federation endpoint that could not be reached: it names the
/// endpoint, and none of the credentials the request carried.
#[track_caller]
fn assert_unreachable(out: &Output, endpoint: &str) {
    let err = one_line_error(out);
    assert!(
        err.contains(&format!(
            "could not reach the sign-in federation endpoint {endpoint}:"
        )),
        "{err}"
    );
    for secret in ["process/secret", "process-token", "Session="] {
        assert!(!err.contains(secret), "the error holds {secret}: {err}");
    }
}

/// A profile whose credential_process prints temporary credentials: no network needed.
fn process_home(dir: &AwsHome) {
    let script = dir.path().join("creds.sh");
    write_script(
        &script,
        &format!(
            "#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"process/secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"{}\"}}'\n",
            python_utc_in(3600)
        ),
    );
    std::fs::write(
        dir.config(),
        format!(
            "{CONFIG}\n[profile proc]\nregion = us-east-1\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
}

#[test]
fn each_partition_signs_in_at_its_own_host() {
    // No stand-in here: a network namespace with nothing in it, so the call can only fail,
    // and the error says where it went. Nothing is sent anywhere.
    require("unshare", &["-rn", "true"]);
    let home = AwsHome::new();
    std::fs::create_dir_all(home.aws_dir()).unwrap();
    process_home(&home);
    for (region, host) in [
        ("us-east-1", "https://signin.aws.amazon.com/federation"),
        (
            "us-gov-west-1",
            "https://signin.amazonaws-us-gov.com/federation",
        ),
        ("cn-north-1", "https://signin.amazonaws.cn/federation"),
    ] {
        let mut cmd = Command::new("unshare");
        home.isolate(&mut cmd);
        let out = cmd
            .args(["-rn"])
            .arg(bin())
            .args(["console", "proc", "--url", "--region", region])
            .output()
            .unwrap();
        assert_unreachable(&out, host);
    }
}

#[test]
fn without_a_browser_stdout_stays_empty_and_the_url_goes_to_stderr() {
    let lab = lab();
    for browser in [None, Some("none")] {
        let mut cmd = lab.cmd(&["role"]);
        if let Some(b) = browser {
            cmd.env("BROWSER", b);
        }
        let out = cmd.output().unwrap();
        assert_ok(&out, "console without a browser");
        assert!(out.stdout.is_empty(), "{:?}", out.stdout);
        let err = stderr(&out);
        assert!(err.contains("there is no browser to open here"), "{err}");
        let url = err
            .split_whitespace()
            .find(|w| w.contains("Action=login"))
            .expect("the URL on stderr");
        assert!(login(url).1["SigninToken"].starts_with("token-"));
        let id = lab.exchanges().last().unwrap().session["sessionId"].clone();
        assert!(id.as_str().unwrap().starts_with("ASIA"), "{id}");
    }
}

#[test]
fn with_a_browser_the_url_is_opened_and_stdout_stays_empty() {
    let lab = lab();
    let opened = lab.home.path().join("opened.txt");
    let browser = lab.home.path().join("browser.sh");
    write_script(
        &browser,
        &format!(
            "#!/bin/sh\necho 'a browser printing on stdout'\nprintf '%s' \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            opened.display()
        ),
    );
    let out = lab
        .cmd(&["role", "--service", "s3"])
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    assert_ok(&out, "console with a browser");
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr(&out).contains("opened the AWS console as `role` (eu-west-1)"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("SigninToken"),
        "not shown once opened"
    );
    wait_for("the browser to be given the URL", 10, || opened.is_file());
    let (_, p) = login(&read(&opened));
    assert_eq!(
        p["Destination"],
        "https://console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    assert_eq!(p["SigninToken"], "token-1");
}

#[test]
fn bad_input_is_one_line_exit_1_and_nothing_on_stdout() {
    let lab = lab();
    let err = one_line_error(&lab.run(&["rol", "--url"]));
    assert!(err.contains("`rol`") && err.contains("`role`"), "{err}");
    let err = one_line_error(&lab.run(&["nocreds", "--url"]));
    assert!(err.contains("nocreds"), "{err}");

    // An IAM Identity Center session that has expired, with nothing to refresh it.
    sso_login(&lab.home, "old-token", -60);
    let portal = crate::credentials_sso::fake(&["old-token"], 0);
    let out = lab
        .cmd(&["dev", "--url"])
        .env("AWS_ENDPOINT_URL_SSO", portal.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", portal.url())
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("awsprof login dev"), "{err}");
    assert!(lab.signin.requests().is_empty());

    // The federation endpoint failing, each way.
    for (mode, says) in [
        (Mode::Answer(500, "oops"), "answered HTTP 500"),
        (
            Mode::Answer(200, "<html>not json</html>"),
            "without a sign-in token",
        ),
        (
            Mode::Answer(200, r#"{"SigninToken": ""}"#),
            "without a sign-in token",
        ),
        (
            Mode::Answer(400, "Invalid credentials parameter"),
            "refused the credentials",
        ),
    ] {
        let lab = lab_with(mode);
        let err = one_line_error(&lab.run(&["role", "--url"]));
        assert!(err.contains(says), "{says}: {err}");
        assert!(!err.contains("Session="), "{err}");
    }
    // credential_process credentials may or may not take a duration; AWS says which.
    let lab = lab_with(Mode::RefuseDuration);
    process_home(&lab.home);
    let err = one_line_error(&lab.run(&["proc", "--url", "--duration", "4h"]));
    assert!(err.contains("try without --duration"), "{err}");
    printed_url(&lab.run(&["proc", "--url"]));

    // A stopped endpoint.
    let port = free_port();
    let out = lab
        .cmd(&["proc", "--url"])
        .env(
            "AWS_ENDPOINT_URL_SIGNIN",
            format!("http://127.0.0.1:{port}"),
        )
        .output()
        .unwrap();
    assert_unreachable(&out, &format!("http://127.0.0.1:{port}/federation"));

    // Bad usage.
    let out = lab.run(&["role", "--duration", "13h"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("15m to 12h"), "{}", stderr(&out));
}

#[test]
fn fish_completes_console_profiles_and_services() {
    require_shell("fish");
    let home = AwsHome::with(CONFIG, CREDENTIALS);
    let script = r#"awsprof init fish | source
echo '== profiles'; complete -C 'awsprof console r'
echo '== services'; complete -C 'awsprof console role --service s'
"#;
    let out = stdout_ok(&home.shell("fish", script, &[]));
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut label = String::new();
    for line in out.lines() {
        if let Some(l) = line.strip_prefix("== ") {
            label = l.to_string();
            sections.insert(label.clone(), Vec::new());
        } else if let Some(v) = sections.get_mut(&label) {
            v.push(line.to_string());
        }
    }
    let values = |k: &str| -> Vec<String> {
        sections[k]
            .iter()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(values("profiles"), ["role"]);
    let services = values("services");
    for s in [
        "s3",
        "sagemaker",
        "secretsmanager",
        "ses",
        "sns",
        "sqs",
        "ssm",
        "sso",
        "stepfunctions",
        "support",
    ] {
        assert!(services.contains(&s.to_string()), "{s} in {services:?}");
    }
    assert!(
        sections["services"]
            .iter()
            .any(|l| l == "s3\tS3" || l.starts_with("s3\t")),
        "with what each is: {:?}",
        sections["services"]
    );
}
