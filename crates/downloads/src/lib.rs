//! Electron's `DownloadItem`, rebuilt on Chromium's rules: the **pure core**.
//!
//! This crate decides; it does no I/O. Everything here is a function of its inputs,
//! so a streaming driver (coming next, with tokio and reqwest) and the `sessionkit`
//! facade can call it, and tests and fuzzers can run it without a network:
//!
//! | module | decides |
//! |---|---|
//! | [`content_disposition`] | the file name in a `Content-Disposition` header (`filename*` over `filename`, RFC 2047, raw 8-bit bytes) |
//! | [`content_range`] | a strict `Content-Range` parse |
//! | [`naming`] | the suggested file name, its sanitising, and `name (1).ext` uniquifying |
//! | [`validators`] | whether ETag/Last-Modified are strong enough to resume, and the resume request headers |
//! | [`response`] | continue, restart from zero, or interrupt, given a response head and what was asked |
//! | [`reason`] | Chromium's interrupt reasons with their codes and names |
//! | [`resume`] | the resume mode after an interruption, and backoff for automatic resumes |
//! | [`state`] | the item's state machine and Electron's external state |
//!
//! # Example
//!
//! ```
//! use sessionkit_downloads::naming::suggested_file_name;
//! use sessionkit_downloads::response::{classify_response, Outcome, RequestedRange, ResponseHead};
//! use sessionkit_downloads::resume::{resume_mode, ResumeMode};
//! use sessionkit_downloads::validators::{resume_request_headers, Validators};
//! use sessionkit_downloads::InterruptReason;
//!
//! let url = url::Url::parse("https://example.com/files/report.pdf").unwrap();
//! let name = suggested_file_name(&url, Some(b"attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"), None);
//! assert_eq!(name, "r\u{e9}sum\u{e9}.pdf");
//!
//! // The first response had a strong ETag, so it is remembered.
//! let validators = Validators::from_response(true, Some("\"v1\""), None, None);
//! assert!(validators.is_some());
//!
//! // The connection dropped after 4096 bytes: Chromium would resume at once.
//! let mode = resume_mode(InterruptReason::NetworkTimeout, 4096, true, 0, false);
//! assert_eq!(mode, ResumeMode::ImmediateContinue);
//!
//! // The resume asks for the rest, guarded by If-Range...
//! let (offset, headers) = resume_request_headers(4096, validators.as_ref());
//! assert_eq!(offset, 4096);
//! assert!(headers.contains(&("If-Range", "\"v1\"".to_owned())));
//!
//! // ...and the server's 206 starts where the file ends: append.
//! let head = ResponseHead { status: 206, content_range: Some(b"bytes 4096-9999/10000"), content_length: Some(5904) };
//! let outcome = classify_response(&head, &RequestedRange { offset, expected_total: Some(10000) });
//! assert_eq!(outcome, Outcome::Continue { offset: 4096, total: Some(10000) });
//! ```
//!
//! # Deviation
//! Where this crate knowingly differs from Chromium (each module's own `# Deviation`
//! section has the details):
//! - [`response`]: a 206 whose complete length changed restarts instead of
//!   appending, and a 416 at exactly the partial file's end completes instead of
//!   restarting.
//! - [`resume`]: automatic resumes wait with exponential backoff and jitter;
//!   Chromium retries at once.
//! - [`naming`]: the Windows rules apply on every platform, white space and dots
//!   at the ends are trimmed, there is no MIME-based extension fix-up and no
//!   time-stamped name after `(100)`.
//! - [`content_disposition`]: no NFC normalisation, WHATWG charset labels, and
//!   windows-1252 as the default charset for raw 8-bit bytes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod content_disposition;
pub mod content_range;
mod driver;
pub mod error;
mod event;
mod hasher;
mod http_date;
mod item;
mod limiter;
mod manager;
pub mod naming;
pub mod reason;
pub mod record;
mod request;
pub mod response;
mod restore;
pub mod resume;
pub mod state;
pub mod transport;
pub mod validators;
mod writer;

pub use error::{Error, HeaderErrorKind};
pub use event::DownloadEvent;
pub use item::DownloadItem;
pub use manager::{
    DownloadManager, InterruptedDownload, ManagerConfig, WillDownload, WillDownloadHandler,
};
pub use reason::InterruptReason;
pub use record::{DownloadRecord, FileStore, MemoryStore, RecordState, RecordStore};
pub use request::{DownloadRequest, parse_sha256_hex};
pub use resume::{ResumeMode, RetryPolicy};
pub use state::{ExternalState, State};
pub use transport::{Body, BoxError, Transport};
