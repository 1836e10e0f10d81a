//! Work in progress.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod content_disposition;
pub mod content_range;
pub mod error;
mod http_date;
pub mod naming;
pub mod reason;
pub mod response;
pub mod resume;
pub mod state;
pub mod validators;

pub use error::{Error, HeaderErrorKind};
