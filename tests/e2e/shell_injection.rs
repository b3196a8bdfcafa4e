//! Injection round trip: values (and profile names) full of quotes, `$(touch X)`,
//! backticks, `\`, `!`, `%`, `;`, newlines, tabs, leading `-` and long unicode strings are
//! rendered in every shell format, evaluated by the real shell, and must come back byte
//! for byte, with no file `X` ever created. Many cases are batched into one shell process.
//! nushell's format is JSON data that the integration applies with load-env and hide-env;
//! it is applied by the integration's own code in a real nu.
//!
//! PowerShell and cmd.exe are not on the test machines; their quoting is pinned by the
//! unit tests in crates/awsprof-core/src/shell/.

use crate::support;
use awsprof_core::creds::Credentials;
use awsprof_core::env::{self as vars, Op, Plan};
use awsprof_core::shell::{FormatError, Kind};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeMap;

/// Pieces that mean something to some shell.
const NASTY: &[&str] = &[
    "'",
    "\"",
    "$(touch X)",
    "`touch X`",
    "\\",
    "!",
    "!!",
    "%",
    "%PATH%",
    ";",
    "\n",
    "\t",
    "\r",
    "-",
    "--",
    "-e ",
    "$X",
    "${X}",
    "$'\\x41'",
    "*",
    "?",
    "[a]",
    "~",
    "#",
    "&",
    "|",
    ">X",
    "<",
    "\\'",
    "'\\''",
    "\\\\",
    "\"$(touch X)\"",
    "'; touch X; '",
    "\u{1}",
    "\u{7f}",
    "\u{1b}[31m",
    "é",
    "日本語",
    "🦀",
    "\u{2019}",
    "\u{2018}",
    " ",
    "{a,b}",
    "(",
    ")",
    "^",
    "=",
    "\\n",
    "%%",
    "\u{a0}",
    "\u{200b}",
];

fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(NASTY).prop_map(str::to_string),
        1 => "[A-Za-z0-9/+=]{1,12}",
        1 => any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
    ];
    prop_oneof![
        8 => proptest::collection::vec(piece, 0..10).prop_map(|v| v.concat()),
        1 => "\\PC{100,300}",
    ]
}

/// What the shell should hold after evaluating `plan` over stale values: the plan's value,
/// or None for unset.
fn expected(plan: &Plan, kind: Kind) -> BTreeMap<&'static str, Option<String>> {
    let mut out: BTreeMap<&'static str, Option<String>> = vars::ALL_VARS
        .iter()
        .chain([&vars::PREVIOUS_PROFILE])
        .map(|k| (*k, Some("stale".to_string())))
        .collect();
    for op in &plan.ops {
        match op {
            Op::Set(k, v) => out.insert(k, Some(v.clone())),
            Op::Unset(k) if kind != Kind::Dotenv => out.insert(k, None),
            Op::Unset(_) => None,
        };
    }
    out
}

fn keys() -> Vec<&'static str> {
    vars::ALL_VARS
        .iter()
        .chain([&vars::PREVIOUS_PROFILE])
        .copied()
        .collect()
}

/// Code that sets every variable to "stale", then evaluates `code`, then prints each
/// variable NUL-terminated (`<unset>` when unset).
fn script(shell: &str, kind: Kind, codes: &[String]) -> String {
    let mut s = String::new();
    if shell == "nu" {
        // Each plan's JSON is a file (see round_trip): nothing of it is nushell source.
        s.push_str("source awsprof.nu\n");
        for i in 0..codes.len() {
            for k in keys() {
                s.push_str(&format!("$env.{k} = 'stale'\n"));
            }
            s.push_str(&format!(
                "__awsprof_commit (open --raw plan-{i}.json | from json)\n"
            ));
            for k in keys() {
                s.push_str(&format!(
                    "print -n (($env.{k}? | default '<unset>') + (char nul))\n"
                ));
            }
        }
        return s;
    }
    if kind == Kind::Dotenv {
        s.push_str("set -a\n");
    }
    for code in codes {
        for k in keys() {
            s.push_str(&match shell {
                "fish" => format!("set -gx {k} stale\n"),
                _ => format!("export {k}=stale\n"),
            });
        }
        s.push_str(code);
        for k in keys() {
            s.push_str(&match shell {
                "fish" => format!(
                    "if set -q {k}; printf '%s\\0' \"${k}\"; else; printf '%s\\0' '<unset>'; end\n"
                ),
                _ => format!("printf '%s\\0' \"${{{k}-<unset>}}\"\n"),
            });
        }
    }
    s
}

