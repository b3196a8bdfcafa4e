//! The network runtime, created only when a step needs it, and the spinner.

use awsprof_core::ui::{Busy, Progress, Ui};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::future::Future;
use std::time::Duration;

/// How long a call may run before a spinner appears.
const SPINNER_DELAY: Duration = Duration::from_millis(400);

/// A current-thread tokio runtime, built on first use: commands and cache hits that make
/// no call never pay for it.
pub struct Net<'u> {
    rt: Option<tokio::runtime::Runtime>,
    /// Who shows that a call is slow, and hears warnings.
    pub ui: &'u dyn Ui,
}

impl<'u> Net<'u> {
    /// A runtime (not yet built) reporting to `ui`.
    pub fn new(ui: &'u dyn Ui) -> Net<'u> {
        Net { rt: None, ui }
    }

    /// Runs `fut` to completion; when it takes longer than a moment, the ui shows that
    /// `what` is under way.
    pub fn run<F: Future>(&mut self, what: &str, fut: F) -> std::io::Result<F::Output> {
        let ui = self.ui;
        self.run_quietly(async {
            let mut fut = std::pin::pin!(fut);
            tokio::select! {
                out = &mut fut => return out,
                _ = tokio::time::sleep(SPINNER_DELAY) => {}
            }
            let busy = ui.busy(what);
            let out = fut.await;
            drop(busy);
            out
        })
    }

    /// Runs `fut` to completion showing nothing: for work that shows its own progress.
    pub fn run_quietly<F: Future>(&mut self, fut: F) -> std::io::Result<F::Output> {
        if self.rt.is_none() {
            self.rt = Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?,
            );
        }
        let rt = self.rt.as_ref().expect("runtime was just built");
        Ok(rt.block_on(fut))
    }
}

/// The runtime could not be made.
pub(crate) fn io_runtime(e: std::io::Error) -> crate::Error {
    crate::Error::io(std::path::Path::new("the tokio runtime"), e)
}

/// An indicatif spinner on stderr, cleared when dropped. indicatif draws nothing when
/// stderr is not a terminal, so pipes never see it.
pub struct Spinner(ProgressBar);

impl Spinner {
    /// Starts spinning with `what` beside it.
    pub fn start(what: &str) -> Spinner {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(bar)
    }
}

impl Busy for Spinner {}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// An indicatif progress bar on stderr, cleared when dropped; like [`Spinner`], nothing
/// is drawn when stderr is not a terminal.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar for `total` steps of `what`.
    pub fn start(what: &str, total: u64) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(bar)
    }
}

impl Progress for Bar {
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
