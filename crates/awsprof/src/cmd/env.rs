//! `env`: run a command with a profile's credentials, or print them.

use crate::cli::EnvArgs;
use anyhow::Result;
use awsprof_core::env::use_credentials_plan;
use awsprof_core::shell::Kind;
use std::io;
use std::process::{Command, ExitCode};

/// Runs the command (on Unix by replacing this process), or prints `KEY='VALUE'` lines
/// in the dotenv format, which is also safe to `eval` in any POSIX shell.
pub fn run(ctx: &super::Ctx, args: &EnvArgs) -> Result<ExitCode> {
    let name = ctx.selected(args.profile.as_deref());
    if args.server {
        return serve(ctx, &name, args);
    }
    let (profile, creds) = super::export::resolve(ctx, &name, &args.creds)?;
    let plan = use_credentials_plan(&name, profile.get("region"), &creds, None);
    let Some((program, rest)) = args.command.split_first() else {
        super::emit(&Kind::Dotenv.render(&plan)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut cmd = Command::new(program);
    cmd.args(rest);
    crate::server::apply(&plan, &mut cmd);
    let failed = |source: io::Error| CannotRun {
        program: program.to_string_lossy().into_owned(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // exec only returns on failure.
        Err(failed(cmd.exec()).into())
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => Ok(ExitCode::from(
                status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)),
            )),
            Err(e) => Err(failed(e).into()),
        }
    }
}

/// `--server`: CMD gets the credentials from a local credential server that renews them,
/// not as keys in its environment.
fn serve(ctx: &super::Ctx, name: &str, args: &EnvArgs) -> Result<ExitCode> {
    use crate::{resolve, server};
    let Some((program, rest)) = args.command.split_first() else {
        return Err(anyhow::anyhow!(
            "--server needs a command to run: awsprof env PROFILE --server -- CMD"
        ));
    };
    let (plan, default) = resolve::plan_and_default(ctx, name)?;
    let opts = super::export::options(&args.creds);
    // Resolved before CMD starts: a profile without credentials fails here, not in CMD.
    let creds = resolve::credentials(ctx, &plan, &opts)?;
    let region = plan.profile.get("region").map(str::to_string);
    let hidden = server::hide_default(ctx, default.as_ref())?;
    let mut extra = Vec::new();
    if let Some(h) = &hidden {
        ctx.ui.note(&format!(
            "the files' [default] profile has credentials ({}), which the AWS SDKs and the AWS CLI would use before the credential server: CMD sees copies of the files without them",
            h.keys.join(", ")
        ));
        if let Some(config) = &h.config {
            extra.push(("AWS_CONFIG_FILE", config.as_path()));
        }
        if let Some(credentials) = &h.credentials {
            extra.push(("AWS_SHARED_CREDENTIALS_FILE", credentials.as_path()));
        }
    }
    let endpoint = server::start(ctx, plan, &opts, creds)?;
    let env = awsprof_core::env::server_plan(region.as_deref(), &endpoint.uri, &endpoint.token);
    let ran = server::run_command(program, rest, &env, &extra)?;
    // The copies go before awsprof ends, even the way CMD ended.
    drop(hidden);
    match ran {
        server::Ran::Ended(status) => Ok(server::exit_as(status)),
        server::Ran::NotStarted(source) => Err(CannotRun {
            program: program.to_string_lossy().into_owned(),
            source,
        }
        .into()),
    }
}

/// The command given to `env` could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot run {}: {source}", awsprof_core::text::quoted(program))]
pub struct CannotRun {
    /// The command, as given.
    pub program: String,
    /// Why.
    pub source: io::Error,
}

impl CannotRun {
    /// As env(1): 127 when the command is not found, 126 when it cannot be run.
    pub fn status(&self) -> u8 {
        if self.source.kind() == io::ErrorKind::NotFound {
            127
        } else {
            126
        }
    }
}
