//! The `use` picker: the profile names, offered through the terminal's picker.

use anyhow::{bail, Result};
use awsprof_core::ui::UiError;

/// The chosen profile, or `None` when there is no terminal (the names are listed on stderr
/// instead) or the user cancelled.
pub fn pick(ctx: &super::Ctx) -> Result<Option<String>> {
    let texts = ctx.texts()?;
    let names = texts.profile_names(&ctx.paths)?;
    if names.is_empty() {
        bail!("{}", super::no_profiles(ctx));
    }
    let current = awsprof_core::env::explicit_profile(&|k| std::env::var(k).ok());
    let start = current
        .and_then(|c| names.iter().position(|n| *n == c))
        .unwrap_or(0);
    match ctx.ui.pick("AWS profile", &names, start) {
        Ok(Some(i)) => Ok(names.get(i).map(|n| n.to_string())),
        Ok(None) => {
            ctx.ui.note("nothing chosen; this shell is unchanged");
            Ok(None)
        }
        Err(UiError::NoTerminal) => {
            let mut msg =
                String::from("no profile given, and no terminal to pick one on; the profiles are:");
            for name in &names {
                msg.push_str("\n  ");
                msg.push_str(name);
            }
            ctx.ui.note(&msg);
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}
