//! Which environment variables select and carry a profile, and the plan of what `use`,
//! `unset` and `export` set and clear.
//!
//! The plan is data ([`Plan`]); turning it into shell code is the job of [`crate::shell`],
//! where all quoting lives.

use crate::creds::Credentials;

/// The profile this environment selects: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`. Empty values count as unset.
pub fn selected_profile(env: &dyn Fn(&str) -> Option<String>) -> String {
    explicit_profile(env).unwrap_or_else(|| "default".to_string())
}

/// The profile this environment names explicitly (`AWS_PROFILE`, else
/// `AWS_DEFAULT_PROFILE`), without falling back to `default`.
pub fn explicit_profile(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    [AWS_PROFILE, AWS_DEFAULT_PROFILE]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
}

/// Selects the profile by name.
pub const AWS_PROFILE: &str = "AWS_PROFILE";
/// The older name of `AWS_PROFILE`, still read by the AWS CLI.
pub const AWS_DEFAULT_PROFILE: &str = "AWS_DEFAULT_PROFILE";
/// The region read by the SDKs.
pub const AWS_REGION: &str = "AWS_REGION";
/// The region read by the AWS CLI.
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
/// The access key id.
pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
/// The secret access key.
pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// The session token of temporary credentials.
pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// The session token's old name, still read by some tools.
pub const AWS_SECURITY_TOKEN: &str = "AWS_SECURITY_TOKEN";
/// When temporary credentials expire (RFC 3339), as the AWS CLI v2 exports it.
pub const AWS_CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
/// When temporary credentials expire, as aws-vault and others export it.
pub const AWS_SESSION_EXPIRATION: &str = "AWS_SESSION_EXPIRATION";

/// awsprof's own variable: the profile this shell used before the last `use` or
/// `unset` that changed it, which `use -` returns to; empty when the shell had no profile.
/// Not an `AWS_` name, so no AWS tool reads it.
pub const PREVIOUS_PROFILE: &str = "AWSPROF_PREVIOUS_PROFILE";

/// Where `use -` goes back to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Previous {
    /// The shell had no profile (the variable is set and empty): `use -` does what
    /// `unset` does, as `cd -` returns to wherever the shell was.
    NoProfile,
    /// This profile.
    Profile(String),
}

/// What `use -` returns to, from [`PREVIOUS_PROFILE`]; `None` when the variable is not set
/// at all (no `use` or `unset` has changed the profile in this shell).
pub fn previous(env: &dyn Fn(&str) -> Option<String>) -> Option<Previous> {
    env(PREVIOUS_PROFILE).map(|p| {
        if p.is_empty() {
            Previous::NoProfile
        } else {
            Previous::Profile(p)
        }
    })
}

/// The region variables, in the order they are set.
pub const REGION_VARS: &[&str] = &[AWS_REGION, AWS_DEFAULT_REGION];

/// Variables that carry an identity other than `AWS_PROFILE`. They override `AWS_PROFILE`
/// in the SDKs and the CLI, so `use` clears every one of them.
pub const IDENTITY_VARS: &[&str] = &[
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN,
    AWS_SECURITY_TOKEN,
    AWS_CREDENTIAL_EXPIRATION,
    AWS_SESSION_EXPIRATION,
    AWS_DEFAULT_PROFILE,
];

/// Every variable `use` may set or clear: what `unset` clears.
pub const ALL_VARS: &[&str] = &[
    AWS_PROFILE,
    AWS_REGION,
    AWS_DEFAULT_REGION,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN,
    AWS_SECURITY_TOKEN,
    AWS_CREDENTIAL_EXPIRATION,
    AWS_SESSION_EXPIRATION,
    AWS_DEFAULT_PROFILE,
];

/// The container credential endpoint (ECS, EKS Pod Identity, `env --server`), read by
/// every SDK and the AWS CLI.
pub const AWS_CONTAINER_CREDENTIALS_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The `Authorization` header the container endpoint wants.
pub const AWS_CONTAINER_AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Besides [`IDENTITY_VARS`] and `AWS_PROFILE`, the variables through which the SDKs'
/// default chain finds credentials before it asks the container endpoint: the Java SDK's
/// old names for the keys, a web identity, the ECS agent's relative URI (which wins over
/// the full one), a token file (which wins over the token), the EC2 CLI's credential file.
pub const BEFORE_CONTAINER_VARS: &[&str] = &[
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_FILE",
];

