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

#[test]
fn without_awsprof_net_static_keys_work_and_roles_say_what_is_missing() {
    let home = AwsHome::with(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let alone = home.path().join("bin");
    std::fs::create_dir_all(&alone).unwrap();
    let exe = alone.join("awsprof");
    std::fs::copy(support::bin(), &exe).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&exe);
        home.isolate(&mut cmd);
        cmd.env("PATH", "/usr/bin:/bin")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["export", "keys"]);
    assert!(support::stdout_ok(&out).contains("AKIAIOSFODNN7EXAMPLE"));
    let out = run(&["export", "role"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("awsprof-net was not found"), "{err}");
}
