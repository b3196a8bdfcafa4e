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
    let shown = program.to_string_lossy();
    let failed = |e: io::Error| {
        eprintln!("awsprof: error: cannot run '{shown}': {e}");
        // As env(1): 127 when the command is not found, 126 when it cannot be run.
        ExitCode::from(if e.kind() == io::ErrorKind::NotFound {
            127
        } else {
            126
        })
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // exec only returns on failure.
        Ok(failed(cmd.exec()))
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => Ok(ExitCode::from(
                status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)),
            )),
            Err(e) => Ok(failed(e)),
        }
    }
}
