//! AWS STS calls through the official SDK: AssumeRole, AssumeRoleWithWebIdentity,
//! GetSessionToken, GetCallerIdentity.

use crate::Error;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::Client;
use awsprof_core::clock;
use awsprof_core::creds::Credentials;
use awsprof_core::settings::Settings;

/// Who a set of credentials belongs to.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identity {
    /// The unique id of the caller.
    pub user_id: String,
    /// The account.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
}

impl Identity {
    /// Whether the caller is an account's root user (`arn:aws:iam::123456789012:root`).
    pub fn is_root(&self) -> bool {
        self.arn.starts_with("arn:") && self.arn.ends_with(":root")
    }

    /// What is said when `profile`'s keys are the root user's.
    pub fn root_warning(&self, profile: &str) -> String {
        format!(
            "profile `{profile}` uses the root user's access keys ({}); root access keys: AWS recommends deleting them and using an IAM user or role",
            self.arn
        )
    }
}

pub(crate) fn client(settings: &Settings, creds: Option<&Credentials>) -> Client {
    let (region, endpoint) = settings.sts_region_and_endpoint();
    let mut b = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .timeout_config(crate::timeouts());
    if let Some(url) = endpoint {
        b = b.endpoint_url(url);
    }
    if let Some(c) = creds {
        b = b.credentials_provider(aws_sdk_sts::config::Credentials::new(
            &c.access_key_id,
            &c.secret_access_key,
            c.session_token.clone(),
            None,
            "awsprof",
        ));
    }
    Client::from_conf(b.build())
}

fn from_sts(c: Option<&aws_sdk_sts::types::Credentials>, what: &str) -> Result<Credentials, Error> {
    let c = c.ok_or_else(|| Error::Call {
        what: what.to_string(),
        code: None,
        message: "the response held no credentials".into(),
    })?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: c.secret_access_key().to_string(),
        session_token: Some(c.session_token().to_string()),
        expiration: time::OffsetDateTime::from_unix_timestamp(c.expiration().secs())
            .ok()
            .map(clock::format),
        account_id: None,
    })
}

/// A failed STS call as one line: the error code and AWS's message when AWS answered
/// (read leniently, as botocore reads it: from the parsed error, else the
/// `x-amzn-errortype` header or the `<Code>` of the body), else why there was no answer.
fn call_err<E>(what: &str, e: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message) = match &e {
        SdkError::ServiceError(service) => {
            let (err, raw) = (service.err(), service.raw());
            let body = raw
                .body()
                .bytes()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let code = err
                .code()
                .map(str::to_string)
                .or_else(|| {
                    raw.headers()
                        .get("x-amzn-errortype")
                        .and_then(|v| v.split(':').next())
                        .map(str::to_string)
                })
                .or_else(|| xml_text(&body, "Code"));
            let message = err
                .message()
                .map(str::to_string)
                .or_else(|| xml_text(&body, "Message"))
                .unwrap_or_else(|| format!("HTTP status {}", raw.status().as_u16()));
            (code, message)
        }
        _ => (None, crate::explain(&e)),
    };
    Error::Call {
        what: what.to_string(),
        message: match &code {
            Some(c) => format!("{c}: {message}"),
            None => message,
        },
        code,
    }
}

/// The text of the first `<tag>` in `xml`, unescaped for the five XML entities.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let len = xml[start..].find(&format!("</{tag}>"))?;
    let text = xml[start..start + len].trim();
    (!text.is_empty()).then(|| {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    })
}

