//! fish: `set -gx K 'v'`, `set -e K`. Inside fish's single quotes only `\'` and `\\` are
//! escapes, so those two are escaped and everything else (newlines too) is literal.

use super::{refuse_if, Format, FormatError};

/// fish.
pub struct Fish;

fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Characters fish may not hold as themselves: NUL, and the two ranges fish reserves
/// internally (U+F600-U+F6FF encodes raw bytes, U+FDD0-U+FDEF marks wildcards and other
/// specials). fish 3.6 happens to keep them inside single quotes, but that is not promised
/// across versions, and no key, token or region contains them.
fn unsafe_for_fish(c: char) -> bool {
    c == '\0' || ('\u{F600}'..='\u{F6FF}').contains(&c) || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
}

impl Format for Fish {
    fn name(&self) -> &'static str {
        "fish"
    }

    fn summary(&self) -> &'static str {
        "set -gx -- K 'v'"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        refuse_if(self.name(), key, value, unsafe_for_fish)?;
        // `--` so that a value starting with `-` is never read as an option.
        Ok(format!("set -gx -- {key} {}", quote(value)))
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        Some(format!("set -e {key}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_quote_and_backslash() {
        assert_eq!(quote(r"a'b\c$d"), r"'a\'b\\c$d'");
    }
}
