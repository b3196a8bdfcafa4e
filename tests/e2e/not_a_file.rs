//! Paths that are not regular files (a FIFO, a character device, a socket, a loop of
//! symbolic links) in place of the config or credentials file: every command, the shell's
//! completion and the prompt helper come back at once with an error naming the file
//! (completion and the prompt quietly, as they must), and the path is left as it was.
//!
//! A hang is caught by killing the command after 10 seconds: that is a failure, not a
//! measurement. A file that vanishes while it is read has no test of its own: the read
//! path opens the file first and asks the open descriptor what it is, so there is no
//! moment between a check and the open in which the path could change (a file deleted
//! or renamed over after the open is read as it was), and before the open it is simply
//! a missing file, which tests elsewhere cover.

use crate::support::{self, AwsHome};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Runs `cmd` with stdin closed and kills it, and anything it started (awsprof hands
/// network work to awsprof-net), if it has not finished in 10 seconds.
fn bounded(mut cmd: Command, what: &str) -> Output {
    use std::os::unix::process::CommandExt;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    match child.wait_timeout(Duration::from_secs(10)).unwrap() {
        Some(_) => child.wait_with_output().unwrap(),
        None => {
            let group = rustix::process::Pid::from_child(&child);
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what}: still running after 10 s (hung); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// A special file at `path`, kept alive (a socket needs its listener) while the test runs.
enum Special {
    Fifo,
    Socket(#[allow(dead_code)] std::os::unix::net::UnixListener),
    Loop,
    Device,
}

impl Special {
    fn make(kind: &str, path: &Path) -> Special {
        match kind {
            "fifo" => {
                let st = Command::new("mkfifo").arg(path).status().unwrap();
                assert!(st.success(), "mkfifo");
                Special::Fifo
            }
            "socket" => Special::Socket(std::os::unix::net::UnixListener::bind(path).unwrap()),
            "loop" => {
                let other = path.with_extension("other");
                std::os::unix::fs::symlink(&other, path).unwrap();
                std::os::unix::fs::symlink(path, &other).unwrap();
                Special::Loop
            }
            _ => Special::Device,
        }
    }

    /// What the error must say.
    fn said(&self) -> &'static str {
        match self {
            Special::Fifo => "is a FIFO (named pipe), not a regular file",
            Special::Socket(_) => "is a socket, not a regular file",
            Special::Loop => "symbolic links form a loop",
            Special::Device => "is a character device, not a regular file",
        }
    }

    /// Checks the path is still what it was.
    fn unchanged(&self, path: &Path) {
        let meta = std::fs::symlink_metadata(path).unwrap();
        let t = meta.file_type();
        match self {
            Special::Fifo => assert!(t.is_fifo(), "{path:?} is no longer a FIFO"),
            Special::Socket(_) => assert!(t.is_socket(), "{path:?} is no longer a socket"),
            Special::Loop => assert!(t.is_symlink(), "{path:?} is no longer a link"),
            Special::Device => assert!(t.is_char_device()),
        }
    }
}

/// Every command that reads the files, and every one that writes them.
const COMMANDS: &[&[&str]] = &[
    &["list"],
    &["list", "--json"],
    &["show"],
    &["show", "dev", "--json"],
    &["get", "region"],
    &["get", "region", "--profile", "dev"],
    &["export", "dev", "--format", "json"],
    &["use", "dev", "--shell", "bash"],
    &["env", "dev", "--", "true"],
    &["whoami", "dev"],
    &["login", "dev"],
    &["set", "region", "eu-west-1", "--profile", "dev"],
    &["remove", "dev"],
    &["rename", "dev", "dev2"],
    &["configure", "--profile", "dev"],
];

/// A home whose `kind` file (`config` or `credentials`) is a special file of `special`,
/// the other a regular file holding a profile `dev`.
fn home_with(kind: &str, special: &str) -> (AwsHome, PathBuf, Special, Command) {
    let home = AwsHome::with(
        "[profile dev]\nregion = us-east-1\n",
        "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    let mut base = home.cmd();
    let path = match (kind, special) {
        (_, dev) if dev.starts_with("/dev/") => {
            let var = match kind {
                "config" => "AWS_CONFIG_FILE",
                _ => "AWS_SHARED_CREDENTIALS_FILE",
            };
            base.env(var, dev);
            PathBuf::from(dev)
        }
        ("config", _) => home.config(),
        _ => home.credentials(),
    };
    if !special.starts_with("/dev/") {
        std::fs::remove_file(&path).unwrap();
    }
    let made = Special::make(special, &path);
    (home, path, made, base)
}

fn check_every_command(kind: &str, special: &str) {
    let (home, path, made, base) = home_with(kind, special);
    let shown = if path.starts_with(home.path()) {
        format!("~/.aws/{kind}")
    } else {
        path.display().to_string()
    };
    for args in COMMANDS {
        let mut cmd = Command::new(base.get_program());
        for (k, v) in base.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        // Whatever a command would reach for the network is not there.
        cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .current_dir(home.path())
            .args(*args);
        let what = format!("awsprof {} with {special} as {kind}", args.join(" "));
        let out = bounded(cmd, &what);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{what}: succeeded");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        assert!(
            stderr.contains(&shown) && stderr.contains(made.said()),
            "{what}: the error should name {shown} and say it {}: {stderr}",
            made.said()
        );
        // Each cause once (an OS error followed by itself was the old symptom).
        let first = stderr.lines().next().unwrap_or_default();
        assert_eq!(first.matches(made.said()).count(), 1, "{what}: {first}");
        made.unchanged(&path);
    }
    // doctor reports it as a finding and goes on.
    let mut cmd = home.cmd();
    if special.starts_with("/dev/") {
        for (k, v) in base.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
    }
    cmd.arg("doctor");
    let out = bounded(cmd, "awsprof doctor");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains(made.said()), "doctor: {all}");
    made.unchanged(&path);
}

#[test]
fn a_fifo_as_the_config_file_is_refused_by_every_command() {
    check_every_command("config", "fifo");
}

#[test]
fn a_fifo_as_the_credentials_file_is_refused_by_every_command() {
    check_every_command("credentials", "fifo");
}

#[test]
fn dev_zero_through_aws_config_file_is_refused_by_every_command() {
    check_every_command("config", "/dev/zero");
}

#[test]
fn dev_tty_through_aws_shared_credentials_file_is_refused_by_every_command() {
    // Without a controlling terminal opening /dev/tty fails (ENXIO); with one it opens,
    // never becoming ours (O_NOCTTY). Both are a character device, refused.
    check_every_command("credentials", "/dev/tty");
}

#[test]
fn a_socket_as_the_config_file_is_refused_by_every_command() {
    check_every_command("config", "socket");
}

#[test]
fn a_loop_of_symbolic_links_is_refused_by_every_command() {
    check_every_command("config", "loop");
    check_every_command("credentials", "loop");
}

#[test]
fn import_refuses_a_fifo_as_the_key_file() {
    let home = AwsHome::with("", "");
    let csv = home.path().join("keys.csv");
    let made = Special::make("fifo", &csv);
    let mut cmd = home.cmd();
    cmd.args(["import", "--csv"]).arg(&csv);
    let out = bounded(cmd, "awsprof import --csv FIFO");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("keys.csv") && stderr.contains(made.said()),
        "{stderr}"
    );
    assert_eq!(std::fs::read(home.credentials()).unwrap(), b"");
}

#[test]
fn a_fifo_as_the_web_identity_token_file_is_refused_at_once() {
    let home = AwsHome::with(
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/W\nweb_identity_token_file = ~/token\n",
        "",
    );
    let _fifo = Special::make("fifo", &home.path().join("token"));
    let mut cmd = home.cmd();
    // Nothing listens there: the token is never sent, the file is refused first.
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["export", "web"]);
    let out = bounded(
        cmd,
        "awsprof export with a FIFO as the web identity token file",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr.trim_end(),
        "awsprof: error: profile `web`: web_identity_token_file ~/token: not a regular file; awsprof reads only regular files"
    );
}

