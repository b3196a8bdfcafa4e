//! `env`: run a command with a profile's credentials, or print them.

use crate::cli::EnvArgs;
use anyhow::Result;
use awsprof_core::env::{use_credentials_plan, Op};
use awsprof_core::shell::Kind;
use std::io;
use std::process::{Command, ExitCode};

/// Runs the command (on Unix by replacing this process), or prints `KEY='VALUE'` lines
/// in the dotenv format, which is also safe to `eval` in any POSIX shell.
pub fn run(ctx: &super::Ctx, args: &EnvArgs) -> Result<ExitCode> {
    let name = ctx.selected(args.profile.as_deref());
    let (profile, creds) = super::export::resolve(ctx, &name, &args.creds)?;
    let plan = use_credentials_plan(&name, profile.get("region"), &creds, None);
    let Some((program, rest)) = args.command.split_first() else {
        super::emit(&Kind::Dotenv.render(&plan)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut cmd = Command::new(program);
    cmd.args(rest);
    for op in &plan.ops {
        match op {
            Op::Set(k, v) => cmd.env(k, v),
            Op::Unset(k) => cmd.env_remove(k),
        };
    }
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
