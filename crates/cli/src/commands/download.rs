//! `sessionkit download`: one resumable download through the partition.

use std::path::{Path, PathBuf};

use sessionkit::downloads::{DownloadRequest, parse_sha256_hex};
use sessionkit::{DownloadItem, DownloadManager};
use url::Url;

use crate::args::{DownloadArgs, GlobalArgs};
use crate::commands::download_wait;
use crate::commands::net::{open_session, runtime};
use crate::failure::Failure;
use crate::output::WriteError;

/// Downloads `args.url`, or resumes the partition's interrupted download of
/// the same URL to the same place.
pub(crate) fn run(global: &GlobalArgs, args: &DownloadArgs) -> Result<(), WriteError> {
    let url = Url::parse(&args.url)
        .map_err(|e| Failure::bad_input(format!("invalid URL {:?}: {e}", args.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::bad_input(format!("{url}: only http and https URLs download")).into());
    }
    let dir = directory(args.dir.as_deref())?;
    let save_path = args.output.as_ref().map(|o| dir.join(o));
    let request = request(&url, args, save_path.as_deref())?;

    let session = open_session(global)?;
    let rt = runtime(1)?;
    let result = rt.block_on(async {
        session.set_download_path(&dir);
        let manager = session.downloads()?;
        let (item, resume) = match resumable(&manager, &url, save_path.as_deref(), &dir) {
            Some(item) => {
                tracing::info!(id = item.id(), "resuming the earlier download");
                item.set_rate_limit(args.limit_rate);
                (item, true)
            }
            None => (session.download(request)?, false),
        };
        download_wait::wait(&manager, &item, session.is_persistent(), resume).await
    });
    // Cookies the server set are kept, whatever happened to the download.
    let flushed = session.cookies().and_then(|cookies| cookies.flush());
    result?;
    Ok(flushed?)
}

/// `--dir`, else the current directory, made absolute so a later run finds
/// the same download.
fn directory(dir: Option<&Path>) -> Result<PathBuf, Failure> {
    let dir = dir.unwrap_or_else(|| Path::new("."));
    std::path::absolute(dir)
        .map_err(|e| Failure::bad_input(format!("--dir {}: {e}", dir.display())))
}

fn request(
    url: &Url,
    args: &DownloadArgs,
    save_path: Option<&Path>,
) -> Result<DownloadRequest, Failure> {
    let invalid = |e: sessionkit::downloads::Error| Failure::bad_input(e);
    let mut request = DownloadRequest::new(url.clone()).rate_limit(args.limit_rate);
    for line in &args.headers {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Failure::bad_input(format!("-H {line:?}: expected 'Name: value'")))?;
        request = request.header(name.trim(), value.trim()).map_err(invalid)?;
    }
    if let Some(hex) = &args.sha256 {
        request = request.expected_sha256(parse_sha256_hex(hex).map_err(invalid)?);
    }
    if let Some(path) = save_path {
        request = request.save_path(path);
    }
    Ok(request)
}

/// The newest download of `url` (the first URL of its chain) to `save_path`,
/// or into `dir` when no path was given, that waits to be resumed.
fn resumable(
    manager: &DownloadManager,
    url: &Url,
    save_path: Option<&Path>,
    dir: &Path,
) -> Option<DownloadItem> {
    manager.items().into_iter().rev().find(|item| {
        let same_place = match (save_path, item.save_path()) {
            (Some(wanted), Some(path)) => path == wanted,
            (None, Some(path)) => path.parent() == Some(dir),
            (_, None) => false,
        };
        !item.is_done() && item.url_chain().first() == Some(url) && same_place
    })
}
