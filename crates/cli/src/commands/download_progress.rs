//! A download's progress on stderr: an indicatif bar on a terminal, plain
//! lines otherwise. A log file or a CI job gets one readable line a second
//! instead of a line redrawn with carriage returns, and stdout stays free
//! for the final path.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};
use sessionkit::DownloadItem;

/// How often a plain progress line is written, at most.
const PLAIN_EVERY: Duration = Duration::from_secs(1);

/// The bar once the total is known: bytes, total, then the rate and time
/// left in the message. The rate is the download's own (Electron's
/// `getCurrentBytesPerSecond()`), the figure the plain lines give too, rather
/// than indicatif's estimate from the redraws, which a rate limiter's bursts
/// throw off.
const BAR_TEMPLATE: &str =
    "{binary_bytes:>10} / {binary_total_bytes:<10} [{wide_bar}] {percent:>3}%  {msg}";

/// Before the response head, or when the server sends no length: nothing to
/// fill a bar with, so a spinner beside the bytes so far and the rate.
const SPINNER_TEMPLATE: &str = "{spinner} {binary_bytes:>10}  {msg}  {elapsed}";

/// Where progress goes.
pub(crate) enum Progress {
    /// stderr is a terminal.
    Bar {
        bar: ProgressBar,
        /// Whether the bar has its total (and its bar style) yet.
        sized: bool,
    },
    /// stderr is a file or a pipe.
    Plain {
        /// When the next periodic line is due.
        next: Instant,
    },
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise.
    pub(crate) fn new(item: &DownloadItem) -> Self {
        if !std::io::stderr().is_terminal() {
            // The first line after a second: a download that finishes sooner
            // prints nothing but its path.
            return Self::Plain { next: Instant::now() + PLAIN_EVERY };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(style(SPINNER_TEMPLATE));
        let mut progress = Self::Bar { bar, sized: false };
        progress.update(item);
        progress
    }

    /// Shows the item's current bytes: redraws the bar, or writes a plain
    /// line when one is due.
    pub(crate) fn update(&mut self, item: &DownloadItem) {
        match self {
            Self::Bar { bar, sized } => {
                match item.total_bytes() {
                    Some(total) if !*sized => {
                        bar.set_length(total);
                        bar.set_style(style(BAR_TEMPLATE).progress_chars("=> "));
                        *sized = true;
                    }
                    Some(total) => bar.set_length(total),
                    // Chromium forgets a total the bytes exceed: back to a
                    // spinner rather than a bar past its end.
                    None if *sized => {
                        bar.unset_length();
                        bar.set_style(style(SPINNER_TEMPLATE));
                        *sized = false;
                    }
                    None => {}
                }
                let received = item.received_bytes();
                bar.set_position(received);
                // Padded so the bar keeps its width when the ETA comes and goes.
                let message =
                    rate_and_eta(received, item.total_bytes(), item.current_bytes_per_second());
                bar.set_message(format!("{message:<24}"));
            }
            Self::Plain { next } => {
                let now = Instant::now();
                if now >= *next {
                    *next = now + PLAIN_EVERY;
                    plain(&progress_line(
                        item.received_bytes(),
                        item.total_bytes(),
                        item.current_bytes_per_second(),
                    ));
                }
            }
        }
    }

    /// Reports a change of state (interrupted, resumed, restarted) on its own
    /// line, whatever the time since the last one.
    pub(crate) fn note(&mut self, item: &DownloadItem, text: &str) {
        match self {
            Self::Bar { bar, .. } => {
                bar.set_position(item.received_bytes());
                bar.println(text);
            }
            Self::Plain { .. } => plain(text),
        }
    }

    /// Stops drawing. A complete download leaves its full bar on screen; any
    /// other end leaves the bar where it stopped, above the error line.
    pub(crate) fn finish(self, item: &DownloadItem, complete: bool) {
        if let Self::Bar { bar, .. } = self {
            // A signal's shutdown syncs bytes after the last tick.
            bar.set_position(item.received_bytes());
            if complete {
                // The rate is 0 once the bytes stop; the time taken says more.
                let done = format!("done in {:#}", HumanDuration(bar.elapsed()));
                bar.finish_with_message(format!("{done:<24}"));
            } else {
                bar.abandon();
            }
            // indicatif leaves the cursor at the end of the bar; the path (on
            // the same terminal) or the error line goes below it.
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

/// A template of ours: a parse error is a bug, caught by the unit tests.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// One plain line on stderr, prefixed so a reader (or a test) can tell
/// progress from warnings and errors.
fn plain(text: &str) {
    // A closed stderr is nothing to stop the download for.
    let _ = writeln!(std::io::stderr().lock(), "progress: {text}");
}

/// `12.0 MiB / 100.0 MiB (12%) 3.4 MiB/s`, or without the total and the
/// percentage when the server did not say.
fn progress_line(received: u64, total: Option<u64>, per_second: u64) -> String {
    let rate = size(per_second);
    match total {
        Some(total) if total > 0 => {
            let percent = received.saturating_mul(100) / total;
            format!("{} / {} ({percent}%) {rate}/s", size(received), size(total))
        }
        _ => format!("{} {rate}/s", size(received)),
    }
}

/// `605.5 KiB/s  ETA 2s`: the rate, and the time left when the total is
/// known and bytes are flowing.
fn rate_and_eta(received: u64, total: Option<u64>, per_second: u64) -> String {
    let rate = format!("{:>10}/s", size(per_second));
    match total {
        Some(total) if per_second > 0 => {
            let left = Duration::from_secs(total.saturating_sub(received).div_ceil(per_second));
            format!("{rate}  ETA {:#}", HumanDuration(left))
        }
        _ => rate,
    }
}

/// Bytes in binary units, one decimal.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    // Display only: the precision lost converting to f64 is far below a digit.
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::{BAR_TEMPLATE, SPINNER_TEMPLATE, progress_line, rate_and_eta, size};

    #[test]
    fn sizes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn plain_lines() {
        let mib = 1024 * 1024;
        assert_eq!(
            progress_line(12 * mib, Some(100 * mib), 3 * mib + mib / 2),
            "12.0 MiB / 100.0 MiB (12%) 3.5 MiB/s"
        );
        assert_eq!(progress_line(2048, None, 0), "2.0 KiB 0 B/s");
        assert_eq!(progress_line(0, Some(0), 0), "0 B 0 B/s");
    }

    #[test]
    fn rate_and_time_left() {
        assert_eq!(rate_and_eta(0, Some(300 * 1024), 100 * 1024), " 100.0 KiB/s  ETA 3s");
        assert_eq!(rate_and_eta(0, Some(300 * 1024), 0), "       0 B/s");
        assert_eq!(rate_and_eta(5, None, 2048), "   2.0 KiB/s");
    }

    #[test]
    fn templates_parse() {
        for template in [BAR_TEMPLATE, SPINNER_TEMPLATE] {
            assert!(indicatif::ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
