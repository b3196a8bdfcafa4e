//! Differential test against botocore (what the AWS CLI and boto3 read).
//!
//! For every case under tests/data/differential: `agree-*` cases must give exactly the
//! profiles and properties that `botocore.session.Session().full_config` gives. `div-*`
//! cases are the places where botocore and the AWS SDKs' shared-config spec disagree; each
//! has an `expect.json` recording both sides, and docs/divergences.md says which one we
//! follow and why. The test proves both recorded sides are what the tools really do.

use crate::support;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> Vec<PathBuf> {
    let dir = support::data_dir().join("differential");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn missing(case: &Path, file: &str) -> PathBuf {
    let p = case.join(file);
    if p.exists() {
        p
    } else {
        case.join("does-not-exist")
    }
}

fn botocore_view(case: &Path) -> Value {
    let script = support::repo_root().join("tests/support/botocore_view.py");
    let out = Command::new(support::python())
        .arg(script)
        .arg(missing(case, "config"))
        .arg(missing(case, "credentials"))
        .output()
        .unwrap();
    support::assert_ok(&out, "botocore_view.py");
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    if v.get("error").is_some() {
        // The message names the temp path; only the fact of the error is compared.
        v = json!({"error": true});
    }
    v
}

fn awsprof_view(case: &Path) -> Value {
    let run = |args: &[&str]| {
        Command::new(support::bin())
            .args(args)
            .env("AWS_CONFIG_FILE", missing(case, "config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", missing(case, "credentials"))
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_PROFILE")
            .output()
            .unwrap()
    };
    let list = run(&["list"]);
    if !list.status.success() {
        return json!({"error": true});
    }
    let mut profiles = Map::new();
    for name in String::from_utf8(list.stdout).unwrap().lines() {
        let show = run(&["show", name, "--json", "--reveal"]);
        let shown = support::stdout_ok(&show);
        let v: Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(v["name"], name);
        profiles.insert(name.to_string(), v["properties"].clone());
    }
    json!({ "profiles": profiles })
}

#[test]
fn awsprof_reads_files_as_botocore_does_except_documented_divergences() {
    support::require_python_module("botocore");
    let divergences_doc = std::fs::read_to_string(support::repo_root().join("docs/divergences.md"))
        .expect("docs/divergences.md exists");
    let mut checked = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_str().unwrap().to_string();
        let ours = awsprof_view(&case);
        let theirs = botocore_view(&case);
        if name.starts_with("agree-") {
            assert_eq!(ours, theirs, "{name}: awsprof and botocore disagree");
        } else {
            let expect: Value =
                serde_json::from_str(&std::fs::read_to_string(case.join("expect.json")).unwrap())
                    .unwrap();
            assert_eq!(ours, expect["awsprof"], "{name}: awsprof's side changed");
            assert_eq!(
                theirs, expect["botocore"],
                "{name}: botocore's side changed"
            );
            assert_ne!(ours, theirs, "{name}: no longer a divergence");
            assert!(
                divergences_doc.contains(&format!("`{name}`")),
                "{name} is not listed in docs/divergences.md"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} cases found");
}
