//! The `use` picker on a real terminal: tmux gives it a pty, keys are sent as a user would
//! type them, and the shell function evaluates the choice.

use crate::support;
use crate::support::AwsHome;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

fn tmux(sock: &Path, args: &[&str]) -> Output {
    support::tmux(sock, args)
}

/// Polls until `cond` holds, for up to ten seconds.
fn wait_for(what: &str, cond: impl FnMut() -> bool) {
    support::wait_for(what, 10, cond)
}

/// Runs `script` in bash inside a detached tmux session, sends `keys` once the picker is
/// drawn, and returns what the script wrote to `result`, the screen with the picker, and
/// whether the terminal's cursor is visible afterwards.
fn pick(keys: &[&str]) -> (String, String, bool) {
    support::require("tmux", &["-V"]);
    support::require_shell("bash");
    let home = AwsHome::with(
        "[profile dev]\n[profile staging]\n",
        "[prod]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    let script = home.path().join("script.sh");
    std::fs::write(
        &script,
        "eval \"$(awsprof init bash)\"\nawsprof use\necho \"rc=$? profile=${AWS_PROFILE-none}\" > result\n",
    )
    .unwrap();
    let sock = home.path().join("tmux.sock");
    support::tmux_session(
        &home,
        &sock,
        (100, 30),
        &format!("bash --noprofile --norc {}; sleep 30", script.display()),
    );
    let screen =
        || String::from_utf8_lossy(&tmux(&sock, &["capture-pane", "-p"]).stdout).to_string();
    wait_for("the picker", || screen().contains("AWS profile"));
    let drawn = screen();
    for key in keys {
        tmux(&sock, &["send-keys", key]);
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = home.path().join("result");
    wait_for("the result", || {
        std::fs::read_to_string(&result).is_ok_and(|r| r.ends_with('\n'))
    });
    let cursor = tmux(&sock, &["display-message", "-p", "#{cursor_flag}"]);
    let visible = String::from_utf8_lossy(&cursor.stdout).trim() == "1";
    tmux(&sock, &["kill-server"]);
    (std::fs::read_to_string(&result).unwrap(), drawn, visible)
}

#[test]
fn picker_filters_as_you_type_and_the_function_switches_to_the_choice() {
    let (result, screen, cursor) = pick(&["pro", "Enter"]);
    for name in ["dev", "prod", "staging"] {
        assert!(screen.contains(name), "{screen}");
    }
    assert_eq!(result.trim(), "rc=0 profile=prod");
    assert!(cursor, "the cursor is shown again");
}

#[test]
fn picker_cancelled_with_escape_changes_nothing() {
    let (result, _, cursor) = pick(&["Escape"]);
    assert_eq!(result.trim(), "rc=1 profile=none");
    assert!(cursor, "the cursor is shown again");
}

#[test]
fn picker_interrupted_with_ctrl_c_changes_nothing_and_restores_the_cursor() {
    let (result, _, cursor) = pick(&["C-c"]);
    assert_eq!(result.trim(), "rc=130 profile=none");
    assert!(cursor, "the cursor is shown again");
}
