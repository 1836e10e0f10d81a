//! The request flow of a private cache (RFC 9111 with Fetch's cache modes).

use std::sync::{Arc, PoisonError};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use url::Url;

use crate::body::{empty, file_range, full};
use crate::cache::{CacheRequest, HttpCache, lock};
use crate::headers::{directives, has, to_map, without_hop_by_hop};
use crate::key::{key_of_serialised, primary_key};
use crate::mode::CacheMode;
use crate::range::{RangeAnswer, resolve};
use crate::semantics::{
    Judged, add_validators, is_error_status, is_fresh_for, is_storable, may_store,
    merge_not_modified, not_modified_applies, record_for, served_headers, stale_if_error_allows,
    stale_while_revalidate, staleness,
};
use crate::store::{BodyRef, Variant};
use crate::{Body, CacheStatus, Error, Upstream};

/// Fields that make a request conditional: Fetch turns `default` mode into
/// `no-store` when the page sends its own (step 5.16 of HTTP-network-or-cache fetch).
const CONDITIONAL: [header::HeaderName; 5] = [
    header::IF_MODIFIED_SINCE,
    header::IF_NONE_MATCH,
    header::IF_UNMODIFIED_SINCE,
    header::IF_MATCH,
    header::IF_RANGE,
];

pub(crate) fn tagged(mut response: Response<Body>, status: CacheStatus) -> Response<Body> {
    response.extensions_mut().insert(status);
    response
}

/// The request's URL as the URL standard serialises it (`Url::as_str`).
fn absolute_url(request: &Request<Bytes>) -> Result<String, Error> {
    let uri = request.uri();
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::InvalidRequest { reason: format!("URI {uri} is not absolute") });
    }
    if let Some(text) = serialised_as_is(uri) {
        debug_assert_eq!(Url::parse(&uri.to_string()).ok().as_ref().map(Url::as_str), Some(&*text));
        return Ok(text);
    }
    Url::parse(&uri.to_string())
        .map(String::from)
        .map_err(|e| Error::InvalidRequest { reason: format!("URI {uri}: {e}") })
}

/// The URL of an `http`/`https` URI that the URL parser would give back
/// unchanged, without running the parser (its host step, IDNA included, is the
/// largest cost of a cache miss); `None` for anything else, which is parsed.
/// Accepted: no user info; a host that is a dotted-decimal IPv4 address in
/// canonical form, or lower-case ASCII labels (letters, digits, hyphens; none
/// `xn--`, the last starting with a letter so it cannot be read as a number);
/// a port without leading zeros that is not the scheme's default; a path and
/// query of characters the parser never encodes, without `%` in the path and
/// without `.`/`..` segments.
fn serialised_as_is(uri: &http::Uri) -> Option<String> {
    let scheme = uri.scheme_str()?;
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = uri.authority()?;
    let host = authority.host();
    let port = authority.port();
    let port_text = port.as_ref().map(|p| p.as_str());
    if authority.as_str().len() != host.len() + port_text.map_or(0, |p| p.len() + 1) {
        return None;
    }
    if let Some(text) = port_text
        && (text.starts_with('0') || text.parse::<u16>().ok()? == default_port)
    {
        return None;
    }
    if !host_as_is(host) {
        return None;
    }
    let path = uri.path();
    let path_ok = path.starts_with('/')
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b))
        && !path.split('/').any(|segment| segment == "." || segment == "..");
    let query_ok = uri.query().is_none_or(|q| {
        !q.is_empty()
            && q.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/?%".contains(&b))
    });
    if !path_ok || !query_ok {
        return None;
    }
    let mut text = String::with_capacity(
        scheme.len()
            + 3
            + authority.as_str().len()
            + path.len()
            + uri.query().map_or(0, |q| q.len() + 1),
    );
    text.push_str(scheme);
    text.push_str("://");
    text.push_str(authority.as_str());
    text.push_str(path);
    if let Some(query) = uri.query() {
        text.push('?');
        text.push_str(query);
    }
    Some(text)
}

/// Whether the URL parser keeps a host as it is (see [`serialised_as_is`]).
fn host_as_is(host: &str) -> bool {
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let parts: Vec<&str> = host.split('.').collect();
        return parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 3
                    && (p.len() == 1 || !p.starts_with('0'))
                    && p.parse::<u8>().is_ok()
            });
    }
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let last_ok =
        host.rsplit('.').next().is_some_and(|l| l.starts_with(|c: char| c.is_ascii_lowercase()));
    labels_ok && last_ok
}

