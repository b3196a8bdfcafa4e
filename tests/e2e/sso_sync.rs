//! `awsprof sso add` and `awsprof sso sync` end to end. There is no offline IAM Identity
//! Center portal, so the fake of tests/e2e/fake_portal.rs stands in for ListAccounts,
//! ListAccountRoles, GetRoleCredentials and the OIDC login, reached through
//! AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC. The token cache is written as the
//! AWS CLI v2 writes it (names by Python's hashlib). The files that sync writes are read
//! back by the real AWS CLI and used by `awsprof use` and `export`.

use crate::fake_portal::{org, FakeAccount};
use crate::support::*;
use serde_json::{json, Value};

const SESSION: &str = "\
# my settings
[default]
region = us-east-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

# mine, not generated
[profile mine]
region = us-west-2
";

const TOKEN: &str = "acme-token";

fn home_with(config: &str) -> AwsHome {
    require_python_module("hashlib");
    let home = AwsHome::with(config, "");
    write_cli_token(
        &home,
        "acme",
        json!({"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1",
               "accessToken": TOKEN, "expiresAt": python_utc_in(3600)}),
    );
    home
}

fn accounts() -> Vec<FakeAccount> {
    vec![
        FakeAccount::new(
            "111111111111",
            "Acme Prod",
            &["AdministratorAccess", "ReadOnlyAccess", "Billing"],
        ),
        FakeAccount::new("222222222222", "Acme Dev", &["AdministratorAccess"]),
        FakeAccount::new("333333333333", "Zürich Ops", &["ReadOnlyAccess"]),
        FakeAccount::new("444444444444", "Acme Stage", &["AdministratorAccess"]),
        FakeAccount::new("555555555555", "Acme Data", &["ReadOnlyAccess"]),
    ]
}

/// The portal with pages of two items, so that every listing has several pages.
fn portal() -> Portal {
    let p = Portal::with(&[TOKEN], accounts());
    p.set(|s| s.page_size = 2);
    p
}

fn sync(home: &AwsHome, portal: &Portal, args: &[&str]) -> std::process::Output {
    sync_with(home, portal, args, &[])
}

