//! `use`: shell code that switches this shell to a profile.

use crate::cli::{CredentialArgs, UseArgs};
use anyhow::{bail, Result};
use awsprof_core::env::{self as vars, explicit_profile, Plan, Previous};
use std::io::IsTerminal;
use std::process::ExitCode;

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// Prints the code; exit 1 with nothing printed when the profile is unknown, there is no
/// previous one, or the picker was cancelled or had no terminal.
pub fn run(ctx: &super::Ctx, args: &UseArgs) -> Result<ExitCode> {
    // The profile this shell is leaving ("" for none), kept for `use -`.
    let leaving = explicit_profile(&env).unwrap_or_default();
    let target = match args.profile.as_deref() {
        Some("-") => match vars::previous(&env) {
            Some(Previous::Profile(p)) => p,
            // Back to a shell without a profile: what `unset` leaves.
            Some(Previous::NoProfile) => {
                let code = args.shell.kind().render(&vars::unset_plan(Some(&leaving)))?;
                return print(ctx, &code, "-");
            }
            None => bail!("no previous profile in this shell: `use -` returns to the profile before the last `use` or `unset`"),
        },
        Some(name) => name.to_string(),
        None => match super::picker::pick(ctx)? {
            Some(p) => p,
            None => return Ok(ExitCode::FAILURE),
        },
    };
    let plan = if args.credentials {
        credentials_plan(ctx, &target, &args.creds, &leaving)?
    } else {
        // Only this profile's properties are kept: `use` stays one parse of the files.
        let profile = ctx.profile(&target)?;
        vars::use_plan(&target, profile.get("region"), Some(&leaving))
    };
    let code = args.shell.kind().render(&plan)?;
    print(ctx, &code, &target)
}

/// The plan of `use --credentials TARGET` in a shell leaving the profile `leaving`.
pub fn credentials_plan(
    ctx: &super::Ctx,
    target: &str,
    options: &CredentialArgs,
    leaving: &str,
) -> Result<Plan> {
    let (profile, creds) = super::export::resolve(ctx, target, options)?;
    Ok(vars::use_credentials_plan(
        target,
        profile.get("region"),
        &creds,
        Some(leaving),
    ))
}

fn print(ctx: &super::Ctx, code: &str, target: &str) -> Result<ExitCode> {
    super::emit(code)?;
    if std::io::stdout().is_terminal() {
        ctx.ui.note(&format!("the lines above are shell code and this shell is unchanged; set up the shell integration (awsprof init --help) or run: eval \"$(awsprof use {target})\""));
    }
    Ok(ExitCode::SUCCESS)
}
