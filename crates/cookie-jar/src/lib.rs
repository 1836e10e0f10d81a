//! A cookie jar that behaves like Chromium's `CookieMonster`: RFC 6265bis parsing,
//! the storage model with Chromium's extensions (prefixes, SameSite, secure-cookie
//! protection, CHIPS partitions), limits and eviction, Electron's `cookies` API
//! and change events.
//!
//! # Example
//!
//! ```
//! use sessionkit_cookie_jar::{CookieContext, CookieFilter, CookieJar};
//! use url::Url;
//!
//! let jar = CookieJar::new();
//! let url = Url::parse("https://www.example.com/app/login")?;
//! let nav = CookieContext::same_site().top_level_navigation(true);
//!
//! jar.set_cookie(&url, "sid=31d4; Path=/app; Secure; HttpOnly", &nav)?;
//! jar.set_cookie(&url, "lang=en; Domain=example.com", &nav)?;
//! // Public suffixes are refused, so is Secure over plain http.
//! assert!(jar.set_cookie(&url, "x=1; Domain=com", &nav).is_err());
//!
//! let next = Url::parse("https://www.example.com/app/home")?;
//! assert_eq!(jar.cookie_header(&next, &nav).as_deref(), Some("sid=31d4; lang=en"));
//! // Scripts do not see HttpOnly cookies; cross-site subresources get no Lax ones.
//! assert_eq!(jar.cookie_header(&next, &nav.clone().script()).as_deref(), Some("lang=en"));
//! assert_eq!(jar.cookie_header(&next, &CookieContext::cross_site()), None);
//!
//! // Electron's API.
//! let all = jar.get(&CookieFilter { domain: Some("example.com".into()), ..Default::default() })?;
//! assert_eq!(all[0].electron_domain(), ".example.com");
//! jar.remove("https://www.example.com/app/", "sid")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules
//!
//! - Parsing ([`parse_set_cookie`]): CTL octets reject the line, and so does a
//!   tab inside the name, the value or any attribute's name or value; nameless
//!   cookies (`foo` is name "" value "foo", sent back as `foo`); name + value
//!   over 4096 bytes rejected; attribute values over 1024 bytes ignored; the
//!   last attribute wins, even an invalid `Max-Age` or `Expires`; `Max-Age` as
//!   Chromium's integer parser reads it (`+5` is 5); Chromium's `Expires` parser
//!   ([`parse_cookie_date`]); `Max-Age` over `Expires`; a 400-day cap.
//! - Storage: Domain with a leading dot, lower-cased, IDNA for non-ASCII, IPs only
//!   exactly, public suffixes (private section included) refused; host-only and
//!   domain cookies are distinct; `Secure` only from secure or trustworthy
//!   origins (`localhost`, `*.localhost`, `127/8`, `[::1]`); insecure origins
//!   leave Secure cookies alone; `SameSite=None` and `Partitioned` need `Secure`;
//!   `__Secure-`, `__Host-`, `__Http-` and `__Host-Http-` prefixes,
//!   case-insensitive; an overwrite keeps the creation time only when the value
//!   is unchanged; script APIs cannot set or replace HttpOnly cookies.
//! - Retrieval ([`CookieJar::cookies_for`], [`CookieJar::cookie_header`]):
//!   longer path first, then earlier creation; the port is ignored; SameSite per
//!   [`CookieContext`], with Lax-allowing-unsafe for two minutes (inclusive) and
//!   case-sensitive safe methods; last access updated at most once a minute and
//!   reported to [`CookieJar::add_access_listener`] hooks.
//! - Limits: 180 → 150 per registrable domain in priority and secure-last
//!   rounds, 3300 → 3000 unpartitioned cookies globally sparing cookies used in
//!   the last 30 days, expired cookies first; 180 cookies and 10 KiB per
//!   partition and site (partitioned cookies are outside the global limit, as in
//!   Chromium). See [`Policy`].
//! - Electron's API ([`CookieJar::get`], [`CookieJar::set`],
//!   [`CookieJar::remove`]): `get({domain})` is Chromium's `IsDomainMatch` on the
//!   string as given; `set` canonicalises the path like a URL path and rejects
//!   with Electron's `Failed to set cookie - <reason>` texts.
//! - Events: every change reaches [`CookieJar::subscribe`] receivers and
//!   [`CookieJar::add_listener`] hooks as a [`CookieChange`] with Electron's
//!   [`ChangeCause`].
//!
//! # Deviation
//!
//! Where this jar knowingly differs from Chromium 156:
//! - `Expires` is not corrected by the skew between the response's `Date` header
//!   and the local clock (the jar never sees `Date`).
//! - A NUL byte anywhere in a response makes Chromium's HTTP layer drop the whole
//!   response, and a bare CR ends a header line there; that is the HTTP client's
//!   business. Given such a line directly, the jar rejects it (any CTL does).
//! - Chromium's scheme-bound and port-bound cookie modes (off by default in
//!   Chromium) and the 3-hour limit for insecure cookies are not implemented;
//!   Electron's custom standard schemes are not cookieable here (only http, https,
//!   ws, wss).
//! - An overwrite always reports `overwrite` for the old cookie before the
//!   `inserted*` event of the new one, also when nothing changed.
//! - `Expires` years after 30827 are refused: Chromium 156 on 64-bit platforms
//!   takes any five-digit year (and the 400-day cap applies), but the http-state
//!   date suite, from older Chromium, refuses `12-Aug-31841`, and it is followed
//!   where it speaks. Years 10000–30827 are accepted as in Chromium.
//! - A rejection carries one reason, the first Chromium would record; Electron
//!   prints the texts of every reason, then Chromium's debug form of the status
//!   (`EXCLUDE_…, DO_NOT_WARN, NO_EXEMPTION`), which is left out here.
//! - `set` percent-encodes the path with the WHATWG path rules of the `url`
//!   crate; Chromium's `url::CanonicalizePath` may treat a few punctuation
//!   characters differently.
//! - `get` and `remove` with a URL that does not parse return
//!   [`Error::InvalidUrl`]; Electron matches nothing and resolves.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod context;
mod cookie;
mod domain;
mod error;
mod events;
mod eviction;
mod fxhash;
mod http;
mod insert;
mod jar;
pub mod json;
pub mod netscape;
mod parse;
#[cfg(feature = "sled")]
pub mod persist;
mod prefix;
#[cfg(feature = "reqwest")]
pub mod reqwest;
mod retrieval;
mod rules;
mod store;
mod time;

pub use api::{CookieDetails, CookieFilter};
pub use context::{CookieContext, Reader};
pub use cookie::{Cookie, CookieParts, Priority, SameSite, SourceScheme};
pub use error::{Error, Rejection};
pub use events::{AccessListener, ChangeCause, CookieChange, Listener};
pub use jar::{CookieJar, EVENT_CAPACITY, Policy};
pub use parse::date::parse_cookie_date;
pub use parse::set_cookie::{
    MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES, ParsedCookie, parse_set_cookie,
};
pub use time::{Clock, ManualClock, SystemClock, Timestamp};
