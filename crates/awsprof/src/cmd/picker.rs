//! The `use` picker: fuzzy search over profile names, drawn on stderr so stdout stays
//! free for the shell code that the wrapper evals.

use anyhow::{bail, Result};
use awsprof_core::store::display_path;
use dialoguer::console::Term;
use dialoguer::FuzzySelect;
use std::io::IsTerminal;

/// The chosen profile, or `None` when there is no terminal (the names are listed on stderr
/// instead) or the user cancelled.
pub fn pick(ctx: &super::Ctx) -> Result<Option<String>> {
    let texts = ctx.texts()?;
    let names = texts.profile_names(&ctx.paths)?;
    if names.is_empty() {
        bail!(
            "no profiles in {} or {}",
            display_path(&ctx.paths.config),
            display_path(&ctx.paths.credentials)
        );
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        let mut msg = String::from(
            "awsprof: no profile given, and no terminal to pick one on; the profiles are:\n",
        );
        for name in &names {
            msg.push_str("  ");
            msg.push_str(name);
            msg.push('\n');
        }
        eprint!("{msg}");
        return Ok(None);
    }
    let current = awsprof_core::env::explicit_profile(&|k| std::env::var(k).ok());
    let start = current
        .and_then(|c| names.iter().position(|n| *n == c))
        .unwrap_or(0);
    // The picker hides the cursor; Ctrl-C must not leave it hidden in the user's shell.
    // It arrives as SIGINT, or, while the terminal is in raw mode, as an Interrupted read
    // (after which console raises SIGINT itself): both end the same way.
    let _ = ctrlc::set_handler(|| {
        interrupted();
    });
    let chosen = match FuzzySelect::new()
        .with_prompt("AWS profile")
        .items(&names)
        .default(start)
        .max_length(15)
        .interact_on_opt(&Term::stderr())
    {
        Ok(chosen) => chosen,
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            interrupted()
        }
        Err(e) => {
            let _ = Term::stderr().show_cursor();
            return Err(e.into());
        }
    };
    match chosen {
        Some(i) => Ok(names.get(i).map(|n| n.to_string())),
        None => {
            eprintln!("awsprof: nothing chosen; this shell is unchanged");
            Ok(None)
        }
    }
}

/// Ctrl-C: show the cursor again, end the line, exit 130 as a shell would.
fn interrupted() -> ! {
    let term = Term::stderr();
    let _ = term.show_cursor();
    let _ = term.write_line("");
    std::process::exit(130)
}
