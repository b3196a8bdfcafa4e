//! Running the steps of a [`Job`]: each call in turn, each result cached as the AWS CLI
//! caches it, so the next export is served by `awsprof` alone.

use crate::runtime::io_runtime;
use crate::{signin, sources, sso, sts, Error, Net};
use awsprof::backend::{Job, JOB_VERSION};
use awsprof_core::cache::{self, Cache};
use awsprof_core::chain::{Base, Chain, Step};
use awsprof_core::clock;
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;

/// Runs `job` from its first step and returns the last step's credentials.
pub fn run(net: &mut Net, job: &Job) -> Result<Credentials, Error> {
    if job.version != JOB_VERSION {
        return Err(Error::Job(format!(
            "awsprof {} sent a job of version {}, and this awsprof-net {} reads version {JOB_VERSION}; install both from one source: `{}`",
            job.program,
            job.version,
            env!("CARGO_PKG_VERSION"),
            awsprof::backend::INSTALL
        )));
    }
    let chain = &job.chain;
    let steps = chain.steps();
    let cache = Cache::new(job.settings.cache_dir.clone());
    let mut creds = job.input.clone();
    for (i, step) in steps.iter().enumerate().skip(job.start) {
        let code = job
            .mfa_codes
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, c)| c.as_str());
        let fresh = run_step(net, step, creds.as_ref(), &job.settings, code)
            .map_err(|e| with_hint(e, chain, &steps, i))?;
        if let (Some(key), true) = (cache::key(step, chain), job.cache) {
            let expires = fresh.expiration.as_deref().and_then(clock::parse);
            match cache::freshness(expires) {
                cache::Freshness::Fresh => cache.put(&key, &fresh, &[])?,
                _ => {
                    // Just issued yet already "expiring": this machine's clock is off.
                    // Use them, but do not cache what would be thrown away next time.
                    cache.remove(&key);
                    if let Some(t) = expires {
                        net.ui.warn(&format!(
                            "credentials just issued expire at {} ({} from this machine's clock); is the system clock right?",
                            clock::format(t),
                            clock::until(t)
                        ));
                    }
                }
            }
        }
        creds = Some(fresh);
    }
    creds.ok_or_else(|| Error::Job("the job had no step to run".into()))
}

/// A refused call, with what to do about it: the code says what was wrong with the
/// credentials of the step before (whose profile is named) or with the MFA code.
fn with_hint(e: Error, chain: &Chain, steps: &[Step<'_>], i: usize) -> Error {
    let Error::Call {
        what,
        code: Some(code),
        message,
    } = e
    else {
        return e;
    };
    let profile = |step: &Step<'_>| match step {
        Step::Base(b) => b.profile().to_string(),
        Step::Session(_) => chain.base.profile().to_string(),
        Step::Role(hop) => hop.profile.clone(),
    };
    let mfa = match &steps[i] {
        Step::Session(_) => true,
        Step::Role(hop) => hop.mfa_serial.is_some(),
        Step::Base(_) => false,
    };
    let hint = match (i.checked_sub(1).map(|j| profile(&steps[j])), code.as_str()) {
        (Some(signer), "InvalidClientTokenId") => Some(format!("the access key of profile `{signer}` is not valid (deleted, mistyped, or of another partition): check its aws_access_key_id")),
        (Some(signer), "SignatureDoesNotMatch") => Some(format!("the secret key of profile `{signer}` does not belong to its access key: check its aws_secret_access_key")),
        (Some(signer), "ExpiredToken") => Some(format!("the session token of profile `{signer}`'s credentials has expired: get new ones for it (from the tool that wrote them, or `awsprof configure --profile {signer}`), or give it credentials that renew themselves (IAM Identity Center, a role, credential_process)")),
        (Some(signer), "AccessDenied") if mfa => Some(format!("check the MFA code (each one works once), the role's trust policy and the permissions of profile `{signer}`'s identity")),
        (Some(signer), "AccessDenied") => Some(format!("profile `{signer}`'s identity may not do this: check the role's trust policy and that identity's sts:AssumeRole permission")),
        _ => None,
    };
    Error::Call {
        what,
        message: match hint {
            Some(h) => format!("{}; {h}", message.trim_end_matches('.')),
            None => message,
        },
        code: Some(code),
    }
}

