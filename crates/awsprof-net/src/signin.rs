//! AWS Sign-In: `login_session` profiles, which `aws login` (AWS CLI v2) writes. The AWS
//! SDK for Rust's own provider does the work: it reads the token cache the AWS CLI keeps
//! (`~/.aws/login/cache/<SHA-256 of the session>.json`, or `AWS_LOGIN_CACHE_DIRECTORY`),
//! whose access token is the credentials, and refreshes it through the sign-in service
//! (a DPoP-signed `CreateOAuth2Token`) when it expires within five minutes, writing the
//! new token back where the AWS CLI finds it.

use crate::runtime::io_runtime;
use crate::{explain, Error, Net};
use aws_config::login::LoginCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::ProvideCredentials;
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The token cache file of `session`, named as the AWS CLI and the SDKs name it.
pub fn token_path(settings: &Settings, session: &str) -> PathBuf {
    let digest = Sha256::digest(session.trim().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    settings.login_cache_dir.join(format!("{hex}.json"))
}

fn login_hint(profile: &str) -> String {
    format!("sign in again with `aws login --profile {profile}` (AWS CLI v2)")
}

/// The credentials of the sign-in session `session` of `profile`.
pub fn credentials(
    net: &mut Net<'_>,
    settings: &Settings,
    profile: &str,
    session: &str,
) -> Result<Credentials, Error> {
    let path = token_path(settings, session);
    let fail = |message: String| Error::Sso {
        subject: crate::sso::Subject::Profile(profile.to_string()),
        message,
    };
    if !path.is_file() {
        return Err(fail(format!(
            "no AWS Sign-In session for {session} in {}; {}",
            path.display(),
            login_hint(profile)
        )));
    }
    // Single flight: a refresh token is good once, so of many processes whose token is
    // about to expire one refreshes it; the others wait, then read the new one.
    let _lock = crate::lock_beside(
        net,
        &path,
        "refreshing the AWS Sign-In session",
        &format!("profile `{profile}`"),
    )?;
    // The provider reads the endpoint (AWS_ENDPOINT_URL_SIGNIN) and the token cache
    // directory from this process's environment, which awsprof passed on.
    let config = ProviderConfig::without_region()
        .with_region(Some(aws_config::Region::new(settings.region.clone())))
        .with_timeout_config(crate::timeouts());
    let provider = LoginCredentialsProvider::builder(session)
        .configure(&config)
        .build();
    let c = net
        .run("AWS Sign-In", provider.provide_credentials())
        .map_err(io_runtime)?
        .map_err(|e| {
            fail(format!(
                "the AWS Sign-In session gave no credentials: {}; {}",
                explain(&e),
                login_hint(profile)
            ))
        })?;
    Ok(crate::from_provider(&c))
}
