//! The on-disk encoding: keys and versioned records.
//!
//! Key: the cookie's identity as length-prefixed fields, so no choice of bytes inside a name,
//! domain or path can make two identities share a key:
//!
//! ```text
//! u32-be len, domain | u32-be len, path | u32-be len, name | host-only (0 or 1)
//!   | partition: 0, or 1 followed by u32-be len, key
//! ```
//!
//! Domain first keeps one site's cookies together in the tree, which is what a future lazy,
//! per-site load would scan.
//!
//! Value: a JSON object with `"v": 1` and every field of the cookie. The version is read
//! before anything else, so a record written by a later format is reported as such instead
//! of being half-understood.

use serde::{Deserialize, Serialize};

use crate::cookie::{Cookie, CookieParts, Priority, SameSite, SourceScheme};
use crate::time::Timestamp;

use super::PersistError;

/// The record version this build writes and reads.
pub(crate) const FORMAT_VERSION: u64 = 1;

fn push_field(out: &mut Vec<u8>, field: &str) {
    // Lengths over 4 GiB cannot occur: the jar rejects anything over 4096 bytes, and a
    // saturated length would still keep the encoding unambiguous only for shorter fields.
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field.as_bytes());
}

/// The tree key for a cookie's identity.
pub(crate) fn encode_key(cookie: &Cookie) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(17 + cookie.domain().len() + cookie.path().len() + cookie.name().len());
    push_field(&mut out, cookie.domain());
    push_field(&mut out, cookie.path());
    push_field(&mut out, cookie.name());
    out.push(u8::from(cookie.host_only()));
    match cookie.partition_key() {
        None => out.push(0),
        Some(key) => {
            out.push(1);
            push_field(&mut out, key);
        }
    }
    out
}

/// The identity a key encodes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct KeyParts {
    pub(crate) domain: String,
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) host_only: bool,
    pub(crate) partition_key: Option<String>,
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn field(&mut self) -> Option<String> {
        let len_bytes: [u8; 4] = self.0.get(..4)?.try_into().ok()?;
        let len = usize::try_from(u32::from_be_bytes(len_bytes)).ok()?;
        let bytes = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        String::from_utf8(bytes.to_vec()).ok()
    }
}

/// Decodes a key; `None` if it is not one this format writes.
pub(crate) fn decode_key(key: &[u8]) -> Option<KeyParts> {
    let mut reader = Reader(key);
    let domain = reader.field()?;
    let path = reader.field()?;
    let name = reader.field()?;
    let host_only = match reader.byte()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let partition_key = match reader.byte()? {
        0 => None,
        1 => Some(reader.field()?),
        _ => return None,
    };
    reader.0.is_empty().then_some(KeyParts { domain, path, name, host_only, partition_key })
}

/// A key as an error message shows it: the decoded identity, or the escaped bytes.
pub(crate) fn describe_key(key: &[u8]) -> String {
    match decode_key(key) {
        Some(k) => format!(
            "name {:?} domain {:?}{} path {:?}{}",
            k.name,
            k.domain,
            if k.host_only { " (host-only)" } else { "" },
            k.path,
            k.partition_key.map(|p| format!(" partition {p:?}")).unwrap_or_default(),
        ),
        None => format!("undecodable key \"{}\"", key.escape_ascii()),
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordV1 {
    v: u64,
    name: String,
    value: String,
    domain: String,
    host_only: bool,
    path: String,
    /// Microseconds since the Unix epoch, as every time below.
    creation: i64,
    expiry: Option<i64>,
    last_access: i64,
    secure: bool,
    http_only: bool,
    same_site: String,
    priority: String,
    partition_key: Option<String>,
    source_scheme: String,
}

// The enums are spelled out here rather than through their serde derives, so that renaming
// a variant in the jar's public types cannot change what is on disk.
const fn same_site_str(value: SameSite) -> &'static str {
    match value {
        SameSite::NoRestriction => "no_restriction",
        SameSite::Lax => "lax",
        SameSite::Strict => "strict",
        SameSite::Unspecified => "unspecified",
    }
}

fn same_site_from(value: &str) -> Option<SameSite> {
    match value {
        "unspecified" => Some(SameSite::Unspecified),
        "no_restriction" => Some(SameSite::NoRestriction),
        "lax" => Some(SameSite::Lax),
        "strict" => Some(SameSite::Strict),
        _ => None,
    }
}

const fn priority_str(value: Priority) -> &'static str {
    match value {
        Priority::Low => "low",
        Priority::Medium => "medium",
        Priority::High => "high",
    }
}

fn priority_from(value: &str) -> Option<Priority> {
    match value {
        "low" => Some(Priority::Low),
        "medium" => Some(Priority::Medium),
        "high" => Some(Priority::High),
        _ => None,
    }
}

const fn scheme_str(value: SourceScheme) -> &'static str {
    match value {
        SourceScheme::Unset => "unset",
        SourceScheme::NonSecure => "non-secure",
        SourceScheme::Secure => "secure",
    }
}

fn scheme_from(value: &str) -> Option<SourceScheme> {
    match value {
        "unset" => Some(SourceScheme::Unset),
        "non-secure" => Some(SourceScheme::NonSecure),
        "secure" => Some(SourceScheme::Secure),
        _ => None,
    }
}