/// When a request went to the network: its time, for the record's age, and
/// the cache's generation then, so that what it brings is not stored when
/// the cache was cleared meanwhile.
#[derive(Clone, Copy)]
struct Sent {
    at: std::time::SystemTime,
    generation: u64,
}

impl HttpCache {
    /// Now, as a request goes to the network.
    fn sent(&self) -> Sent {
        Sent { at: self.inner.clock.now(), generation: self.generation() }
    }
}

/// A copy of the request (bodies of cacheable requests are small or empty).
fn copy_request(request: &Request<Bytes>) -> Request<Bytes> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

impl HttpCache {
    /// Answers a request from the cache or through `upstream`, storing what may be
    /// stored. Every response carries its [`CacheStatus`] in its extensions.
    ///
    /// - Unsafe methods go to the network; a 2xx/3xx answer invalidates the URL and
    ///   same-origin `Location`/`Content-Location` (RFC 9111 §4.4).
    /// - GET and HEAD share an entry; HEAD is answered from a stored GET.
    /// - A fresh variant is served; a stale one within `stale-while-revalidate` is
    ///   served while one background task per key revalidates it; otherwise it is
    ///   revalidated with its `ETag`/`Last-Modified`, and a 304 refreshes its headers.
    /// - A failing origin is replaced by the stale response only where
    ///   `stale-if-error` allows.
    /// - `Range` requests are answered from a complete, fresh stored body; a 206 is
    ///   never stored.
    pub async fn fetch<U: Upstream>(
        &self,
        request: CacheRequest,
        upstream: Arc<U>,
    ) -> Result<Response<Body>, Error> {
        let CacheRequest { request, mut mode, isolation_key } = request;
        let url = absolute_url(&request)?;
        let method = request.method().clone();
        if !method.is_safe() {
            let response = send(&*upstream, request).await?;
            let status = response.status();
            if status.is_success() || status.is_redirection() {
                // Parsed only here: invalidation resolves `Location` against it.
                let url = Url::parse(&url)
                    .map_err(|e| Error::InvalidRequest { reason: format!("URL {url}: {e}") })?;
                // The network answered: a store that fails to forget the
                // URL does not turn that answer into an error.
                if let Err(error) =
                    self.invalidate(&url, response.headers(), isolation_key.as_ref())
                {
                    self.store_failed(&error);
                }
            }
            return Ok(tagged(response, CacheStatus::Bypass));
        }
        if mode == CacheMode::Default
            && CONDITIONAL.iter().any(|h| request.headers().contains_key(h))
        {
            mode = CacheMode::NoStore;
        }
        if mode == CacheMode::NoStore || (method != Method::GET && method != Method::HEAD) {
            let response = send(&*upstream, request).await?;
            return Ok(tagged(response, CacheStatus::Bypass));
        }
        let key = key_of_serialised(&url, isolation_key.as_ref());
        // RFC 9111 §5.2.1.7: a request's own `only-if-cached` directive gets a
        // stored response that satisfies it, or nothing; the network is never asked.
        let directive_only_if_cached = mode == CacheMode::Default
            && has(&directives(request.headers(), &header::CACHE_CONTROL), "only-if-cached");
        if mode != CacheMode::Reload {
            // A body for this key is being stored: wait for its entry rather
            // than ask the network again (Chromium's cache lock), but not
            // longer than the cache lock timeout; then, as Chromium does, the
            // request goes to the network without the cache.
            let flight = lock(&self.inner.in_flight).get(&key).cloned();
            if let Some(flight) = flight
                && !flight.wait_at_most(self).await
            {
                if mode == CacheMode::OnlyIfCached || directive_only_if_cached {
                    return Err(Error::OnlyIfCachedMiss { url });
                }
                let response = send(&*upstream, request).await?;
                return Ok(tagged(response, CacheStatus::Bypass));
            }
        }
        let selected = match mode {
            CacheMode::Reload => None,
            _ => self.select(&key, request.headers())?,
        };
        let Some(variant) = selected else {
            if mode == CacheMode::OnlyIfCached || directive_only_if_cached {
                return Err(Error::OnlyIfCachedMiss { url });
            }
            return self.miss(&key, request, &*upstream, self.sent()).await;
        };
        let now = self.inner.clock.now();
        let headers = served_headers(&variant.judged, now);
        // Fetch's only-if-cached and force-cache take what is stored, fresh or
        // not; no-cache never takes it unasked; the other modes take it fresh.
        let hit = match mode {
            CacheMode::OnlyIfCached | CacheMode::ForceCache => true,
            CacheMode::NoCache => false,
            _ => is_fresh_for(&variant.judged, request.headers(), now),
        };
        if hit {
            return self
                .serve_stored(&key, &variant, request, headers, CacheStatus::Hit, mode, upstream)
                .await;
        }
        match mode {
            // Fetch's no-cache: nothing stored is used without the origin's word,
            // so no stale-if-error either.
            CacheMode::NoCache => {
                Box::pin(self.revalidate(&key, variant, request, upstream, false)).await
            }
            _ if directive_only_if_cached => Err(Error::OnlyIfCachedMiss { url }),
            _ => {
                let window = stale_while_revalidate(&variant.judged, request.headers());
                if window.is_some_and(|w| staleness(&variant.judged, now) <= w)
                    && self.spawn_revalidation(&key, &variant, &request, &upstream)
                {
                    return self
                        .serve_stored(
                            &key,
                            &variant,
                            request,
                            headers,
                            CacheStatus::Stale,
                            mode,
                            upstream,
                        )
                        .await;
                }
                Box::pin(self.revalidate(&key, variant, request, upstream, true)).await
            }
        }
    }

