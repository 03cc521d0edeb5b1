//! Progress bar on stderr, only for large inputs and only when stderr is a terminal
//! (scripts and logs get no progress noise).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs above this size get a progress bar.
const THRESHOLD: u64 = 8 * 1024 * 1024;

/// A progress bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for an input of `size` bytes (unknown for pipes: no bar).
    pub fn new(size: Option<u64>, verb: &str) -> Self {
        let bar = match size {
            Some(total) if total > THRESHOLD && std::io::stderr().is_terminal() => {
                let bar = ProgressBar::new(total);
                let style = ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_message(verb.to_owned());
                Some(bar)
            }
            _ => None,
        };
        Progress(bar)
    }

    /// Bytes of input consumed so far.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(done);
        }
    }
}

impl Drop for Progress {
    /// Clears the bar so that an error message that follows stays a single line.
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
