//! `login`: the IAM Identity Center device login, with the AWS CLI v2's token cache.

use crate::cli::LoginArgs;
use crate::resolve;
use anyhow::Result;
use awsprof_core::store::display_path;

/// Logs in for the profile's IAM Identity Center session (its own, or its source's).
pub fn run(ctx: &super::Ctx, args: &LoginArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let r = resolve::chain_of(ctx, &name)?;
    let path = awsprof_creds::login(&r.chain, &r.settings, !args.no_browser)?;
    eprintln!(
        "awsprof: logged in; the session is cached in {} (shared with the AWS CLI)",
        display_path(&path)
    );
    Ok(())
}