    /// Sends a request the cache had nothing for and stores what may be stored.
    async fn miss<U: Upstream>(
        &self,
        key: &str,
        request: Request<Bytes>,
        upstream: &U,
        sent: Sent,
    ) -> Result<Response<Body>, Error> {
        // A GET with its own `no-store` can have nothing stored (nor update a
        // stored GET, as a HEAD can): it goes out as it is, not copied.
        if request.method() == Method::GET
            && request.headers().contains_key(header::CACHE_CONTROL)
            && has(&directives(request.headers(), &header::CACHE_CONTROL), "no-store")
        {
            let response = send(upstream, request).await?;
            return Ok(tagged(response, CacheStatus::Miss));
        }
        let response = send(upstream, copy_request(&request)).await?;
        self.store_response(key, &request, response, sent, CacheStatus::Miss).await
    }

    /// Serves a stored variant; if its body file vanished between lookup and open
    /// (evicted or replaced by another task), the request goes to the network as a
    /// miss instead (or fails as one in `only-if-cached` mode).
    #[allow(clippy::too_many_arguments)]
    async fn serve_stored<U: Upstream>(
        &self,
        key: &str,
        variant: &Variant,
        request: Request<Bytes>,
        headers: HeaderMap,
        status: CacheStatus,
        mode: CacheMode,
        upstream: Arc<U>,
    ) -> Result<Response<Body>, Error> {
        match serve(variant, &request, headers, status) {
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                if mode == CacheMode::OnlyIfCached {
                    return Err(Error::OnlyIfCachedMiss { url: request.uri().to_string() });
                }
                // Boxed: a hit's future need not carry a network exchange.
                Box::pin(self.miss(key, request, &*upstream, self.sent())).await
            }
            other => other,
        }
    }

    /// The newest stored variant this request selects by `Vary`.
    fn select(&self, key: &str, request: &HeaderMap) -> Result<Option<Arc<Variant>>, Error> {
        let variants = self.inner.store.lookup(key)?;
        Ok(variants.into_iter().find(|v| v.judged.selected_by(request)))
    }

    /// RFC 9111 §4.4: after an unsafe method succeeds, the target URI and the
    /// same-origin `Location` and `Content-Location` URIs are invalidated.
    fn invalidate(
        &self,
        url: &Url,
        headers: &HeaderMap,
        isolation: Option<&crate::IsolationKey>,
    ) -> Result<(), Error> {
        self.inner.store.remove(&primary_key(url, isolation))?;
        for name in [header::LOCATION, header::CONTENT_LOCATION] {
            let Some(value) = headers.get(&name).and_then(|v| v.to_str().ok()) else { continue };
            if let Ok(target) = url.join(value)
                && target.origin() == url.origin()
            {
                self.inner.store.remove(&primary_key(&target, isolation))?;
            }
        }
        Ok(())
    }

    /// Starts the one background revalidation for `key`; `false` when none can
    /// start (no tokio runtime).
    fn spawn_revalidation<U: Upstream>(
        &self,
        key: &str,
        variant: &Arc<Variant>,
        request: &Request<Bytes>,
        upstream: &Arc<U>,
    ) -> bool {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return false };
        if !lock(&self.inner.revalidating).insert(key.to_owned()) {
            // One is already running: serve stale without starting another.
            return true;
        }
        let mut background = copy_request(request);
        background.headers_mut().remove(header::RANGE);
        let refresh =
            Refresh { cache: self.clone(), key: key.to_owned(), _work: self.background_work() };
        let (variant, upstream) = (variant.clone(), upstream.clone());
        runtime.spawn(async move {
            // The response is for nobody; what matters is the store update,
            // which a streamed body makes once it was read to the end.
            let Refresh { cache, key, .. } = &refresh;
            if let Ok(response) = cache.revalidate(key, variant, background, upstream, true).await {
                let _ = response.into_body().collect().await;
            }
            drop(refresh);
        });
        true
    }

    /// Sends a conditional request for a stored variant and acts on the answer;
    /// `stale_on_error` says whether `stale-if-error` may stand in for a failure.
    async fn revalidate<U: Upstream>(
        &self,
        key: &str,
        variant: Arc<Variant>,
        request: Request<Bytes>,
        upstream: Arc<U>,
        stale_on_error: bool,
    ) -> Result<Response<Body>, Error> {
        let mut conditional = copy_request(&request);
        add_validators(&variant.judged.record.headers, conditional.headers_mut());
        let sent = self.sent();
        let response = match upstream.send(conditional).await {
            Ok(response) => response,
            Err(error) => {
                let now = self.inner.clock.now();
                if stale_on_error && stale_if_error_allows(&variant.judged, request.headers(), now)
                {
                    let headers = served_headers(&variant.judged, now);
                    return serve(&variant, &request, headers, CacheStatus::StaleIfError);
                }
                return Err(Error::Upstream(error));
            }
        };
        let now = self.inner.clock.now();
        if response.status() == StatusCode::NOT_MODIFIED {
            let old = &variant.judged.record;
            if !not_modified_applies(&old.headers, response.headers()) {
                // The 304 speaks of another representation: ask again, unconditionally.
                return self.miss(key, request, &*upstream, sent).await;
            }
            let mut record = old.clone();
            record.headers = merge_not_modified(
                &old.headers,
                &dated(response.headers(), now),
                self.inner.options,
            );
            record.request_time = sent.at;
            record.response_time = now;
            // A key held past the cache lock timeout, or a failing store,
            // keeps its old headers; the merged response is served all the same.
            let updated = match self.writer(key).await {
                Some(_writer) => {
                    self.inner.store.update(key, old, record.clone()).unwrap_or_else(|error| {
                        self.store_failed(&error);
                        None
                    })
                }
                None => None,
            };
            // Evicted or replaced meanwhile: serve the merged response all the same.
            let updated = updated.unwrap_or_else(|| {
                Arc::new(Variant {
                    judged: Judged::new(record, self.inner.options),
                    body: variant.body.clone(),
                })
            });
            let headers = served_headers(&updated.judged, now);
            return match serve(&updated, &request, headers, CacheStatus::Revalidated) {
                // The body file went away while the origin answered (evicted or
                // cleared meanwhile): a 304 cannot be served without it, so ask
                // again without validators.
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    self.miss(key, request, &*upstream, self.sent()).await
                }
                other => other,
            };
        }
        if is_error_status(response.status())
            && stale_on_error
            && stale_if_error_allows(&variant.judged, request.headers(), now)
        {
            let headers = served_headers(&variant.judged, now);
            return serve(&variant, &request, headers, CacheStatus::StaleIfError);
        }
        self.store_response(key, &request, response, sent, CacheStatus::Miss).await
    }

    /// Stores a network response when the rules allow, reading its body into the
    /// store first, and answers the request from what was stored.
    async fn store_response(
        &self,
        key: &str,
        request: &Request<Bytes>,
        response: Response<Body>,
        sent: Sent,
        status: CacheStatus,
    ) -> Result<Response<Body>, Error> {
        let (head, body) = response.into_parts();
        let received = self.inner.clock.now();
        if request.method() == Method::HEAD && head.status == StatusCode::OK {
            // Boxed, as is the storing below: inline, their state would make the
            // future of every miss larger, of those that store nothing too.
            let updated = Box::pin(self.update_from_head(
                key,
                request.headers(),
                &head.headers,
                sent.at,
                received,
            ))
            .await
            .unwrap_or_else(|error| {
                // Answered by the network all the same.
                self.store_failed(&error);
                None
            });
            // The client gets the refreshed stored head: stored fields the HEAD did
            // not repeat stay (cache-tests head-200-retain).
            if let Some(updated) = updated {
                let headers = served_headers(&updated.judged, received);
                return serve(&updated, request, headers, CacheStatus::Revalidated);
            }
        }
        let max = self.inner.store.max_entry_size();
        let declared = head
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        // Most responses a cache cannot store are known from the head alone; the
        // record and the policy are built only for those that may be stored.
        let may = may_store(request.method(), request.headers(), &head, self.inner.options);
        debug_assert!(
            may || !self.storable(request, &head, sent.at, received).1,
            "the pre-check refused a storable response: {head:?}"
        );
        if !may || declared.is_some_and(|len| len > max) {
            return Ok(tagged(Response::from_parts(head, body), status));
        }
        Box::pin(self.store_body(key, request, head, body, (sent, received), declared, status))
            .await
    }

    /// The record of a network response and whether the rules let it be stored.
    fn storable(
        &self,
        request: &Request<Bytes>,
        head: &http::response::Parts,
        sent_at: std::time::SystemTime,
        received: std::time::SystemTime,
    ) -> (crate::record::StoredResponse, bool) {
        let record = record_for(
            (request.method(), request.uri(), request.headers()),
            head,
            sent_at,
            received,
            0,
            self.inner.options,
        );
        let judged = Judged::new(record, self.inner.options);
        let storable = is_storable(&judged, request.method(), request.headers());
        (judged.record, storable)
    }

    /// Reads the body of a response the pre-check let through into the store and
    /// answers from what was stored; passes it through when the full rules, its
    /// size or its completeness say it cannot be stored.
    #[allow(clippy::too_many_arguments)]
    async fn store_body(
        &self,
        key: &str,
        request: &Request<Bytes>,
        head: http::response::Parts,
        body: Body,
        (sent, received): (Sent, std::time::SystemTime),
        declared: Option<u64>,
        status: CacheStatus,
    ) -> Result<Response<Body>, Error> {
        let (record, storable) = self.storable(request, &head, sent.at, received);
        if !storable {
            return Ok(tagged(Response::from_parts(head, body), status));
        }
        let max = self.inner.store.max_entry_size();
        if let Ok(runtime) = tokio::runtime::Handle::try_current()
            && !request.headers().contains_key(header::RANGE)
        {
            // Streamed to the client while it is stored; answered as `serve`
            // answers a whole stored body: the origin's status and fields
            // without hop-by-hop ones, no Age of our own.
            let sink = match self.inner.store.sink() {
                Ok(sink) => sink,
                Err(error) => {
                    // The network answered: a failing store only means
                    // nothing is kept.
                    self.store_failed(&error);
                    return Ok(tagged(Response::from_parts(head, body), status));
                }
            };
            let pending = crate::tee::Pending {
                cache: self.clone(),
                key: key.to_owned(),
                record,
                request: request.headers().clone(),
                sink,
                declared,
                max,
                generation: sent.generation,
                flight: crate::cache::FlightGuard::start(self, key),
            };
            let mut response = Response::new(crate::tee::tee(&runtime, body, pending));
            *response.status_mut() = head.status;
            *response.headers_mut() = to_map(&without_hop_by_hop(&head.headers));
            return Ok(tagged(response, status));
        }
        // A range is answered from the whole stored body (see `serve`), so it is
        // read into the store first; so is any body without a runtime to pump it.
        let record = (record, sent.generation);
        Box::pin(self.store_whole(key, request, head, body, record, declared, status)).await
    }
}

