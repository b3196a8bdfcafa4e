//! One precedence: for every shape of profile (each kind, the mixed ones the SDKs read
//! differently, chains through each kind, and the broken ones), `list --json`'s kind,
//! what `export` prints, the credentials `whoami` sends to STS, and `doctor` agree.
//!
//! Steps that would need AWS are served from a warm cache: each expected chain's last step
//! has an entry named by the AWS CLI's own key (SHA-1 of the call's arguments, computed by
//! Python here), holding a key id unique to that profile. So an export that prints the
//! profile's key id followed the chain to that step; a wrong precedence reads another
//! entry (or none) and fails. `whoami` goes to a real moto server through a proxy that
//! records the `Credential=` of the request it signs.

use crate::support::{self, AwsHome, CountingProxy, Moto, SecretService};

/// What `export` (and so `whoami`) must do for a profile.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// Print the keys written in the files, with this key id.
    Keys(&'static str),
    /// Print the cache entry of the chain's last step, whose key is the SHA-1 of this text.
    Cached(&'static str),
    /// Print what the credential_process program prints.
    Process,
    /// Fail with this message; doctor reports it as an error (check `chains`).
    Fails(&'static str),
    /// Fail with this message when the chain runs (a program fails); doctor, which runs
    /// nothing, says nothing.
    FailsWhenRun(&'static str),
    /// Fail, as the profile holds no credentials at all; doctor says nothing about it.
    Nothing,
    /// Fail with this message; doctor warns (the profile is well formed, but for `login`).
    LoginOnly(&'static str),
}

use Outcome::*;

struct Shape {
    name: &'static str,
    /// Lines of `[profile NAME]` in config ("" for none).
    config: &'static str,
    /// Lines of `[NAME]` in credentials ("" for none).
    credentials: &'static str,
    kind: &'static str,
    outcome: Outcome,
    /// Whether the SDKs disagree about it, so doctor warns (check `compat`).
    divergent: bool,
}

const K1: &str = "aws_access_key_id = AKIAMATRIXKEYS000001\naws_secret_access_key = s1\n";
const K2: &str = "aws_access_key_id = AKIAMATRIXKEYS000002\naws_secret_access_key = s2\n";

fn shapes() -> Vec<Shape> {
    let s = |name, config, credentials, kind, outcome| Shape {
        name,
        config,
        credentials,
        kind,
        outcome,
        divergent: false,
    };
    let d = |name, config, credentials, kind, outcome| Shape {
        divergent: true,
        ..s(name, config, credentials, kind, outcome)
    };
    vec![
        // Static keys and their relatives.
        s("src", "", K1, "static", Keys("AKIAMATRIXKEYS000001")),
        s("keys-in-config", K2, "", "static", Keys("AKIAMATRIXKEYS000002")),
        s("session", "", "aws_access_key_id = ASIAMATRIXSESSION001\naws_secret_access_key = s\naws_session_token = t\n", "static-session", Keys("ASIAMATRIXSESSION001")),
        s("user-mfa", "mfa_serial = arn:aws:iam::1:mfa/u\n", "aws_access_key_id = AKIAMATRIXMFAUSER001\naws_secret_access_key = s\n", "static-mfa", Cached(r#"{"AccessKeyId": "AKIAMATRIXMFAUSER001", "SerialNumber": "arn:aws:iam::1:mfa/u"}"#)),
        s("user-mfa-900", "mfa_serial = arn:aws:iam::1:mfa/u\nduration_seconds = 900\n", "aws_access_key_id = AKIAMATRIXMFAUSER002\naws_secret_access_key = s\n", "static-mfa", Cached(r#"{"AccessKeyId": "AKIAMATRIXMFAUSER002", "DurationSeconds": 900, "SerialNumber": "arn:aws:iam::1:mfa/u"}"#)),
        s("half-id", "", "aws_access_key_id = AKIAMATRIXHALF000001\n", "partial-keys", Fails("profile missing aws_secret_access_key")),
        s("half-secret", "", "aws_secret_access_key = s\n", "partial-keys", Fails("profile missing aws_access_key_id")),
        s("half-id-in-config", "aws_access_key_id = AKIAMATRIXHALF000002\nregion = eu-west-1\n", "", "partial-keys", Fails("profile missing aws_secret_access_key")),
        s("token-only", "", "aws_session_token = t\n", "partial-keys", Fails("profile missing aws_access_key_id")),
        s("settings-only", "region = eu-west-1\noutput = json\n", "", "other", Nothing),
        // Roles.
        s("role", "role_arn = arn:aws:iam::1:role/Plain\nsource_profile = src\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Plain"}"#)),
        s("role-external", "role_arn = arn:aws:iam::1:role/Ext\nsource_profile = src\nexternal_id = e-1\n", "", "assume-role", Cached(r#"{"ExternalId": "e-1", "RoleArn": "arn:aws:iam::1:role/Ext"}"#)),
        s("role-1800", "role_arn = arn:aws:iam::1:role/Long\nsource_profile = src\nduration_seconds = 1800\n", "", "assume-role", Cached(r#"{"DurationSeconds": 1800, "RoleArn": "arn:aws:iam::1:role/Long"}"#)),
        s("role-mfa", "role_arn = arn:aws:iam::1:role/Mfa\nsource_profile = src\nmfa_serial = arn:aws:iam::1:mfa/u\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Mfa", "SerialNumber": "arn:aws:iam::1:mfa/u"}"#)),
        s("role-self", "role_arn = arn:aws:iam::1:role/Self\nsource_profile = role-self\n", K2, "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Self"}"#)),
        s("role-over-own-keys", "role_arn = arn:aws:iam::1:role/OverKeys\nsource_profile = src\n", K2, "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OverKeys"}"#)),
        s("role-of-role", "role_arn = arn:aws:iam::1:role/Second\nsource_profile = role\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Second"}"#)),
        s("role-keys-win-in-source", "role_arn = arn:aws:iam::1:role/ViaKeyed\nsource_profile = keyed-broken-role\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/ViaKeyed"}"#)),
        s("keyed-broken-role", "role_arn = arn:aws:iam::1:role/Never\nsource_profile = nope\n", K2, "assume-role", Fails("could not find source profile nope referenced from keyed-broken-role")),
        s("role-env", "role_arn = arn:aws:iam::1:role/Env\ncredential_source = Environment\n", "", "assume-role-credential-source", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Env"}"#)),
        s("role-ec2", "role_arn = arn:aws:iam::1:role/Ec2\ncredential_source = Ec2InstanceMetadata\n", "", "assume-role-credential-source", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Ec2"}"#)),
        s("role-ecs", "role_arn = arn:aws:iam::1:role/Ecs\ncredential_source = EcsContainer\n", "", "assume-role-credential-source", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Ecs"}"#)),
        s("role-laptop", "role_arn = arn:aws:iam::1:role/L\ncredential_source = Laptop\n", "", "assume-role-credential-source", Fails("credential_source `Laptop` is not supported")),
        s("role-both", "role_arn = arn:aws:iam::1:role/B\nsource_profile = src\ncredential_source = Environment\n", "", "assume-role", Fails("contained both source_profile and credential_source")),
        s("role-neither", "role_arn = arn:aws:iam::1:role/N\n", "", "assume-role", Fails("must contain `source_profile` or `credential_source`")),
        s("role-missing-source", "role_arn = arn:aws:iam::1:role/M\nsource_profile = nope\n", "", "assume-role", Fails("could not find source profile nope referenced from role-missing-source")),
        s("loop-a", "role_arn = arn:aws:iam::1:role/A\nsource_profile = loop-b\n", "", "assume-role", Fails("profile formed an infinite loop: loop-a -> loop-b -> loop-a")),
        s("loop-b", "role_arn = arn:aws:iam::1:role/B\nsource_profile = loop-a\n", "", "assume-role", Fails("profile formed an infinite loop: loop-b -> loop-a -> loop-b")),
        s("role-of-nothing", "role_arn = arn:aws:iam::1:role/E\nsource_profile = settings-only\n", "", "assume-role", Fails("profile `settings-only` did not contain credential information")),
        s("role-of-half-keys", "role_arn = arn:aws:iam::1:role/H\nsource_profile = half-id\n", "", "assume-role", Fails("profile missing aws_secret_access_key")),
        s("role-of-process", "role_arn = arn:aws:iam::1:role/OfProc\nsource_profile = proc\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OfProc"}"#)),
        s("role-of-sso", "role_arn = arn:aws:iam::1:role/OfSso\nsource_profile = sso\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OfSso"}"#)),
        s("role-of-web", "role_arn = arn:aws:iam::1:role/OfWeb\nsource_profile = web\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OfWeb"}"#)),
        s("role-1h", "role_arn = arn:aws:iam::1:role/Bad\nsource_profile = src\nduration_seconds = 1h\n", "", "assume-role", Fails("duration_seconds = \"1h\" is not a whole number of seconds")),
        // Web identity.
        s("web", "role_arn = arn:aws:iam::1:role/Web\nweb_identity_token_file = TOKEN_FILE\n", "", "web-identity", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/Web"}"#)),
        s("web-no-role", "web_identity_token_file = /nonexistent/token\n", "", "web-identity", Fails("`web_identity_token_file` was specified but `role_arn` was missing")),
        // IAM Identity Center.
        s("sso", "sso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n", "", "sso", Cached(r#"{"accountId":"111122223333","roleName":"Dev","sessionName":"corp","startUrl":"https://corp.awsapps.com/start"}"#)),
        s("sso-legacy", "sso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Old\n", "", "sso-legacy", Cached(r#"{"accountId":"111122223333","roleName":"Old","startUrl":"https://old.awsapps.com/start"}"#)),
        s("sso-no-session", "sso_session = nope\nsso_account_id = 1\nsso_role_name = R\n", "", "sso", Fails("sso-session named `nope` (referenced by profile `sso-no-session`) was not found")),
        s("sso-half", "sso_session = corp\nsso_account_id = 1\n", "", "sso", Fails("if `sso_account_id` is set, then `sso_role_name` must also be set")),
        s("sso-login-only", "sso_session = corp\n", "", "sso", LoginOnly("it can log in (`awsprof login`) but yields no credentials")),
        s("sso-region-only", "sso_region = us-east-1\n", "", "sso-legacy", Fails("IAM Identity Center needs `sso_start_url`")),
        s("sso-with-keys", "sso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Keyed\n", K2, "sso", Cached(r#"{"accountId":"111122223333","roleName":"Keyed","sessionName":"corp","startUrl":"https://corp.awsapps.com/start"}"#)),
        d("keys-and-stray-sso-region", "sso_region = us-east-1\n", "aws_access_key_id = AKIAMATRIXSTRAYSSO01\naws_secret_access_key = s\n", "static", Keys("AKIAMATRIXSTRAYSSO01")),
        d("keys-and-stray-sso-session", "sso_session = corp\n", "aws_access_key_id = AKIAMATRIXSTRAYSSO02\naws_secret_access_key = s\n", "static", Keys("AKIAMATRIXSTRAYSSO02")),
        // credential_process.
        s("proc", "credential_process = sh PROC_SCRIPT\n", "", "credential-process", Process),
        s("proc-and-config-keys", "credential_process = sh PROC_SCRIPT\naws_access_key_id = AKIAMATRIXPROCKEYS01\naws_secret_access_key = s\n", "", "credential-process", Process),
        d("proc-and-credentials-keys", "credential_process = sh PROC_SCRIPT\n", "aws_access_key_id = AKIAMATRIXPROCKEYS02\naws_secret_access_key = s\n", "credential-process", Process),
        s("proc-fails", "credential_process = false\n", "", "credential-process", FailsWhenRun("credential_process `false` exited with status 1")),
        // AWS Sign-In (`aws login`): after IAM Identity Center, before credential_process;
        // served from the AWS CLI's login token cache (see home_with).
        s("login", "login_session = LOGIN_SESSION\n", "", "login-session", Keys(LOGIN_KEY)),
        s("login-and-process", "login_session = LOGIN_SESSION\ncredential_process = sh PROC_SCRIPT\n", "", "login-session", Keys(LOGIN_KEY)),
        s("login-and-config-keys", "login_session = LOGIN_SESSION\naws_access_key_id = AKIAMATRIXLOGINKEYS1\naws_secret_access_key = s\n", "", "login-session", Keys(LOGIN_KEY)),
        d("login-and-credentials-keys", "login_session = LOGIN_SESSION\n", "aws_access_key_id = AKIAMATRIXLOGINKEYS2\naws_secret_access_key = s\n", "login-session", Keys(LOGIN_KEY)),
        s("sso-over-login", "sso_session = corp\nsso_account_id = 111122223333\nsso_role_name = OverLogin\nlogin_session = LOGIN_SESSION\n", "", "sso", Cached(r#"{"accountId":"111122223333","roleName":"OverLogin","sessionName":"corp","startUrl":"https://corp.awsapps.com/start"}"#)),
        s("role-of-login", "role_arn = arn:aws:iam::1:role/OfLogin\nsource_profile = login\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OfLogin"}"#)),
        // Keys in the OS keyring: awsprof's own credential_process line (the test's Secret
        // Service holds the entry `kr`, and no other).
        s("kr", "credential_process = awsprof keyring credentials kr\n", "", "keyring", Keys(KEYRING_KEY)),
        s("kr-by-path", "credential_process = /opt/bin/awsprof keyring credentials kr\n", "", "keyring", Keys(KEYRING_KEY)),
        s("kr-mfa", "credential_process = awsprof keyring credentials kr-mfa\nmfa_serial = arn:aws:iam::1:mfa/u\n", "", "keyring-mfa", Cached(r#"{"Keyring": "awsprof/kr-mfa", "SerialNumber": "arn:aws:iam::1:mfa/u"}"#)),
        s("kr-mfa-900", "credential_process = awsprof keyring credentials kr-mfa-900\nmfa_serial = arn:aws:iam::1:mfa/u\nduration_seconds = 900\n", "", "keyring-mfa", Cached(r#"{"DurationSeconds": 900, "Keyring": "awsprof/kr-mfa-900", "SerialNumber": "arn:aws:iam::1:mfa/u"}"#)),
        s("role-of-kr", "role_arn = arn:aws:iam::1:role/OfKeyring\nsource_profile = kr\n", "", "assume-role", Cached(r#"{"RoleArn": "arn:aws:iam::1:role/OfKeyring"}"#)),
        d("kr-and-credentials-keys", "credential_process = awsprof keyring credentials kr\n", "aws_access_key_id = AKIAMATRIXKRKEYS0001\naws_secret_access_key = s\n", "keyring", Keys(KEYRING_KEY)),
        s("kr-empty", "credential_process = awsprof keyring credentials kr-empty\n", "", "keyring", FailsWhenRun("profile `kr-empty` reads its keys from the Secret Service (entry `awsprof/kr-empty`), and there are none there")),
        // credential_source without role_arn.
        d("keys-and-source", "credential_source = Environment\n", "aws_access_key_id = AKIAMATRIXKEYSRC0001\naws_secret_access_key = s\n", "static", Keys("AKIAMATRIXKEYSRC0001")),
        d("source-alone", "credential_source = Environment\n", "", "other", Nothing),
    ]
}

const PROC_KEY: &str = "ASIAMATRIXPROCESS001";

/// The `login_session` of the sign-in shapes, and the key id its cached token holds.
const LOGIN_SESSION: &str = "arn:aws:iam::123456789012:user/matrix";
const LOGIN_KEY: &str = "ASIAMATRIXLOGIN00001";
/// The key id of the one keyring entry, `kr`.
const KEYRING_KEY: &str = "AKIAMATRIXKEYRING001";

/// A key id unique to the `i`-th shape's cache entry.
fn cached_key(i: usize) -> String {
    format!("ASIAMATRIXCACHE{i:05}")
}

fn home_with(shapes: &[Shape]) -> AwsHome {
    let home = AwsHome::new();
    std::fs::create_dir_all(home.aws_dir()).unwrap();
    let script = home.path().join("proc.sh");
    std::fs::write(
        &script,
        format!("printf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"{PROC_KEY}\", \"SecretAccessKey\": \"p\", \"SessionToken\": \"t\"}}'\n"),
    )
    .unwrap();
    // A web identity token file that exists: doctor reports one that does not.
    let token = home.path().join("token");
    std::fs::write(&token, "a-token").unwrap();
    let mut config = String::from(
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n",
    );
    let mut credentials = String::new();
    for s in shapes {
        config.push_str(&format!(
            "[profile {}]\n{}\n",
            s.name,
            s.config
                .replace("PROC_SCRIPT", &script.display().to_string())
                .replace("LOGIN_SESSION", LOGIN_SESSION)
                .replace("TOKEN_FILE", &token.display().to_string())
        ));
        if !s.credentials.is_empty() {
            credentials.push_str(&format!("[{}]\n{}\n", s.name, s.credentials));
        }
    }
    std::fs::write(home.config(), config).unwrap();
    std::fs::write(home.credentials(), credentials).unwrap();
    // What `aws login` left: a live session, so no call to the sign-in service is made.
    support::write_login_token(&home, LOGIN_SESSION, LOGIN_KEY, 3600);
    let cache = home.aws_dir().join("cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let expires = support::python_utc_in(3600);
    for (i, s) in shapes.iter().enumerate() {
        if let Cached(args) = s.outcome {
            std::fs::write(
                cache.join(format!("{}.json", support::python_sha1(args))),
                format!(r#"{{"Credentials": {{"AccessKeyId": "{}", "SecretAccessKey": "c", "SessionToken": "t", "Expiration": "{expires}"}}}}"#, cached_key(i)),
            )
            .unwrap();
        }
    }
    home
}

fn json(out: &std::process::Output) -> serde_json::Value {
    support::assert_ok(out, "a JSON command");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn kind_export_whoami_and_doctor_agree_for_every_shape() {
    let shapes = shapes();
    assert!(shapes.len() >= 30);
    let home = home_with(&shapes);
    let ss = SecretService::start(&home);
    ss.store(
        &home,
        "kr",
        &format!(r#"{{"Version":1,"AccessKeyId":"{KEYRING_KEY}","SecretAccessKey":"k"}}"#),
    );
    let moto = Moto::shared();
    // The environment a credential_source = Environment base would read.
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAMATRIXENVIRON001"),
        ("AWS_SECRET_ACCESS_KEY", "e"),
        ("AWS_REGION", "us-east-1"),
    ];
    let kinds: std::collections::HashMap<String, String> = json(&home.run(&["list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let doctor = home.cmd().args(["doctor", "--json"]).output().unwrap();
    let findings: Vec<(String, String, String)> =
        serde_json::from_slice::<serde_json::Value>(&doctor.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("level"), s("check"), s("message"))
            })
            .collect();
    let about = |name: &str, level: &str, check: &str| -> Vec<String> {
        let tag = format!("profile `{name}`");
        findings
            .iter()
            .filter(|(l, c, m)| l == level && c == check && m.starts_with(&tag))
            .map(|(_, _, m)| m.clone())
            .collect()
    };
    let mut failures = Vec::new();
    for (i, s) in shapes.iter().enumerate() {
        let mut fail = |what: String| failures.push(format!("{}: {what}", s.name));
        if kinds.get(s.name).map(String::as_str) != Some(s.kind) {
            fail(format!(
                "list --json kind {:?}, expected {}",
                kinds.get(s.name),
                s.kind
            ));
        }
        let proxy = CountingProxy::to(moto.port);
        let run = |args: &[&str]| {
            let mut cmd = ss.awsprof(&home);
            cmd.args(args).env("AWS_ENDPOINT_URL_STS", proxy.url());
            for (k, v) in env {
                cmd.env(k, v);
            }
            cmd.stdin(std::process::Stdio::null()).output().unwrap()
        };
        let export = run(&["export", s.name]);
        let whoami = run(&["whoami", s.name, "--json"]);
        let (out, err) = (
            String::from_utf8_lossy(&export.stdout).to_string(),
            support::stderr(&export),
        );
        let errors = about(s.name, "error", "chains");
        let expected_key = match s.outcome {
            Keys(k) => Some(k.to_string()),
            Cached(_) => Some(cached_key(i)),
            Process => Some(PROC_KEY.to_string()),
            Fails(_) | FailsWhenRun(_) | Nothing | LoginOnly(_) => None,
        };
        match (expected_key, s.outcome) {
            (Some(key), _) => {
                if !export.status.success() || !out.contains(&format!("AWS_ACCESS_KEY_ID='{key}'"))
                {
                    fail(format!("export should print {key}: {out}{err}"));
                }
                // whoami signed its one STS call with the same credentials.
                let sent = proxy.sent();
                if !whoami.status.success()
                    || proxy.count("Action=GetCallerIdentity") != 1
                    || !sent.contains(&format!("Credential={key}/"))
                {
                    fail(format!(
                        "whoami should call STS as {key}: {}",
                        support::stderr(&whoami)
                    ));
                }
                if !errors.is_empty() {
                    fail(format!(
                        "doctor reports an error for a working profile: {errors:?}"
                    ));
                }
            }
            (None, Fails(message) | LoginOnly(message) | FailsWhenRun(message)) => {
                if export.status.code() != Some(1) || !out.is_empty() || !err.contains(message) {
                    fail(format!("export should fail with {message:?}: {out}{err}"));
                }
                let werr = support::stderr(&whoami);
                if whoami.status.code() != Some(1)
                    || !werr.contains(message)
                    || proxy.requests() != 0
                {
                    fail(format!(
                        "whoami should fail as export did, calling nothing: {werr}"
                    ));
                }
                let level = match s.outcome {
                    Fails(_) => "error",
                    LoginOnly(_) => "warning",
                    // doctor runs no program, so it cannot know.
                    _ => "none",
                };
                let reported = about(s.name, level, "chains");
                if level == "none" && !errors.is_empty() {
                    fail(format!("doctor reports what it cannot know: {errors:?}"));
                } else if level != "none" && !reported.iter().any(|m| m.contains(message)) {
                    fail(format!(
                        "doctor should report {message:?} as an {level}: {findings:?}"
                    ));
                }
            }
            (None, _) => {
                if export.status.code() != Some(1)
                    || !err.contains("did not contain credential information")
                {
                    fail(format!("export should say there are no credentials: {err}"));
                }
                if whoami.status.code() != Some(1) || proxy.requests() != 0 {
                    fail("whoami should fail without a call".into());
                }
                if !errors.is_empty() {
                    fail(format!(
                        "doctor should say nothing of a settings-only profile: {errors:?}"
                    ));
                }
            }
        }
        let compat = about(s.name, "warning", "compat");
        if s.divergent == compat.is_empty() {
            fail(format!(
                "doctor's compat warning: expected {}, got {compat:?}",
                s.divergent
            ));
        }
        if s.divergent
            && !compat.iter().any(|m| {
                m.contains("AWS CLI") && (m.contains("SDK for Rust") || m.contains("AWS SDKs"))
            })
        {
            fail(format!(
                "the compat warning should give both readings: {compat:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} shapes disagree:\n{}",
        failures.len(),
        shapes.len(),
        failures.join("\n")
    );
}
