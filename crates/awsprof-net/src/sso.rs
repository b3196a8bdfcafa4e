//! IAM Identity Center: the access-token cache shared with the AWS CLI v2
//! (`~/.aws/sso/cache/<sha1>.json`), GetRoleCredentials, and the OIDC device login.

use crate::{Error, Net};
use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::config::{BehaviorVersion, Region};
use awsprof_core::cache::{sha1_hex, write_private};
use awsprof_core::chain::SsoConfig;
use awsprof_core::clock;
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;
use awsprof_core::sso_sync::{Account, Listing};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use time::OffsetDateTime;

/// The token file as the AWS CLI v2 writes it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// The portal URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
    /// The OIDC region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The bearer token for the portal.
    pub access_token: String,
    /// When it expires.
    pub expires_at: String,
    /// The registered OIDC client, for refreshing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Its secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// When the client registration expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_expires_at: Option<String>,
    /// Exchanged for a new access token when it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// A token is refreshed this long before it expires, as the SDKs do.
const TOKEN_REFRESH_WINDOW: time::Duration = time::Duration::minutes(5);

/// Whose IAM Identity Center session it is: a profile's, or an `[sso-session]` used
/// without one (`login --sso-session`, `sso sync`). Messages and the login hint name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A profile.
    Profile(String),
    /// An `[sso-session]`.
    Session(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Profile(p) => write!(f, "profile `{p}`"),
            Subject::Session(s) => write!(f, "sso-session `{s}`"),
        }
    }
}

fn sso_err(subject: &Subject, message: String) -> Error {
    Error::Sso {
        subject: subject.clone(),
        message,
    }
}

/// The cache file of `config`'s token: keyed by the session name, or for a legacy profile
/// by the start URL.
pub fn token_path(settings: &Settings, config: &SsoConfig) -> PathBuf {
    let key = config
        .session_name
        .as_deref()
        .or(config.start_url.as_deref())
        .unwrap_or_default();
    settings
        .sso_cache_dir
        .join(format!("{}.json", sha1_hex(key)))
}

/// What to run to log in again.
pub fn login_hint(subject: &Subject) -> String {
    match subject {
        Subject::Profile(p) => {
            format!("run `awsprof login {p}` (or `aws sso login --profile {p}`)")
        }
        Subject::Session(s) => {
            format!("run `awsprof login --sso-session {s}` (or `aws sso login --sso-session {s}`)")
        }
    }
}

fn oidc_client(settings: &Settings, region: &str) -> aws_sdk_ssooidc::Client {
    let mut b = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new(region.to_string()))
        .timeout_config(crate::timeouts());
    if let Some(url) = settings.endpoint("SSO_OIDC") {
        b = b.endpoint_url(url);
    }
    aws_sdk_ssooidc::Client::from_conf(b.build())
}

/// A usable access token for `config`: from the cache, refreshed with its refresh token
/// when it is about to expire.
pub fn access_token(
    net: &mut Net<'_>,
    settings: &Settings,
    subject: &Subject,
    config: &SsoConfig,
) -> Result<String, Error> {
    if !settings.home_known {
        return Err(sso_err(
            subject,
            "HOME is not set, so the IAM Identity Center token cache (~/.aws/sso/cache) cannot be found".into(),
        ));
    }
    let path = token_path(settings, config);
    let fresh_enough = |t: &Token| {
        clock::parse(&t.expires_at).is_some_and(|at| at - clock::now() > TOKEN_REFRESH_WINDOW)
    };
    let token = read_token(&path, subject)?;
    if fresh_enough(&token) {
        return Ok(token.access_token);
    }
    // Single flight: the profiles of one session share its token, and a refresh token may
    // be good for one use only. One process refreshes; the others wait, then read it.
    let _lock = crate::lock_beside(
        net,
        &path,
        "refreshing the IAM Identity Center session",
        &subject.to_string(),
    )?;
    let token = read_token(&path, subject)?;
    if fresh_enough(&token) {
        return Ok(token.access_token);
    }
    let expires = clock::parse(&token.expires_at);
    if let Some(fresh) = refresh(net, settings, config, &token)? {
        write_private(&path, &serde_json::to_string(&fresh).unwrap_or_default())?;
        return Ok(fresh.access_token);
    }
    if expires.is_some_and(|t| t > clock::now()) {
        return Ok(token.access_token);
    }
    Err(sso_err(
        subject,
        format!(
            "the IAM Identity Center session has expired; {}",
            login_hint(subject)
        ),
    ))
}

