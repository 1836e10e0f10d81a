//! A storable network body passed to the client while it is written to the
//! store: the entry is committed only once the body arrived whole.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::mpsc;

use crate::record::StoredResponse;
use crate::store::{BodySink, off_thread};
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
    /// The cache's generation when the request went out: a clear since then
    /// keeps this body out of the store.
    pub generation: u64,
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

/// The rest of a body whose client went away is still read into the store
/// when it is this small: a remainder of its `Content-Length`, or, without
/// one, what arrives before it ends. A redirect-following caller drops a
/// cacheable 301's body unread; Chromium keeps such a redirect's entry even
/// though its body is never read (`DoneReadingRedirectResponse`), and here
/// the small rest is read so that the stored body is whole.
const UNATTENDED_REST: u64 = 64 * 1024;

/// ... and when it arrives within this time (measured by the cache's clock).
const UNATTENDED_TIME: Duration = Duration::from_secs(30);

/// Starts reading `body` on `runtime` into the sink and to the client, and
/// returns the client's body. The task, not the client, drives the network,
/// as Chromium's cache writer does, so a response whose body nobody has read
/// yet is still stored (within [`READ_AHEAD`] frames); it counts as
/// background work ([`HttpCache::background_idle`]) until it ends.
pub(crate) fn tee(runtime: &tokio::runtime::Handle, body: Body, pending: Pending) -> Body {
    let hint = http_body::Body::size_hint(&body);
    let (tx, frames) = mpsc::channel(READ_AHEAD);
    let work = pending.cache.background_work();
    runtime.spawn(async move {
        pump(body, pending, tx).await;
        drop(work);
    });
    BodyExt::boxed(Forwarded { frames, hint, done: false })
}

/// Copies every frame to the client and the data to the sink. The frame that
/// completes a declared length is held back until the entry is committed, and
/// a body without one ends only after the commit, so a client that has the
/// whole body finds the entry on its next request. An error from the network,
/// or a body over the entry limit or other than its `Content-Length`, leaves
/// nothing stored: the sink is dropped, which discards what was written. A
/// client that goes away before the end leaves the rest to
/// [`finish_unattended`].
async fn pump(mut body: Body, pending: Pending, tx: mpsc::Sender<Message>) {
    let mut pending = Some(pending);
    let mut held: Option<Frame<Bytes>> = None;
    loop {
        // A client that went away is noticed before the next frame is taken,
        // or at once while the network is quiet, so what is left is judged
        // from where it left.
        let next = {
            let closed = std::pin::pin!(tx.closed());
            match futures_util::future::select(closed, body.frame()).await {
                futures_util::future::Either::Left(_) => None,
                futures_util::future::Either::Right((next, _)) => Some(next),
            }
        };
        let Some(next) = next else { return finish_unattended(body, pending).await };
        match next {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    pending = keep(pending, data).await;
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
                    return finish_unattended(body, pending).await;
                }
                if !forward(&tx, frame, &mut pending).await {
                    return finish_unattended(body, pending).await;
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
    // The body ended: stored if it is whole, whether or not its client is
    // still there (an empty body, which an HTTP server drops unread for a
    // 204 or a HEAD, included).
    if let Some(p) = pending {
        commit(p).await;
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

/// Writes data to the sink (file writes on tokio's blocking pool); a body
/// over the entry limit, or a store that fails, stops the storing (the body
/// still goes to the client).
async fn keep(pending: Option<Pending>, data: &Bytes) -> Option<Pending> {
    let p = pending?;
    if p.sink.len() + data.len() as u64 > p.max {
        return None;
    }
    let blocking = p.sink.blocks_on(data.len());
    let data = data.clone();
    let (p, written) = off_thread(blocking, p, move |p| p.sink.write(&data)).await?;
    match written {
        Ok(()) => Some(p),
        Err(error) => {
            p.cache.store_failed(&error);
            None
        }
    }
}

/// The client went away before the end: the rest is read into the store
/// when it is at most [`UNATTENDED_REST`] and arrives within
/// [`UNATTENDED_TIME`]; otherwise the body is abandoned (the network body
/// dropped, nothing stored), as before the client left.
///
/// Requests held for this key go on at once (to the network): Chromium's
/// cache writer stops holding its queued transactions when its last
/// consumer goes, and the rest read here is for the store only.
async fn finish_unattended(mut body: Body, mut pending: Option<Pending>) {
    if let Some(p) = pending.as_mut() {
        p.flight.release();
    }
    let allowed = match pending.as_ref() {
        None => return,
        Some(p) => match p.declared {
            Some(declared) => declared.saturating_sub(p.sink.len()),
            None => UNATTENDED_REST,
        },
    };
    if allowed > UNATTENDED_REST {
        return;
    }
    let Some(clock) = pending.as_ref().map(|p| p.cache.inner.clock.clone()) else { return };
    let whole = {
        let rest = std::pin::pin!(async {
            let mut read = 0u64;
            loop {
                match body.frame().await {
                    Some(Ok(frame)) => {
                        let Some(data) = frame.data_ref() else { continue };
                        read += data.len() as u64;
                        if read > allowed {
                            return false;
                        }
                        pending = keep(pending.take(), data).await;
                    }
                    Some(Err(_)) => return false,
                    None => return true,
                }
            }
        });
        let deadline = clock.sleep(UNATTENDED_TIME);
        matches!(
            futures_util::future::select(rest, deadline).await,
            futures_util::future::Either::Left((true, _))
        )
    };
    if whole && let Some(p) = pending {
        commit(p).await;
    }
}

/// Commits a body that ended, when it is whole (its `Content-Length`, if
/// any, met). A key held past the cache lock timeout, or a store that fails
/// to commit, leaves the entry absent; the client has the body all the same.
async fn commit(p: Pending) {
    if p.declared.is_some_and(|declared| declared != p.sink.len()) {
        return;
    }
    let Pending { cache, key, mut record, request, sink, flight, generation, .. } = p;
    record.body_len = sink.len();
    if let Some(_writer) = cache.writer(&key).await
        && let Err(error) = cache.publish(&key, record, &request, sink, generation).await
    {
        cache.store_failed(&error);
    }
    drop(flight);
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
