//! The AWS web console, as far as it can be decided without the network: which sign-in and
//! console hosts serve a region, the pages `awsprof console --service` knows, how long a
//! console session may be asked to last, and whether the credentials a chain gives can be
//! exchanged for a sign-in token as they are. The network side (awsprof-net) makes the
//! calls: GetFederationToken when needed, then the sign-in federation endpoint.

use crate::chain::{Base, Chain, CredentialSource};
use crate::creds::Credentials;

/// An AWS partition and the hosts of its console sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The partition's id, as the SDKs' endpoint data names it (`aws`, `aws-us-gov`, `aws-cn`).
    pub id: &'static str,
    /// The sign-in host: its `/federation` endpoint makes and takes sign-in tokens.
    pub signin: &'static str,
    /// The console host.
    pub console: &'static str,
}

/// Why a region cannot be signed in to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConsoleError {
    /// Not the shape of any partition's region names.
    #[error("`{0}` is not an AWS region name (like us-east-1, us-gov-west-1 or cn-north-1)")]
    NotARegion(String),
    /// A partition with no public console sign-in.
    #[error("region `{region}` is in the {partition} partition, which has no public console sign-in that awsprof knows of")]
    NoConsole {
        /// The region.
        region: String,
        /// Its partition.
        partition: &'static str,
    },
}

/// The partitions with a public console. Hosts: the AWS documentation of the federation
/// endpoint, and the SDKs' endpoint rules of the Sign-In service (botocore
/// `data/signin/2023-01-01/endpoint-rule-set-1.json`: `{Region}.signin.aws.amazon.com`,
/// `{Region}.signin.amazonaws-us-gov.com`, `{Region}.signin.amazonaws.cn`), of which these
/// are the partitions' global names.
const AWS: Partition = Partition {
    id: "aws",
    signin: "signin.aws.amazon.com",
    console: "console.aws.amazon.com",
};
const GOV: Partition = Partition {
    id: "aws-us-gov",
    signin: "signin.amazonaws-us-gov.com",
    console: "console.amazonaws-us-gov.com",
};
const CN: Partition = Partition {
    id: "aws-cn",
    signin: "signin.amazonaws.cn",
    console: "console.amazonaws.cn",
};

/// The partition of `region`, by the region-name patterns of the SDKs' partition data
/// (`regionRegex`): `aws` is `(us|eu|ap|sa|ca|me|af|il|mx)-WORD-DIGITS`, `aws-us-gov` is
/// `us-gov-WORD-DIGITS`, `aws-cn` is `cn-WORD-DIGITS`. The isolated partitions and the
/// European Sovereign Cloud are recognised and refused: their consoles are not reached
/// through these hosts.
pub fn partition(region: &str) -> Result<Partition, ConsoleError> {
    let parts: Vec<&str> = region.split('-').collect();
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = |tail: &[&str]| matches!(tail, [w, d] if word(w) && digits(d));
    let no_console = |partition| ConsoleError::NoConsole {
        region: region.to_string(),
        partition,
    };
    match parts.as_slice() {
        ["us", "gov", tail @ ..] if tail_ok(tail) => Ok(GOV),
        ["cn", tail @ ..] if tail_ok(tail) => Ok(CN),
        ["us", "iso", tail @ ..] if tail_ok(tail) => Err(no_console("aws-iso")),
        ["us", "isob", tail @ ..] if tail_ok(tail) => Err(no_console("aws-iso-b")),
        ["eu", "isoe", tail @ ..] if tail_ok(tail) => Err(no_console("aws-iso-e")),
        ["us", "isof", tail @ ..] if tail_ok(tail) => Err(no_console("aws-iso-f")),
        ["eusc", "de", tail @ ..] if tail_ok(tail) => Err(no_console("aws-eusc")),
        [p, tail @ ..]
            if ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"].contains(p)
                && tail_ok(tail) =>
        {
            Ok(AWS)
        }
        _ => Err(ConsoleError::NotARegion(region.to_string())),
    }
}

