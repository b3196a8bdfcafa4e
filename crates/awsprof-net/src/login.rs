//! `login`: the IAM Identity Center device login, with the AWS CLI v2's token cache.

use crate::{sso, Error, Net};
use anyhow::Result;
use awsprof::cli::LoginArgs;
use awsprof::ctx::Ctx;
use awsprof::resolve;
use awsprof_core::chain::Base;

/// Logs in for the profile's IAM Identity Center session (its own, or its source's).
pub fn run(ctx: &Ctx, args: &LoginArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let plan = resolve::plan(ctx, &name)?;
    let Base::Sso { profile, config } = &plan.chain.base else {
        return Err(Error::Sso {
            profile: plan.chain.base.profile().to_string(),
            message: "does not use IAM Identity Center (no sso_session or sso_start_url)".into(),
        }
        .into());
    };
    let mut net = Net::new(ctx.ui);
    let path = sso::login(&mut net, &plan.settings, profile, config, !args.no_browser)?;
    ctx.ui.note(&format!(
        "logged in; the session is cached in {} (shared with the AWS CLI)",
        path.display()
    ));
    Ok(())
}
