//! `credential_process`: run a program, read the credentials it prints as JSON (Version 1);
//! and `mfa_process`, a program that prints an MFA code.
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

/// A program of `profile` (its `credential_process` or `mfa_process`) failed.
#[derive(Debug, thiserror::Error)]
#[error("profile `{profile}`: {key} `{command}` {problem}")]
pub struct ProcessError {
    /// The profile.
    pub profile: String,
    /// The setting that names the program: `credential_process` or `mfa_process`.
    pub key: &'static str,
    /// The command line.
    pub command: String,
    /// What went wrong.
    pub problem: Problem,
}

/// What went wrong with a program.
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
    /// An `mfa_process` printed nothing.
    #[error("printed no MFA code on stdout")]
    NoCode,
    /// An `mfa_process` printed something other than a code (not shown: it may be secret).
    #[error("printed something other than the digits of an MFA code (not shown)")]
    NotCode,
}

/// Runs `command` for `profile` with `env` added to its environment (the recursion
/// guard's variables), killing it after `timeout`; the credentials it printed.
pub fn run(
    profile: &str,
    command: &str,
    timeout: Duration,
    env: &[(&str, String)],
) -> Result<Credentials, ProcessError> {
    let fail = failure(profile, "credential_process", command);
    let stdout = output(command, timeout, env).map_err(&fail)?;
    Credentials::from_process_output(&stdout).map_err(|e| fail(Problem::Output(e)))
}

/// Runs the `mfa_process` of `profile` (as [`run`] runs a `credential_process`); the
/// code it printed, trimmed.
pub fn mfa_code(
    profile: &str,
    command: &str,
    timeout: Duration,
    env: &[(&str, String)],
) -> Result<String, ProcessError> {
    let fail = failure(profile, "mfa_process", command);
    let stdout = output(command, timeout, env).map_err(&fail)?;
    let code = String::from_utf8_lossy(&stdout).trim().to_string();
    if code.is_empty() {
        return Err(fail(Problem::NoCode));
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(Problem::NotCode));
    }
    Ok(code)
}

/// How a program named by `key` of `profile` failed.
fn failure<'a>(
    profile: &'a str,
    key: &'static str,
    command: &'a str,
) -> impl Fn(Problem) -> ProcessError + 'a {
    move |problem| ProcessError {
        profile: profile.to_string(),
        key,
        command: command.to_string(),
        problem,
    }
}

/// Runs `command` through the platform shell and returns what it printed on stdout; its
/// stderr is passed through, its stdin is ours.
fn output(command: &str, timeout: Duration, env: &[(&str, String)]) -> Result<Vec<u8>, Problem> {
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
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Problem::Start)?;
    // Read both pipes on threads: a chatty program must not block on a full pipe, and a
    // grandchild that keeps them open must not keep us waiting after a timeout.
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Problem::Start(std::io::Error::other("no pipes")));
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
            return Err(Problem::Timeout(timeout.as_secs()));
        }
        Err(e) => return Err(Problem::Wait(e)),
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
        return Err(Problem::Failed {
            code: status.code(),
            printed,
        });
    }
    if !finish(&reader, Duration::from_secs(5)) {
        return Err(Problem::OutputOpen);
    }
    reader
        .join()
        .map_err(|_| Problem::Read(std::io::Error::other("the reader failed")))?
        .map_err(Problem::Read)
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