/// A console page `--service` opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The name typed after `--service`.
    pub name: &'static str,
    /// Other names for it.
    pub aliases: &'static [&'static str],
    /// The page's path on the console host.
    pub path: &'static str,
    /// A global service: its page takes no region.
    pub global: bool,
    /// What it is, for completion and help.
    pub title: &'static str,
}

const fn svc(name: &'static str, path: &'static str, title: &'static str) -> Service {
    Service {
        name,
        aliases: &[],
        path,
        global: false,
        title,
    }
}

/// The console pages `--service` knows, by name. Anything else is reached with
/// `--destination URL`.
pub const SERVICES: &[Service] = &[
    svc("acm", "acm/home", "Certificate Manager"),
    svc("apigateway", "apigateway/home", "API Gateway"),
    svc("athena", "athena/home", "Athena"),
    Service {
        global: true,
        ..svc("billing", "billing/home", "Billing and Cost Management")
    },
    Service {
        aliases: &["cfn"],
        ..svc("cloudformation", "cloudformation/home", "CloudFormation")
    },
    Service {
        global: true,
        ..svc("cloudfront", "cloudfront/v4/home", "CloudFront")
    },
    svc("cloudtrail", "cloudtrail/home", "CloudTrail"),
    Service {
        aliases: &["cw"],
        ..svc("cloudwatch", "cloudwatch/home", "CloudWatch")
    },
    svc("codebuild", "codesuite/codebuild/home", "CodeBuild"),
    svc(
        "codepipeline",
        "codesuite/codepipeline/home",
        "CodePipeline",
    ),
    svc("cognito", "cognito/home", "Cognito"),
    svc("config", "config/home", "Config"),
    Service {
        aliases: &["ce"],
        global: true,
        ..svc("costexplorer", "costmanagement/home", "Cost Explorer")
    },
    Service {
        aliases: &["ddb"],
        ..svc("dynamodb", "dynamodbv2/home", "DynamoDB")
    },
    svc("ec2", "ec2/home", "EC2"),
    svc("ecr", "ecr/home", "Elastic Container Registry"),
    svc("ecs", "ecs/v2/home", "Elastic Container Service"),
    svc("eks", "eks/home", "Elastic Kubernetes Service"),
    svc("elasticache", "elasticache/home", "ElastiCache"),
    Service {
        aliases: &["events"],
        ..svc("eventbridge", "events/home", "EventBridge")
    },
    svc("glue", "glue/home", "Glue"),
    svc("guardduty", "guardduty/home", "GuardDuty"),
    Service {
        global: true,
        ..svc("iam", "iam/home", "IAM")
    },
    svc("kinesis", "kinesis/home", "Kinesis"),
    svc("kms", "kms/home", "Key Management Service"),
    svc("lambda", "lambda/home", "Lambda"),
    Service {
        global: true,
        ..svc("organizations", "organizations/v2/home", "Organizations")
    },
    svc("rds", "rds/home", "RDS"),
    svc("redshift", "redshiftv2/home", "Redshift"),
    Service {
        aliases: &["r53"],
        global: true,
        ..svc("route53", "route53/v2/home", "Route 53")
    },
    svc("s3", "s3/home", "S3"),
    svc("sagemaker", "sagemaker/home", "SageMaker"),
    Service {
        aliases: &["sm"],
        ..svc("secretsmanager", "secretsmanager/home", "Secrets Manager")
    },
    svc("securityhub", "securityhub/home", "Security Hub"),
    svc("ses", "ses/home", "Simple Email Service"),
    svc("sns", "sns/v3/home", "Simple Notification Service"),
    svc("sqs", "sqs/v3/home", "Simple Queue Service"),
    Service {
        aliases: &["systems-manager"],
        ..svc("ssm", "systems-manager/home", "Systems Manager")
    },
    Service {
        aliases: &["identitycenter"],
        ..svc("sso", "singlesignon/home", "IAM Identity Center")
    },
    Service {
        aliases: &["sfn", "states"],
        ..svc("stepfunctions", "states/home", "Step Functions")
    },
    Service {
        global: true,
        ..svc("support", "support/home", "Support Center")
    },
    svc("vpc", "vpcconsole/home", "VPC"),
    svc("waf", "wafv2/homev2", "WAF"),
];

