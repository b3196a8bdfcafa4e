//! The terminal: the one implementation of the core's [`Ui`], and the only code that
//! draws on stderr, changes terminal modes or runs the picker (`term/picker.rs`). It is
//! also the one place where the home directory becomes `~` in what people read, and where
//! control characters from the files are made visible before a terminal would obey them.

use awsprof_core::ui::{Ui, UiError};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

/// stderr and the terminal behind stdin (or `/dev/tty`).
pub struct Terminal;

/// The home directory as messages abbreviate it, when it is worth abbreviating.
fn home() -> Option<&'static str> {
    static HOME: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        std::env::var("HOME")
            .ok()
            .map(|h| h.trim_end_matches('/').to_string())
            .filter(|h| !h.is_empty())
    })
    .as_deref()
}

/// `text` with every path under the home directory written from `~`, as people write
/// them (`~/.aws/config`). Only a path's start is replaced: the home directory where a
/// word begins, followed by `/`.
pub fn shown(text: &str) -> String {
    let Some(home) = home() else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(home) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let starts_word = before.is_none_or(|c| c.is_whitespace() || "`'\"(=:[".contains(c));
        let after = &rest[i + home.len()..];
        out.push_str(&rest[..i]);
        if starts_word && after.starts_with('/') {
            out.push('~');
        } else {
            out.push_str(home);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A command as people paste it into a POSIX shell: each word quoted where the shell
/// would split or expand it, and a path under the home directory written from `~/` with
/// the `~` left outside the quotes, where the shell expands it (`~/'my dir/credentials'`).
pub fn command_line(words: &[String]) -> String {
    use awsprof_core::shell::sh_word;
    let word = |w: &String| match home().and_then(|h| w.strip_prefix(h)?.strip_prefix('/')) {
        Some(rest) if !rest.is_empty() => format!("~/{}", sh_word(rest)),
        _ => sh_word(w).into_owned(),
    };
    words.iter().map(word).collect::<Vec<_>>().join(" ")
}

/// A path as people write it: the home directory as `~`.
pub fn shown_path(path: &Path) -> String {
    shown(&path.display().to_string())
}

/// A character as it is shown on a terminal: a control character (C0, DEL, C1) or a
/// bidirectional override, which a terminal would obey (colour, move the cursor, reorder
/// the line) instead of showing, becomes its escape (`\x1b`, `\u{202e}`); every other
/// character is itself. Tab and line feed are escaped too: callers that keep lines keep
/// them first.
pub fn visible_char(c: char) -> String {
    match c {
        '\u{0}'..='\u{1f}' | '\u{7f}' => format!("\\x{:02x}", c as u32),
        c if obeyed(c) => format!("\\u{{{:x}}}", c as u32),
        c => c.to_string(),
    }
}

/// Whether a terminal acts on `c` instead of showing it.
fn obeyed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as a terminal should show it: lines and tabs kept, every other control
/// character written as its escape ([`visible_char`]). Text without any comes back as is.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c != '\n' && c != '\t' && obeyed(c);
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                visible_char(c)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A message for stderr: `~` for the home directory, and, when stderr is a terminal, its
/// control characters made visible (a pipe or a log file gets the bytes).
fn said(message: &str) -> String {
    let text = shown(message);
    if io::stderr().is_terminal() {
        visible(&text).into_owned()
    } else {
        text
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--quiet`: notes, spinners and progress bars are not shown (warnings, errors and
/// prompts are).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `--quiet` was given (to this process, or to the `awsprof` that sent its job).
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether stderr gets colour: a terminal, not `NO_COLOR` (<https://no-color.org>: set
/// and not empty), not a dumb terminal.
pub fn colour() -> bool {
    io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// `error:` or `warning:`, bold and in its colour where stderr takes colour (SGR `1;31`
/// red, `1;33` yellow).
fn label(word: &str, sgr: &str) -> String {
    if colour() {
        format!("\x1b[{sgr}m{word}:\x1b[0m")
    } else {
        format!("{word}:")
    }
}

impl Ui for Terminal {
    fn error(&self, message: &str) {
        eprintln!("awsprof: {} {}", label("error", "1;31"), said(message));
    }

    fn warn(&self, message: &str) {
        eprintln!("awsprof: {} {}", label("warning", "1;33"), said(message));
    }

    fn note(&self, message: &str) {
        if !quiet() {
            eprintln!("awsprof: {}", said(message));
        }
    }

    fn instruct(&self, message: &str) {
        eprintln!("awsprof: {}", said(message));
    }

    fn interactive(&self) -> bool {
        io::stdin().is_terminal() && io::stderr().is_terminal()
    }

    fn ask(&self, prompt: &str) -> Result<String, UiError> {
        eprint!("{}", said(prompt));
        io::stderr().flush()?;
        let mut line = String::new();
        if io::stdin().lock().read_line(&mut line)? == 0 {
            eprintln!();
            return Err(UiError::Ended);
        }
        let line = line.strip_suffix('\n').unwrap_or(&line);
        Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
    }

    fn secret(&self, prompt: &str) -> Result<String, UiError> {
        hidden::read(prompt)
    }

    fn pick(&self, prompt: &str, items: &[&str], start: usize) -> Result<Option<usize>, UiError> {
        picker::pick(prompt, items, start)
    }
}

#[cfg(unix)]
mod hidden {
    use super::*;
    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex};
    use std::io::Read;
    use std::os::fd::AsFd;

    /// The terminal to read a secret from: stdin when it is one (so a pty or a pipe test
    /// drives it), else the controlling terminal, as `getpass` does.
    enum Source {
        Stdin(io::Stdin),
        Tty(std::fs::File),
    }

    fn source() -> Result<Source, UiError> {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return Ok(Source::Stdin(stdin));
        }
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .filter(|f| f.is_terminal())
            .map(Source::Tty)
            .ok_or(UiError::NoTerminal)
    }

    /// Where the prompt goes: stderr, unless stderr is not a terminal and the controlling
    /// terminal is there. A program that runs `awsprof keyring credentials` as its
    /// credential_process (the AWS CLI) keeps our stderr to itself, yet the person at the
    /// terminal must see what the MFA code is for.
    fn prompt_place() -> Box<dyn Write> {
        if io::stderr().is_terminal() {
            return Box::new(io::stderr());
        }
        match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
            Ok(tty) if tty.is_terminal() => Box::new(tty),
            _ => Box::new(io::stderr()),
        }
    }

    /// One line typed with echo off. The terminal is put in non-canonical mode without
    /// signals, so Ctrl-C arrives as a byte and the terminal is restored before anything
    /// else happens: a signal would end the process with echo still off. The prompt is
    /// printed once echo is off, so nothing typed after it appears can be echoed.
    pub fn read(prompt: &str) -> Result<String, UiError> {
        match source()? {
            Source::Stdin(stdin) => read_from(&stdin, &mut stdin.lock(), prompt),
            Source::Tty(tty) => read_from(&tty, &mut &tty, prompt),
        }
    }

    fn read_from(fd: &impl AsFd, input: &mut impl Read, prompt: &str) -> Result<String, UiError> {
        let saved = termios::tcgetattr(fd).map_err(io::Error::from)?;
        let mut raw = saved.clone();
        raw.local_modes
            .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
        raw.special_codes[SpecialCodeIndex::VMIN] = 1;
        raw.special_codes[SpecialCodeIndex::VTIME] = 0;
        termios::tcsetattr(fd, OptionalActions::Now, &raw).map_err(io::Error::from)?;
        struct Restore<'a, F: AsFd>(&'a F, termios::Termios);
        impl<F: AsFd> Drop for Restore<'_, F> {
            fn drop(&mut self) {
                let _ = termios::tcsetattr(self.0, OptionalActions::Now, &self.1);
            }
        }
        let restore = Restore(fd, saved);
        let mut shown = prompt_place();
        write!(shown, "{}", said(prompt))?;
        shown.flush()?;
        let mut buf: Vec<u8> = Vec::new();
        let mut byte = [0u8; 1];
        let outcome = loop {
            if input.read(&mut byte)? == 0 {
                break Err(UiError::Ended);
            }
            match byte[0] {
                b'\r' | b'\n' => break Ok(()),
                0x03 => break Err(UiError::Interrupted),
                0x04 if buf.is_empty() => break Err(UiError::Ended),
                0x7f | 0x08 => {
                    // Drop one whole character, not one byte of it.
                    while let Some(b) = buf.pop() {
                        if b & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                0x15 => buf.clear(),
                b if b < 0x20 => {}
                b => buf.push(b),
            }
        };
        drop(restore);
        // The line typed ends here, whatever ended it.
        writeln!(shown)?;
        outcome?;
        String::from_utf8(buf).map_err(|_| {
            UiError::Io(io::Error::new(
                io::ErrorKind::InvalidData,
                "what was typed is not valid UTF-8 text",
            ))
        })
    }
}

#[cfg(not(unix))]
mod hidden {
    use super::*;

    pub fn read(prompt: &str) -> Result<String, UiError> {
        if !io::stdin().is_terminal() {
            return Err(UiError::NoTerminal);
        }
        Terminal.ask(prompt)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_shown_as_escapes_and_lines_are_kept() {
        assert_eq!(
            super::visible("a\u{1b}[31mRED\r\n\tb\u{7f}\u{9b}\u{202e}é"),
            "a\\x1b[31mRED\\x0d\n\tb\\x7f\\u{9b}\\u{202e}é"
        );
        assert!(matches!(
            super::visible("plain\ttext\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn command_lines_paste_with_spaces_quotes_and_the_home_directory() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            super::command_line(&words(&["chmod", "600", "/etc/my dir/it's"])),
            r"chmod 600 '/etc/my dir/it'\''s'"
        );
        let Some(home) = super::home() else { return };
        assert_eq!(
            super::command_line(&words(&["chmod", "600", &format!("{home}/my dir/c")])),
            "chmod 600 ~/'my dir/c'"
        );
        assert_eq!(
            super::command_line(&words(&["chmod", "600", &format!("{home}/.aws/c")])),
            "chmod 600 ~/.aws/c"
        );
    }

    #[test]
    fn paths_under_home_start_with_a_tilde_and_nothing_else_changes() {
        // HOME is read once; these cases use whatever it is.
        let Some(home) = super::home() else { return };
        let shown = super::shown(&format!(
            "{home}/.aws/config:3: x; see `{home}/a b` or ({home}/c) not {home}x/y nor a{home}/z"
        ));
        assert_eq!(
            shown,
            format!("~/.aws/config:3: x; see `~/a b` or (~/c) not {home}x/y nor a{home}/z")
        );
    }
}

mod picker;
