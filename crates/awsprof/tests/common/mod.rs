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
