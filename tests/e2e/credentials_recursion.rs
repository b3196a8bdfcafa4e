//! The recursion guard: a `credential_process` that runs awsprof for a profile already on
//! the way fails at once, with a message naming the loop, instead of starting itself
//! without end. A thread samples the process table while each command runs and counts the
//! awsprof processes alive at once.

use crate::support::*;
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The awsprof processes alive now (their executable is the binary under test).
fn awsprof_processes(exe: &std::path::Path) -> usize {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                })
                .filter(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|p| p == exe))
                .count()
        })
        .unwrap_or(0)
}

/// Runs `awsprof ARGS` in `home` while sampling the process table; returns the output,
/// how long it took and the most awsprof processes seen alive at once.
fn run_sampled(home: &AwsHome, args: &[&str]) -> (Output, Duration, usize) {
    let exe = std::fs::canonicalize(bin()).unwrap();
    let done = AtomicBool::new(false);
    let most = AtomicUsize::new(0);
    let started = Instant::now();
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                most.fetch_max(awsprof_processes(&exe), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let mut cmd = home.cmd();
        cmd.args(args).env("AWSPROF_PROCESS_TIMEOUT", "30");
        // In a process group of its own, all of which is stopped after 20 s whatever
        // happens: an unguarded loop never ends by itself.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(10));
        }
        #[cfg(unix)]
        if let Some(group) = rustix::process::Pid::from_raw(child.id() as i32) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        done.store(true, Ordering::Relaxed);
        out
    });
    (out, started.elapsed(), most.into_inner())
}

#[cfg(unix)]
fn assert_loop_stopped(home: &AwsHome, profile: &str, message: &str) {
    let (out, took, most) = run_sampled(home, &["export", profile]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(err.contains(message), "{err}");
    assert!(
        took < Duration::from_secs(5),
        "stopped within 5 s, took {took:?}"
    );
    assert!(
        (1..=16).contains(&most),
        "at most 16 awsprof processes at once, saw {most}"
    );
}

#[cfg(unix)]
#[test]
fn a_profile_whose_process_exports_itself_fails_at_once() {
    let home = AwsHome::with(
        "[profile self]\ncredential_process = awsprof export --format process self\n",
        "",
    );
    assert_loop_stopped(
        &home,
        "self",
        "profile `self` forms a loop through credential_process: self -> self",
    );
}

#[cfg(unix)]
#[test]
fn a_loop_through_two_profiles_fails_at_once() {
    let home = AwsHome::with(
        "[profile a]\ncredential_process = awsprof export --format process b\n\
         [profile b]\ncredential_process = awsprof export --format process a\n",
        "",
    );
    assert_loop_stopped(
        &home,
        "a",
        "profile `a` forms a loop through credential_process: a -> b -> a",
    );
}

#[cfg(unix)]
#[test]
fn a_chain_that_never_repeats_stops_at_the_bound() {
    // Each profile's program exports the next one: no name repeats, the depth stops it.
    let config: String = (0..40)
        .map(|i| {
            format!(
                "[profile p{i}]\ncredential_process = awsprof export --format process p{}\n",
                i + 1
            )
        })
        .collect();
    let home = AwsHome::with(&config, "");
    assert_loop_stopped(
        &home,
        "p0",
        "credential_process programs are nested 8 deep (p0 -> p1 -> p2",
    );
}

#[test]
fn the_aws_cli_chain_is_honoured_and_both_chains_are_extended() {
    let home = AwsHome::new();
    std::fs::create_dir_all(home.aws_dir()).unwrap();
    let seen = home.path().join("seen");
    let script = home.path().join("creds.sh");
    write_executable(
        &script,
        &format!(
            "#!/bin/sh\nprintf '%s|%s' \"$AWSPROF_PROFILE_CHAIN\" \"$_AWS_CLI_PROFILE_CHAIN\" > '{}'\n\
             printf '{{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"s\"}}'\n",
            seen.display()
        ),
    );
    std::fs::write(
        home.config(),
        format!(
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = proc\n\
             [profile proc]\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    // Started by `aws configure export-credentials --profile outer`: the chain goes on.
    let out = home
        .cmd()
        .args(["export", "proc"])
        .env("_AWS_CLI_PROFILE_CHAIN", "outer")
        .output()
        .unwrap();
    stdout_ok(&out);
    assert_eq!(read(&seen), "outer,proc|outer,proc");

    // The AWS CLI's list names this profile already: the loop is refused before the
    // program runs.
    std::fs::remove_file(&seen).unwrap();
    let out = home
        .cmd()
        .args(["export", "proc"])
        .env("_AWS_CLI_PROFILE_CHAIN", "proc,x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out)
            .contains("profile `proc` forms a loop through credential_process: proc -> x -> proc"),
        "{}",
        stderr(&out)
    );
    assert!(!seen.exists(), "the program did not run");

    // A role whose source runs a program: both names go on the chain, the selected first.
    let out = home
        .cmd()
        .args(["export", "role", "--no-cache"])
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(read(&seen), "role,proc|role,proc", "{}", stderr(&out));
}
