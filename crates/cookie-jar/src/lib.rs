//! A cookie jar that behaves like Chromium's `CookieMonster`: RFC 6265bis parsing,
//! the storage model with Chromium's extensions (prefixes, SameSite, secure-cookie
//! protection, CHIPS partitions), limits and eviction, Electron's `cookies` API
//! and change events.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod context;
mod cookie;
mod domain;
mod error;
mod events;
mod eviction;
mod jar;
pub mod netscape;
#[cfg(feature = "sled")]
pub mod persist;
mod retrieval;
mod store;
mod time;

pub use context::{CookieContext, Reader};
pub use cookie::{Cookie, CookieParts, Priority, SameSite, SourceScheme};
pub use error::{Error, Rejection};
pub use events::{ChangeCause, CookieChange, Listener};
pub use jar::{CookieJar, EVENT_CAPACITY, Policy};
pub use time::{Clock, ManualClock, SystemClock, Timestamp};
