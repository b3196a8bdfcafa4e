//! How names and values appear in messages, the same everywhere: in backticks
//! (`` `dev` ``), control characters shown as escapes, and a long value cut to its start,
//! so a 5,000-character value pasted by mistake does not fill the screen.

/// The most characters of a value a message shows.
pub const MAX_SHOWN: usize = 60;

/// `value` as a message shows it: in backticks, escaped, cut after [`MAX_SHOWN`]
/// characters with the full length said.
pub fn quoted(value: &str) -> String {
    let count = value.chars().count();
    let mut out = String::with_capacity(value.len().min(MAX_SHOWN * 2) + 24);
    out.push('`');
    for c in value.chars().take(MAX_SHOWN) {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if count > MAX_SHOWN {
        out.push_str(&format!("…` ({count} characters)"));
    } else {
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_cut() {
        assert_eq!(quoted("eu-west-1"), "`eu-west-1`");
        let long = "x".repeat(5000);
        let shown = quoted(&long);
        assert!(shown.len() < 100, "{shown}");
        assert!(shown.ends_with("…` (5000 characters)"), "{shown}");
        assert_eq!(quoted("a\u{1b}[31mb\n"), "`a\\u{1b}[31mb\\n`");
    }
}
