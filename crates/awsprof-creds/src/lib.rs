//! awsprof-creds: the network half of credential resolution. A chain resolved by the core
//! (`awsprof_core::chain`) is run step by step here: STS AssumeRole,
//! AssumeRoleWithWebIdentity and GetSessionToken, IAM Identity Center, `credential_process`,
//! the `credential_source` providers, and a disk cache shared with the AWS CLI.
//!
//! Nothing here runs unless a command needs credentials from a provider: the tokio runtime
//! is created on the first network call, and a cache hit makes none.

#![warn(missing_docs)]

mod net;
pub mod process;
mod prompt;
pub mod sso;
pub mod sts;

pub use net::Net;
pub use sts::Identity;

use awsprof_core::cache;
use awsprof_core::chain::{Base, Chain, CredentialSource, Step};
use awsprof_core::clock;
use awsprof_core::creds::Credentials;
pub use awsprof_core::settings::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What can go wrong while getting credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The profile's chain is broken (from the core).
    #[error(transparent)]
    Chain(#[from] awsprof_core::chain::ChainError),
    /// A file of the core (the cache) failed.
    #[error(transparent)]
    Core(#[from] awsprof_core::Error),
    /// A file or the runtime failed.
    #[error("{path}: {source}")]
    Io {
        /// The path, as shown to users.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// An AWS call failed.
    #[error("{what} failed: {message}")]
    Call {
        /// The call.
        what: String,
        /// The SDK's explanation.
        message: String,
    },
    /// `credential_process` failed.
    #[error("profile `{profile}`: credential_process: {message}")]
    Process {
        /// The profile.
        profile: String,
        /// What went wrong.
        message: String,
    },
    /// IAM Identity Center failed.
    #[error("profile `{profile}`: {message}")]
    Sso {
        /// The profile.
        profile: String,
        /// What went wrong.
        message: String,
    },
    /// No MFA code could be had.
    #[error("profile `{profile}` {message}")]
    Mfa {
        /// The profile.
        profile: String,
        /// What went wrong.
        message: String,
    },
    /// A `credential_source` that cannot give credentials here.
    #[error("profile `{profile}`: credential_source = {source_name}: {message}")]
    Source {
        /// The profile.
        profile: String,
        /// The source.
        source_name: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The web identity token file could not be read.
    #[error("profile `{profile}`: web_identity_token_file {path}: {source}")]
    TokenFile {
        /// The profile.
        profile: String,
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: awsprof_core::store::display_path(path),
            source,
        }
    }
}

/// How credentials are obtained.
#[derive(Clone, Debug)]
pub struct Options {
    /// The MFA code, instead of asking on the terminal.
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

/// An SDK error as one line: each cause's message, without the SDK's debug dump.
pub(crate) fn explain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

pub(crate) fn timeouts() -> aws_sdk_sts::config::timeout::TimeoutConfig {
    aws_sdk_sts::config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .build()
}

fn session_name(configured: Option<&str>) -> String {
    configured
        .map(str::to_string)
        .unwrap_or_else(|| format!("awsprof-{}", clock::now().unix_timestamp()))
}

/// Runs `chain` and returns the final credentials, using and filling the cache.
pub fn resolve(chain: &Chain, settings: &Settings, opts: &Options) -> Result<Credentials, Error> {
    let mut net = Net::default();
    resolve_with(&mut net, chain, settings, opts)
}

/// [`resolve`] on a runtime the caller keeps (to make more calls after).
pub fn resolve_with(
    net: &mut Net,
    chain: &Chain,
    settings: &Settings,
    opts: &Options,
) -> Result<Credentials, Error> {
    let steps = chain.steps();
    let keys: Vec<Option<String>> = steps.iter().map(|s| cache::key(s, chain)).collect();
    let cache = cache::Cache::new(settings.cache_dir.clone());
    let (mut start, mut creds) = (0, None);
    // Without a home directory there is no cache (and no relative path is written to).
    let no_cache = opts.no_cache || !settings.home_known;
    if !no_cache && !opts.refresh {
        for i in (0..steps.len()).rev() {
            if let Some(hit) = keys[i].as_deref().and_then(|k| cache.get(k)) {
                start = i + 1;
                creds = Some(hit);
                break;
            }
        }
    }
    for i in start..steps.len() {
        let fresh = run_step(
            net,
            chain.base.profile(),
            &steps[i],
            creds.as_ref(),
            settings,
            opts,
        )?;
        if let (Some(key), false) = (&keys[i], no_cache) {
            let expires = fresh.expiration.as_deref().and_then(clock::parse);
            match cache::freshness(expires) {
                cache::Freshness::Fresh => cache.put(key, &fresh, &[])?,
                _ => {
                    // Just issued yet already "expiring": this machine's clock is off.
                    // Use them, but do not cache what would be thrown away next time.
                    cache.remove(key);
                    if let Some(t) = expires {
                        eprintln!(
                            "awsprof: warning: credentials just issued expire at {} ({} from this machine's clock); is the system clock right?",
                            clock::format(t),
                            clock::until(t)
                        );
                    }
                }
            }
        }
        creds = Some(fresh);
    }
    creds.ok_or_else(|| Error::Call {
        what: "credential chain".into(),
        message: "no step ran".into(),
    })
}

fn io_runtime(e: std::io::Error) -> Error {
    Error::Io {
        path: "tokio runtime".into(),
        source: e,
    }
}

fn run_step(
    net: &mut Net,
    profile: &str,
    step: &Step,
    prev: Option<&Credentials>,
    settings: &Settings,
    opts: &Options,
) -> Result<Credentials, Error> {
    match step {
        Step::Base(base) => run_base(net, base, settings, opts),
        Step::Session(s) => {
            let user = prev.expect("a session follows its base");
            let code = prompt::mfa_code(&s.serial, profile, opts.mfa_code.as_deref())?;
            net.run(
                "STS GetSessionToken",
                sts::session_token(settings, user, &s.serial, &code, s.duration_seconds),
            )
            .map_err(io_runtime)?
        }
        Step::Role(hop) => {
            let source = prev.expect("a role follows its source");
            let mfa = match &hop.mfa_serial {
                Some(serial) => Some((
                    serial.as_str(),
                    prompt::mfa_code(serial, &hop.profile, opts.mfa_code.as_deref())?,
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

fn run_base(
    net: &mut Net,
    base: &Base,
    settings: &Settings,
    opts: &Options,
) -> Result<Credentials, Error> {
    match base {
        Base::StaticKeys { credentials, .. } => Ok(credentials.clone()),
        Base::Process { profile, command } => process::run(profile, command, opts.process_timeout),
        Base::Sso { profile, config } => sso::role_credentials(net, settings, profile, config),
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
            let token = std::fs::read_to_string(&path).map_err(|e| Error::TokenFile {
                profile: profile.clone(),
                path: token_file.clone(),
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
        Base::NamedSource { profile, source } => named_source(net, profile, *source),
    }
}

fn named_source(
    net: &mut Net,
    profile: &str,
    source: CredentialSource,
) -> Result<Credentials, Error> {
    let fail = |message: String| Error::Source {
        profile: profile.to_string(),
        source_name: source.as_str(),
        message,
    };
    match source {
        CredentialSource::Environment => {
            let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
            let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
            else {
                return Err(fail(
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set".into(),
                ));
            };
            Ok(Credentials {
                access_key_id: id,
                secret_access_key: secret,
                session_token: var("AWS_SESSION_TOKEN").or_else(|| var("AWS_SECURITY_TOKEN")),
                expiration: None,
                account_id: var("AWS_ACCOUNT_ID"),
            })
        }
        CredentialSource::Ec2InstanceMetadata | CredentialSource::EcsContainer => {
            use aws_credential_types::provider::ProvideCredentials;
            let what = format!("{} credentials", source.as_str());
            let result = net
                .run(&what, async {
                    match source {
                        CredentialSource::EcsContainer => {
                            aws_config::ecs::EcsCredentialsProvider::builder()
                                .build()
                                .provide_credentials()
                                .await
                        }
                        _ => {
                            aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                                .build()
                                .provide_credentials()
                                .await
                        }
                    }
                })
                .map_err(io_runtime)?;
            let c = result.map_err(|e| fail(explain(&e)))?;
            Ok(Credentials {
                access_key_id: c.access_key_id().to_string(),
                secret_access_key: c.secret_access_key().to_string(),
                session_token: c.session_token().map(str::to_string),
                expiration: c
                    .expiry()
                    .map(|t| clock::format(time::OffsetDateTime::from(t))),
                account_id: c.account_id().map(|a| a.as_str().to_string()),
            })
        }
    }
}

/// GetCallerIdentity for `creds`.
pub fn whoami(net: &mut Net, settings: &Settings, creds: &Credentials) -> Result<Identity, Error> {
    net.run(
        "STS GetCallerIdentity",
        sts::caller_identity(settings, creds),
    )
    .map_err(io_runtime)?
}

/// `awsprof login`: the device login for `chain`'s IAM Identity Center base.
pub fn login(chain: &Chain, settings: &Settings, open_browser: bool) -> Result<PathBuf, Error> {
    let Base::Sso { profile, config } = &chain.base else {
        return Err(Error::Sso {
            profile: chain.base.profile().to_string(),
            message: "does not use IAM Identity Center (no sso_session or sso_start_url)".into(),
        });
    };
    let mut net = Net::default();
    sso::login(&mut net, settings, profile, config, open_browser)
}
