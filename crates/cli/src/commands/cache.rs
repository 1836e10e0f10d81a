//! `sessionkit cache size|clear`: the partition's HTTP cache.

use crate::args::{CacheCommand, GlobalArgs};
use crate::commands::net::{open_session, runtime};
use crate::output::{self, WriteError};

/// Runs one `cache` subcommand against the partition of `--partition`.
/// An in-memory partition's cache starts empty in every run, so these
/// mean something for the default session and `persist:` partitions.
pub(crate) fn run(global: &GlobalArgs, command: &CacheCommand) -> Result<(), WriteError> {
    let session = open_session(global)?;
    match command {
        // Electron: ses.getCacheSize() resolves with bytes.
        CacheCommand::Size => output::line(&session.cache_size()?.to_string()),
        CacheCommand::Clear => {
            runtime(1)?.block_on(session.clear_cache())?;
            Ok(())
        }
    }
}
