//! `allow`, `deny` and the shell integration's directory hook: per-directory profiles named
//! by a `.aws-profile` file, applied only once the user has trusted the file as it is.
//!
//! The shell looks for the file itself (no process in a directory without one) and runs
//! the hidden `hook` only when it finds one it has not handled yet; `hook` decides from
//! the trust list and prints the code of `use PROFILE`, or says once why it does not.

use crate::cli::{DirArgs, HookArgs};
use crate::term::shown_path;
use anyhow::{Context, Result};
use awsprof_core::dirprofile::{self, DirError, ProfileFile, Trust, TrustList};
use awsprof_core::env::{explicit_profile, use_plan, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the trust list lives: the user's state directory ($XDG_STATE_HOME/awsprof on
/// Linux; the local data directory where the platform has no state directory).
pub fn list_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "awsprof")
        .context("no home directory: cannot locate the trust list of .aws-profile files")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Ok(dir.join("allowed.json"))
}

/// The `.aws-profile` that applies in `dir` (the current directory when none is given).
fn locate(args: &DirArgs) -> Result<ProfileFile> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().context("the current directory")?,
    };
    let dir = dir
        .canonicalize()
        .with_context(|| dir.display().to_string())?;
    let file = dirprofile::find(&dir).ok_or(DirError::NotFound { dir })?;
    Ok(ProfileFile::read(&file)?)
}

/// `allow [DIR]`: trusts the file as it is now.
pub fn allow(ctx: &super::Ctx, args: &DirArgs) -> Result<()> {
    let file = locate(args)?;
    // A file that names nothing usable is refused: allowing it would apply nothing.
    let name = file.profile()?.to_string();
    let key = file.key()?.to_string();
    TrustList::update(&list_path()?, |list| list.allow(&key, &file.hash))?;
    ctx.ui.note(&format!(
        "allowed {} (profile '{name}')",
        file.path.display()
    ));
    if ctx.profile(&name).is_err() {
        ctx.ui.warn(&format!("profile '{name}' is not in the config or credentials file; the shell keeps its profile until it is"));
    }
    Ok(())
}

/// `deny [DIR]`: ignores the file, whatever it holds, until it is allowed again.
pub fn deny(ctx: &super::Ctx, args: &DirArgs) -> Result<()> {
    let file = locate(args)?;
    let key = file.key()?.to_string();
    TrustList::update(&list_path()?, |list| list.deny(&key))?;
    ctx.ui.note(&format!(
        "denied {}: it is ignored until `awsprof allow`",
        file.path.display()
    ));
    Ok(())
}

/// What `hook` tells the user about a file it does not apply (one line), or nothing.
fn refusal(trust: Trust, file: &ProfileFile) -> Option<String> {
    let shown = shown_path(&file.path);
    let names = match file.profile() {
        Ok(name) => format!("it names profile '{name}'"),
        Err(e) => format!("{e}"),
    };
    match trust {
        Trust::Allowed | Trust::Denied => None,
        Trust::New => Some(format!(
            "{shown} is not allowed yet ({names}); run `awsprof allow` to use it, `awsprof deny` to silence this"
        )),
        Trust::Changed => Some(format!(
            "{shown} changed since it was allowed ({names}); run `awsprof allow` to use it as it is now"
        )),
    }
}

/// The hidden `hook FILE --shell SH`: the code of `use PROFILE` for a trusted file, exit 0;
/// anything else prints nothing on stdout, at most one line on stderr, and exits 1.
/// `hook --state` is nushell's (see [`super::nu_hook`]).
pub fn hook(ctx: &super::Ctx, args: &HookArgs) -> Result<ExitCode> {
    if args.state {
        return super::nu_hook::run(ctx);
    }
    // clap requires the file without --state.
    let file = args.file.as_deref().context("no .aws-profile file named")?;
    let leaving = explicit_profile(&|k| std::env::var(k).ok()).unwrap_or_default();
    let Some(plan) = trusted_plan(ctx, file, &leaving)? else {
        return Ok(ExitCode::FAILURE);
    };
    super::emit(&args.shell.kind().render(&plan)?)?;
    Ok(ExitCode::SUCCESS)
}

/// The plan of `use PROFILE` for the profile a trusted `file` names, in a shell leaving the
/// profile `leaving`; `None` for a file not trusted as it is, after at most one line on
/// stderr saying why.
pub fn trusted_plan(ctx: &super::Ctx, file: &Path, leaving: &str) -> Result<Option<Plan>> {
    let file = ProfileFile::read(file)?;
    let list = TrustList::load(&list_path()?)?;
    let trust = list.check(file.key()?, &file.hash);
    if trust != Trust::Allowed {
        if let Some(line) = refusal(trust, &file) {
            ctx.ui.note(&line);
        }
        return Ok(None);
    }
    let name = file.profile()?;
    let profile = ctx
        .profile(name)
        .with_context(|| format!("{} names profile '{name}'", file.path.display()))?;
    Ok(Some(use_plan(name, profile.get("region"), Some(leaving))))
}
