//! `awsprof doctor` finds what breaks tools and says where; exit 1 only on errors.

use crate::support::AwsHome;
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
    assert!(f.iter().all(|x| x["level"] == "ok"), "{f:?}");
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
    assert_eq!(crate::support::stdout_ok(&out), "json\n");
}
