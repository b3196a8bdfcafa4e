//! `console`: the AWS web console, signed in as a profile.
//!
//! The credentials come from the same path as `export` (the chain, the cache, MFA, IAM
//! Identity Center, `credential_process`). They are exchanged at the partition's sign-in
//! federation endpoint (`GET /federation?Action=getSigninToken&Session=…`) for a sign-in
//! token, and the login URL (`Action=login`, `Issuer`, `Destination`, `SigninToken`) is
//! opened, printed, or shown. Long-term keys cannot be exchanged: they go through STS
//! GetFederationToken first. The rules (which credentials take a `SessionDuration`, the
//! hosts of each partition, the service pages) are the core's [`awsprof_core::console`].

use crate::runtime::io_runtime;
use crate::{sts, Net};
use anyhow::Result;
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::byte_stream::ByteStream;
use awsprof::cli::ConsoleArgs;
use awsprof::ctx::Ctx;
use awsprof::resolve::{self, Plan};
use awsprof_core::clock;
use awsprof_core::console::{self, Federation, Partition};
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;
use awsprof_core::text::quoted;
use std::time::Duration;
use url::Url;

/// What GetFederationToken's session lasts when `--duration` is not given: the hour a
/// role's console session lasts by default, so every kind of profile gets the same.
const DEFAULT_FEDERATION_SECONDS: u32 = 3600;

/// Why the console could not be signed in to.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The keys are the root user's.
    #[error("{warning}; awsprof console does not sign in with them")]
    RootKeys {
        /// The root-key warning `whoami` gives.
        warning: String,
    },
    /// `--destination` is not a console URL of the partition.
    #[error("--destination {}: {reason}", quoted(url))]
    Destination {
        /// As given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The configured sign-in endpoint is not an http(s) URL.
    #[error("the sign-in endpoint {} (AWS_ENDPOINT_URL_SIGNIN or the profile's endpoint_url) is not an http or https URL", quoted(url))]
    Endpoint {
        /// As configured.
        url: String,
    },
    /// The federation endpoint could not be reached.
    #[error("could not reach the sign-in federation endpoint {endpoint}: {message}")]
    Unreachable {
        /// The endpoint, without its query (which holds the credentials).
        endpoint: String,
        /// Why.
        message: String,
    },
    /// The federation endpoint refused.
    #[error("the sign-in federation endpoint {endpoint} answered HTTP {status}{hint}")]
    Refused {
        /// The endpoint, without its query.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// What it most likely means.
        hint: &'static str,
    },
    /// The answer held no sign-in token.
    #[error("the sign-in federation endpoint {endpoint} answered without a sign-in token")]
    NoToken {
        /// The endpoint, without its query.
        endpoint: String,
    },
}

