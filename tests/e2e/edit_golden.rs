//! Edits of messy real-world files: each case runs awsprof commands on
//! data/edit/messy.{config,credentials} and checks (1) the result against a golden file
//! and (2) independently of the golden files, that every line that differs from the
//! input is one the command meant to touch. `AWSPROF_BLESS=1` rewrites the golden files.

use crate::support::{self, AwsHome};
use std::path::PathBuf;

struct Case {
    name: &'static str,
    commands: &'static [&'static [&'static str]],
    /// Every added or removed line must contain one of these.
    touches: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "set_existing_value_keeps_comment",
        commands: &[&["set", "region", "us-east-2"]],
        touches: &["region=us-e"],
    },
    Case {
        name: "set_where_credentials_file_wins",
        commands: &[&["set", "region", "eu-south-1", "--profile", "dev"]],
        touches: &["region = eu-"],
    },
    Case {
        name: "new_key_goes_before_trailing_comment",
        commands: &[&["set", "profile.dev.cli_pager", "less"]],
        touches: &["cli_pager = less"],
    },
    Case {
        name: "sub_property_added_and_changed_in_block",
        commands: &[
            &["set", "s3.max_queue_size", "500", "-p", "dev"],
            &["set", "s3.multipart_chunksize", "16MB", "-p", "dev"],
        ],
        touches: &["max_queue_size", "multipart_chunksize"],
    },
    Case {
        name: "duplicate_section_edits_the_last",
        commands: &[&["set", "region", "ap-northeast-1", "-p", "legacy"]],
        touches: &["region = ap-"],
    },
    Case {
        name: "continuation_value_replaced",
        commands: &[&["set", "profile.prod.description", "short"]],
        touches: &["description", "value continued", "on three lines"],
    },
    Case {
        name: "delete_key_and_block",
        commands: &[
            &["set", "cli_pager", "--delete"],
            &["set", "s3", "--delete", "-p", "dev"],
        ],
        touches: &[
            "cli_pager",
            "s3 =",
            "max_concurrent_requests",
            "max_queue_size",
            "use_accelerate_endpoint",
            "\n",
        ],
    },
    Case {
        name: "secrets_to_credentials_crlf_kept",
        commands: &[
            &[
                "set",
                "aws_secret_access_key",
                "xJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ],
            &[
                "set",
                "aws_access_key_id",
                "AKIAIOSFODNN7EXAMPLF",
                "-p",
                "new",
            ],
            &["set", "aws_session_token", "--delete", "-p", "old"],
        ],
        touches: &[
            "aws_secret_access_key = x",
            "[new]",
            "AKIAIOSFODNN7EXAMPLF",
            "stale",
            "\r\n",
        ],
    },
    Case {
        name: "sso_session_and_services",
        commands: &[
            &[
                "set",
                "sso-session.corp.sso_registration_scopes",
                "sso:account:access",
            ],
            &[
                "set",
                "services.local.s3.endpoint_url",
                "http://127.0.0.1:9000",
            ],
            &[
                "set",
                "services.local.dynamodb.endpoint_url",
                "http://127.0.0.1:8000",
            ],
        ],
        touches: &[
            "sso_registration_scopes",
            "endpoint_url = http",
            "dynamodb =",
        ],
    },
    Case {
        name: "new_profile_appended",
        commands: &[&["set", "region", "us-west-2", "-p", "brand-new"]],
        touches: &["[profile brand-new]", "region = us-west-2", "\n"],
    },
    Case {
        name: "remove_profile_in_the_middle",
        commands: &[&["remove", "prod", "--yes"]],
        touches: &[
            "[profile prod]",
            "role_arn = arn:aws:iam::123456789012",
            "source_profile = dev",
            "mfa_serial",
            "description",
            "value continued",
            "on three lines",
            "\n",
        ],
    },
    Case {
        name: "rename_fixes_source_profile",
        commands: &[&["rename", "prod", "production"]],
        touches: &["[profile prod", "source_profile = prod"],
    },
];

fn data(name: &str) -> PathBuf {
    support::data_dir().join("edit").join(name)
}

/// Lines only in `a` and lines only in `b`, by a minimal line diff.
fn changed_lines<'a>(a: &'a str, b: &'a str) -> Vec<&'a str> {
    let a: Vec<&str> = a.split_inclusive('\n').collect();
    let b: Vec<&str> = b.split_inclusive('\n').collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag != similar::DiffTag::Equal {
            out.extend_from_slice(&a[old]);
            out.extend_from_slice(&b[new]);
        }
    }
    out
}

#[test]
fn edits_of_messy_files_change_only_the_intended_lines() {
    let config = std::fs::read_to_string(data("messy.config")).unwrap();
    let creds = std::fs::read_to_string(data("messy.credentials")).unwrap();
    let bless = std::env::var_os("AWSPROF_BLESS").is_some();
    let mut failures = Vec::new();
    for case in CASES {
        let home = AwsHome::with(&config, &creds);
        for args in case.commands {
            let out = home.run(args);
            support::assert_ok(&out, format!("{}: awsprof {args:?}", case.name));
            assert!(
                out.stdout.is_empty(),
                "{}: stdout is for data only",
                case.name
            );
        }
        let mut any_change = false;
        for (file, before, path) in [
            ("config", &config, home.config()),
            ("credentials", &creds, home.credentials()),
        ] {
            let after = std::fs::read_to_string(&path).unwrap();
            any_change |= after != *before;
            for line in changed_lines(before, &after) {
                let blank = line.trim().is_empty();
                assert!(
                    case.touches.iter().any(|t| line.contains(t))
                        || (blank && case.touches.contains(&"\n")),
                    "{}: {file}: line {line:?} changed but the command did not mean to touch it",
                    case.name
                );
            }
            let golden = data(&format!("golden/{}.{file}", case.name));
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &after).unwrap();
            } else {
                let want = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
                    panic!("{}: {e} (run with AWSPROF_BLESS=1)", golden.display())
                });
                if want != after {
                    failures.push(format!(
                        "{}: {file} differs from {}:\n{after}",
                        case.name,
                        golden.display()
                    ));
                }
            }
        }
        assert!(any_change, "{}: nothing changed", case.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_file_that_does_not_parse_is_never_written() {
    let config = "[profile a]\nregion = x\nthis line has no equals sign\n";
    let home = AwsHome::with(config, "");
    for args in [
        &["set", "region", "y", "-p", "a"][..],
        &[
            "set",
            "aws_access_key_id",
            "AKIAIOSFODNN7EXAMPLE",
            "-p",
            "a",
        ],
        &["rename", "a", "b"],
        &["remove", "a", "--yes"],
    ] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("config:3:"),
            "{args:?}: error names file:line: {err}"
        );
        assert_eq!(std::fs::read_to_string(home.config()).unwrap(), config);
        assert_eq!(std::fs::read_to_string(home.credentials()).unwrap(), "");
    }
}
