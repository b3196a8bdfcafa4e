//! `credential_process`: run a program, read credentials it prints as JSON (Version 1).
//!
//! The command runs through the platform shell, as the AWS SDKs for Rust and Java run it.
//! Its stderr is passed through to ours (it may prompt there); its stdin is ours; its
//! stdout is read as JSON and never echoed (it holds secrets).

use crate::Error;
use awsprof_core::creds::Credentials;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

fn fail(profile: &str, message: String) -> Error {
    Error::Process {
        profile: profile.to_string(),
        message,
    }
}

/// Runs `command` for `profile`, killing it after `timeout`.
pub fn run(profile: &str, command: &str, timeout: Duration) -> Result<Credentials, Error> {
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd.exe");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    let mut child = cmd
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(profile, format!("could not start `{command}`: {e}")))?;
    // Read both pipes on threads: a chatty program must not block on a full pipe, and a
    // grandchild that keeps them open must not keep us waiting after a timeout.
    let mut out = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.read_to_end(&mut buf).map(|_| buf)
    });
    let mut err = child.stderr.take().expect("stderr is piped");
    let passthrough = std::thread::spawn(move || {
        let _ = std::io::copy(&mut err, &mut std::io::stderr());
    });
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(fail(
                profile,
                format!(
                    "`{command}` did not finish within {}s and was stopped (set AWSPROF_PROCESS_TIMEOUT to wait longer)",
                    timeout.as_secs()
                ),
            ));
        }
        Err(e) => return Err(fail(profile, format!("waiting for `{command}`: {e}"))),
    };
    // Its messages come before ours; a background child that keeps the pipes open only
    // delays us a moment.
    finish(&passthrough, Duration::from_secs(2));
    if !status.success() {
        let how = match status.code() {
            Some(c) => format!("exited with status {c}"),
            None => "was killed by a signal".to_string(),
        };
        return Err(fail(
            profile,
            format!("`{command}` {how} (its messages are above)"),
        ));
    }
    if !finish(&reader, Duration::from_secs(5)) {
        return Err(fail(
            profile,
            format!("`{command}` exited but its output did not end (a background process keeps it open)"),
        ));
    }
    let stdout = reader
        .join()
        .map_err(|_| fail(profile, "reading its output failed".into()))?
        .map_err(|e| fail(profile, format!("reading its output: {e}")))?;
    parse(profile, command, &stdout)
}

/// Waits up to `limit` for a thread to end; whether it did.
fn finish<T>(thread: &std::thread::JoinHandle<T>, limit: Duration) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while !thread.is_finished() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// Turns the program's stdout into credentials, checking every field.
pub fn parse(profile: &str, command: &str, stdout: &[u8]) -> Result<Credentials, Error> {
    Credentials::from_process_output(stdout).map_err(|e| fail(profile, format!("`{command}` {e}")))
}
