use super::writing;
use crate::cli::SetArgs;
use anyhow::Result;
use awsprof_core::edit::Target;
use awsprof_core::keypath::SectionKind;
use awsprof_core::store::Editor;
use awsprof_core::FileKind;

/// Sets or deletes one key, like `aws configure set`.
pub fn run(ctx: &super::Ctx, args: &SetArgs) -> Result<()> {
    let path = ctx.key_path(&args.key)?;
    let selected = ctx.selected(args.profile.as_deref());
    let name = path.name.clone().unwrap_or(selected);
    let target = match path.section {
        SectionKind::Profile => Target::Profile(&name),
        SectionKind::SsoSession => Target::SsoSession(&name),
        SectionKind::Services => Target::Services(&name),
    };
    let sub = path.sub.as_deref();
    let mut editor = Editor::open(&ctx.paths)?;
    // Only key changes can break the pairing of keys and token; don't nag otherwise.
    let profiles: Vec<&str> = match target {
        Target::Profile(n) if writing::CREDENTIAL_KEYS.contains(&path.key.as_str()) => vec![n],
        _ => vec![],
    };
    match &args.value {
        None => {
            let kinds: &[FileKind] = match target {
                Target::Profile(_) => &[FileKind::Config, FileKind::Credentials],
                _ => &[FileKind::Config],
            };
            let mut deleted = 0;
            for &kind in kinds {
                deleted += editor
                    .doc(kind)
                    .delete(target, &path.key, sub)
                    .map_err(|e| editor.error(kind, e))?;
            }
            if deleted == 0 {
                ctx.ui.note(&format!(
                    "`{}` was not set in {}; nothing changed",
                    args.key,
                    describe(target)
                ));
            }
        }
        Some(value) => {
            let shown = sub.unwrap_or(&path.key);
            let value = writing::trimmed(ctx, shown, value);
            if sub.is_none() {
                writing::check_value(ctx, &path.key, &value);
            }
            let kind = match target {
                Target::Profile(n) => writing::file_for(editor.profile(n)?.as_ref(), &path.key),
                _ => FileKind::Config,
            };
            if kind == FileKind::Credentials
                && !writing::CREDENTIAL_KEYS.contains(&path.key.as_str())
            {
                ctx.ui.note(&format!(
                    "{} is set in the credentials file, which wins over the config file; changed it there",
                    path.key
                ));
            }
            editor
                .doc(kind)
                .set(target, &path.key, sub, &value)
                .map_err(|e| editor.error(kind, e))?;
        }
    }
    writing::commit(ctx, editor, &profiles)?;
    Ok(())
}

fn describe(target: Target<'_>) -> String {
    match target {
        Target::Profile(n) => format!("profile `{n}`"),
        Target::SsoSession(n) => format!("sso-session `{n}`"),
        Target::Services(n) => format!("services `{n}`"),
    }
}
