//! `unset`: shell code that clears every variable `use` may set.

use crate::cli::UnsetArgs;
use anyhow::Result;
use awsprof_core::env::{explicit_profile, unset_plan};

/// Prints the code. Reads no file.
pub fn run(args: &UnsetArgs) -> Result<()> {
    let previous = explicit_profile(&|k| std::env::var(k).ok());
    let code = args.shell.kind().render(&unset_plan(previous.as_deref()))?;
    super::emit(&code)?;
    Ok(())
}