/// The cached token at `path`; a missing or unreadable file says how to log in.
fn read_token(path: &std::path::Path, subject: &Subject) -> Result<Token, Error> {
    // Read as the shared files are: a FIFO or a device there is refused at once.
    let text = match awsprof_core::store::read_bytes(path, 1 << 20) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| ()),
        _ => Err(()),
    };
    let text = text.map_err(|_| {
        sso_err(
            subject,
            format!(
                "no IAM Identity Center session in {}; {}",
                path.display(),
                login_hint(subject)
            ),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        sso_err(
            subject,
            format!(
                "{}: not a token cache file ({e}); {}",
                path.display(),
                login_hint(subject)
            ),
        )
    })
}

/// A new token from the refresh token, when the cache has one and a live registration.
fn refresh(
    net: &mut Net<'_>,
    settings: &Settings,
    config: &SsoConfig,
    token: &Token,
) -> Result<Option<Token>, Error> {
    let (Some(id), Some(secret), Some(refresh)) =
        (&token.client_id, &token.client_secret, &token.refresh_token)
    else {
        return Ok(None);
    };
    if token
        .registration_expires_at
        .as_deref()
        .and_then(clock::parse)
        .is_some_and(|t| t <= clock::now())
    {
        return Ok(None);
    }
    let region = config.region.clone().unwrap_or_default();
    let client = oidc_client(settings, &region);
    let out = net
        .run("Refreshing the IAM Identity Center session", async {
            client
                .create_token()
                .client_id(id)
                .client_secret(secret)
                .grant_type("refresh_token")
                .refresh_token(refresh)
                .send()
                .await
        })
        .map_err(|e| Error::io(&settings.sso_cache_dir, e))?;
    // A refused refresh means logging in again, which the caller says.
    let Ok(out) = out else { return Ok(None) };
    let Some(access) = out.access_token() else {
        return Ok(None);
    };
    let mut fresh = token.clone();
    fresh.access_token = access.to_string();
    fresh.expires_at =
        clock::format(clock::now() + time::Duration::seconds(i64::from(out.expires_in())));
    if let Some(r) = out.refresh_token() {
        fresh.refresh_token = Some(r.to_string());
    }
    Ok(Some(fresh))
}

/// A client of the AWS access portal (the `sso` service) in `region`; `attempts` sets the
/// standard retry mode's attempts per call (the SDK's default, 3, when `None`).
fn portal_client(settings: &Settings, region: &str, attempts: Option<u32>) -> aws_sdk_sso::Client {
    let mut b = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .timeout_config(crate::timeouts());
    if let Some(n) = attempts {
        b = b.retry_config(RetryConfig::standard().with_max_attempts(n));
    }
    if let Some(url) = settings.endpoint("SSO") {
        b = b.endpoint_url(url);
    }
    aws_sdk_sso::Client::from_conf(b.build())
}

/// GetRoleCredentials for the profile's account and role.
pub fn role_credentials(
    net: &mut Net<'_>,
    settings: &Settings,
    subject: &Subject,
    config: &SsoConfig,
) -> Result<Credentials, Error> {
    let (Some(account), Some(role)) = (&config.account_id, &config.role_name) else {
        return Err(sso_err(
            subject,
            "names an sso_session but no sso_account_id and sso_role_name: it can log in but yields no credentials".into(),
        ));
    };
    let token = access_token(net, settings, subject, config)?;
    let region = config.region.clone().unwrap_or_default();
    let client = portal_client(settings, &region, None);
    let what = format!("GetRoleCredentials {role} in {account}");
    let out = net
        .run(
            &format!("IAM Identity Center: {role} in {account}"),
            async {
                client
                    .get_role_credentials()
                    .account_id(account)
                    .role_name(role)
                    .access_token(token)
                    .send()
                    .await
            },
        )
        .map_err(|e| Error::io(&settings.sso_cache_dir, e))?
        .map_err(|e| Error::Call {
            what: what.clone(),
            code: None,
            message: format!(
                "{}; if the session has ended, {}",
                crate::explain(&e),
                login_hint(subject)
            ),
        })?;
    let rc = out.role_credentials().ok_or_else(|| Error::Call {
        what: what.clone(),
        code: None,
        message: "the response held no credentials".into(),
    })?;
    let field = |v: Option<&str>, k: &str| {
        v.map(str::to_string).ok_or_else(|| Error::Call {
            what: what.clone(),
            code: None,
            message: format!("the response held no {k}"),
        })
    };
    Ok(Credentials {
        access_key_id: field(rc.access_key_id(), "accessKeyId")?,
        secret_access_key: field(rc.secret_access_key(), "secretAccessKey")?,
        session_token: rc.session_token().map(str::to_string),
        expiration: clock::from_millis(rc.expiration()).map(clock::format),
        account_id: Some(account.clone()),
    })
}

