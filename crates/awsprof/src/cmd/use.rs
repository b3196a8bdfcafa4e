//! `use`: shell code that switches this shell to a profile.

use crate::cli::UseArgs;
use anyhow::{bail, Result};
use awsprof_core::env::{self as vars, explicit_profile};
use std::io::IsTerminal;
use std::process::ExitCode;

fn var(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

/// Prints the code; exit 1 with nothing printed when the profile is unknown, there is no
/// previous one, or the picker was cancelled or had no terminal.
pub fn run(ctx: &super::Ctx, args: &UseArgs) -> Result<ExitCode> {
    let target = match args.profile.as_deref() {
        Some("-") => match var(vars::PREVIOUS_PROFILE) {
            Some(p) => p,
            None => bail!("no previous profile in this shell: `use -` returns to the profile before the last `use` or `unset`"),
        },
        Some(name) => name.to_string(),
        None => match super::picker::pick(ctx)? {
            Some(p) => p,
            None => return Ok(ExitCode::FAILURE),
        },
    };
    let previous = explicit_profile(&|k| std::env::var(k).ok());
    let plan = if args.credentials {
        let (profile, creds) = super::export::resolve(ctx, &target, &args.creds)?;
        vars::use_credentials_plan(&target, profile.get("region"), &creds, previous.as_deref())
    } else {
        // Only this profile's properties are kept: `use` stays one parse of the files.
        let profile = ctx.profile(&target)?;
        vars::use_plan(&target, profile.get("region"), previous.as_deref())
    };
    let code = args.shell.kind().render(&plan)?;
    super::emit(&code)?;
    if std::io::stdout().is_terminal() {
        eprintln!("awsprof: the lines above are shell code and this shell is unchanged; set up the shell integration (awsprof init --help) or run: eval \"$(awsprof use {target})\"");
    }
    Ok(ExitCode::SUCCESS)
}
