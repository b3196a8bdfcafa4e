//! `use`, `use -`, `unset` and the prompt helper, driven through the real shells with the
//! integration from `awsprof init` (dash: the plain `eval "$(awsprof use ...)"`; nushell:
//! `awsprof init nu` saved and sourced, as the autoload directory does).

use crate::support;
use crate::support::AwsHome;
use std::collections::BTreeMap;

const CONFIG: &str = "\
[profile p1]
region = eu-west-1
[profile p2]
output = json
[profile -odd%name/x:y@z+1.2]
region = ap-south-1
";

const CREDENTIALS: &str = "\
[p1]
aws_access_key_id = AKIAP1
aws_secret_access_key = p1secret
";

fn home() -> AwsHome {
    AwsHome::with(CONFIG, CREDENTIALS)
}

/// The steps every shell runs, in its own syntax: `dump LABEL` prints the AWS variables.
struct Syntax {
    init: &'static str,
    set_stale: &'static str,
    dump: &'static str,
    call: &'static str,
    rc: &'static str,
    prompt: &'static str,
}

const STALE: [(&str, &str); 7] = [
    ("AWS_ACCESS_KEY_ID", "OLDKEY"),
    ("AWS_SECRET_ACCESS_KEY", "OLDSECRET"),
    ("AWS_SESSION_TOKEN", "OLDTOKEN"),
    ("AWS_SECURITY_TOKEN", "OLDTOKEN"),
    ("AWS_CREDENTIAL_EXPIRATION", "2000-01-01T00:00:00Z"),
    ("AWS_SESSION_EXPIRATION", "2000-01-01T00:00:00Z"),
    ("AWS_DEFAULT_PROFILE", "old"),
];

fn syntax(shell: &str) -> Syntax {
    match shell {
        "bash" | "zsh" => Syntax {
            init: if shell == "bash" {
                r#"eval "$(awsprof init bash)""#
            } else {
                r#"eval "$(awsprof init zsh)""#
            },
            set_stale: "export {K}={V}",
            dump: "echo '--- {L}'; env | grep -E '^AWS(PROF)?_' | LC_ALL=C sort",
            call: "awsprof {ARGS}",
            rc: r#"echo "rc=$?""#,
            prompt: r#"echo "prompt=$AWSPROF_PROMPT""#,
        },
        "fish" => Syntax {
            init: "awsprof init fish | source",
            set_stale: "set -gx {K} {V}",
            dump: "echo '--- {L}'; env | grep -E '^AWS(PROF)?_' | LC_ALL=C sort",
            call: "awsprof {ARGS}",
            rc: r#"echo "rc=$status""#,
            // A command substitution that prints nothing is an empty list in fish.
            prompt: r#"set -l pr (awsprof_prompt); echo "prompt=$pr""#,
        },
        // A failing command stops a nushell script: `try` keeps going, as a user at the
        // prompt does.
        "nu" => Syntax {
            init: "source awsprof.nu",
            set_stale: "$env.{K} = '{V}'",
            dump: "print '--- {L}'; ^env | lines | where $it =~ '^AWS(PROF)?_' | each {|l| print $l } | ignore",
            call: "let rc = (try { awsprof {ARGS}; 0 } catch { 1 })",
            rc: r#"print $"rc=($rc)""#,
            prompt: r#"print $"prompt=(awsprof_prompt)""#,
        },
        // No integration for dash: the POSIX output evaluated by hand.
        _ => Syntax {
            init: "",
            set_stale: "export {K}={V}",
            dump: "echo '--- {L}'; env | grep -E '^AWS(PROF)?_' | LC_ALL=C sort",
            call: r#"__c="$(awsprof {ARGS})" && eval "$__c""#,
            rc: r#"echo "rc=$?""#,
            prompt: "echo prompt=",
        },
    }
}

