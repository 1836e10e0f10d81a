//! Waiting for a download on the command line: progress on a terminal, the
//! final path on stdout, Ctrl-C that leaves a resumable download behind.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use sessionkit::DownloadItem;
use sessionkit::downloads::{ExternalState, ResumeMode};

use crate::failure::Failure;
use crate::output::{self, WriteError};

/// How often the item is looked at (and the progress line redrawn).
const TICK: Duration = Duration::from_millis(200);

/// How long Ctrl-C waits for the bytes to be synced and the record written.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits until `item` is complete (prints its path), done otherwise, or
/// interrupted and waiting for the user (both failures, exit 1). Ctrl-C
/// pauses every download of the manager and waits for its record, so the
/// same command resumes later when the partition is `persistent`.
pub(crate) async fn wait(
    manager: &sessionkit::DownloadManager,
    item: &DownloadItem,
    persistent: bool,
) -> Result<(), WriteError> {
    // In memory the record goes with the process: nothing to resume later.
    let hint = if persistent { "; run the same command again to resume" } else { "" };
    let mut progress = std::io::stderr().is_terminal().then(Progress::default);
    let ctrl_c = async {
        // Without a signal handler there is nothing to wait for.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(ctrl_c);
    let mut tick = tokio::time::interval(TICK);
    let outcome = loop {
        tokio::select! {
            () = &mut ctrl_c => {
                let unsettled = manager.shutdown(SHUTDOWN_TIMEOUT).await;
                if unsettled > 0 {
                    tracing::warn!(unsettled, "downloads did not settle before exit");
                }
                break Err(Failure::failed(format!(
                    "interrupted at {} bytes{hint}",
                    item.received_bytes()
                )));
            }
            _ = tick.tick() => {
                if let Some(progress) = &mut progress {
                    progress.draw(item);
                }
                if let Some(outcome) = settled(item, hint) {
                    break outcome;
                }
            }
        }
    };
    if let Some(progress) = &progress {
        progress.finish();
    }
    match outcome? {
        Some(path) => output::line(&path),
        None => Ok(()),
    }
}

/// `Some` once the command can stop waiting: the path of a complete file,
/// or why it is not.
fn settled(item: &DownloadItem, hint: &str) -> Option<Result<Option<String>, Failure>> {
    let id = item.id();
    let reason = || item.interrupt_reason().map_or_else(|| "unknown".to_owned(), |r| r.to_string());
    if item.is_done() {
        return Some(match item.state() {
            ExternalState::Completed => Ok(item.save_path().map(|p| p.display().to_string())),
            ExternalState::Cancelled => {
                Err(Failure::failed(format!("download {id} was cancelled")))
            }
            _ => Err(Failure::failed(format!("download {id} failed: {}", reason()))),
        });
    }
    // An interruption that needs the user never ends on its own (Chromium's
    // USER_CONTINUE / USER_RESTART): stop here and leave it resumable.
    let waits =
        matches!(item.resume_mode(), Some(ResumeMode::UserContinue | ResumeMode::UserRestart));
    (item.state() == ExternalState::Interrupted && waits).then(|| {
        let hint = if hint.is_empty() {
            String::new()
        } else {
            format!("{hint} (or `sessionkit downloads resume {id}`)")
        };
        Err(Failure::failed(format!(
            "download {id} interrupted at {} bytes: {}{hint}",
            item.received_bytes(),
            reason()
        )))
    })
}

/// One progress line on stderr, redrawn in place.
#[derive(Default)]
struct Progress {
    drawn: bool,
}

impl Progress {
    fn draw(&mut self, item: &DownloadItem) {
        let received = item.received_bytes();
        let mut line = match (item.total_bytes(), item.percent_complete()) {
            (Some(total), Some(pct)) => {
                format!("{} / {} {pct:>3}%", size(received), size(total))
            }
            _ => size(received),
        };
        line.push_str(&format!("  {}/s", size(item.current_bytes_per_second())));
        // A closed stderr is nothing to stop the download for.
        let _ = write!(std::io::stderr().lock(), "\r{line:<48}");
        self.drawn = true;
    }

    fn finish(&self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

/// Bytes in binary units, one decimal.
fn size(bytes: u64) -> String {
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
    use super::size;

    #[test]
    fn sizes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
