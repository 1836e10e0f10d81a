//! Waiting for a download on the command line: progress on stderr, the
//! final path on stdout, SIGINT or SIGTERM leaving a resumable download
//! behind.

use std::time::Duration;

use sessionkit::downloads::{DownloadEvent, ExternalState, ResumeMode};
use sessionkit::{DownloadItem, DownloadManager};
use tokio::sync::broadcast::error::RecvError;

use crate::commands::download_progress::{Progress, size};
use crate::commands::signals::Signals;
use crate::failure::Failure;
use crate::output::{self, WriteError};

/// How often the item is looked at (and the bar redrawn).
const TICK: Duration = Duration::from_millis(200);

/// How long a signal waits for the bytes to be synced and the record written.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits until `item` is complete (prints its path), done otherwise, or
/// interrupted and waiting for the user (both failures, exit 1); `resume`
/// resumes it first. SIGINT or SIGTERM pauses every download of the manager
/// and waits for its record, so the same command resumes later when the
/// partition is `persistent`.
pub(crate) async fn wait(
    manager: &DownloadManager,
    item: &DownloadItem,
    persistent: bool,
    resume: bool,
) -> Result<(), WriteError> {
    // In memory the record goes with the process: nothing to resume later.
    let hint = if persistent { "; run the same command again to resume" } else { "" };
    // Installed before the first await (the download's task cannot run on
    // this one-thread runtime before it), so no signal during the transfer
    // finds the default action: exit at once, the record possibly stale.
    let mut signals = Signals::install();
    // Subscribed before resuming, so the resume's own events are seen.
    let mut events = item.subscribe();
    let mut events_open = true;
    let mut last = item.state();
    if resume && !item.is_done() {
        item.resume();
    }
    let mut progress = Progress::new(item);
    let mut tick = tokio::time::interval(TICK);
    let outcome = loop {
        tokio::select! {
            name = signals.recv() => {
                let unsettled = manager.shutdown(SHUTDOWN_TIMEOUT).await;
                if unsettled > 0 {
                    tracing::warn!(unsettled, "downloads did not settle before exit");
                }
                break Err(Failure::failed(format!(
                    "interrupted by {name} at {} bytes{hint}",
                    item.received_bytes()
                )));
            }
            event = events.recv(), if events_open => match event {
                Ok(DownloadEvent::Updated { state, restarted, .. }) => {
                    if let Some(text) = change(item, last, state, restarted) {
                        progress.note(item, &text);
                    }
                    last = state;
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                // The item outlives this loop, so this does not happen; the
                // ticks still see the end.
                Err(RecvError::Closed) => events_open = false,
            },
            _ = tick.tick() => {
                progress.update(item);
                if let Some(outcome) = settled(item, hint) {
                    break outcome;
                }
            }
        }
    };
    progress.finish(item, matches!(outcome, Ok(Some(_))));
    match outcome? {
        Some(path) => output::line(&path),
        None => Ok(()),
    }
}

/// The line for a change of state seen in an `updated` event, if it is one:
/// interrupted (and whether it retries by itself), resumed, restarted.
fn change(
    item: &DownloadItem,
    last: ExternalState,
    now: ExternalState,
    restarted: bool,
) -> Option<String> {
    let at = size(item.received_bytes());
    if restarted {
        return Some("restarted from 0 B: the partial file could not be continued".to_owned());
    }
    match (last, now) {
        // An interruption that waits for the user ends the command, and its
        // error line says all this line would.
        (ExternalState::Interrupted, ExternalState::Interrupted) => None,
        (_, ExternalState::Interrupted)
            if item.resume_mode().is_some_and(ResumeMode::is_automatic) =>
        {
            let reason =
                item.interrupt_reason().map_or_else(|| "unknown".to_owned(), |r| r.to_string());
            Some(format!("interrupted at {at}: {reason}; retrying"))
        }
        (ExternalState::Interrupted, ExternalState::Progressing) => {
            Some(format!("resumed at {at}"))
        }
        _ => None,
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
