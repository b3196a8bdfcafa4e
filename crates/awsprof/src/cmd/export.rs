//! `export`: a profile's credentials and region as assignments.

use crate::cli::{CredentialArgs, ExportArgs};
use crate::resolve::{self, Options};
use anyhow::Result;
use awsprof_core::creds::Credentials;
use awsprof_core::Section;

/// How `args` asks for credentials to be obtained.
pub fn options(args: &CredentialArgs) -> Options {
    let mut o = Options {
        mfa_code: args.mfa_code.clone(),
        no_cache: args.no_cache,
        refresh: args.refresh,
        ..Options::default()
    };
    if let Some(secs) = args.process_timeout {
        o.process_timeout = std::time::Duration::from_secs_f64(secs.max(0.1));
    }
    o
}

/// The profile `name` and its credentials: the files read once, then the chain.
pub fn resolve(
    ctx: &super::Ctx,
    name: &str,
    args: &CredentialArgs,
) -> Result<(Section, Credentials)> {
    let plan = resolve::plan(ctx, name)?;
    let creds = resolve::credentials(ctx, &plan, &options(args))?;
    Ok((plan.profile, creds))
}

/// Prints the assignments in the chosen format.
pub fn run(ctx: &super::Ctx, args: &ExportArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let (profile, creds) = resolve(ctx, &name, &args.creds)?;
    let plan = awsprof_core::env::export_plan(&creds, profile.get("region"));
    let text = args.format.kind().render(&plan)?;
    super::emit(&text)?;
    Ok(())
}