/// The OIDC device-authorization login: registers a client, prints the URL and code on
/// stderr, opens a browser when there is one, waits for the user to approve, and writes
/// the token where the AWS CLI v2 looks for it.
pub fn login(
    net: &mut Net<'_>,
    settings: &Settings,
    subject: &Subject,
    config: &SsoConfig,
    open_browser: bool,
) -> Result<PathBuf, Error> {
    if !settings.home_known {
        return Err(sso_err(
            subject,
            "HOME is not set, so there is no ~/.aws/sso/cache to keep the login in".into(),
        ));
    }
    let start_url = config.start_url.clone().unwrap_or_default();
    let region = config.region.clone().unwrap_or_default();
    let client = oidc_client(settings, &region);
    let scopes: Vec<String> = match &config.registration_scopes {
        Some(s) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        None if config.session_name.is_some() => vec!["sso:account:access".to_string()],
        None => Vec::new(),
    };
    let io = |e| Error::io(&settings.sso_cache_dir, e);
    let call = |what: &str, e: String| Error::Call {
        what: what.to_string(),
        code: None,
        message: e,
    };
    let client_name = format!("awsprof-{}", clock::now().unix_timestamp());
    let reg = net
        .run("Registering with IAM Identity Center", async {
            let mut r = client
                .register_client()
                .client_name(client_name)
                .client_type("public");
            if !scopes.is_empty() {
                r = r
                    .set_scopes(Some(scopes.clone()))
                    .grant_types("urn:ietf:params:oauth:grant-type:device_code")
                    .grant_types("refresh_token")
                    .issuer_url(&start_url);
            }
            r.send().await
        })
        .map_err(io)?
        .map_err(|e| call("RegisterClient", crate::explain(&e)))?;
    let (Some(client_id), Some(client_secret)) = (reg.client_id(), reg.client_secret()) else {
        return Err(call(
            "RegisterClient",
            "no client id in the response".into(),
        ));
    };
    let auth = net
        .run("Starting the device login", async {
            client
                .start_device_authorization()
                .client_id(client_id)
                .client_secret(client_secret)
                .start_url(&start_url)
                .send()
                .await
        })
        .map_err(io)?
        .map_err(|e| call("StartDeviceAuthorization", crate::explain(&e)))?;
    let device_code = auth.device_code().unwrap_or_default().to_string();
    let user_code = auth.user_code().unwrap_or_default();
    let url = auth
        .verification_uri_complete()
        .or(auth.verification_uri())
        .unwrap_or_default()
        .to_string();
    net.ui.instruct(&format!("to sign in to IAM Identity Center, open this page and confirm the code:\n\n    {url}\n\n    code: {user_code}\n"));
    if open_browser && net.ui.open_browser(&url) {
        net.ui.note("a browser was opened on that page");
    }
    let mut interval = Duration::from_secs(u64::try_from(auth.interval().max(1)).unwrap_or(5));
    let deadline = clock::now() + time::Duration::seconds(i64::from(auth.expires_in().max(60)));
    let token = loop {
        if clock::now() > deadline {
            return Err(sso_err(
                subject,
                "the login code expired before it was approved; run `awsprof login` again".into(),
            ));
        }
        let out = net
            .run("Waiting for the login to be approved", async {
                tokio::time::sleep(interval).await;
                client
                    .create_token()
                    .client_id(client_id)
                    .client_secret(client_secret)
                    .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                    .device_code(&device_code)
                    .send()
                    .await
            })
            .map_err(io)?;
        use aws_sdk_ssooidc::operation::create_token::CreateTokenError as E;
        match out {
            Ok(t) => break t,
            Err(e) => {
                match e.as_service_error() {
                    Some(E::AuthorizationPendingException(_)) => continue,
                    Some(E::SlowDownException(_)) => interval += Duration::from_secs(5),
                    Some(E::ExpiredTokenException(_)) => return Err(sso_err(
                        subject,
                        "the login code expired before it was approved; run `awsprof login` again"
                            .into(),
                    )),
                    Some(E::AccessDeniedException(_)) => {
                        return Err(sso_err(subject, "the login was denied".into()))
                    }
                    _ => return Err(call("CreateToken", crate::explain(&e))),
                }
            }
        }
    };
    let expires = clock::now() + time::Duration::seconds(i64::from(token.expires_in()));
    let registration_expires = (reg.client_secret_expires_at() > 0)
        .then(|| OffsetDateTime::from_unix_timestamp(reg.client_secret_expires_at()).ok())
        .flatten()
        .map(clock::format);
    let cached = Token {
        start_url: Some(start_url.clone()),
        region: Some(region.clone()),
        access_token: token.access_token().unwrap_or_default().to_string(),
        expires_at: clock::format(expires),
        client_id: Some(client_id.to_string()),
        client_secret: Some(client_secret.to_string()),
        registration_expires_at: registration_expires,
        refresh_token: token.refresh_token().map(str::to_string),
    };
    let path = token_path(settings, config);
    write_private(&path, &serde_json::to_string(&cached).unwrap_or_default())?;
    Ok(path)
}

