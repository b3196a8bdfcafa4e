use super::writing;
use crate::cli::ConfigureArgs;
use anyhow::{bail, Result};
use awsprof_core::edit::Target;
use awsprof_core::store::Editor;
use awsprof_core::ui::UiError;
use awsprof_core::Filter;
use std::io::{self, BufRead, IsTerminal};

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
    // Before any question: in awsprof this stops, and awsprof-net asks them.
    let keyring = super::keyring::wanted(ctx, args.keyring, current)?;
    let held = match keyring {
        true => super::keyring::current(ctx, current)?,
        false => None,
    };
    let held_value = |key: &str| match (key, &held) {
        ("aws_access_key_id", Some(h)) => Some(h.access_key_id.as_str()),
        ("aws_secret_access_key", Some(h)) => Some(h.secret_access_key.as_str()),
        _ => None,
    };
    let tty = io::stdin().is_terminal();
    let mut answers: Vec<(&'static str, String)> = Vec::new();
    for (i, p) in PROMPTS.iter().enumerate() {
        let answer = if tty {
            let value = held_value(p.key).or_else(|| current.and_then(|s| s.get(p.key)));
            let shown = match value.filter(|v| !v.is_empty()) {
                Some(v) if p.masked => super::mask(v),
                Some(v) => v.to_string(),
                None => "None".to_string(),
            };
            let prompt = format!("{} [{shown}]: ", p.label);
            let line = if p.hidden {
                ctx.ui.secret(&prompt)
            } else {
                ctx.ui.ask(&prompt)
            };
            match line {
                Ok(line) => line,
                Err(UiError::Ended) => bail!("aborted; nothing written"),
                Err(e) => return Err(e.into()),
            }
        } else {
            match read_line()? {
                Some(line) => line,
                None => bail!(
                    "input ended after {i} of 4 answers (access key id, secret access key, region, output; one a line); nothing written"
                ),
            }
        };
        let mut answer = writing::trimmed(ctx, p.key, &answer);
        // On a terminal a region typo is caught before it is written; from a pipe the
        // answer is written as given, with the warning below.
        if tty && p.key == "region" {
            if let Some(meant) = awsprof_core::validate::region_meant(&answer) {
                if did_you_mean(ctx, &answer, meant)? {
                    answer = meant.to_string();
                }
            }
        }
        if !answer.is_empty() {
            writing::check_value(ctx, p.key, &answer);
            answers.push((p.key, answer));
        }
    }
    if keyring {
        return super::keyring::configure(ctx, &name, &answers, held);
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
    writing::commit(ctx, editor, &[&name])?;
    Ok(())
}

/// Asks whether `meant` was meant for `typed`: Enter or `y` says yes, `n` keeps what was
/// typed; anything else asks again.
fn did_you_mean(ctx: &super::Ctx, typed: &str, meant: &str) -> Result<bool> {
    let question = format!(
        "{} is not a known AWS region; did you mean {meant}? [Y/n] ",
        awsprof_core::text::quoted(typed)
    );
    loop {
        match ctx.ui.ask(&question) {
            Ok(a) => match a.trim().to_ascii_lowercase().as_str() {
                "" | "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => continue,
            },
            Err(UiError::Ended) => bail!("aborted; nothing written"),
            Err(e) => return Err(e.into()),
        }
    }
}

/// One answer from a pipe: a line without its line end; `None` at end of input.
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
