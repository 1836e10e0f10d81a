//! What to do with the response to a download request (Chromium's
//! `HandleSuccessfulServerResponse`, plus the end-of-body rule of
//! `HandleRequestCompletionStatus`).
//!
//! Chromium's rules, in our words, checked in this order:
//! - 204, 205 and 404 cannot be the file: `SERVER_BAD_CONTENT`.
//! - 416: `SERVER_NO_RANGE` (the download restarts from zero).
//! - 401 and 407: `SERVER_UNAUTHORIZED`; 403: `SERVER_FORBIDDEN`; any other status
//!   outside 2xx: `SERVER_FAILED`.
//! - When a range was requested (offset > 0): any answer but 206 is a full body,
//!   which is **not** an error: the partial file is discarded and the body written
//!   from byte zero. A 206 needs a parsable `Content-Range` (else
//!   `SERVER_BAD_CONTENT`) that starts exactly at the offset (else `SERVER_NO_RANGE`).
//! - When no range was requested, a 206 is `SERVER_BAD_CONTENT`.
//! - A body that ends before its announced length is
//!   `SERVER_CONTENT_LENGTH_MISMATCH` (resumable) only when the response had strong
//!   validators; without them the length header may simply be wrong and resuming
//!   could loop forever, so the download counts as complete.
//!
//! # Deviation
//! Three stricter checks, recommended by the research behind this crate:
//! - a 206 whose complete length differs from the one recorded earlier means the
//!   file changed: `SERVER_NO_RANGE` (restart), where Chromium would append;
//! - a 206 whose `Content-Length` is not the length of its own `Content-Range`
//!   is not the range asked for: `SERVER_NO_RANGE` (restart), where Chromium
//!   would append the body, stray bytes included;
//! - a 416 whose `Content-Range: bytes */N` equals the requested offset means the
//!   partial file is already whole: [`Outcome::AlreadyComplete`], where Chromium
//!   restarts the whole download.

use crate::content_range::ContentRange;
use crate::reason::InterruptReason;

/// The parts of a response head the decision needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ResponseHead<'a> {
    /// The status code.
    pub status: u16,
    /// The raw `Content-Range` value, if any.
    pub content_range: Option<&'a [u8]>,
    /// The `Content-Length`, if any and valid.
    pub content_length: Option<u64>,
}

/// What was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RequestedRange {
    /// The offset in `Range: bytes=N-`; 0 when no `Range` was sent (see
    /// [`crate::validators::resume_request_headers`]).
    pub offset: u64,
    /// The complete length recorded from an earlier response, if known.
    pub expected_total: Option<u64>,
}

/// Why a body is written from zero although a range was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestartCause {
    /// The server sent the whole file (usually 200 because `If-Range` no longer
    /// matched, or because it ignores ranges).
    FullBodyForRange,
}

/// The decision on a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Append the body at `offset`.
    Continue {
        /// Where the body's first byte goes (the requested offset).
        offset: u64,
        /// The complete length, when known.
        total: Option<u64>,
    },
    /// Write the body from byte zero (truncate any partial file first).
    Start {
        /// The complete length, when known (`Content-Length`).
        total: Option<u64>,
        /// Set when a range was requested but the whole file came back; report it
        /// so an application can show that the download restarted.
        restart: Option<RestartCause>,
    },
    /// The partial file already holds the whole file (see `# Deviation`).
    AlreadyComplete {
        /// The complete length.
        total: u64,
    },
    /// Stop with this reason; its resume mode says what happens next.
    Interrupt(InterruptReason),
}

/// Decides what to do with a response to a download request.
#[must_use]
pub fn classify_response(head: &ResponseHead<'_>, requested: &RequestedRange) -> Outcome {
    use InterruptReason as R;
    let status = head.status;
    match status {
        204 | 205 | 404 => return Outcome::Interrupt(R::ServerBadContent),
        416 => {
            let range = head.content_range.and_then(|v| ContentRange::parse(v).ok());
            if let Some(ContentRange::Unsatisfied { complete_length }) = range
                && requested.offset > 0
                && complete_length == requested.offset
                && requested.expected_total.is_none_or(|t| t == complete_length)
            {
                return Outcome::AlreadyComplete { total: complete_length };
            }
            return Outcome::Interrupt(R::ServerNoRange);
        }
        401 | 407 => return Outcome::Interrupt(R::ServerUnauthorized),
        403 => return Outcome::Interrupt(R::ServerForbidden),
        200..=299 => {}
        _ => return Outcome::Interrupt(R::ServerFailed),
    }
    if requested.offset == 0 {
        if status == 206 {
            return Outcome::Interrupt(R::ServerBadContent);
        }
        return Outcome::Start { total: head.content_length, restart: None };
    }
    if status != 206 {
        return Outcome::Start {
            total: head.content_length,
            restart: Some(RestartCause::FullBodyForRange),
        };
    }
    let Some(Ok(range @ ContentRange::Bytes { first, complete_length, .. })) =
        head.content_range.map(ContentRange::parse)
    else {
        return Outcome::Interrupt(R::ServerBadContent);
    };
    if first != requested.offset {
        return Outcome::Interrupt(R::ServerNoRange);
    }
    // A body whose length is not the range's own cannot be that range.
    if head.content_length.is_some_and(|len| len != range.len()) {
        return Outcome::Interrupt(R::ServerNoRange);
    }
    if let (Some(expected), Some(got)) = (requested.expected_total, complete_length)
        && expected != got
    {
        return Outcome::Interrupt(R::ServerNoRange);
    }
    Outcome::Continue {
        offset: requested.offset,
        total: complete_length.or(requested.expected_total),
    }
}

