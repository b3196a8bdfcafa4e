//! POSIX sh (dash, busybox ash, and any sh): `export K='v'`, `unset K`.

use super::{posix_quote, refuse_if, Format, FormatError};

/// POSIX sh.
pub struct Sh;

/// `export K='v'` for the POSIX family; only NUL, which no shell variable can hold, is
/// refused.
pub(super) fn export(
    format: &'static str,
    key: &'static str,
    value: &str,
) -> Result<String, FormatError> {
    refuse_if(format, key, value, |c| c == '\0')?;
    Ok(format!("export {key}={}", posix_quote(value)))
}

impl Format for Sh {
    fn name(&self) -> &'static str {
        "sh"
    }

    fn summary(&self) -> &'static str {
        "export K='v' (POSIX sh; also fine for bash and zsh)"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        export(self.name(), key, value)
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        Some(format!("unset {key}"))
    }
}
