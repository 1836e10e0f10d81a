//! The body types every sessionkit crate that moves HTTP messages shares.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};

/// The error a streaming body (or the network layer) fails with, and a
/// streaming response body (chunks arrive as the network delivers them):
/// the http-cache crate's, which the downloads crate's equal, so a response
/// passes between them without copying.
pub use sessionkit_http_cache::{Body, BoxError};

/// A body with nothing in it.
#[must_use]
pub fn empty_body() -> Body {
    Empty::<Bytes>::new().map_err(|never| match never {}).boxed()
}

/// A body holding `bytes` at once.
#[must_use]
pub fn full_body(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}
