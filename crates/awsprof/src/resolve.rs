//! Turning a profile into credentials for `export`, `use --credentials`, `env` and
//! `whoami`.
//!
//! A profile with static keys is answered from the files alone. Anything else (roles, an
//! MFA session, IAM Identity Center, web identity, credential_process, credential_source)
//! resolves to a chain in the core and runs in `awsprof-creds`, which starts a network
//! runtime only when a step is not in the cache.
//!
//! That network half is linked only into `awsprof-net`. The [`Backend`] decides who runs
//! it: [`crate::net::Sdk`] in-process (in `awsprof-net`), [`Delegate`] by running
//! `awsprof-net` (in `awsprof`), so that `awsprof` carries no SDK code and starts fast.

use anyhow::Result;
use awsprof_core::chain;
use awsprof_core::creds::Credentials;
use awsprof_core::{Filter, ProfileSet, Section};
use std::time::Duration;

/// Options that change how credentials are obtained.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// An MFA code given on the command line.
    pub mfa_code: Option<String>,
    /// Skip the credential cache.
    pub no_cache: bool,
    /// Refresh even when cached credentials are still valid.
    pub refresh: bool,
}

impl ResolveOptions {
    fn provider_options(&self) -> Result<awsprof_creds::Options> {
        let mut o = awsprof_creds::Options {
            mfa_code: self.mfa_code.clone(),
            no_cache: self.no_cache,
            refresh: self.refresh,
            ..awsprof_creds::Options::default()
        };
        if let Ok(v) = std::env::var("AWSPROF_PROCESS_TIMEOUT") {
            let secs: f64 = v.trim().parse().map_err(|_| {
                anyhow::anyhow!("AWSPROF_PROCESS_TIMEOUT={v:?} is not a number of seconds")
            })?;
            o.process_timeout = Duration::from_secs_f64(secs.max(0.1));
        }
        Ok(o)
    }
}

/// Everything the network half needs for the profile `name`: all profiles (a chain may go
/// through any of them, and sso-sessions), its chain, and the endpoint settings.
pub struct Resolved {
    pub chain: chain::Chain,
    pub settings: awsprof_creds::Settings,
}

/// Resolves the chain of the profile `name` without any network call.
pub fn chain_of(ctx: &crate::cmd::Ctx, name: &str) -> Result<Resolved> {
    let set: ProfileSet = ctx.load(Filter::All)?;
    if set.profile(name).is_none() {
        return Err(ctx.unknown(name)?.into());
    }
    let chain = chain::resolve(&set, name)?;
    let settings = awsprof_creds::Settings::new(&set, name, &|k| std::env::var(k).ok());
    Ok(Resolved { chain, settings })
}

/// The credentials of `profile` (already loaded with all its properties).
pub fn credentials(
    ctx: &crate::cmd::Ctx,
    profile: &Section,
    opts: &ResolveOptions,
) -> Result<Credentials> {
    if !profile.kind().needs_provider() {
        return Ok(Credentials::from_profile(profile)?);
    }
    ctx.backend.chain_credentials(ctx, &profile.name, opts)
}

/// Runs a profile chain in-process with the AWS SDK (the body of [`crate::net::Sdk`]).
pub fn chain_credentials_in_process(
    ctx: &crate::cmd::Ctx,
    name: &str,
    opts: &ResolveOptions,
) -> Result<Credentials> {
    let r = chain_of(ctx, name)?;
    Ok(awsprof_creds::resolve(
        &r.chain,
        &r.settings,
        &opts.provider_options()?,
    )?)
}

/// Who runs the steps that need the network.
pub trait Backend: Sync {
    /// Temporary credentials for the profile `name`, whose chain needs a provider.
    fn chain_credentials(
        &self,
        ctx: &crate::cmd::Ctx,
        name: &str,
        opts: &ResolveOptions,
    ) -> Result<Credentials>;
    /// `awsprof whoami`.
    fn whoami(&self, ctx: &crate::cmd::Ctx, args: &crate::cli::WhoamiArgs) -> Result<()>;
    /// `awsprof login`.
    fn login(&self, ctx: &crate::cmd::Ctx, args: &crate::cli::LoginArgs) -> Result<()>;
}

/// `awsprof-net` failed with this exit status and has already said why on stderr.
#[derive(Debug)]
pub struct Reported(pub u8);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "awsprof-net exited with status {}", self.0)
    }
}

impl std::error::Error for Reported {}

/// Hands the network work to `awsprof-net`, installed beside this executable.
pub struct Delegate;

const NET: &str = "awsprof-net";

fn net_program() -> Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(format!("{NET}{}", std::env::consts::EXE_SUFFIX));
    if beside.is_file() {
        return Ok(beside);
    }
    // Installed elsewhere on PATH (a packager may split the two).
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(NET))
            .find(|p| p.is_file())
    });
    on_path.ok_or_else(|| {
        anyhow::anyhow!(
            "{NET} was not found beside {} or on PATH; it does the network work (roles, SSO, whoami): reinstall with `cargo install --locked --path crates/awsprof`",
            exe.display()
        )
    })
}

fn status_error(status: std::process::ExitStatus) -> anyhow::Error {
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(1);
    Reported(code.max(1)).into()
}

/// Runs `awsprof-net` with this process's own arguments and exits with its status.
fn hand_over() -> Result<()> {
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
            Ok(())
        } else {
            Err(status_error(status))
        }
    }
}

impl Backend for Delegate {
    fn chain_credentials(
        &self,
        _ctx: &crate::cmd::Ctx,
        name: &str,
        opts: &ResolveOptions,
    ) -> Result<Credentials> {
        // `export --format process` is our own credential_process output: the terminal
        // (MFA prompt, spinner) and stderr stay shared; only stdout is read.
        let mut cmd = std::process::Command::new(net_program()?);
        cmd.args(["export", "--format", "process"]);
        if let Some(code) = &opts.mfa_code {
            cmd.args(["--mfa-code", code]);
        }
        if opts.no_cache {
            cmd.arg("--no-cache");
        }
        if opts.refresh {
            cmd.arg("--refresh");
        }
        // `--`: a profile name may start with `-`.
        cmd.args(["--", name]);
        let out = cmd
            .stdin(std::process::Stdio::inherit())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| anyhow::anyhow!("could not run {NET}: {e}"))?;
        if !out.status.success() {
            return Err(status_error(out.status));
        }
        // The same checks as for any credential_process (version, fields, expiry).
        Ok(awsprof_creds::process::parse(
            name,
            "awsprof-net export --format process",
            &out.stdout,
        )?)
    }

    fn whoami(&self, _: &crate::cmd::Ctx, _: &crate::cli::WhoamiArgs) -> Result<()> {
        hand_over()
    }

    fn login(&self, _: &crate::cmd::Ctx, _: &crate::cli::LoginArgs) -> Result<()> {
        hand_over()
    }
}

/// Like [`credentials`], keeping the network runtime for more calls (`whoami`).
pub fn credentials_with(
    ctx: &crate::cmd::Ctx,
    net: &mut awsprof_creds::Net,
    name: &str,
    opts: &ResolveOptions,
) -> Result<(Credentials, awsprof_creds::Settings)> {
    let r = chain_of(ctx, name)?;
    let creds = awsprof_creds::resolve_with(net, &r.chain, &r.settings, &opts.provider_options()?)?;
    Ok((creds, r.settings))
}
