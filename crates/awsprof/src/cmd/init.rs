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
//!
//! What bash and zsh evaluate at every start-up is printed without the comment-only and
//! blank lines (a third of the text; bash parses, copies and frees every line it reads):
//! the files keep them. `# shellcheck` directives stay, so that the printed text is still
//! shellcheck-clean. fish and nushell read comments at no measurable cost, and nushell's
//! output is saved as a file the user may read: both are printed whole.

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

/// `text` without its comment-only lines (other than `# shellcheck` directives) and blank
/// lines. Only for scripts with no multi-line string or here-document, where such a line
/// could be data: bash's and zsh's have none (a test parses the result).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let code = line.trim_start();
        if !code.is_empty() && (!code.starts_with('#') || code.starts_with("# shellcheck ")) {
            out.push_str(line);
        }
    }
    out
}

/// The integration script for `shell`, with the function called `name`.
pub fn script(shell: InitShell, name: &str) -> Result<String> {
    if !valid_name(name) {
        bail!("--cmd {name:?}: a function name is letters, digits, '_' and '-', starting with a letter or '_'");
    }
    let text = match shell {
        InitShell::Bash => without_comments(&include(BASH, BASH_INCLUDE)),
        InitShell::Zsh => without_comments(&include(ZSH, ZSH_INCLUDE)),
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

/// `init` runs at every start of every shell that has the integration, so its plain forms
/// (`init SHELL`, `init SHELL --cmd NAME`, `--cmd=NAME`) are recognised before clap builds
/// the command line, which is most of the process's own work. Anything else (help, an
/// unknown shell, a bad name, another option) is `None`, for clap to parse and judge.
pub fn plain_args(args: &[std::ffi::OsString]) -> Option<InitArgs> {
    use clap::ValueEnum;
    let args: Vec<&str> = args.iter().map(|a| a.to_str()).collect::<Option<_>>()?;
    let (shell, name) = match args[..] {
        ["init", shell] => (shell, "awsprof"),
        ["init", shell, "--cmd", name] => (shell, name),
        ["init", shell, cmd] => (shell, cmd.strip_prefix("--cmd=")?),
        _ => return None,
    };
    if !valid_name(name) {
        return None;
    }
    Some(InitArgs {
        shell: InitShell::from_str(shell, false).ok()?,
        cmd: name.to_string(),
    })
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
            assert_eq!(
                text.matches(&without_comments(COMMON)).count(),
                1,
                "{shell:?}"
            );
            assert!(!text.contains(include_line), "{shell:?}");
            assert!(!text.contains("awsprof-common.sh\""), "{shell:?}");
        }
        assert!(!script(InitShell::Fish, "awsprof")
            .unwrap()
            .contains("__awsprof_main"));
    }

    #[test]
    fn bash_and_zsh_are_printed_without_comments_but_with_shellcheck_directives() {
        for (shell, files) in [
            (InitShell::Bash, [BASH, COMMON]),
            (InitShell::Zsh, [ZSH, COMMON]),
        ] {
            let text = script(shell, "awsprof").unwrap();
            assert!(
                !text.lines().any(|l| l.trim().is_empty()
                    || l.trim_start().starts_with("# ") && !l.contains("shellcheck")),
                "{shell:?}"
            );
            let directives = |t: &str| {
                t.lines()
                    .filter(|l| l.trim_start().starts_with("# shellcheck disable"))
                    .count()
            };
            assert_eq!(
                directives(&text),
                files.iter().map(|f| directives(f)).sum::<usize>(),
                "{shell:?}"
            );
            // The code is all there: every line that is not a comment (the include line
            // aside, which the shared part replaces).
            let code: Vec<&str> = files
                .iter()
                .flat_map(|f| f.lines())
                .filter(|l| {
                    !l.trim().is_empty()
                        && !l.trim_start().starts_with('#')
                        && !l.contains("awsprof-common.sh\"")
                })
                .collect();
            assert!(code.iter().all(|l| text.contains(l)), "{shell:?}");
        }
        // fish and nushell keep theirs.
        assert!(script(InitShell::Fish, "awsprof").unwrap().contains("\n# "));
        assert!(script(InitShell::Nu, "awsprof").unwrap().contains("\n# "));
    }

    #[test]
    fn the_plain_forms_skip_clap_and_mean_what_clap_makes_of_them() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let os = |args: &[&str]| args.iter().map(Into::into).collect::<Vec<_>>();
        for args in [
            &["init", "bash"][..],
            &["init", "zsh", "--cmd", "ap"],
            &["init", "fish", "--cmd=my_aws-2"],
            &["init", "nu"],
        ] {
            let fast = plain_args(&os(args)).unwrap_or_else(|| panic!("{args:?}"));
            let cli = Cli::try_parse_from(std::iter::once("awsprof").chain(args.iter().copied()))
                .unwrap();
            let Command::Init(clap) = cli.command else {
                panic!("{args:?}")
            };
            assert_eq!((fast.shell, fast.cmd), (clap.shell, clap.cmd), "{args:?}");
        }
        // Everything else is left to clap: its help, its errors, its other options.
        for args in [
            &["init"][..],
            &["init", "--help"],
            &["init", "bash", "-h"],
            &["init", "-q", "bash"],
            &["init", "bash", "--quiet"],
            &["init", "--cmd", "ap", "bash"],
            &["init", "Bash"],
            &["init", "tcsh"],
            &["init", "bash", "--cmd", "a b"],
            &["init", "bash", "--cmd"],
            &["init", "bash", "--cmd="],
            &["init", "bash", "--cmd", "ap", "extra"],
            &["-q", "init", "bash"],
            &["list"],
        ] {
            assert!(plain_args(&os(args)).is_none(), "{args:?}");
        }
    }

    #[test]
    fn cmd_must_be_a_plain_name() {
        for bad in ["", "a b", "x;rm", "1x", "$(x)", "-x", "a\"b"] {
            assert!(script(InitShell::Bash, bad).is_err(), "{bad:?}");
        }
        assert!(script(InitShell::Fish, "my_aws-2").is_ok());
    }
}
