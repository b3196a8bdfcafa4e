//! `whoami`: STS GetCallerIdentity with a profile's credentials.

use crate::cli::WhoamiArgs;
use crate::resolve;
use anyhow::Result;
use awsprof_core::clock;

/// Prints account, ARN, user id and expiry; warns on stderr when the caller is root.
pub fn run(ctx: &super::Ctx, args: &WhoamiArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let mut net = awsprof_creds::Net::default();
    let (creds, settings) = resolve::credentials_with(ctx, &mut net, &name, &args.creds.options())?;
    let id = awsprof_creds::whoami(&mut net, &settings, &creds)?;
    if id.is_root() {
        eprintln!(
            "awsprof: warning: profile '{name}' uses the root user's access keys ({}); root access keys: AWS recommends deleting them and using an IAM user or role",
            id.arn
        );
    }
    if args.json {
        let v = serde_json::json!({
            "Profile": name,
            "Account": id.account,
            "Arn": id.arn,
            "UserId": id.user_id,
            "Expiration": creds.expiration,
        });
        super::emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(());
    }
    let expiry = match creds.expiration.as_deref() {
        Some(e) => match clock::parse(e) {
            Some(t) => format!("{e} (in {})", clock::until(t)),
            None => e.to_string(),
        },
        None => "never (long-term keys)".to_string(),
    };
    super::emit(&format!(
        "Profile:  {name}\nAccount:  {}\nArn:      {}\nUserId:   {}\nExpires:  {expiry}\n",
        id.account, id.arn, id.user_id
    ))?;
    Ok(())
}
