use super::writing;
use crate::cli::ImportArgs;
use anyhow::{bail, Context, Result};
use awsprof_core::edit::Target;
use awsprof_core::store::Editor;
use awsprof_core::{accesskeys, validate, FileKind};

/// Imports the IAM console's access-key CSV into the credentials file.
pub fn run(ctx: &super::Ctx, args: &ImportArgs) -> Result<()> {
    let shown = args.csv.display().to_string();
    // A key file is a few hundred bytes; a megabyte is generous. A FIFO or a device is
    // refused at once instead of blocking.
    let bytes = awsprof_core::store::read_bytes(&args.csv, 1 << 20)?
        .with_context(|| format!("{shown}: no such file"))?;
    let keys = accesskeys::parse(&bytes).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let mut names = Vec::with_capacity(keys.len());
    for key in &keys {
        let name = match (&args.profile, &key.user_name) {
            (Some(p), _) if keys.len() == 1 => p.clone(),
            (Some(_), _) => bail!(
                "{shown} holds {} access keys; --profile names only one profile: leave it out to name each by its user name",
                keys.len()
            ),
            (None, Some(user)) => user.clone(),
            (None, None) => bail!(
                "{shown} has no user name column (the IAM console's current layout): name the profile with --profile NAME"
            ),
        };
        if !awsprof_core::parse::is_identifier(&name) {
            bail!("`{name}` is not a valid profile name: use letters, digits and _ - / . % @ : +");
        }
        if names.contains(&name) {
            bail!("{shown}: user name `{name}` appears twice; import them one at a time with --profile");
        }
        names.push(name);
    }
    let mut editor = Editor::open(&ctx.paths)?;
    let set = editor.profiles()?;
    for name in &names {
        if set.profile(name).is_some() && !args.force {
            bail!("profile `{name}` already exists; pass --force to replace its keys (nothing was written)");
        }
    }
    for (key, name) in keys.iter().zip(&names) {
        if let Some(w) = validate::access_key_id(&key.access_key_id) {
            ctx.ui.warn(&w);
        }
        if let Some(w) = validate::secret_access_key(&key.secret_access_key) {
            ctx.ui.warn(&w);
        }
        if key.root {
            ctx.ui.warn(validate::ROOT_KEYS);
        }
        let target = Target::Profile(name);
        let creds = FileKind::Credentials;
        let doc = editor.doc(creds);
        let result = doc
            .set(target, "aws_access_key_id", None, &key.access_key_id)
            .and_then(|_| {
                doc.set(
                    target,
                    "aws_secret_access_key",
                    None,
                    &key.secret_access_key,
                )
            });
        result.map_err(|e| editor.error(creds, e))?;
        // A session token left from earlier keys would be sent with the new ones.
        for kind in [FileKind::Credentials, FileKind::Config] {
            let n = editor
                .doc(kind)
                .delete(target, "aws_session_token", None)
                .map_err(|e| editor.error(kind, e))?;
            if n > 0 {
                ctx.ui.note(&format!(
                    "removed the old aws_session_token of profile `{name}`"
                ));
            }
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    writing::commit(ctx, editor, &refs)?;
    for (key, name) in keys.iter().zip(&names) {
        ctx.ui.note(&format!(
            "imported access key {} into profile `{name}` ({})",
            key.access_key_id,
            ctx.paths.credentials.display()
        ));
    }
    Ok(())
}
