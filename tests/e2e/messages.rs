//! What the program says when something is wrong: each thing said once, names in one
//! style (backticks), long values cut, the home directory as `~`, and no prompt printed
//! for a question that cannot be asked.

use crate::support::{self, AwsHome};

fn fails(out: &std::process::Output, code: i32) -> String {
    let err = support::stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn an_error_and_its_cause_are_said_once() {
    let home = AwsHome::with("", "");
    let out = home.run(&["set", "region", "eu-west-1", "--profile", "bad name"]);
    let err = fails(&out, 1);
    assert_eq!(err.matches("is not a valid name").count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        "awsprof: error: ~/.aws/config: `bad name` is not a valid name: use letters, digits and _ - / . % @ : +"
    );
    // An I/O error names its file once and its cause once.
    let out = home.run(&["import", "--csv", "missing.csv"]);
    let err = fails(&out, 1);
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}

/// An OS error under one of ours is said once, not once in our message and again as its
/// cause (`Too many levels of symbolic links (os error 40)` twice was the symptom): a
/// web identity token that is a loop of links (read by awsprof-net), and the shared
/// files behind one (read by awsprof, which names the loop in words).
#[cfg(unix)]
#[test]
fn an_os_error_is_said_once() {
    let home = AwsHome::with(
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/W\nweb_identity_token_file = ~/token\n",
        "",
    );
    std::os::unix::fs::symlink(home.path().join("token"), home.path().join("token")).unwrap();
    let out = home
        .cmd()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["export", "web"])
        .output()
        .unwrap();
    let err = fails(&out, 1);
    // The errno differs between systems (40 on Linux).
    let said = "awsprof: error: profile `web`: web_identity_token_file ~/token: Too many levels of symbolic links (os error ";
    assert!(err.starts_with(said), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("Too many levels").count(), 1, "{err}");

    let looped = home.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    for args in [&["list"][..], &["set", "region", "eu-west-1"]] {
        let out = home
            .cmd()
            .env("AWS_CONFIG_FILE", looped.join("config"))
            .args(args)
            .output()
            .unwrap();
        let err = fails(&out, 1);
        assert_eq!(
            err.trim_end(),
            "awsprof: error: ~/loop/config: its symbolic links form a loop (or a chain too long to follow)",
            "{args:?}"
        );
    }
}

