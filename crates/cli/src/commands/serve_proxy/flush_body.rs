//! A response body whose error waits until what came before it was sent.
//!
//! When a body fails, hyper closes the connection at once and drops what
//! it had buffered but not yet written. A body read from the network fails
//! long after its last bytes were flushed; one the HTTP cache hands over
//! (the bytes it read before the origin failed, then the error) fails in
//! the very next poll, so the client would see nothing, not even the head.
//! Returning `Pending` once before the error lets hyper flush first.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use sessionkit::{Body, BoxError};

/// Wraps a response body; see the module docs.
pub(super) struct FlushBeforeError {
    inner: Body,
    /// An error held back for one poll.
    held: Option<BoxError>,
    /// Whether a frame went out since the last `Pending`.
    unflushed: bool,
}

impl FlushBeforeError {
    pub(super) fn new(inner: Body) -> Self {
        Self { inner, held: None, unflushed: true }
    }
}

impl HttpBody for FlushBeforeError {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(error) = self.held.take() {
            return Poll::Ready(Some(Err(error)));
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Err(error))) if self.unflushed => {
                self.held = Some(error);
                self.unflushed = false;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Poll::Ready(Some(Ok(frame))) => {
                self.unflushed = true;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                self.unflushed = false;
                Poll::Pending
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
