//! `sessionkit downloads list|resume|cancel`: the partition's downloads,
//! those of earlier runs included (restored from its records).

use std::time::Duration;

use serde::Serialize;
use sessionkit::{DownloadItem, Session};

use crate::args::{DownloadsCommand, GlobalArgs};
use crate::commands::download_wait;
use crate::commands::net::{open_session, runtime};
use crate::failure::Failure;
use crate::output::{self, WriteError};

/// How long `cancel` waits for the download to let its file go.
const CANCEL_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one `downloads` subcommand against the partition of `--partition`.
pub(crate) fn run(global: &GlobalArgs, command: &DownloadsCommand) -> Result<(), WriteError> {
    let session = open_session(global)?;
    let rt = runtime(1)?;
    rt.block_on(async {
        let manager = session.downloads()?;
        match command {
            DownloadsCommand::List => list(&manager.items(), global.json),
            DownloadsCommand::Resume { id } => {
                let item = find(&session, *id)?;
                download_wait::wait(&manager, &item, session.is_persistent(), true).await
            }
            DownloadsCommand::Cancel { id } => {
                let item = find(&session, *id)?;
                if item.is_done() {
                    return Err(Failure::failed(format!(
                        "download {id} is already {}",
                        item.state()
                    ))
                    .into());
                }
                item.cancel();
                tokio::time::timeout(CANCEL_TIMEOUT, item.wait_done())
                    .await
                    .map_err(|_| Failure::failed(format!("download {id} did not stop in time")))?;
                Ok(())
            }
        }
    })
}

fn find(session: &Session, id: u64) -> Result<DownloadItem, Failure> {
    session
        .downloads()?
        .item(id)
        .ok_or_else(|| Failure::bad_input(format!("no download with id {id} in this partition")))
}

/// One download in `--json` output.
#[derive(Serialize)]
struct JsonDownload {
    id: u64,
    state: &'static str,
    /// Electron's `isPaused()`.
    paused: bool,
    /// Chromium's interrupt reason (`NETWORK_FAILED`, …) when interrupted.
    reason: Option<String>,
    received_bytes: u64,
    /// `null` when the server did not say.
    total_bytes: Option<u64>,
    path: Option<String>,
    url: String,
}

fn list(items: &[DownloadItem], json: bool) -> Result<(), WriteError> {
    if json {
        let rows: Vec<JsonDownload> = items
            .iter()
            .map(|item| JsonDownload {
                id: item.id(),
                state: item.state().as_str(),
                paused: item.is_paused(),
                reason: item.interrupt_reason().map(|r| r.to_string()),
                received_bytes: item.received_bytes(),
                total_bytes: item.total_bytes(),
                path: item.save_path().map(|p| p.display().to_string()),
                url: first_url(item),
            })
            .collect();
        return output::json(&rows);
    }
    let rows: Vec<[String; 5]> = items
        .iter()
        .map(|item| {
            [
                item.id().to_string(),
                item.state().to_string(),
                format!(
                    "{}/{}",
                    item.received_bytes(),
                    item.total_bytes().map_or_else(|| "?".to_owned(), |t| t.to_string())
                ),
                item.save_path().map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
                first_url(item),
            ]
        })
        .collect();
    output::table(["ID", "STATE", "RECEIVED/TOTAL", "PATH", "URL"], &rows)
}

/// The URL the download was started with (Electron's `getURLChain()[0]`).
fn first_url(item: &DownloadItem) -> String {
    item.url_chain().first().map_or_else(|| item.url().to_string(), ToString::to_string)
}
