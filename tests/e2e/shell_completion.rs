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
fn bash_completion_offers_live_profile_names_subcommands_and_flags() {
    support::require_shell("bash");
    // Calls the function bash would call on TAB, with the words bash would give it.
    let script = r#"eval "$(awsprof init bash)"
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
      _awsprof_complete "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf '%s\n' "${COMPREPLY[@]}"; }
complete -p awsprof
echo '== use'; c awsprof use ''
echo '== export-d'; c awsprof export d
echo '== sub'; c awsprof ex
echo '== flag'; c awsprof export --fo
echo '== get-profile'; c awsprof get region --profile ''
# As bash splits `team:d` at the colon (COMP_WORDBREAKS): the line, then its words.
cl() { COMP_LINE="$1"; COMP_POINT=${#1}; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
       _awsprof_complete awsprof "${COMP_WORDS[COMP_CWORD]}" x; printf '%s\n' "${COMPREPLY[@]}"; }
echo '== colon'; cl 'awsprof use team:d' awsprof use team : d
echo '== equals'; cl 'awsprof export --format=fi' awsprof export --format = fi
printf '[profile fresh]\n' >> "$HOME/.aws/config"
echo '== fresh'; c awsprof env f
"#;
    let s = sections(&lines(&home().shell("bash", script, &[])));
    assert!(s["use"].contains(&"dev".to_string()), "{s:?}");
    assert!(s["use"].contains(&"prod".to_string()), "{s:?}");
    assert!(s["use"].contains(&"-odd:name".to_string()), "{s:?}");
    assert_eq!(s["export-d"], ["dev"]);
    assert!(s["sub"].contains(&"export".to_string()), "{s:?}");
    assert_eq!(s["flag"], ["--format"]);
    assert!(s["get-profile"].contains(&"prod".to_string()), "{s:?}");
    assert_eq!(
        s["fresh"],
        ["fresh"],
        "a profile added after init completes"
    );
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

#[test]
fn zsh_registers_the_completer_and_the_binary_answers_its_protocol() {
    support::require_shell("zsh");
    let home = home();
    let script = r#"autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump"
eval "$(awsprof init zsh)"
print -r -- "registered=$_comps[awsprof]"
eval "$(awsprof init zsh --cmd ap)"
print -r -- "registered-ap=$_comps[ap]"
# Outside a completion widget `words` and `CURRENT` are plain parameters: run the completer
# with the words zsh would give it, and catch what it hands to _describe.
_describe() { print -rl -- "== described" "${(@P)${@[-1]}}"; }
words=(awsprof use p); CURRENT=3; _awsprof_complete
"#;
    let out = lines(&home.shell("zsh", script, &[]));
    assert!(
        out.contains(&"registered=_awsprof_complete".to_string()),
        "{out:?}"
    );
    assert!(
        out.contains(&"registered-ap=_awsprof_complete".to_string()),
        "{out:?}"
    );
    assert_eq!(sections(&out)["described"], ["prod"], "{out:?}");
    // What `_awsprof_complete` asks: `COMPLETE=zsh awsprof -- WORDS`, index of the
    // current word in _CLAP_COMPLETE_INDEX.
    let ask = |words: &[&str]| {
        let mut cmd = home.cmd();
        cmd.env("COMPLETE", "zsh")
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .arg("--")
            .args(words);
        let out = cmd.output().unwrap();
        lines(&out)
            .into_iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ask(&["awsprof", "use", "pr"]), ["prod"]);
    assert_eq!(ask(&["awsprof", "env", "d"]), ["dev"]);
    std::fs::write(home.config(), "[profile fresh]\n").unwrap();
    assert_eq!(ask(&["awsprof", "show", "f"]), ["fresh"]);
}

#[test]
fn use_completes_dash_when_there_is_a_previous_profile() {
    let home = home();
    let out = home
        .cmd()
        .env("COMPLETE", "fish")
        .env("AWSPROF_PREVIOUS_PROFILE", "dev")
        .args(["--", "awsprof", "use", "-"])
        .output()
        .unwrap();
    let got = lines(&out);
    assert!(
        got.iter().any(|l| l.starts_with("-\tback to dev")),
        "{got:?}"
    );
}
