//! Turning a profile into credentials, for `export`, `env`, `use --credentials` and
//! `whoami`: the same path for every profile and every command.
//!
//! The files are read and tokenized once ([`awsprof_core::model::Index`]); the core's chain
//! says where the credentials come from. Static keys are answered at once. Otherwise the
//! cache is read from the last step back: a hit on the last step is the answer, still in
//! this one process. Steps that need no SDK (`credential_process`, `credential_source =
//! Environment`) run here too. Only what is left, on a cache miss, becomes a
//! [`Job`] for the backend, with the MFA codes already asked for.

use crate::backend::{Job, JOB_VERSION};
use crate::ctx::{self, Ctx};
use anyhow::Result;
use awsprof_core::cache::{self, Cache};
use awsprof_core::chain::{self, Base, Chain, CredentialSource, Step};
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;
use awsprof_core::ui::UiError;
use awsprof_core::Section;
use std::time::Duration;

/// How credentials are obtained.
#[derive(Clone, Debug)]
pub struct Options {
    /// An MFA code given on the command line, for every step that needs one.
    pub mfa_code: Option<String>,
    /// Neither read nor write the cache.
    pub no_cache: bool,
    /// Do not read the cache, but write what is fetched.
    pub refresh: bool,
    /// How long `credential_process` may run.
    pub process_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mfa_code: None,
            no_cache: false,
            refresh: false,
            process_timeout: Duration::from_secs(60),
        }
    }
}

/// Why credentials could not be had, on this side of the boundary.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// `credential_source = Environment` without the variables.
    #[error("profile `{profile}`: credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")]
    EnvironmentUnset {
        /// The profile that names the source.
        profile: String,
    },
    /// An MFA code is needed and cannot be asked for.
    #[error("profile `{profile}` needs an MFA code for {serial}, and there is no terminal to ask on; pass --mfa-code")]
    MfaNoTerminal {
        /// The profile whose step needs it.
        profile: String,
        /// The device.
        serial: String,
    },
    /// The input ended at the MFA prompt.
    #[error("profile `{profile}`: no MFA code for {serial} was typed")]
    MfaNone {
        /// The profile whose step needs it.
        profile: String,
        /// The device.
        serial: String,
    },
    /// Something other than digits.
    #[error("profile `{profile}`: the MFA code for {serial} must be the digits the device shows")]
    MfaNotDigits {
        /// The profile whose step needs it.
        profile: String,
        /// The device.
        serial: String,
    },
}

/// A profile and where its credentials come from, before anything runs.
pub struct Plan {
    /// The profile's name.
    pub name: String,
    /// The profile, with all its properties.
    pub profile: Section,
    /// Its chain.
    pub chain: Chain,
    /// Where the calls go and the caches live.
    pub settings: Settings,
}

/// Reads the files once and resolves the chain of `name`; no network, no cache.
pub fn plan(ctx: &Ctx, name: &str) -> Result<Plan> {
    let texts = ctx.texts()?;
    let index = texts.index(&ctx.paths)?;
    let Some(profile) = index.profile(name) else {
        return Err(ctx::unknown(name, index.names()).into());
    };
    let chain = chain::resolve(&index, name)?;
    let settings = Settings::new(&index, name, &|k| std::env::var(k).ok());
    Ok(Plan {
        name: name.to_string(),
        profile,
        chain,
        settings,
    })
}

/// The credentials of `plan`: static keys, the cache, local steps, and only then the
/// backend for the steps that need the SDK.
pub fn credentials(ctx: &Ctx, plan: &Plan, opts: &Options) -> Result<Credentials> {
    let chain = &plan.chain;
    if let Some(e) = chain.credentials_problem() {
        return Err(e.into());
    }
    let steps = chain.steps();
    let keys: Vec<Option<String>> = steps.iter().map(|s| cache::key(s, chain)).collect();
    // Without a home directory there is no cache (and no relative path is written to).
    let use_cache = !opts.no_cache && plan.settings.home_known;
    let (mut start, mut input) = (0, None);
    if use_cache && !opts.refresh {
        let cache = Cache::new(plan.settings.cache_dir.clone());
        for i in (0..steps.len()).rev() {
            if let Some(hit) = keys[i].as_deref().and_then(|k| cache.get(k)) {
                (start, input) = (i + 1, Some(hit));
                break;
            }
        }
    }
    if start == 0 {
        if let Some(base) = local_base(&chain.base, opts)? {
            (start, input) = (1, Some(base));
        }
    }
    if start == steps.len() {
        if let Some(creds) = input {
            return Ok(creds);
        }
    }
    let mut mfa_codes = Vec::new();
    for (i, step) in steps.iter().enumerate().skip(start) {
        let (profile, serial) = match step {
            Step::Session(s) => (chain.base.profile(), s.serial.as_str()),
            Step::Role(hop) => match &hop.mfa_serial {
                Some(serial) => (hop.profile.as_str(), serial.as_str()),
                None => continue,
            },
            Step::Base(_) => continue,
        };
        mfa_codes.push((i, mfa_code(ctx, profile, serial, opts)?));
    }
    let job = Job {
        version: JOB_VERSION,
        program: env!("CARGO_PKG_VERSION").to_string(),
        chain: chain.clone(),
        start,
        input,
        settings: plan.settings.clone(),
        mfa_codes,
        cache: use_cache,
    };
    ctx.backend.run(&job, ctx.ui)
}

/// The base credentials when they need no SDK: keys, `credential_process`, the
/// environment.
fn local_base(base: &Base, opts: &Options) -> Result<Option<Credentials>> {
    Ok(match base {
        Base::StaticKeys { credentials, .. } => Some(credentials.clone()),
        Base::Process { profile, command } => {
            Some(crate::process::run(profile, command, opts.process_timeout)?)
        }
        Base::NamedSource {
            profile,
            source: CredentialSource::Environment,
        } => Some(environment(profile)?),
        _ => None,
    })
}

/// `credential_source = Environment`: the keys in this process's environment.
fn environment(profile: &str) -> Result<Credentials, CredentialError> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
        return Err(CredentialError::EnvironmentUnset {
            profile: profile.to_string(),
        });
    };
    Ok(Credentials {
        access_key_id: id,
        secret_access_key: secret,
        session_token: var("AWS_SESSION_TOKEN").or_else(|| var("AWS_SECURITY_TOKEN")),
        expiration: None,
        account_id: var("AWS_ACCOUNT_ID"),
    })
}

/// The MFA code for `serial`: `--mfa-code`, else asked for without echo.
fn mfa_code(ctx: &Ctx, profile: &str, serial: &str, opts: &Options) -> Result<String> {
    let fail =
        |e: fn(String, String) -> CredentialError| e(profile.to_string(), serial.to_string());
    let code = match &opts.mfa_code {
        Some(c) => c.clone(),
        None => match ctx.ui.secret(&format!("Enter MFA code for {serial}: ")) {
            Ok(code) => code,
            Err(UiError::NoTerminal) => {
                return Err(fail(|profile, serial| CredentialError::MfaNoTerminal {
                    profile,
                    serial,
                })
                .into())
            }
            Err(UiError::Ended) => {
                return Err(
                    fail(|profile, serial| CredentialError::MfaNone { profile, serial }).into(),
                )
            }
            Err(e) => return Err(e.into()),
        },
    };
    let code = code.trim().to_string();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(
            fail(|profile, serial| CredentialError::MfaNotDigits { profile, serial }).into(),
        );
    }
    Ok(code)
}
