//! What to download and how: URL, headers, save path, checksum, rate limit.

use std::path::PathBuf;

use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::error::Error;

/// A download to start with [`crate::DownloadManager::download`].
///
/// Electron: `ses.downloadURL(url, { headers })`. The downloader owns `Range`,
/// `If-Range` and `Accept-Encoding` (it sets them on every attempt, as Chromium
/// does), so those three are ignored if given here.
#[derive(Clone, Debug)]
pub struct DownloadRequest {
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) save_path: Option<PathBuf>,
    pub(crate) suggested_name: Option<String>,
    pub(crate) expected_sha256: Option<[u8; 32]>,
    pub(crate) rate_limit: Option<u64>,
    pub(crate) discard: bool,
}

impl DownloadRequest {
    /// A GET of `url`.
    #[must_use]
    pub fn new(url: Url) -> Self {
        Self {
            url,
            headers: HeaderMap::new(),
            save_path: None,
            suggested_name: None,
            expected_sha256: None,
            rate_limit: None,
            discard: false,
        }
    }

    /// A download from an `http::Request` head: its URI (absolute, http or https)
    /// and its headers; the method must be GET.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for another method or a URI that is not an
    /// absolute http(s) URL.
    pub fn from_http<B>(request: &http::Request<B>) -> Result<Self, Error> {
        if request.method() != http::Method::GET {
            return Err(Error::InvalidRequest(format!(
                "downloads use GET, not {}",
                request.method()
            )));
        }
        let url = Url::parse(&request.uri().to_string())
            .map_err(|e| Error::InvalidRequest(format!("{}: {e}", request.uri())))?;
        let mut this = Self::new(url);
        this.check_scheme()?;
        this.headers = request.headers().clone();
        Ok(this)
    }

    pub(crate) fn check_scheme(&self) -> Result<(), Error> {
        if matches!(self.url.scheme(), "http" | "https") {
            Ok(())
        } else {
            Err(Error::InvalidRequest(format!("unsupported URL scheme in {}", self.url)))
        }
    }

    /// Adds a request header (Electron: `downloadURL`'s `headers`).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a name or value HTTP does not allow.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::InvalidRequest(format!("header name {name:?}: {e}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| Error::InvalidRequest(format!("header {name} value: {e}")))?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// Replaces all request headers.
    #[must_use]
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Saves to this path (Electron: `item.setSavePath` inside `will-download`);
    /// missing parent directories are created, an existing file is replaced.
    #[must_use]
    pub fn save_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.save_path = Some(path.into());
        self
    }

    /// A file name to use when `Content-Disposition` gives none (Chromium's
    /// "suggested name", ahead of the URL's last segment).
    #[must_use]
    pub fn suggested_name(mut self, name: impl Into<String>) -> Self {
        self.suggested_name = Some(name.into());
        self
    }

    /// The whole file's expected SHA-256; a mismatch at the end interrupts the
    /// download with `FILE_SECURITY_CHECK_FAILED` and deletes the file.
    #[must_use]
    pub const fn expected_sha256(mut self, digest: [u8; 32]) -> Self {
        self.expected_sha256 = Some(digest);
        self
    }

    /// [`Self::expected_sha256`] from 64 hex digits.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `hex` is not 64 hex digits.
    pub fn expected_sha256_hex(self, hex: &str) -> Result<Self, Error> {
        Ok(self.expected_sha256(parse_sha256_hex(hex)?))
    }

    /// Limits this download to `bytes_per_second` (on top of the manager's limit).
    #[must_use]
    pub const fn rate_limit(mut self, bytes_per_second: Option<u64>) -> Self {
        self.rate_limit = bytes_per_second;
        self
    }

    /// Reads the body and throws it away: no file, no record, no resume (to
    /// measure a link, or to check a server's file against
    /// [`Self::expected_sha256`], which is then hashed as it streams).
    #[must_use]
    pub const fn discard(mut self) -> Self {
        self.discard = true;
        self
    }
}

/// 64 hex digits → 32 bytes.
///
/// # Errors
/// [`Error::InvalidRequest`] for anything else.
pub fn parse_sha256_hex(hex: &str) -> Result<[u8; 32], Error> {
    let bad = || Error::InvalidRequest(format!("expected 64 hex digits for SHA-256, got {hex:?}"));
    let bytes = hex.trim().as_bytes();
    if bytes.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16).ok_or_else(bad);
        let hi = digit(pair[0])?;
        let lo = digit(pair[1])?;
        out[i] = u8::try_from(hi * 16 + lo).map_err(|_| bad())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(parse_sha256_hex(hex).unwrap()[0], 0xe3);
        assert!(parse_sha256_hex("e3").is_err());
        assert!(parse_sha256_hex(&"g".repeat(64)).is_err());
    }

    #[test]
    fn from_http_checks_method_and_scheme() {
        let req = http::Request::get("http://a.test/f.bin").header("x-a", "1").body(()).unwrap();
        let d = DownloadRequest::from_http(&req).unwrap();
        assert_eq!(d.url.as_str(), "http://a.test/f.bin");
        assert_eq!(d.headers["x-a"], "1");
        let post = http::Request::post("http://a.test/").body(()).unwrap();
        assert!(DownloadRequest::from_http(&post).is_err());
        let ftp = http::Request::get("ftp://a.test/").body(()).unwrap();
        assert!(DownloadRequest::from_http(&ftp).is_err());
        assert!(
            DownloadRequest::new(Url::parse("http://a/").unwrap()).header("bad name", "x").is_err()
        );
    }
}
