//! What awsprof exports works for real consumers: boto3 and the AWS CLI see the same keys,
//! a `credential_process` running `awsprof export --format process` feeds boto3, and
//! `env` hands the command its variables, exit status and signals.

use crate::support;
use crate::support::AwsHome;

const CREDENTIALS: &str = "\
[static]
aws_access_key_id = AKIASTATICEXAMPLE
aws_secret_access_key = static/secret+key=
[session]
aws_access_key_id = ASIASESSIONEXAMPLE
aws_secret_access_key = session-secret
aws_session_token = session-token-'$(touch X)'
";

fn home() -> AwsHome {
    let bin = support::bin();
    AwsHome::with(
        &format!(
            "[profile static]\nregion = eu-central-1\n\
             [profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = static\n\
             [profile viaprocess]\ncredential_process = {} export session --format process\n",
            bin.display()
        ),
        CREDENTIALS,
    )
}

const BOTO3_PRINT: &str = "import boto3; s = boto3.Session(); c = s.get_credentials(); \
    print(c.access_key, c.secret_key, c.token, s.region_name, s.profile_name)";

#[test]
fn boto3_sees_the_exported_keys() {
    support::require_python_module("boto3");
    let script = format!(
        r#"eval "$(awsprof export session)"
python3 -c '{BOTO3_PRINT}'
eval "$(awsprof export static --format sh)"
unset AWS_SESSION_TOKEN
python3 -c '{BOTO3_PRINT}'"#
    );
    let home = home();
    let out = home.shell("bash", &script, &[]);
    let stdout = support::stdout_ok(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "ASIASESSIONEXAMPLE session-secret session-token-'$(touch X)' None default"
    );
    assert_eq!(
        lines[1],
        "AKIASTATICEXAMPLE static/secret+key= None eu-central-1 default"
    );
    assert!(!home.path().join("X").exists());
}

#[test]
fn boto3_follows_use_even_from_a_shell_with_other_keys() {
    support::require_python_module("boto3");
    support::require_shell("bash");
    let script = format!(
        r#"eval "$(awsprof init bash)"
export AWS_ACCESS_KEY_ID=AKIAOLD AWS_SECRET_ACCESS_KEY=old AWS_DEFAULT_PROFILE=session
awsprof use static
python3 -c '{BOTO3_PRINT}'"#
    );
    let out = home().shell("bash", &script, &[]);
    assert_eq!(
        support::stdout_ok(&out).trim(),
        "AKIASTATICEXAMPLE static/secret+key= None eu-central-1 static"
    );
}

#[test]
fn aws_cli_reports_the_exported_key_from_the_environment() {
    support::aws();
    let out = home().shell(
        "bash",
        r#"eval "$(awsprof export static)"; aws configure list"#,
        &[],
    );
    let stdout = support::stdout_ok(&out);
    let key_line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("access_key"))
        .unwrap_or_else(|| panic!("{stdout}"));
    // `aws configure list` masks all but the last four characters and names the source.
    assert!(key_line.contains("****MPLE"), "{key_line}");
    assert!(key_line.contains("env"), "{key_line}");
    let region_line = stdout.lines().find(|l| l.contains("region")).unwrap();
    assert!(region_line.contains("eu-central-1"), "{region_line}");
}

#[test]
fn credential_process_running_export_feeds_boto3() {
    support::require_python_module("boto3");
    let out = home().shell(
        "bash",
        "python3 -c 'import boto3; c = boto3.Session(profile_name=\"viaprocess\").get_credentials(); print(c.method, c.access_key, c.secret_key, c.token)'",
        &[],
    );
    assert_eq!(
        support::stdout_ok(&out).trim(),
        "custom-process ASIASESSIONEXAMPLE session-secret session-token-'$(touch X)'"
    );
}

#[test]
fn export_process_is_credential_process_version_1() {
    let out = home().run(&["export", "session", "--format", "process"]);
    let v: serde_json::Value = serde_json::from_str(&support::stdout_ok(&out)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "Version": 1,
            "AccessKeyId": "ASIASESSIONEXAMPLE",
            "SecretAccessKey": "session-secret",
            "SessionToken": "session-token-'$(touch X)'"
        })
    );
}

#[test]
fn export_uses_the_aws_cli_order() {
    let out = home().run(&["export", "static"]);
    let names: Vec<String> = support::stdout_ok(&out)
        .lines()
        .map(|l| l.split('=').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "export AWS_ACCESS_KEY_ID",
            "export AWS_SECRET_ACCESS_KEY",
            "export AWS_REGION",
            "export AWS_DEFAULT_REGION"
        ]
    );
}

#[test]
fn export_of_a_profile_that_needs_a_provider_says_so_and_prints_nothing() {
    let out = home().run(&["export", "role"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("role"));
}

#[test]
fn export_refuses_what_a_format_cannot_carry_and_prints_nothing() {
    let home = AwsHome::with(
        "",
        "[p]\naws_access_key_id = a\naws_secret_access_key = 50%off!\n",
    );
    let out = home.run(&["export", "p", "--format", "cmd"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cmd") && err.contains("AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );
    // The shells carry it.
    assert!(home
        .run(&["export", "p", "--format", "fish"])
        .status
        .success());
}

#[test]
fn env_runs_the_command_with_only_the_profiles_identity() {
    let out = home()
        .cmd()
        .env("AWS_DEFAULT_PROFILE", "session")
        .env("AWS_SESSION_TOKEN", "stale")
        .args(["env", "static", "--", "sh", "-c"])
        .arg("echo \"$AWS_PROFILE $AWS_ACCESS_KEY_ID $AWS_REGION ${AWS_SESSION_TOKEN-none} ${AWS_DEFAULT_PROFILE-none} $1\"; exit 7")
        .args(["sh", "arg one"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "exit status passes through");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "static AKIASTATICEXAMPLE eu-central-1 none none arg one"
    );
}

#[cfg(unix)]
#[test]
fn env_passes_signals_through_by_becoming_the_command() {
    use std::os::unix::process::ExitStatusExt;
    let out = home().run(&["env", "static", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
}

#[test]
fn env_reports_a_missing_command_with_127() {
    let out = home().run(&["env", "static", "--", "no-such-command-awsprof"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-command-awsprof"));
}

#[test]
fn env_without_a_command_prints_dotenv_lines_safe_to_eval() {
    let home = AwsHome::with(
        "[profile p]\nregion = eu-west-1\n",
        "[p]\naws_access_key_id = AKIA\naws_secret_access_key = a$(touch X) `touch X` \"#;\n",
    );
    let out = home.run(&["env", "p"]);
    let text = support::stdout_ok(&out);
    assert_eq!(
        text,
        "AWS_PROFILE='p'\nAWS_ACCESS_KEY_ID='AKIA'\nAWS_SECRET_ACCESS_KEY='a$(touch X) `touch X` \"#;'\nAWS_REGION='eu-west-1'\nAWS_DEFAULT_REGION='eu-west-1'\n"
    );
    support::require_shell("dash");
    let out = home.shell(
        "dash",
        &format!("eval \"$(cat <<'EOF'\n{text}EOF\n)\"; printf '%s' \"$AWS_SECRET_ACCESS_KEY\""),
        &[],
    );
    assert_eq!(support::stdout_ok(&out), "a$(touch X) `touch X` \"#;");
    assert!(!home.path().join("X").exists());
    // A value a dotenv reader would take differently is refused, not printed.
    let out = self::home().run(&["env", "session"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
