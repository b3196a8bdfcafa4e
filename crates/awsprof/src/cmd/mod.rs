//! One module per subcommand, plus what they share.

pub mod allow;
pub mod completions;
pub mod configure;
pub mod current;
pub mod doctor;
pub mod env;
pub mod export;
pub mod get;
pub mod import;
pub mod init;
pub mod keyring;
pub mod list;
pub mod man;
pub mod nu_hook;
pub mod picker;
pub mod remove;
pub mod rename;
pub mod set;
pub mod show;
pub mod sso;
pub mod unset;
pub mod r#use;
pub mod writing;

pub use crate::ctx::Ctx;
use std::io::{self, Write};

/// Writes `text` to stdout in one go: the bytes as they are to a pipe or a file; to a
/// terminal, with the control characters a value may carry made visible
/// ([`crate::term::visible`]), so a value from the files cannot drive the terminal.
pub fn emit(text: &str) -> io::Result<()> {
    use std::io::IsTerminal;
    let mut out = io::stdout().lock();
    let text = if out.is_terminal() {
        crate::term::visible(text)
    } else {
        text.into()
    };
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// What `list` and the picker say when the files hold no profile: where they looked, and
/// the commands that make the first one.
pub fn no_profiles(ctx: &Ctx) -> String {
    awsprof_core::model::no_profiles(
        crate::term::shown_path(&ctx.paths.config),
        crate::term::shown_path(&ctx.paths.credentials),
    )
}

/// Secrets that `show` masks unless `--reveal`.
pub const SECRET_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// Masks like `aws configure list`: sixteen stars and the last four characters.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("{}{tail}", "*".repeat(16))
}
