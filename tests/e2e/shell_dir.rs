//! Per-directory profiles where a user meets them: each shell (bash, zsh, fish, nushell)
//! runs interactively in a tmux pane (the harness of shell_terminal.rs), commands are typed
//! at its prompt, and what the shell holds is read back through a function of the user's
//! that writes the AWS variables to a file with builtins only.
//!
//! PATH holds one directory, with an `awsprof` that counts its calls and runs the real one:
//! any other program the hooks started would fail on the screen, and the count says how
//! often awsprof ran.

use crate::shell_terminal::{Setup, Term};
use crate::support;
use std::collections::BTreeMap;

const CONFIG: &str = "\
[profile base]
region = us-east-1
[profile dev]
region = eu-west-1
[profile prod]
";

const VARS: &str = "AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_DEFAULT_PROFILE AWSPROF_PREVIOUS_PROFILE";

/// The user's lines after the integration: PATH is the counting shim only, and `dump N`
/// writes the variables that are set to ~/dump-N.
fn user_rc(setup: Setup) -> String {
    match setup.shell() {
        "bash" => format!(
            "PATH=$HOME/shim\n\
             dump() {{ local v; for v in {VARS}; do if [[ -v $v ]]; then printf '%s=%s\\n' \"$v\" \"${{!v}}\"; fi; done >\"$HOME/dump-$1\"; }}\n"
        ),
        "zsh" => format!(
            "path=($HOME/shim)\n\
             dump() {{ local v; for v in {VARS}; do if (( ${{+parameters[$v]}} )); then print -r -- \"$v=${{(P)v}}\"; fi; done >$HOME/dump-$1 }}\n"
        ),
        "fish" => format!(
            "set -gx PATH $HOME/shim\n\
             function dump; for v in {VARS}; if set -q $v; printf '%s=%s\\n' $v \"$$v\"; end; end >$HOME/dump-$argv[1]; end\n"
        ),
        _ => format!(
            "$env.PATH = [($env.HOME | path join shim)]\n\
             def dump [n: string] {{ [{VARS}] | where {{|v| $v in $env }} | each {{|v| $\"($v)=($env | get $v)\\n\" }} | str join | save -f ($env.HOME | path join $\"dump-($n)\") }}\n"
        ),
    }
}

struct Dir {
    t: Term,
    n: std::cell::Cell<usize>,
}

impl Dir {
    fn start(setup: Setup) -> Dir {
        let t = Term::start_with(setup, "awsprof", CONFIG, &user_rc(setup));
        let h = t.home.path();
        std::fs::create_dir_all(h.join("shim")).unwrap();
        let shim = h.join("shim/awsprof");
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\necho call >>\"$HOME/calls\"\nexec '{}' \"$@\"\n",
                support::bin().display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for d in ["proj/sub", "elsewhere/a/b/c"] {
            std::fs::create_dir_all(h.join(d)).unwrap();
        }
        std::fs::write(h.join("proj/.aws-profile"), "# the team's profile\ndev\n").unwrap();
        Dir {
            t,
            n: std::cell::Cell::new(0),
        }
    }

    fn calls(&self) -> usize {
        support::read(self.t.home.path().join("calls"))
            .lines()
            .count()
    }

    /// Runs `command` at the prompt; the next prompt shows `shown`.
    fn run(&self, command: &str, shown: &str) {
        self.t.prompt_after(command, shown);
    }

