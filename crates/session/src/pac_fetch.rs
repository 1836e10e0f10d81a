//! Fetching PAC scripts over `http:` and `https:` with reqwest, under
//! Chromium's rules for PAC fetches.

use std::io::Read;
use std::time::Duration;

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use sessionkit_pac::{FetchError, PacFetcher, PacResponse};
use url::Url;

/// How long a PAC fetch may take, as in Chromium (`kTimeoutDuration`).
pub(crate) const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Fetches PAC scripts the way Chromium's `PacFileFetcherImpl` does:
///
/// - directly, never through a proxy (reqwest's system-proxy and
///   environment lookup switched off);
/// - within [`FETCH_TIMEOUT`];
/// - without a cache (`Cache-Control: no-cache` and `Pragma: no-cache`, as
///   Chromium sends for `LOAD_BYPASS_CACHE`), cookies or authentication
///   prompts;
/// - the body read up to the limit only; the status and `Content-Type` are
///   handed to the PAC crate, which requires 200 and decodes with the
///   charset.
///
/// reqwest's blocking client runs its own runtime; each fetch builds one on
/// a short-lived thread, so a fetch works from any thread — also one
/// inside an async runtime, where reqwest's blocking client would panic.
/// Fetches are rare (first use, reload, retries after failures).
#[derive(Debug, Clone)]
pub(crate) struct HttpFetcher {
    timeout: Duration,
}

impl HttpFetcher {
    pub(crate) const fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl PacFetcher for HttpFetcher {
    fn fetch(&self, url: &Url, limit: usize) -> Result<PacResponse, FetchError> {
        let url = url.clone();
        let timeout = self.timeout;
        std::thread::Builder::new()
            .name("sessionkit-pac-fetch".to_owned())
            .spawn(move || fetch_blocking(&url, limit, timeout))
            .map_err(|e| FetchError::Io(format!("cannot start the fetch thread: {e}")))?
            .join()
            .map_err(|_| FetchError::Io("the fetch thread panicked".to_owned()))?
    }
}

fn fetch_blocking(url: &Url, limit: usize, timeout: Duration) -> Result<PacResponse, FetchError> {
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .map_err(|e| FetchError::Io(format!("cannot build the HTTP client: {e}")))?;
    let response = client
        .get(url.as_str())
        .header(CACHE_CONTROL, "no-cache")
        .header(PRAGMA, "no-cache")
        .send()
        .map_err(|e| FetchError::Io(describe(&e)))?;
    let status = response.status().as_u16();
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if status != 200 {
        return Ok(PacResponse::new(status, content_type, Vec::new()));
    }
    let too_large = FetchError::TooLarge { limit };
    if response.content_length().is_some_and(|len| usize::try_from(len).map_or(true, |l| l > limit))
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    response.take(cap).read_to_end(&mut body).map_err(|e| FetchError::Io(e.to_string()))?;
    if body.len() > limit {
        return Err(too_large);
    }
    Ok(PacResponse::new(status, content_type, body))
}

/// reqwest's error with its causes, on one line (`error sending request`
/// alone does not say that the connection was refused).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