/// The completion the shells ask for on Tab, through each shell's own protocol, and the
/// prompt helpers: prompt, no error text in the command line, nothing offered.
#[test]
fn completion_and_the_prompt_helper_return_at_once_with_a_fifo() {
    let (home, path, made, _) = home_with("config", "fifo");
    for (shell, vars) in [
        (
            "bash",
            vec![("COMPLETE", "bash"), ("_CLAP_COMPLETE_INDEX", "2")],
        ),
        (
            "zsh",
            vec![
                ("COMPLETE", "zsh"),
                ("_CLAP_IFS", "\n"),
                ("_CLAP_COMPLETE_INDEX", "2"),
            ],
        ),
        ("fish", vec![("COMPLETE", "fish")]),
    ] {
        let mut cmd = home.cmd();
        for (k, v) in &vars {
            cmd.env(k, v);
        }
        cmd.args(["--", "awsprof", "show", ""]);
        let out = bounded(cmd, &format!("{shell} completion"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !stdout.contains("dev") && !stdout.contains("FIFO"),
            "{shell}: {stdout}"
        );
        made.unchanged(&path);
    }
    // Tab in a real bash: the registered completion function, as bash calls it.
    support::require_shell("bash");
    let script = r#"eval "$(awsprof init bash)"
COMP_WORDS=(awsprof show ''); COMP_CWORD=2; COMP_LINE='awsprof show '; COMP_POINT=${#COMP_LINE}
_awsprof_complete awsprof '' show; echo "offered=${COMPREPLY[*]}"
AWS_PROFILE=dev; __awsprof_prompt_update; echo "prompt=$AWSPROF_PROMPT""#;
    let mut cmd = support::shell_command("bash");
    home.isolate(&mut cmd);
    cmd.env("PATH", support::test_path())
        .current_dir(home.path())
        .args(["-c", script]);
    let out = bounded(cmd, "bash Tab and prompt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let offered = stdout
        .lines()
        .find_map(|l| l.strip_prefix("offered="))
        .unwrap();
    // Flags only: no profile, no error text in the command line.
    assert!(
        offered
            .split(' ')
            .all(|w| w.is_empty() || w.starts_with('-')),
        "{offered}"
    );
    assert!(stdout.contains("prompt=dev"), "{stdout}");
    support::require_shell("fish");
    let mut cmd = support::shell_command("fish");
    home.isolate(&mut cmd);
    cmd.env("PATH", support::test_path())
        .env("AWS_PROFILE", "dev")
        .current_dir(home.path())
        .args([
            "-c",
            "awsprof init fish | source; complete -C 'awsprof show '; echo prompt=(awsprof_prompt)",
        ]);
    let out = bounded(cmd, "fish Tab and prompt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("prompt=dev"), "{stdout}");
    assert!(!stdout.contains("FIFO"), "{stdout}");
    made.unchanged(&path);
}

/// The caches are read the same way: a FIFO where the IAM Identity Center token or a
/// cached role's credentials would be is refused (the token) or a miss (the role), at once.
#[test]
fn a_fifo_in_the_caches_is_no_wait() {
    let home = AwsHome::with(
        "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = R\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    let sso = home.path().join(".aws/sso/cache");
    let cli = home.path().join(".aws/cli/cache");
    std::fs::create_dir_all(&sso).unwrap();
    std::fs::create_dir_all(&cli).unwrap();
    let token = sso.join(format!("{}.json", support::python_sha1("corp")));
    let role = cli.join(format!(
        "{}.json",
        support::python_sha1(r#"{"RoleArn": "arn:aws:iam::123456789012:role/R"}"#)
    ));
    let made = [Special::make("fifo", &token), Special::make("fifo", &role)];
    for (profile, needle) in [("sso", "no IAM Identity Center session in"), ("role", "")] {
        let mut cmd = home.cmd();
        cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["export", profile]);
        let out = bounded(cmd, &format!("awsprof export {profile}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(needle) && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
    made[0].unchanged(&token);
    made[1].unchanged(&role);
}

/// The single-flight lock beside a cache entry is opened the same way: a FIFO planted at
/// `KEY.lock` is refused at once, with its path, and left as it was; nothing is fetched.
#[test]
fn a_fifo_at_a_cache_lock_is_refused_at_once() {
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    let cli = home.path().join(".aws/cli/cache");
    std::fs::create_dir_all(&cli).unwrap();
    let key = support::python_sha1(r#"{"RoleArn": "arn:aws:iam::123456789012:role/R"}"#);
    let lock = cli.join(format!("{key}.lock"));
    let made = Special::make("fifo", &lock);
    let mut cmd = home.cmd();
    // Nothing listens on port 9: had the lock been taken, the call would fail differently.
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["export", "role"]);
    let out = bounded(cmd, "awsprof export role");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    let said = format!("~/.aws/cli/cache/{key}.lock: {}", made.said());
    assert!(stderr.contains(&said), "no {said:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    made.unchanged(&lock);
}
