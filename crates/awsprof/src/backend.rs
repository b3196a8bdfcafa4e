//! The boundary to the network side. `awsprof` itself links no AWS SDK code (its package
//! has no `aws-*` crate at all); what needs the SDK is a [`Job`] handed to a [`Backend`]:
//! [`Delegate`] runs the `awsprof-net` executable installed beside this one, and
//! `awsprof-net` runs the job in its own process with the SDK.
//!
//! Only a cache miss comes here: the warm cache, static keys, `credential_process` and
//! `credential_source = Environment` are served by the resolve module without it. Keys in
//! the OS keyring come here too (a job that starts with the keyring step), and so do the
//! keyring commands ([`NeedsKeyring`]): the keyring is linked on the network side.

use anyhow::Result;
use awsprof_core::chain::Chain;
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;
use awsprof_core::ui::Ui;
use std::process::ExitCode;

/// The argument that makes `awsprof-net` read a [`Job`] on stdin instead of a command
/// line. Not a subcommand: it is a private protocol between two executables of one
/// install, not part of the CLI.
pub const JOB_ARG: &str = "--awsprof-job";

/// The version of the job protocol. `awsprof-net` refuses a job of another version (two
/// installs mixed), rather than misreading it.
pub const JOB_VERSION: u32 = 1;

/// The steps of a chain that need the AWS SDK, with everything they need: the chain was
/// resolved and the cache read by `awsprof`, so `awsprof-net` parses no file.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Job {
    /// [`JOB_VERSION`].
    pub version: u32,
    /// The version of the program that wrote it.
    pub program: String,
    /// The chain, all of it (cache keys of the later steps depend on the base).
    pub chain: Chain,
    /// The first step to run; the ones before it are done.
    pub start: usize,
    /// The credentials of the step before `start`, if any.
    pub input: Option<Credentials>,
    /// Where calls go and caches live.
    pub settings: Settings,
    /// The MFA codes the steps from `start` need, by step index, asked for already.
    pub mfa_codes: Vec<(usize, String)>,
    /// Whether to write what is fetched to the cache.
    pub cache: bool,
    /// `--quiet` was given: no notes, no spinner. Absent in a job from an older awsprof
    /// (a job of the same version), which was never quiet.
    #[serde(default)]
    pub quiet: bool,
}

/// Who runs the work that needs the AWS SDK.
pub trait Backend: Sync {
    /// Runs the steps of `job` from `job.start` and returns the last one's credentials.
    fn run(&self, job: &Job, ui: &dyn Ui) -> Result<Credentials>;

    /// Runs a command that is all network (`whoami`, `login`, `console`) and returns its
    /// status.
    fn network_command(&self, cli: &crate::cli::Cli) -> Result<ExitCode>;

    /// The OS keyring, on the side that links it (`awsprof-net`); `None` here, where a
    /// command that needs it fails with [`NeedsKeyring`] before it does anything, and is
    /// run again whole by `awsprof-net`.
    fn keyring(&self) -> Option<&dyn awsprof_core::keyring::Store> {
        None
    }
}

/// A command needs the OS keyring, which this executable does not link: the entry point
/// runs it again, whole, in `awsprof-net` ([`Backend::network_command`]). Raised before
/// the command has asked, written or printed anything.
#[derive(Debug, thiserror::Error)]
#[error("the OS keyring is used by {NET}, which was not run")]
pub struct NeedsKeyring;

/// The network side failed with this exit status and has already said why on stderr.
#[derive(Debug)]
pub struct Reported(pub u8);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{NET} exited with status {}", self.0)
    }
}

impl std::error::Error for Reported {}

/// Hands the network work to `awsprof-net`, installed beside this executable.
pub struct Delegate;

/// The network side's executable.
pub const NET: &str = "awsprof-net";

/// The command that installs both executables, for messages.
pub const INSTALL: &str =
    "cargo install --locked --path crates/awsprof && cargo install --locked --path crates/awsprof-net";

/// `awsprof-net` was not found.
#[derive(Debug, thiserror::Error)]
#[error("{NET} was not found beside {} or on PATH; it makes the calls to AWS (roles, IAM Identity Center, whoami, login, console) that the cache cannot answer: install it with `{INSTALL}`", exe.display())]
pub struct NetMissing {
    /// This executable.
    pub exe: std::path::PathBuf,
}

fn net_program() -> Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(format!("{NET}{}", std::env::consts::EXE_SUFFIX));
    if beside.is_file() {
        return Ok(beside);
    }
    // Installed elsewhere on PATH (a packager may split the two).
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(format!("{NET}{}", std::env::consts::EXE_SUFFIX)))
            .find(|p| p.is_file())
    });
    Ok(on_path.ok_or(NetMissing { exe })?)
}

fn status_error(status: std::process::ExitStatus) -> anyhow::Error {
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(1);
    Reported(code.max(1)).into()
}

impl Backend for Delegate {
    fn run(&self, job: &Job, _: &dyn Ui) -> Result<Credentials> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        // stderr stays shared (the spinner, warnings); the job goes in on stdin and the
        // credentials come back on stdout, both JSON, neither ever on a terminal.
        let mut child = Command::new(net_program()?)
            .arg(JOB_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| anyhow::anyhow!("could not run {NET}: {e}"))?;
        let request = serde_json::to_vec(job)?;
        if let Some(mut stdin) = child.stdin.take() {
            // A child that exits early closes the pipe; its status says why.
            let _ = stdin.write_all(&request);
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(status_error(out.status));
        }
        serde_json::from_slice(&out.stdout).map_err(|e| {
            anyhow::anyhow!("{NET} answered with something other than credentials ({e}); reinstall both: `{INSTALL}`")
        })
    }

    /// Runs `awsprof-net` with this process's own arguments and exits with its status.
    fn network_command(&self, _: &crate::cli::Cli) -> Result<ExitCode> {
        let mut cmd = std::process::Command::new(net_program()?);
        cmd.args(std::env::args_os().skip(1));
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            let err = cmd.exec();
            Err(anyhow::anyhow!("could not run {NET}: {err}"))
        }
        #[cfg(not(unix))]
        {
            let status = cmd.status()?;
            if status.success() {
                Ok(ExitCode::SUCCESS)
            } else {
                Err(status_error(status))
            }
        }
    }
}
