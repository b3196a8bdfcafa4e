//! How the program talks to the person in front of it: warnings, questions, secrets, a
//! choice from a list, and a sign that a slow call is under way.
//!
//! Only the interface lives here. The libraries (this core, the network side) never touch
//! the terminal themselves; each executable implements [`Ui`] once and hands it down, so
//! there is one place that draws on stderr, turns echo off and restores the terminal.

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// The person pressed Ctrl-C: stop, change nothing, exit 130.
    #[error("interrupted")]
    Interrupted,
    /// The input ended (Ctrl-D, or the end of a pipe).
    #[error("the input ended")]
    Ended,
    /// There is no terminal to ask on.
    #[error("there is no terminal to ask on")]
    NoTerminal,
    /// Reading or writing the terminal failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Shows that something is under way until dropped.
pub trait Busy {}

impl Busy for () {}

/// Shows how far a count of steps has got until dropped.
pub trait Progress: Sync {
    /// `n` more steps are done.
    fn advance(&self, n: u64);
}

impl Progress for () {
    fn advance(&self, _: u64) {}
}

/// Everything the program says to, or asks of, the person at the terminal. All of it goes
/// to stderr: stdout carries only data and shell code.
pub trait Ui: Sync {
    /// An error that ends the command (said once, by the executable's entry point).
    fn error(&self, message: &str);

    /// A warning: something works, but will surprise someone.
    fn warn(&self, message: &str);

    /// A note about what was done.
    fn note(&self, message: &str);

    /// What the person must read to go on (a page to open, a code to confirm): said even
    /// where notes are not (`--quiet`).
    fn instruct(&self, message: &str) {
        self.note(message)
    }

    /// Whether questions can be asked: stdin and stderr are a terminal.
    fn interactive(&self) -> bool;

    /// Asks for one line, echoed as it is typed; `prompt` is printed first.
    fn ask(&self, prompt: &str) -> Result<String, UiError>;

    /// Asks for a secret (an MFA code, a secret key) without echo. The prompt appears
    /// only once echo is off, and the terminal is restored however the read ends.
    fn secret(&self, prompt: &str) -> Result<String, UiError>;

    /// Asks a yes/no question; only `y` or `yes` is yes.
    fn confirm(&self, question: &str) -> Result<bool, UiError> {
        let answer = self.ask(&format!("{question} [y/N] "))?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// Lets the person pick one of `items` (starting at `start`); `None` when they gave up.
    fn pick(&self, prompt: &str, items: &[&str], start: usize) -> Result<Option<usize>, UiError>;

    /// A sign that `what` is under way, shown until the result is dropped (nothing by
    /// default, and never when stderr is not a terminal).
    fn busy(&self, what: &str) -> Box<dyn Busy + '_> {
        let _ = what;
        Box::new(())
    }

    /// A bar for `total` steps of `what` (accounts listed, say), shown until the result
    /// is dropped (nothing by default, and never when stderr is not a terminal).
    fn progress(&self, what: &str, total: u64) -> Box<dyn Progress + '_> {
        let _ = (what, total);
        Box::new(())
    }

    /// Opens `url` in the person's web browser; false when there is none to open here
    /// (the default: only an executable that links a browser opener can).
    fn open_browser(&self, url: &str) -> bool {
        let _ = url;
        false
    }
}
