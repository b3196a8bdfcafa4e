//! Rendering a [`Plan`] for a shell or a file format. Every bit of quoting in awsprof
//! lives in this module, one file per format.
//!
//! The rule: evaluating the output in the matching shell sets each variable to exactly the
//! bytes of its value, and nothing in a value is ever executed. A value that a format
//! cannot carry safely is refused with [`FormatError::Unsafe`], never emitted.

mod bash;
mod cmd;
mod dotenv;
mod fish;
mod json;
mod nu;
mod powershell;
mod process;
mod sh;
mod zsh;

use crate::env::{Op, Plan};

/// Why a plan could not be rendered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A value holds something the format cannot carry without it being interpreted.
    #[error("the {format} format cannot carry the value of {key} safely: it contains {what}; nothing was printed")]
    Unsafe {
        /// The format's name.
        format: &'static str,
        /// The variable.
        key: &'static str,
        /// What it contains, for the message (`a newline`, `'%'`).
        what: String,
    },
    /// The format needs a variable the plan does not set (`process` needs both keys).
    #[error("the {format} format needs {key}, which these credentials do not have")]
    Missing {
        /// The format's name.
        format: &'static str,
        /// The variable.
        key: &'static str,
    },
}

/// How one output format writes variables.
pub trait Format {
    /// The format's name, as `--format` and `--shell` take it.
    fn name(&self) -> &'static str;

    /// One line for `--help`: what the output looks like.
    fn summary(&self) -> &'static str;

    /// Code that sets and exports `key` to exactly `value`.
    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError>;

    /// Code that removes `key` from the environment; `None` when the format has no way to
    /// say it (a dotenv file, JSON), in which case it is left out.
    fn unset(&self, key: &'static str) -> Option<String>;

    /// The whole plan, one statement a line.
    fn render(&self, plan: &Plan) -> Result<String, FormatError> {
        let mut out = String::new();
        for op in &plan.ops {
            let line = match op {
                Op::Set(k, v) => Some(self.set(k, v)?),
                Op::Unset(k) => self.unset(k),
            };
            if let Some(line) = line {
                out.push_str(&line);
                out.push('\n');
            }
        }
        Ok(out)
    }
}

/// The output formats, as named on the command line. The command line's lists are made
/// from [`Kind::ALL`] and [`Kind::SHELLS`]: a new format is one arm here and its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// POSIX sh (dash, busybox): `export K='v'`.
    Sh,
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish: `set -gx K 'v'`.
    Fish,
    /// PowerShell: `$env:K = 'v'`.
    PowerShell,
    /// Windows cmd.exe: `set "K=v"`.
    Cmd,
    /// nushell: a JSON object of the final values (`null`: remove), which the integration
    /// applies with `load-env` and `hide-env`.
    Nu,
    /// A `.env` file: `K='v'`.
    Dotenv,
    /// A JSON object of the variables.
    Json,
    /// The `credential_process` JSON (Version 1).
    Process,
}

impl Kind {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Kind; 10] = [
        Kind::Sh,
        Kind::Bash,
        Kind::Zsh,
        Kind::Fish,
        Kind::PowerShell,
        Kind::Cmd,
        Kind::Nu,
        Kind::Dotenv,
        Kind::Json,
        Kind::Process,
    ];

    /// The formats that are shells, which `use` and `unset` can target.
    pub const SHELLS: [Kind; 7] = [
        Kind::Sh,
        Kind::Bash,
        Kind::Zsh,
        Kind::Fish,
        Kind::PowerShell,
        Kind::Cmd,
        Kind::Nu,
    ];

    /// The renderer.
    pub fn format(self) -> &'static dyn Format {
        match self {
            Kind::Sh => &sh::Sh,
            Kind::Bash => &bash::Bash,
            Kind::Zsh => &zsh::Zsh,
            Kind::Fish => &fish::Fish,
            Kind::PowerShell => &powershell::PowerShell,
            Kind::Cmd => &cmd::Cmd,
            Kind::Nu => &nu::Nu,
            Kind::Dotenv => &dotenv::Dotenv,
            Kind::Json => &json::Json,
            Kind::Process => &process::Process,
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        self.format().name()
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Renders `plan` in this format.
    pub fn render(self, plan: &Plan) -> Result<String, FormatError> {
        self.format().render(plan)
    }
}

/// Refuses `value` if `bad` names a character in it.
fn refuse_if(
    format: &'static str,
    key: &'static str,
    value: &str,
    bad: impl Fn(char) -> bool,
) -> Result<(), FormatError> {
    match value.chars().find(|&c| bad(c)) {
        None => Ok(()),
        Some(c) => Err(FormatError::Unsafe {
            format,
            key,
            what: describe(c),
        }),
    }
}

fn describe(c: char) -> String {
    match c {
        '\0' => "a NUL byte".into(),
        '\n' => "a newline".into(),
        '\r' => "a carriage return".into(),
        '\'' => "a single quote".into(),
        '"' => "a double quote".into(),
        '\\' => "a backslash".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// `value` as one word of a POSIX shell command line: as it is when no character in it is
/// special to the shell, else single-quoted ([`posix_quote`]). For commands that people
/// paste, such as `doctor`'s fixes.
pub fn sh_word(value: &str) -> std::borrow::Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+,=".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        value.into()
    } else {
        posix_quote(value).into()
    }
}

/// POSIX single quoting: everything between single quotes is literal; a single quote is
/// closed, escaped and reopened (`'\''`). Shared by sh, bash and zsh.
fn posix_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str(r"'\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("tcsh"), None);
    }

    #[test]
    fn posix_quoting_keeps_everything_literal() {
        assert_eq!(posix_quote("a'b"), r"'a'\''b'");
        assert_eq!(posix_quote(""), "''");
        assert_eq!(posix_quote("$(x)\n`y`"), "'$(x)\n`y`'");
    }

    #[test]
    fn every_format_refuses_nul() {
        for kind in Kind::ALL {
            let plan = crate::env::Plan {
                ops: vec![Op::Set("AWS_ACCESS_KEY_ID", "a\0b".into())],
            };
            assert!(
                matches!(kind.render(&plan), Err(FormatError::Unsafe { .. })),
                "{}",
                kind.name()
            );
        }
    }
}
