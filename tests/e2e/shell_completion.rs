//! Live completion: the real shells' completion asks the binary, which reads profile names
//! from the files at that moment, so a profile added after the shell started completes.

use crate::support;
use crate::support::AwsHome;

fn home() -> AwsHome {
    AwsHome::with(
        "[profile dev]\nregion = eu-west-1\n[profile -odd:name]\n[profile team:dev]\n",
        "[prod]\naws_access_key_id = a\naws_secret_access_key = b\n",
    )
}

fn lines(out: &std::process::Output) -> Vec<String> {
    support::assert_ok(out, "the completion script");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Sections of the output between `== LABEL` lines.
fn sections(lines: &[String]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    let mut label = String::new();
    for l in lines {
        if let Some(x) = l.strip_prefix("== ") {
            label = x.to_string();
            out.insert(label.clone(), Vec::new());
        } else if let Some(v) = out.get_mut(&label) {
            // fish prints "value<TAB>description".
            v.push(l.split('\t').next().unwrap_or_default().to_string());
        }
    }
    out
}

#[test]
fn fish_completion_offers_live_profile_names_subcommands_and_flags() {
    support::require_shell("fish");
    // `complete -C` runs fish's own completion machinery on a command line.
    let script = r#"awsprof init fish | source
echo '== use'; complete -C 'awsprof use '
echo '== show-p'; complete -C 'awsprof show p'
echo '== sub'; complete -C 'awsprof ini'
echo '== flag'; complete -C 'awsprof export --fo'
printf '[profile fresh]\n' >> $HOME/.aws/config
echo '== fresh'; complete -C 'awsprof export fr'
"#;
    let s = sections(&lines(&home().shell("fish", script, &[])));
    assert!(s["use"].contains(&"dev".to_string()), "{s:?}");
    assert!(s["use"].contains(&"prod".to_string()), "{s:?}");
    assert_eq!(s["show-p"], ["prod"]);
    assert_eq!(s["sub"], ["init"]);
    assert_eq!(s["flag"], ["--format"]);
    assert_eq!(
        s["fresh"],
        ["fresh"],
        "a profile added after init completes"
    );
}

/// What the bash and zsh completers ask: `COMPLETE=SHELL awsprof -- WORDS`, the index of
/// the current word in _CLAP_COMPLETE_INDEX. (What the shells then do with the answers is
/// proved at a terminal: shell_terminal.rs.)
#[test]
fn the_binary_answers_the_completion_protocol_with_live_names() {
    let home = home();
    let ask = |shell: &str, words: &[&str]| {
        let mut cmd = home.cmd();
        cmd.env("COMPLETE", shell)
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .arg("--")
            .args(words);
        lines(&cmd.output().unwrap())
    };
    // zsh's answers are `value:description`, with a `:` in a value escaped.
    let zsh = |words: &[&str]| -> Vec<String> {
        ask("zsh", words)
            .into_iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(zsh(&["awsprof", "use", "pr"]), ["prod"]);
    assert_eq!(zsh(&["awsprof", "env", "d"]), ["dev"]);
    assert!(ask("zsh", &["awsprof", "use", ""]).contains(&"team\\:dev".to_string()));
    let bash = ask("bash", &["awsprof", "use", ""]);
    for name in ["dev", "prod", "-odd:name", "team:dev"] {
        assert!(bash.contains(&name.to_string()), "{bash:?}");
    }
    std::fs::write(home.config(), "[profile fresh]\n").unwrap();
    assert_eq!(zsh(&["awsprof", "show", "f"]), ["fresh"]);
}

#[test]
fn use_completes_dash_when_there_is_a_previous_profile() {
    let home = home();
    // What `use -` is offered as, for a value of AWSPROF_PREVIOUS_PROFILE (None: unset).
    let dash = |previous: Option<&str>| {
        let mut cmd = home.cmd();
        if let Some(p) = previous {
            cmd.env("AWSPROF_PREVIOUS_PROFILE", p);
        }
        let out = cmd
            .env("COMPLETE", "fish")
            .args(["--", "awsprof", "use", "-"])
            .output()
            .unwrap();
        lines(&out)
            .into_iter()
            .filter(|l| l.starts_with("-\t"))
            .collect::<Vec<_>>()
    };
    assert_eq!(dash(Some("dev")), ["-\tback to dev"]);
    // The shell's first `use` came from no profile: `use -` goes back to none.
    assert_eq!(dash(Some("")), ["-\tback to no profile"]);
    assert!(dash(None).is_empty());
}

/// `fisher remove` deletes the plugin's files from ~/.config/fish, then emits
/// `awsprof_uninstall` for the conf.d file: the handler there must leave no function and
/// no completion behind in the running shell.
#[test]
fn fisher_removal_leaves_no_function_or_completion_behind() {
    support::require_shell("fish");
    let home = home();
    let repo = support::repo_root().join("crates/awsprof/shell/fish");
    let mut installed = Vec::new();
    for dir in ["functions", "completions", "conf.d"] {
        let to = home.path().join(".config/fish").join(dir);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(repo.join(dir)).unwrap() {
            let from = entry.unwrap().path();
            let dest = to.join(from.file_name().unwrap());
            std::fs::copy(&from, &dest).unwrap();
            installed.push(dest.display().to_string());
        }
    }
    // Interactive, as the user's shell is: fish reads conf.d at start-up.
    let script = format!(
        "awsprof_prompt; functions -q awsprof; and echo loaded
echo '== before'; complete -C 'awsprof sh'
rm {}
emit awsprof_uninstall
echo '== removed'; functions -q awsprof awsprof_prompt _awsprof_uninstall __awsprof_dir_check __awsprof_precmd __awsprof_renew __awsprof_prompt_text; or echo gone
echo '== after'; complete -C 'awsprof sh'
",
        installed.join(" ")
    );
    let mut cmd = std::process::Command::new("fish");
    home.isolate(&mut cmd);
    let out = cmd
        .env("PATH", support::test_path())
        .env_remove("XDG_CONFIG_HOME")
        .args(["-i", "-c", &script])
        .output()
        .unwrap();
    let got = lines(&out);
    assert!(got.contains(&"loaded".to_string()), "{got:?}");
    let s = sections(&got);
    assert_eq!(s["removed"], ["gone"], "{got:?}");
    assert_eq!(s["before"], ["show"], "{got:?}");
    assert!(s["after"].is_empty(), "{got:?}");
}
