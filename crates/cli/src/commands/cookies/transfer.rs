//! `cookies export` and `cookies import`: Netscape cookies.txt and JSON.

use std::io::Read;
use std::path::Path;

use sessionkit::cookie_jar::{json, netscape};

use super::manage::plural;
use crate::args::{ExportArgs, Format, ImportArgs};
use crate::failure::Failure;
use crate::output::{self, WriteError};
use sessionkit::Cookies;

/// Writes every cookie (session cookies included) to stdout.
pub(super) fn export(cookies: &Cookies, args: &ExportArgs) -> Result<(), WriteError> {
    match args.format {
        Format::Netscape => output::text(&netscape::export(cookies).text),
        Format::Json => output::line(&json::export(cookies)),
    }
}

/// Stores the file's cookies through the jar's rules, as if each came in a
/// Set-Cookie header from its own site; each refused record is a warning.
pub(super) fn import(cookies: &Cookies, args: &ImportArgs) -> Result<(), WriteError> {
    let text = read(&args.file)?;
    let format = args.format.unwrap_or_else(|| {
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('[') {
            Format::Json
        } else {
            Format::Netscape
        }
    });
    let (imported, rejected): (usize, Vec<String>) = match format {
        Format::Netscape => {
            let report = netscape::import(cookies, &text);
            (report.imported, report.rejected.iter().map(ToString::to_string).collect())
        }
        Format::Json => {
            let report = json::import(cookies, &text).map_err(Failure::bad_input)?;
            (report.imported, report.rejected.iter().map(ToString::to_string).collect())
        }
    };
    for reason in &rejected {
        output::warning(&format_args!("not imported: {reason}"));
    }
    output::line(&format!("imported {imported} {}", plural(imported)))
}

/// The file's text; `-` is stdin. Unreadable is a failure (exit 1), not
/// UTF-8 is bad input (exit 2).
fn read(path: &Path) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(drop)
    } else {
        std::fs::read(path).map(|read| bytes = read)
    };
    result.map_err(|e| Failure::failed(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| Failure::bad_input(format!("{} is not UTF-8 text", path.display())))
}
