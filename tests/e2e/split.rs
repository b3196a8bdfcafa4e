//! `awsprof` links no network code; `awsprof-net` beside it does the network work.

use crate::support;
use crate::support::AwsHome;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn awsprof_carries_no_sdk_code_and_awsprof_net_does() {
    let light = std::fs::read(support::bin()).unwrap();
    let net = std::fs::read(support::net_bin()).unwrap();
    // A header of the SigV4 signer: a string only the SDK code holds (debug info may name
    // SDK types in both; the code itself is what must be absent).
    let needle = b"X-Amz-Date";
    assert!(
        contains(&net, needle),
        "awsprof-net should hold the STS client"
    );
    assert!(!contains(&light, needle), "awsprof links SDK code");
    assert!(light.len() < net.len());
}

/// Runs `awsprof ARGS` from a copy alone in a directory of `home`, with no awsprof-net
/// beside it or on PATH.
fn alone(home: &AwsHome, args: &[&str]) -> std::process::Output {
    let dir = home.path().join("bin");
    let exe = dir.join("awsprof");
    if !exe.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(support::bin(), &exe).unwrap();
    }
    let mut cmd = std::process::Command::new(&exe);
    home.isolate(&mut cmd);
    cmd.env("PATH", "/usr/bin:/bin").args(args);
    // A process another test forks while the copy is being written holds the copy open
    // for writing until it execs: running it then fails with ETXTBSY for a moment.
    for _ in 0..50 {
        match cmd.output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            out => return out.unwrap(),
        }
    }
    cmd.output().unwrap()
}

#[test]
fn without_awsprof_net_static_keys_work_and_roles_say_what_is_missing() {
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let run = |args: &[&str]| alone(&home, args);
    let out = run(&["export", "keys"]);
    assert!(support::stdout_ok(&out).contains("AKIAIOSFODNN7EXAMPLE"));
    let out = run(&["export", "role"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("awsprof-net was not found"), "{err}");
}

/// The file-only package is file-only by construction, not by the linker's grace: no
/// `aws-*` crate anywhere in its normal dependency tree, while the network package has
/// the SDK.
#[test]
fn the_awsprof_package_has_no_aws_crate_in_its_dependency_tree() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tree = |package: &str| {
        let out = std::process::Command::new(&cargo)
            .args([
                "tree", "--frozen", "-e", "normal", "--prefix", "none", "-p", package,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo tree");
        assert!(
            out.status.success(),
            "cargo tree -p {package}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let aws = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("aws-"))
            .map(str::to_string)
            .collect()
    };
    let light = tree("awsprof");
    assert!(
        light.lines().any(|l| l.starts_with("awsprof-core ")),
        "{light}"
    );
    assert_eq!(
        aws(&light),
        Vec::<String>::new(),
        "awsprof depends on the SDK"
    );
    let net = aws(&tree("awsprof-net"));
    assert!(net.iter().any(|l| l.starts_with("aws-sdk-sts ")), "{net:?}");
}

/// A role export served by a warm cache is this one process: with awsprof-net nowhere to
/// be found it still succeeds, with the cached credentials, while a miss says what is
/// missing.
#[test]
fn a_warm_cache_role_export_runs_without_awsprof_net() {
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\nregion = eu-west-1\n[profile other]\nrole_arn = arn:aws:iam::123456789012:role/Other\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    // The entry the AWS CLI would have written: named by the SHA-1 of botocore's JSON
    // of the call's arguments, computed here by Python.
    let key = support::python_sha1(r#"{"RoleArn": "arn:aws:iam::123456789012:role/R"}"#);
    let expires = support::python_utc_in(3600);
    let cache = home.path().join(".aws/cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{key}.json")),
        format!(r#"{{"Credentials": {{"AccessKeyId": "ASIACACHEDEXAMPLE123", "SecretAccessKey": "cached-secret", "SessionToken": "cached-token", "Expiration": "{expires}"}}}}"#),
    )
    .unwrap();
    let run = |args: &[&str]| alone(&home, args);
    let out = run(&["export", "role"]);
    let text = support::stdout_ok(&out);
    assert_eq!(
        text,
        format!("export AWS_ACCESS_KEY_ID='ASIACACHEDEXAMPLE123'\nexport AWS_SECRET_ACCESS_KEY='cached-secret'\nexport AWS_SESSION_TOKEN='cached-token'\nexport AWS_CREDENTIAL_EXPIRATION='{expires}'\nexport AWS_REGION='eu-west-1'\nexport AWS_DEFAULT_REGION='eu-west-1'\n")
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --refresh must fetch, so it needs the network side.
    let out = run(&["export", "role", "--refresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("awsprof-net was not found"));
    // Another role, not cached: a miss.
    let out = run(&["export", "other"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
