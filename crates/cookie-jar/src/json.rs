//! JSON import and export: an array of Electron `Cookie` objects.
//!
//! The export is what Electron's `cookies.get({})` resolves to, serialised — `name`, `value`,
//! `domain` (leading dot for a domain cookie), `hostOnly`, `path`, `secure`, `httpOnly`,
//! `session`, `expirationDate` (float seconds, persistent cookies only), `sameSite` — plus the
//! fields that make it lossless (`creationTime`, `lastAccessTime`, `expiryTime` in microseconds,
//! `priority`, `partitionKey`, `sourceScheme`; see [`Cookie`]'s serde notes). A file written
//! by Electron, or by a browser extension using the same shape, reads back with defaults for
//! the missing fields.
//!
//! Two ways in:
//! - [`import`] treats the file as untrusted: every record goes through the jar's storage
//!   rules as a `Set-Cookie` from `https://<domain><path>` would
//!   (see [`netscape::import`](crate::netscape::import)), and gets a new creation
//!   time. Bad records are reported by index and the rest are kept.
//! - [`parse`] only decodes; pass its cookies to [`CookieJar::restore`] to bring back a
//!   backup exactly, times included, without the creation rules.

use serde_json::Value;

use crate::cookie::Cookie;
use crate::jar::CookieJar;
use crate::netscape::{ImportReport, LineErrorKind, StoreSpec, store_through_rules};

/// The text was not a JSON array at all, so no record could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cookie JSON: {0}")]
pub struct JsonError(String);

/// A rejected record: its 0-based index in the array and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {index}: {kind}")]
pub struct RecordError {
    /// 0-based position in the array.
    pub index: usize,
    /// Why it was rejected.
    pub kind: RecordErrorKind,
}

/// Why a JSON record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// Not a cookie object: a field is missing or has the wrong type.
    #[error("not a cookie: {0}")]
    Malformed(String),
    /// Decoded, but not stored: expired, refused by the jar's rules, or not expressible.
    #[error("{0}")]
    NotStored(LineErrorKind),
}

/// The decoded records: good cookies with their index, and the bad ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Every record that decoded, with its 0-based index, in array order.
    pub cookies: Vec<(usize, Cookie)>,
    /// Every record that did not.
    pub errors: Vec<RecordError>,
}

/// Decodes an array of cookie objects, keeping the good records and reporting the others.
///
/// # Errors
///
/// [`JsonError`] if `text` is not a JSON array.
pub fn parse(text: &str) -> Result<Parsed, JsonError> {
    let records: Vec<Value> = serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))?;
    let mut parsed = Parsed::default();
    for (index, record) in records.into_iter().enumerate() {
        match serde_json::from_value::<Cookie>(record) {
            Ok(cookie) => parsed.cookies.push((index, cookie)),
            Err(e) => parsed
                .errors
                .push(RecordError { index, kind: RecordErrorKind::Malformed(e.to_string()) }),
        }
    }
    Ok(parsed)
}

/// Every cookie in `jar`, in header order, as a pretty-printed JSON array.
#[must_use]
pub fn export(jar: &CookieJar) -> String {
    to_string(&jar.all_cookies())
}

/// `cookies` as a pretty-printed JSON array.
#[must_use]
pub fn to_string(cookies: &[Cookie]) -> String {
    // Cookies serialise to strings, numbers and booleans only, which cannot fail.
    serde_json::to_string_pretty(cookies).unwrap_or_default()
}

/// Decodes `text` and stores every good record in `jar` through its storage rules (see the
/// module notes); reports the records that were malformed, expired or refused.
///
/// # Errors
///
/// [`JsonError`] if `text` is not a JSON array; nothing is stored then.
pub fn import(jar: &CookieJar, text: &str) -> Result<ImportReport<RecordError>, JsonError> {
    let parsed = parse(text)?;
    let mut report = ImportReport { imported: 0, rejected: parsed.errors };
    for (index, cookie) in parsed.cookies {
        let spec = StoreSpec {
            name: cookie.name(),
            value: cookie.value(),
            domain: cookie.domain(),
            host_only: cookie.host_only(),
            path: cookie.path(),
            expires: cookie.expiry(),
            secure: cookie.secure(),
            http_only: cookie.http_only(),
            same_site: cookie.same_site(),
            priority: cookie.priority(),
            partition_key: cookie.partition_key(),
        };
        match store_through_rules(jar, &spec) {
            Ok(()) => report.imported += 1,
            Err(kind) => {
                report.rejected.push(RecordError { index, kind: RecordErrorKind::NotStored(kind) });
            }
        }
    }
    report.rejected.sort_by_key(|e| e.index);
    Ok(report)
}
