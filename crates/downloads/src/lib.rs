//! Electron's `DownloadItem`, rebuilt on Chromium's rules.
//!
//! Two layers. The **pure core** decides and does no I/O, so tests and fuzzers
//! run it without a network:
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
//! The **I/O layer** on tokio drives it: a [`DownloadManager`] (Electron: the
//! session's download side) starts downloads from a URL or an `http::Request`
//! through a [`Transport`] (the `sessionkit` facade passes its own cookie and
//! proxy pipeline; the `reqwest` feature adapts a `reqwest::Client`), and hands
//! out [`DownloadItem`]s with Electron's methods and `updated`/`done` events.
//! Bytes stream to `<target>.part` on a writer thread with large vectored
//! writes, renamed on completion; an optional SHA-256 is computed off the write
//! path. With a [`RecordStore`] ([`MemoryStore`], [`FileStore`], or
//! `record::SledStore` with the `sled` feature) each download keeps a small
//! [`DownloadRecord`], written only after the bytes it describes were synced;
//! [`DownloadManager::restore`] brings downloads back after a crash.
//!
//! # Example: the I/O layer
//!
//! Any HTTP stack fits behind [`Transport`]; this one answers from memory.
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Full};
//! use sessionkit_downloads::{Body, BoxError, DownloadManager, DownloadRequest, ExternalState, ManagerConfig, Transport};
//!
//! struct Memory;
//! impl Transport for Memory {
//!     async fn send(&self, _req: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
//!         let body = Full::new(Bytes::from_static(b"hello")).map_err(|e| match e {}).boxed();
//!         Ok(http::Response::builder()
//!             .header("Content-Length", "5")
//!             .header("Content-Disposition", "attachment; filename=greeting.txt")
//!             .header("ETag", "\"v1\"")
//!             .body(body)?)
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! rt.block_on(async {
//!     let manager = DownloadManager::new(Memory, ManagerConfig::new(dir.path()))?;
//!     let url = url::Url::parse("https://example.com/download?id=1")?;
//!     let item = manager.download(DownloadRequest::new(url).header("X-App", "demo")?)?;
//!     assert_eq!(item.wait_done().await, ExternalState::Completed);
//!     assert_eq!(item.filename(), "greeting.txt");
//!     assert_eq!(item.etag().as_deref(), Some("\"v1\""));
//!     assert_eq!(std::fs::read(dir.path().join("greeting.txt"))?, b"hello");
//!     Ok::<(), Box<dyn std::error::Error>>(())
//! })?;
//! # Ok(())
//! # }
//! ```
//!
//! # Example: the pure core
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
//! - [`response`]: a 206 whose complete length changed, or whose
//!   `Content-Length` is not its own range's length (or, without one, whose body
//!   runs past its range), restarts instead of appending, and a 416 at exactly the partial file's end completes instead of
//!   restarting.
//! - [`validators`]: `If-Range` never carries a weak ETag, nor a date beside an
//!   ETag (RFC 9110 §13.1.5); Chromium sends its stored ETag even when weak, so
//!   such a download restarts from zero here rather than being answered 200.
//! - [`resume`]: automatic resumes wait with exponential backoff and jitter;
//!   Chromium retries at once.
//! - [`naming`]: the Windows rules apply on every platform, white space and dots
//!   at the ends are trimmed, and there is no MIME-based extension fix-up.
//! - [`content_disposition`]: no NFC normalisation, WHATWG charset labels, and
//!   windows-1252 as the default charset for raw 8-bit bytes.
//! - A connection lost before the announced `Content-Length` never completes the
//!   download: without strong validators Chromium keeps the short file as
//!   complete; we interrupt with `SERVER_CONTENT_LENGTH_MISMATCH`, whose resume
//!   mode then restarts from zero. Likewise a body that ends cleanly before the
//!   known complete length (a 206 whose range stops short) is interrupted with
//!   that reason and continues from its last good byte.
//! - A file that fails the caller's expected SHA-256 is interrupted for good with
//!   `FILE_SECURITY_CHECK_FAILED` (Chromium has no such check).
//! - The partial file is `<target>.part` (Chrome: `.crdownload`; Electron writes
//!   straight to the target), and names are uniquified like Chrome, not Electron.
//! - Items restored after a restart always wait for `resume()`, even when their
//!   reason would allow an automatic resume.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
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
#[cfg(feature = "sled")]
pub use record::SledStore;
pub use record::{DownloadRecord, FileStore, MemoryStore, RecordState, RecordStore};
pub use request::{DownloadRequest, parse_sha256_hex};
pub use resume::{ResumeMode, RetryPolicy};
pub use state::{ExternalState, State};
#[cfg(feature = "reqwest")]
pub use transport::ReqwestTransport;
pub use transport::{Body, BoxError, Transport};