/// Signs in to the console as the profile: opens the browser, or prints the URL (`--url`)
/// or JSON (`--json`).
pub fn run(ctx: &Ctx, args: &ConsoleArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let mut plan = resolve::plan(ctx, &name)?;
    // Everything that can be refused is checked before any credentials are fetched (no
    // MFA prompt, no call, for a destination that would be refused anyway).
    // --region is the command's region, as AWS_REGION would be: STS is called there too.
    if let Some(region) = &args.region {
        plan.settings.region = region.clone();
    }
    let region = plan.settings.region.clone();
    let partition = console::partition(&region)?;
    let destination = match &args.destination {
        Some(url) => checked_destination(url, &partition)?,
        None => console::destination(
            &partition,
            &region,
            args.service.as_deref().and_then(console::service),
        ),
    };
    let endpoint = endpoint(&plan.settings, &partition)?;
    if plan.chain.roles.is_empty() && plan.chain.mfa_session.is_some() {
        // GetSessionToken's credentials cannot sign in, and GetFederationToken takes no
        // MFA code and refuses session credentials: the user's keys are all there is.
        ctx.ui.warn(&format!(
            "profile `{name}` has mfa_serial, but an MFA session cannot sign in to the console; it signs in through GetFederationToken with the profile's keys, so the console session carries no MFA (policies that require it will deny)"
        ));
        plan.chain.mfa_session = None;
    }
    let opts = awsprof::cmd::export::options(&args.creds);
    let creds = resolve::credentials(ctx, &plan, &opts)?;
    let mut net = Net::new(ctx.ui);
    // The SessionDuration sent, and how long the console session lasts when known.
    let (session, sent, lasts) = match console::federation(&plan.chain, &creds) {
        Federation::FederationToken | Federation::MfaSession => {
            let secs = args.duration.unwrap_or(DEFAULT_FEDERATION_SECONDS);
            let session = federate(&mut net, &plan, &name, &creds, secs)?;
            (session, None, Some(secs))
        }
        Federation::Duration | Federation::Unknown => (creds, args.duration, args.duration),
        Federation::Chained => {
            if let Some(secs) = args.duration {
                ctx.ui.warn(&format!(
                    "profile `{name}` assumes its role with temporary credentials (role chaining), for which AWS allows no console session duration: --duration {} is not used and the session lasts AWS's default hour",
                    console::clock_words(secs)
                ));
            }
            (creds, None, None)
        }
    };
    let token = net
        .run(
            "Signing in to the AWS console",
            signin_token(&endpoint, &session, sent),
        )
        .map_err(io_runtime)??;
    let url = login_url(&endpoint, &destination, &token);
    let expires = clock::now() + time::Duration::seconds(i64::from(console::TOKEN_LIFETIME));
    if args.json {
        let v = serde_json::json!({
            "Profile": name,
            "Region": region,
            "Url": url,
            "Expiration": clock::format(expires),
            "SessionDuration": lasts,
        });
        awsprof::cmd::emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else if args.url {
        awsprof::cmd::emit(&(url + "\n"))?;
    } else if ctx.ui.open_browser(&url) {
        ctx.ui.note(&format!(
            "opened the AWS console as `{name}` ({region}) in the browser"
        ));
    } else {
        ctx.ui.instruct(&format!(
            "there is no browser to open here (set BROWSER, or use --url to print the URL on stdout); open this URL within 15 minutes. It signs in as `{name}` whoever opens it: keep it private.\n\n    {url}\n"
        ));
    }
    Ok(())
}

/// `url` when it is an https URL on the partition's console host (or a regional name of
/// it): the sign-in sends the browser there, with the session, so nowhere else will do.
fn checked_destination(url: &str, partition: &Partition) -> Result<String, ConsoleError> {
    let refuse = |reason: String| ConsoleError::Destination {
        url: url.to_string(),
        reason,
    };
    let parsed = Url::parse(url).map_err(|e| refuse(format!("not a URL ({e})")))?;
    if parsed.scheme() != "https" {
        return Err(refuse("a console URL starts with https://".into()));
    }
    let on_console = parsed
        .host_str()
        .is_some_and(|h| console::is_console_host(partition, h));
    if !on_console
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.port().is_some()
    {
        return Err(refuse(format!(
            "not on the {} partition's console, https://{}/ (the region picks the partition)",
            partition.id, partition.console
        )));
    }
    Ok(parsed.into())
}

/// The federation endpoint: the configured sign-in endpoint (`AWS_ENDPOINT_URL_SIGNIN`,
/// as the SDKs name the Sign-In service), else the partition's sign-in host.
fn endpoint(settings: &Settings, partition: &Partition) -> Result<Url, ConsoleError> {
    let configured = settings.endpoint("SIGNIN");
    let base = configured
        .clone()
        .unwrap_or_else(|| format!("https://{}/", partition.signin));
    let bad = || ConsoleError::Endpoint { url: base.clone() };
    let mut url = Url::parse(&base).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(bad());
    }
    url.path_segments_mut()
        .map_err(|_| bad())?
        .pop_if_empty()
        .push("federation");
    Ok(url)
}

/// Long-term keys as a federated session: GetFederationToken, once the keys are known not
/// to be the root user's (GetCallerIdentity says whose they are, and gives the user name
/// the federated user is called by, as CloudTrail will show it).
fn federate(
    net: &mut Net<'_>,
    plan: &Plan,
    profile: &str,
    keys: &Credentials,
    duration_seconds: u32,
) -> Result<Credentials> {
    let settings = &plan.settings;
    let id = net
        .run(
            "STS GetCallerIdentity",
            sts::caller_identity(settings, keys),
        )
        .map_err(io_runtime)??;
    if id.is_root() {
        return Err(ConsoleError::RootKeys {
            warning: id.root_warning(profile),
        }
        .into());
    }
    let name = federated_name(&id.arn);
    Ok(net
        .run(
            "STS GetFederationToken",
            sts::federation_token(settings, keys, &name, duration_seconds),
        )
        .map_err(io_runtime)??)
}

/// GetFederationToken's `Name` (2 to 32 of letters, digits and `+=,.@_-`): the IAM user's
/// name, else `awsprof`.
fn federated_name(arn: &str) -> String {
    let last = arn.rsplit(['/', ':']).next().unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))
        .take(32)
        .collect();
    if name.len() < 2 {
        "awsprof".to_string()
    } else {
        name
    }
}

/// The endpoint as it may be shown: never its query, which holds the credentials.
fn shown(endpoint: &Url) -> String {
    let mut url = endpoint.clone();
    url.set_query(None);
    url.into()
}

/// `text` with the session's secrets cut out, in case an error repeats the request.
fn scrubbed(text: &str, session: &Credentials) -> String {
    let mut out = text.to_string();
    let secrets = [
        Some(session.secret_access_key.as_str()),
        session.session_token.as_deref(),
    ];
    for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
        out = out.replace(secret, "…");
    }
    out
}