/// The service called `name` (or one of its aliases).
pub fn service(name: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .find(|s| s.name == name || s.aliases.contains(&name))
}

/// The console URL to land on: the service's page, else the console home, in `region`
/// (global services take none).
pub fn destination(partition: &Partition, region: &str, service: Option<&Service>) -> String {
    match service {
        Some(s) if s.global => format!("https://{}/{}", partition.console, s.path),
        Some(s) => format!("https://{}/{}?region={region}", partition.console, s.path),
        None => format!("https://{}/console/home?region={region}", partition.console),
    }
}

/// Whether `host` is the partition's console host or one of its regional names
/// (`us-west-2.console.aws.amazon.com`, `s3.console.aws.amazon.com`).
pub fn is_console_host(partition: &Partition, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == partition.console
        || host
            .strip_suffix(partition.console)
            .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
}

/// The shortest console session the federation endpoint grants (15 minutes).
pub const MIN_SESSION: u32 = 900;
/// The longest (12 hours).
pub const MAX_SESSION: u32 = 43_200;
/// How long a sign-in token is valid once issued (15 minutes): the URL must be opened
/// before then.
pub const TOKEN_LIFETIME: u32 = 900;

/// A duration as `--duration` takes it: seconds (`3600`), or numbers with units `h`, `m`,
/// `s` (`1h`, `90m`, `1h30m`, as aws-vault and granted take them); between 15 minutes and
/// 12 hours.
pub fn session_duration(text: &str) -> Result<u32, String> {
    let secs = parse_duration(text).ok_or_else(|| {
        format!(
            "`{text}` is not a duration: give seconds (3600) or hours and minutes (1h, 90m, 1h30m)"
        )
    })?;
    if !(MIN_SESSION..=MAX_SESSION).contains(&secs) {
        return Err(format!(
            "a console session lasts from 15m to 12h; `{text}` is {}",
            clock_words(secs)
        ));
    }
    Ok(secs)
}

fn parse_duration(text: &str) -> Option<u32> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut last_unit = u64::MAX;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: u64 = match c.to_ascii_lowercase() {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        // Each unit once, largest first: `30m1h` is more likely a slip than a sum.
        if number.is_empty() || unit >= last_unit {
            return None;
        }
        last_unit = unit;
        total = total.checked_add(number.parse::<u64>().ok()?.checked_mul(unit)?)?;
        number.clear();
    }
    if !number.is_empty() || last_unit == u64::MAX {
        return None;
    }
    u32::try_from(total).ok()
}

/// `secs` as hours, minutes and seconds (`1h30m`), for messages.
pub fn clock_words(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// How the credentials of a chain reach the sign-in federation endpoint, decided from the
/// chain and the credentials it gave. AWS documents the rules: the endpoint takes only
/// temporary credentials; GetSessionToken's cannot sign in; a `SessionDuration` is refused
/// (HTTP 400) for the credentials of a role assumed with temporary credentials (role
/// chaining), whose console session lasts the default hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Federation {
    /// Long-term keys (no session token): GetFederationToken first, whose own duration is
    /// the console session's.
    FederationToken,
    /// A user's MFA session (GetSessionToken), which cannot sign in: its long-term keys go
    /// through GetFederationToken instead.
    MfaSession,
    /// Temporary credentials that take a `SessionDuration`: a role assumed with long-term
    /// keys, web identity, IAM Identity Center.
    Duration,
    /// A role assumed with temporary credentials (role chaining): no `SessionDuration`.
    Chained,
    /// Temporary credentials of unknown origin (`credential_process`, keys written with a
    /// session token, the environment's): a `SessionDuration` is sent only when asked for.
    Unknown,
}

