//! `init`: the shell integration. The scripts are real files under `shell/` (checked by
//! shellcheck, `zsh -n` and `fish -n`), embedded here; `--cmd NAME` renames the function.

use crate::cli::{InitArgs, InitShell};
use anyhow::{bail, Result};

const BASH: &str = include_str!("../../../../shell/bash/awsprof.bash");
const ZSH: &str = include_str!("../../../../shell/zsh/awsprof.plugin.zsh");
const FISH_FUNCTION: &str = include_str!("../../../../shell/fish/functions/awsprof.fish");
const FISH_PROMPT: &str = include_str!("../../../../shell/fish/functions/awsprof_prompt.fish");
const FISH_COMPLETION: &str = include_str!("../../../../shell/fish/completions/awsprof.fish");

/// The places where the scripts name the user-facing function (and nothing else): the
/// definition and the completion registration. `command awsprof` always means the binary.
const RENAMES: &[(&str, &str)] = &[
    ("\nawsprof() {", "\n{}() {"),
    (" _awsprof_complete awsprof\n", " _awsprof_complete {}\n"),
    ("\nfunction awsprof --", "\nfunction {} --"),
    ("complete -c awsprof ", "complete -c {} "),
];

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The integration script for `shell`, with the function called `name`.
pub fn script(shell: InitShell, name: &str) -> Result<String> {
    if !valid_name(name) {
        bail!("--cmd {name:?}: a function name is letters, digits, '_' and '-', starting with a letter or '_'");
    }
    let mut text = match shell {
        InitShell::Bash => BASH.to_string(),
        InitShell::Zsh => ZSH.to_string(),
        InitShell::Fish => [FISH_FUNCTION, FISH_PROMPT, FISH_COMPLETION].join("\n"),
    };
    if name != "awsprof" {
        for (from, to) in RENAMES {
            text = text.replace(from, &to.replace("{}", name));
        }
    }
    Ok(text)
}

/// Prints the script.
pub fn run(args: &InitArgs) -> Result<()> {
    super::emit(&script(args.shell, &args.cmd)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmd_renames_the_function_and_nothing_else() {
        for shell in [InitShell::Bash, InitShell::Zsh, InitShell::Fish] {
            let plain = script(shell, "awsprof").unwrap();
            let renamed = script(shell, "ap").unwrap();
            let binary_calls = |t: &str| t.matches("command awsprof").count();
            assert_eq!(binary_calls(&plain), binary_calls(&renamed));
            assert!(binary_calls(&plain) >= 2, "{shell:?}");
            let defs = |t: &str, n: &str| {
                t.matches(&format!("{n}() {{")).count()
                    + t.matches(&format!("function {n} --")).count()
            };
            assert_eq!(defs(&plain, "awsprof"), 1, "{shell:?}");
            assert_eq!(defs(&renamed, "awsprof"), 0, "{shell:?}");
            assert_eq!(defs(&renamed, "ap"), 1, "{shell:?}");
        }
    }

    #[test]
    fn cmd_must_be_a_plain_name() {
        for bad in ["", "a b", "x;rm", "1x", "$(x)", "-x"] {
            assert!(script(InitShell::Bash, bad).is_err(), "{bad:?}");
        }
    }
}
