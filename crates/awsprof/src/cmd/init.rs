//! `init`: the shell integration. The scripts are real files under this crate's `shell/`
//! (inside the crate so that its package holds them; checked by shellcheck, `zsh -n` and
//! `fish -n` as they are, and usable as they are: the zsh plugin by
//! oh-my-zsh, the fish files by fisher), embedded here and rendered through two explicit
//! placeholders that are valid shell:
//!
//! - the function's name is written `"awsprof"` (in double quotes) wherever it goes, and
//!   nowhere else: sourced as it is that means awsprof, and `--cmd NAME` writes `"NAME"`;
//! - bash and zsh share `shell/zsh/awsprof-common.sh`, which each includes with one `source`
//!   line: sourced as they are, they read it from beside them; `init` prints it in its place.

use crate::cli::{InitArgs, InitShell};
use anyhow::{bail, Result};

const COMMON: &str = include_str!("../../shell/zsh/awsprof-common.sh");
const BASH: &str = include_str!("../../shell/bash/awsprof.bash");
const ZSH: &str = include_str!("../../shell/zsh/awsprof.plugin.zsh");
const FISH_FUNCTION: &str = include_str!("../../shell/fish/functions/awsprof.fish");
const FISH_PROMPT: &str = include_str!("../../shell/fish/functions/awsprof_prompt.fish");
const FISH_COMPLETION: &str = include_str!("../../shell/fish/completions/awsprof.fish");
const FISH_CONF: &str = include_str!("../../shell/fish/conf.d/awsprof.fish");
const NU: &str = include_str!("../../shell/nu/awsprof.nu");

/// The name placeholder: the default name, double-quoted.
const NAME: &str = "\"awsprof\"";

/// The lines with which the bash script and the zsh plugin include [`COMMON`].
const BASH_INCLUDE: &str = "# shellcheck source=../zsh/awsprof-common.sh\n\
    \\builtin source \"${BASH_SOURCE[0]%awsprof.bash}../zsh/awsprof-common.sh\"\n";
const ZSH_INCLUDE: &str = "\\builtin source \"${${(%):-%x}:A:h}/awsprof-common.sh\"\n";

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `template` with its include line replaced by the shared part.
fn include(template: &str, line: &str) -> String {
    debug_assert_eq!(template.matches(line).count(), 1, "one include line");
    template.replacen(line, COMMON, 1)
}

/// The integration script for `shell`, with the function called `name`.
pub fn script(shell: InitShell, name: &str) -> Result<String> {
    if !valid_name(name) {
        bail!("--cmd {name:?}: a function name is letters, digits, '_' and '-', starting with a letter or '_'");
    }
    let text = match shell {
        InitShell::Bash => include(BASH, BASH_INCLUDE),
        InitShell::Zsh => include(ZSH, ZSH_INCLUDE),
        InitShell::Fish => [FISH_FUNCTION, FISH_PROMPT, FISH_COMPLETION, FISH_CONF].join("\n"),
        InitShell::Nu => NU.to_string(),
    };
    Ok(text.replace(NAME, &format!("\"{name}\"")))
}

/// Prints the script.
pub fn run(args: &InitArgs) -> Result<()> {
    super::emit(&script(args.shell, &args.cmd)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELLS: [InitShell; 4] = [
        InitShell::Bash,
        InitShell::Zsh,
        InitShell::Fish,
        InitShell::Nu,
    ];

    #[test]
    fn every_name_placeholder_becomes_the_name_and_nothing_else_changes() {
        for shell in SHELLS {
            let plain = script(shell, "awsprof").unwrap();
            let renamed = script(shell, "ap").unwrap();
            // Where the name goes: the definition (bash and zsh also drop an alias of that
            // name first) and the completion registration (fish: clearing it, then it);
            // nushell's completer is part of the definition.
            let places = if shell == InitShell::Nu { 1 } else { 3 };
            assert_eq!(plain.matches(NAME).count(), places, "{shell:?}");
            assert_eq!(renamed.matches(NAME).count(), 0, "{shell:?}");
            assert_eq!(renamed.matches("\"ap\"").count(), places, "{shell:?}");
            assert_eq!(renamed.replace("\"ap\"", NAME), plain, "{shell:?}");
            // The binary is still called as awsprof.
            let binary = if shell == InitShell::Nu {
                "^awsprof "
            } else {
                "command awsprof"
            };
            assert!(renamed.matches(binary).count() >= 2, "{shell:?}");
        }
    }

    #[test]
    fn bash_and_zsh_print_the_shared_part_once_in_place_of_the_include() {
        for (shell, include_line) in [
            (InitShell::Bash, BASH_INCLUDE),
            (InitShell::Zsh, ZSH_INCLUDE),
        ] {
            let text = script(shell, "awsprof").unwrap();
            assert_eq!(text.matches(COMMON).count(), 1, "{shell:?}");
            assert!(!text.contains(include_line), "{shell:?}");
            assert!(!text.contains("awsprof-common.sh\""), "{shell:?}");
        }
        assert!(!script(InitShell::Fish, "awsprof")
            .unwrap()
            .contains("__awsprof_main"));
    }

    #[test]
    fn cmd_must_be_a_plain_name() {
        for bad in ["", "a b", "x;rm", "1x", "$(x)", "-x", "a\"b"] {
            assert!(script(InitShell::Bash, bad).is_err(), "{bad:?}");
        }
        assert!(script(InitShell::Fish, "my_aws-2").is_ok());
    }
}
