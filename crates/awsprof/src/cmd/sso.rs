//! `sso add`: the `[sso-session]` that `login --sso-session` and `sso sync` work from.
//! (`sso sync` needs the SDK: it runs in awsprof-net.)

use super::writing;
use crate::cli::SsoAddArgs;
use anyhow::{bail, Result};
use awsprof_core::sso_sync::{self, AddError, Added, NewSession};
use awsprof_core::store::Editor;
use awsprof_core::ui::UiError;
use awsprof_core::{FileKind, Filter, Section};
use clap::CommandFactory;

/// A required value that was not given off a terminal: bad usage, exit 2, as clap would.
fn missing(what: &str) -> ! {
    crate::cli::Cli::command()
        .error(
            clap::error::ErrorKind::MissingRequiredArgument,
            format!("`awsprof sso add` needs {what}; give it, or run it on a terminal to be asked"),
        )
        .exit()
}

/// Asks `label [shown]: ` until an answer or a default is there, as `aws configure sso`
/// does. Enter keeps `default`.
fn ask(ctx: &super::Ctx, label: &str, default: Option<&str>) -> Result<String> {
    loop {
        let shown = default.unwrap_or("None");
        let answer = match ctx.ui.ask(&format!("{label} [{shown}]: ")) {
            Ok(a) => writing::trimmed(ctx, label, &a),
            Err(UiError::Ended) => bail!("aborted; nothing written"),
            Err(e) => return Err(e.into()),
        };
        match (answer.is_empty(), default) {
            (false, _) => return Ok(answer),
            (true, Some(d)) => return Ok(d.to_string()),
            (true, None) => ctx.ui.note(&format!("{label} is needed")),
        }
    }
}

/// Writes the `[sso-session]` from the arguments, asking on a terminal for what is missing.
pub fn add(ctx: &super::Ctx, args: &SsoAddArgs) -> Result<()> {
    let interactive = ctx.ui.interactive();
    // Read without the lock: answering takes a while, and other writers must not wait.
    let set = ctx.load(Filter::All)?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None if interactive => ask(ctx, "SSO session name", None)?,
        None => missing("the session NAME"),
    };
    let existing: Option<&Section> = set.sso_sessions.get(&name);
    let current = |key: &str| existing.and_then(|s| s.get(key)).filter(|v| !v.is_empty());
    let asked = args.start_url.is_none() || args.region.is_none();
    let start_url = match &args.start_url {
        Some(u) => u.clone(),
        None if interactive => ask(ctx, "SSO start URL", current("sso_start_url"))?,
        None => missing("--start-url URL"),
    };
    let region = match &args.region {
        Some(r) => r.clone(),
        None if interactive => ask(ctx, "SSO region", current("sso_region"))?,
        None => missing("--region REGION"),
    };
    let default_scopes = current("sso_registration_scopes").unwrap_or(sso_sync::DEFAULT_SCOPES);
    let scopes = match &args.scopes {
        Some(s) => s.clone(),
        None if interactive && asked => ask(ctx, "SSO registration scopes", Some(default_scopes))?,
        None => default_scopes.to_string(),
    };
    writing::check_value(ctx, "region", &region);
    let session = NewSession {
        name: name.clone(),
        start_url,
        region,
        scopes,
    };
    // The file may have changed while we asked: the edit works on what is there now.
    let mut editor = Editor::open(&ctx.paths)?;
    let added = match sso_sync::add_session(editor.doc(FileKind::Config), &session, args.force) {
        Ok(a) => a,
        Err(AddError::Edit(e)) => return Err(editor.error(FileKind::Config, e).into()),
        Err(e) => return Err(e.into()),
    };
    writing::commit(ctx, editor, &[])?;
    let file = writing::files(ctx, &[FileKind::Config]);
    ctx.ui.note(&match &added {
        Added::Created => format!("added [sso-session {name}] to {file}"),
        Added::Unchanged => {
            format!("[sso-session {name}] is in {file} with these values already; nothing changed")
        }
        Added::Updated(keys) => format!(
            "changed {} of [sso-session {name}] in {file}",
            keys.join(", ")
        ),
    });
    let only = set.sso_sessions.is_empty() || (set.sso_sessions.len() == 1 && existing.is_some());
    let sync = if only {
        "awsprof sso sync".to_string()
    } else {
        format!("awsprof sso sync --sso-session {name}")
    };
    ctx.ui.note(&format!(
        "next: `awsprof login --sso-session {name}`, then `{sync}`"
    ));
    Ok(())
}
