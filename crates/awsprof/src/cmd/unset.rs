//! `unset`: shell code that clears every variable `use` may set.

use crate::cli::UnsetArgs;
use anyhow::Result;
use awsprof_core::env::{explicit_profile, unset_plan};

/// Prints the code. Reads no file.
pub fn run(args: &UnsetArgs) -> Result<()> {
    // The profile this shell is leaving ("" for none), kept for `use -`.
    let leaving = explicit_profile(&|k| std::env::var(k).ok()).unwrap_or_default();
    let code = args.shell.kind().render(&unset_plan(Some(&leaving)))?;
    super::emit(&code)?;
    Ok(())
}
