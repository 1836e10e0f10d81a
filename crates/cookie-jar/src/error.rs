//! Errors: why a cookie was rejected, and the crate's [`Error`].

use thiserror::Error;

/// Why a cookie was not stored; one variant per Chromium exclusion reason that can
/// occur here (`CookieInclusionStatus::EXCLUDE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum Rejection {
    /// `EXCLUDE_DISALLOWED_CHARACTER`: a control character (or, in a name or value,
    /// a tab; via the API also `;`, `=` in the name or outer white space).
    #[error("The cookie contains a character that is not allowed.")]
    DisallowedCharacter,
    /// `EXCLUDE_NO_COOKIE_CONTENT`: both name and value are empty.
    #[error("The cookie has neither a name nor a value.")]
    NoCookieContent,
    /// `EXCLUDE_NAME_VALUE_PAIR_EXCEEDS_MAX_SIZE`: name plus value is over 4096 bytes.
    #[error("The cookie's name and value together are longer than 4096 bytes.")]
    NameValuePairExceedsMaxSize,
    /// `EXCLUDE_INVALID_DOMAIN`: the Domain attribute does not fit the URL's host
    /// (not a parent of it, a public suffix, a partial IP address, malformed...).
    #[error("The cookie's Domain attribute is not valid for the URL's host.")]
    InvalidDomain,
    /// `EXCLUDE_NONCOOKIEABLE_SCHEME`: the URL's scheme cannot hold cookies.
    #[error("The URL's scheme does not allow cookies.")]
    NonCookieableScheme,
    /// `EXCLUDE_SECURE_ONLY`: `Secure` (or a rule needing it) from an origin that is
    /// neither secure nor trustworthy.
    #[error("The cookie is Secure but the URL is not a secure origin.")]
    SecureOnly,
    /// `EXCLUDE_HTTP_ONLY`: an HttpOnly cookie set through a non-HTTP API.
    #[error("The cookie is HttpOnly but was set through a non-HTTP API.")]
    HttpOnly,
    /// `EXCLUDE_OVERWRITE_SECURE`: an insecure origin tried to replace or shadow a
    /// Secure cookie.
    #[error(
        "A Secure cookie with the same name exists and an insecure origin may not replace or shadow it."
    )]
    OverwriteSecure,
    /// `EXCLUDE_OVERWRITE_HTTP_ONLY`: a non-HTTP API tried to replace an HttpOnly cookie.
    #[error(
        "An HttpOnly cookie with the same identity exists and a non-HTTP API may not replace it."
    )]
    OverwriteHttpOnly,
    /// `EXCLUDE_INVALID_PREFIX`: the `__Secure-`, `__Host-`, `__Http-` or
    /// `__Host-Http-` prefix requirements are not met.
    #[error("The cookie uses a name prefix whose requirements it does not meet.")]
    InvalidPrefix,
    /// `EXCLUDE_SAMESITE_NONE_INSECURE`: `SameSite=None` without `Secure`.
    #[error("The cookie is SameSite=None but not Secure.")]
    SameSiteNoneInsecure,
    /// `EXCLUDE_SAMESITE_STRICT` / `_LAX` / `_UNSPECIFIED_TREATED_AS_LAX` when
    /// setting: a cross-site subresource response may only set `SameSite=None` cookies.
    #[error("The cookie's SameSite attribute does not allow it to be set in a cross-site context.")]
    SameSiteContext,
    /// `EXCLUDE_INVALID_PARTITIONED`: `Partitioned` without `Secure`.
    #[error("The cookie is Partitioned but not Secure.")]
    InvalidPartitioned,
    /// `EXCLUDE_FAILURE_TO_STORE`: malformed in another way (e.g. a path given to
    /// the API that does not start with `/`).
    #[error("The cookie is malformed and could not be stored.")]
    FailureToStore,
}

/// The crate's error.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The cookie was rejected; Display reads like Electron's promise rejection.
    #[error("Failed to set cookie - {0}")]
    Rejected(#[from] Rejection),
    /// The URL given to [`CookieJar::set`](crate::CookieJar::set) does not parse.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// The parser's message.
        reason: String,
    },
    /// An unknown `sameSite` string given to the API.
    #[error("invalid sameSite value {0:?}: expected unspecified, no_restriction, lax or strict")]
    InvalidSameSite(String),
    /// `expirationDate` is not a number.
    #[error("invalid expirationDate: not a number")]
    InvalidExpirationDate,
}
