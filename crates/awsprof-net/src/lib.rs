//! awsprof-net: the network side of awsprof, and the only package that links the AWS SDK.
//!
//! `awsprof` resolves a profile's chain and reads the cache itself; on a miss it hands the
//! steps that need the SDK to this executable as a [`Job`] (JSON on stdin) and reads the
//! credentials back (JSON on stdout). `whoami` and `login` run here whole. The rest of the
//! program (the command line, the commands, the terminal) is the `awsprof` library.
//!
//! Where things go:
//! - [`runtime`]: the tokio runtime, made on the first call, and the spinner;
//! - [`sts`]: AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken, GetCallerIdentity;
//! - [`sso`]: IAM Identity Center: the token cache, GetRoleCredentials, the device login,
//!   the listing of every account and role (ListAccounts, ListAccountRoles);
//! - [`signin`]: `login_session` profiles (AWS Sign-In, what `aws login` writes);
//! - [`sources`]: `credential_source = Ec2InstanceMetadata | EcsContainer`;
//! - [`keyring`]: the OS keyring (long-term keys kept out of the credentials file);
//! - [`job`]: running a job's steps and filling the cache;
//! - [`whoami`], [`login`], [`console`], [`sso_sync`]: the commands that are all network.
//!
//! New work that needs the SDK or another heavy dependency belongs here, as one module
//! each plus an arm in [`Sdk::network_command`]. The keyring is reached through
//! [`Backend::keyring`]: the commands that use it are the awsprof library's, run here with
//! the store.

#![warn(missing_docs)]

pub mod console;
pub mod job;
pub mod keyring;
pub mod login;
pub mod runtime;
pub mod signin;
pub mod sources;
pub mod sso;
pub mod sso_sync;
pub mod sts;
pub mod whoami;

pub use runtime::Net;
pub use sts::Identity;