/// `env PROFILE --server -- CMD`: CMD's environment. Nothing that would win over the
/// container endpoint is left; the endpoint and its token are set, and the region
/// variables as for `env` (set to the profile's region, or cleared).
pub fn server_plan(region: Option<&str>, uri: &str, token: &str) -> Plan {
    let mut plan = Plan::default();
    for var in IDENTITY_VARS
        .iter()
        .chain(&[AWS_PROFILE])
        .chain(BEFORE_CONTAINER_VARS)
    {
        plan.unset(var);
    }
    plan.set(AWS_CONTAINER_CREDENTIALS_FULL_URI, uri);
    plan.set(AWS_CONTAINER_AUTHORIZATION_TOKEN, token);
    for var in REGION_VARS {
        plan.set_or_unset(var, region);
    }
    plan
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Set (and export) a variable.
    Set(&'static str, String),
    /// Remove a variable from the environment.
    Unset(&'static str),
}

/// What to set and clear, in order. Formats render it; they never reorder it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The steps.
    pub ops: Vec<Op>,
}

impl Plan {
    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        self.ops.push(Op::Set(key, value.into()));
    }

    fn unset(&mut self, key: &'static str) {
        self.ops.push(Op::Unset(key));
    }

    fn set_or_unset(&mut self, key: &'static str, value: Option<&str>) {
        match value {
            Some(v) => self.set(key, v),
            None => self.unset(key),
        }
    }

    /// Records the profile being left (`""` for none) for `use -`, unless the switch stays
    /// where it is (`use P` while P is active, `unset` with no profile): then the way back
    /// is left as it was. `None` records nothing.
    fn remember(&mut self, leaving: Option<&str>, arriving: &str) {
        if let Some(leaving) = leaving.filter(|l| *l != arriving) {
            self.set(PREVIOUS_PROFILE, leaving);
        }
    }

    /// The value this plan sets for `key`, if it sets one.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.ops.iter().rev().find_map(|op| match op {
            Op::Set(k, v) if *k == key => Some(v.as_str()),
            Op::Unset(k) if *k == key => None,
            _ => None,
        })
    }

    /// Only the assignments, in order (for formats that cannot unset: dotenv, JSON).
    pub fn sets(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.ops.iter().filter_map(|op| match op {
            Op::Set(k, v) => Some((*k, v.as_str())),
            Op::Unset(_) => None,
        })
    }
}

/// `use PROFILE`: set `AWS_PROFILE` and the region variables (or clear them when the
/// profile has no region), and clear every other identity variable so none of the old
/// identity is left behind.
///
/// `previous` is the profile the shell is leaving, `Some("")` when it has none; it is kept
/// for `use -` (see [`PREVIOUS_PROFILE`]). `None` keeps nothing: a plan that is not
/// applied to a shell, such as the environment of `env`'s command.
pub fn use_plan(profile: &str, region: Option<&str>, previous: Option<&str>) -> Plan {
    let mut plan = Plan::default();
    for var in IDENTITY_VARS {
        plan.unset(var);
    }
    plan.set(AWS_PROFILE, profile);
    for var in REGION_VARS {
        plan.set_or_unset(var, region);
    }
    plan.remember(previous, profile);
    plan
}

/// `use --credentials PROFILE`: as [`use_plan`] (`previous` too), and the resolved keys
/// exported, for tools that do not read profiles. Variables the credentials lack are
/// cleared.
pub fn use_credentials_plan(
    profile: &str,
    region: Option<&str>,
    creds: &Credentials,
    previous: Option<&str>,
) -> Plan {
    let mut plan = Plan::default();
    for var in [
        AWS_DEFAULT_PROFILE,
        AWS_SECURITY_TOKEN,
        AWS_SESSION_EXPIRATION,
    ] {
        plan.unset(var);
    }
    plan.set(AWS_PROFILE, profile);
    plan.ops.extend(credential_ops(creds, true));
    for var in REGION_VARS {
        plan.set_or_unset(var, region);
    }
    plan.remember(previous, profile);
    plan
}

/// `unset`: clear every variable `use` may set; remember the profile being left
/// (`previous`, as for [`use_plan`]) so that `use -` can return to it.
pub fn unset_plan(previous: Option<&str>) -> Plan {
    let mut plan = Plan::default();
    for var in ALL_VARS {
        plan.unset(var);
    }
    plan.remember(previous, "");
    plan
}

/// `export`: the credentials in the order of the AWS CLI v2 `configure export-credentials`
/// (key id, secret, session token, expiration), then the region variables when there is a
/// region. Only assignments.
pub fn export_plan(creds: &Credentials, region: Option<&str>) -> Plan {
    let mut plan = Plan {
        ops: credential_ops(creds, false),
    };
    if let Some(r) = region {
        for var in REGION_VARS {
            plan.set(var, r);
        }
    }
    plan
}

