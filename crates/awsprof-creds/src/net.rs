//! The network runtime, created only when a step needs it, and the spinner.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::future::Future;
use std::time::Duration;

/// How long a call may run before a spinner appears.
const SPINNER_DELAY: Duration = Duration::from_millis(400);

/// A current-thread tokio runtime, built on first use: commands and cache hits that make
/// no call never pay for it.
#[derive(Default)]
pub struct Net {
    rt: Option<tokio::runtime::Runtime>,
}

impl Net {
    /// Runs `fut` to completion; when it takes longer than a moment, shows a spinner with
    /// `what` on stderr (only when stderr is a terminal; never on stdout).
    pub fn run<F: Future>(&mut self, what: &str, fut: F) -> std::io::Result<F::Output> {
        if self.rt.is_none() {
            self.rt = Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?,
            );
        }
        let rt = self.rt.as_ref().expect("runtime was just built");
        Ok(rt.block_on(async {
            let mut fut = std::pin::pin!(fut);
            tokio::select! {
                out = &mut fut => return out,
                _ = tokio::time::sleep(SPINNER_DELAY) => {}
            }
            let bar = spinner(what);
            let out = fut.await;
            bar.finish_and_clear();
            out
        }))
    }
}

fn spinner(what: &str) -> ProgressBar {
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}
