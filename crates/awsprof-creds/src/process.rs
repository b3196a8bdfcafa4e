//! `credential_process`: run a program, read credentials it prints as JSON (Version 1).
//!
//! The command runs through the platform shell, as the AWS SDKs for Rust and Java run it.
//! Its stderr is passed through to ours (it may prompt there); its stdin is ours; its
//! stdout is read as JSON and never echoed (it holds secrets).

use crate::{clock, Error};
use awsprof_core::creds::Credentials;
use serde::Deserialize;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: Option<u32>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

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
    let out: Output = serde_json::from_slice(stdout).map_err(|e| {
        fail(
            profile,
            format!(
                "`{command}` printed no valid JSON ({e}); it must print {{\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}}"
            ),
        )
    })?;
    match out.version {
        Some(1) => {}
        Some(v) => {
            return Err(fail(
                profile,
                format!("`{command}` printed Version {v}; only Version 1 is supported"),
            ))
        }
        None => {
            return Err(fail(
                profile,
                format!("`{command}` printed no \"Version\": 1"),
            ))
        }
    }
    let need = |v: Option<String>, k: &str| {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| fail(profile, format!("`{command}` printed no \"{k}\"")))
    };
    let expiration = match out.expiration {
        None => None,
        Some(s) => {
            let t = clock::parse(&s).ok_or_else(|| {
                fail(
                    profile,
                    format!(
                        "`{command}` printed an Expiration that is not an RFC 3339 time: {s:?}"
                    ),
                )
            })?;
            if t <= clock::now() {
                return Err(fail(
                    profile,
                    format!(
                        "`{command}` returned credentials that expired at {}",
                        clock::format(t)
                    ),
                ));
            }
            Some(clock::format(t))
        }
    };
    Ok(Credentials {
        access_key_id: need(out.access_key_id, "AccessKeyId")?,
        secret_access_key: need(out.secret_access_key, "SecretAccessKey")?,
        session_token: out.session_token.filter(|s| !s.is_empty()),
        expiration,
        account_id: out.account_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_keys_are_checked() {
        let p = |s: &str| parse("p", "cmd", s.as_bytes());
        assert!(p(r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}"#).is_ok());
        let e = p(r#"{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"}"#).unwrap_err();
        assert!(e.to_string().contains("Version 2"), "{e}");
        let e = p(r#"{"Version":1,"AccessKeyId":"a"}"#).unwrap_err();
        assert!(e.to_string().contains("SecretAccessKey"), "{e}");
        let e = p(r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"2000-01-01T00:00:00Z"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("expired"), "{e}");
    }
}
