//! Secret prompts at a real terminal: tmux runs an interactive bash, keys are sent as a
//! person types them, and the terminal's modes (`stty -a`) are read back.

use crate::support::{self, AwsHome};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

fn tmux(sock: &Path, args: &[&str]) -> Output {
    support::tmux(sock, args)
}

fn wait_for(what: &str, cond: impl FnMut() -> bool) {
    support::wait_for(what, 15, cond)
}

/// An interactive bash in a detached tmux pane, in `home`; stopped when dropped.
struct Pane<'h> {
    home: &'h AwsHome,
    sock: std::path::PathBuf,
}

impl<'h> Pane<'h> {
    fn start(home: &'h AwsHome) -> Pane<'h> {
        support::require("tmux", &["-V"]);
        support::require_shell("bash");
        let sock = home.path().join("tmux.sock");
        support::tmux_session(home, &sock, (120, 30), "bash --noprofile --norc -i");
        let pane = Pane { home, sock };
        wait_for("the shell prompt", || !pane.screen().trim().is_empty());
        pane
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&self.sock, &["capture-pane", "-p"]).stdout).to_string()
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(tmux(&self.sock, &args).status.success());
    }

    fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.home.path().join(name)).ok()
    }
}

impl Drop for Pane<'_> {
    fn drop(&mut self) {
        let _ = tmux(&self.sock, &["kill-server"]);
    }
}

/// Ctrl-C at the MFA prompt: the terminal is exactly as before (echo, canonical mode and
/// signals back on), the exit status is 130, nothing is printed on stdout, and what was
/// typed at the prompt was never echoed.
#[test]
fn ctrl_c_at_the_mfa_prompt_restores_the_terminal_and_exits_130() {
    let home = AwsHome::with(
        "[profile mfarole]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let pane = Pane::start(&home);
    pane.send(&[
        "stty -a > before; awsprof export mfarole > out; echo rc=$? > rc; stty -a > after",
        "Enter",
    ]);
    // (tmux trims the space after the colon.)
    let prompt = "Enter MFA code for arn:aws:iam::123456789012:mfa/alice:";
    wait_for("the MFA prompt", || pane.screen().contains(prompt));
    // Typed the moment the prompt shows: echo is already off.
    pane.send(&["-l", "424242"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!pane.screen().contains("424242"), "{}", pane.screen());
    pane.send(&["C-c"]);
    wait_for("the command to end", || {
        pane.file("after").is_some_and(|a| a.contains("speed"))
    });
    assert_eq!(pane.file("rc").as_deref(), Some("rc=130\n"));
    assert_eq!(pane.file("out").as_deref(), Some(""));
    let (before, after) = (pane.file("before").unwrap(), pane.file("after").unwrap());
    let on = |mode: &str| before.split_whitespace().any(|w| w == mode);
    assert!(on("echo") && on("icanon") && on("isig"), "{before}");
    assert_eq!(before, after, "stty -a differs after Ctrl-C at the prompt");
    assert!(!pane.screen().contains("424242"), "{}", pane.screen());
}
