use super::writing;
use crate::cli::ConfigureArgs;
use anyhow::{bail, Result};
use awsprof_core::edit::Target;
use awsprof_core::store::Editor;
use awsprof_core::Filter;
use std::io::{self, BufRead, IsTerminal, Write};

struct Prompt {
    label: &'static str,
    key: &'static str,
    masked: bool,
    hidden: bool,
}

const PROMPTS: [Prompt; 4] = [
    Prompt {
        label: "AWS Access Key ID",
        key: "aws_access_key_id",
        masked: true,
        hidden: false,
    },
    Prompt {
        label: "AWS Secret Access Key",
        key: "aws_secret_access_key",
        masked: true,
        hidden: true,
    },
    Prompt {
        label: "Default region name",
        key: "region",
        masked: false,
        hidden: false,
    },
    Prompt {
        label: "Default output format",
        key: "output",
        masked: false,
        hidden: false,
    },
];

/// Asks the four questions of `aws configure` and writes the answers given.
pub fn run(ctx: &super::Ctx, args: &ConfigureArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    // Read without the lock: answering takes a while, and other writers must not wait.
    let set = ctx.load(Filter::Profile(&name))?;
    let current = set.profile(&name);
    let tty = io::stdin().is_terminal();
    let mut answers: Vec<(&'static str, String)> = Vec::new();
    for (i, p) in PROMPTS.iter().enumerate() {
        let answer = if tty {
            let shown = match current.and_then(|s| s.get(p.key)).filter(|v| !v.is_empty()) {
                Some(v) if p.masked => super::mask(v),
                Some(v) => v.to_string(),
                None => "None".to_string(),
            };
            let prompt = format!("{} [{shown}]: ", p.label);
            let line = if p.hidden {
                read_hidden(&prompt)?
            } else {
                eprint!("{prompt}");
                io::stderr().flush()?;
                read_line()?
            };
            match line {
                Some(line) => line,
                None => {
                    eprintln!();
                    bail!("aborted; nothing written");
                }
            }
        } else {
            match read_line()? {
                Some(line) => line,
                None => bail!(
                    "input ended after {i} of 4 answers (access key id, secret access key, region, output; one a line); nothing written"
                ),
            }
        };
        let answer = writing::trimmed(p.key, &answer);
        if !answer.is_empty() {
            writing::check_value(p.key, &answer);
            answers.push((p.key, answer));
        }
    }
    if answers.is_empty() {
        return Ok(());
    }
    let mut editor = Editor::open(&ctx.paths)?;
    let now = editor.profile(&name)?;
    for (key, value) in &answers {
        let kind = writing::file_for(now.as_ref(), key);
        editor
            .doc(kind)
            .set(Target::Profile(&name), key, None, value)
            .map_err(|e| editor.error(kind, e))?;
    }
    writing::commit(editor, &[&name])?;
    Ok(())
}

/// One line from stdin without its line end; `None` at end of input.
fn read_line() -> Result<Option<String>> {
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Some(
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string(),
    ))
}

/// One line from the terminal with echo off; `None` on Ctrl-C, or Ctrl-D on an empty line.
///
/// The terminal is put in non-canonical mode without signals, so that Ctrl-C arrives as a
/// byte and the terminal is restored before we leave: a signal would kill the process
/// with echo still off. The prompt is printed once echo is off, so that nothing typed
/// after it appears can be echoed.
#[cfg(unix)]
fn read_hidden(prompt: &str) -> Result<Option<String>> {
    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex};
    use std::io::Read;
    let stdin = io::stdin();
    let saved = termios::tcgetattr(&stdin)?;
    let mut raw = saved.clone();
    raw.local_modes
        .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
    raw.special_codes[SpecialCodeIndex::VMIN] = 1;
    raw.special_codes[SpecialCodeIndex::VTIME] = 0;
    termios::tcsetattr(&stdin, OptionalActions::Now, &raw)?;
    struct Restore<'a>(&'a io::Stdin, termios::Termios);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(self.0, OptionalActions::Now, &self.1);
        }
    }
    let _restore = Restore(&stdin, saved);
    eprint!("{prompt}");
    io::stderr().flush()?;
    let mut buf: Vec<u8> = Vec::new();
    let mut byte = [0u8; 1];
    let mut lock = stdin.lock();
    loop {
        if lock.read(&mut byte)? == 0 {
            return Ok(None);
        }
        match byte[0] {
            b'\r' | b'\n' => break,
            0x03 => return Ok(None),
            0x04 if buf.is_empty() => return Ok(None),
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
    }
    eprintln!();
    match String::from_utf8(buf) {
        Ok(s) => Ok(Some(s)),
        Err(_) => bail!("the secret access key typed is not valid UTF-8 text"),
    }
}

#[cfg(not(unix))]
fn read_hidden(prompt: &str) -> Result<Option<String>> {
    eprint!("{prompt}");
    io::stderr().flush()?;
    read_line()
}
