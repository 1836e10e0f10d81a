//! A cookie jar that behaves like Chromium's `CookieMonster`: RFC 6265bis parsing,
//! the storage model with Chromium's extensions (prefixes, SameSite, secure-cookie
//! protection, CHIPS partitions), limits and eviction, Electron's `cookies` API
//! and change events.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod context;
mod cookie;
mod domain;
mod error;
mod events;
mod eviction;
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
pub use events::{ChangeCause, CookieChange, Listener};
pub use jar::{CookieJar, EVENT_CAPACITY, Policy};
pub use parse::date::parse_cookie_date;
pub use parse::set_cookie::{
    MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES, ParsedCookie, parse_set_cookie,
};
pub use time::{Clock, ManualClock, SystemClock, Timestamp};
