//! Turning a profile into credentials, for `export`, `env`, `use --credentials` and
//! `whoami`: the same path for every profile and every command.
//!
//! The files are read and tokenized once ([`awsprof_core::model::Index`]); the core's chain
//! says where the credentials come from. Static keys are answered at once. Otherwise the
//! cache is read from the last step back: a hit on the last step is the answer, still in
//! this one process. Steps that need no SDK (`credential_process`, `credential_source =
//! Environment`, and the OS keyring where the backend links it) run here too. Only what is
//! left, on a cache miss, becomes a [`Job`] for the backend, with the MFA codes already
//! asked for.

use crate::backend::{Job, JOB_VERSION};
use crate::ctx::{self, Ctx};
use anyhow::Result;
use awsprof_core::cache::{self, Cache};
use awsprof_core::chain::{self, Base, Chain, CredentialSource, Step};
use awsprof_core::creds::Credentials;
use awsprof_core::nesting::Nesting;
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
    #[error("profile `{profile}` needs an MFA code for {serial}, and there is no terminal to ask on; pass --mfa-code, or set mfa_process to a command that prints the code")]
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
///
/// When a `credential_process` started this awsprof for a profile already on the way (or
/// too many are nested), it fails before reading anything: otherwise the program would
/// start itself again without end.
pub fn plan(ctx: &Ctx, name: &str) -> Result<Plan> {
    Ok(plan_and_default(ctx, name)?.0)
}

/// [`plan`], and the files' `[default]` profile from the same read (`env --server` checks
/// whether it would give CMD credentials, without reading the files a second time).
pub fn plan_and_default(ctx: &Ctx, name: &str) -> Result<(Plan, Option<Section>)> {
    nesting().check(name)?;
    let mut default = None;
    let plan = plan_with(ctx, name, |index, _| {
        default = index.profile("default");
        chain::resolve(index, name)
    })?;
    Ok((plan, default))
}

/// The plan of `awsprof keyring credentials NAME`: the keyring entry `NAME` (and its MFA
/// session), without following the profile's own `credential_process`. The line is a
/// leaf that starts nothing, so it needs no recursion guard: the AWS CLI runs it for the
/// profile that is already on its chain.
pub fn keyring_plan(ctx: &Ctx, name: &str) -> Result<Plan> {
    plan_with(ctx, name, |_, profile| chain::keyring_chain(profile))
}