/// Runs the scenario and returns each labelled dump as a map, plus the other lines.
fn scenario(
    shell: &str,
    steps: &[(&str, &str)],
) -> (BTreeMap<String, BTreeMap<String, String>>, Vec<String>) {
    let s = syntax(shell);
    let mut script = vec![s.init.to_string()];
    for (k, v) in STALE {
        script.push(s.set_stale.replace("{K}", k).replace("{V}", v));
    }
    for (label, args) in steps {
        if !args.is_empty() {
            let args = match (shell, args.split_once(' ')) {
                ("dash", Some((sub, rest))) => format!("{sub} --shell sh {rest}"),
                ("dash", None) => format!("{args} --shell sh"),
                _ => args.to_string(),
            };
            script.push(s.call.replace("{ARGS}", &args));
            script.push(s.rc.to_string());
        }
        script.push(s.prompt.to_string());
        script.push(s.dump.replace("{L}", label));
    }
    let home = home();
    if shell == "nu" {
        home.write_nu_init();
    }
    let out = home.shell(shell, &script.join("\n"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let mut dumps = BTreeMap::new();
    let mut other = Vec::new();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        if let Some(label) = line.strip_prefix("--- ") {
            current = Some(label.to_string());
            dumps.insert(label.to_string(), BTreeMap::new());
        } else if let (Some(label), Some((k, v))) = (&current, line.split_once('=')) {
            if k.starts_with("AWS") {
                dumps
                    .get_mut(label)
                    .unwrap()
                    .insert(k.to_string(), v.to_string());
                continue;
            }
            other.push(line.to_string());
        } else {
            other.push(line.to_string());
        }
    }
    assert!(
        !stderr.contains("command not found")
            && !stderr.contains("Unknown command")
            && !stderr.contains("Error:"),
        "{shell}: {stderr}"
    );
    (dumps, other)
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn use_switches_back_and_unsets_leaving_no_old_identity_in_every_shell() {
    for shell in support::SHELLS {
        support::require_shell(shell);
        let (dumps, other) = scenario(
            shell,
            &[
                ("p1", "use p1"),
                ("unknown", "use nope"),
                ("p2", "use p2"),
                ("back", "use -"),
                ("odd", "use -- -odd%name/x:y@z+1.2"),
                ("unset", "unset"),
                ("undo-unset", "use -"),
            ],
        );
        let p1 = map(&[
            ("AWS_PROFILE", "p1"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWSPROF_PREVIOUS_PROFILE", "old"),
        ]);
        assert_eq!(
            dumps["p1"], p1,
            "{shell}: use p1 from a shell with static keys"
        );
        assert_eq!(
            dumps["unknown"], p1,
            "{shell}: an unknown profile changes nothing"
        );
        assert_eq!(
            dumps["p2"],
            map(&[("AWS_PROFILE", "p2"), ("AWSPROF_PREVIOUS_PROFILE", "p1")]),
            "{shell}: a profile without region clears the region"
        );
        assert_eq!(
            dumps["back"],
            map(&[
                ("AWS_PROFILE", "p1"),
                ("AWS_REGION", "eu-west-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("AWSPROF_PREVIOUS_PROFILE", "p2"),
            ]),
            "{shell}: use -"
        );
        assert_eq!(
            dumps["odd"]["AWS_PROFILE"], "-odd%name/x:y@z+1.2",
            "{shell}"
        );
        assert_eq!(
            dumps["unset"],
            map(&[("AWSPROF_PREVIOUS_PROFILE", "-odd%name/x:y@z+1.2")]),
            "{shell}: unset"
        );
        assert_eq!(
            dumps["undo-unset"]["AWS_PROFILE"], "-odd%name/x:y@z+1.2",
            "{shell}: use - after unset"
        );
        let rcs: Vec<&String> = other.iter().filter(|l| l.starts_with("rc=")).collect();
        assert_eq!(
            rcs,
            ["rc=0", "rc=1", "rc=0", "rc=0", "rc=0", "rc=0", "rc=0"],
            "{shell}"
        );
        if shell != "dash" {
            let prompts: Vec<&String> = other.iter().filter(|l| l.starts_with("prompt=")).collect();
            assert_eq!(prompts[0], "prompt=p1 eu-west-1", "{shell}");
            assert_eq!(prompts[2], "prompt=p2", "{shell}");
            assert_eq!(prompts[5], "prompt=", "{shell}: nothing after unset");
        }
    }
}

#[test]
fn use_dash_goes_back_to_no_profile_and_staying_put_keeps_the_way_back() {
    for shell in support::SHELLS {
        support::require_shell(shell);
        let (dumps, other) = scenario(
            shell,
            &[
                ("none", "unset"),
                ("p1", "use p1"),
                ("p1-again", "use p1"),
                ("back-to-none", "use -"),
                ("unset-again", "unset"),
                ("back-to-p1", "use -"),
            ],
        );
        let p1 = |previous: &str| {
            map(&[
                ("AWS_PROFILE", "p1"),
                ("AWS_REGION", "eu-west-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("AWSPROF_PREVIOUS_PROFILE", previous),
            ])
        };
        let none = map(&[("AWSPROF_PREVIOUS_PROFILE", "old")]);
        assert_eq!(dumps["none"], none, "{shell}");
        assert_eq!(
            dumps["p1"],
            p1(""),
            "{shell}: the first use from no profile remembers none"
        );
        assert_eq!(
            dumps["p1-again"],
            p1(""),
            "{shell}: use p1 while p1 is active keeps the way back"
        );
        assert_eq!(
            dumps["back-to-none"],
            map(&[("AWSPROF_PREVIOUS_PROFILE", "p1")]),
            "{shell}: use - returns to what unset leaves"
        );
        assert_eq!(
            dumps["unset-again"], dumps["back-to-none"],
            "{shell}: unset with no profile keeps the way back"
        );
        assert_eq!(dumps["back-to-p1"], p1(""), "{shell}");
        let rcs: Vec<&String> = other.iter().filter(|l| l.starts_with("rc=")).collect();
        assert!(rcs.iter().all(|r| *r == "rc=0"), "{shell}: {rcs:?}");
    }
}

#[test]
fn use_credentials_exports_the_keys_and_clears_the_rest() {
    for shell in support::SHELLS {
        support::require_shell(shell);
        let (dumps, _) = scenario(shell, &[("creds", "use --credentials p1")]);
        assert_eq!(
            dumps["creds"],
            map(&[
                ("AWS_PROFILE", "p1"),
                ("AWS_ACCESS_KEY_ID", "AKIAP1"),
                ("AWS_SECRET_ACCESS_KEY", "p1secret"),
                ("AWS_REGION", "eu-west-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("AWSPROF_PREVIOUS_PROFILE", "old"),
            ]),
            "{shell}"
        );
    }
}

#[test]
fn cmd_option_names_the_function_and_defines_no_other() {
    for (shell, init, check) in [
        (
            "bash",
            r#"eval "$(awsprof init bash --cmd ap)""#,
            "declare -F awsprof >/dev/null && echo has-awsprof",
        ),
        (
            "zsh",
            r#"eval "$(awsprof init zsh --cmd ap)""#,
            "(( ${+functions[awsprof]} )) && echo has-awsprof",
        ),
        (
            "fish",
            "awsprof init fish --cmd ap | source",
            "functions -q awsprof; and echo has-awsprof",
        ),
        (
            "nu",
            "source awsprof.nu",
            "if not (scope commands | where name == awsprof | is-empty) { print has-awsprof }",
        ),
    ] {
        support::require_shell(shell);
        let home = home();
        let script = if shell == "nu" {
            std::fs::write(
                home.path().join("awsprof.nu"),
                support::stdout_ok(&home.run(&["init", "nu", "--cmd", "ap"])),
            )
            .unwrap();
            format!("{init}\nap use p1\nprint $\"profile=($env.AWS_PROFILE)\"\n{check}\nprint done")
        } else {
            format!("{init}\nap use p1\necho \"profile=$AWS_PROFILE\"\n{check}\necho done")
        };
        let out = home.shell(shell, &script, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("profile=p1"),
            "{shell}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!stdout.contains("has-awsprof"), "{shell}: {stdout}");
        assert!(stdout.contains("done"), "{shell}");
    }
}

#[test]
fn help_for_use_is_never_evaluated() {
    // The help text holds words like `use` and `export`; evaluating it would run them.
    let home = home();
    let out = home.run(&["use", "--help"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "help went to stdout");
    assert!(String::from_utf8_lossy(&out.stderr).contains("AWS_PROFILE"));
    support::require_shell("bash");
    let out = home.shell(
        "bash",
        "eval \"$(awsprof init bash)\"\nawsprof use --help >/dev/null 2>&1\necho \"rc=$? profile=${AWS_PROFILE-none}\"",
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "rc=0 profile=none"
    );
}

#[test]
fn use_dash_without_a_previous_profile_fails_and_prints_nothing() {
    let out = home().run(&["use", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no previous profile"));
}

#[test]
fn unknown_profile_prints_nothing_and_suggests() {
    let out = home().run(&["use", "--", "-odd%name/x:y@z+1.3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`-odd%name/x:y@z+1.3` not found"), "{err}");
    assert!(err.contains("did you mean `-odd%name/x:y@z+1.2`"), "{err}");
}

#[test]
fn picker_without_a_terminal_lists_profiles_on_stderr_and_exits_1() {
    let out = home().run(&["use"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    for p in ["p1", "p2", "-odd%name/x:y@z+1.2"] {
        assert!(err.lines().any(|l| l.trim() == p), "{err}");
    }
}

/// The prompt helper's steps in each shell: `{EXP}` is set as AWS_CREDENTIAL_EXPIRATION,
/// then the helper's text is printed as `LABEL=TEXT`. PATH is emptied first: any external
/// command would fail.
fn prompt_script(shell: &str, future: &str, near: &str) -> String {
    let steps = [
        ("future", future),
        ("near", near),
        ("past", "2001-02-03T04:05:06.789Z"),
        ("garbage", "garbage"),
    ];
    let (init, empty_path, set, show, keys) = match shell {
        "bash" | "zsh" => (
            format!("eval \"$(awsprof init {shell})\"\nexport AWS_PROFILE=p AWS_REGION=r"),
            if shell == "bash" { "PATH=/nonexistent" } else { "path=()" },
            "AWS_CREDENTIAL_EXPIRATION={EXP}",
            "__awsprof_prompt_update; echo \"{L}=$AWSPROF_PROMPT\"",
            "unset AWS_PROFILE AWS_REGION; AWS_ACCESS_KEY_ID=x; __awsprof_prompt_update; echo \"keys=$AWSPROF_PROMPT\"",
        ),
        "fish" => (
            "awsprof init fish | source\nset -gx AWS_PROFILE p; set -gx AWS_DEFAULT_REGION r".to_string(),
            "set PATH",
            "set -gx AWS_CREDENTIAL_EXPIRATION '{EXP}'",
            "echo \"{L}=\"(awsprof_prompt)",
            "set -e AWS_PROFILE AWS_DEFAULT_REGION; set -gx AWS_ACCESS_KEY_ID x; echo \"keys=\"(awsprof_prompt)",
        ),
        _ => (
            "source awsprof.nu\n$env.AWS_PROFILE = 'p'; $env.AWS_REGION = 'r'".to_string(),
            "$env.PATH = []",
            "$env.AWS_CREDENTIAL_EXPIRATION = '{EXP}'",
            "print $\"{L}=(awsprof_prompt)\"",
            "hide-env AWS_PROFILE AWS_REGION; $env.AWS_ACCESS_KEY_ID = 'x'; print $\"keys=(awsprof_prompt)\"",
        ),
    };
    let mut lines = vec![init, empty_path.to_string()];
    for (label, exp) in steps {
        lines.push(set.replace("{EXP}", exp));
        lines.push(show.replace("{L}", label));
    }
    lines.push(keys.to_string());
    lines.join("\n")
}

const PROMPT_SHELLS: [&str; 4] = ["bash", "zsh", "fish", "nu"];

/// Expiry times 150 minutes and 4 minutes from now.
fn expiries() -> (String, String) {
    (
        crate::shell_terminal::utc_in(150 * 60),
        crate::shell_terminal::utc_in(4 * 60),
    )
}

fn prompt_lines(shell: &str, script: &str, vars: &[(&str, &str)]) -> Vec<String> {
    let home = home();
    if shell == "nu" {
        home.write_nu_init();
    }
    let mut cmd = support::shell_command(shell);
    home.isolate(&mut cmd);
    cmd.current_dir(home.path()).arg("-c").arg(script);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the shell");
    assert!(
        out.stderr.is_empty(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn prompt_shows_time_left_without_starting_a_process() {
    let (future, near) = expiries();
    for shell in PROMPT_SHELLS {
        support::require_shell(shell);
        let lines = prompt_lines(
            shell,
            &prompt_script(shell, &future, &near),
            &[("NO_COLOR", "1"), ("TERM", "xterm-256color")],
        );
        assert!(
            lines[0] == "future=p r 2h29m" || lines[0] == "future=p r 2h30m",
            "{shell}: {lines:?}"
        );
        // Under five minutes the time is marked.
        assert!(
            lines[1] == "near=p r !3m" || lines[1] == "near=p r !4m",
            "{shell}: {lines:?}"
        );
        assert_eq!(lines[2], "past=p r expired", "{shell}");
        assert_eq!(lines[3], "garbage=p r", "{shell}");
        assert_eq!(lines[4], "keys=(keys)", "{shell}");
    }
}

#[test]
fn prompt_marks_near_expiry_in_red_only_where_colour_is_on() {
    let (future, near) = expiries();
    for shell in PROMPT_SHELLS {
        support::require_shell(shell);
        let script = prompt_script(shell, &future, &near);
        let red = |lines: &[String]| -> Vec<bool> {
            lines
                .iter()
                .map(|l| l.contains("\x1b[31m") || l.contains("%F{red}"))
                .collect()
        };
        let coloured = prompt_lines(shell, &script, &[("TERM", "xterm-256color")]);
        // Only the near and the past expiry are red; never the rest.
        assert_eq!(
            red(&coloured),
            [false, true, true, false, false],
            "{shell}: {coloured:?}"
        );
        match shell {
            // readline is told the escape codes take no room.
            "bash" => assert!(coloured[1].contains("\x01\x1b[31m\x02!"), "{coloured:?}"),
            "zsh" => assert!(coloured[1].contains("%F{red}!"), "{coloured:?}"),
            _ => {}
        }
        for vars in [
            &[("TERM", "xterm-256color"), ("NO_COLOR", "1")][..],
            &[("TERM", "dumb")][..],
        ] {
            let plain = prompt_lines(shell, &script, vars);
            assert_eq!(red(&plain), [false; 5], "{shell} {vars:?}: {plain:?}");
        }
    }
    // A variable exported for another program (starship) is plain text; zsh's own has `%`
    // written `%%`, since prompt_subst expands the value again.
    for (shell, export) in [
        ("bash", "export AWSPROF_PROMPT"),
        ("zsh", "export AWSPROF_PROMPT"),
    ] {
        let script = format!(
            "eval \"$(awsprof init {shell})\"\nexport AWS_PROFILE='a%n' AWS_CREDENTIAL_EXPIRATION='{near}'\n\
             __awsprof_prompt_update; echo \"own=$AWSPROF_PROMPT\"\n{export}\n__awsprof_prompt_update; echo \"exported=$AWSPROF_PROMPT\""
        );
        let lines = prompt_lines(shell, &script, &[("TERM", "xterm-256color")]);
        let own_name = if shell == "zsh" {
            "own=a%%n"
        } else {
            "own=a%n"
        };
        assert!(lines[0].starts_with(own_name), "{shell}: {lines:?}");
        assert!(
            lines[1] == "exported=a%n !3m" || lines[1] == "exported=a%n !4m",
            "{shell}: {lines:?}"
        );
    }
    // fish and nushell: the helper prints colour, `--plain` never; the variable the prompt
    // hook keeps is plain.
    let lines = prompt_lines(
        "fish",
        &format!("awsprof init fish | source\nset -gx AWS_PROFILE p; set -gx AWS_CREDENTIAL_EXPIRATION '{near}'\necho (awsprof_prompt --plain)"),
        &[("TERM", "xterm-256color")],
    );
    assert!(lines[0] == "p !3m" || lines[0] == "p !4m", "{lines:?}");
    let lines = prompt_lines(
        "nu",
        &format!("source awsprof.nu\n$env.AWS_PROFILE = 'p'; $env.AWS_CREDENTIAL_EXPIRATION = '{near}'\nprint (awsprof_prompt --plain)"),
        &[("TERM", "xterm-256color")],
    );
    assert!(lines[0] == "p !3m" || lines[0] == "p !4m", "{lines:?}");
}

/// What each shell receives from `use` (the snapshot of the contract's variable list).
#[test]
fn use_prints_the_contract_in_every_shell_syntax() {
    let home = home();
    let run = |shell: &str| {
        let out = home
            .cmd()
            .env("AWS_PROFILE", "p2")
            .args(["use", "p1", "--shell", shell])
            .output()
            .unwrap();
        support::stdout_ok(&out)
    };
    let unsets = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_SESSION_EXPIRATION",
        "AWS_DEFAULT_PROFILE",
    ];
    let expect = |unset: &dyn Fn(&str) -> String, set: &dyn Fn(&str, &str) -> String| {
        let mut out: Vec<String> = unsets.iter().map(|k| unset(k)).collect();
        out.push(set("AWS_PROFILE", "p1"));
        out.push(set("AWS_REGION", "eu-west-1"));
        out.push(set("AWS_DEFAULT_REGION", "eu-west-1"));
        out.push(set("AWSPROF_PREVIOUS_PROFILE", "p2"));
        out.join("\n") + "\n"
    };
    for shell in ["sh", "bash", "zsh"] {
        assert_eq!(
            run(shell),
            expect(&|k| format!("unset {k}"), &|k, v| format!(
                "export {k}='{v}'"
            )),
            "{shell}"
        );
    }
    assert_eq!(
        run("fish"),
        expect(&|k| format!("set -e {k}"), &|k, v| format!(
            "set -gx -- {k} '{v}'"
        ))
    );
    assert_eq!(
        run("powershell"),
        expect(
            &|k| format!("Remove-Item -Path Env:{k} -ErrorAction SilentlyContinue"),
            &|k, v| format!("$env:{k} = '{v}'")
        )
    );
    assert_eq!(
        run("cmd"),
        expect(&|k| format!("set \"{k}=\""), &|k, v| format!(
            "set \"{k}={v}\""
        ))
    );
    // nushell: one JSON object, null for what is removed, in the plan's order.
    let mut want = String::from("{\n");
    for k in unsets {
        want.push_str(&format!("  \"{k}\": null,\n"));
    }
    want.push_str("  \"AWS_PROFILE\": \"p1\",\n  \"AWS_REGION\": \"eu-west-1\",\n  \"AWS_DEFAULT_REGION\": \"eu-west-1\",\n  \"AWSPROF_PREVIOUS_PROFILE\": \"p2\"\n}\n");
    assert_eq!(run("nu"), want);
}

/// The theme segments of the zsh plugin. powerlevel10k is in no registry the test machines
/// reach, so a stand-in `p10k` function (defined in the test, as p10k defines its own)
/// records how the segment calls it; oh-my-zsh's convention is a function themes call.
#[test]
fn zsh_theme_segments_read_only_variables() {
    support::require_shell("zsh");
    let near = crate::shell_terminal::utc_in(4 * 60);
    let script = format!(
        r#"eval "$(awsprof init zsh)"
p10k() {{ print -r -- "p10k $*"; }}
path=()
prompt_awsprof; echo "none"
export AWS_PROFILE='a%n' AWS_REGION=r
prompt_awsprof
export AWS_CREDENTIAL_EXPIRATION='{near}'
prompt_awsprof
instant_prompt_awsprof
__awsprof_prompt_update
echo "omz=$(awsprof_prompt_info)"
ZSH_THEME_AWSPROF_PREFIX='(' ZSH_THEME_AWSPROF_SUFFIX=')'
echo "omz=$(awsprof_prompt_info)""#
    );
    let out = home().shell("zsh", &script, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        lines[0], "none",
        "no segment without an AWS identity: {lines:?}"
    );
    assert_eq!(lines[1], "p10k segment -s NORMAL -f 208 -t a%%n r");
    assert!(
        lines[2] == "p10k segment -s URGENT -f red -t a%%n r !3m"
            || lines[2] == "p10k segment -s URGENT -f red -t a%%n r !4m",
        "{lines:?}"
    );
    assert_eq!(lines[3], lines[2], "the instant prompt shows the same");
    assert!(lines[4].starts_with("omz=<aws:a%%n r "), "{lines:?}");
    assert!(
        lines[5].starts_with("omz=(a%%n r ") && lines[5].ends_with(')'),
        "{lines:?}"
    );
}
