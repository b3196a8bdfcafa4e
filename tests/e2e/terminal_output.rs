//! Values from the files on a terminal: control characters in them (an escape sequence in
//! a `note`, a bell, a carriage return) are shown as escapes, so a file cannot colour,
//! move or retitle the user's terminal; on a pipe the bytes stay exact.

use crate::support::{self, AwsHome, PtyChild};

const CONFIG: &str = "[profile evil]\nnote = \x1b[31mRED\x07\nregion = eu\x1b[2Jwest\n[profile red\x1b[31mX]\nregion = x\n";

fn home() -> AwsHome {
    AwsHome::with(CONFIG, "")
}

/// What `awsprof ARGS` writes to a terminal (stdout and stderr both on the pty).
fn on_terminal(home: &AwsHome, args: &[&str]) -> String {
    let mut cmd = home.cmd();
    // Without awsprof's own colour (messages.rs tests it), so that any escape on the
    // screen came from a value.
    cmd.args(args).env("NO_COLOR", "1");
    let mut pty = PtyChild::spawn(cmd);
    pty.finish().1
}

#[test]
fn show_get_doctor_and_errors_on_a_terminal_show_control_characters_as_escapes() {
    let home = home();
    let bad_name = "nope\x1b]0;owned\x07";
    for (args, expected) in [
        (&["show", "evil"][..], r"\x1b[31mRED\x07"),
        (
            &["get", "note", "--profile", "evil"][..],
            r"\x1b[31mRED\x07",
        ),
        // JSON escapes them itself.
        (&["list", "--json"][..], r#""region": "eu\u001b[2Jwest""#),
        (&["doctor"][..], r"[profile red\x1b[31mX] ignored"),
        (
            &["get", "region", "--profile", bad_name][..],
            r"nope\x1b]0;owned\x07",
        ),
    ] {
        let seen = on_terminal(&home, args);
        assert!(seen.contains(expected), "{args:?}: {seen:?}");
        assert!(
            !seen.contains('\x1b') && !seen.contains('\x07'),
            "{args:?} wrote a raw control character to the terminal: {seen:?}"
        );
    }
}

#[test]
fn on_a_pipe_values_and_messages_keep_their_bytes() {
    let home = home();
    let out = home.run(&["get", "note", "--profile", "evil"]);
    assert_eq!(support::stdout_ok(&out), "\x1b[31mRED\x07\n");
    let out = home.run(&["get", "region", "--profile", "nope\x1b[2J"]);
    assert!(support::stderr(&out).contains("`nope\x1b[2J`"), "{out:?}");
}