impl HttpCache {
    /// RFC 9111 §4.3.5: a 200 to a HEAD updates each stored GET the request could
    /// have used when the validators it carries (`ETag`, `Last-Modified`) and its
    /// `Content-Length` agree with the stored response; otherwise the stored GET
    /// describes another representation and is dropped. The first updated
    /// variant is returned, to answer the HEAD with.
    async fn update_from_head(
        &self,
        key: &str,
        request: &HeaderMap,
        head: &HeaderMap,
        sent_at: std::time::SystemTime,
        received: std::time::SystemTime,
    ) -> Result<Option<Arc<Variant>>, Error> {
        let Some(_writer) = self.writer(key).await else { return Ok(None) };
        let variants = self.inner.store.lookup(key)?;
        let mut first = None;
        for variant in variants.iter().filter(|v| v.judged.selected_by(request)) {
            let old = &variant.judged.record;
            if !same_representation(old, head) {
                self.inner.store.remove(key)?;
                return Ok(None);
            }
            let mut record = old.clone();
            record.headers =
                merge_not_modified(&old.headers, &dated(head, received), self.inner.options);
            record.request_time = sent_at;
            record.response_time = received;
            let updated = self.inner.store.update(key, old, record)?;
            first = first.or(updated);
        }
        Ok(first)
    }

