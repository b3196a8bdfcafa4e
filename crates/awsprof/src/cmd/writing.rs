//! What the commands that write the files share: where a key goes, warnings, committing.

use anyhow::Result;
use awsprof_core::store::Editor;
use awsprof_core::{FileKind, Section};

/// Keys that hold secrets: they live in the credentials file, as the AWS CLI keeps them.
pub const CREDENTIAL_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// The file a profile's `key` is written to: secrets to credentials; other keys to config,
/// unless the profile already sets that key in the credentials file, where it wins.
pub fn file_for(profile: Option<&Section>, key: &str) -> FileKind {
    let key = key.to_ascii_lowercase();
    if CREDENTIAL_KEYS.contains(&key.as_str()) {
        return FileKind::Credentials;
    }
    let in_creds = profile
        .and_then(|s| s.property(&key))
        .is_some_and(|p| p.file == FileKind::Credentials);
    if in_creds {
        FileKind::Credentials
    } else {
        FileKind::Config
    }
}

/// Trims what was pasted around a value, warning when something was removed.
pub fn trimmed(ctx: &super::Ctx, key: &str, value: &str) -> String {
    let (v, changed) = awsprof_core::validate::trim_pasted(value);
    if changed {
        ctx.ui.warn(&format!(
            "removed whitespace around the value of {key} (pasted with it?)"
        ));
    }
    v.to_string()
}

/// Warns about a value whose shape is wrong for its key.
pub fn check_value(ctx: &super::Ctx, key: &str, value: &str) {
    if let Some(w) = awsprof_core::validate::property(key, value) {
        ctx.ui.warn(&w);
    }
}

/// Prints the editor's notes, writes what changed, then warns about the profiles in
/// `profiles` as they now stand.
pub fn commit(ctx: &super::Ctx, mut editor: Editor, profiles: &[&str]) -> Result<Vec<FileKind>> {
    for kind in [FileKind::Config, FileKind::Credentials] {
        for n in editor.doc(kind).take_notes() {
            ctx.ui.note(&n);
        }
    }
    let mut after = Vec::new();
    for name in profiles {
        after.extend(editor.profile(name)?);
    }
    let written = editor.commit()?;
    for section in &after {
        for w in awsprof_core::validate::profile(section) {
            ctx.ui.warn(&w);
        }
    }
    Ok(written)
}

/// Asks `question` on the terminal unless `yes`; without a terminal, refuses (`refusal`
/// says what was not done, and that --yes would do it). Not confirmed is an error: nothing
/// was removed.
pub fn confirm_removal(ctx: &super::Ctx, yes: bool, refusal: &str, question: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !ctx.ui.interactive() {
        anyhow::bail!("{refusal}");
    }
    let yes = match ctx.ui.confirm(question) {
        Ok(yes) => yes,
        Err(awsprof_core::ui::UiError::Ended) => false,
        Err(e) => return Err(e.into()),
    };
    if !yes {
        anyhow::bail!("not confirmed; nothing removed");
    }
    Ok(())
}

/// "~/.aws/config and ~/.aws/credentials" for messages.
pub fn files(ctx: &super::Ctx, kinds: &[FileKind]) -> String {
    kinds
        .iter()
        .map(|k| ctx.paths.get(*k).display().to_string())
        .collect::<Vec<_>>()
        .join(" and ")
}
