use super::writing;
use crate::cli::RemoveArgs;
use anyhow::Result;
use awsprof_core::edit::Target;
use awsprof_core::store::Editor;
use awsprof_core::{FileKind, Filter};

/// Removes a profile from both files, after asking.
pub fn run(ctx: &super::Ctx, args: &RemoveArgs) -> Result<()> {
    let name = args.profile.as_str();
    let set = ctx.load(Filter::All)?;
    let Some(section) = set.profile(name) else {
        return Err(ctx.unknown(name)?.into());
    };
    let users: Vec<&str> = set
        .profiles
        .values()
        .filter(|p| p.get("source_profile") == Some(name) && p.name != name)
        .map(|p| p.name.as_str())
        .collect();
    let sources = writing::files(ctx, &section.sources());
    // Said before anything is removed: in the question, or in the refusal.
    let named_by = match &users[..] {
        [] => String::new(),
        [one] => format!(" `{one}` names it as source_profile and will fail until changed."),
        many => format!(
            " {} name it as source_profile and will fail until changed.",
            many.iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    writing::confirm_removal(
        ctx,
        args.yes,
        &format!("refusing to remove profile `{name}` without confirmation: stdin is not a terminal; pass --yes.{named_by}"),
        &format!("Remove profile `{name}` from {sources}?{named_by}"),
    )?;
    // The files may have changed while we asked: the edit works on what is there now.
    let mut editor = Editor::open(&ctx.paths)?;
    let mut removed = Vec::new();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let n = editor
            .doc(kind)
            .remove_section(Target::Profile(name))
            .map_err(|e| editor.error(kind, e))?;
        if n > 0 {
            removed.push(kind);
        }
    }
    writing::commit(ctx, editor, &[])?;
    ctx.ui.note(&format!(
        "removed profile `{name}` from {}",
        writing::files(ctx, &removed)
    ));
    if !users.is_empty() && args.yes {
        ctx.ui.warn(&format!(
            "{} still name{} `{name}` as source_profile and will fail until changed",
            users.join(", "),
            if users.len() == 1 { "s" } else { "" }
        ));
    }
    if std::env::var("AWS_PROFILE").as_deref() == Ok(name) {
        ctx.ui.warn(&format!(
            "this shell still has AWS_PROFILE={name}; switch with `awsprof use`"
        ));
    }
    Ok(())
}
