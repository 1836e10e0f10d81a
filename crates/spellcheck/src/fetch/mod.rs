//! Fetching a URL's body: a small trait, so the crate needs no HTTP stack,
//! and a minimal HTTP/1.1 client for `http://` URLs.

mod http;

use std::fmt;

use url::Url;

pub use http::HttpFetch;

/// Fetches the body of a URL with a `GET` request.
///
/// [`HttpFetch`] (std only, `http://` only) is the default; give the
/// [`Spellchecker`](crate::Spellchecker) another one — for example one on
/// the application's `reqwest` client — for `https://` URLs.
pub trait Fetch: Send + Sync + fmt::Debug {
    /// The body of a successful (2xx) response to `GET url`, at most
    /// `limit` bytes.
    ///
    /// # Errors
    ///
    /// Any failure: connection, timeout, a status other than 2xx, a body
    /// over `limit`.
    fn get(&self, url: &Url, limit: usize) -> Result<Vec<u8>, FetchError>;
}

/// Why a fetch failed, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(String);

impl FetchError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}
