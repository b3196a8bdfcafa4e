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
        .with_context(|| format!("{shown}: No such file or directory"))?;
    let all = accesskeys::parse(&bytes).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let keys: Vec<&accesskeys::AccessKey> = match args.row {
        None => all.iter().collect(),
        Some(n) if (1..=all.len()).contains(&n) => vec![&all[n - 1]],
        Some(n) => bail!(
            "{shown} holds {} access key{}; --row {n} is not one of them (1 is the first row after the header)",
            all.len(),
            if all.len() == 1 { "" } else { "s" }
        ),
    };
    let (names, from_file) = names(&shown, &keys, args)?;
    let mut editor = Editor::open(&ctx.paths)?;
    let set = editor.profiles()?;
    for name in &names {
        if set.profile(name).is_some() && !args.force {
            bail!("profile `{name}` already exists; pass --force to replace its keys (nothing was written)");
        }
    }
    let mut keyring = false;
    for name in &names {
        keyring |= super::keyring::wanted(ctx, args.keyring, set.profile(name))?;
    }
    for key in &keys {
        if let Some(w) = validate::access_key_id(&key.access_key_id) {
            ctx.ui.warn(&w);
        }
        if let Some(w) = validate::secret_access_key(&key.secret_access_key) {
            ctx.ui.warn(&w);
        }
        if key.root {
            ctx.ui.warn(validate::ROOT_KEYS);
        }
    }
    if keyring {
        return super::keyring::import(ctx, editor, &keys, &names, args.force);
    }
    for (key, name) in keys.iter().zip(&names) {
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
    if from_file {
        ctx.ui.note(&format!(
            "the profile is named after the IAM user in the file's name; --profile NAME names it otherwise (or `awsprof rename {} NEW`)",
            names[0]
        ));
    }
    Ok(())
}

/// The profile each key goes to, and whether the names come from the file's name.
/// `--profile NAME` names the first NAME and the k-th NAME-k; without it each key takes
/// its user name (the old IAM layout), which must be a valid profile name and appear once.
/// A file with no user names (the current layout) named as the IAM console names it,
/// `USERNAME_accessKeys.csv`, is named after USERNAME the way `--profile` names it.
fn names(
    shown: &str,
    keys: &[&accesskeys::AccessKey],
    args: &ImportArgs,
) -> Result<(Vec<String>, bool)> {
    const HOW: &str = "name the profile with --profile NAME (several keys become NAME, NAME-2, ...), or pick one key with --row N";
    let numbered = |p: &str| -> Vec<String> {
        (1..=keys.len())
            .map(|k| {
                if k == 1 {
                    p.to_string()
                } else {
                    format!("{p}-{k}")
                }
            })
            .collect()
    };
    if let Some(p) = &args.profile {
        if !awsprof_core::parse::is_identifier(p) {
            bail!(
                "--profile {}: not a valid profile name: use letters, digits and _ - / . % @ : +",
                awsprof_core::text::quoted(p)
            );
        }
        return Ok((numbered(p), false));
    }
    let file_user = args
        .csv
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(accesskeys::user_from_file_name);
    if let Some(user) = file_user.filter(|_| keys.iter().all(|k| k.user_name.is_none())) {
        if !awsprof_core::parse::is_identifier(user) {
            bail!(
                "{shown}: the file has no user name column, and the user name in its name, {}, is not a valid profile name (letters, digits and _ - / . % @ : +): {HOW}",
                awsprof_core::text::quoted(user)
            );
        }
        return Ok((numbered(user), true));
    }
    let mut names: Vec<String> = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let row = match args.row {
            Some(n) => n,
            None => i + 1,
        };
        let at = format!("{shown}:{} (row {row})", key.line);
        let Some(user) = &key.user_name else {
            bail!(
                "{at}: the file has no user name column (the IAM console's current layout): {HOW}"
            );
        };
        if !awsprof_core::parse::is_identifier(user) {
            bail!(
                "{at}: user name {} is not a valid profile name (letters, digits and _ - / . % @ : +): {HOW}",
                awsprof_core::text::quoted(user)
            );
        }
        if let Some(j) = names.iter().position(|n| n == user) {
            bail!(
                "{at}: user name `{user}` is also on line {}: {HOW}",
                keys[j].line
            );
        }
        names.push(user.clone());
    }
    Ok((names, false))
}
