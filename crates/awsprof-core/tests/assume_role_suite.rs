//! Runs every case of the AWS SDKs' `assume-role-tests.json` (vendored under
//! `tests/data/sdk-profile-suite`, Apache-2.0) against the chain resolver: the same chain,
//! step by step, or an error whose message contains the SDKs' wording.

use awsprof_core::chain::{self, Base, Chain};
use awsprof_core::model::{ProfileSet, Property, Section};
use awsprof_core::FileKind;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn section(name: &str, props: &Value) -> Section {
    let mut s = Section {
        name: name.to_string(),
        in_config: true,
        ..Section::default()
    };
    for (k, v) in props.as_object().expect("properties are an object") {
        s.properties.insert(
            k.to_ascii_lowercase(),
            Property {
                value: v.as_str().expect("values are strings").to_string(),
                file: FileKind::Config,
                line: 1,
            },
        );
    }
    s
}

fn input(case: &Value) -> (ProfileSet, String) {
    let mut set = ProfileSet::default();
    let input = &case["input"];
    for (name, props) in input["profiles"].as_object().into_iter().flatten() {
        set.profiles.insert(name.clone(), section(name, props));
    }
    for (name, props) in input["sso_sessions"].as_object().into_iter().flatten() {
        set.sso_sessions.insert(name.clone(), section(name, props));
    }
    let selected = input["selected_profile"].as_str().unwrap().to_string();
    (set, selected)
}

/// An object of the keys that are set, as the suite writes a step.
fn obj(pairs: &[(&str, Option<&str>)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            m.insert(k.to_string(), Value::String(v.to_string()));
        }
    }
    Value::Object(m)
}

fn as_suite_output(chain: &Chain) -> Value {
    let mut steps = Vec::new();
    steps.push(match &chain.base {
        Base::StaticKeys { credentials: c, .. } => json!({ "AccessKey": obj(&[
            ("access_key_id", Some(&c.access_key_id)),
            ("secret_access_key", Some(&c.secret_access_key)),
            ("session_token", c.session_token.as_deref()),
            ("account_id", c.account_id.as_deref()),
        ])}),
        Base::NamedSource { source, .. } => json!({ "NamedSource": source.as_str() }),
        Base::WebIdentity {
            role_arn,
            token_file,
            session_name,
            ..
        } => json!({ "WebIdentityToken": obj(&[
            ("role_arn", Some(role_arn)),
            ("web_identity_token_file", Some(token_file)),
            ("role_session_name", session_name.as_deref()),
        ])}),
        Base::Sso { config: c, .. } => json!({ "Sso": obj(&[
            ("sso_session", c.session_name.as_deref()),
            ("sso_start_url", c.start_url.as_deref()),
            ("sso_region", c.region.as_deref()),
            ("sso_account_id", c.account_id.as_deref()),
            ("sso_role_name", c.role_name.as_deref()),
        ])}),
        Base::Process { command, .. } => json!({ "CredentialProcess": command }),
        Base::Login { session, .. } => json!({ "LoginSession": session }),
        // awsprof's own credential_process line; the suite has none.
        Base::Keyring { account, .. } => json!({ "Keyring": account }),
    });
    for hop in &chain.roles {
        steps.push(json!({ "AssumeRole": obj(&[
            ("role_arn", Some(&hop.role_arn)),
            ("external_id", hop.external_id.as_deref()),
            ("role_session_name", hop.session_name.as_deref()),
        ])}));
    }
    json!({ "ProfileChain": steps })
}

#[test]
fn every_assume_role_case_of_the_sdk_suite_passes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sdk-profile-suite/assume-role-tests.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(cases.len(), 28, "the vendored suite has its 28 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let docs = case["docs"].as_str().unwrap();
        let (set, selected) = input(case);
        let got = chain::resolve(&set, &selected);
        let expected = &case["output"];
        match (expected.get("Error").and_then(Value::as_str), got) {
            (Some(msg), Err(e)) if e.to_string().contains(msg) => {}
            (None, Ok(c)) if &as_suite_output(&c) == expected => {}
            (_, got) => failures.push(format!("{docs}\n  expected {expected}\n  got {got:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
