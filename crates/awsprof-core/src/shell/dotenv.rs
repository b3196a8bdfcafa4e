//! A `.env` file: `K='v'`, one a line. The dotenv readers disagree on escapes and on `$`
//! inside double quotes (docker compose, python-dotenv, node's dotenv), but all of them
//! take a single-quoted value literally when it has no `'`, `\` or line break; those
//! values are refused. The same line is also a valid POSIX sh assignment.

use super::{posix_quote, refuse_if, Format, FormatError};

/// A dotenv file.
pub struct Dotenv;

impl Format for Dotenv {
    fn name(&self) -> &'static str {
        "dotenv"
    }

    fn summary(&self) -> &'static str {
        "K='v' (values with ' \\ or line breaks are refused)"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        refuse_if(self.name(), key, value, |c| {
            matches!(c, '\'' | '\\' | '\n' | '\r' | '\0')
        })?;
        Ok(format!("{key}={}", posix_quote(value)))
    }

    fn unset(&self, _key: &'static str) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_and_refuses_what_readers_disagree_on() {
        assert_eq!(
            Dotenv.set("AWS_REGION", "a $b #c").unwrap(),
            "AWS_REGION='a $b #c'"
        );
        for bad in ["a'b", r"a\b", "a\nb", "a\rb"] {
            assert!(Dotenv.set("AWS_REGION", bad).is_err(), "{bad:?}");
        }
    }
}
