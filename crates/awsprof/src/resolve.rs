//! Turning a profile into credentials for `export`, `use --credentials` and `env`.
//!
//! Static keys are read from the files. Profiles that need a provider (roles, MFA, SSO,
//! web identity, credential_process) are resolved by the temporary-credentials work;
//! until it lands they get a clear error.

// Used by `export`, `use --credentials` and `env` once they land.
#![allow(dead_code)]

use anyhow::{bail, Result};
use awsprof_core::creds::Credentials;
use awsprof_core::Section;

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

/// The credentials of `profile` (already loaded with all its properties).
pub fn credentials(
    _ctx: &crate::cmd::Ctx,
    profile: &Section,
    _opts: &ResolveOptions,
) -> Result<Credentials> {
    let kind = profile.kind();
    if kind.needs_provider() {
        bail!(
            "profile '{}' is a {} profile: its temporary credentials need a provider that this build does not have yet",
            profile.name,
            kind.as_str()
        );
    }
    Ok(Credentials::from_profile(profile)?)
}