/// Evaluates the plans in `shell` for `kind` and checks every value; returns an error
/// text for proptest.
fn round_trip(shell: &str, kind: Kind, plans: &[Plan]) -> Result<(), TestCaseError> {
    let mut codes = Vec::new();
    let mut wanted = Vec::new();
    for plan in plans {
        match kind.render(plan) {
            Ok(code) => {
                codes.push(code);
                wanted.push(expected(plan, kind));
            }
            Err(FormatError::Unsafe { what, key, .. }) => {
                // Refusing is allowed only for what the format documents as unsafe.
                let value = plan.value(key).unwrap_or_default();
                let refused: &[char] = match kind {
                    Kind::Dotenv => &['\'', '\\', '\n', '\r', '\0'],
                    Kind::Fish => &[],
                    _ => &['\0'],
                };
                let fish_internal = |c: char| {
                    ('\u{F600}'..='\u{F6FF}').contains(&c) || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
                };
                prop_assert!(
                    value
                        .chars()
                        .any(|c| refused.contains(&c) || (kind == Kind::Fish && fish_internal(c))),
                    "{} refused {key} ({what}) of {value:?}",
                    kind.name()
                );
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        }
    }
    let home = support::AwsHome::new();
    if shell == "nu" {
        home.write_nu_init();
        for (i, code) in codes.iter().enumerate() {
            std::fs::write(home.path().join(format!("plan-{i}.json")), code).unwrap();
        }
    }
    let out = home.shell(shell, &script(shell, kind, &codes), &[]);
    prop_assert!(
        out.status.success(),
        "{shell} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    prop_assert!(
        out.stderr.is_empty(),
        "{shell} wrote to stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut fields = out.stdout.split(|b| *b == 0);
    for want in &wanted {
        for k in keys() {
            let got = fields.next().unwrap_or_default();
            let want_bytes = want[k].as_deref().unwrap_or("<unset>").as_bytes();
            prop_assert_eq!(
                got,
                want_bytes,
                "{} in {}: {} = {:?}",
                kind.name(),
                shell,
                k,
                String::from_utf8_lossy(got)
            );
        }
    }
    prop_assert!(
        !home.path().join("X").exists(),
        "{shell} ran code from a value: X was created"
    );
    Ok(())
}

fn plan_strategy() -> impl Strategy<Value = Plan> {
    (
        value(),
        value(),
        value(),
        value(),
        value(),
        value(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(profile, region, id, secret, token, exp, creds, has_token)| {
                let region = Some(region).filter(|r| !r.is_empty());
                if creds {
                    let c = Credentials {
                        access_key_id: id,
                        secret_access_key: secret,
                        session_token: has_token.then_some(token),
                        expiration: has_token.then(|| exp.clone()),
                        account_id: None,
                    };
                    vars::use_credentials_plan(&profile, region.as_deref(), &c, Some(&exp))
                } else {
                    vars::use_plan(&profile, region.as_deref(), Some(&token))
                }
            },
        )
}

fn run(shell: &str, kind: Kind, cases: u32) {
    support::require_shell(shell);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    // Sixteen plans (about a hundred values) per shell process.
    let strategy = proptest::collection::vec(plan_strategy(), 16);
    runner
        .run(&strategy, |plans| round_trip(shell, kind, &plans))
        .unwrap_or_else(|e| panic!("{e}"));
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48)
}

#[test]
fn bash_output_round_trips_in_bash() {
    run("bash", Kind::Bash, cases());
}

#[test]
fn zsh_output_round_trips_in_zsh() {
    run("zsh", Kind::Zsh, cases());
}

#[test]
fn fish_output_round_trips_in_fish() {
    run("fish", Kind::Fish, cases());
}

#[test]
fn nu_output_round_trips_in_nushell() {
    run("nu", Kind::Nu, cases());
}

#[test]
fn sh_output_round_trips_in_dash_bash_and_zsh() {
    run("dash", Kind::Sh, cases());
    run("bash", Kind::Sh, cases() / 4);
    run("zsh", Kind::Sh, cases() / 4);
}

#[test]
fn dotenv_output_is_literal_when_sourced_by_dash() {
    run("dash", Kind::Dotenv, cases());
}

#[test]
fn json_and_process_output_parse_back_to_the_same_values() {
    let mut runner = TestRunner::new(Config {
        cases: cases() * 8,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&plan_strategy(), |plan| {
            let json: serde_json::Value =
                serde_json::from_str(&Kind::Json.render(&plan).unwrap()).unwrap();
            for (k, v) in plan.sets() {
                prop_assert_eq!(json[k].as_str(), Some(plan.value(k).unwrap_or(v)));
            }
            match Kind::Process.render(&plan) {
                Ok(text) => {
                    let p: serde_json::Value = serde_json::from_str(&text).unwrap();
                    prop_assert_eq!(p["Version"].as_i64(), Some(1));
                    prop_assert_eq!(
                        p["AccessKeyId"].as_str(),
                        plan.value(vars::AWS_ACCESS_KEY_ID)
                    );
                    prop_assert_eq!(
                        p["SecretAccessKey"].as_str(),
                        plan.value(vars::AWS_SECRET_ACCESS_KEY)
                    );
                    prop_assert_eq!(
                        p["SessionToken"].as_str(),
                        plan.value(vars::AWS_SESSION_TOKEN)
                    );
                }
                Err(_) => prop_assert!(plan.value(vars::AWS_ACCESS_KEY_ID).is_none()),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn nul_is_refused_by_every_format() {
    let plan = vars::use_plan("p", Some("a\0$(touch X)"), None);
    for kind in Kind::ALL {
        if matches!(kind, Kind::Process) {
            continue;
        }
        assert!(
            matches!(kind.render(&plan), Err(FormatError::Unsafe { .. })),
            "{}",
            kind.name()
        );
    }
}

/// A profile name the files accept (the SDKs' identifier characters), often with a leading
/// `-` and every punctuation character allowed.
fn profile_name() -> impl Strategy<Value = String> {
    "-?[A-Za-z0-9_./%@:+-]{1,20}"
}

/// A value as it can be written on one `key = value` line.
fn file_value() -> impl Strategy<Value = String> {
    value().prop_map(|v| format!("k{}", v.replace(['\n', '\r'], "_")))
}

const E2E_SCRIPTS: [(&str, &str); 5] = [
    (
        "nu",
        r#"source awsprof.nu
def --wrapped main [...names: string] {
    for p in $names {
        hide-env -i AWS_REGION AWS_DEFAULT_REGION
        __awsprof_commit (^awsprof export --format nu -- $p | from json)
        print -n ([$p $env.AWS_ACCESS_KEY_ID $env.AWS_SECRET_ACCESS_KEY ($env.AWS_REGION? | default '<unset>')] | each {|v| $v + (char nul) } | str join)
        awsprof use --credentials -- $p
        print -n ([$env.AWS_PROFILE $env.AWS_ACCESS_KEY_ID $env.AWS_SECRET_ACCESS_KEY ($env.AWS_REGION? | default '<unset>')] | each {|v| $v + (char nul) } | str join)
    }
}"#,
    ),
    (
        "bash",
        r#"eval "$(awsprof init bash)"
for p in "$@"; do
    unset AWS_REGION AWS_DEFAULT_REGION
    __c="$(awsprof export --format bash -- "$p")" && eval "$__c"
    printf '%s\0' "$p" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
    awsprof use --credentials -- "$p"
    printf '%s\0' "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
done"#,
    ),
    (
        "zsh",
        r#"eval "$(awsprof init zsh)"
for p in "$@"; do
    unset AWS_REGION AWS_DEFAULT_REGION
    __c="$(awsprof export --format zsh -- "$p")" && eval "$__c"
    printf '%s\0' "$p" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
    awsprof use --credentials -- "$p"
    printf '%s\0' "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
done"#,
    ),
    (
        "dash",
        r#"for p in "$@"; do
    unset AWS_REGION AWS_DEFAULT_REGION
    __c="$(awsprof export -- "$p")" && eval "$__c"
    printf '%s\0' "$p" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
    __c="$(awsprof use --shell sh --credentials -- "$p")" && eval "$__c"
    printf '%s\0' "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_REGION-<unset>}"
done"#,
    ),
    (
        "fish",
        r#"awsprof init fish | source
for p in $argv
    set -e AWS_REGION AWS_DEFAULT_REGION
    awsprof export --format fish -- $p | source
    set -l r '<unset>'; set -q AWS_REGION; and set r "$AWS_REGION"
    printf '%s\0' "$p" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$r"
    awsprof use --credentials -- $p
    set r '<unset>'; set -q AWS_REGION; and set r "$AWS_REGION"
    printf '%s\0' "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$r"
end"#,
    ),
];

#[test]
fn values_and_names_from_the_files_round_trip_through_the_binary_in_every_shell() {
    for (shell, _) in E2E_SCRIPTS {
        support::require_shell(shell);
    }
    let shells = E2E_SCRIPTS;
    let mut runner = TestRunner::new(Config {
        cases: (cases() / 4).max(4),
        failure_persistence: None,
        ..Config::default()
    });
    let profiles = proptest::collection::btree_map(
        profile_name(),
        (file_value(), file_value(), file_value()),
        1..6,
    );
    runner
        .run(&profiles, |profiles| {
            let mut config = String::new();
            let mut credentials = String::new();
            for (name, (id, secret, region)) in &profiles {
                config.push_str(&format!("[profile {name}]\nregion = {region}\n"));
                credentials.push_str(&format!(
                    "[{name}]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
                ));
            }
            // What the SDK rules make of these lines is the expectation.
            let set = awsprof_core::ProfileSet::from_texts(
                Some(&config),
                Some(&credentials),
                awsprof_core::Filter::All,
            )
            .map_err(|e| TestCaseError::reject(format!("{e:?}")))?;
            let names: Vec<&str> = profiles.keys().map(String::as_str).collect();
            let home = support::AwsHome::with(&config, &credentials);
            home.write_nu_init();
            for (shell, script) in &shells {
                let out = if *shell == "nu" {
                    home.nu_script(script, &names)
                } else {
                    home.shell(shell, script, &names)
                };
                prop_assert!(
                    out.stderr.is_empty(),
                    "{shell}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let mut fields = out.stdout.split(|b| *b == 0);
                for name in &names {
                    let p = set.profile(name).expect("profile parsed");
                    let want_region = p.get("region").unwrap_or("<unset>");
                    for (i, want) in [
                        *name,
                        p.get("aws_access_key_id").unwrap_or_default(),
                        p.get("aws_secret_access_key").unwrap_or_default(),
                        want_region,
                    ]
                    .iter()
                    .cycle()
                    .take(8)
                    .enumerate()
                    {
                        let got = fields.next().unwrap_or_default();
                        prop_assert_eq!(
                            String::from_utf8_lossy(got),
                            *want,
                            "{} {} field {}",
                            shell,
                            name,
                            i
                        );
                    }
                }
                prop_assert!(!home.path().join("X").exists(), "{shell}: X was created");
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
