//! PowerShell: `$env:K = 'v'`. In a single-quoted string nothing expands and the only
//! special character is the quote itself, written twice. PowerShell also takes the
//! typographic quotes U+2018-U+201B as single quotes, so those are doubled too.

use super::{refuse_if, Format, FormatError};

/// PowerShell (Windows PowerShell and pwsh).
pub struct PowerShell;

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if is_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl Format for PowerShell {
    fn name(&self) -> &'static str {
        "powershell"
    }

    fn summary(&self) -> &'static str {
        "$env:K = 'v'"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        refuse_if(self.name(), key, value, |c| c == '\0')?;
        Ok(format!("$env:{key} = {}", quote(value)))
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        Some(format!(
            "Remove-Item -Path Env:{key} -ErrorAction SilentlyContinue"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // No PowerShell on the test machines: these pin the quoting rules by hand.
    #[test]
    fn doubles_every_kind_of_single_quote() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(
            quote("\u{2018}\u{201A}\u{201B}"),
            "'\u{2018}\u{2018}\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
    }

    #[test]
    fn leaves_expansion_characters_literal_inside_single_quotes() {
        let line = PowerShell
            .set("AWS_SECRET_ACCESS_KEY", "$(rm x) `n \"$env:HOME\"\nnext")
            .unwrap();
        assert_eq!(
            line,
            "$env:AWS_SECRET_ACCESS_KEY = '$(rm x) `n \"$env:HOME\"\nnext'"
        );
    }

    #[test]
    fn refuses_nul() {
        assert!(PowerShell.set("AWS_REGION", "a\0").is_err());
    }
}
