//! Errors: why a cookie was rejected, and the crate's [`Error`].

use thiserror::Error;

/// Why a cookie was not stored; one variant per Chromium exclusion reason that can
/// occur here (`CookieInclusionStatus::EXCLUDE_*`).
///
/// `Display` is the human-readable text Electron prints for the reason in its
/// `Failed to set cookie - …` rejection (`InclusionStatusToString` in
/// `electron_api_cookies.cc`), word for word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum Rejection {
    /// `EXCLUDE_DISALLOWED_CHARACTER`: a control character (or a tab inside a name,
    /// value, attribute name or attribute value; via the API also `;`, `=` in the
    /// name or outer white space).
    #[error("The cookie contains ASCII control characters")]
    DisallowedCharacter,
    /// `EXCLUDE_NO_COOKIE_CONTENT`: both name and value are empty.
    #[error("The cookie contains no content or only whitespace.")]
    NoCookieContent,
    /// `EXCLUDE_NAME_VALUE_PAIR_EXCEEDS_MAX_SIZE`: name plus value is over 4096 bytes.
    #[error("The cookie exceeded the name/value pair size limit.")]
    NameValuePairExceedsMaxSize,
    /// `EXCLUDE_ATTRIBUTE_VALUE_EXCEEDS_MAX_SIZE`: via the API, a path (once
    /// percent-encoded) or domain over 1024 bytes. (In a `Set-Cookie` line such an
    /// attribute is ignored instead.)
    #[error("Cookie exceeded the attribute size limit.")]
    AttributeValueExceedsMaxSize,
    /// `EXCLUDE_INVALID_DOMAIN`: the Domain attribute does not fit the URL's host
    /// (not a parent of it, a public suffix, a partial IP address, malformed...);
    /// Electron also reports an unparsable URL given to `cookies.set` this way.
    #[error("The cookie was set with an invalid Domain attribute.")]
    InvalidDomain,
    /// `EXCLUDE_NONCOOKIEABLE_SCHEME`: the URL's scheme cannot hold cookies.
    #[error("Attempted to set a cookie from a scheme that does not support cookies.")]
    NonCookieableScheme,
    /// `EXCLUDE_SECURE_ONLY`: `Secure` (or a rule needing it) from an origin that is
    /// neither secure nor trustworthy.
    #[error("The cookie was Secure, but the URL was not allowed to access Secure cookies.")]
    SecureOnly,
    /// `EXCLUDE_HTTP_ONLY`: an HttpOnly cookie set through a non-HTTP API.
    #[error("The cookie was HttpOnly, but the attempted access was through a non-HTTP API.")]
    HttpOnly,
    /// `EXCLUDE_OVERWRITE_SECURE`: an insecure origin tried to replace or shadow a
    /// Secure cookie.
    #[error("The cookie would have overwritten a Secure cookie, and was not allowed to do so.")]
    OverwriteSecure,
    /// `EXCLUDE_OVERWRITE_HTTP_ONLY`: a non-HTTP API tried to replace an HttpOnly cookie.
    #[error("The cookie would have overwritten an HttpOnly cookie, and was not allowed to do so.")]
    OverwriteHttpOnly,
    /// `EXCLUDE_INVALID_PREFIX`: the `__Secure-`, `__Host-`, `__Http-` or
    /// `__Host-Http-` prefix requirements are not met.
    #[error("The cookie was set with an invalid __Host- or __Secure- prefix.")]
    InvalidPrefix,
    /// `EXCLUDE_SAMESITE_NONE_INSECURE`: `SameSite=None` without `Secure`.
    #[error("The cookie specified SameSite=None, but it was not Secure.")]
    SameSiteNoneInsecure,
    /// `EXCLUDE_SAMESITE_STRICT` when setting: a cross-site subresource response
    /// may only set `SameSite=None` cookies.
    #[error(
        "The cookie had SameSite=Strict, and the attempted access did not have an appropriate SameSiteCookieContext"
    )]
    SameSiteStrict,
    /// `EXCLUDE_SAMESITE_LAX` when setting, as for [`SameSiteStrict`](Self::SameSiteStrict).
    #[error(
        "The cookie had SameSite=Lax, and the attempted access did not have an appropriate SameSiteCookieContext"
    )]
    SameSiteLax,
    /// `EXCLUDE_SAMESITE_UNSPECIFIED_TREATED_AS_LAX` when setting, as for
    /// [`SameSiteStrict`](Self::SameSiteStrict).
    #[error(
        "The cookie did not specify a SameSite attribute, and therefore was treated as if it were SameSite=Lax, and the attempted access did not have an appropriate SameSiteCookieContext."
    )]
    SameSiteUnspecifiedTreatedAsLax,
    /// `EXCLUDE_INVALID_PARTITIONED`: `Partitioned` without `Secure` (Chromium's
    /// text predates the rule).
    #[error(
        "Cookie was set with an invalid Partitioned attribute, which is only valid if the cookie has a __Host- prefix."
    )]
    InvalidPartitioned,
    /// `EXCLUDE_FAILURE_TO_STORE`: malformed in another way (e.g. a path given to
    /// the API that does not start with `/`).
    #[error("The cookie was malformed and could not be stored")]
    FailureToStore,
}

