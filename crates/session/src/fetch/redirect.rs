//! Redirects as the Fetch standard's HTTP-redirect fetch treats them.

use http::{HeaderMap, Method, StatusCode, header};
use url::Url;

use crate::fetch::FetchError;

/// Redirects followed at most. Fetch: "if request's redirect count is 20,
/// return a network error"; Chromium's `kMaxRedirects` is 20 too.
pub const MAX_REDIRECTS: usize = 20;

/// The URL chain of a fetch: the request's URL, then every URL a redirect
/// led to; the last one is the response's URL. Found in the extensions of
/// every response [`Session::fetch`](crate::Session::fetch) returns.
///
/// Fetch: a response's *URL list*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlChain(pub Vec<Url>);

impl UrlChain {
    /// The final URL (the response's URL).
    #[must_use]
    pub fn last(&self) -> Option<&Url> {
        self.0.last()
    }
}

/// Whether `status` is a redirect status (301, 302, 303, 307, 308).
pub(crate) fn is_redirect_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Where a redirect response leads: its `Location` resolved against the
/// current URL; `None` when there is no `Location` (Fetch returns such a
/// response as it is). The fragment of the current URL carries over when
/// the location has none.
///
/// # Errors
///
/// [`FetchError::UnsafeRedirect`] for a `Location` that does not parse or
/// is not `http:`/`https:` (Fetch: a network error).
pub(crate) fn location(current: &Url, headers: &HeaderMap) -> Result<Option<Url>, FetchError> {
    let Some(value) = headers.get(header::LOCATION) else {
        return Ok(None);
    };
    let unsafe_redirect = || FetchError::UnsafeRedirect {
        url: current.clone(),
        location: String::from_utf8_lossy(value.as_bytes()).into_owned(),
    };
    let text = std::str::from_utf8(value.as_bytes()).map_err(|_| unsafe_redirect())?;
    let mut next = current.join(text).map_err(|_| unsafe_redirect())?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(unsafe_redirect());
    }
    if next.fragment().is_none() && current.fragment().is_some() {
        next.set_fragment(current.fragment());
    }
    Ok(Some(next))
}

/// The method of the next hop, and whether the body (and its headers) go.
///
/// Fetch: 301 and 302 turn `POST` into `GET`; 303 turns anything but `GET`
/// and `HEAD` into `GET`; 307 and 308 keep method and body.
pub(crate) fn next_method(status: StatusCode, method: &Method) -> Option<Method> {
    let to_get = match status.as_u16() {
        301 | 302 => method == Method::POST,
        303 => method != Method::GET && method != Method::HEAD,
        _ => false,
    };
    to_get.then_some(Method::GET)
}

/// Headers that describe a request body, dropped with it. Fetch's
/// *request-body-header names*, plus `Content-Length`.
pub(crate) const BODY_HEADERS: [header::HeaderName; 5] = [
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LOCATION,
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
];

/// Whether two URLs are the same origin (scheme, host, port).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn with_location(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn methods() {
        let s = |n| StatusCode::from_u16(n).unwrap();
        assert_eq!(next_method(s(301), &Method::POST), Some(Method::GET));
        assert_eq!(next_method(s(302), &Method::PUT), None);
        assert_eq!(next_method(s(303), &Method::PUT), Some(Method::GET));
        assert_eq!(next_method(s(303), &Method::HEAD), None);
        assert_eq!(next_method(s(307), &Method::POST), None);
        assert_eq!(next_method(s(308), &Method::POST), None);
    }

    #[test]
    fn locations() {
        let base = url("http://a.test/x/y#frag");
        assert_eq!(location(&base, &HeaderMap::new()).unwrap(), None);
        let next = location(&base, &with_location("../z")).unwrap().unwrap();
        assert_eq!(next.as_str(), "http://a.test/z#frag");
        let next = location(&base, &with_location("https://b.test/#own")).unwrap().unwrap();
        assert_eq!(next.as_str(), "https://b.test/#own");
        let error = location(&base, &with_location("ftp://c.test/")).unwrap_err();
        assert_eq!(error.net_error(), "ERR_UNSAFE_REDIRECT");
        assert!(location(&base, &with_location("http://[::1")).is_err());
    }
}