    /// Finishes the body and commits the variant, unless the cache was cleared
    /// since `generation` (then `None`: a response fetched before a clear is
    /// not stored after it). A store that syncs files does it on tokio's
    /// blocking pool ([`HttpCache::blocking`]), so a slow fsync never stalls
    /// other requests.
    pub(crate) async fn publish(
        &self,
        key: &str,
        record: crate::record::StoredResponse,
        request: &HeaderMap,
        sink: Box<dyn crate::store::BodySink>,
        generation: u64,
    ) -> Result<Option<Arc<Variant>>, Error> {
        let cache = self.clone();
        let (key, request) = (key.to_owned(), request.clone());
        let work = move || {
            let output = sink.finish()?;
            // Held across the commit: a clear waits for it, or it sees the clear.
            let _gate = cache.inner.clear_gate.read().unwrap_or_else(PoisonError::into_inner);
            if cache.generation() != generation {
                output.discard();
                return Ok(None);
            }
            cache.inner.store.commit(&key, record, &request, output).map(Some)
        };
        self.blocking(work).await
    }
}

/// A `stale-while-revalidate` refresh in flight: its key leaves
/// `revalidating` when it ends, or when its task is cancelled (a runtime
/// shutting down), so a later stale hit can start another.
struct Refresh {
    /// Dropped before `_work` (field order): a disk cache's index must be
    /// closed by the time [`HttpCache::background_idle`] sees no work left,
    /// or a new handle for the folder can find its lock still held.
    cache: HttpCache,
    key: String,
    _work: crate::cache::BackgroundWork,
}