/// The tree value for a cookie.
pub(crate) fn encode_value(cookie: &Cookie) -> Vec<u8> {
    let record = RecordV1 {
        v: FORMAT_VERSION,
        name: cookie.name().to_owned(),
        value: cookie.value().to_owned(),
        domain: cookie.domain().to_owned(),
        host_only: cookie.host_only(),
        path: cookie.path().to_owned(),
        creation: cookie.creation().as_micros(),
        expiry: cookie.expiry().map(Timestamp::as_micros),
        last_access: cookie.last_access().as_micros(),
        secure: cookie.secure(),
        http_only: cookie.http_only(),
        same_site: same_site_str(cookie.same_site()).to_owned(),
        priority: priority_str(cookie.priority()).to_owned(),
        partition_key: cookie.partition_key().map(str::to_owned),
        source_scheme: scheme_str(cookie.source_scheme()).to_owned(),
    };
    // Serialising a struct of strings, integers and booleans into memory cannot fail.
    serde_json::to_vec(&record).unwrap_or_default()
}

#[derive(Deserialize)]
struct VersionOnly {
    v: Option<u64>,
}

/// Decodes a record, checking that it belongs under `key`.
pub(crate) fn decode_value(key: &[u8], value: &[u8]) -> Result<Cookie, PersistError> {
    let corrupt = |reason: String| PersistError::CorruptRecord { key: describe_key(key), reason };
    // The common case decodes once; only a record that fails is looked at again to say
    // whether it is damaged or from a later version.
    let record: RecordV1 = match serde_json::from_slice(value) {
        Ok(record @ RecordV1 { v: FORMAT_VERSION, .. }) => record,
        Ok(RecordV1 { v: version, .. }) => {
            return Err(PersistError::UnsupportedVersion { key: describe_key(key), version });
        }
        Err(e) => {
            return Err(match serde_json::from_slice::<VersionOnly>(value) {
                Ok(VersionOnly { v: Some(version) }) if version != FORMAT_VERSION => {
                    PersistError::UnsupportedVersion { key: describe_key(key), version }
                }
                Ok(VersionOnly { v: None }) => corrupt("no format version".to_owned()),
                _ => corrupt(format!("bad record: {e}")),
            });
        }
    };
    let same_site = same_site_from(&record.same_site)
        .ok_or_else(|| corrupt(format!("unknown sameSite {:?}", record.same_site)))?;
    let priority = priority_from(&record.priority)
        .ok_or_else(|| corrupt(format!("unknown priority {:?}", record.priority)))?;
    let source_scheme = scheme_from(&record.source_scheme)
        .ok_or_else(|| corrupt(format!("unknown sourceScheme {:?}", record.source_scheme)))?;
    let cookie = Cookie::from_parts(CookieParts {
        name: record.name,
        value: record.value,
        domain: record.domain,
        host_only: record.host_only,
        path: record.path,
        creation: Timestamp::from_micros(record.creation),
        expiry: record.expiry.map(Timestamp::from_micros),
        last_access: Timestamp::from_micros(record.last_access),
        secure: record.secure,
        http_only: record.http_only,
        same_site,
        priority,
        partition_key: record.partition_key,
        source_scheme,
    });
    if encode_key(&cookie) != key {
        return Err(corrupt("the record's identity does not match its key".to_owned()));
    }
    Ok(cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(name: &str, domain: &str, path: &str, partition: Option<&str>) -> Cookie {
        Cookie::from_parts(CookieParts {
            name: name.to_owned(),
            value: "v".to_owned(),
            domain: domain.to_owned(),
            host_only: true,
            path: path.to_owned(),
            expiry: Some(Timestamp::from_unix_seconds(2_000_000_000)),
            same_site: SameSite::Strict,
            priority: Priority::High,
            partition_key: partition.map(str::to_owned),
            source_scheme: SourceScheme::Secure,
            ..CookieParts::default()
        })
    }

    #[test]
    fn keys_are_unambiguous_and_decode() {
        // Same concatenated bytes, different identities.
        let a = cookie("b", "a.example", "/x", None);
        let b = cookie("", "a.example", "/xb", None);
        assert_ne!(encode_key(&a), encode_key(&b));
        let p = cookie("b", "a.example", "/x", Some("https://top.example"));
        assert_ne!(encode_key(&a), encode_key(&p));
        let parts = decode_key(&encode_key(&p)).expect("decodes");
        assert_eq!(parts.partition_key.as_deref(), Some("https://top.example"));
        assert_eq!((parts.name.as_str(), parts.path.as_str()), ("b", "/x"));
        assert!(decode_key(b"\0\0\0\x09short").is_none());
    }

    #[test]
    fn values_round_trip_and_check_their_key() {
        let c = cookie("sid", "a.example", "/", Some("https://top.example"));
        let key = encode_key(&c);
        assert_eq!(decode_value(&key, &encode_value(&c)).expect("decodes"), c);
        let other = encode_key(&cookie("x", "a.example", "/", None));
        assert!(matches!(
            decode_value(&other, &encode_value(&c)),
            Err(PersistError::CorruptRecord { .. })
        ));
        assert!(matches!(
            decode_value(&key, br#"{"v":2}"#),
            Err(PersistError::UnsupportedVersion { version: 2, .. })
        ));
    }
}
