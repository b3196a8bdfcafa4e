//! `login`: the IAM Identity Center device login, with the AWS CLI v2's token cache.

use crate::{sso, Error, Net};
use anyhow::Result;
use awsprof::cli::LoginArgs;
use awsprof::ctx::Ctx;
use awsprof::resolve;
use awsprof_core::chain::Base;
use awsprof_core::Filter;

/// Logs in for the profile's IAM Identity Center session (its own, or its source's), or
/// for the `[sso-session]` named by `--sso-session`.
pub fn run(ctx: &Ctx, args: &LoginArgs) -> Result<()> {
    let mut net = Net::new(ctx.ui);
    let path = match &args.sso_session {
        Some(session) => {
            let set = ctx.load(Filter::All)?;
            let config = awsprof_core::sso_sync::session_config(&set, session)?;
            let env = |k: &str| std::env::var(k).ok();
            let settings = awsprof_core::settings::Settings::new(&set, "", &env);
            let subject = sso::Subject::Session(session.clone());
            sso::login(&mut net, &settings, &subject, &config, !args.no_browser)?
        }
        None => {
            let name = ctx.selected(args.profile.as_deref());
            let plan = resolve::plan(ctx, &name)?;
            let Base::Sso { profile, config } = &plan.chain.base else {
                return Err(Error::Sso {
                    subject: sso::Subject::Profile(plan.chain.base.profile().to_string()),
                    message: "does not use IAM Identity Center (no sso_session or sso_start_url)"
                        .into(),
                }
                .into());
            };
            let subject = sso::Subject::Profile(profile.clone());
            sso::login(&mut net, &plan.settings, &subject, config, !args.no_browser)?
        }
    };
    ctx.ui.note(&format!(
        "logged in; the session is cached in {} (shared with the AWS CLI)",
        path.display()
    ));
    Ok(())
}