/// A role session name: the configured one, else one that says who made it.
pub(crate) fn session_name(configured: Option<&str>) -> String {
    configured
        .map(str::to_string)
        .unwrap_or_else(|| format!("awsprof-{}", clock::now().unix_timestamp()))
}

fn missing_code(serial: &str) -> Error {
    Error::Job(format!("the job has no MFA code for {serial}"))
}

fn run_step(
    net: &mut Net,
    step: &Step<'_>,
    prev: Option<&Credentials>,
    settings: &Settings,
    code: Option<&str>,
) -> Result<Credentials, Error> {
    let prev =
        || prev.ok_or_else(|| Error::Job("a step came without its source credentials".into()));
    match step {
        Step::Base(base) => run_base(net, base, settings),
        Step::Session(s) => {
            let code = code.ok_or_else(|| missing_code(&s.serial))?;
            net.run(
                "STS GetSessionToken",
                sts::session_token(settings, prev()?, &s.serial, code, s.duration_seconds),
            )
            .map_err(io_runtime)?
        }
        Step::Role(hop) => {
            let source = prev()?;
            let mfa = match &hop.mfa_serial {
                Some(serial) => Some((
                    serial.as_str(),
                    code.ok_or_else(|| missing_code(serial))?.to_string(),
                )),
                None => None,
            };
            let name = session_name(hop.session_name.as_deref());
            let call = sts::AssumeRole {
                role_arn: &hop.role_arn,
                session_name: &name,
                external_id: hop.external_id.as_deref(),
                duration_seconds: hop.duration_seconds,
                mfa,
            };
            net.run(
                &format!("STS AssumeRole {}", hop.role_arn),
                sts::assume_role(settings, source, &call),
            )
            .map_err(io_runtime)?
        }
    }
}

fn run_base(net: &mut Net, base: &Base, settings: &Settings) -> Result<Credentials, Error> {
    match base {
        Base::Sso { profile, config } => sso::role_credentials(
            net,
            settings,
            &sso::Subject::Profile(profile.clone()),
            config,
        ),
        Base::WebIdentity {
            profile,
            role_arn,
            token_file,
            session_name: configured,
            duration_seconds,
        } => {
            let home = awsprof_core::store::home_dir(
                &|k| std::env::var(k).ok(),
                awsprof_core::store::Platform::current(),
            );
            let path = awsprof_core::store::expand_tilde(token_file, home.as_deref());
            // Only a regular file is read: a FIFO in its place would block the read.
            let regular = std::fs::metadata(&path).and_then(|m| {
                if m.is_file() {
                    Ok(())
                } else {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "not a regular file; awsprof reads only regular files",
                    ))
                }
            });
            let token = regular
                .and_then(|()| std::fs::read_to_string(&path))
                .map_err(|e| Error::TokenFile {
                    profile: profile.clone(),
                    path: token_file.into(),
                    source: e,
                })?;
            let name = session_name(configured.as_deref());
            net.run(
                &format!("STS AssumeRoleWithWebIdentity {role_arn}"),
                sts::assume_role_with_web_identity(
                    settings,
                    role_arn,
                    &name,
                    token.trim(),
                    *duration_seconds,
                ),
            )
            .map_err(io_runtime)?
        }
        Base::NamedSource { profile, source } => sources::named(net, profile, *source),
        Base::Login { profile, session } => signin::credentials(net, settings, profile, session),
        Base::Keyring { profile, account } => Ok(awsprof_core::keyring::credentials(
            &crate::keyring::OS,
            profile,
            account,
        )?),
        // awsprof runs these itself; a job never starts with one.
        Base::StaticKeys { .. } | Base::Process { .. } => Err(Error::Job(format!(
            "profile `{}`: this step needs no network and is not awsprof-net's to run",
            base.profile()
        ))),
    }
}
