//! `whoami`: STS GetCallerIdentity with the credentials `export` would print.

use crate::runtime::io_runtime;
use crate::{sts, Net};
use anyhow::Result;
use awsprof::cli::WhoamiArgs;
use awsprof::ctx::Ctx;
use awsprof::resolve;
use awsprof_core::clock;

/// Prints account, ARN, user id and expiry; warns on stderr when the caller is root.
pub fn run(ctx: &Ctx, args: &WhoamiArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    // The same path as `export`: the same chain, the same cache.
    let plan = resolve::plan(ctx, &name)?;
    let creds = resolve::credentials(ctx, &plan, &awsprof::cmd::export::options(&args.creds))?;
    let mut net = Net::new(ctx.ui);
    let id = net
        .run(
            "STS GetCallerIdentity",
            sts::caller_identity(&plan.settings, &creds),
        )
        .map_err(io_runtime)??;
    if id.is_root() {
        ctx.ui.warn(&id.root_warning(&name));
    }
    if args.json {
        let v = serde_json::json!({
            "Profile": name,
            "Account": id.account,
            "Arn": id.arn,
            "UserId": id.user_id,
            "Expiration": creds.expiration,
        });
        awsprof::cmd::emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(());
    }
    let expiry = match creds.expiration.as_deref() {
        Some(e) => match clock::parse(e) {
            Some(t) => format!("{e} (in {})", clock::until(t)),
            None => e.to_string(),
        },
        None => "never (long-term keys)".to_string(),
    };
    awsprof::cmd::emit(&format!(
        "Profile:  {name}\nAccount:  {}\nArn:      {}\nUserId:   {}\nExpires:  {expiry}\n",
        id.account, id.arn, id.user_id
    ))?;
    Ok(())
}
