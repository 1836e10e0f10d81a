//! The client's own validators, answered by the proxy's cache.
//!
//! The pipeline below is a browser's: Fetch sends a request that carries
//! its own `If-None-Match`/`If-Modified-Since` past the cache (`default`
//! mode becomes `no-store`). A proxy's cache instead answers such a
//! request itself when it holds the resource (RFC 9111 §4.3.2): it serves
//! or revalidates its stored response as for an unconditional request,
//! then evaluates the client's conditions on it (RFC 9110 §13.2.2) and
//! answers 304 when they say the client's copy is current. Without a
//! stored response the request goes to the origin as the client sent it.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Response, StatusCode};
use sessionkit::Body;
use sessionkit::http_cache::parse_http_date;

/// Preconditions this module evaluates; requests with the others
/// (`If-Match`, `If-Unmodified-Since`, `If-Range`) go through as sent.
const OTHERS: [HeaderName; 3] = [header::IF_MATCH, header::IF_UNMODIFIED_SINCE, header::IF_RANGE];

/// Representation metadata a 304 leaves out (RFC 9110 §15.4.5: it carries
/// the fields a 200 would, minus the ones that describe the body).
const BODY_FIELDS: [HeaderName; 5] = [
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::CONTENT_ENCODING,
    header::CONTENT_RANGE,
    header::TRANSFER_ENCODING,
];

/// The client's `If-None-Match` and `If-Modified-Since`.
#[derive(Debug, Clone)]
pub(super) struct Validators {
    if_none_match: Vec<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
}

impl Validators {
    /// Takes the client's validators out of a GET or HEAD that has no other
    /// precondition; `None` leaves the headers as they were.
    pub(super) fn take(method: &Method, headers: &mut HeaderMap) -> Option<Self> {
        let applies = (method == Method::GET || method == Method::HEAD)
            && !OTHERS.iter().any(|name| headers.contains_key(name))
            && (headers.contains_key(header::IF_NONE_MATCH)
                || headers.contains_key(header::IF_MODIFIED_SINCE));
        if !applies {
            return None;
        }
        let if_none_match = match headers.entry(header::IF_NONE_MATCH) {
            header::Entry::Occupied(entry) => entry.remove_entry_mult().1.collect(),
            header::Entry::Vacant(_) => Vec::new(),
        };
        let if_modified_since = headers.remove(header::IF_MODIFIED_SINCE);
        Some(Self { if_none_match, if_modified_since })
    }

    /// Puts the validators back, for a request the origin answers.
    pub(super) fn restore(&self, headers: &mut HeaderMap) {
        for value in &self.if_none_match {
            headers.append(header::IF_NONE_MATCH, value.clone());
        }
        if let Some(value) = &self.if_modified_since {
            headers.insert(header::IF_MODIFIED_SINCE, value.clone());
        }
    }

    /// `response` as 304 when the client's copy is current, else as it is.
    pub(super) fn answer(&self, response: Response<Body>) -> Response<Body> {
        if response.status() != StatusCode::OK || !self.not_modified(response.headers()) {
            return response;
        }
        let (mut parts, _body) = response.into_parts();
        parts.status = StatusCode::NOT_MODIFIED;
        for name in BODY_FIELDS {
            parts.headers.remove(name);
        }
        Response::from_parts(parts, sessionkit::fetch::empty_body())
    }

    /// RFC 9110 §13.2.2: `If-None-Match` when present (weak comparison,
    /// `*` matches any current representation), else `If-Modified-Since`
    /// against `Last-Modified`.
    fn not_modified(&self, response: &HeaderMap) -> bool {
        if !self.if_none_match.is_empty() {
            let Some(etag) = response.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
                return self.any_tag(|tag| tag == "*");
            };
            let current = opaque(etag);
            return self.any_tag(|tag| tag == "*" || opaque(tag) == current);
        }
        let since = self.if_modified_since.as_ref().and_then(|v| v.to_str().ok());
        let modified = response.get(header::LAST_MODIFIED).and_then(|v| v.to_str().ok());
        match (since.and_then(parse_http_date), modified.and_then(parse_http_date)) {
            (Some(since), Some(modified)) => modified <= since,
            _ => false,
        }
    }

    fn any_tag(&self, mut matches: impl FnMut(&str) -> bool) -> bool {
        self.if_none_match
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|tag| !tag.is_empty() && matches(tag))
    }
}

/// An entity tag without its weakness prefix: weak comparison.
fn opaque(tag: &str) -> &str {
    tag.trim().strip_prefix("W/").unwrap_or(tag.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validators(pairs: &[(&str, &str)]) -> Option<Validators> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let taken = Validators::take(&Method::GET, &mut headers);
        if taken.is_some() {
            assert!(!headers.contains_key(header::IF_NONE_MATCH));
            assert!(!headers.contains_key(header::IF_MODIFIED_SINCE));
        }
        taken
    }

    fn ok(pairs: &[(&str, &str)]) -> Response<Body> {
        let mut response =
            Response::new(sessionkit::fetch::full_body(bytes::Bytes::from_static(b"body")));
        for (name, value) in pairs {
            response.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        response
    }

    #[test]
    fn matching_etags_give_304_without_body_fields() {
        let v = validators(&[("if-none-match", "\"x\", W/\"abc\"")]).unwrap();
        let response = v.answer(ok(&[("etag", "\"abc\""), ("content-length", "4")]));
        assert_eq!(response.status(), 304);
        assert_eq!(response.headers()["etag"], "\"abc\"");
        assert!(!response.headers().contains_key("content-length"));
        let response = v.answer(ok(&[("etag", "\"other\"")]));
        assert_eq!(response.status(), 200);
        assert!(validators(&[("if-none-match", "*")]).unwrap().not_modified(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let v = validators(&[
            ("if-none-match", "\"new\""),
            ("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ])
        .unwrap();
        let response =
            ok(&[("etag", "\"old\""), ("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(v.answer(response).status(), 200);
    }

    #[test]
    fn if_modified_since_compares_dates() {
        let v = validators(&[("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")]).unwrap();
        let older = ok(&[("last-modified", "Sat, 05 Nov 1994 08:49:37 GMT")]);
        assert_eq!(v.answer(older).status(), 304);
        let newer = ok(&[("last-modified", "Mon, 07 Nov 1994 08:49:37 GMT")]);
        assert_eq!(v.answer(newer).status(), 200);
        assert_eq!(v.answer(ok(&[])).status(), 200);
    }

    #[test]
    fn other_preconditions_leave_the_request_alone() {
        assert!(validators(&[("if-none-match", "\"a\""), ("if-match", "\"a\"")]).is_none());
        assert!(validators(&[("accept", "*/*")]).is_none());
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\""));
        assert!(Validators::take(&Method::POST, &mut headers).is_none());
        let v = validators(&[("if-none-match", "\"a\""), ("if-none-match", "\"b\"")]).unwrap();
        let mut restored = HeaderMap::new();
        v.restore(&mut restored);
        assert_eq!(restored.get_all(header::IF_NONE_MATCH).iter().count(), 2);
    }
}