    /// What the shell holds now.
    fn dump(&self) -> BTreeMap<String, String> {
        let n = self.n.get() + 1;
        self.n.set(n);
        let file = self.t.home.path().join(format!("dump-{n}"));
        self.t.fresh_line();
        self.t.type_text(&format!("dump {n}"));
        self.t.keys(&["Enter"]);
        self.t.wait("the dump", |_| file.exists());
        self.t.wait("the prompt after the dump", |t| {
            t.input().as_deref() == Some("")
        });
        support::read(&file)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Fails unless the screen shows `text` `times` times.
    #[track_caller]
    fn said(&self, text: &str, times: usize) {
        let screen = self.t.screen();
        assert_eq!(
            screen.matches(text).count(),
            times,
            "{text:?} on the screen:\n{screen}"
        );
    }
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn scenario(setup: Setup) {
    let d = Dir::start(setup);
    let shell = setup.shell();
    let none = BTreeMap::new();
    assert_eq!(d.dump(), none, "{shell}: the shell starts with no profile");

    // An untrusted file: nothing changes, one line says why.
    d.run("cd proj/sub", "");
    d.run("", "");
    assert_eq!(d.dump(), none, "{shell}: an untrusted file changes nothing");
    d.said("is not allowed yet", 1);

    // Allowed: the profile and its region at once, in this shell.
    d.run("awsprof allow", "dev eu-west-1");
    let dev = |previous: &str| {
        vars(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWSPROF_PREVIOUS_PROFILE", previous),
        ])
    };
    assert_eq!(d.dump(), dev(""), "{shell}: allow applies at once");

    // Leaving puts back exactly what the shell had: nothing at all.
    d.run("cd ~", "");
    assert_eq!(d.dump(), none, "{shell}: leaving restores the absence");

    // From a profile with a region: entering and leaving again.
    d.run("awsprof use base", "base us-east-1");
    let base = d.dump();
    assert_eq!(base["AWS_REGION"], "us-east-1", "{shell}");
    d.run("cd proj", "dev eu-west-1");
    assert_eq!(
        d.dump(),
        dev("base"),
        "{shell}: entering an allowed directory"
    );

    // The file changes: ignored until allowed again.
    std::fs::write(d.t.home.path().join("proj/.aws-profile"), "prod\n").unwrap();
    d.run("", "dev eu-west-1");
    assert_eq!(d.dump(), dev("base"), "{shell}: a changed file is ignored");
    d.said("changed since it was allowed", 1);
    d.run("awsprof allow", "prod");
    assert_eq!(
        d.dump(),
        vars(&[
            ("AWS_PROFILE", "prod"),
            ("AWSPROF_PREVIOUS_PROFILE", "base")
        ]),
        "{shell}: allowed again, the new profile applies (it has no region)"
    );
    d.run("cd ..", "base us-east-1");
    assert_eq!(
        d.dump(),
        base,
        "{shell}: leaving restores the profile and region"
    );

    // Denied: ignored without a word.
    d.run("awsprof deny proj", "base us-east-1");
    d.run("cd proj/sub", "base us-east-1");
    assert_eq!(d.dump(), base, "{shell}: a denied file changes nothing");
    d.said("is not allowed yet", 0);
    d.run("cd ~", "base us-east-1");

    // Directories without a file (and none above) start no process at all.
    let before = d.calls();
    for step in [
        "cd elsewhere",
        "cd a",
        "cd b/c",
        "",
        "cd ..",
        "cd ~/elsewhere/a/b/c",
        "",
        "cd /",
        "cd ~",
    ] {
        d.run(step, "base us-east-1");
    }
    assert_eq!(
        d.calls(),
        before,
        "{shell}: awsprof ran in directories without a .aws-profile"
    );
    assert_eq!(d.dump(), base, "{shell}");
    let screen = d.t.screen();
    for bad in ["not found", "Unknown command", "Error"] {
        assert!(!screen.contains(bad), "{shell}: {bad}:\n{screen}");
    }
}

#[test]
fn bash_applies_a_trusted_directory_profile_and_restores_on_leaving() {
    scenario(Setup::Bash);
}

#[test]
fn zsh_applies_a_trusted_directory_profile_and_restores_on_leaving() {
    scenario(Setup::Zsh);
}

#[test]
fn fish_applies_a_trusted_directory_profile_and_restores_on_leaving() {
    scenario(Setup::Fish);
}

#[test]
fn nu_applies_a_trusted_directory_profile_and_restores_on_leaving() {
    scenario(Setup::Nu);
}

/// Straight from one allowed directory into another, and a profile switched by hand inside
/// one: the shell switches between the files' profiles, puts back what it had before the
/// first on leaving, and keeps a profile chosen by hand. Prompts in a directory whose file
/// was handled start no process.
fn between_directories(setup: Setup) {
    let d = Dir::start(setup);
    let shell = setup.shell();
    let h = d.t.home.path();
    std::fs::create_dir_all(h.join("other")).unwrap();
    std::fs::write(h.join("other/.aws-profile"), "prod\n").unwrap();
    d.run("awsprof use base", "base us-east-1");
    let base = d.dump();
    d.run("awsprof allow proj", "base us-east-1");
    d.run("awsprof allow other", "base us-east-1");
    d.run("cd proj/sub", "dev eu-west-1");
    let before = d.calls();
    d.run("", "dev eu-west-1");
    d.run("cd ..", "dev eu-west-1");
    assert_eq!(
        d.calls(),
        before,
        "{shell}: awsprof ran again for a file it had handled"
    );
    d.run("cd ../other", "prod");
    assert_eq!(
        d.dump(),
        vars(&[("AWS_PROFILE", "prod"), ("AWSPROF_PREVIOUS_PROFILE", "base")]),
        "{shell}: from one directory straight into another, the shell's own profile is the one left"
    );
    d.run("cd ~", "base us-east-1");
    assert_eq!(
        d.dump(),
        base,
        "{shell}: leaving restores what the shell had before the first"
    );
    d.run("cd proj", "dev eu-west-1");
    d.run("awsprof use prod", "prod");
    d.run("cd ~", "prod");
    assert_eq!(
        d.dump(),
        vars(&[("AWS_PROFILE", "prod"), ("AWSPROF_PREVIOUS_PROFILE", "dev")]),
        "{shell}: a profile switched by hand is kept on leaving"
    );
}

#[test]
fn bash_switches_between_directories_and_keeps_a_profile_chosen_by_hand() {
    between_directories(Setup::Bash);
}

#[test]
fn zsh_switches_between_directories_and_keeps_a_profile_chosen_by_hand() {
    between_directories(Setup::Zsh);
}

#[test]
fn fish_switches_between_directories_and_keeps_a_profile_chosen_by_hand() {
    between_directories(Setup::Fish);
}

#[test]
fn nu_switches_between_directories_and_keeps_a_profile_chosen_by_hand() {
    between_directories(Setup::Nu);
}
