//! A newcomer's first commands on a machine with no profiles: `list` and the picker say how
//! to make the first one (on stderr; stdout stays empty), and an unknown profile says the
//! same when there is none, or the names there are when there are few; `doctor` says it
//! as one of its findings.

use crate::support;
use crate::support::{stderr, AwsHome};

/// The three ways to begin, as the message names them.
const BEGIN: [&str; 3] = [
    "`awsprof configure`",
    "`awsprof import --csv FILE`",
    "`awsprof sso add`",
];

#[track_caller]
fn says_how_to_begin(err: &str) {
    for how in BEGIN {
        assert!(err.contains(how), "no {how} in {err:?}");
    }
    assert!(err.contains("docs/getting-started.md"), "{err}");
}

#[test]
fn list_on_an_empty_machine_says_how_to_begin_on_stderr_and_prints_nothing() {
    // No ~/.aws at all, then the two files present but empty (or holding only an
    // sso-session, which is no profile).
    for home in [
        AwsHome::new(),
        AwsHome::with("", ""),
        AwsHome::with("[sso-session org]\nsso_region = eu-west-1\n", ""),
    ] {
        let out = home.run(&["list"]);
        support::assert_ok(&out, "awsprof list");
        assert!(out.stdout.is_empty(), "{:?}", out.stdout);
        let err = stderr(&out);
        says_how_to_begin(&err);
        assert!(
            err.contains("no profiles in ~/.aws/config or ~/.aws/credentials"),
            "{err}"
        );

        // JSON stays data for scripts: an empty array, the hint beside it on stderr.
        let out = home.run(&["list", "--json"]);
        assert_eq!(support::stdout_ok(&out).trim(), "[]");
        says_how_to_begin(&stderr(&out));
    }
}

#[test]
fn list_with_profiles_says_nothing_on_stderr() {
    let home = AwsHome::with("[profile dev]\n", "");
    let out = home.run(&["list"]);
    assert_eq!(support::stdout_ok(&out), "dev\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn the_files_named_by_the_environment_are_the_ones_the_message_names() {
    let home = AwsHome::new();
    let out = home
        .cmd()
        .args(["list"])
        .env("AWS_CONFIG_FILE", home.path().join("work-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("work-creds"),
        )
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("no profiles in ~/work-config or ~/work-creds"),
        "{err}"
    );
}

#[test]
fn the_picker_off_a_terminal_with_no_profiles_says_how_to_begin() {
    let out = AwsHome::new().run(&["use", "--shell", "bash"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no shell code: {:?}", out.stdout);
    says_how_to_begin(&stderr(&out));
}

/// At a real terminal (a pty) the picker does not open on nothing: it says how to begin.
#[cfg(unix)]
#[test]
fn the_picker_at_a_terminal_with_no_profiles_says_how_to_begin() {
    let home = AwsHome::new();
    let mut cmd = home.cmd();
    cmd.args(["use", "--shell", "bash"]);
    let mut term = support::PtyChild::spawn(cmd);
    let (status, screen) = term.finish();
    assert_eq!(status.code(), Some(1), "{screen}");
    assert!(!screen.contains("AWS profile"), "no picker drawn: {screen}");
    assert!(!screen.contains("export "), "no shell code: {screen}");
    // The terminal wraps the long line; join it back before looking.
    says_how_to_begin(&screen.replace("\r\n", ""));
}

#[test]
fn an_unknown_profile_with_none_at_all_says_how_to_begin() {
    let out = AwsHome::new().run(&["show", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("profile `dev` not found; there are no profiles yet"),
        "{err}"
    );
    says_how_to_begin(&err);
}

#[test]
fn an_unknown_profile_names_the_few_there_are_or_the_closest() {
    let home = AwsHome::with("[profile dev]\n[profile staging]\n", "[prod]\n");
    let err = stderr(&home.run(&["show", "zzz"]));
    assert!(
        err.contains("profile `zzz` not found; the profiles are `dev`, `prod`, `staging`"),
        "{err}"
    );
    let err = stderr(&home.run(&["show", "stagign"]));
    assert!(err.contains("did you mean `staging`?"), "{err}");

    let many: String = (1..=8).map(|i| format!("[profile team-{i}]\n")).collect();
    let home = AwsHome::with(&many, "");
    let err = stderr(&home.run(&["export", "zzz"]));
    assert!(
        err.contains("profile `zzz` not found; `awsprof list` shows the 8 profiles"),
        "{err}"
    );
}

/// A missing file is met with the command that makes it: `allow` with no `.aws-profile`,
/// `sso sync` with no `[sso-session]`, `login --sso-session` of one that is not there.
#[test]
fn a_missing_file_or_section_names_what_makes_it() {
    let home = AwsHome::new();
    let dir = home.path().join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let out = home.run(&["allow", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no .aws-profile in"), "{err}");
    assert!(err.contains("`echo PROFILE > .aws-profile`"), "{err}");

    let err = stderr(&home.run(&["sso", "sync"]));
    assert!(
        err.contains("`awsprof sso add NAME --start-url URL --region REGION`"),
        "{err}"
    );
    let err = stderr(&home.run(&["login", "--sso-session", "org"]));
    assert!(err.contains("`awsprof sso add`"), "{err}");
}

#[test]
fn doctor_on_an_empty_machine_says_how_to_begin_and_passes() {
    for home in [
        AwsHome::new(),
        AwsHome::with("", ""),
        AwsHome::with("[sso-session org]\nsso_region = eu-west-1\n", ""),
    ] {
        let out = home.run(&["doctor"]);
        // Nothing is wrong with a new machine: exit 0, as for a doctor without errors.
        let report = support::stdout_ok(&out);
        let hint = report
            .lines()
            .find(|l| l.contains("no profiles in ~/.aws/config or ~/.aws/credentials yet"))
            .unwrap_or_else(|| panic!("no first-steps finding in {report}"));
        assert!(hint.starts_with("ok      files"), "{hint}");
        says_how_to_begin(hint);
        assert!(report.contains("\n0 error(s), "), "{report}");

        let out = home.run(&["doctor", "--json"]);
        let findings: serde_json::Value = serde_json::from_str(&support::stdout_ok(&out)).unwrap();
        let hint = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("no profiles in")
            })
            .unwrap_or_else(|| panic!("no first-steps finding in {findings}"));
        assert_eq!(hint["level"], "ok");
        assert_eq!(hint["check"], "files");
        assert!(hint.get("fix").is_none(), "{hint}");
        says_how_to_begin(hint["message"].as_str().unwrap());
    }
}

#[test]
fn doctor_gives_no_first_steps_where_there_are_profiles_or_a_broken_file() {
    // A profile in either file; a file doctor cannot read may hold profiles.
    for home in [
        AwsHome::with("[profile dev]\n", ""),
        AwsHome::with(
            "",
            "[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
        ),
        AwsHome::with("[profile dev\n", ""),
    ] {
        let out = home.run(&["doctor"]);
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(!report.contains("no profiles in"), "{report}");
        assert!(!report.contains("to begin:"), "{report}");
    }
}
