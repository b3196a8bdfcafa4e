use super::writing;
use crate::cli::RenameArgs;
use anyhow::{bail, Result};
use awsprof_core::store::Editor;
use awsprof_core::FileKind;

/// Renames a profile in both files and points `source_profile` references at the new name.
pub fn run(ctx: &super::Ctx, args: &RenameArgs) -> Result<()> {
    let (old, new) = (args.old.as_str(), args.new.as_str());
    if old == new {
        bail!("`{old}` and `{new}` are the same name");
    }
    // Checked before locking too, so that a typo creates no lock file or directory.
    if ctx
        .load(awsprof_core::Filter::NamesOnly)?
        .profile(old)
        .is_none()
    {
        return Err(ctx.unknown(old)?.into());
    }
    let mut editor = Editor::open(&ctx.paths)?;
    let set = editor.profiles()?;
    if set.profile(old).is_none() {
        return Err(ctx.unknown(old)?.into());
    }
    if set.profile(new).is_some() {
        bail!("profile `{new}` already exists; remove it first or pick another name");
    }
    let mut renamed = Vec::new();
    let mut fixed = Vec::new();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let doc = editor.doc(kind);
        let result = doc
            .rename_profile(old, new)
            .and_then(|n| Ok((n, doc.replace_values("source_profile", old, new)?)));
        let (n, refs) = result.map_err(|e| editor.error(kind, e))?;
        if n > 0 {
            renamed.push(kind);
        }
        fixed.extend(refs);
    }
    writing::commit(ctx, editor, &[new])?;
    ctx.ui.note(&format!(
        "renamed profile `{old}` to `{new}` in {}",
        writing::files(ctx, &renamed)
    ));
    if !fixed.is_empty() {
        fixed.sort();
        fixed.dedup();
        ctx.ui.note(&format!(
            "source_profile changed from `{old}` to `{new}` in: {}",
            fixed.join(", ")
        ));
    }
    if std::env::var("AWS_PROFILE").as_deref() == Ok(old) {
        ctx.ui.warn(&format!(
            "this shell still has AWS_PROFILE={old}; switch with `awsprof use {new}`"
        ));
    }
    Ok(())
}
