//! The terminal: the one implementation of the core's [`Ui`], and the only code that
//! draws on stderr, changes terminal modes or runs the picker (dialoguer).

use awsprof_core::ui::{Ui, UiError};
use std::io::{self, BufRead, IsTerminal, Write};

/// stderr and the terminal behind stdin (or `/dev/tty`).
pub struct Terminal;

impl Ui for Terminal {
    fn warn(&self, message: &str) {
        eprintln!("awsprof: warning: {message}");
    }

    fn note(&self, message: &str) {
        eprintln!("awsprof: {message}");
    }

    fn interactive(&self) -> bool {
        io::stdin().is_terminal() && io::stderr().is_terminal()
    }

    fn ask(&self, prompt: &str) -> Result<String, UiError> {
        eprint!("{prompt}");
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
        eprint!("{prompt}");
        io::stderr().flush()?;
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
        eprintln!();
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

mod picker {
    use super::*;
    use dialoguer::console::Term;
    use dialoguer::FuzzySelect;

    /// Fuzzy search over `items`, drawn on stderr so stdout stays free for the shell code
    /// that the wrapper evals.
    pub fn pick(prompt: &str, items: &[&str], start: usize) -> Result<Option<usize>, UiError> {
        if !Terminal.interactive() {
            return Err(UiError::NoTerminal);
        }
        // The picker hides the cursor; Ctrl-C must not leave it hidden in the user's
        // shell. It arrives as SIGINT, or, while the terminal is in raw mode, as an
        // Interrupted read (after which console raises SIGINT itself): both end the same
        // way.
        let _ = ctrlc::set_handler(|| interrupted());
        match FuzzySelect::new()
            .with_prompt(prompt)
            .items(items)
            .default(start)
            .max_length(15)
            .interact_on_opt(&Term::stderr())
        {
            Ok(chosen) => Ok(chosen),
            Err(dialoguer::Error::IO(e)) if e.kind() == io::ErrorKind::Interrupted => interrupted(),
            Err(dialoguer::Error::IO(e)) => {
                let _ = Term::stderr().show_cursor();
                Err(UiError::Io(e))
            }
        }
    }

    /// Ctrl-C: show the cursor again, end the line, exit 130 as a shell would.
    fn interrupted() -> ! {
        let term = Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
        std::process::exit(130)
    }
}
