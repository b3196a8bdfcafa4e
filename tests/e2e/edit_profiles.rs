//! `awsprof set`, `set --delete`, `remove` and `rename` on both files.

use crate::support;
use crate::support::{read, stderr, AwsHome, PtyChild};

const ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[test]
fn secrets_go_to_credentials_and_settings_to_config() {
    let home = AwsHome::new();
    for args in [
        &["set", "aws_access_key_id", ID, "--profile", "dev"][..],
        &["set", "aws_secret_access_key", SECRET, "--profile", "dev"],
        &["set", "region", "eu-west-1", "--profile", "dev"],
        &["set", "default.region", "us-east-1"],
        &["set", "profile.dev.output", "json"],
    ] {
        let out = home.run(args);
        support::assert_ok(&out, format!("awsprof {args:?}"));
    }
    assert_eq!(
        read(home.credentials()),
        format!("[dev]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n")
    );
    assert_eq!(
        read(home.config()),
        "[profile dev]\nregion = eu-west-1\noutput = json\n\n[default]\nregion = us-east-1\n"
    );
    // `get` reads back what `set` wrote.
    let out = home.run(&["get", "region", "--profile", "dev"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "eu-west-1\n");
}

#[test]
fn set_uses_the_active_profile() {
    let home = AwsHome::new();
    let out = home
        .cmd()
        .env("AWS_PROFILE", "work")
        .args(["set", "region", "eu-north-1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(read(home.config()), "[profile work]\nregion = eu-north-1\n");
}

#[test]
fn delete_removes_the_key_from_both_files() {
    let home = AwsHome::with(
        "[profile a]\nregion = x\noutput = json\n",
        "[a]\nregion = y\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    );
    let out = home.run(&["set", "region", "--delete", "-p", "a"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(read(home.config()), "[profile a]\noutput = json\n");
    assert_eq!(
        read(home.credentials()),
        "[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    );
    // Deleting what is not there changes nothing and says so.
    let out = home.run(&["set", "region", "--delete", "-p", "a"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("was not set"), "{}", stderr(&out));
    // A value and --delete together are bad usage.
    let out = home.run(&["set", "region", "x", "--delete"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn validation_warns_without_blocking_and_refuses_what_cannot_be_stored() {
    let home = AwsHome::new();
    let out = home.run(&[
        "set",
        "aws_access_key_id",
        "ASIAIOSFODNN7EXAMPLE",
        "-p",
        "t",
    ]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("no aws_session_token"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["set", "region", "us-east-1a", "-p", "t"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("availability zone"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(home.config()), "[profile t]\nregion = us-east-1a\n");
    let out = home.run(&["set", "aws_secret_access_key", "  abc\t", "-p", "t"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("removed whitespace") && err.contains("3 characters"),
        "{err}"
    );
    assert!(!err.contains("abc"), "secret never printed: {err}");

    for bad in ["a #comment", "#x", "line\nbreak"] {
        let before = (read(home.config()), read(home.credentials()));
        let out = home.run(&["set", "description", bad, "-p", "t"]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert_eq!((read(home.config()), read(home.credentials())), before);
    }
    let out = home.run(&["set", "bad key!", "x"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn remove_refuses_without_a_terminal_or_yes() {
    let home = AwsHome::with(
        "[profile dev]\nregion = x\n",
        "[dev]\naws_access_key_id = A\n",
    );
    let out = home.run(&["remove", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(read(home.config()), "[profile dev]\nregion = x\n");
    let out = home.run(&["remove", "devv", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean `dev`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn remove_asks_on_a_terminal_and_takes_it_out_of_both_files() {
    let config = "# top\n[profile a]\nregion = x\n\n[profile b]\nsource_profile = a\n";
    let home = AwsHome::with(config, "[a]\naws_access_key_id = A\n\n[c]\nk = v\n");
    let mut cmd = home.cmd();
    cmd.args(["remove", "a"]);
    let mut t = PtyChild::spawn(cmd);
    // The profiles that depend on it are named in the question, before anything goes.
    t.expect("? `b` names it as source_profile and will fail until changed. [y/N] ");
    t.send("n\r");
    let (status, _) = t.finish();
    assert!(!status.success());
    assert_eq!(read(home.config()), config);

    let mut cmd = home.cmd();
    cmd.args(["remove", "a"]);
    let mut t = PtyChild::spawn(cmd);
    t.expect("will fail until changed. [y/N] ");
    t.send("y\r");
    let (status, out) = t.finish();
    assert!(status.success(), "{out}");
    assert!(
        !out.contains("source_profile"),
        "said once, in the question: {out}"
    );
    assert_eq!(
        read(home.config()),
        "# top\n[profile b]\nsource_profile = a\n"
    );
    assert_eq!(read(home.credentials()), "[c]\nk = v\n");
}

#[test]
fn rename_moves_both_files_and_fixes_source_profile_references() {
    let home = AwsHome::with(
        "[profile base]   # keys live in credentials\nregion = x\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = base\n",
        "[base]\naws_access_key_id = A\n[other]\nsource_profile = base\n",
    );
    let out = home.run(&["rename", "base", "root-keys"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(
        read(home.config()),
        "[profile root-keys]   # keys live in credentials\nregion = x\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = root-keys\n"
    );
    assert_eq!(
        read(home.credentials()),
        "[root-keys]\naws_access_key_id = A\n[other]\nsource_profile = root-keys\n"
    );
    assert!(stderr(&out).contains("admin, other"), "{}", stderr(&out));
    // The new name must be free; the old must exist.
    assert_eq!(
        home.run(&["rename", "admin", "root-keys"]).status.code(),
        Some(1)
    );
    assert_eq!(home.run(&["rename", "base", "x"]).status.code(), Some(1));
    assert_eq!(home.aws_get("source_profile", "admin"), "root-keys");
}

/// A config file with `[default]` and `[profile default]`: the SDKs ignore `[default]`.
/// Renaming `default` would bring its settings back (merged into the new name, or as the
/// default profile), so it is refused, naming the file and line, and neither file changes.
#[test]
fn rename_of_default_refuses_to_bring_back_an_ignored_bare_default() {
    let config = "[default]\rregion = us-east-1\r[profile default]\routput = json\r";
    let credentials = "[default]\naws_access_key_id = A\n";
    let home = AwsHome::with(config, credentials);
    let out = home.run(&["rename", "default", "prod"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("config") && err.contains("line 1"), "{err}");
    assert!(err.contains("[profile default]` takes priority"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(read(home.config()), config);
    assert_eq!(read(home.credentials()), credentials);
}

/// `profile.a.b.KEY` with a profile named `a.b`: set and get act on `a.b` (the AWS CLI would
/// write a block `b` into a new `[profile a]`, and get nothing); with both `a` and `a.b`
/// there, both refuse and name the `--profile` forms; the AWS CLI reads what was written.
#[test]
fn dotted_profile_names_in_keys_use_the_profile_that_exists_or_refuse_when_both_do() {
    let config = "[profile a.b]\nregion = eu-west-1\n";
    let home = AwsHome::with(config, "");
    let out = home.run(&["get", "profile.a.b.region"]);
    assert_eq!(support::stdout_ok(&out), "eu-west-1\n");
    support::assert_ok(&home.run(&["set", "profile.a.b.output", "json"]), "set");
    assert_eq!(
        read(home.config()),
        "[profile a.b]\nregion = eu-west-1\noutput = json\n"
    );
    assert_eq!(home.aws_get("output", "a.b"), "json");

    let both = "[profile a.b]\nregion = eu-west-1\n[profile a]\nregion = us-east-1\n";
    std::fs::write(home.config(), both).unwrap();
    for args in [
        &["get", "profile.a.b.region"][..],
        &["set", "profile.a.b.region", "x"],
    ] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("names a key of profile `a` and a key of profile `a.b`, which both exist: say which with --profile, `b.region --profile a` or `region --profile a.b`"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(read(home.config()), both, "nothing written");
    let out = home.run(&["get", "region", "--profile", "a.b"]);
    assert_eq!(support::stdout_ok(&out), "eu-west-1\n");
}

/// `get s3` names a block of sub-keys: refused as `aws configure get s3` refuses it (exit 1,
/// a message), naming the sub-keys to get instead.
#[test]
fn get_of_a_sub_property_block_is_refused_like_the_aws_cli_and_names_its_keys() {
    let home = AwsHome::with(
        "[profile dev]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n",
        "",
    );
    let aws = home
        .aws()
        .args(["configure", "get", "s3", "--profile", "dev"])
        .output()
        .unwrap();
    assert_eq!(aws.status.code(), Some(1), "the AWS CLI refuses it too");
    assert!(aws.stdout.is_empty());
    let out = home.run(&["get", "s3", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("`s3` in profile `dev` is a block of sub-keys, not a value: get one of them (`s3.max_concurrent_requests`, `s3.addressing_style`)"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["get", "s3.addressing_style", "--profile", "dev"]);
    assert_eq!(support::stdout_ok(&out), "path\n");
}