impl Drop for Refresh {
    fn drop(&mut self) {
        lock(&self.cache.inner.revalidating).remove(&self.key);
    }
}

/// Whether a HEAD response describes the stored response's representation: each
/// validator it carries equals the stored one, and its `Content-Length` (if any)
/// is the stored body's length.
fn same_representation(stored: &crate::record::StoredResponse, head: &HeaderMap) -> bool {
    let validators_agree = [header::ETAG, header::LAST_MODIFIED].iter().all(|name| {
        head.get(name).is_none_or(|new| {
            stored.headers.iter().any(|(n, old)| n == name && old.as_bytes() == new.as_bytes())
        })
    });
    let length_agrees = head.get(header::CONTENT_LENGTH).is_none_or(|v| {
        v.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()) == Some(stored.body_len)
    });
    validators_agree && length_agrees
}

/// The fields of a 304 (or HEAD 200) with a `Date` of its arrival when the origin
/// sent none (RFC 9110 §6.6.1: a recipient with a clock appends one), so the
/// merge replaces the stored response's older `Date` and its age starts afresh.
fn dated(headers: &HeaderMap, now: std::time::SystemTime) -> HeaderMap {
    let mut headers = headers.clone();
    if !headers.contains_key(header::DATE)
        && let Ok(v) = HeaderValue::from_str(&crate::format_http_date(now))
    {
        headers.insert(header::DATE, v);
    }
    headers
}

