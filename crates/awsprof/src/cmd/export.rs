//! `export`: a profile's credentials and region as assignments.

use crate::cli::ExportArgs;
use crate::resolve::{self, ResolveOptions};
use anyhow::Result;
use awsprof_core::creds::Credentials;
use awsprof_core::{Filter, Section};

/// The profile `name` and its credentials. A profile with static keys is read with one
/// parse that keeps only it; one that needs a provider (roles chain through other
/// profiles and sso-sessions) is loaded in full.
pub fn resolve(
    ctx: &super::Ctx,
    name: &str,
    opts: &ResolveOptions,
) -> Result<(Section, Credentials)> {
    let mut profile = ctx.profile(name)?;
    if profile.kind().needs_provider() {
        let mut set = ctx.load(Filter::All)?;
        if let Some(full) = set.profiles.swap_remove(name) {
            profile = full;
        }
    }
    let creds = resolve::credentials(ctx, &profile, opts)?;
    Ok((profile, creds))
}

/// Prints the assignments in the chosen format.
pub fn run(ctx: &super::Ctx, args: &ExportArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let (profile, creds) = resolve(ctx, &name, &args.creds.options())?;
    let plan = awsprof_core::env::export_plan(&creds, profile.get("region"));
    let text = args.format.kind().render(&plan)?;
    super::emit(&text)?;
    Ok(())
}
