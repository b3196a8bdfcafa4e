//! Helpers shared by the end-to-end tests: a throwaway AWS home, the awsprof binary, and
//! the rule that a missing tool fails loudly under CI=true.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether we run in CI, where a missing tool is a failure, never a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Whether `tool` can run (`tool --version` or the given probe args succeed).
pub fn have(tool: &str, probe: &[&str]) -> bool {
    Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Returns true when the test can go on. Without the tool: panics under CI=true,
/// otherwise prints why the test is skipped and returns false.
pub fn require(tool: &str, probe: &[&str]) -> bool {
    if have(tool, probe) {
        return true;
    }
    if in_ci() {
        panic!("{tool} is required by this test and is missing (CI=true: not skipping)");
    }
    eprintln!("SKIP: {tool} is not installed; scripts/test installs it");
    false
}

/// Like [`require`] for a Python module.
pub fn require_python_module(module: &str) -> bool {
    require("python3", &["-c", &format!("import {module}")])
}

/// The awsprof binary built for this test run.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_awsprof"))
}

/// A throwaway home with `~/.aws/config` and `~/.aws/credentials`.
pub struct AwsHome {
    pub dir: tempfile::TempDir,
}

impl AwsHome {
    /// An empty home (no `.aws` directory yet).
    pub fn new() -> AwsHome {
        AwsHome {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A home whose `.aws/config` and `.aws/credentials` hold these texts.
    pub fn with(config: &str, credentials: &str) -> AwsHome {
        let home = AwsHome::new();
        std::fs::create_dir_all(home.aws_dir()).unwrap();
        std::fs::write(home.config(), config).unwrap();
        std::fs::write(home.credentials(), credentials).unwrap();
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn aws_dir(&self) -> PathBuf {
        self.path().join(".aws")
    }

    pub fn config(&self) -> PathBuf {
        self.aws_dir().join("config")
    }

    pub fn credentials(&self) -> PathBuf {
        self.aws_dir().join("credentials")
    }

    /// `awsprof ARGS` with HOME pointing here and no AWS_* variables inherited.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(bin());
        self.isolate(&mut cmd);
        cmd
    }

    /// Makes any command see this home and none of the caller's AWS_* variables.
    pub fn isolate(&self, cmd: &mut Command) {
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") || k.starts_with("AWSPROF_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", self.path());
    }

    /// Runs `awsprof ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run awsprof")
    }
}

/// stdout of a successful run, as text; panics with stderr otherwise.
pub fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "command failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// The shells the shell-integration tests drive, each started without reading any user
/// start-up file.
pub const SHELLS: [&str; 4] = ["bash", "zsh", "fish", "dash"];

/// A command that starts `shell` without start-up files (`bash --noprofile --norc`,
/// `zsh -f`, `fish --no-config`, `dash`).
pub fn shell_command(shell: &str) -> Command {
    let mut cmd = Command::new(shell);
    match shell {
        "bash" => {
            cmd.args(["--noprofile", "--norc"]);
        }
        "zsh" => {
            cmd.arg("-f");
        }
        "fish" => {
            cmd.arg("--no-config");
        }
        _ => {}
    }
    cmd
}

/// Like [`require`] for one of [`SHELLS`].
pub fn require_shell(shell: &str) -> bool {
    let probe: &[&str] = match shell {
        "dash" => &["-c", "true"],
        _ => &["--version"],
    };
    require(shell, probe)
}

/// PATH with the directory of the awsprof under test first: the shell integration calls
/// the binary as `command awsprof`.
pub fn path_with_bin() -> std::ffi::OsString {
    let dir = bin().parent().expect("bin dir").to_path_buf();
    let mut dirs = vec![dir];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH")
}

impl AwsHome {
    /// `shell -c SCRIPT ARGS...` with this home as HOME and working directory, awsprof
    /// first on PATH, and none of the caller's AWS_* variables.
    pub fn shell(&self, shell: &str, script: &str, args: &[&str]) -> Output {
        let mut cmd = shell_command(shell);
        self.isolate(&mut cmd);
        cmd.env("PATH", path_with_bin())
            .env_remove("COMPLETE")
            .current_dir(self.path())
            .arg("-c")
            .arg(script);
        if !args.is_empty() {
            // sh -c SCRIPT NAME ARGS: the first word is $0. fish takes options until `--`.
            cmd.arg(if shell == "fish" { "--" } else { shell });
        }
        cmd.args(args);
        cmd.output().expect("run shell")
    }
}
