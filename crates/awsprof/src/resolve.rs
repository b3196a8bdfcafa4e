//! Turning a profile into credentials for `export`, `use --credentials`, `env` and
//! `whoami`.
//!
//! A profile with static keys is answered from the files alone. Anything else (roles, an
//! MFA session, IAM Identity Center, web identity, credential_process, credential_source)
//! resolves to a chain in the core and runs in `awsprof-creds`, which starts a network
//! runtime only when a step is not in the cache.

use anyhow::Result;
use awsprof_core::chain;
use awsprof_core::creds::Credentials;
use awsprof_core::{Filter, ProfileSet, Section};
use std::time::Duration;

/// Options that change how credentials are obtained.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// An MFA code given on the command line.
    pub mfa_code: Option<String>,
    /// Skip the credential cache.
    pub no_cache: bool,
    /// Refresh even when cached credentials are still valid.
    pub refresh: bool,
}

impl ResolveOptions {
    fn provider_options(&self) -> Result<awsprof_creds::Options> {
        let mut o = awsprof_creds::Options {
            mfa_code: self.mfa_code.clone(),
            no_cache: self.no_cache,
            refresh: self.refresh,
            ..awsprof_creds::Options::default()
        };
        if let Ok(v) = std::env::var("AWSPROF_PROCESS_TIMEOUT") {
            let secs: f64 = v.trim().parse().map_err(|_| {
                anyhow::anyhow!("AWSPROF_PROCESS_TIMEOUT={v:?} is not a number of seconds")
            })?;
            o.process_timeout = Duration::from_secs_f64(secs.max(0.1));
        }
        Ok(o)
    }
}

/// Whether `profile` needs more than its own keys.
fn needs_chain(profile: &Section) -> bool {
    profile.kind().needs_provider() || profile.get("mfa_serial").is_some()
}

/// Everything the network half needs for the profile `name`: all profiles (a chain may go
/// through any of them, and sso-sessions), its chain, and the endpoint settings.
pub struct Resolved {
    pub chain: chain::Chain,
    pub settings: awsprof_creds::Settings,
}

/// Resolves the chain of the profile `name` without any network call.
pub fn chain_of(ctx: &crate::cmd::Ctx, name: &str) -> Result<Resolved> {
    let set: ProfileSet = ctx.load(Filter::All)?;
    if set.profile(name).is_none() {
        return Err(ctx.unknown(name)?.into());
    }
    let chain = chain::resolve(&set, name)?;
    let settings = awsprof_creds::Settings::new(&set, name, &|k| std::env::var(k).ok());
    Ok(Resolved { chain, settings })
}

/// The credentials of `profile` (already loaded with all its properties).
pub fn credentials(
    ctx: &crate::cmd::Ctx,
    profile: &Section,
    opts: &ResolveOptions,
) -> Result<Credentials> {
    if !needs_chain(profile) {
        return Ok(Credentials::from_profile(profile)?);
    }
    let r = chain_of(ctx, &profile.name)?;
    Ok(awsprof_creds::resolve(
        &r.chain,
        &r.settings,
        &opts.provider_options()?,
    )?)
}

/// Like [`credentials`], keeping the network runtime for more calls (`whoami`).
pub fn credentials_with(
    ctx: &crate::cmd::Ctx,
    net: &mut awsprof_creds::Net,
    name: &str,
    opts: &ResolveOptions,
) -> Result<(Credentials, awsprof_creds::Settings)> {
    let r = chain_of(ctx, name)?;
    let creds = awsprof_creds::resolve_with(net, &r.chain, &r.settings, &opts.provider_options()?)?;
    Ok((creds, r.settings))
}