async fn send<U: Upstream>(upstream: &U, request: Request<Bytes>) -> Result<Response<Body>, Error> {
    upstream.send(request).await.map_err(Error::Upstream)
}

/// A response built from a stored variant: HEAD gets the head only; a GET with a
/// single `Range` gets a 206 sliced from the complete stored body.
pub(crate) fn serve(
    variant: &Variant,
    request: &Request<Bytes>,
    mut headers: HeaderMap,
    status: CacheStatus,
) -> Result<Response<Body>, Error> {
    let record = &variant.judged.record;
    let len = record.body_len;
    let (code, body) = if request.method() == Method::HEAD {
        (record.status, empty())
    } else {
        let range = request
            .headers()
            .get(header::RANGE)
            .filter(|_| {
                record.status == StatusCode::OK && !request.headers().contains_key(header::IF_RANGE)
            })
            .and_then(|v| v.to_str().ok());
        match range.map(|r| resolve(r, len)).unwrap_or(RangeAnswer::Whole) {
            RangeAnswer::Whole => (record.status, body_of(&variant.body, 0, len)?),
            RangeAnswer::Partial { first, last } => {
                let n = last - first + 1;
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
                let range = format!("bytes {first}-{last}/{len}");
                if let Ok(v) = HeaderValue::from_str(&range) {
                    headers.insert(header::CONTENT_RANGE, v);
                }
                (StatusCode::PARTIAL_CONTENT, body_of(&variant.body, first, n)?)
            }
            RangeAnswer::Unsatisfiable => {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0u64));
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                    headers.insert(header::CONTENT_RANGE, v);
                }
                (StatusCode::RANGE_NOT_SATISFIABLE, empty())
            }
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = code;
    *response.headers_mut() = headers;
    Ok(tagged(response, status))
}

fn body_of(body: &BodyRef, offset: u64, len: u64) -> Result<Body, Error> {
    Ok(match body {
        BodyRef::Inline(bytes) => {
            let start = offset.min(bytes.len() as u64) as usize;
            let end = offset.saturating_add(len).min(bytes.len() as u64) as usize;
            full(bytes.slice(start..end))
        }
        BodyRef::File { path, .. } => file_range(path.clone(), offset, len)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut gives exactly what the URL parser gives, and takes the
    /// common shapes of URL.
    #[test]
    fn serialised_as_is_agrees_with_the_url_parser() {
        let taken = [
            "http://127.0.0.1:4000/uncached",
            "https://example.com/a/b?c=1&d=%20",
            "http://a-b.example.org/",
            "http://a.test",
            "https://x.test:8443/p;q=1/@:$!'()*+,=~_.-?/?:@",
            "http://0.0.0.0/",
            "http://255.255.255.255:1/",
            "http://123.example/",
        ];
        let parsed = [
            "HTTP://a.test/",
            "http://A.test/",
            "http://a.test:80/",
            "https://a.test:443/",
            "http://a.test:080/",
            "http://a.test:0/",
            "http://u:p@a.test/",
            "http://127.1/",
            "http://127.0.0.01/",
            "http://256.0.0.1/",
            "http://1.2.3.4.5/",
            "http://0x7f.0.0.1/",
            "http://a.123/",
            "http://a.0x1f/",
            "http://xn--nxasmq6b.test/",
            "http://xn--a.test/",
            "http://a..b/",
            "http://[::1]/",
            "http://[0:0::1]:8080/",
            "http://a.test/a/./b",
            "http://a.test/a/../b",
            "http://a.test/a/%2e%2E/b",
            "http://a.test/%7e",
            "http://a.test/x?",
            "http://a.test/x?a'b",
            "http://a.test/x?a=%zz",
            "http://a.test/{x}",
            "http://a.test/x|y",
            "ftp://a.test/",
            "ws://a.test/",
        ];
        for text in taken.iter().chain(&parsed) {
            let Ok(uri) = text.parse::<http::Uri>() else { continue };
            let expected = Url::parse(&uri.to_string()).ok().map(String::from);
            let shortcut = serialised_as_is(&uri);
            if shortcut.is_some() {
                assert_eq!(shortcut, expected, "{text}");
            }
            if taken.contains(text) {
                assert!(shortcut.is_some(), "{text}");
            }
        }
    }
}
