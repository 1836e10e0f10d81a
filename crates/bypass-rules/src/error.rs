//! The error a rejected entry produces.

use std::fmt;

/// Why an entry of a bypass list was rejected.
///
/// Chromium drops such an entry silently; [`BypassRules::parse`](crate::BypassRules::parse)
/// reports the first one and [`BypassRules::parse_lenient`](crate::BypassRules::parse_lenient)
/// reports every one while keeping the rest of the list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// `://` with nothing before it, as in `://example.com`.
    #[error("the scheme before '://' is empty")]
    EmptyScheme,
    /// A scheme with nothing after it, as in `http://`.
    #[error("nothing follows the scheme")]
    MissingHost,
    /// The entry contains `/` but is not `IP/PREFIX`, as in `example.com/path` or a URL
    /// with a trailing slash.
    #[error("a rule with '/' must be an IP/PREFIX range")]
    NotIpRange,
    /// The number after `/` in an `IP/PREFIX` range is not a decimal number of at most
    /// `max` bits (32 for IPv4, 128 for IPv6).
    #[error("the prefix length must be a decimal number from 0 to {max}")]
    InvalidPrefixLength {
        /// The largest prefix length the address family allows.
        max: u8,
    },
    /// The text after the last `:` is not a decimal port from 0 to 65535, as in
    /// `example.com:*` or `example.com:`.
    #[error("the port must be a decimal number from 0 to 65535")]
    InvalidPort,
    /// The whole input is longer than [`MAX_INPUT_LEN`](crate::MAX_INPUT_LEN).
    #[error("the bypass list is {len} bytes long; the limit is {limit} bytes")]
    InputTooLarge {
        /// The length of the input in bytes.
        len: usize,
        /// The limit it exceeded.
        limit: usize,
    },
}

/// An entry of a bypass list that Chromium would drop, with where it was found.
///
/// ```
/// use sessionkit_bypass_rules::{BypassRules, ParseErrorKind};
///
/// let err = BypassRules::parse("a.test, foo.test/path").unwrap_err();
/// assert_eq!(err.offset(), 8);
/// assert_eq!(err.entry(), "foo.test/path");
/// assert_eq!(err.kind(), &ParseErrorKind::NotIpRange);
/// assert_eq!(
///     err.to_string(),
///     r#"invalid bypass rule at byte 8: "foo.test/path": a rule with '/' must be an IP/PREFIX range"#,
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    offset: usize,
    entry: String,
    kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(offset: usize, entry: &str, kind: ParseErrorKind) -> Self {
        Self { offset, entry: entry.to_owned(), kind }
    }

    /// The byte offset in the input where the offending entry starts (after its leading
    /// whitespace). For [`ParseErrorKind::InputTooLarge`] it is the limit.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The offending entry, trimmed of surrounding whitespace. Empty for
    /// [`ParseErrorKind::InputTooLarge`].
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// Why the entry was rejected.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            // Echoing a megabyte of input back helps nobody.
            ParseErrorKind::InputTooLarge { .. } => {
                write!(f, "invalid bypass rules: {}", self.kind)
            }
            _ => write!(
                f,
                "invalid bypass rule at byte {}: {:?}: {}",
                self.offset, self.entry, self.kind
            ),
        }
    }
}

// Not `#[source]`: the kind is part of this message, and reporting it again as a cause
// would print it twice in error chains.
impl std::error::Error for ParseError {}