/// Decides whether a body that ended after `received` bytes (of this response) is
/// complete. `expected` is the response's `Content-Length`, `strong_validators`
/// whether the download could resume.
///
/// # Errors
/// [`InterruptReason::ServerContentLengthMismatch`] for a short body that can be
/// resumed.
pub const fn check_body_end(
    received: u64,
    expected: Option<u64>,
    strong_validators: bool,
) -> Result<(), InterruptReason> {
    match expected {
        Some(expected) if received < expected && strong_validators => {
            Err(InterruptReason::ServerContentLengthMismatch)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InterruptReason as R;

    fn head(
        status: u16,
        content_range: Option<&str>,
        content_length: Option<u64>,
    ) -> ResponseHead<'_> {
        ResponseHead { status, content_range: content_range.map(str::as_bytes), content_length }
    }

    const fn req(offset: u64, expected_total: Option<u64>) -> RequestedRange {
        RequestedRange { offset, expected_total }
    }

    #[test]
    fn table() {
        let start = |total| Outcome::Start { total, restart: None };
        let restart =
            |total| Outcome::Start { total, restart: Some(RestartCause::FullBodyForRange) };
        let cases: Vec<(ResponseHead<'_>, RequestedRange, Outcome)> = vec![
            (head(200, None, Some(10)), req(0, None), start(Some(10))),
            (head(200, None, None), req(0, None), start(None)),
            (head(201, None, None), req(0, None), start(None)),
            (head(203, None, Some(3)), req(0, None), start(Some(3))),
            (head(200, None, Some(10)), req(4, Some(10)), restart(Some(10))),
            (head(202, None, None), req(4, None), restart(None)),
            (
                head(206, Some("bytes 4-9/10"), Some(6)),
                req(4, Some(10)),
                Outcome::Continue { offset: 4, total: Some(10) },
            ),
            (
                head(206, Some("bytes 4-9/*"), Some(6)),
                req(4, Some(10)),
                Outcome::Continue { offset: 4, total: Some(10) },
            ),
            (
                head(206, Some("bytes 4-9/*"), None),
                req(4, None),
                Outcome::Continue { offset: 4, total: None },
            ),
            (
                head(206, Some("bytes 0-9/10"), None),
                req(0, None),
                Outcome::Interrupt(R::ServerBadContent),
            ),
            (head(206, None, None), req(4, None), Outcome::Interrupt(R::ServerBadContent)),
            (
                head(206, Some("bytes 4-3/10"), None),
                req(4, None),
                Outcome::Interrupt(R::ServerBadContent),
            ),
            (
                head(206, Some("bytes */10"), None),
                req(4, None),
                Outcome::Interrupt(R::ServerBadContent),
            ),
            (
                head(206, Some("bytes 6-9/10"), None),
                req(4, None),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (
                head(206, Some("bytes 2-9/10"), None),
                req(4, None),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (
                head(206, Some("bytes 4-9/12"), None),
                req(4, Some(10)),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (head(416, None, None), req(4, None), Outcome::Interrupt(R::ServerNoRange)),
            (
                head(416, Some("bytes */10"), None),
                req(4, None),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (
                head(416, Some("bytes */10"), None),
                req(10, Some(10)),
                Outcome::AlreadyComplete { total: 10 },
            ),
            (
                head(416, Some("bytes */10"), None),
                req(10, None),
                Outcome::AlreadyComplete { total: 10 },
            ),
            (
                head(416, Some("bytes */10"), None),
                req(10, Some(12)),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (
                head(416, Some("bytes */0"), None),
                req(0, None),
                Outcome::Interrupt(R::ServerNoRange),
            ),
            (head(204, None, None), req(0, None), Outcome::Interrupt(R::ServerBadContent)),
            (head(205, None, None), req(4, None), Outcome::Interrupt(R::ServerBadContent)),
            (head(404, None, None), req(0, None), Outcome::Interrupt(R::ServerBadContent)),
            (head(401, None, None), req(0, None), Outcome::Interrupt(R::ServerUnauthorized)),
            (head(407, None, None), req(4, None), Outcome::Interrupt(R::ServerUnauthorized)),
            (head(403, None, None), req(0, None), Outcome::Interrupt(R::ServerForbidden)),
            (head(400, None, None), req(0, None), Outcome::Interrupt(R::ServerFailed)),
            (head(410, None, None), req(0, None), Outcome::Interrupt(R::ServerFailed)),
            (head(500, None, None), req(0, None), Outcome::Interrupt(R::ServerFailed)),
            (head(503, None, None), req(4, None), Outcome::Interrupt(R::ServerFailed)),
            (head(304, None, None), req(4, None), Outcome::Interrupt(R::ServerFailed)),
            (head(100, None, None), req(0, None), Outcome::Interrupt(R::ServerFailed)),
        ];
        for (h, r, want) in cases {
            assert_eq!(classify_response(&h, &r), want, "{h:?} {r:?}");
        }
    }

    #[test]
    fn short_bodies() {
        assert_eq!(check_body_end(5, Some(10), true), Err(R::ServerContentLengthMismatch));
        assert_eq!(check_body_end(5, Some(10), false), Ok(()));
        assert_eq!(check_body_end(10, Some(10), true), Ok(()));
        assert_eq!(check_body_end(12, Some(10), true), Ok(()));
        assert_eq!(check_body_end(5, None, true), Ok(()));
    }
}