#[test]
fn doctor_names_a_broken_profile_once() {
    let home = AwsHome::with(
        "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = s\ncredential_source = Environment\n",
        "[s]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let out = home.run(&["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = text
        .lines()
        .find(|l| l.contains("both"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(line.matches("both`").count(), 1, "{line}");
    assert!(line.contains("contained both source_profile and credential_source"));
}

#[test]
fn a_failed_credential_process_says_whether_it_printed_anything() {
    let home = AwsHome::with(
        "[profile quiet]\ncredential_process = false\n[profile loud]\ncredential_process = sh -c 'echo the vault is locked >&2; exit 3'\n",
        "",
    );
    let err = fails(&home.run(&["export", "quiet"]), 1);
    assert!(
        err.contains("exited with status 1 and printed nothing"),
        "{err}"
    );
    assert!(!err.contains("above"), "{err}");
    let err = fails(&home.run(&["export", "loud"]), 1);
    assert!(err.starts_with("the vault is locked\n"), "{err}");
    assert!(
        err.contains("exited with status 3 (its messages are above)"),
        "{err}"
    );
}

#[test]
fn an_mfa_code_that_cannot_be_asked_for_prints_no_prompt() {
    let home = AwsHome::with(
        "[profile mfarole]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let mut cmd = home.cmd();
    cmd.args(["export", "mfarole"])
        .stdin(std::process::Stdio::null());
    // No controlling terminal either, so `/dev/tty` cannot be opened.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is an async-signal-safe system call.
        unsafe {
            cmd.pre_exec(|| rustix::process::setsid().map(|_| ()).map_err(Into::into));
        }
    }
    let err = fails(&cmd.output().unwrap(), 1);
    assert!(!err.contains("Enter MFA code"), "{err}");
    assert_eq!(
        err.trim_end(),
        "awsprof: error: profile `mfarole` needs an MFA code for arn:aws:iam::123456789012:mfa/alice, and there is no terminal to ask on; pass --mfa-code, or set mfa_process to a command that prints the code"
    );
}

#[test]
fn a_long_value_is_cut_in_a_warning_and_written_whole() {
    let home = AwsHome::with("[profile p]\n", "");
    let long = "x".repeat(5000);
    let out = home.run(&["set", "region", &long, "--profile", "p"]);
    support::assert_ok(&out, "set a long region");
    let err = support::stderr(&out);
    assert!(err.len() < 200, "{err}");
    assert!(
        err.contains("…` (5000 characters) is not a known AWS region name"),
        "{err}"
    );
    assert_eq!(home.aws_get("region", "p"), long);
}

#[test]
fn a_profile_name_that_is_not_utf8_is_refused_by_name() {
    use std::os::unix::ffi::OsStrExt;
    let home = AwsHome::with(
        "[profile p]\n",
        "[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    for args in [
        vec!["export"],
        vec!["use", "--shell", "bash"],
        vec!["show"],
        vec!["set", "region", "x", "--profile"],
    ] {
        let mut cmd = home.cmd();
        cmd.args(&args)
            .arg(std::ffi::OsStr::from_bytes(b"pro\xfffile"));
        let err = fails(&cmd.output().unwrap(), 2);
        assert!(err.contains("is not valid UTF-8 text"), "{args:?}: {err}");
        assert!(err.contains("`pro\u{fffd}file`"), "{args:?}: {err}");
    }
    // The command `env` runs may be any bytes: it is passed on as it is.
    let mut cmd = home.cmd();
    cmd.args(["env", "p", "--"])
        .arg(std::ffi::OsStr::from_bytes(b"/no/such/\xff"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(127), "{}", support::stderr(&out));
}

#[test]
fn paths_under_home_are_shown_from_the_tilde() {
    let home = AwsHome::with("[profile p]\nbroken line\n", "");
    let err = fails(&home.run(&["list"]), 1);
    assert_eq!(
        err.trim_end(),
        "awsprof: error: ~/.aws/config:2: Expected an '=' sign defining a property (key = value)"
    );
}

/// `error:` and `warning:` are red and yellow on a terminal (a pty), and plain with
/// `NO_COLOR`, on a dumb terminal or through a pipe, where a log gets no escape codes.
#[cfg(unix)]
#[test]
fn labels_are_coloured_on_a_terminal_only() {
    let home = AwsHome::new();
    let at_terminal = |vars: &[(&str, &str)]| {
        let mut cmd = home.cmd();
        cmd.args(["show", "nope"]).env("TERM", "xterm-256color");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let mut term = support::PtyChild::spawn(cmd);
        let (status, screen) = term.finish();
        assert_eq!(status.code(), Some(1), "{screen}");
        screen
    };
    let screen = at_terminal(&[]);
    assert!(
        screen.contains("awsprof: \x1b[1;31merror:\x1b[0m profile `nope` not found"),
        "{screen:?}"
    );
    for vars in [&[("NO_COLOR", "1")][..], &[("TERM", "dumb")][..]] {
        let screen = at_terminal(vars);
        assert!(
            screen.contains("awsprof: error: profile `nope`"),
            "{vars:?}: {screen:?}"
        );
        assert!(!screen.contains('\x1b'), "{vars:?}: {screen:?}");
    }
    let err = support::stderr(&home.run(&["show", "nope"]));
    assert!(err.starts_with("awsprof: error: profile `nope`"), "{err:?}");
}

/// `--quiet` (before or after the command) drops the notes, for scripts; warnings and
/// errors still show, and the command does the same work.
#[test]
fn quiet_drops_notes_but_not_warnings_or_errors() {
    let home = AwsHome::new();
    let csv = home.path().join("rootkey.csv");
    std::fs::write(
        &csv,
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\nAWSSecretKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    let loud = home.run(&["import", "--csv", csv.to_str().unwrap(), "--profile", "a"]);
    assert!(support::stderr(&loud).contains("awsprof: imported access key"));
    let out = home.run(&[
        "import",
        "--csv",
        csv.to_str().unwrap(),
        "--profile",
        "b",
        "--quiet",
    ]);
    support::assert_ok(&out, "awsprof import --quiet");
    let err = support::stderr(&out);
    assert!(!err.contains("imported"), "{err}");
    assert!(
        err.contains("awsprof: warning:") && err.contains("root"),
        "{err}"
    );
    assert_eq!(
        home.aws_get("aws_access_key_id", "b"),
        "AKIAIOSFODNN7EXAMPLE"
    );

    let out = AwsHome::new().run(&["-q", "list"]);
    support::assert_ok(&out, "awsprof -q list");
    assert_eq!(support::stderr(&out), "");
    let err = support::stderr(&home.run(&["-q", "show", "nope"]));
    assert!(
        err.starts_with("awsprof: error: profile `nope` not found"),
        "{err}"
    );
}
