//! Live completion values: read from the files at completion time, so a profile added a
//! second ago completes without restarting the shell.

use awsprof_core::{Filter, Paths};
use clap_complete::CompletionCandidate;

/// Profile names, sorted; nothing when the files cannot be read (completion must not
/// print errors into the command line).
pub fn profile_names() -> Vec<CompletionCandidate> {
    match awsprof_core::store::load(&Paths::from_env(), Filter::NamesOnly) {
        Ok(set) => set
            .names()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Profile names, and `-` for `use -`.
pub fn profile_names_or_previous() -> Vec<CompletionCandidate> {
    let mut out = profile_names();
    if let Some(prev) = std::env::var(awsprof_core::env::PREVIOUS_PROFILE)
        .ok()
        .filter(|p| !p.is_empty())
    {
        out.push(CompletionCandidate::new("-").help(Some(format!("back to {prev}").into())));
    }
    out
}
