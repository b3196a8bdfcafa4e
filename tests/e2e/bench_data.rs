//! The benchmark's generated files (bench/gen.py) are deterministic and are files awsprof
//! reads the way the benchmark assumes: every profile listed, the target profile static
//! with its region, and the promised mix of kinds present. The benchmark itself is not run
//! here (speed is measured by bench/run, not by tests).

use crate::support;
use assert_cmd::Command;
use std::path::Path;
use std::process::Command as Proc;

fn generate(profiles: u32, seed: u32, out: &Path) {
    let status = Proc::new(support::python())
        .arg(support::repo_root().join("bench/gen.py"))
        .args([
            "--profiles",
            &profiles.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .arg("--out")
        .arg(out)
        .status()
        .expect("run bench/gen.py");
    assert!(status.success(), "bench/gen.py failed");
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn awsprof(dir: &Path) -> Command {
    let mut cmd = Command::new(support::bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("HOME", dir);
    cmd
}

#[test]
fn generator_output_depends_only_on_seed_and_size() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(300, 7, &a);
    generate(300, 7, &b);
    generate(300, 8, &c);
    for file in ["config", "credentials", "manifest.json"] {
        assert_eq!(
            read(&a, file),
            read(&b, file),
            "{file} differs for the same seed"
        );
    }
    assert_ne!(
        read(&a, "config"),
        read(&c, "config"),
        "another seed gave the same file"
    );
}

#[test]
fn generated_files_parse_with_every_profile_and_the_promised_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(400, 20261126, dir);
    let manifest: serde_json::Value = serde_json::from_slice(&read(dir, "manifest.json")).unwrap();
    let target = manifest["static"].as_str().unwrap();
    let region = manifest["static_region"].as_str().unwrap();

    let out = awsprof(dir)
        .arg("list")
        .assert()
        .success()
        .get_output()
        .clone();
    let names = String::from_utf8(out.stdout).unwrap();
    // 400 generated profiles plus [default].
    assert_eq!(names.lines().count(), 401, "stderr: {:?}", out.stderr);
    assert!(names.lines().any(|n| n == target));
    assert!(
        out.stderr.is_empty(),
        "warnings: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let json = awsprof(dir).args(["list", "--json"]).assert().success();
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(&json.get_output().stdout).unwrap();
    for kind in ["static", "static-session", "assume-role", "sso", "other"] {
        assert!(
            entries.iter().any(|e| e["kind"] == kind),
            "no profile of kind {kind} in the generated files"
        );
    }
    let target_entry = entries.iter().find(|e| e["name"] == target).unwrap();
    assert_eq!(target_entry["kind"], "static");

    awsprof(dir)
        .args(["get", "region", "--profile", target])
        .assert()
        .success()
        .stdout(format!("{region}\n"));
    // Region-only profiles carry the `s3 =` sub-property block.
    let other = entries.iter().find(|e| e["kind"] == "other").unwrap();
    awsprof(dir)
        .args(["get", "s3.max_concurrent_requests", "--profile"])
        .arg(other["name"].as_str().unwrap())
        .assert()
        .success()
        .stdout("20\n");
    awsprof(dir)
        .args(["get", "sso-session.corp-0.sso_registration_scopes"])
        .assert()
        .success()
        .stdout("sso:account:access\n");
}
