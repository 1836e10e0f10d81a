//! Error types: [`PacError`] for everything that can stop a PAC evaluation,
//! [`FetchError`] for getting the script.

use std::time::Duration;

/// Why a PAC script gave no proxy list.
///
/// In Chromium every one of these is `ERR_PAC_SCRIPT_FAILED` or
/// `ERR_MANDATORY_PROXY_CONFIGURATION_FAILED`; here they are told apart so
/// that a log line says what happened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PacError {
    /// The PAC URL is not a valid URL.
    #[error("invalid PAC URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What the URL parser said.
        reason: String,
    },
    /// The script could not be fetched.
    #[error("cannot fetch the PAC script at {url}: {source}")]
    Fetch {
        /// The PAC URL.
        url: String,
        /// What went wrong.
        source: FetchError,
    },
    /// The script is larger than the engine accepts.
    #[error("PAC script of {len} bytes is over the {limit}-byte limit")]
    ScriptTooLarge {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The script does not compile, or its top-level code threw.
    #[error("PAC script failed to load: {message}")]
    Compile {
        /// The JavaScript error, as `Name: message`.
        message: String,
    },
    /// The script defines no function `FindProxyForURL`.
    #[error("PAC script does not define a function FindProxyForURL")]
    MissingEntryPoint,
    /// `FindProxyForURL` threw.
    #[error("FindProxyForURL threw: {message}")]
    Script {
        /// The JavaScript error, as `Name: message`.
        message: String,
    },
    /// `FindProxyForURL` returned something other than a string.
    #[error("FindProxyForURL returned {type_name}, not a string")]
    NonStringResult {
        /// The JavaScript type of the value (`undefined`, `number`, ...).
        type_name: String,
    },
    /// `FindProxyForURL` returned a string with non-ASCII characters, which
    /// Chromium refuses.
    #[error("FindProxyForURL returned a non-ASCII string")]
    NonAsciiResult,
    /// The script ran past its time budget and was interrupted.
    #[error("PAC script ran past its time budget of {budget:?}")]
    Timeout {
        /// The budget of one call.
        budget: Duration,
    },
    /// The script ran out of its memory budget.
    #[error("PAC script ran out of its memory budget of {limit} bytes")]
    OutOfMemory {
        /// The memory limit of the engine.
        limit: usize,
    },
    /// The JavaScript engine or its worker thread failed.
    #[error("PAC engine failure: {0}")]
    Engine(String),
}

/// Why a PAC script could not be fetched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No fetcher handles this URL scheme (Chromium: `ERR_DISALLOWED_URL_SCHEME`).
    #[error("URL scheme {0:?} is not supported for PAC scripts")]
    UnsupportedScheme(String),
    /// The HTTP status was not 200.
    #[error("HTTP status {0}, not 200")]
    Status(u16),
    /// The body is over the size limit (Chromium: `ERR_FILE_TOO_BIG`).
    #[error("response body is over the {limit}-byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A `data:` URL that cannot be decoded.
    #[error("invalid data: URL: {0}")]
    InvalidDataUrl(String),
    /// A `file:` URL that names no local file path.
    #[error("file: URL does not name a local path")]
    InvalidFileUrl,
    /// Reading or receiving failed.
    #[error("{0}")]
    Io(String),
}
