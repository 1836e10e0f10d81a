//! What `get` and `serve-proxy` share: the session they fetch through, the
//! Tokio runtime, and how a fetch error reads on the command line.

use std::error::Error as _;

use sessionkit::{FetchError, PartitionOptions, ProxyConfig, Session};

use crate::args::GlobalArgs;
use crate::commands::sessions;
use crate::failure::Failure;
use crate::output;

/// The session of `--partition`; session cookies last between runs, as in
/// the `cookies` commands, so `get` keeps a login like curl's cookie jar.
pub(crate) fn open_session(global: &GlobalArgs) -> Result<Session, Failure> {
    open_session_with(global, PartitionOptions::new())
}

/// [`open_session`] with more options (`serve-proxy --shared-cache`).
pub(crate) fn open_session_with(
    global: &GlobalArgs,
    options: PartitionOptions,
) -> Result<Session, Failure> {
    let options = options.persist_session_cookies(true);
    Ok(sessions(global)?.from_partition(&global.partition, options)?)
}

/// Applies `--proxy-rules` / `--proxy-bypass` (Electron's setProxy with
/// those two fields); items Chromium would drop are warnings.
pub(crate) fn apply_proxy(
    session: &Session,
    rules: Option<&str>,
    bypass: Option<&str>,
) -> Result<(), Failure> {
    if rules.is_none() && bypass.is_none() {
        return Ok(());
    }
    let (config, warnings) =
        ProxyConfig::from_electron(None, None, rules, bypass).map_err(sessionkit::Error::from)?;
    for warning in &warnings {
        output::warning(warning);
    }
    session.set_proxy(config);
    Ok(())
}

/// A runtime for the command's network work.
pub(crate) fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, Failure> {
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the async runtime: {e}")))
}

/// The error line for a failed fetch: the net error, then the innermost
/// cause (e.g. `Connection refused (os error 111)`), which says the most.
pub(crate) fn describe(error: &FetchError) -> String {
    let mut root = error.source();
    while let Some(next) = root.and_then(|e| e.source()) {
        root = Some(next);
    }
    match root {
        Some(root) => format!("{error}: {root}"),
        None => error.to_string(),
    }
}

/// A failed fetch as a command failure (exit 2 for bad input, else 1).
pub(crate) fn fetch_failure(error: &FetchError) -> Failure {
    if error.is_invalid_input() {
        Failure::bad_input(describe(error))
    } else {
        Failure::failed(describe(error))
    }
}
