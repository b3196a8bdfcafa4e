//! Every script we ship or generate passes its checker: shellcheck for bash and sh, the
//! shells' own parsers (`zsh -n`, `fish --no-execute`, nushell's `nu-check`) for zsh, fish
//! and nushell. Each run must print nothing on stderr.

use crate::support;
use crate::support::AwsHome;
use std::io::Write;
use std::process::{Command, Stdio};

fn home() -> AwsHome {
    AwsHome::with(
        "[profile p]\nregion = eu-west-1\n",
        "[p]\naws_access_key_id = AKIA\naws_secret_access_key = it's $(x) `y` \\ !\n\
         [d]\naws_access_key_id = AKIA\naws_secret_access_key = a $(x) `y` !\n",
    )
}

/// Runs `checker ARGS` with `text` on stdin; fails with its output unless it is clean.
fn check(what: &str, checker: &str, args: &[&str], text: &str) {
    let mut child = Command::new(checker)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{checker}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty() && out.stdout.is_empty(),
        "{checker} on {what}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn generated(args: &[&str]) -> String {
    support::stdout_ok(&home().run(args))
}

#[test]
fn generated_bash_and_sh_pass_shellcheck() {
    support::require("shellcheck", &["--version"]);
    for (dialect, args) in [
        ("bash", &["init", "bash"][..]),
        ("bash", &["init", "bash", "--cmd", "ap"][..]),
        ("bash", &["use", "p", "--shell", "bash"][..]),
        (
            "bash",
            &["use", "p", "--shell", "bash", "--credentials"][..],
        ),
        ("bash", &["unset", "--shell", "bash"][..]),
        ("bash", &["export", "p", "--format", "bash"][..]),
        ("sh", &["use", "p"][..]),
        ("sh", &["unset"][..]),
        ("sh", &["export", "p"][..]),
        ("sh", &["export", "d", "--format", "dotenv"][..]),
    ] {
        let text = generated(args);
        // SC2016 ("expressions don't expand in single quotes") is the point of the
        // quoting: a `$(x)` in a secret must stay literal. Only the values' lines carry it.
        // A dotenv file only assigns (SC2034: "appears unused") by design.
        let exclude = match (args[0], args.last()) {
            ("init", _) => "SC9999",
            (_, Some(&"dotenv")) => "SC2016,SC2034",
            _ => "SC2016",
        };
        check(
            &format!("awsprof {}", args.join(" ")),
            "shellcheck",
            &["-s", dialect, "-e", exclude, "-"],
            &text,
        );
    }
}

#[test]
fn shipped_bash_scripts_pass_shellcheck() {
    support::require("shellcheck", &["--version"]);
    for file in [
        "crates/awsprof/shell/bash/awsprof.bash",
        "crates/awsprof/shell/zsh/awsprof-common.sh",
    ] {
        let text = std::fs::read_to_string(support::repo_root().join(file)).unwrap();
        check(file, "shellcheck", &["-"], &text);
    }
}

#[test]
fn zsh_scripts_parse_in_zsh() {
    support::require_shell("zsh");
    for args in [
        &["init", "zsh"][..],
        &["init", "zsh", "--cmd", "ap"][..],
        &["use", "p", "--shell", "zsh", "--credentials"][..],
        &["unset", "--shell", "zsh"][..],
    ] {
        check(&args.join(" "), "zsh", &["-n"], &generated(args));
    }
    let read = |p: &str| std::fs::read_to_string(support::repo_root().join(p)).unwrap();
    let plugin = read("crates/awsprof/shell/zsh/awsprof.plugin.zsh");
    let common = read("crates/awsprof/shell/zsh/awsprof-common.sh");
    check(
        "crates/awsprof/shell/zsh/awsprof.plugin.zsh",
        "zsh",
        &["-n"],
        &plugin,
    );
    check(
        "crates/awsprof/shell/zsh/awsprof-common.sh",
        "zsh",
        &["-n"],
        &common,
    );
    // The plugin includes the part it shares with bash with one `source` line; init prints
    // that part in its place and is otherwise the plugin as it is, less its comment-only
    // and blank lines (shellcheck directives kept).
    let include: Vec<&str> = plugin
        .lines()
        .filter(|l| l.contains("awsprof-common.sh\""))
        .collect();
    assert_eq!(include.len(), 1, "{include:?}");
    let code: String = plugin
        .replacen(&format!("{}\n", include[0]), &common, 1)
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.is_empty() && (!l.starts_with('#') || l.starts_with("# shellcheck "))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        code == generated(&["init", "zsh"]),
        "init zsh is the plugin with the shared part included, without comments"
    );
}

#[test]
fn fish_scripts_parse_in_fish() {
    support::require_shell("fish");
    for args in [
        &["init", "fish"][..],
        &["init", "fish", "--cmd", "ap"][..],
        &["use", "p", "--shell", "fish", "--credentials"][..],
        &["unset", "--shell", "fish"][..],
        &["export", "p", "--format", "fish"][..],
    ] {
        check(&args.join(" "), "fish", &["--no-execute"], &generated(args));
    }
    for dir in ["conf.d", "functions", "completions"] {
        for entry in std::fs::read_dir(
            support::repo_root()
                .join("crates/awsprof/shell/fish")
                .join(dir),
        )
        .unwrap()
        {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            check(
                &path.display().to_string(),
                "fish",
                &["--no-execute"],
                &text,
            );
        }
    }
}

#[test]
fn nu_scripts_parse_in_nushell() {
    support::require_shell("nu");
    let home = home();
    for args in [&["init", "nu"][..], &["init", "nu", "--cmd", "ap"][..]] {
        let file = home.path().join("check.nu");
        std::fs::write(&file, generated(args)).unwrap();
        let out = support::shell_command("nu")
            .arg("-c")
            .arg(format!("nu-check --debug '{}'", file.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "nu-check on awsprof {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let shipped =
        std::fs::read_to_string(support::repo_root().join("crates/awsprof/shell/nu/awsprof.nu"))
            .unwrap();
    assert_eq!(
        shipped,
        generated(&["init", "nu"]),
        "init nu is the file as it is"
    );
}
