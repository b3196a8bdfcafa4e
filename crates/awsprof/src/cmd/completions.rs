//! `awsprof completions SHELL`: Tab completion without the shell integration, as a file a
//! package installs (`/usr/share/bash-completion/completions/awsprof`,
//! `/usr/share/zsh/site-functions/_awsprof`, `/usr/share/fish/vendor_completions.d/awsprof.fish`).
//! The script asks the `awsprof` on PATH for the candidates each time (clap's dynamic
//! completion, as `init` does), so profile names are read live.

use crate::cli::{CompletionShell, CompletionsArgs};
use anyhow::Result;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

/// Prints the completion script for the shell.
pub fn run(args: &CompletionsArgs) -> Result<()> {
    let shell: &dyn EnvCompleter = match args.shell {
        CompletionShell::Bash => &Bash,
        CompletionShell::Zsh => &Zsh,
        CompletionShell::Fish => &Fish,
        CompletionShell::Elvish => &Elvish,
        CompletionShell::Powershell => &Powershell,
    };
    let mut script = Vec::new();
    // The program on PATH, not this executable's path: the file is made where the package
    // is built and used where it is installed.
    shell.write_registration("COMPLETE", "awsprof", "awsprof", "awsprof", &mut script)?;
    let mut script = String::from_utf8(script)?;
    if args.shell == CompletionShell::Zsh {
        script = autoloadable(&script);
    }
    if !script.ends_with('\n') {
        script.push('\n');
    }
    super::emit(&script)?;
    Ok(())
}

/// zsh runs an autoloaded `_awsprof` (from `fpath`) as the completion function itself on the
/// first Tab: registering another there would complete nothing until the second Tab. So it
/// completes when it runs as `_awsprof`, and registers when sourced.
fn autoloadable(script: &str) -> String {
    const REGISTER: &str = "compdef _clap_dynamic_completer_awsprof awsprof";
    match script.trim_end().strip_suffix(REGISTER) {
        Some(body) => format!(
            "{body}if [[ \"${{funcstack[1]-}}\" == _awsprof ]]; then\n    _clap_dynamic_completer_awsprof \"$@\"\nelse\n    {REGISTER}\nfi\n"
        ),
        None => script.to_string(),
    }
}
