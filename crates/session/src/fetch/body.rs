//! The body types every sessionkit crate that moves HTTP messages shares.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};

/// The error a streaming body (or the network layer) fails with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A streaming response body: chunks arrive as the network delivers them.
///
/// The same type as the http-cache and downloads crates use, so a response
/// can pass between them without copying.
pub type Body = http_body_util::combinators::BoxBody<Bytes, BoxError>;

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
