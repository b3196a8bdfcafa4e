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
                let base = plan.chain.base.profile();
                // What to do instead: the command that renews this kind, or none at all.
                let instead = match &plan.chain.base {
                    Base::Login { .. } => format!(
                        "it is an AWS Sign-In session (login_session), which `aws login --profile {base}` renews"
                    ),
                    _ => format!(
                        "its credentials need no login (`awsprof whoami {name}` checks them); for IAM Identity Center, `awsprof sso add` then `awsprof sso sync`"
                    ),
                };
                return Err(Error::Sso {
                    subject: sso::Subject::Profile(base.to_string()),
                    message: format!(
                        "does not use IAM Identity Center (no sso_session or sso_start_url): `awsprof login` is for IAM Identity Center; {instead}"
                    ),
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
