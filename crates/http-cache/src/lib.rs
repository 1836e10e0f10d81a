//! A private browser HTTP cache: what Chromium's `HttpCache` is to an Electron
//! session, usable on its own or behind sessionkit's `Session::fetch`.
//!
//! Freshness comes from [`http-cache-semantics`](https://docs.rs/http-cache-semantics)
//! with private-cache rules (`shared: false`) by default; what that crate does not
//! do or gets wrong for a browser is fixed in one module (see *Rules*).
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//!
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Full};
//! use sessionkit_http_cache::{Body, BoxError, CacheRequest, CacheStatus, HttpCache, Upstream};
//!
//! /// Stands in for the network: always the same cacheable answer.
//! struct Origin;
//!
//! impl Upstream for Origin {
//!     async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
//!         let body = Full::new(Bytes::from_static(b"hello")).map_err(|e| match e {}).boxed();
//!         Ok(http::Response::builder().header("cache-control", "max-age=60").body(body)?)
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let cache = HttpCache::in_memory(10 * 1024 * 1024);
//! let origin = Arc::new(Origin);
//! let get = || CacheRequest::new(http::Request::get("https://example.com/a").body(Bytes::new()).unwrap());
//!
//! let first = cache.fetch(get(), origin.clone()).await?;
//! assert_eq!(first.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
//! // The body streams to us while it is stored; the entry exists once it was read whole.
//! assert_eq!(first.into_body().collect().await?.to_bytes(), "hello");
//! let second = cache.fetch(get(), origin.clone()).await?;
//! assert_eq!(second.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
//! assert_eq!(second.into_body().collect().await?.to_bytes(), "hello");
//! assert!(cache.size() > 5);
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! ```
//!
//! # Rules
//!
//! - Private-cache semantics (RFC 9111); [`Builder::shared`] opts into a shared
//!   cache's (`s-maxage`, `private` and authenticated responses not stored;
//!   responses with `Set-Cookie` stored, as RFC 9111 allows). Stored responses keep
//!   the origin's ordered header list (repeated `Set-Cookie` lines stay), keep
//!   their `Date`, get a current `Age`, lose hop-by-hop fields;
//!   [`Builder::store_set_cookie`]`(false)` drops `Set-Cookie` from stored
//!   copies as Chromium does, so a hit sets no cookie. A qualified `no-cache="a"` keeps field `a` out of the stored copy and lets the
//!   rest be reused while fresh (as Chromium does).
//! - Age includes the apparent age from `Date` (RFC 9111 §4.2.3); a final
//!   response of any status with explicit freshness is reused (not 206, 304,
//!   401, 407). `Cache-Control` directive names are case-insensitive; `Age`
//!   uses its first member; an invalid `Expires` means expired.
//! - `Vary`: up to [`DEFAULT_MAX_VARIANTS`] variants per URL, newest first, values
//!   compared with white space around commas ignored; `Vary: *` is never stored.
//! - Request directives `no-cache`, `max-age`, `min-fresh`, `max-stale` (never
//!   past `must-revalidate`), `no-store`, `only-if-cached` (a stored response
//!   that satisfies the request, or [`Error::OnlyIfCachedMiss`]), and
//!   `Pragma: no-cache`; `max-age=0` always validates (as in Chromium).
//! - Revalidation with `ETag`/`Last-Modified`; a 304 to our revalidation (even
//!   without validators) refreshes the stored headers, every field of the 304
//!   replacing all stored lines of that name, except the body's framing and
//!   digest (`Content-Length`, `Content-Encoding`, `Content-Range`, `Content-MD5`).
//! - Heuristic freshness: 10% of the time since `Last-Modified`; with private
//!   rules a 300, 301, 308 or 410 without explicit freshness stays fresh
//!   (Chromium's "implicitly fresh").
//! - `stale-while-revalidate`: the stale response is served and exactly one
//!   background task per key revalidates it, as Chromium does. `stale-if-error`
//!   only where the response or request directive allows it, and never for a
//!   request that asked for validation (Chromium ignores the directive).
//! - `no-store` in request or response; unsafe methods invalidate the URL and
//!   same-origin `Location`/`Content-Location`; HEAD is answered from a stored GET
//!   and a 200 to a HEAD refreshes the stored GET (RFC 9111 §4.3.5).
//! - [`CacheMode`]: Fetch's `default`, `no-store`, `reload`, `no-cache`,
//!   `force-cache`, `only-if-cached`.
//! - Ranges: a single byte range is served as a 206 from a complete, fresh stored
//!   body; a 206 from the network is never stored.
//! - Keys: the URL without fragment, optionally with an [`IsolationKey`] (Chromium's
//!   split cache); each partition has its own store.
//! - Stores: memory (byte-weighted LRU, default [`default_memory_capacity`]) and, with
//!   feature `sled`, disk (`DiskOptions`).
//! - Concurrency: one commit per key at a time; readers only see committed entries.
//! - A store that fails (disk full, I/O error) never fails a request the network
//!   answered: the response goes out as it came, unstored, and the failure is
//!   counted ([`HttpCache::store_failures`]), as Chromium's cache errors never
//!   fail a load.
//!
//! # Deviation
//!
//! - The body of a storable response streams to the client while it is written
//!   to the store (memory, or a temporary file on disk), as Chromium does: a task
//!   reads it from the network up to 32 frames ahead of the client, and the entry
//!   is committed once the body arrived whole (its `Content-Length`, if any, met;
//!   within the per-entry limit, 1/8 of the cache) and before the client gets its
//!   last bytes. An error mid-body or a body over the limit leaves nothing
//!   stored. When the client drops the body before its end, a small rest (a
//!   `Content-Length` remainder of at most 64 KiB, or a body without one that
//!   ends within 64 KiB) is still read into the store in the background, for
//!   at most 30 s, so a cacheable redirect whose body the caller never reads is
//!   stored (Chromium stores a redirect without reading its body at all); a
//!   larger rest is abandoned. A miss for a request with
//!   `Range`, or one served without a Tokio runtime, is read into the store
//!   before it is answered, since a range is cut from the whole stored body.
//! - A stored response is reused for a request from a different frame only with
//!   the same [`IsolationKey`]; Chromium's extra key parts (credentials flag,
//!   upload id, subframe-document and cross-site-navigation prefixes) are not
//!   modelled.
//! - `stale-if-error` is honoured (Chromium ignores it).
//! - A request for a key whose storable body is being read waits for that entry
//!   (Chromium's cache lock) only until it is committed or given up, until its
//!   client falls behind, or until the cache lock timeout
//!   ([`Builder::cache_lock_timeout`], Chromium's 20 s) passed, after which it
//!   goes to the network without the cache; two misses whose heads have not
//!   arrived yet both go to the network (the second stores after the first),
//!   where Chromium's lock makes the second wait from the start.
//! - Heuristic freshness follows RFC 9111 (every heuristically cacheable status:
//!   404, 405, 414, 501 ... too); Chromium uses it for 200, 203 and 206 only.
//! - A request's `Cache-Control: no-cache` or `Pragma: no-cache` revalidates with
//!   the stored validators (RFC 9111 allows it); Chromium sends such a request
//!   unconditionally (`LOAD_BYPASS_CACHE`).
//! - `Set-Cookie` is stored and served again by default (the origin's header
//!   list); Chromium never persists it — [`Builder::store_set_cookie`]`(false)`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod body;
mod cache;
mod clock;
mod date;
mod error;
mod flow;
// Public only for the fuzz target (fuzz/fuzz_targets/cache_control.rs): not
// part of the API, not covered by semver.
#[doc(hidden)]
pub mod headers;
mod key;
mod mode;
mod range;
// Public only for the fuzz target (fuzz/fuzz_targets/cache_control.rs): not
// part of the API, not covered by semver.
#[doc(hidden)]
pub mod record;
mod semantics;
mod status;
mod store;
mod tee;
mod timer;
mod upstream;
mod whole;

pub use cache::{
    Builder, CacheRequest, DEFAULT_CACHE_LOCK_TIMEOUT, DEFAULT_MAX_VARIANTS, HttpCache,
};
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use date::{format_http_date, parse_http_date};
pub use error::Error;
pub use key::IsolationKey;
pub use mode::CacheMode;
pub use status::CacheStatus;
#[cfg(feature = "sled")]
pub use store::disk::{DiskOptions, default_disk_capacity};
pub use store::memory::default_memory_capacity;
pub use upstream::Upstream;

/// The error type of bodies and of [`Upstream`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response body, as every sessionkit crate passes them.
pub type Body = http_body_util::combinators::BoxBody<bytes::Bytes, BoxError>;
