//! `credential_process`: run a program, read the credentials it prints as JSON (Version 1).
//!
//! The command runs through the platform shell, as the AWS SDKs for Rust and Java run it.
//! Its stderr is passed through to ours (it may prompt there); its stdin is ours; its
//! stdout is read as JSON and never echoed (it holds secrets). No SDK is needed, so this
//! runs in `awsprof` itself.

use awsprof_core::creds::{Credentials, ProcessOutputError};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// `credential_process` of `profile` failed.
#[derive(Debug, thiserror::Error)]
#[error("profile `{profile}`: credential_process `{command}` {problem}")]
pub struct ProcessError {
    /// The profile.
    pub profile: String,
    /// The command line.
    pub command: String,
    /// What went wrong.
    pub problem: Problem,
}

/// What went wrong with a `credential_process`.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// It could not be started.
    #[error("could not be started: {0}")]
    Start(std::io::Error),
    /// It ran too long and was stopped.
    #[error(
        "did not finish within {0}s and was stopped (set AWSPROF_PROCESS_TIMEOUT to wait longer)"
    )]
    Timeout(u64),
    /// Waiting for it failed.
    #[error("could not be waited for: {0}")]
    Wait(std::io::Error),
    /// It failed; `printed` is whether it said anything on stderr (passed through above).
    #[error("{} {}", match .code { Some(c) => format!("exited with status {c}"), None => "was killed by a signal".to_string() }, if *.printed { "(its messages are above)" } else { "and printed nothing on stderr" })]
    Failed {
        /// Its exit status, if it exited.
        code: Option<i32>,
        /// Whether it wrote to stderr.
        printed: bool,
    },
    /// It exited but something it started keeps its output open.
    #[error("exited but its output did not end (a background process keeps it open)")]
    OutputOpen,
    /// Its output could not be read.
    #[error("could not be read from: {0}")]
    Read(std::io::Error),
    /// It printed something other than the credentials JSON.
    #[error("{0}")]
    Output(#[from] ProcessOutputError),
}

/// Runs `command` for `profile`, killing it after `timeout`.
pub fn run(profile: &str, command: &str, timeout: Duration) -> Result<Credentials, ProcessError> {
    let fail = |problem: Problem| ProcessError {
        profile: profile.to_string(),
        command: command.to_string(),
        problem,
    };
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
        .map_err(|e| fail(Problem::Start(e)))?;
    // Read both pipes on threads: a chatty program must not block on a full pipe, and a
    // grandchild that keeps them open must not keep us waiting after a timeout.
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(fail(Problem::Start(std::io::Error::other("no pipes"))));
    };
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.read_to_end(&mut buf).map(|_| buf)
    });
    let passthrough =
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::stderr()).unwrap_or(0));
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(fail(Problem::Timeout(timeout.as_secs())));
        }
        Err(e) => return Err(fail(Problem::Wait(e))),
    };
    // Its messages come before ours; a background child that keeps the pipes open only
    // delays us a moment.
    // A stream that does not end counts as having printed: its messages may be above.
    let printed = if finish(&passthrough, Duration::from_secs(2)) {
        passthrough.join().unwrap_or(1) > 0
    } else {
        true
    };
    if !status.success() {
        return Err(fail(Problem::Failed {
            code: status.code(),
            printed,
        }));
    }
    if !finish(&reader, Duration::from_secs(5)) {
        return Err(fail(Problem::OutputOpen));
    }
    let stdout = reader
        .join()
        .map_err(|_| fail(Problem::Read(std::io::Error::other("the reader failed"))))?
        .map_err(|e| fail(Problem::Read(e)))?;
    Credentials::from_process_output(&stdout).map_err(|e| fail(Problem::Output(e)))
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
