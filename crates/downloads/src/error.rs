//! The crate's [`enum@Error`] and the typed reasons behind a header parse failure.

use thiserror::Error;

/// Why a header value was rejected by a strict parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum HeaderErrorKind {
    /// The value is empty or only white space.
    #[error("empty value")]
    Empty,
    /// A token was expected (a disposition type, a parameter name or value).
    #[error("expected a token")]
    ExpectedToken,
    /// A `;` was expected between parameters.
    #[error("expected ';'")]
    ExpectedSemicolon,
    /// A parameter has no `=`.
    #[error("expected '='")]
    ExpectedEquals,
    /// A parameter has `=` but no value.
    #[error("missing value")]
    MissingValue,
    /// A quoted string is not closed.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// The same parameter appears twice.
    #[error("duplicate parameter")]
    DuplicateParameter,
    /// A `filename*` value is not `charset'language'pct-encoded`, names an unknown
    /// charset, or its bytes are not valid in that charset.
    #[error("invalid extended value (charset'lang'pct-encoded)")]
    BadExtValue,
    /// A `filename` value could not be decoded (bad RFC 2047 word, or percent-decoded
    /// bytes that are not UTF-8).
    #[error("undecodable file name")]
    UndecodableFilename,
    /// The range unit is not `bytes`.
    #[error("expected unit \"bytes\"")]
    ExpectedBytesUnit,
    /// A decimal number was expected.
    #[error("expected a number")]
    ExpectedNumber,
    /// A number does not fit in 64 bits.
    #[error("number too large")]
    NumberTooLarge,
    /// `-` or `/` was expected in a byte range.
    #[error("expected '-' or '/'")]
    ExpectedSeparator,
    /// The first byte position is after the last.
    #[error("first byte after last byte")]
    InvertedRange,
    /// The last byte position is not below the complete length.
    #[error("range past the complete length")]
    RangePastEnd,
    /// Input continues after a complete value.
    #[error("unexpected trailing input")]
    TrailingInput,
}

/// Everything that can go wrong in this crate.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A header value failed a strict parse.
    #[error("invalid {header} at byte {at}: {text:?}: {kind}")]
    Header {
        /// The header's name, e.g. `Content-Disposition`.
        header: &'static str,
        /// Byte offset of the problem in the value.
        at: usize,
        /// The value (lossily decoded, shortened to 200 bytes).
        text: String,
        /// What was wrong.
        kind: HeaderErrorKind,
    },
    /// A header value is longer than the parser accepts.
    #[error("{header} too long: {len} bytes (limit {max})")]
    TooLong {
        /// The header's name.
        header: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A state change the download state machine does not allow.
    #[error("invalid download state transition {from} -> {to}")]
    InvalidTransition {
        /// The current state.
        from: crate::state::State,
        /// The requested state.
        to: crate::state::State,
    },
    /// A file operation failed.
    #[error("{context}: {message}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The I/O error's kind.
        kind: std::io::ErrorKind,
        /// The I/O error's message.
        message: String,
    },
    /// A download record could not be read or written as JSON.
    #[error("invalid download record: {0}")]
    Record(String),
    /// The record store failed.
    #[error("download record store: {0}")]
    Store(String),
    /// A download request cannot be sent (bad URL scheme, bad header).
    #[error("invalid download request: {0}")]
    InvalidRequest(String),
    /// Electron's `createInterruptedDownload` validation errors, with its messages.
    #[error("{0}")]
    InvalidInterruptedDownload(&'static str),
    /// The manager was created outside a tokio runtime.
    #[error("the download manager needs a tokio runtime")]
    NoRuntime,
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, e: &std::io::Error) -> Self {
        Self::Io { context: context.into(), kind: e.kind(), message: e.to_string() }
    }

    pub(crate) fn header(
        header: &'static str,
        input: &[u8],
        at: usize,
        kind: HeaderErrorKind,
    ) -> Self {
        let shown = &input[..input.len().min(200)];
        Self::Header { header, at, text: String::from_utf8_lossy(shown).into_owned(), kind }
    }
}
