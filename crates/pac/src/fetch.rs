//! Getting the script: a fetcher trait, the built-in `data:` and `file:`
//! fetcher, and the checks Chromium applies to every response.

use std::fmt;
use std::io::Read;
use std::sync::Arc;

use url::Url;

use crate::data_url;
use crate::decode::decode_script;
use crate::error::FetchError;

/// A fetched PAC script, before decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PacResponse {
    /// The HTTP status (200 for `data:` and `file:`).
    pub status: u16,
    /// The `Content-Type` header, if any (its charset decides the decoding).
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl PacResponse {
    /// A response with `status`, `content_type` and `body`.
    pub fn new(status: u16, content_type: Option<String>, body: Vec<u8>) -> Self {
        Self { status, content_type, body }
    }

    /// A 200 response.
    pub fn ok(content_type: Option<String>, body: Vec<u8>) -> Self {
        Self::new(200, content_type, body)
    }
}

/// Fetches PAC scripts.
///
/// The facade implements it for `http:`/`https:` with its HTTP client
/// (directly, never through a proxy, no cache, no authentication prompts,
/// 30 s timeout: Chromium's rules). It is called from the thread that calls
/// [`PacResolver::resolve`](crate::PacResolver::resolve) or
/// [`force_reload`](crate::PacResolver::force_reload), and blocks it.
pub trait PacFetcher: Send + Sync {
    /// Fetches `url`. An implementation should stop reading a body past
    /// `limit` bytes and return [`FetchError::TooLarge`]; the resolver
    /// checks the size and the status (which must be 200) again.
    ///
    /// # Errors
    ///
    /// Any [`FetchError`]; [`FetchError::UnsupportedScheme`] for a scheme it
    /// does not handle.
    fn fetch(&self, url: &Url, limit: usize) -> Result<PacResponse, FetchError>;
}

/// The built-in fetcher: `data:` and `file:` URLs itself, `http:` and
/// `https:` through another fetcher if one is given.
///
/// ```
/// use sessionkit_pac::{BuiltinFetcher, PacFetcher};
///
/// let url = url::Url::parse("data:,function%20FindProxyForURL(u,h){return'DIRECT'}")?;
/// let response = BuiltinFetcher::new().fetch(&url, 1 << 20)?;
/// assert_eq!(response.status, 200);
/// assert!(response.body.starts_with(b"function FindProxyForURL"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct BuiltinFetcher {
    http: Option<Arc<dyn PacFetcher>>,
    no_file: bool,
}

impl BuiltinFetcher {
    /// `data:` and `file:` only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands `http:` and `https:` URLs to `fetcher`.
    #[must_use]
    pub fn with_http(mut self, fetcher: impl PacFetcher + 'static) -> Self {
        self.http = Some(Arc::new(fetcher));
        self
    }

    /// Refuses `file:` URLs, as Chromium's network service does.
    #[must_use]
    pub const fn without_file(mut self) -> Self {
        self.no_file = true;
        self
    }
}

impl PacFetcher for BuiltinFetcher {
    fn fetch(&self, url: &Url, limit: usize) -> Result<PacResponse, FetchError> {
        match url.scheme() {
            "data" => {
                let (media_type, body) = data_url::decode(url, limit)?;
                Ok(PacResponse::ok(Some(media_type), body))
            }
            "file" if !self.no_file => read_file(url, limit),
            "http" | "https" if self.http.is_some() => match &self.http {
                Some(http) => http.fetch(url, limit),
                None => Err(FetchError::UnsupportedScheme(url.scheme().to_owned())),
            },
            other => Err(FetchError::UnsupportedScheme(other.to_owned())),
        }
    }
}

impl fmt::Debug for BuiltinFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuiltinFetcher")
            .field("http", &self.http.is_some())
            .field("file", &!self.no_file)
            .finish()
    }
}

fn read_file(url: &Url, limit: usize) -> Result<PacResponse, FetchError> {
    let path = url.to_file_path().map_err(|()| FetchError::InvalidFileUrl)?;
    let file = std::fs::File::open(&path)
        .map_err(|e| FetchError::Io(format!("{}: {e}", path.display())))?;
    let mut body = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut body).map_err(|e| FetchError::Io(e.to_string()))?;
    if body.len() > limit {
        return Err(FetchError::TooLarge { limit });
    }
    Ok(PacResponse::ok(None, body))
}

/// Fetches the script at `url` with `fetcher`, checks status and size, and
/// decodes it ([`decode_script`]).
pub(crate) fn fetch_script(
    fetcher: &dyn PacFetcher,
    url: &Url,
    limit: usize,
) -> Result<String, FetchError> {
    let response = fetcher.fetch(url, limit)?;
    if response.status != 200 {
        return Err(FetchError::Status(response.status));
    }
    if response.body.len() > limit {
        return Err(FetchError::TooLarge { limit });
    }
    Ok(decode_script(&response.body, response.content_type.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(PacResponse);

    impl PacFetcher for Fixed {
        fn fetch(&self, _: &Url, _: usize) -> Result<PacResponse, FetchError> {
            Ok(self.0.clone())
        }
    }

    fn url(u: &str) -> Url {
        Url::parse(u).expect("test URL")
    }

    #[test]
    fn http_needs_a_fetcher() {
        let err = BuiltinFetcher::new().fetch(&url("http://wpad/wpad.dat"), 10);
        assert_eq!(err, Err(FetchError::UnsupportedScheme("http".into())));
        let err = BuiltinFetcher::new().fetch(&url("ftp://x/p.pac"), 10);
        assert_eq!(err, Err(FetchError::UnsupportedScheme("ftp".into())));
    }

    #[test]
    fn status_and_size_are_checked() {
        let f = BuiltinFetcher::new().with_http(Fixed(PacResponse::new(404, None, b"x".to_vec())));
        assert_eq!(fetch_script(&f, &url("http://h/p.pac"), 10), Err(FetchError::Status(404)));
        let f = BuiltinFetcher::new().with_http(Fixed(PacResponse::ok(None, vec![b'x'; 11])));
        assert_eq!(
            fetch_script(&f, &url("https://h/p.pac"), 10),
            Err(FetchError::TooLarge { limit: 10 })
        );
        let f = BuiltinFetcher::new().with_http(Fixed(PacResponse::ok(
            Some("text/plain; charset=utf-8".into()),
            "é".into(),
        )));
        assert_eq!(fetch_script(&f, &url("https://h/p.pac"), 10).as_deref(), Ok("é"));
    }

    #[test]
    fn files_are_read_up_to_the_limit() {
        let dir = std::env::temp_dir().join(format!("sessionkit-pac-fetch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("proxy.pac");
        std::fs::write(&path, b"caf\xe9").expect("write");
        let file_url = Url::from_file_path(&path).expect("file URL");
        assert_eq!(fetch_script(&BuiltinFetcher::new(), &file_url, 10).as_deref(), Ok("café"));
        assert_eq!(
            fetch_script(&BuiltinFetcher::new(), &file_url, 3),
            Err(FetchError::TooLarge { limit: 3 })
        );
        assert_eq!(
            BuiltinFetcher::new().without_file().fetch(&file_url, 10),
            Err(FetchError::UnsupportedScheme("file".into()))
        );
        let missing = Url::from_file_path(dir.join("missing.pac")).expect("file URL");
        assert!(matches!(
            fetch_script(&BuiltinFetcher::new(), &missing, 10),
            Err(FetchError::Io(_))
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}
