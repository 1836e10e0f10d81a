//! Writing results: stdout for data, stderr for warnings, tables and JSON.

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
        return self::json(&rows);
    }

    let cells: Vec<[String; 4]> = rows
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
    table(["NAME", "STORAGE", "IN USE", "PATH"], &cells)
}

/// Prints an aligned table: columns two spaces apart, the last one ragged.
pub(crate) fn table<const N: usize>(
    header: [&str; N],
    rows: &[[String; N]],
) -> Result<(), WriteError> {
    let header = header.map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    for row in std::iter::once(&header).chain(rows) {
        let mut text = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == N {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:width$}  "));
            }
        }
        check(writeln!(out, "{}", text.trim_end()))?;
    }
    check(out.flush())
}

/// Writes `text` to stdout as it is (an exported file).
pub(crate) fn text(text: &str) -> Result<(), WriteError> {
    let mut out = io::stdout().lock();
    check(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Writes `value` as one line of JSON.
pub(crate) fn json(value: &impl Serialize) -> Result<(), WriteError> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?;
    line(&text)
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