fn plan_with(
    ctx: &Ctx,
    name: &str,
    chain: impl FnOnce(&awsprof_core::model::Index<'_>, &Section) -> Result<Chain, chain::ChainError>,
) -> Result<Plan> {
    let texts = ctx.texts()?;
    let index = texts.index(&ctx.paths)?;
    let Some(profile) = index.profile(name) else {
        return Err(ctx::unknown(name, index.names()).into());
    };
    let chain = chain(&index, &profile)?;
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
///
/// A fresh cache hit takes no lock. Otherwise the cache keys of the steps to run are
/// locked first (single flight: of many processes that miss together, one asks for the
/// MFA code and makes the calls, and the others wait, then read what it cached), and the
/// cache is read again under the locks.
pub fn credentials(ctx: &Ctx, plan: &Plan, opts: &Options) -> Result<Credentials> {
    let chain = &plan.chain;
    if let Some(e) = chain.credentials_problem() {
        return Err(e.into());
    }
    let steps = chain.steps();
    let keys: Vec<Option<String>> = steps.iter().map(|s| cache::key(s, chain)).collect();
    // Without a home directory there is no cache (and no relative path is written to).
    let use_cache = !opts.no_cache && plan.settings.home_known;
    let cache = Cache::new(plan.settings.cache_dir.clone());
    let asked = std::time::SystemTime::now();
    let (mut start, mut input) = (0, None);
    if use_cache && !opts.refresh {
        if let Some((i, hit)) = cached(&cache, &keys, None) {
            if i + 1 == steps.len() {
                return Ok(hit);
            }
            (start, input) = (i + 1, Some(hit));
        }
    }
    let _locks = if use_cache {
        let to_run: Vec<&str> = keys[start..].iter().flatten().map(String::as_str).collect();
        let locks = cache.lock(&to_run, &|holder| waiting(ctx, plan, holder))?;
        // Whatever another process fetched while this one waited is as good as new; with
        // --refresh, only what was written since this command started counts.
        let since = opts.refresh.then_some(asked);
        if let Some((i, hit)) = cached(&cache, &keys, since).filter(|(i, _)| *i >= start) {
            if i + 1 == steps.len() {
                return Ok(hit);
            }
            (start, input) = (i + 1, Some(hit));
        }
        locks
    } else {
        Vec::new()
    };
    if start == 0 {
        if let Some(base) = local_base(ctx, plan, opts)? {
            if let (true, Some(key)) = (use_cache, &keys[0]) {
                keep_process_output(&cache, key, &base)?;
            }
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
        let need = match step {
            Step::Session(s) => Mfa {
                profile: chain.base.profile(),
                serial: &s.serial,
                process: s.mfa_process.as_deref(),
            },
            Step::Role(hop) => match &hop.mfa_serial {
                Some(serial) => Mfa {
                    profile: &hop.profile,
                    serial,
                    process: hop.mfa_process.as_deref(),
                },
                None => continue,
            },
            Step::Base(_) => continue,
        };
        mfa_codes.push((i, mfa_code(ctx, plan, &need, opts)?));
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
        quiet: crate::term::quiet(),
    };
    ctx.backend.run(&job, ctx.ui)
}

/// The last step of the chain whose cached credentials are fresh (written since `since`,
/// when given), read from the last step back.
fn cached(
    cache: &Cache,
    keys: &[Option<String>],
    since: Option<std::time::SystemTime>,
) -> Option<(usize, Credentials)> {
    keys.iter().enumerate().rev().find_map(|(i, key)| {
        let key = key.as_deref()?;
        let hit = match since {
            Some(t) => cache.get_written_since(key, t),
            None => cache.get(key),
        };
        hit.map(|c| (i, c))
    })
}

/// Another process is fetching the same credentials: say so once, then wait for it.
fn waiting(ctx: &Ctx, plan: &Plan, holder: Option<u32>) {
    let who = holder.map_or_else(String::new, |pid| format!(" (process {pid})"));
    ctx.ui.note(&format!(
        "waiting for another awsprof{who} that is getting the credentials of profile `{}`",
        plan.name
    ));
}

/// The base credentials when they need no SDK: keys, `credential_process`, the
/// environment, and the keyring where this side links it.
fn local_base(ctx: &Ctx, plan: &Plan, opts: &Options) -> Result<Option<Credentials>> {
    Ok(match &plan.chain.base {
        Base::StaticKeys { credentials, .. } => Some(credentials.clone()),
        Base::Keyring { profile, account } => match ctx.backend.keyring() {
            Some(store) => Some(awsprof_core::keyring::credentials(store, profile, account)?),
            None => None,
        },
        Base::Process {
            profile, command, ..
        } => {
            let env = child_env(plan, profile);
            Some(crate::process::run(
                profile,
                command,
                opts.process_timeout,
                &env,
            )?)
        }
        Base::NamedSource {
            profile,
            source: CredentialSource::Environment,
        } => Some(environment(profile)?),
        _ => None,
    })
}

/// Caches what a `credential_process` printed (its profile asked for it), when it says
/// when it expires and that is not within the refresh window: never without an expiry.
fn keep_process_output(cache: &Cache, key: &str, creds: &Credentials) -> Result<()> {
    let expires = creds
        .expiration
        .as_deref()
        .and_then(awsprof_core::clock::parse);
    if expires.is_some() && !matches!(cache::freshness(expires), cache::Freshness::Stale) {
        let extra = [("ProviderType", serde_json::json!(cache::PROCESS_PROVIDER))];
        cache.put(key, creds, &extra)?;
    }
    Ok(())
}

/// The profiles whose programs started this process.
fn nesting() -> Nesting {
    Nesting::from_env(&|k| std::env::var(k).ok())
}

/// The recursion guard's variables for a program of `profile`, run for `plan`.
fn child_env(plan: &Plan, profile: &str) -> [(&'static str, String); 2] {
    nesting().child_env(&[&plan.name, profile])
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

/// What a step needs an MFA code for.
struct Mfa<'a> {
    /// The profile that names the device.
    profile: &'a str,
    /// `mfa_serial`.
    serial: &'a str,
    /// Its `mfa_process`, if any.
    process: Option<&'a str>,
}

/// The MFA code for `need`: `--mfa-code`, else what its `mfa_process` prints, else asked
/// for without echo.
fn mfa_code(ctx: &Ctx, plan: &Plan, need: &Mfa<'_>, opts: &Options) -> Result<String> {
    let (profile, serial) = (need.profile, need.serial);
    let fail =
        |e: fn(String, String) -> CredentialError| e(profile.to_string(), serial.to_string());
    let code = match (&opts.mfa_code, need.process) {
        (Some(c), _) => c.clone(),
        (None, Some(command)) => {
            let env = child_env(plan, profile);
            return Ok(crate::process::mfa_code(
                profile,
                command,
                opts.process_timeout,
                &env,
            )?);
        }
        (None, None) => match ctx.ui.secret(&format!("Enter MFA code for {serial}: ")) {
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
