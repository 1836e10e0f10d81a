//! Turning a record back into an item: Chromium's crash rule and the partial
//! file check.

use std::fs::OpenOptions;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::error::Error;
use crate::item::{ItemData, partial_path};
use crate::reason::InterruptReason;
use crate::record::{DownloadRecord, RecordState};
use crate::request::parse_sha256_hex;
use crate::resume::{ResumeMode, resume_mode};
use crate::state::State;
use crate::validators::Validators;
use crate::writer::fingerprint;

pub(crate) struct Restored {
    pub(crate) data: ItemData,
    pub(crate) received: u64,
}

/// A recorded time in Unix seconds: `Ok(None)` when unset (zero, negative or
/// not a number), an error when it is past what a [`SystemTime`] can hold
/// (`UNIX_EPOCH + d` would panic).
pub(crate) fn time(seconds: f64) -> Result<Option<SystemTime>, Error> {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Ok(None);
    }
    Duration::try_from_secs_f64(seconds)
        .ok()
        .and_then(|d| UNIX_EPOCH.checked_add(d))
        .map(Some)
        .ok_or_else(|| Error::Record(format!("time {seconds} s is out of range")))
}

/// How many bytes of the partial file can be trusted: the recorded offset when
/// the file is at least that long and its bytes before the offset still match
/// the fingerprint, else 0. A longer file is cut to the offset (bytes past it
/// were never recorded as durable).
pub(crate) fn check_partial(partial: &Path, offset: u64, fp: Option<&str>) -> u64 {
    let len = std::fs::metadata(partial).map_or(0, |m| m.len());
    let trusted = if len < offset {
        0
    } else if let Some(want) = fp.filter(|_| offset > 0) {
        if fingerprint(partial, offset).ok().as_deref() == Some(want) { offset } else { 0 }
    } else {
        offset
    };
    if len != trusted
        && let Ok(file) = OpenOptions::new().write(true).open(partial)
    {
        // If the cut fails, the next attempt's writer cuts the file again.
        let _ = file.set_len(trusted);
    }
    trusted
}

pub(crate) fn item_data(record: &DownloadRecord, suffix: &str) -> Result<Restored, Error> {
    let urls = record
        .url_chain
        .iter()
        .map(|u| Url::parse(u).map_err(|e| Error::Record(format!("URL {u:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let (Some(first), Some(last)) = (urls.first(), urls.last()) else {
        return Err(Error::Record("empty URL chain".into()));
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &record.headers {
        if let (Ok(n), Ok(v)) =
            (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
        {
            headers.append(n, v);
        }
    }
    let mut data = ItemData::new(first.clone(), headers);
    data.url = last.clone();
    data.url_chain.clone_from(&urls);
    data.mime_type.clone_from(&record.mime_type);
    data.content_disposition.clone_from(&record.content_disposition);
    data.filename = record
        .target_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    data.target = Some(record.target_path.clone());
    data.total = record.total_bytes;
    data.validators = record.validators();
    data.start_time = time(record.start_time)?.unwrap_or_else(SystemTime::now);
    data.end_time = time(record.end_time)?;
    data.expected_sha256 = record.expected_sha256.as_deref().and_then(|h| parse_sha256_hex(h).ok());
    data.auto_attempts = record.auto_attempts;
    let received;
    match record.state {
        RecordState::Complete => {
            data.state = State::Complete;
            data.done = true;
            received = record.total_bytes.unwrap_or(record.committed_offset);
            data.committed = received;
        }
        RecordState::Cancelled => {
            data.state = State::Cancelled;
            data.done = true;
            received = 0;
        }
        RecordState::InProgress | RecordState::Interrupted => {
            // Chromium: whatever was in progress when the process died is
            // interrupted with CRASH.
            let reason = match record.state {
                RecordState::InProgress => InterruptReason::Crash,
                _ => record.interrupt_reason().unwrap_or(InterruptReason::Crash),
            };
            let partial = partial_path(&record.target_path, suffix);
            let offset =
                check_partial(&partial, record.committed_offset, record.fingerprint.as_deref());
            data.state = State::Interrupted;
            data.reason = Some(reason);
            data.committed = offset;
            data.fingerprint =
                if offset == record.committed_offset { record.fingerprint.clone() } else { None };
            let mode = resume_mode(
                reason,
                offset,
                data.validators.as_ref().is_some_and(Validators::can_continue),
                0,
                false,
            )
            .requiring_user();
            data.mode = Some(mode);
            data.done = mode == ResumeMode::Invalid;
            received = offset;
        }
    }
    Ok(Restored { data, received })
}
