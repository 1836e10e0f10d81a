//! `sessionkit partitions list` and `sessionkit partitions delete`.

use crate::args::GlobalArgs;
use crate::commands::sessions;
use crate::output::{self, WriteError};

/// Prints the partitions of the data directory.
pub(crate) fn list(global: &GlobalArgs, json: bool) -> Result<(), WriteError> {
    let rows = sessions(global)?.list_partitions()?;
    output::partitions(&rows, json)
}

/// Deletes one persistent partition.
pub(crate) fn delete(global: &GlobalArgs, name: &str) -> Result<(), WriteError> {
    let sessions = sessions(global)?;
    let path = sessions.delete_partition(name)?;
    output::line(&format!("deleted {name} ({})", path.display()))
}
