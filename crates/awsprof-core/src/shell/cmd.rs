//! Windows cmd.exe: `set "K=v"`. Inside the quotes `& | < > ^` are literal, but `%` (and
//! `!` with delayed expansion) expand before quoting is looked at and cannot be escaped on
//! an interactive command line, a `"` would end the quoting, and a line cannot continue.
//! Those values are refused. Real keys, tokens and regions never contain them.

use super::{refuse_if, Format, FormatError};

/// cmd.exe.
pub struct Cmd;

fn unsafe_for_cmd(c: char) -> bool {
    matches!(c, '%' | '!' | '"') || (c.is_control() && c != '\t')
}

impl Format for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn summary(&self) -> &'static str {
        "set \"K=v\" (values with % ! \" or control characters are refused)"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        refuse_if(self.name(), key, value, unsafe_for_cmd)?;
        Ok(format!("set \"{key}={value}\""))
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        // Setting a variable to nothing removes it in cmd.
        Some(format!("set \"{key}=\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // No cmd.exe on the test machines: these pin the rules by hand.
    #[test]
    fn quotes_the_whole_assignment() {
        assert_eq!(
            Cmd.set("AWS_SESSION_TOKEN", "a&b|c<d>e^f g/h+=").unwrap(),
            "set \"AWS_SESSION_TOKEN=a&b|c<d>e^f g/h+=\""
        );
    }

    #[test]
    fn refuses_what_cmd_would_expand_or_break_on() {
        for bad in ["%PATH%", "a!b", "a\"b", "a\nb", "a\rb", "\u{1a}"] {
            let err = Cmd.set("AWS_REGION", bad).unwrap_err();
            assert!(matches!(err, FormatError::Unsafe { .. }), "{bad:?}");
        }
    }
}
