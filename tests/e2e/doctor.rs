//! `awsprof doctor` finds what breaks tools and says where; exit 1 only on errors.

use crate::support::{self, AwsHome};
use serde_json::Value;

fn findings(home: &AwsHome, env: &[(&str, &str)]) -> (i32, Vec<Value>) {
    let mut cmd = home.cmd();
    cmd.args(["doctor", "--json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v.as_array().unwrap().clone())
}

fn has(f: &[Value], level: &str, needle: &str) -> bool {
    f.iter()
        .any(|x| x["level"] == level && x["message"].as_str().unwrap().contains(needle))
}

#[test]
fn healthy_files_pass() {
    let home = AwsHome::with(
        "[default]\nregion = us-east-1\n",
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(home.credentials(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 0, "{f:?}");
    // All is well, but for the long-term keys kept in plain text: one warning, with the fix.
    let (secrets, rest): (Vec<&Value>, Vec<&Value>) =
        f.iter().partition(|x| x["check"] == "secrets");
    assert!(rest.iter().all(|x| x["level"] == "ok"), "{f:?}");
    assert_eq!(secrets.len(), 1, "{f:?}");
    assert_eq!(secrets[0]["level"], "warning");
    assert_eq!(
        secrets[0]["fix"],
        serde_json::json!(["awsprof", "keyring", "move", "default"])
    );
    assert_eq!(
        secrets[0]["message"],
        "profile `default`: the secret of long-term access key AKIAIOSFODNN7EXAMPLE is kept in plain text at ~/.aws/credentials:3; move it to the OS keyring; run: awsprof keyring move default"
    );
}

#[test]
fn temporary_keys_and_keys_in_the_keyring_are_not_called_plain_text() {
    let home = AwsHome::with(
        "[profile kr]\ncredential_process = awsprof keyring credentials kr\n[profile team/dev@acme]\naws_access_key_id = AKIAINCONFIG\naws_secret_access_key = s\n",
        "[tmp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = s\naws_session_token = t\n",
    );
    let (_, f) = findings(&home, &[]);
    let secrets: Vec<&str> = f
        .iter()
        .filter(|x| x["check"] == "secrets")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert_eq!(secrets.len(), 1, "{secrets:?}");
    assert!(
        secrets[0].ends_with(
            "~/.aws/config:5; move it to the OS keyring; run: awsprof keyring move team/dev@acme"
        ),
        "{secrets:?}"
    );
}

#[test]
fn reports_loops_missing_sources_and_world_readable_keys() {
    let home = AwsHome::with(
        "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n[profile c]\nrole_arn = r\nsource_profile = gone\n",
        "[a]\naws_session_token = t\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(home.credentials(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 1);
    assert!(has(&f, "error", "a -> b -> a"), "{f:?}");
    assert!(
        has(&f, "error", "could not find source profile gone"),
        "{f:?}"
    );
    assert!(has(&f, "warning", "chmod 600"), "{f:?}");
}

#[test]
fn reports_syntax_errors_with_file_and_line_and_keeps_going() {
    let home = AwsHome::with("[default]\nregion = x\nbroken\n", "[default]\n");
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 1);
    assert!(has(&f, "error", "~/.aws/config:3:"), "{f:?}");
    assert!(has(&f, "ok", "~/.aws/credentials: parses"), "{f:?}");
}

#[test]
fn warns_where_the_aws_cli_reads_differently() {
    let home = AwsHome::with("[default]\nregion = us-east-1 # home\n", "");
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 0);
    assert!(has(&f, "warning", "`us-east-1 # home`"), "{f:?}");
}

#[test]
fn environment_that_overrides_the_profile() {
    let home = AwsHome::with("[profile a]\nregion = x\n", "");
    let (code, f) = findings(
        &home,
        &[
            ("AWS_PROFILE", "a"),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            ("AWS_DEFAULT_PROFILE", "b"),
        ],
    );
    assert_eq!(code, 0);
    assert!(has(&f, "warning", "ignore AWS_PROFILE"), "{f:?}");
    assert!(has(&f, "warning", "disagree"), "{f:?}");
    let (code, f) = findings(&home, &[("AWS_PROFILE", "nope")]);
    assert_eq!(code, 1);
    assert!(has(&f, "error", "AWS_PROFILE=nope"), "{f:?}");
}

#[test]
fn says_which_sdks_refuse_a_file_the_aws_cli_reads_and_how_to_fix_it() {
    let home = AwsHome::with(
        "[default]\n  region = us-east-1\n  output = json\n",
        "[sso-session corp]\nsso_region = us-east-1\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(home.credentials(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 0, "warnings only: awsprof reads the files: {f:?}");
    assert!(
        has(&f, "warning", "~/.aws/config:2: indented property (and 1 more lines like it): the AWS CLI and boto3 read it, and so does awsprof, but the AWS SDKs"),
        "{f:?}"
    );
    assert!(has(&f, "warning", "remove the indentation"), "{f:?}");
    assert!(
        has(
            &f,
            "warning",
            "move the sso-session section to the config file"
        ),
        "{f:?}"
    );
    let out = home.run(&["get", "output"]);
    assert_eq!(support::stdout_ok(&out), "json\n");
}

/// A credential cache entry as the AWS CLI writes it, under the key of the call `args`
/// (botocore's SHA-1, computed by Python), expiring `seconds` from now.
fn cache_entry(home: &AwsHome, args: &str, key_id: &str, seconds: i64) {
    let cache = home.aws_dir().join("cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{}.json", support::python_sha1(args))),
        format!(
            r#"{{"Credentials": {{"AccessKeyId": "{key_id}", "SecretAccessKey": "c", "SessionToken": "t", "Expiration": "{}"}}}}"#,
            support::python_utc_in(seconds)
        ),
    )
    .unwrap();
}

fn messages(f: &[Value], level: &str, check: &str) -> Vec<String> {
    f.iter()
        .filter(|x| x["level"] == level && x["check"] == check)
        .map(|x| x["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn half_a_key_pair_is_an_error_and_list_does_not_call_it_static() {
    let home = AwsHome::with(
        "[profile cfg-half]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
        "[cred-half]\naws_secret_access_key = s\n",
    );
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 1);
    assert!(
        has(
            &f,
            "error",
            "profile `cfg-half`: profile missing aws_secret_access_key"
        ),
        "{f:?}"
    );
    assert!(
        has(
            &f,
            "error",
            "profile `cred-half`: profile missing aws_access_key_id"
        ),
        "{f:?}"
    );
    let list: Value = serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    for entry in list.as_array().unwrap() {
        assert_eq!(entry["kind"], "partial-keys", "{entry}");
    }
}

#[test]
fn secret_keys_in_a_config_file_others_can_read_are_a_warning_with_a_fix() {
    use std::os::unix::fs::PermissionsExt;
    let home = AwsHome::with(
        "[profile plain]\nregion = eu-west-1\n[profile keyed]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
        "",
    );
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(home.credentials(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let (_, f) = findings(&home, &[]);
    let warned = messages(&f, "warning", "permissions");
    assert_eq!(warned.len(), 1, "{f:?}");
    assert!(
        warned[0].contains("read the secret keys in [profile keyed]"),
        "{warned:?}"
    );
    assert!(!warned[0].contains("plain"), "{warned:?}");
    assert!(
        warned[0].ends_with("run: chmod 600 ~/.aws/config"),
        "{warned:?}"
    );
    // The same file without secrets may be read by others, as the AWS CLI leaves it.
    std::fs::write(home.config(), "[profile plain]\nregion = eu-west-1\n").unwrap();
    let (_, f) = findings(&home, &[]);
    assert!(messages(&f, "warning", "permissions").is_empty(), "{f:?}");
}

/// The fix line is a command that works when pasted into a shell: a path with spaces and
/// a quote, under the home directory, is quoted with `~` outside the quotes.
#[test]
fn fix_lines_paste_into_a_shell_for_paths_with_spaces() {
    use std::os::unix::fs::PermissionsExt;
    let home = AwsHome::new();
    let dir = home.path().join("my dir");
    std::fs::create_dir_all(&dir).unwrap();
    let creds = dir.join("bob's creds");
    std::fs::write(
        &creds,
        "[default]\naws_access_key_id = A\naws_secret_access_key = s\n",
    )
    .unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = home
        .cmd()
        .arg("doctor")
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.split_once("; run: ").map(|(_, fix)| fix.to_string()))
        .unwrap_or_else(|| panic!("no fix line: {text}"));
    assert_eq!(line, r"chmod 600 ~/'my dir/bob'\''s creds'");
    for shell in ["sh", "bash"] {
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut cmd = std::process::Command::new(shell);
        home.isolate(&mut cmd);
        assert!(
            cmd.args(["-c", &line]).status().unwrap().success(),
            "{shell}"
        );
        let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{shell}: {line}");
    }
}

/// Cached role credentials that expired: said (a warning when getting new ones needs an
/// MFA code), with the cache file; fresh ones are not mentioned.
#[test]
fn expired_cached_credentials_are_reported() {
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\n[profile mfa]\nrole_arn = arn:aws:iam::1:role/M\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/u\n[profile fresh]\nrole_arn = arn:aws:iam::1:role/F\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    for (args, seconds) in [
        (r#"{"RoleArn": "arn:aws:iam::1:role/R"}"#, -3600),
        (
            r#"{"RoleArn": "arn:aws:iam::1:role/M", "SerialNumber": "arn:aws:iam::1:mfa/u"}"#,
            -60,
        ),
        (r#"{"RoleArn": "arn:aws:iam::1:role/F"}"#, 3600),
    ] {
        cache_entry(&home, args, "ASIAX", seconds);
    }
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 0, "{f:?}");
    let ok = messages(&f, "ok", "expiry");
    let warned = messages(&f, "warning", "expiry");
    assert!(
        ok.len() == 1
            && ok[0].starts_with("profile `role`: its cached credentials (~/.aws/cli/cache/")
            && ok[0].contains("expired at"),
        "{f:?}"
    );
    assert!(
        warned.len() == 1
            && warned[0].starts_with("profile `mfa`:")
            && warned[0].contains("asks for an MFA code"),
        "{f:?}"
    );
    assert!(
        !f.iter()
            .any(|x| x["message"].as_str().unwrap().contains("`fresh`")),
        "{f:?}"
    );
}

/// A web identity token file or a credential_process program that is not there is an
/// error; the program is found as `sh -c` finds it (PATH for a bare name, `~/` expanded),
/// and a command line with shell syntax is left to the shell.
#[test]
fn missing_token_files_and_programs_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let home = AwsHome::with(
        "[profile web-gone]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = ~/tokens/none\n\
         [profile web-here]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = ~/tokens/t\n\
         [profile proc-bare]\ncredential_process = awsprof-no-such-helper --profile x\n\
         [profile proc-home]\ncredential_process = ~/bin/gone\n\
         [profile proc-plain-file]\ncredential_process = ~/bin/not-executable\n\
         [profile proc-here]\ncredential_process = ~/bin/helper --json\n\
         [profile proc-on-path]\ncredential_process = FOO=1 sh -c true\n\
         [profile proc-shell]\ncredential_process = \"$HOME/bin/gone\" | cat\n",
        "",
    );
    std::fs::create_dir_all(home.path().join("tokens")).unwrap();
    std::fs::write(home.path().join("tokens/t"), "jwt").unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("helper"), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(bin.join("helper"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(bin.join("not-executable"), "x").unwrap();
    let (code, f) = findings(&home, &[]);
    assert_eq!(code, 1);
    let errors = messages(&f, "error", "chains");
    let about = |name: &str| {
        errors
            .iter()
            .filter(|m| m.starts_with(&format!("profile `{name}`:")))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        about("web-gone"),
        ["profile `web-gone`: web_identity_token_file ~/tokens/none does not exist"]
    );
    assert_eq!(
        about("proc-bare"),
        ["profile `proc-bare`: credential_process `awsprof-no-such-helper --profile x`: the program `awsprof-no-such-helper` is not on PATH"]
    );
    assert_eq!(
        about("proc-home"),
        ["profile `proc-home`: credential_process `~/bin/gone`: the program ~/bin/gone does not exist"]
    );
    assert!(
        about("proc-plain-file")[0].ends_with("~/bin/not-executable is not an executable file"),
        "{errors:?}"
    );
    for fine in ["web-here", "proc-here", "proc-on-path", "proc-shell"] {
        assert!(about(fine).is_empty(), "{fine}: {errors:?}");
    }
}

/// After `awsprof use --credentials P` the keys in the shell are P's own: no warning that
/// they override AWS_PROFILE. Keys that are not P's still get it; expired ones are said.
#[test]
fn keys_exported_by_use_credentials_are_recognised_as_the_profiles_own() {
    support::require_shell("bash");
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    cache_entry(
        &home,
        r#"{"RoleArn": "arn:aws:iam::1:role/R"}"#,
        "ASIAROLECACHED000001",
        3600,
    );
    for profile in ["keys", "role"] {
        let out = support::bash(
            &home,
            &format!("eval \"$(awsprof init bash)\"\nawsprof use --credentials {profile}\nawsprof doctor --json"),
            &[],
        );
        let f: Vec<Value> = serde_json::from_slice::<Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", support::stderr(&out)))
            .as_array()
            .unwrap()
            .clone();
        assert!(
            messages(&f, "warning", "environment").is_empty(),
            "{profile}: {f:?}"
        );
        assert!(
            has(
                &f,
                "ok",
                &format!("holds profile `{profile}`'s own credentials")
            ),
            "{f:?}"
        );
    }
    let (_, f) = findings(
        &home,
        &[
            ("AWS_PROFILE", "role"),
            ("AWS_ACCESS_KEY_ID", "AKIAOTHERKEYS0000001"),
        ],
    );
    assert!(has(&f, "warning", "is not profile `role`'s"), "{f:?}");
    let expired = support::python_utc_in(-60);
    let (_, f) = findings(
        &home,
        &[
            ("AWS_PROFILE", "role"),
            ("AWS_ACCESS_KEY_ID", "ASIAROLECACHED000001"),
            ("AWS_CREDENTIAL_EXPIRATION", &expired),
        ],
    );
    assert!(
        has(&f, "warning", "run `awsprof use --credentials role` again"),
        "{f:?}"
    );
}