impl Rejection {
    /// Chromium's name for the reason, e.g. `EXCLUDE_INVALID_DOMAIN`.
    #[must_use]
    pub const fn chromium_name(self) -> &'static str {
        match self {
            Self::DisallowedCharacter => "EXCLUDE_DISALLOWED_CHARACTER",
            Self::NoCookieContent => "EXCLUDE_NO_COOKIE_CONTENT",
            Self::NameValuePairExceedsMaxSize => "EXCLUDE_NAME_VALUE_PAIR_EXCEEDS_MAX_SIZE",
            Self::AttributeValueExceedsMaxSize => "EXCLUDE_ATTRIBUTE_VALUE_EXCEEDS_MAX_SIZE",
            Self::InvalidDomain => "EXCLUDE_INVALID_DOMAIN",
            Self::NonCookieableScheme => "EXCLUDE_NONCOOKIEABLE_SCHEME",
            Self::SecureOnly => "EXCLUDE_SECURE_ONLY",
            Self::HttpOnly => "EXCLUDE_HTTP_ONLY",
            Self::OverwriteSecure => "EXCLUDE_OVERWRITE_SECURE",
            Self::OverwriteHttpOnly => "EXCLUDE_OVERWRITE_HTTP_ONLY",
            Self::InvalidPrefix => "EXCLUDE_INVALID_PREFIX",
            Self::SameSiteNoneInsecure => "EXCLUDE_SAMESITE_NONE_INSECURE",
            Self::SameSiteStrict => "EXCLUDE_SAMESITE_STRICT",
            Self::SameSiteLax => "EXCLUDE_SAMESITE_LAX",
            Self::SameSiteUnspecifiedTreatedAsLax => "EXCLUDE_SAMESITE_UNSPECIFIED_TREATED_AS_LAX",
            Self::InvalidPartitioned => "EXCLUDE_INVALID_PARTITIONED",
            Self::FailureToStore => "EXCLUDE_FAILURE_TO_STORE",
        }
    }
}

/// The crate's error.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The cookie was rejected; Display reads like Electron's promise rejection,
    /// `Failed to set cookie - ` and the reason's text (Electron then appends
    /// Chromium's debug form of the whole status, e.g.
    /// `EXCLUDE_INVALID_DOMAIN, DO_NOT_WARN, NO_EXEMPTION`, which is left out).
    #[error("Failed to set cookie - {0}")]
    Rejected(#[from] Rejection),
    /// The URL given to [`CookieJar::get`](crate::CookieJar::get) or
    /// [`CookieJar::remove`](crate::CookieJar::remove) does not parse
    /// ([`CookieJar::set`](crate::CookieJar::set) reports
    /// [`Rejection::InvalidDomain`] instead, as Electron does).
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
