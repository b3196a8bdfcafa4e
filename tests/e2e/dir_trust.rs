//! `allow`, `deny` and the hidden `hook` of the shell integration, run as programs: where the
//! trust list lives, what it records, what the hook prints for each state of a file, and bad
//! input (no file, a file naming nothing, a FIFO, a garbage list, concurrent writers).

use crate::support;
use crate::support::AwsHome;
use std::path::{Path, PathBuf};
use std::process::Output;

fn home() -> AwsHome {
    let home = AwsHome::with("[profile dev]\nregion = eu-west-1\n[profile prod]\n", "");
    std::fs::create_dir_all(home.path().join("proj/sub")).unwrap();
    std::fs::write(home.path().join("proj/.aws-profile"), "dev\n").unwrap();
    home
}

fn run_in(home: &AwsHome, dir: &Path, args: &[&str], state: Option<&Path>) -> Output {
    let mut cmd = home.cmd();
    cmd.current_dir(dir).args(args).env_remove("XDG_STATE_HOME");
    if let Some(s) = state {
        cmd.env("XDG_STATE_HOME", s);
    }
    cmd.output().expect("run awsprof")
}

fn hook(home: &AwsHome, file: &Path) -> Output {
    let mut cmd = home.cmd();
    cmd.env_remove("XDG_STATE_HOME")
        .env("AWS_PROFILE", "before")
        .args(["hook", "--shell", "bash", "--"])
        .arg(file);
    cmd.output().expect("run awsprof hook")
}

/// Fails unless `out` is exit 1 with `needle` in its message and nothing on stdout.
#[track_caller]
fn fails_with(out: &Output, needle: &str) {
    let err = support::stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains(needle), "{err}");
}

fn default_list(home: &AwsHome) -> PathBuf {
    home.path().join(".local/state/awsprof/allowed.json")
}

/// SHA-256 of a file by coreutils: an implementation independent of awsprof's.
fn sha256sum(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn allow_records_the_canonical_path_and_content_hash_in_the_state_directory() {
    let home = home();
    let file = home.path().join("proj/.aws-profile");
    // From a directory below the file, through a symbolic link to it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(home.path().join("proj"), home.path().join("link")).unwrap();
    let out = run_in(&home, &home.path().join("link/sub"), &["allow"], None);
    support::assert_ok(&out, "allow");
    assert!(out.stdout.is_empty());
    assert!(
        support::stderr(&out).contains("allowed") && support::stderr(&out).contains("'dev'"),
        "{}",
        support::stderr(&out)
    );
    let list: serde_json::Value =
        serde_json::from_str(&support::read(default_list(&home))).unwrap();
    let key = file.canonicalize().unwrap().display().to_string();
    assert_eq!(list["version"], 1);
    assert_eq!(list["allowed"][&key], sha256sum(&file), "{list}");
    // XDG_STATE_HOME is honoured.
    let state = home.path().join("xdg-state");
    let out = run_in(&home, &home.path().join("proj"), &["allow"], Some(&state));
    support::assert_ok(&out, "allow");
    assert!(state.join("awsprof/allowed.json").is_file());
}

#[test]
fn hook_applies_only_a_file_allowed_as_it_is_and_says_so_once_otherwise() {
    let home = home();
    let file = home.path().join("proj/.aws-profile");
    let out = hook(&home, &file);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = support::stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is not allowed yet") && err.contains("'dev'"),
        "{err}"
    );

    support::assert_ok(
        &run_in(&home, home.path(), &["allow", "proj"], None),
        "allow",
    );
    let out = hook(&home, &file);
    assert_eq!(
        support::stdout_ok(&out),
        support::stdout_ok(
            &home
                .cmd()
                .env("AWS_PROFILE", "before")
                .args(["use", "dev", "--shell", "bash"])
                .output()
                .unwrap()
        ),
        "the hook prints what `use dev` prints"
    );
    assert!(out.stderr.is_empty(), "{}", support::stderr(&out));

    std::fs::write(&file, "prod\n").unwrap();
    let out = hook(&home, &file);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = support::stderr(&out);
    assert!(
        err.contains("changed since it was allowed") && err.contains("'prod'"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    support::assert_ok(&run_in(&home, home.path(), &["deny", "proj"], None), "deny");
    let out = hook(&home, &file);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "a denied file is silent"
    );
    // Allowed again after a denial, with the content of now.
    support::assert_ok(
        &run_in(&home, home.path(), &["allow", "proj"], None),
        "allow",
    );
    assert!(support::stdout_ok(&hook(&home, &file)).contains("export AWS_PROFILE='prod'"));

    // A file naming a profile that does not exist: allowed (with a warning), and the hook
    // fails with the error, changing nothing.
    std::fs::write(&file, "nope\n").unwrap();
    let out = run_in(&home, home.path(), &["allow", "proj"], None);
    support::assert_ok(&out, "allow");
    assert!(
        support::stderr(&out).contains("warning"),
        "{}",
        support::stderr(&out)
    );
    let out = hook(&home, &file);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        support::stderr(&out).contains("names profile 'nope'")
            && support::stderr(&out).contains("not found"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn bad_input_is_refused_with_nothing_written() {
    let home = home();
    let list = default_list(&home);
    // No file here or above.
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(&home, empty.path(), &["allow"], None);
    fails_with(&out, "no .aws-profile in");
    assert!(!list.exists());
    // A file that names nothing.
    std::fs::write(home.path().join("proj/.aws-profile"), "# nothing\n\n").unwrap();
    let out = run_in(&home, &home.path().join("proj"), &["allow"], None);
    fails_with(&out, "names no profile");
    assert!(!list.exists());
    // Not UTF-8.
    std::fs::write(home.path().join("proj/.aws-profile"), b"\xff\xfe\n").unwrap();
    let out = run_in(&home, &home.path().join("proj"), &["allow"], None);
    fails_with(&out, "not UTF-8");
    // A FIFO: never opened (it would block), not taken for a file.
    #[cfg(unix)]
    {
        let fifo = home.path().join("proj/sub/.aws-profile");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let out = hook(&home, &fifo);
        fails_with(&out, "not a regular file");
        std::fs::remove_file(&fifo).unwrap();
    }
    // A trust list awsprof did not write is left as it is.
    std::fs::write(home.path().join("proj/.aws-profile"), "dev\n").unwrap();
    std::fs::create_dir_all(list.parent().unwrap()).unwrap();
    std::fs::write(&list, "{ not json").unwrap();
    for cmd in ["allow", "deny"] {
        let out = run_in(&home, &home.path().join("proj"), &[cmd], None);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = support::stderr(&out);
        assert!(
            err.contains("allowed.json") && err.contains("not a trust list"),
            "{err}"
        );
        assert_eq!(support::read(&list), "{ not json", "{cmd} wrote the list");
    }
}

#[test]
fn concurrent_allows_lose_no_entry() {
    let home = home();
    let dirs: Vec<PathBuf> = (0..12)
        .map(|i| {
            let d = home.path().join(format!("p{i}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(".aws-profile"), "dev\n").unwrap();
            d
        })
        .collect();
    let children: Vec<_> = dirs
        .iter()
        .map(|d| {
            let mut cmd = home.cmd();
            cmd.env_remove("XDG_STATE_HOME").current_dir(d).arg("allow");
            cmd.stderr(std::process::Stdio::null()).spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let list: serde_json::Value =
        serde_json::from_str(&support::read(default_list(&home))).unwrap();
    assert_eq!(
        list["allowed"].as_object().unwrap().len(),
        dirs.len(),
        "{list}"
    );
}
