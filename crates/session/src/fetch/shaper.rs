//! Throughput limits: a token bucket and a body that waits for it.

use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// Largest piece released at once, so a big chunk from the network leaves
/// smoothly rather than in one burst after a long wait.
const MAX_PIECE: usize = 16 * 1024;

/// A token bucket of `rate` bytes per second holding at most a tenth of a
/// second's worth, so an idle connection can't save up a long burst.
///
/// Senders reserve before they send: the tokens are taken at once (the
/// balance may go negative) and the caller waits until the balance would
/// have been paid back. Concurrent senders therefore queue in the order
/// they reserved and share the rate.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    rate: f64,
    capacity: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub(crate) fn new(bytes_per_second: u64) -> Self {
        // u64 → f64 loses precision only above 2^53 bytes per second.
        #[allow(clippy::cast_precision_loss)]
        let rate = bytes_per_second.max(1) as f64;
        let capacity = (rate / 10.0).max(1.0);
        Self { rate, capacity, state: Mutex::new(State { tokens: capacity, last: Instant::now() }) }
    }

    /// The largest piece worth reserving at once.
    pub(crate) fn piece(&self) -> usize {
        // Truncation is fine: the capacity is at least 1.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let capacity = self.capacity as usize;
        capacity.clamp(1, MAX_PIECE)
    }

    /// Takes `bytes` tokens; returns how long to wait before sending them.
    pub(crate) fn reserve(&self, bytes: usize) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let refill = now.duration_since(state.last).as_secs_f64() * self.rate;
        state.tokens = (state.tokens + refill).min(self.capacity);
        state.last = now;
        #[allow(clippy::cast_precision_loss)]
        let bytes = bytes as f64;
        state.tokens -= bytes;
        if state.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-state.tokens / self.rate)
        }
    }
}

/// A body whose data frames are released no faster than a bucket allows.
pub(crate) struct ShapedBody<B> {
    inner: B,
    bucket: std::sync::Arc<TokenBucket>,
    /// Data taken from `inner`, not yet released.
    pending: Bytes,
    /// The piece reserved and waiting for its time.
    ready_at: Option<(Bytes, Pin<Box<Sleep>>)>,
}

impl<B> ShapedBody<B> {
    pub(crate) fn new(inner: B, bucket: std::sync::Arc<TokenBucket>) -> Self {
        Self { inner, bucket, pending: Bytes::new(), ready_at: None }
    }
}

impl<B> HttpBody for ShapedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        loop {
            if let Some((_, sleep)) = &mut this.ready_at {
                ready!(sleep.as_mut().poll(cx));
                if let Some((piece, _)) = this.ready_at.take() {
                    return Poll::Ready(Some(Ok(Frame::data(piece))));
                }
            }
            if !this.pending.is_empty() {
                let n = this.pending.len().min(this.bucket.piece());
                let piece = this.pending.split_to(n);
                let wait = this.bucket.reserve(n);
                if wait.is_zero() {
                    return Poll::Ready(Some(Ok(Frame::data(piece))));
                }
                this.ready_at = Some((piece, Box::pin(tokio::time::sleep(wait))));
                continue;
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => this.pending = data,
                    // Trailers pass as they are.
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                },
                other => return Poll::Ready(other),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.ready_at.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let mut hint = self.inner.size_hint();
        let held = self.pending.len() + self.ready_at.as_ref().map_or(0, |(p, _)| p.len());
        let held = u64::try_from(held).unwrap_or(u64::MAX);
        hint.set_lower(hint.lower().saturating_add(held));
        if let Some(upper) = hint.upper() {
            hint.set_upper(upper.saturating_add(held));
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, Full};

    #[tokio::test(start_paused = true)]
    async fn a_body_takes_its_size_over_the_rate() {
        let bucket = std::sync::Arc::new(TokenBucket::new(10_000));
        let body = ShapedBody::new(Full::new(Bytes::from(vec![7u8; 50_000])), bucket);
        let start = Instant::now();
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(bytes.len(), 50_000);
        // The first tenth of a second's worth leaves at once.
        let elapsed = start.elapsed().as_secs_f64();
        assert!((4.8..=5.0).contains(&elapsed), "{elapsed}");
    }

    #[test]
    fn pieces_follow_the_rate() {
        assert_eq!(TokenBucket::new(100).piece(), 10);
        assert_eq!(TokenBucket::new(1).piece(), 1);
        assert_eq!(TokenBucket::new(100_000_000).piece(), MAX_PIECE);
    }
}
