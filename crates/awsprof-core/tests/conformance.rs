//! Runs every case of the AWS SDKs' shared conformance suite (vendored under
//! `tests/data/sdk-profile-suite`, Apache-2.0) against our parser and file locator.

use awsprof_core::model::{Filter, ProfileSet, Section};
use awsprof_core::store::{Paths, Platform};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn suite(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sdk-profile-suite")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn as_map(sections: &IndexMap<String, Section>) -> BTreeMap<String, BTreeMap<String, String>> {
    sections
        .iter()
        .map(|(name, s)| {
            let props = s
                .properties
                .iter()
                .map(|(k, p)| (k.clone(), p.value.clone()))
                .collect();
            (name.clone(), props)
        })
        .collect()
}

fn expected_map(v: Option<&Value>) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    let obj: &Map<String, Value> = v?.as_object().unwrap();
    Some(
        obj.iter()
            .map(|(name, props)| {
                let props = props
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                (name.clone(), props)
            })
            .collect(),
    )
}

#[test]
fn every_profile_parser_case_passes() {
    let data = suite("profile-parser-tests.json");
    let tests = data["tests"].as_array().unwrap();
    assert!(tests.len() >= 60, "the suite has its cases");
    let mut failures = Vec::new();
    for case in tests {
        let name = case["name"].as_str().unwrap();
        let config = case["input"]["configFile"].as_str();
        let creds = case["input"]["credentialsFile"].as_str();
        let got = ProfileSet::from_texts(config, creds, Filter::All);
        let out = &case["output"];
        match (out.get("errorContaining"), got) {
            (Some(want), Err((_, e))) => {
                let want = want.as_str().unwrap();
                if !e.kind.message().contains(want) {
                    failures.push(format!("{name}: error {e} does not contain {want:?}"));
                }
            }
            (Some(want), Ok(set)) => {
                failures.push(format!("{name}: expected error {want}, got {set:?}"))
            }
            (None, Err((_, e))) => failures.push(format!("{name}: unexpected error {e}")),
            (None, Ok(set)) => {
                let profiles = expected_map(out["config"].get("profiles")).unwrap();
                if as_map(&set.profiles) != profiles {
                    failures.push(format!(
                        "{name}: profiles {:?} != expected {:?}",
                        as_map(&set.profiles),
                        profiles
                    ));
                }
                if let Some(sso) = expected_map(out["config"].get("sso_sessions")) {
                    if as_map(&set.sso_sessions) != sso {
                        failures.push(format!("{name}: sso_sessions differ"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_location_case_passes() {
    let data = suite("file-location-tests.json");
    let tests = data["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 9);
    for case in tests {
        let env: BTreeMap<String, String> = case["environment"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let platform = match case["platform"].as_str().unwrap() {
            "windows" => Platform::Windows,
            _ => Platform::Unix,
        };
        let paths = Paths::locate(&|k| env.get(k).cloned(), platform);
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            paths.config,
            PathBuf::from(case["configLocation"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(
            paths.credentials,
            PathBuf::from(case["credentialsLocation"].as_str().unwrap()),
            "{name}"
        );
        if let Some(profile) = case.get("profile").and_then(Value::as_str) {
            let selected = awsprof_core::env::selected_profile(&|k| env.get(k).cloned());
            assert_eq!(selected, profile, "{name}");
        }
    }
}
