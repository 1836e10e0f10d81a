//! Work in progress.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod content_disposition;
pub mod content_range;
pub mod error;
pub mod naming;

pub use error::{Error, HeaderErrorKind};