fn account_of(arn: Option<&str>) -> Option<String> {
    arn.and_then(|a| a.split(':').nth(4))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The parameters of one AssumeRole call.
pub struct AssumeRole<'a> {
    /// The role.
    pub role_arn: &'a str,
    /// Session name (generated when not configured).
    pub session_name: &'a str,
    /// `external_id`.
    pub external_id: Option<&'a str>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_serial` and the code for it.
    pub mfa: Option<(&'a str, String)>,
}

/// AssumeRole with `source` credentials.
pub async fn assume_role(
    settings: &Settings,
    source: &Credentials,
    p: &AssumeRole<'_>,
) -> Result<Credentials, Error> {
    let what = format!("AssumeRole {}", p.role_arn);
    let mut req = client(settings, Some(source))
        .assume_role()
        .role_arn(p.role_arn)
        .role_session_name(p.session_name)
        .set_external_id(p.external_id.map(str::to_string))
        .set_duration_seconds(p.duration_seconds.map(|d| d as i32));
    if let Some((serial, code)) = &p.mfa {
        req = req.serial_number(*serial).token_code(code);
    }
    let out = req.send().await.map_err(|e| call_err(&what, e))?;
    let mut creds = from_sts(out.credentials(), &what)?;
    creds.account_id = account_of(out.assumed_role_user().map(|u| u.arn()));
    Ok(creds)
}

/// AssumeRoleWithWebIdentity with `token`.
pub async fn assume_role_with_web_identity(
    settings: &Settings,
    role_arn: &str,
    session_name: &str,
    token: &str,
    duration_seconds: Option<u32>,
) -> Result<Credentials, Error> {
    let what = format!("AssumeRoleWithWebIdentity {role_arn}");
    let out = client(settings, None)
        .assume_role_with_web_identity()
        .role_arn(role_arn)
        .role_session_name(session_name)
        .web_identity_token(token)
        .set_duration_seconds(duration_seconds.map(|d| d as i32))
        .send()
        .await
        .map_err(|e| call_err(&what, e))?;
    let mut creds = from_sts(out.credentials(), &what)?;
    creds.account_id = account_of(out.assumed_role_user().map(|u| u.arn()));
    Ok(creds)
}

/// GetSessionToken with an MFA code: an MFA session for an IAM user's long-term keys.
pub async fn session_token(
    settings: &Settings,
    user: &Credentials,
    serial: &str,
    code: &str,
    duration_seconds: Option<u32>,
) -> Result<Credentials, Error> {
    let what = format!("GetSessionToken (MFA {serial})");
    let out = client(settings, Some(user))
        .get_session_token()
        .serial_number(serial)
        .token_code(code)
        .set_duration_seconds(duration_seconds.map(|d| d as i32))
        .send()
        .await
        .map_err(|e| call_err(&what, e))?;
    let mut creds = from_sts(out.credentials(), &what)?;
    creds.account_id = user.account_id.clone();
    Ok(creds)
}

/// The session policy given to GetFederationToken. A session policy only narrows what the
/// IAM user may do, and without one the session may do nothing; allowing everything keeps
/// exactly the user's own permissions (and their permissions boundary).
pub const ALLOW_ALL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// GetFederationToken with an IAM user's long-term keys: a federated user `name` whose
/// session has the user's permissions ([`ALLOW_ALL_POLICY`]) for `duration_seconds`.
pub async fn federation_token(
    settings: &Settings,
    user: &Credentials,
    name: &str,
    duration_seconds: u32,
) -> Result<Credentials, Error> {
    let what = "GetFederationToken";
    let out = client(settings, Some(user))
        .get_federation_token()
        .name(name)
        .policy(ALLOW_ALL_POLICY)
        .duration_seconds(i32::try_from(duration_seconds).unwrap_or(i32::MAX))
        .send()
        .await
        .map_err(|e| call_err(what, e))?;
    let mut creds = from_sts(out.credentials(), what)?;
    creds.account_id = account_of(out.federated_user().map(|u| u.arn()));
    Ok(creds)
}

/// GetCallerIdentity: who these credentials are.
pub async fn caller_identity(settings: &Settings, creds: &Credentials) -> Result<Identity, Error> {
    let what = "GetCallerIdentity";
    let out = client(settings, Some(creds))
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| call_err(what, e))?;
    Ok(Identity {
        user_id: out.user_id().unwrap_or_default().to_string(),
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_read_from_either_xml_layout() {
        // STS's own layout and moto's (`Errors` around `Error`, as EC2 writes it).
        let sts = "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>";
        let moto = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: a &amp; b</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_text(sts, "Code").as_deref(), Some("ExpiredToken"));
        assert_eq!(xml_text(moto, "Message").as_deref(), Some("User: a & b"));
        assert_eq!(xml_text("<Code></Code>", "Code"), None);
    }

    #[test]
    fn root_is_recognised_by_its_arn() {
        let id = |arn: &str| Identity {
            user_id: "x".into(),
            account: "123456789012".into(),
            arn: arn.into(),
        };
        assert!(id("arn:aws:iam::123456789012:root").is_root());
        assert!(!id("arn:aws:iam::123456789012:user/root").is_root());
        assert!(!id("arn:aws:sts::123456789012:assumed-role/r/s").is_root());
    }
}
