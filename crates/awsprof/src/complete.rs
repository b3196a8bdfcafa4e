//! Live completion values: read from the files at completion time, so a profile added a
//! second ago completes without restarting the shell.

use awsprof_core::store::Texts;
use awsprof_core::Paths;
use clap::builder::StyledStr;
use clap_complete::CompletionCandidate;

/// The group every profile candidate belongs to. Untagged candidates get a tag made by
/// formatting the argument once per candidate, which made completion at 10,000 profiles
/// cost twice what reading the names did (docs/benchmarks.md).
fn tag() -> Option<StyledStr> {
    Some(StyledStr::from("PROFILE"))
}

/// Profile names, sorted; nothing when the files cannot be read (completion must not
/// print errors into the command line).
pub fn profile_names() -> Vec<CompletionCandidate> {
    let paths = Paths::from_env();
    let Ok(texts) = Texts::read(&paths) else {
        return Vec::new();
    };
    match texts.profile_names(&paths) {
        Ok(names) => {
            let tag = tag();
            names
                .into_iter()
                .map(|name| CompletionCandidate::new(name).tag(tag.clone()))
                .collect()
        }
        Err(_) => Vec::new(),
    }
}

/// Profile names, and `-` for `use -`.
pub fn profile_names_or_previous() -> Vec<CompletionCandidate> {
    let mut out = profile_names();
    use awsprof_core::env::{previous, Previous};
    if let Some(prev) = previous(&|k| std::env::var(k).ok()) {
        let to = match prev {
            Previous::Profile(p) => p,
            Previous::NoProfile => "no profile".to_string(),
        };
        out.push(
            CompletionCandidate::new("-")
                .help(Some(format!("back to {to}").into()))
                .tag(tag()),
        );
    }
    out
}

/// The `[sso-session]` names of the config file, in file order; nothing when it cannot be
/// read.
pub fn sso_session_names() -> Vec<CompletionCandidate> {
    let paths = Paths::from_env();
    match awsprof_core::store::load(&paths, awsprof_core::Filter::All) {
        Ok(set) => set
            .sso_sessions
            .keys()
            .map(|name| CompletionCandidate::new(name.as_str()))
            .collect(),
        Err(_) => Vec::new(),
    }
}
