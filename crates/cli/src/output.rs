//! Writing results: stdout for data, stderr for warnings, and the partition
//! table or JSON.

use std::io::{self, Write};

use serde::Serialize;
use sessionkit::PartitionInfo;

use crate::failure::Failure;

/// Why writing stopped.
pub(crate) enum WriteError {
    /// The reader went away (`sessionkit … | head`): not an error.
    Closed,
    /// Anything else.
    Failed(Failure),
}

impl From<Failure> for WriteError {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}

impl From<sessionkit::Error> for WriteError {
    fn from(error: sessionkit::Error) -> Self {
        Self::Failed(error.into())
    }
}

fn check(result: io::Result<()>) -> Result<(), WriteError> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(WriteError::Closed),
        Err(e) => Err(WriteError::Failed(Failure::failed(format!("cannot write to stdout: {e}")))),
    }
}

/// Writes `line` and a newline to stdout.
pub(crate) fn line(line: &str) -> Result<(), WriteError> {
    let mut out = io::stdout().lock();
    check(writeln!(out, "{line}").and_then(|()| out.flush()))
}

/// Writes a warning to stderr. A closed stderr is ignored: there is nowhere
/// left to report it.
pub(crate) fn warning(message: &dyn std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "warning: {message}");
}

/// One partition in `--json` output.
#[derive(Serialize)]
struct JsonPartition<'a> {
    name: &'a str,
    persistent: bool,
    in_use: bool,
    path: Option<String>,
}

/// Prints partitions as a JSON array (one line) or an aligned table.
pub(crate) fn partitions(rows: &[PartitionInfo], json: bool) -> Result<(), WriteError> {
    if json {
        let rows: Vec<JsonPartition<'_>> = rows
            .iter()
            .map(|row| JsonPartition {
                name: &row.name,
                persistent: row.persistent,
                in_use: row.in_use,
                path: row.path.as_ref().map(|p| p.to_string_lossy().into_owned()),
            })
            .collect();
        let text = serde_json::to_string(&rows)
            .map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?;
        return line(&text);
    }

    let table: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            [
                display_name(&row.name),
                if row.persistent { "disk" } else { "memory" }.to_owned(),
                if row.in_use { "yes" } else { "no" }.to_owned(),
                row.path.as_ref().map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
            ]
        })
        .collect();
    let header = ["NAME", "STORAGE", "IN USE", "PATH"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &table {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    for row in std::iter::once(&header).chain(&table) {
        let text = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        check(writeln!(out, "{}", text.trim_end()))?;
    }
    check(out.flush())
}

/// A partition name as a table cell: the default session gets a label, and
/// names with control characters are escaped so they can't garble a terminal.
fn display_name(name: &str) -> String {
    if name.is_empty() {
        "(default)".to_owned()
    } else if name.chars().any(char::is_control) {
        format!("{name:?}")
    } else {
        name.to_owned()
    }
}