/// `getSigninToken`: the session's credentials (JSON `sessionId`, `sessionKey`,
/// `sessionToken`) for a sign-in token, through the SDK's own HTTP client.
async fn signin_token(
    endpoint: &Url,
    session: &Credentials,
    session_duration: Option<u32>,
) -> Result<String, ConsoleError> {
    let at = shown(endpoint);
    let unreachable = |message: String| ConsoleError::Unreachable {
        endpoint: at.clone(),
        message: scrubbed(&message, session),
    };
    let json = serde_json::json!({
        "sessionId": session.access_key_id,
        "sessionKey": session.secret_access_key,
        "sessionToken": session.session_token.as_deref().unwrap_or_default(),
    });
    let mut url = endpoint.clone();
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("Action", "getSigninToken");
        if let Some(secs) = session_duration {
            query.append_pair("SessionDuration", &secs.to_string());
        }
        query.append_pair("Session", &json.to_string());
    }
    let request = HttpRequest::get(url.as_str()).map_err(|e| unreachable(e.to_string()))?;
    let settings = HttpConnectorSettings::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(30))
        .build();
    let connector = aws_smithy_http_client::default_connector(&settings, None)
        .ok_or_else(|| unreachable("this build has no HTTPS client".into()))?;
    let response = connector
        .call(request)
        .await
        .map_err(|e| unreachable(crate::explain(&e)))?;
    let status = response.status().as_u16();
    let body = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|e| unreachable(crate::explain(&e)))?
        .into_bytes();
    if status != 200 {
        let hint = match (status, session_duration) {
            (400, Some(_)) => ": AWS refuses a console session duration for a role assumed with temporary credentials (role chaining); try without --duration",
            (400, None) => ": it refused the credentials (expired, or of a kind that cannot sign in)",
            _ => "",
        };
        return Err(ConsoleError::Refused {
            endpoint: at,
            status,
            hint,
        });
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "SigninToken")]
        signin_token: String,
    }
    match serde_json::from_slice::<Answer>(&body) {
        Ok(a) if !a.signin_token.is_empty() => Ok(a.signin_token),
        _ => Err(ConsoleError::NoToken { endpoint: at }),
    }
}

/// The login URL: the federation endpoint with `Action=login`, the issuer, where to land,
/// and the token.
fn login_url(endpoint: &Url, destination: &str, token: &str) -> String {
    let mut url = endpoint.clone();
    url.query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Issuer", "awsprof")
        .append_pair("Destination", destination)
        .append_pair("SigninToken", token);
    url.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws() -> Partition {
        console::partition("us-east-1").unwrap()
    }

    #[test]
    fn destinations_must_be_on_the_partitions_console() {
        let ok = checked_destination(
            "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#Instances:",
            &aws(),
        );
        assert!(ok.is_ok(), "{ok:?}");
        for bad in [
            "http://console.aws.amazon.com/",
            "https://console.aws.amazon.com@evil.example/",
            "https://user:pw@console.aws.amazon.com/",
            "https://console.aws.amazon.com:8443/",
            "https://console.amazonaws.cn/",
            "https://evil.example/?console.aws.amazon.com",
            "console.aws.amazon.com/s3",
        ] {
            assert!(checked_destination(bad, &aws()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_endpoint_override_keeps_its_path_and_gains_federation() {
        let settings = |url: &str| Settings {
            region: "us-east-1".into(),
            sts_legacy: false,
            endpoints: vec![("SIGNIN".into(), url.into())],
            cache_dir: Default::default(),
            sso_cache_dir: Default::default(),
            login_cache_dir: Default::default(),
            home_known: false,
        };
        let e = |url: &str| endpoint(&settings(url), &aws()).map(String::from);
        assert_eq!(
            e("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9/federation"
        );
        assert_eq!(
            e("http://127.0.0.1:9/prefix").unwrap(),
            "http://127.0.0.1:9/prefix/federation"
        );
        assert!(e("ftp://x/").is_err());
        assert!(e("not a url").is_err());
        let none = Settings {
            endpoints: vec![],
            ..settings("")
        };
        assert_eq!(
            String::from(endpoint(&none, &aws()).unwrap()),
            "https://signin.aws.amazon.com/federation"
        );
    }

    #[test]
    fn federated_names_are_the_user_name_within_the_sts_limits() {
        assert_eq!(
            federated_name("arn:aws:iam::123456789012:user/team/alice"),
            "alice"
        );
        assert_eq!(
            federated_name("arn:aws:sts::123456789012:user/moto"),
            "moto"
        );
        assert_eq!(federated_name("arn:aws:iam::1:user/x"), "awsprof");
        assert_eq!(
            federated_name(&format!("arn:aws:iam::1:user/{}", "a".repeat(40))).len(),
            32
        );
        assert_eq!(federated_name("arn:aws:iam::1:user/bad name!"), "badname");
    }

    #[test]
    fn the_login_url_encodes_the_destination_and_token() {
        let e = Url::parse("https://signin.aws.amazon.com/federation").unwrap();
        let url = login_url(
            &e,
            "https://console.aws.amazon.com/s3/home?region=eu-west-1",
            "t+k/n=",
        );
        assert_eq!(
            url,
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=awsprof&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1&SigninToken=t%2Bk%2Fn%3D"
        );
    }
}