fn credential_ops(creds: &Credentials, clear_missing: bool) -> Vec<Op> {
    let mut ops = vec![
        Op::Set(AWS_ACCESS_KEY_ID, creds.access_key_id.clone()),
        Op::Set(AWS_SECRET_ACCESS_KEY, creds.secret_access_key.clone()),
    ];
    for (key, value) in [
        (AWS_SESSION_TOKEN, &creds.session_token),
        (AWS_CREDENTIAL_EXPIRATION, &creds.expiration),
    ] {
        match value {
            Some(v) => ops.push(Op::Set(key, v.clone())),
            None if clear_missing => ops.push(Op::Unset(key)),
            None => {}
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKID".into(),
            secret_access_key: "SECRET".into(),
            session_token: token.map(str::to_string),
            expiration: token.map(|_| "2030-01-01T00:00:00Z".to_string()),
            account_id: None,
        }
    }

    fn keys(plan: &Plan) -> Vec<String> {
        plan.ops
            .iter()
            .map(|op| match op {
                Op::Set(k, _) => format!("+{k}"),
                Op::Unset(k) => format!("-{k}"),
            })
            .collect()
    }

    #[test]
    fn aws_profile_beats_default_profile() {
        let env = |k: &str| match k {
            "AWS_PROFILE" => Some("a".into()),
            "AWS_DEFAULT_PROFILE" => Some("b".into()),
            _ => None,
        };
        assert_eq!(selected_profile(&env), "a");
        let env = |k: &str| (k == "AWS_DEFAULT_PROFILE").then(|| "b".to_string());
        assert_eq!(selected_profile(&env), "b");
        assert_eq!(selected_profile(&|_| Some(String::new())), "default");
        assert_eq!(explicit_profile(&|_| None), None);
    }

    #[test]
    fn use_touches_exactly_the_contract_variables() {
        let plan = use_plan("p", Some("eu-west-1"), Some("p"));
        let mut touched: Vec<&str> = plan
            .ops
            .iter()
            .map(|op| match op {
                Op::Set(k, _) | Op::Unset(k) => *k,
            })
            .collect();
        touched.sort_unstable();
        let mut all = ALL_VARS.to_vec();
        all.sort_unstable();
        assert_eq!(touched, all);
        assert_eq!(plan.value(AWS_PROFILE), Some("p"));
        assert_eq!(plan.value(AWS_DEFAULT_REGION), Some("eu-west-1"));
        assert_eq!(plan.value(AWS_ACCESS_KEY_ID), None);
    }

    #[test]
    fn use_without_region_clears_region_and_remembers_previous() {
        let plan = use_plan("p", None, Some("old"));
        assert!(plan.ops.contains(&Op::Unset(AWS_REGION)));
        assert!(plan.ops.contains(&Op::Unset(AWS_DEFAULT_REGION)));
        assert_eq!(plan.value(PREVIOUS_PROFILE), Some("old"));
    }

    #[test]
    fn leaving_no_profile_is_remembered_as_empty() {
        assert_eq!(
            use_plan("p", None, Some("")).value(PREVIOUS_PROFILE),
            Some("")
        );
        assert_eq!(use_plan("p", None, None).value(PREVIOUS_PROFILE), None);
        let with =
            |value: &'static str| move |k: &str| (k == PREVIOUS_PROFILE).then(|| value.to_string());
        assert_eq!(previous(&with("")), Some(Previous::NoProfile));
        assert_eq!(previous(&with("a")), Some(Previous::Profile("a".into())));
        assert_eq!(previous(&|_| None), None);
    }

    #[test]
    fn a_switch_that_stays_put_keeps_the_way_back() {
        let touches_previous = |plan: &Plan| {
            plan.ops.iter().any(|op| match op {
                Op::Set(k, _) | Op::Unset(k) => *k == PREVIOUS_PROFILE,
            })
        };
        assert!(!touches_previous(&use_plan("p", Some("r"), Some("p"))));
        assert!(!touches_previous(&use_credentials_plan(
            "p",
            None,
            &creds(None),
            Some("p")
        )));
        assert!(!touches_previous(&unset_plan(Some(""))));
        assert!(!touches_previous(&unset_plan(None)));
        assert_eq!(unset_plan(Some("p")).value(PREVIOUS_PROFILE), Some("p"));
    }

    #[test]
    fn export_follows_the_aws_cli_order() {
        let plan = export_plan(&creds(Some("TOKEN")), Some("r"));
        assert_eq!(
            keys(&plan),
            [
                "+AWS_ACCESS_KEY_ID",
                "+AWS_SECRET_ACCESS_KEY",
                "+AWS_SESSION_TOKEN",
                "+AWS_CREDENTIAL_EXPIRATION",
                "+AWS_REGION",
                "+AWS_DEFAULT_REGION"
            ]
        );
        assert_eq!(
            keys(&export_plan(&creds(None), None)),
            ["+AWS_ACCESS_KEY_ID", "+AWS_SECRET_ACCESS_KEY"]
        );
    }

    #[test]
    fn use_credentials_clears_what_the_credentials_lack() {
        let plan = use_credentials_plan("p", None, &creds(None), None);
        for var in IDENTITY_VARS {
            assert!(
                plan.ops.iter().any(|op| match op {
                    Op::Set(k, _) | Op::Unset(k) => k == var,
                }),
                "{var} not touched"
            );
        }
        assert!(plan.ops.contains(&Op::Unset(AWS_SESSION_TOKEN)));
        assert_eq!(plan.value(AWS_SECRET_ACCESS_KEY), Some("SECRET"));
    }

    #[test]
    fn unset_clears_everything_and_keeps_the_way_back() {
        let plan = unset_plan(Some("p"));
        assert_eq!(plan.sets().collect::<Vec<_>>(), [(PREVIOUS_PROFILE, "p")]);
        assert_eq!(plan.ops.len(), ALL_VARS.len() + 1);
    }
}
