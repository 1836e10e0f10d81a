//! Storing a body read whole before it is answered: a miss for a request
//! with `Range` (a range is cut from the whole stored body) or one served
//! without a Tokio runtime to stream it.

use bytes::{Bytes, BytesMut};
use http::{Request, Response};
use http_body_util::BodyExt;

use crate::body::{full, prefix_then, prefix_then_error};
use crate::flow::{serve, tagged};
use crate::headers::{to_map, without_hop_by_hop};
use crate::record::StoredResponse;
use crate::semantics::Judged;
use crate::store::{BodyRef, Variant, off_thread};
use crate::{Body, CacheStatus, Error, HttpCache};

/// The bytes read so far, kept beside the sink so a store that fails mid-body
/// cannot lose what the network already gave (the chunks are the network's
/// own buffers, shared, not copied).
#[derive(Default)]
struct Read {
    chunks: Vec<Bytes>,
    len: u64,
}

impl Read {
    fn push(&mut self, data: Bytes) {
        self.len += data.len() as u64;
        self.chunks.push(data);
    }

    fn into_bytes(self) -> Bytes {
        match <[Bytes; 1]>::try_from(self.chunks) {
            Ok([one]) => one,
            Err(chunks) => {
                let mut all = BytesMut::with_capacity(usize::try_from(self.len).unwrap_or(0));
                for chunk in chunks {
                    all.extend_from_slice(&chunk);
                }
                all.freeze()
            }
        }
    }
}

impl HttpCache {
    /// Reads `body` into the store, then answers from the stored variant. A
    /// body over the entry limit, cut short by an error, or other than its
    /// `Content-Length` is passed through unstored; so is every body when the
    /// key stays held past the cache lock timeout, or when the store fails (a
    /// failure is counted in [`HttpCache::store_failures`], never the
    /// request's error: the network answered it).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn store_whole(
        &self,
        key: &str,
        request: &Request<Bytes>,
        head: http::response::Parts,
        mut body: Body,
        (mut record, generation): (StoredResponse, u64),
        declared: Option<u64>,
        status: CacheStatus,
    ) -> Result<Response<Body>, Error> {
        // The key's write lock is taken only around the publish below, not
        // while the body is read: a slow body must not hold other writers
        // of the key (a revalidation's header update, a streamed commit).
        let max = self.inner.store.max_entry_size();
        let mut sink = self.inner.store.sink().map_err(|e| self.store_failed(&e)).ok();
        let mut read = Read::default();
        while let Some(frame) = body.frame().await {
            let data = match frame {
                Ok(frame) => match frame.into_data() {
                    Ok(data) => data,
                    // Trailers are not stored.
                    Err(_) => continue,
                },
                Err(error) => {
                    let body = prefix_then_error(read.into_bytes(), error);
                    return Ok(tagged(Response::from_parts(head, body), status));
                }
            };
            if read.len + data.len() as u64 > max {
                // Too large to store: hand over what was read, then the rest.
                read.push(data);
                let body = prefix_then(read.into_bytes(), body);
                return Ok(tagged(Response::from_parts(head, body), status));
            }
            if let Some(writing) = sink.take() {
                let blocking = writing.blocks_on(data.len());
                let chunk = data.clone();
                sink = match off_thread(blocking, writing, move |s| s.write(&chunk)).await {
                    Some((writing, Ok(()))) => Some(writing),
                    Some((_, Err(error))) => {
                        self.store_failed(&error);
                        None
                    }
                    None => None,
                };
            }
            read.push(data);
        }
        let whole = declared.is_none_or(|declared| declared == read.len);
        let (Some(sink), true) = (sink, whole) else {
            // A short (or long) body is not the resource, and a failed store
            // keeps nothing: served as it came, never stored.
            return Ok(tagged(Response::from_parts(head, full(read.into_bytes())), status));
        };
        record.body_len = read.len;
        // A network response goes out with the origin's fields (minus hop-by-hop
        // ones, since the body is now whole), without an Age of our own; fields a
        // qualified `no-cache` names are kept here, only the stored copy lacks them.
        let headers = to_map(&without_hop_by_hop(&head.headers));
        let published = match self.writer(key).await {
            Some(_writer) => {
                self.publish(key, record.clone(), request.headers(), sink, generation).await
            }
            // Another request held the key past the cache lock timeout:
            // not stored, as Chromium's transaction leaves the cache alone
            // then.
            None => Ok(None),
        };
        let variant = match published {
            Ok(Some(variant)) => variant,
            // Not stored (the key held too long, the cache cleared
            // meanwhile, or the store failed): answered from what was read,
            // as the stored copy would have been.
            failed => {
                if let Err(error) = failed {
                    self.store_failed(&error);
                }
                std::sync::Arc::new(Variant {
                    judged: Judged::new(record, self.inner.options),
                    body: BodyRef::Inline(read.into_bytes()),
                })
            }
        };
        serve(&variant, request, headers, status)
    }
}