use anyhow::Result;
use awsprof::backend::{Backend, Job};
use awsprof::cli::{Cli, Command};
use awsprof::ctx::Ctx;
use awsprof_core::creds::Credentials;
use awsprof_core::ui::{Busy, Progress, Ui, UiError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// What can go wrong in a call to AWS.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file of the core (the cache) failed.
    #[error(transparent)]
    Core(#[from] awsprof_core::Error),
    /// A file or the runtime failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// An AWS call failed.
    #[error("{what} failed: {message}")]
    Call {
        /// The call.
        what: String,
        /// AWS's error code (`AccessDenied`), when AWS answered with one.
        code: Option<String>,
        /// AWS's message (after the code), or why there was no answer.
        message: String,
    },
    /// IAM Identity Center failed.
    #[error("{subject}: {message}")]
    Sso {
        /// The profile or sso-session it was for.
        subject: sso::Subject,
        /// What went wrong.
        message: String,
    },
    /// A `credential_source` that cannot give credentials here.
    #[error("profile `{profile}`: credential_source = {source_name}: {message}")]
    Source {
        /// The profile.
        profile: String,
        /// The source.
        source_name: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The web identity token file could not be read.
    #[error("profile `{profile}`: web_identity_token_file {}: {source}", path.display())]
    TokenFile {
        /// The profile.
        profile: String,
        /// The file, as written.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The OS keyring failed, or holds no keys for the profile.
    #[error(transparent)]
    Keyring(#[from] awsprof_core::keyring::StoreError),
    /// A job this executable cannot run.
    #[error("{0}")]
    Job(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An SDK error as one line: each cause's message, without the SDK's debug dump.
pub(crate) fn explain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

/// What one of aws-config's providers gave, as awsprof's credentials.
pub(crate) fn from_provider(c: &aws_credential_types::Credentials) -> Credentials {
    Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: c.secret_access_key().to_string(),
        session_token: c.session_token().map(str::to_string),
        expiration: c
            .expiry()
            .map(|t| awsprof_core::clock::format(time::OffsetDateTime::from(t))),
        account_id: c.account_id().map(|a| a.as_str().to_string()),
    }
}

/// Locks the lock file beside `file` (single flight for what it caches), saying on `net`'s
/// terminal, if another process holds it for long, that it waits for that one to be
/// `doing` for `whose` (a profile or an sso-session).
pub(crate) fn lock_beside(
    net: &Net<'_>,
    file: &Path,
    doing: &str,
    whose: &str,
) -> Result<awsprof_core::cache::FileLock, Error> {
    let ui = net.ui;
    Ok(awsprof_core::cache::FileLock::acquire(
        &file.with_extension("lock"),
        &|holder| {
            let who = holder.map_or_else(String::new, |pid| format!(" (process {pid})"));
            ui.note(&format!(
                "waiting for another awsprof{who} that is {doing} of {whose}"
            ))
        },
    )?)
}

pub(crate) fn timeouts() -> aws_sdk_sts::config::timeout::TimeoutConfig {
    aws_sdk_sts::config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .build()
}

/// The terminal of `awsprof-net`: `awsprof`'s, plus a spinner while a call is slow.
pub struct NetTerminal;

/// The one [`NetTerminal`].
pub static NET_TERMINAL: NetTerminal = NetTerminal;

impl Ui for NetTerminal {
    fn error(&self, message: &str) {
        awsprof::term::Terminal.error(message)
    }
    fn warn(&self, message: &str) {
        awsprof::term::Terminal.warn(message)
    }
    fn note(&self, message: &str) {
        awsprof::term::Terminal.note(message)
    }
    fn instruct(&self, message: &str) {
        awsprof::term::Terminal.instruct(message)
    }
    fn interactive(&self) -> bool {
        awsprof::term::Terminal.interactive()
    }
    fn ask(&self, prompt: &str) -> Result<String, UiError> {
        awsprof::term::Terminal.ask(prompt)
    }
    fn secret(&self, prompt: &str) -> Result<String, UiError> {
        awsprof::term::Terminal.secret(prompt)
    }
    fn pick(&self, prompt: &str, items: &[&str], start: usize) -> Result<Option<usize>, UiError> {
        awsprof::term::Terminal.pick(prompt, items, start)
    }
    // `--quiet` is for scripts: nothing is drawn that is not a warning, an error or a
    // prompt, and a spinner at a terminal that a script drives is noise in its log.
    fn busy(&self, what: &str) -> Box<dyn Busy + '_> {
        if awsprof::term::quiet() {
            return Box::new(());
        }
        Box::new(runtime::Spinner::start(what))
    }
    fn progress(&self, what: &str, total: u64) -> Box<dyn Progress + '_> {
        if awsprof::term::quiet() {
            return Box::new(());
        }
        Box::new(runtime::Bar::start(what, total))
    }
    fn open_browser(&self, url: &str) -> bool {
        can_open_browser() && webbrowser::open(url).is_ok()
    }
}

/// Whether a browser can be opened here: `$BROWSER` (but not `none`), macOS, Windows, or
/// a desktop session. Without one, webbrowser would fall back to a text browser in this
/// terminal.
fn can_open_browser() -> bool {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(browser) = var("BROWSER") {
        return browser != "none";
    }
    if cfg!(target_os = "macos") || cfg!(windows) {
        return true;
    }
    var("DISPLAY").is_some() || var("WAYLAND_DISPLAY").is_some()
}

/// Runs the SDK work in this process.
pub struct Sdk;

/// The one [`Sdk`].
pub static SDK: Sdk = Sdk;

impl Backend for Sdk {
    fn run(&self, job: &Job, ui: &dyn Ui) -> Result<Credentials> {
        let mut net = Net::new(ui);
        Ok(job::run(&mut net, job)?)
    }

    fn network_command(&self, cli: &Cli) -> Result<ExitCode> {
        let ctx = Ctx::from_env(&NET_TERMINAL, &SDK);
        match &cli.command {
            Command::Whoami(args) => whoami::run(&ctx, args)?,
            Command::Login(args) => login::run(&ctx, args)?,
            Command::Sso(awsprof::cli::SsoCommand::Sync(args)) => sso_sync::run(&ctx, args)?,
            Command::Console(args) => console::run(&ctx, args)?,
            _ => return Err(anyhow::anyhow!("not a network command")),
        }
        Ok(ExitCode::SUCCESS)
    }

    fn keyring(&self) -> Option<&dyn awsprof_core::keyring::Store> {
        Some(&keyring::OS)
    }
}

/// `awsprof-net --awsprof-job`: reads a [`Job`] on stdin, runs it, prints the credentials
/// as JSON on stdout.
pub fn serve_job() -> Result<ExitCode> {
    let job: Job = serde_json::from_reader(std::io::stdin().lock()).map_err(|e| {
        Error::Job(format!(
            "awsprof-net could not read the job awsprof sent ({e}); are both from the same install? `{}`",
            awsprof::backend::INSTALL
        ))
    })?;
    awsprof::term::set_quiet(job.quiet);
    let creds = SDK.run(&job, &NET_TERMINAL)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &creds)?;
    std::io::Write::flush(&mut out)?;
    Ok(ExitCode::SUCCESS)
}