/// How many accounts' roles are listed at once: enough to hide the round trips of a
/// thousand accounts, few enough not to start a throttling storm on the portal.
pub const LIST_CONCURRENCY: usize = 8;

/// Attempts per call of the listing (the SDK's standard retry mode, exponential back-off
/// with jitter, throttling and transient errors retried), unless `AWS_MAX_ATTEMPTS` says
/// otherwise. More than the SDK's default of 3: a sync makes thousands of calls, and one
/// that fails fails the whole sync.
pub const LIST_ATTEMPTS: u32 = 5;

/// Items asked for per page (the portal's maximum).
const PAGE_SIZE: i32 = 100;

/// `AWS_MAX_ATTEMPTS` when it is a number of at least 1, else [`LIST_ATTEMPTS`].
pub fn list_attempts(env: &dyn Fn(&str) -> Option<String>) -> u32 {
    env("AWS_MAX_ATTEMPTS")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(LIST_ATTEMPTS)
}

/// Why a call of the listing failed, in words, with what to do about it.
fn list_failure<E>(
    subject: &Subject,
    call: &str,
    attempts: u32,
    e: &aws_sdk_sso::error::SdkError<E, aws_sdk_sso::config::http::HttpResponse>,
) -> Error
where
    E: aws_sdk_sso::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = e
        .as_service_error()
        .and_then(|s| s.code())
        .unwrap_or_default();
    let message = match code {
        "UnauthorizedException" => format!(
            "{call} was refused (UnauthorizedException): the IAM Identity Center session has expired or was ended; {}; nothing was written",
            login_hint(subject)
        ),
        "TooManyRequestsException" => format!(
            "{call} was throttled (TooManyRequestsException) through the retries (up to {attempts} attempts a call); try again later (AWS_MAX_ATTEMPTS sets the attempts); nothing was written"
        ),
        _ => format!("{call} failed: {}; nothing was written", crate::explain(e)),
    };
    sso_err(subject, message)
}

/// Every account `token` can reach, each with every role in it: ListAccounts page by page,
/// then ListAccountRoles for each account, [`LIST_CONCURRENCY`] accounts at a time, every
/// call through the SDK's paginator and its standard retries (`attempts` a call). All or
/// nothing: the first call that still fails after its retries ends the listing with its
/// error, and the calls under way are dropped. The progress shows through `ui`.
pub async fn list_all(
    settings: &Settings,
    region: &str,
    token: &str,
    attempts: u32,
    subject: &Subject,
    ui: &dyn awsprof_core::ui::Ui,
) -> Result<Listing, Error> {
    let client = portal_client(settings, region, Some(attempts));
    let mut accounts = Vec::new();
    {
        let _busy = ui.busy("IAM Identity Center: listing the accounts");
        let mut pages = client
            .list_accounts()
            .access_token(token)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        let mut page = 0;
        loop {
            page += 1;
            let out = match pages.next().await {
                None => break,
                Some(Ok(out)) => out,
                Some(Err(e)) => {
                    return Err(list_failure(
                        subject,
                        &format!("ListAccounts (page {page})"),
                        attempts,
                        &e,
                    ))
                }
            };
            for a in out.account_list() {
                let Some(id) = a.account_id() else { continue };
                accounts.push(Account {
                    id: id.to_string(),
                    name: a.account_name().unwrap_or(id).to_string(),
                    email: a.email_address().map(str::to_string),
                    roles: Vec::new(),
                });
            }
        }
    }
    let bar = ui.progress(
        "IAM Identity Center: listing the roles",
        accounts.len() as u64,
    );
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(LIST_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, account) in accounts.iter().enumerate() {
        let (client, gate) = (client.clone(), gate.clone());
        let (token, id) = (token.to_string(), account.id.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let mut pages = client
                .list_account_roles()
                .access_token(token)
                .account_id(&id)
                .into_paginator()
                .page_size(PAGE_SIZE)
                .send();
            let mut roles = Vec::new();
            let mut page = 0;
            while let Some(out) = pages.next().await {
                page += 1;
                match out {
                    Ok(out) => roles.extend(
                        out.role_list()
                            .iter()
                            .filter_map(|r| r.role_name().map(str::to_string)),
                    ),
                    Err(e) => return (i, Err((page, e))),
                }
            }
            (i, Ok(roles))
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (i, result) =
            done.map_err(|e| sso_err(subject, format!("the listing stopped: {e}")))?;
        match result {
            Ok(roles) => {
                accounts[i].roles = roles;
                bar.advance(1);
            }
            Err((page, e)) => {
                tasks.abort_all();
                return Err(list_failure(
                    subject,
                    &format!(
                        "ListAccountRoles of account {} (page {page})",
                        accounts[i].id
                    ),
                    attempts,
                    &e,
                ));
            }
        }
    }
    Ok(Listing { accounts })
}
