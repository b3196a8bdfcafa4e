//! Zsh: single-quoted POSIX assignments. `!` needs no care, since history expansion
//! does not happen inside single quotes nor in `eval`.

use super::{sh, Format, FormatError};

/// Zsh.
pub struct Zsh;

impl Format for Zsh {
    fn name(&self) -> &'static str {
        "zsh"
    }

    fn summary(&self) -> &'static str {
        "export K='v'"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        sh::export(self.name(), key, value)
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        Some(format!("unset {key}"))
    }
}
