//! Strong validators and the resume request built from them.
//!
//! Chromium's rule (`HttpUtil::HasStrongValidators`, applied in
//! `HandleResponseHeaders`), in our words: a response to HTTP/1.1 or later has strong
//! validators when it carries an ETag that is not weak (weak means the part before
//! a `/`, trimmed, is `W` in any case), or a `Last-Modified` at least 60 seconds
//! older than its `Date` (RFC 9110 §8.8.2.2: a date that close to the response
//! could have changed twice within its one-second resolution). Only then are the
//! ETag and `Last-Modified` remembered; otherwise both are dropped and a resume must
//! start over.
//!
//! The resume request (`GetAdditionalRequestHeaders`) sends `Range: bytes=N-` and
//! `If-Range` with the ETag, else `Last-Modified`, and always
//! `Accept-Encoding: identity` (offsets count decoded bytes). Without a validator
//! no `Range` is sent at all: the download restarts from zero.

use crate::http_date::parse_http_date;

/// The validators remembered from a response with strong validators.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Validators {
    /// The `ETag` as received (may be weak when `Last-Modified` made the response
    /// strong, as in Chromium, which stores both).
    pub etag: Option<String>,
    /// The `Last-Modified` value as received.
    pub last_modified: Option<String>,
}

impl Validators {
    /// The validators to remember from a response, or `None` when they are not
    /// strong. `http_1_1_or_later` is false for HTTP/1.0 and 0.9 responses.
    #[must_use]
    pub fn from_response(
        http_1_1_or_later: bool,
        etag: Option<&str>,
        last_modified: Option<&str>,
        date: Option<&str>,
    ) -> Option<Self> {
        let etag = etag.filter(|e| !e.is_empty());
        let last_modified = last_modified.filter(|l| !l.is_empty());
        has_strong_validators(http_1_1_or_later, etag, last_modified, date).then(|| Self {
            etag: etag.map(str::to_owned),
            last_modified: last_modified.map(str::to_owned),
        })
    }

    /// The `If-Range` value: a strong ETag, else `Last-Modified` when there is no
    /// ETag at all.
    ///
    /// RFC 9110 §13.1.5 forbids a client to send a weak entity tag in `If-Range`,
    /// and a date when it has an entity tag. So a weak ETag kept beside an old
    /// `Last-Modified` (strong for Chromium, which would send the weak tag and
    /// always get the whole file back) guards no range: `None`, and the download
    /// restarts from zero.
    #[must_use]
    pub fn if_range(&self) -> Option<&str> {
        match self.etag.as_deref() {
            Some(etag) if is_weak_etag(etag) => None,
            Some(etag) => Some(etag),
            None => self.last_modified.as_deref(),
        }
    }

    /// Whether a resume can continue from the partial file (an `If-Range` value
    /// exists); otherwise the resume mode restarts.
    #[must_use]
    pub fn can_continue(&self) -> bool {
        self.if_range().is_some()
    }
}

/// Chromium's `HttpUtil::HasStrongValidators`.
#[must_use]
pub fn has_strong_validators(
    http_1_1_or_later: bool,
    etag: Option<&str>,
    last_modified: Option<&str>,
    date: Option<&str>,
) -> bool {
    if !http_1_1_or_later {
        return false;
    }
    if let Some(etag) = etag.filter(|e| !e.is_empty())
        && !is_weak_etag(etag)
    {
        return true;
    }
    let (Some(lm), Some(date)) =
        (last_modified.and_then(parse_http_date), date.and_then(parse_http_date))
    else {
        return false;
    };
    date - lm >= 60
}

/// Chromium's weak-ETag test: the part before a `/`, trimmed, is `W` in any case.
fn is_weak_etag(etag: &str) -> bool {
    etag.split_once('/').is_some_and(|(w, _)| {
        !w.is_empty() && w.trim_matches([' ', '\t']).eq_ignore_ascii_case("w")
    })
}

/// The headers of a (re)start request for a download `offset` bytes in, given the
/// validators remembered. Returns the offset actually requested (0 when no
/// validator allows a range) and the headers to add when missing.
#[must_use]
pub fn resume_request_headers(
    offset: u64,
    validators: Option<&Validators>,
) -> (u64, Vec<(&'static str, String)>) {
    let mut headers = vec![("Accept-Encoding", "identity".to_owned())];
    match validators.and_then(Validators::if_range) {
        Some(if_range) if offset > 0 => {
            headers.push(("Range", format!("bytes={offset}-")));
            headers.push(("If-Range", if_range.to_owned()));
            (offset, headers)
        }
        _ => (0, headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

    #[test]
    fn strong_validator_table() {
        type Case<'a> = (bool, Option<&'a str>, Option<&'a str>, Option<&'a str>, bool);
        let cases: &[Case<'_>] = &[
            (true, Some("\"abc\""), None, None, true),
            (true, Some("W/\"abc\""), None, None, false),
            (true, Some(" w /\"abc\""), None, None, false),
            (true, Some("/\"abc\""), None, None, true),
            (true, Some("x/\"abc\""), None, None, true),
            (false, Some("\"abc\""), None, None, false),
            (true, Some(""), None, None, false),
            (true, None, Some("Sun, 06 Nov 1994 08:48:37 GMT"), Some(DATE), true),
            (true, None, Some("Sun, 06 Nov 1994 08:48:38 GMT"), Some(DATE), false),
            (true, None, Some("Sun, 06 Nov 1994 08:48:37 GMT"), None, false),
            (true, None, Some("garbage"), Some(DATE), false),
            (true, Some("W/\"a\""), Some("Sat, 05 Nov 1994 08:49:37 GMT"), Some(DATE), true),
            (true, None, None, Some(DATE), false),
        ];
        for &(v11, etag, lm, date, want) in cases {
            assert_eq!(
                has_strong_validators(v11, etag, lm, date),
                want,
                "{etag:?} {lm:?} {date:?}"
            );
        }
    }

    #[test]
    fn remembered_only_when_strong() {
        assert_eq!(Validators::from_response(true, Some("W/\"a\""), Some(DATE), Some(DATE)), None);
        let v = Validators::from_response(true, Some("\"e\""), Some(DATE), None).unwrap();
        assert_eq!(v.if_range(), Some("\"e\""));
        let v = Validators::from_response(
            true,
            None,
            Some("Sat, 05 Nov 1994 08:49:37 GMT"),
            Some(DATE),
        )
        .unwrap();
        assert_eq!(v.if_range(), Some("Sat, 05 Nov 1994 08:49:37 GMT"));
    }

    #[test]
    fn request_headers() {
        let v = Validators { etag: Some("\"e\"".into()), last_modified: Some(DATE.into()) };
        let (offset, h) = resume_request_headers(100, Some(&v));
        assert_eq!(offset, 100);
        assert_eq!(
            h,
            vec![
                ("Accept-Encoding", "identity".to_owned()),
                ("Range", "bytes=100-".to_owned()),
                ("If-Range", "\"e\"".to_owned())
            ]
        );
        assert_eq!(resume_request_headers(100, None).0, 0);
        assert_eq!(resume_request_headers(0, Some(&v)).1.len(), 1);
        assert_eq!(resume_request_headers(100, Some(&Validators::default())).0, 0);
    }
}
