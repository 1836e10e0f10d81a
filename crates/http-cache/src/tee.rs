//! A storable network body passed to the client while it is written to the
//! store: the entry is committed only once the body arrived whole.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::mpsc;

use crate::record::StoredResponse;
use crate::store::BodySink;
use crate::{Body, BoxError, HttpCache};

/// Frames read ahead of the client: enough for a small body to be stored
/// whole while its response waits unread, bounded so a slow client holds
/// back the network instead of piling a large body up in memory.
const READ_AHEAD: usize = 32;

/// What a body being stored needs to commit its entry.
pub(crate) struct Pending {
    pub cache: HttpCache,
    pub key: String,
    pub record: StoredResponse,
    pub request: HeaderMap,
    pub sink: Box<dyn BodySink>,
    pub declared: Option<u64>,
    pub max: u64,
    /// Holds later requests for the key until this body is settled.
    pub flight: crate::cache::FlightGuard,
}

/// What the pump sends the client: a frame (or the network's error), then
/// [`Message::End`] once the body ended whole.
enum Message {
    Frame(Result<Frame<Bytes>, BoxError>),
    End,
}

/// The client's side: the frames the pump forwards.
struct Forwarded {
    frames: mpsc::Receiver<Message>,
    hint: SizeHint,
    /// An end or an error was passed on: nothing follows.
    done: bool,
}

impl http_body::Body for Forwarded {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let message = std::task::ready!(self.frames.poll_recv(cx));
        Poll::Ready(match message {
            Some(Message::Frame(frame)) => {
                self.done = frame.is_err();
                Some(frame)
            }
            Some(Message::End) => {
                self.done = true;
                None
            }
            // The pump went away without the end marker (its task cancelled
            // by a runtime shutting down, or a panic): the body is truncated,
            // which must not look like a clean end.
            None => {
                self.done = true;
                Some(Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "cache body pump ended early",
                ))))
            }
        })
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

/// Starts reading `body` on `runtime` into the sink and to the client, and
/// returns the client's body. The task, not the client, drives the network,
/// as Chromium's cache writer does, so a response whose body nobody has read
/// yet is still stored (within [`READ_AHEAD`] frames).
pub(crate) fn tee(runtime: &tokio::runtime::Handle, body: Body, pending: Pending) -> Body {
    let hint = http_body::Body::size_hint(&body);
    let (tx, frames) = mpsc::channel(READ_AHEAD);
    runtime.spawn(pump(body, pending, tx));
    BodyExt::boxed(Forwarded { frames, hint, done: false })
}

/// Copies every frame to the client and the data to the sink. The frame that
/// completes a declared length is held back until the entry is committed, and
/// a body without one ends only after the commit, so a client that has the
/// whole body finds the entry on its next request. An error from the network, a body
/// over the entry limit or other than its `Content-Length`, or a client that
/// goes away before the end leaves nothing stored: the sink is dropped, which
/// discards what was written.
async fn pump(mut body: Body, pending: Pending, tx: mpsc::Sender<Message>) {
    let mut pending = Some(pending);
    let mut held: Option<Frame<Bytes>> = None;
    loop {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let (Some(data), Some(p)) = (frame.data_ref(), &mut pending) {
                    let fits = p.sink.len() + data.len() as u64 <= p.max;
                    if !fits || p.sink.write(data).is_err() {
                        // Too large, or the store failed: forwarded, not kept.
                        pending = None;
                    }
                }
                // The frame that completes the declared length waits for the
                // end of the body and the commit: a client holding every byte
                // then finds the entry.
                if pending.as_ref().is_some_and(|p| p.declared == Some(p.sink.len())) {
                    held = Some(frame);
                    continue;
                }
                if let Some(previous) = held.take()
                    && !forward(&tx, previous, &mut pending).await
                {
                    return;
                }
                if !forward(&tx, frame, &mut pending).await {
                    return;
                }
            }
            Some(Err(error)) => {
                if let Some(previous) = held.take()
                    && tx.send(Message::Frame(Ok(previous))).await.is_err()
                {
                    return;
                }
                let _ = tx.send(Message::Frame(Err(error))).await;
                return;
            }
            None => break,
        }
    }
    // A client gone before the end leaves nothing stored; one that never had
    // anything to read (an empty body, which an HTTP server drops unread for
    // a 204 or a HEAD) does not count as gone early.
    let left_early = tx.is_closed() && pending.as_ref().is_some_and(|p| p.sink.len() > 0);
    if let Some(p) = pending
        && !left_early
        && p.declared.is_none_or(|declared| declared == p.sink.len())
    {
        let Pending { cache, key, mut record, request, sink, flight, .. } = p;
        record.body_len = sink.len();
        // A key held past the cache lock timeout, or a store that fails to
        // commit, leaves the entry absent; the client gets the body all the same.
        if let Some(_writer) = cache.writer(&key).await {
            let _ = cache.publish(&key, record, &request, sink).await;
        }
        drop(flight);
    }
    if let Some(last) = held
        && tx.send(Message::Frame(Ok(last))).await.is_err()
    {
        return;
    }
    // The body ended whole: without this the client takes the channel's
    // close for a truncated body.
    let _ = tx.send(Message::End).await;
}

/// Sends a frame to the client; `false` when the client is gone. When the
/// client has not caught up ([`READ_AHEAD`] frames unread), requests waiting
/// for this body are let go first: they might come from the task that holds
/// the unread response.
async fn forward(
    tx: &mpsc::Sender<Message>,
    frame: Frame<Bytes>,
    pending: &mut Option<Pending>,
) -> bool {
    match tx.try_send(Message::Frame(Ok(frame))) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Closed(_)) => false,
        Err(mpsc::error::TrySendError::Full(frame)) => {
            if let Some(p) = pending {
                p.flight.release();
            }
            tx.send(frame).await.is_ok()
        }
    }
}