fn sync_with(
    home: &AwsHome,
    portal: &Portal,
    args: &[&str],
    vars: &[(&str, &str)],
) -> std::process::Output {
    home.cmd()
        .args(["sso", "sync"])
        .args(args)
        .envs(vars.iter().copied())
        .env("AWS_ENDPOINT_URL_SSO", portal.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", portal.url())
        .output()
        .expect("run awsprof sso sync")
}

fn names(home: &AwsHome) -> Vec<String> {
    stdout_ok(&home.run(&["list"]))
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn sync_lists_every_page_and_writes_one_profile_per_role() {
    let home = home_with(SESSION);
    let portal = portal();
    let out = sync(&home, &portal, &[]);
    assert_ok(&out, "sso sync");
    assert!(out.stdout.is_empty(), "a sync prints nothing on stdout");
    let err = stderr(&out);
    assert!(
        err.contains("5 accounts, 7 roles: profiles 7 added"),
        "{err}"
    );
    assert_eq!(
        names(&home),
        [
            "Acme-Data/ReadOnlyAccess",
            "Acme-Dev/AdministratorAccess",
            "Acme-Prod/AdministratorAccess",
            "Acme-Prod/Billing",
            "Acme-Prod/ReadOnlyAccess",
            "Acme-Stage/AdministratorAccess",
            "Zurich-Ops/ReadOnlyAccess",
            "default",
            "mine",
        ]
    );
    // Three pages of accounts (2 + 2 + 1), one page of roles per account but two for the
    // account with three roles; every call carried the session's token.
    assert_eq!(portal.count("/assignment/accounts"), 3);
    assert_eq!(portal.count("/assignment/roles"), 6);
    assert!(portal
        .requests()
        .iter()
        .all(|r| r.header("x-amz-sso_bearer_token") == Some(TOKEN)));
    let text = read(home.config());
    assert!(
        text.starts_with(SESSION.split("\n# mine").next().unwrap()),
        "{text}"
    );
    assert!(text.contains("# mine, not generated\n[profile mine]\nregion = us-west-2\n"));
    assert!(text.contains(
        "[profile Acme-Prod/Billing]\nsso_session = acme\nsso_account_id = 111111111111\n\
         sso_role_name = Billing\nregion = eu-west-1\nawsprof_sso_sync = v1:"
    ));

    // A second run with no change in the organisation: not even written.
    let mtime = std::fs::metadata(home.config())
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = sync(&home, &portal, &[]);
    assert_ok(&again, "second sso sync");
    assert!(stderr(&again).contains("nothing to change (7 unchanged); the file is unchanged"));
    assert_eq!(read(home.config()), text, "byte-identical");
    assert_eq!(
        std::fs::metadata(home.config())
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
}

#[test]
fn the_aws_cli_reads_a_generated_profile_and_use_and_export_use_it() {
    let home = home_with(SESSION);
    let portal = portal();
    assert_ok(&sync(&home, &portal, &[]), "sso sync");
    let p = "Acme-Prod/AdministratorAccess";
    assert_eq!(home.aws_get("sso_account_id", p), "111111111111");
    assert_eq!(home.aws_get("sso_role_name", p), "AdministratorAccess");
    assert_eq!(home.aws_get("sso_session", p), "acme");
    assert_eq!(home.aws_get("region", p), "eu-west-1");
    // The mark and the remembered options are keys doctor does not complain about.
    let doctor = home.run(&["doctor"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&doctor.stdout),
        stderr(&doctor)
    );
    assert!(doctor.status.success(), "{said}");
    assert!(!said.contains("awsprof_"), "{said}");

    let used = bash(&home, &format!("eval \"$(awsprof use --shell bash '{p}')\"; printf '%s|%s' \"$AWS_PROFILE\" \"$AWS_REGION\""), &[]);
    assert_eq!(stdout_ok(&used), format!("{p}|eu-west-1"));

    let out = home
        .cmd()
        .args(["export", p, "--format", "json"])
        .env("AWS_ENDPOINT_URL_SSO", portal.url())
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["AWS_ACCESS_KEY_ID"], "ASIASSOFAKE");
    assert_eq!(v["AWS_SESSION_TOKEN"], format!("session-for-{TOKEN}"));
    let creds: Vec<_> = portal
        .requests()
        .into_iter()
        .filter(|r| r.route() == "/federation/credentials")
        .collect();
    assert_eq!(creds.len(), 1);
    assert_eq!(
        creds[0].query("account_id").as_deref(),
        Some("111111111111")
    );
    assert_eq!(
        creds[0].query("role_name").as_deref(),
        Some("AdministratorAccess")
    );
}

#[test]
fn an_added_and_a_removed_account_with_and_without_prune() {
    let home = home_with(SESSION);
    let portal = portal();
    assert_ok(&sync(&home, &portal, &[]), "first sync");
    portal.set(|s| {
        s.accounts.retain(|a| a.id != "222222222222");
        s.accounts
            .push(FakeAccount::new("666666666666", "Acme New", &["Billing"]));
    });
    let out = sync(&home, &portal, &[]);
    assert_ok(&out, "sync without --prune");
    let err = stderr(&out);
    assert!(err.contains("profiles 1 added"), "{err}");
    assert!(
        err.contains(
            "no longer listed, kept: `Acme-Dev/AdministratorAccess`; `--prune` removes them"
        ),
        "{err}"
    );
    assert!(names(&home).contains(&"Acme-Dev/AdministratorAccess".to_string()));
    assert!(names(&home).contains(&"Acme-New/Billing".to_string()));

    let out = sync(&home, &portal, &["--prune"]);
    assert_ok(&out, "sync --prune");
    assert!(
        stderr(&out).contains("profiles 1 removed"),
        "{}",
        stderr(&out)
    );
    assert!(!names(&home).contains(&"Acme-Dev/AdministratorAccess".to_string()));
    assert!(names(&home).contains(&"mine".to_string()));
    // Remembered: a plain sync prunes again.
    assert!(read(home.config()).contains("awsprof_sync_prune = true\n"));
    portal.set(|s| s.accounts.retain(|a| a.id != "666666666666"));
    assert_ok(&sync(&home, &portal, &[]), "plain sync");
    assert!(!names(&home).contains(&"Acme-New/Billing".to_string()));
}

#[test]
fn a_hand_edited_profile_is_left_alone() {
    let home = home_with(SESSION);
    let portal = portal();
    assert_ok(&sync(&home, &portal, &[]), "first sync");
    assert_ok(
        &home.run(&[
            "set",
            "output",
            "text",
            "--profile",
            "Acme-Dev/AdministratorAccess",
        ]),
        "set",
    );
    let out = sync(&home, &portal, &["--region", "us-east-2"]);
    assert_ok(&out, "sync --region");
    let err = stderr(&out);
    assert!(err.contains("profiles 6 updated"), "{err}");
    assert!(
        err.contains(
            "left alone, edited by hand since they were generated: `Acme-Dev/AdministratorAccess`"
        ),
        "{err}"
    );
    assert_eq!(
        home.aws_get("region", "Acme-Dev/AdministratorAccess"),
        "eu-west-1"
    );
    assert_eq!(
        home.aws_get("output", "Acme-Dev/AdministratorAccess"),
        "text"
    );
    assert_eq!(home.aws_get("region", "Acme-Prod/Billing"), "us-east-2");
}

#[test]
fn throttling_is_retried_and_a_storm_that_outlasts_the_retries_writes_nothing() {
    let home = home_with(SESSION);
    let portal = portal();
    portal.set(|s| s.throttle = 2);
    let out = sync(&home, &portal, &[]);
    assert_ok(&out, "sync through two throttled answers");
    // The first page was asked three times: two 429s, then the answer.
    assert_eq!(portal.count("/assignment/accounts"), 5);
    let synced = read(home.config());

    portal.set(|s| {
        s.throttle_always = true;
        s.accounts.clear();
    });
    let asked = portal.count("/assignment/accounts");
    let out = sync_with(&home, &portal, &["--prune"], &[("AWS_MAX_ATTEMPTS", "2")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        portal.count("/assignment/accounts") - asked,
        2,
        "two attempts"
    );
    let err = stderr(&out);
    assert!(
        err.contains("ListAccounts (page 1) was throttled (TooManyRequestsException) through the retries (up to 2 attempts a call)"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert_eq!(read(home.config()), synced, "the file is unchanged");
}

#[test]
fn a_failure_on_page_two_leaves_the_file_unchanged_and_prunes_nothing() {
    let home = home_with(SESSION);
    let portal = portal();
    assert_ok(&sync(&home, &portal, &[]), "first sync");
    let synced = read(home.config());
    portal.set(|s| s.fail_accounts_page = Some(2));
    let out = sync(
        &home,
        &portal,
        &["--prune", "--name", "{account_id}/{role_name}"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("ListAccounts (page 2) failed"), "{err}");
    assert!(
        err.contains("InvalidRequestException") || err.contains("next token"),
        "{err}"
    );
    assert_eq!(read(home.config()), synced);
    assert!(out.stdout.is_empty());
}

#[test]
fn an_expired_or_missing_token_says_how_to_log_in_and_writes_nothing() {
    let home = home_with(SESSION);
    // The portal no longer accepts the cached token: the session was ended.
    let portal = Portal::with(&["another-token"], accounts());
    let out = sync(&home, &portal, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("UnauthorizedException"), "{err}");
    assert!(
        err.contains("run `awsprof login --sso-session acme`"),
        "{err}"
    );
    assert_eq!(read(home.config()), SESSION);

    // Expired in the cache, with nothing to refresh it: no call at all.
    write_cli_token(
        &home,
        "acme",
        json!({"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1",
               "accessToken": TOKEN, "expiresAt": python_utc_in(-60)}),
    );
    let before = portal.requests().len();
    let out = sync(&home, &portal, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("expired") && err.contains("awsprof login --sso-session acme"),
        "{err}"
    );
    assert_eq!(portal.requests().len(), before);

    std::fs::remove_file(token_file(&home, "acme")).unwrap();
    let err = stderr(&sync(&home, &portal, &[]));
    assert!(err.contains("awsprof login --sso-session acme"), "{err}");
    assert_eq!(read(home.config()), SESSION);
}

#[test]
fn the_session_is_the_only_one_or_must_be_named() {
    let two = format!("{SESSION}\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n");
    let home = home_with(&two);
    let portal = portal();
    let out = sync(&home, &portal, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("2 sso-sessions (acme, other); pick one with --sso-session NAME"),
        "{err}"
    );
    assert!(portal.requests().is_empty());
    assert_ok(&sync(&home, &portal, &["--sso-session", "acme"]), "named");

    let none = home_with("[default]\nregion = us-east-1\n");
    let err = stderr(&sync(&none, &portal, &[]));
    assert!(err.contains("awsprof sso add"), "{err}");
    let bad = stderr(&sync(
        &home,
        &portal,
        &["--sso-session", "acme", "--name", "{acct}"],
    ));
    assert!(bad.contains("unknown placeholder {acct}"), "{bad}");
}

#[test]
fn dry_run_prints_the_diff_and_json_says_what_was_done() {
    let home = home_with(SESSION);
    let portal = portal();
    let out = sync(&home, &portal, &["--dry-run"]);
    let diff = stdout_ok(&out);
    assert!(diff.starts_with("--- "), "{diff}");
    assert!(diff.contains("+[profile Acme-Prod/Billing]\n"), "{diff}");
    assert!(
        diff.contains("+awsprof_sync_name = {account_name}/{role_name}\n"),
        "{diff}"
    );
    assert!(stderr(&out).contains("dry run, nothing written"));
    assert_eq!(read(home.config()), SESSION);

    let out = sync(&home, &portal, &["--json"]);
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["session"], "acme");
    assert_eq!(v["accounts"], 5);
    assert_eq!(v["roles"], 7);
    assert_eq!(v["added"].as_array().unwrap().len(), 7);
    assert_eq!(v["written"], true);
    assert_eq!(v["dry_run"], false);
    let out = sync(&home, &portal, &["--json", "--dry-run"]);
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["unchanged"], 7);
    assert_eq!(v["written"], false);
    assert_eq!(v["diff"], "");
}

#[test]
fn a_few_hundred_accounts_are_all_listed_at_bounded_concurrency() {
    let home = home_with(SESSION);
    let portal = Portal::with(&[TOKEN], org(300, 3));
    let out = sync(&home, &portal, &["--json"]);
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(v["added"].as_array().unwrap().len(), 900);
    assert_eq!(portal.count("/assignment/accounts"), 3);
    assert_eq!(portal.count("/assignment/roles"), 300);
    assert_eq!(names(&home).len(), 902);
}

#[test]
fn sso_add_writes_the_session_and_refuses_other_values_without_force() {
    let home = AwsHome::with("# mine\n[default]\nregion = us-east-1\n", "");
    let add = |extra: &[&str]| {
        let mut args = vec![
            "sso",
            "add",
            "acme",
            "--start-url",
            "https://acme.awsapps.com/start",
        ];
        args.extend_from_slice(extra);
        home.run(&args)
    };
    let out = add(&["--region", "eu-west-1"]);
    assert_ok(&out, "sso add");
    let err = stderr(&out);
    assert!(
        err.contains("next: `awsprof login --sso-session acme`, then `awsprof sso sync`"),
        "{err}"
    );
    let text = read(home.config());
    assert_eq!(
        text,
        "# mine\n[default]\nregion = us-east-1\n\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
    );
    assert_eq!(
        stdout_ok(&home.run(&["get", "sso-session.acme.sso_region"])).trim(),
        "eu-west-1"
    );
    assert!(stderr(&add(&["--region", "eu-west-1"])).contains("nothing changed"));
    let out = add(&["--region", "us-east-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists with another sso_region; pass --force"));
    assert_eq!(read(home.config()), text);
    assert_ok(&add(&["--region", "us-east-1", "--force"]), "--force");
    assert!(read(home.config()).contains("sso_region = us-east-1\n"));
    // Off a terminal a missing value is bad usage.
    let out = home.run(&["sso", "add", "other", "--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--start-url"), "{}", stderr(&out));
    let out = home.run(&[
        "sso",
        "add",
        "bad",
        "--start-url",
        "acme.awsapps.com",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a start URL"));
}

/// The whole path a new user takes: `sso add` at a terminal (asked like `aws configure
/// sso`), `login --sso-session` through the device flow, then `sso sync`.
#[cfg(unix)]
#[test]
fn sso_add_asks_at_a_terminal_then_login_and_sync() {
    require_python_module("hashlib");
    let home = AwsHome::with("[default]\nregion = us-east-1\n", "");
    let mut child = PtyChild::spawn({
        let mut cmd = home.cmd();
        cmd.args(["sso", "add"]);
        cmd
    });
    child.expect("SSO session name [None]: ");
    child.send("acme\r");
    child.expect("SSO start URL [None]: ");
    child.send("https://acme.awsapps.com/start\r");
    child.expect("SSO region [None]: ");
    child.send("eu-west-1\r");
    child.expect("SSO registration scopes [sso:account:access]: ");
    child.send("\r");
    let (status, screen) = child.finish();
    assert!(status.success(), "{screen}");
    assert!(screen.contains("added [sso-session acme]"), "{screen}");

    let portal = Portal::with(&["fresh-login-token"], accounts());
    let out = home
        .cmd()
        .args(["login", "--sso-session", "acme", "--no-browser"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", portal.url())
        .output()
        .unwrap();
    assert_ok(&out, "login --sso-session");
    assert!(stderr(&out).contains("WXYZ-1234"));
    let token: Value = serde_json::from_str(&read(token_file(&home, "acme"))).unwrap();
    assert_eq!(token["accessToken"], "fresh-login-token");
    let register: Value = serde_json::from_str(&portal.requests()[0].body).unwrap();
    assert_eq!(register["issuerUrl"], "https://acme.awsapps.com/start");

    let out = sync(&home, &portal, &[]);
    assert_ok(&out, "sync after login");
    assert_eq!(names(&home).len(), 8);
}

/// `--quiet` at a terminal: neither the accounts' spinner nor the roles' bar is drawn;
/// warnings and the summary are notes, so the sync says nothing at all.
#[cfg(unix)]
#[test]
fn quiet_sync_draws_no_spinner_or_bar_on_a_terminal() {
    let home = home_with(SESSION);
    let portal = Portal::with(&[TOKEN], org(12, 1));
    portal.set(|s| s.delay_ms = 150);
    let before = names(&home).len();
    let mut child = PtyChild::spawn({
        let mut cmd = home.cmd();
        cmd.args(["sso", "sync", "-q"])
            .env("AWS_ENDPOINT_URL_SSO", portal.url());
        cmd
    });
    let (status, screen) = child.finish();
    assert!(status.success(), "{screen}");
    assert_eq!(names(&home).len(), before + 12, "{screen}");
    assert!(!screen.contains("listing"), "{screen:?}");
    assert!(screen.is_empty(), "{screen:?}");
}

/// The progress bar is drawn on a terminal (stderr a tmux pane) and never into a pipe.
#[cfg(unix)]
#[test]
fn the_progress_bar_shows_on_a_terminal_only() {
    require("tmux", &["-V"]);
    let home = home_with(SESSION);
    let portal = Portal::with(&[TOKEN], org(40, 1));
    portal.set(|s| s.delay_ms = 150);
    let sock = home.path().join("tmux.sock");
    let script = home.path().join("run.sh");
    std::fs::write(
        &script,
        format!(
            "AWS_ENDPOINT_URL_SSO={} '{}' sso sync; echo done-$?; sleep 30\n",
            portal.url(),
            bin().display()
        ),
    )
    .unwrap();
    tmux_session(
        &home,
        &sock,
        (120, 20),
        &format!("sh '{}'", script.display()),
    );
    let mut seen = String::new();
    wait_for("the progress bar", 30, || {
        let out = tmux(&sock, &["capture-pane", "-p"]);
        seen = String::from_utf8_lossy(&out.stdout).into_owned();
        seen.contains("listing the roles") && seen.contains("/40")
    });
    wait_for("the sync to end", 60, || {
        let out = tmux(&sock, &["capture-pane", "-p"]);
        seen = String::from_utf8_lossy(&out.stdout).into_owned();
        seen.contains("done-")
    });
    assert!(seen.contains("done-0"), "{seen}");
    assert!(
        !seen.contains("listing the roles"),
        "the bar is cleared: {seen}"
    );
    let _ = tmux(&sock, &["kill-server"]);

    portal.set(|s| s.delay_ms = 0);
    let out = sync(&home, &portal, &[]);
    assert_ok(&out, "sync into a pipe");
    let err = stderr(&out);
    assert!(!err.contains("listing") && !err.contains('\r'), "{err}");
}