/// How `chain`, which gave `creds`, signs in (see [`Federation`]).
pub fn federation(chain: &Chain, creds: &Credentials) -> Federation {
    if chain.roles.is_empty() && chain.mfa_session.is_some() {
        return Federation::MfaSession;
    }
    if creds.session_token.as_deref().is_none_or(str::is_empty) {
        return Federation::FederationToken;
    }
    let long_term = |c: &Credentials| c.session_token.as_deref().is_none_or(str::is_empty);
    match (chain.roles.len(), &chain.base) {
        (0, Base::WebIdentity { .. } | Base::Sso { .. }) => Federation::Duration,
        (1, Base::StaticKeys { credentials, .. }) if long_term(credentials) => Federation::Duration,
        (
            1,
            Base::Process { .. }
            | Base::NamedSource {
                source: CredentialSource::Environment,
                ..
            },
        ) => Federation::Unknown,
        (0, _) => Federation::Unknown,
        _ => Federation::Chained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{MfaSession, RoleHop};

    #[test]
    fn partitions_follow_the_sdk_region_patterns() {
        assert_eq!(
            partition("us-east-1").unwrap().signin,
            "signin.aws.amazon.com"
        );
        assert_eq!(partition("eu-central-2").unwrap().id, "aws");
        assert_eq!(partition("mx-central-1").unwrap().id, "aws");
        let gov = partition("us-gov-west-1").unwrap();
        assert_eq!(
            (gov.signin, gov.console),
            (
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com"
            )
        );
        let cn = partition("cn-north-1").unwrap();
        assert_eq!(
            (cn.signin, cn.console),
            ("signin.amazonaws.cn", "console.amazonaws.cn")
        );
        assert!(matches!(
            partition("us-iso-east-1"),
            Err(ConsoleError::NoConsole {
                partition: "aws-iso",
                ..
            })
        ));
        assert!(matches!(
            partition("eusc-de-east-1"),
            Err(ConsoleError::NoConsole { .. })
        ));
        for bad in [
            "",
            "us-east",
            "moon-base-1",
            "us-east-1&x=y",
            "US-EAST-1",
            "us-gov-",
        ] {
            assert!(
                matches!(partition(bad), Err(ConsoleError::NotARegion(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn destinations_carry_the_region_except_for_global_services() {
        let aws = partition("eu-west-1").unwrap();
        assert_eq!(
            destination(&aws, "eu-west-1", None),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            destination(&aws, "eu-west-1", service("s3")),
            "https://console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            destination(&aws, "eu-west-1", service("iam")),
            "https://console.aws.amazon.com/iam/home"
        );
        assert_eq!(service("ddb"), service("dynamodb"));
        assert!(service("nope").is_none());
    }

    #[test]
    fn service_names_are_unique_and_completable() {
        let mut names: Vec<&str> = SERVICES
            .iter()
            .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name or alias is used twice");
        let sorted: Vec<&str> = SERVICES.iter().map(|s| s.name).collect();
        let mut check = sorted.clone();
        check.sort_unstable();
        assert_eq!(sorted, check, "SERVICES is kept sorted by name");
    }

    #[test]
    fn console_hosts_and_their_regional_names_only() {
        let aws = partition("us-east-1").unwrap();
        assert!(is_console_host(&aws, "console.aws.amazon.com"));
        assert!(is_console_host(&aws, "us-west-2.console.aws.amazon.com"));
        assert!(is_console_host(&aws, "S3.Console.AWS.Amazon.com"));
        assert!(!is_console_host(&aws, "evilconsole.aws.amazon.com"));
        assert!(!is_console_host(&aws, ".console.aws.amazon.com"));
        assert!(!is_console_host(
            &aws,
            "console.aws.amazon.com.evil.example"
        ));
        assert!(!is_console_host(&aws, "console.amazonaws.cn"));
    }

    #[test]
    fn durations_in_seconds_or_units_within_the_console_limits() {
        assert_eq!(session_duration("3600"), Ok(3600));
        assert_eq!(session_duration("1h"), Ok(3600));
        assert_eq!(session_duration("90m"), Ok(5400));
        assert_eq!(session_duration("1h30m"), Ok(5400));
        assert_eq!(session_duration("12h"), Ok(43_200));
        assert_eq!(session_duration("15m"), Ok(900));
        assert_eq!(session_duration("2H15M30S"), Ok(8130));
        for bad in [
            "",
            "h",
            "1x",
            "1.5h",
            "30m1h",
            "1h1h",
            "-1h",
            "1h 30m",
            "99999999999h",
        ] {
            assert!(session_duration(bad).is_err(), "{bad}");
        }
        let short = session_duration("10m").unwrap_err();
        assert!(
            short.contains("15m to 12h") && short.contains("10m"),
            "{short}"
        );
        assert!(session_duration("13h").is_err());
        assert_eq!(clock_words(5400), "1h30m");
    }

    fn keys(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIA".into(),
            secret_access_key: "s".into(),
            session_token: token.map(str::to_string),
            expiration: None,
            account_id: None,
        }
    }

    fn hop(profile: &str) -> RoleHop {
        RoleHop {
            profile: profile.into(),
            role_arn: "arn:aws:iam::1:role/r".into(),
            external_id: None,
            session_name: None,
            duration_seconds: None,
            mfa_serial: None,
            mfa_process: None,
        }
    }

    #[test]
    fn which_credentials_take_a_session_duration() {
        let temp = keys(Some("t"));
        let chain = |base: Base, roles: usize| Chain {
            base,
            roles: (0..roles).map(|i| hop(&format!("r{i}"))).collect(),
            mfa_session: None,
        };
        let statics = |token| Base::StaticKeys {
            profile: "u".into(),
            credentials: keys(token),
        };
        assert_eq!(
            federation(&chain(statics(None), 0), &keys(None)),
            Federation::FederationToken
        );
        assert_eq!(
            federation(&chain(statics(None), 1), &temp),
            Federation::Duration
        );
        assert_eq!(
            federation(&chain(statics(None), 2), &temp),
            Federation::Chained
        );
        assert_eq!(
            federation(&chain(statics(Some("t")), 1), &temp),
            Federation::Chained
        );
        assert_eq!(
            federation(&chain(statics(Some("t")), 0), &temp),
            Federation::Unknown
        );
        let sso = Base::Sso {
            profile: "s".into(),
            config: crate::chain::SsoConfig {
                session_name: None,
                start_url: None,
                region: None,
                account_id: None,
                role_name: None,
                registration_scopes: None,
            },
        };
        assert_eq!(
            federation(&chain(sso.clone(), 0), &temp),
            Federation::Duration
        );
        assert_eq!(federation(&chain(sso, 1), &temp), Federation::Chained);
        let process = Base::Process {
            profile: "p".into(),
            command: "x".into(),
            cache: false,
        };
        assert_eq!(
            federation(&chain(process.clone(), 0), &temp),
            Federation::Unknown
        );
        assert_eq!(
            federation(&chain(process.clone(), 0), &keys(None)),
            Federation::FederationToken
        );
        assert_eq!(federation(&chain(process, 1), &temp), Federation::Unknown);
        let imds = Base::NamedSource {
            profile: "i".into(),
            source: CredentialSource::Ec2InstanceMetadata,
        };
        assert_eq!(federation(&chain(imds, 1), &temp), Federation::Chained);
        let mut mfa = chain(statics(None), 0);
        mfa.mfa_session = Some(MfaSession {
            serial: "arn:aws:iam::1:mfa/a".into(),
            duration_seconds: None,
            mfa_process: None,
        });
        assert_eq!(federation(&mfa, &temp), Federation::MfaSession);
    }
}
