//! The task behind each item: requests, redirects, the response decision, the
//! body stream, interruptions and automatic resumes. Every decision goes through
//! the pure core ([`crate::response`], [`crate::resume`], [`crate::state`]).

use std::hash::{BuildHasher, Hasher as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, Version};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use url::Url;

use crate::batch::Batcher;
use crate::content_range::ContentRange;
use crate::hasher::Hasher;
use crate::item::{Control, DownloadItem, ItemInner};
use crate::manager::{ManagerInner, WillDownload};
use crate::naming::{
    MAX_NAME_BYTES, sanitize, suggested_file_name, timestamped_name, uniquify_with_limit,
};
use crate::reason::InterruptReason;
use crate::record::MANAGED_HEADERS;
use crate::response::{Outcome, RequestedRange, ResponseHead, check_body_end, classify_response};
use crate::resume::{ResumeMode, resume_mode};
use crate::state::State;
use crate::transport::{Body, BoxError};
use crate::validators::{Validators, resume_request_headers};
use crate::writer::{Checkpoints, Writer};

/// How an attempt ended.
enum End {
    Complete,
    Cancelled,
    Interrupted(InterruptReason),
}

/// What the user asked for while the driver waited.
enum Signal {
    Resume,
    Cancel,
    /// Nobody can resume the item any more: the manager's last handle and
    /// every item handle are gone (see `ManagerInner::closed`).
    Closed,
}

pub(crate) type Ctl = watch::Receiver<Control>;

/// Runs an item until it is done. `wait_for_resume`: a restored item, which
/// waits for `resume()` before its first request.
///
/// `ctl` is subscribed by the caller before the item is handed out, so a
/// `resume()` called before this task first runs is not lost.
pub(crate) async fn drive(
    item: Arc<ItemInner>,
    mgr: Arc<ManagerInner>,
    mut ctl: Ctl,
    wait_for_resume: bool,
) {
    let mut seen_resume = 0;
    let mut waiting = wait_for_resume;
    loop {
        if waiting {
            item.parked.send_replace(true);
            let signal = wait_user(&mut ctl, &item, &mgr, &mut seen_resume).await;
            item.parked.send_replace(false);
            match signal {
                Signal::Cancel => return cancel_now(&item, &mgr),
                // Left as it is, record included: nothing to undo.
                Signal::Closed => return,
                Signal::Resume => item.lock().auto_attempts = 0,
            }
        }
        if item.lock().state == State::Interrupted {
            {
                let mut d = item.lock();
                d.go(State::Resuming);
                d.go(State::TargetResolved);
                d.reason = None;
                d.mode = None;
            }
            item.emit_updated(false);
        }
        let end = attempt(&item, &mgr, &mut ctl).await;
        match end {
            End::Complete => return,
            End::Cancelled => return cancel_now(&item, &mgr),
            End::Interrupted(reason) => {
                match interrupted(&item, &mgr, &mut ctl, &mut seen_resume, reason).await {
                    Next::Done => return,
                    Next::Cancel => return cancel_now(&item, &mgr),
                    Next::Auto => {
                        item.lock().auto_attempts += 1;
                        waiting = false;
                    }
                    Next::User => waiting = true,
                }
            }
        }
    }
}

enum Next {
    Done,
    Cancel,
    Auto,
    User,
}

/// Applies an interruption: state, resume mode, partial file, events; then waits
/// out the backoff of an automatic resume.
async fn interrupted(
    item: &Arc<ItemInner>,
    mgr: &Arc<ManagerInner>,
    ctl: &mut Ctl,
    seen_resume: &mut u64,
    reason: InterruptReason,
) -> Next {
    // Chromium holds an interruption that comes before the target path is chosen
    // and applies it once it is.
    if item.lock().state == State::TargetPending {
        item.lock().go(State::InterruptedTargetPending);
        match resolve_target(item, mgr) {
            Ok(true) => {}
            Ok(false) => return Next::Cancel,
            // The path itself is unusable: report that rather than the network.
            Err(_) => {}
        }
        item.lock().go(State::TargetResolved);
    }
    let (mode, partial, attempts) = {
        let mut d = item.lock();
        d.go(State::Interrupted);
        d.reason = Some(reason);
        let strong = d.validators.as_ref().is_some_and(Validators::can_continue);
        let mut mode = resume_mode(reason, d.committed, strong, d.auto_attempts, d.paused);
        if mode.is_automatic() && d.auto_attempts >= mgr.config.retry.max_attempts {
            mode = mode.requiring_user();
        }
        d.mode = Some(mode);
        if !mode.keeps_partial_file() {
            d.restart_pending |= d.committed > 0;
            d.committed = 0;
            d.fingerprint = None;
        }
        (mode, d.partial_path(&item.partial_suffix), d.auto_attempts)
    };
    item.speed.store(0, Ordering::Relaxed);
    if !mode.keeps_partial_file() {
        item.received.store(0, Ordering::Relaxed);
        if let Some(p) = &partial {
            let _ = std::fs::remove_file(p);
        }
    }
    item.persist();
    if mode == ResumeMode::Invalid {
        mgr.release(item.lock().target.as_deref());
        item.emit_done();
        return Next::Done;
    }
    *seen_resume = ctl.borrow().resume_seq;
    item.emit_updated(false);
    if !mode.is_automatic() {
        return Next::User;
    }
    let mut rng = jitter_source();
    let Some(delay) = mgr.config.retry.delay(mode, attempts, &mut rng) else {
        item.lock().mode = Some(mode.requiring_user());
        return Next::User;
    };
    let sleep = tokio::time::sleep(delay);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return Next::Auto,
            changed = ctl.changed() => {
                if changed.is_err() {
                    return Next::Cancel;
                }
                let c = *ctl.borrow_and_update();
                if c.cancelled {
                    return Next::Cancel;
                }
                if c.resume_seq != *seen_resume {
                    // The user resumed during the backoff: go now.
                    *seen_resume = c.resume_seq;
                    item.lock().auto_attempts = 0;
                    return Next::Auto;
                }
                if c.paused {
                    // Pausing hands the decision to the user (Chromium's rule).
                    item.lock().mode = Some(mode.requiring_user());
                    item.persist();
                    return Next::User;
                }
            }
        }
    }
}

/// A fresh random seed per call from the standard library's hash keys.
fn jitter_source() -> impl FnMut() -> u64 {
    let mut state = std::collections::hash_map::RandomState::new().build_hasher().finish() | 1;
    move || {
        // xorshift64*: plenty for spreading retry delays.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

async fn wait_user(ctl: &mut Ctl, item: &ItemInner, mgr: &ManagerInner, seen: &mut u64) -> Signal {
    // Both senders live in what this task holds: `changed` never fails.
    let mut closed = mgr.closed.subscribe();
    let mut handles = item.handles.subscribe();
    loop {
        let c = *ctl.borrow_and_update();
        if c.cancelled {
            return Signal::Cancel;
        }
        if c.resume_seq != *seen {
            *seen = c.resume_seq;
            return Signal::Resume;
        }
        if *closed.borrow_and_update() && *handles.borrow_and_update() == 0 {
            return Signal::Closed;
        }
        tokio::select! {
            changed = ctl.changed() => if changed.is_err() {
                return Signal::Cancel;
            },
            _ = closed.changed() => {}
            _ = handles.changed() => {}
        }
    }
}

async fn wait_cancelled(ctl: &mut Ctl) {
    loop {
        if ctl.borrow_and_update().cancelled {
            return;
        }
        if ctl.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

fn cancel_now(item: &Arc<ItemInner>, mgr: &Arc<ManagerInner>) {
    let (partial, target) = {
        let mut d = item.lock();
        if d.state.can_transition_to(State::Cancelled) {
            d.go(State::Cancelled);
        }
        d.end_time = Some(SystemTime::now());
        d.committed = 0;
        d.fingerprint = None;
        (d.partial_path(&item.partial_suffix), d.target.clone())
    };
    if let Some(p) = partial {
        let _ = std::fs::remove_file(p);
    }
    item.persist();
    mgr.release(target.as_deref());
    item.emit_done();
}

/// Chromium's mapping of a failed request to a reason, as far as a generic error
/// shows it: a timeout somewhere in the chain is `NETWORK_TIMEOUT`, anything else
/// `NETWORK_FAILED`.
fn transport_reason(e: &BoxError) -> InterruptReason {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.as_ref());
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return InterruptReason::NetworkTimeout;
        }
        source = err.source();
    }
    InterruptReason::NetworkFailed
}

/// Chromium's `ConvertFileErrorToInterruptReason`, for the kinds std reports.
fn file_reason(e: &std::io::Error) -> InterruptReason {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied | K::ReadOnlyFilesystem => InterruptReason::FileAccessDenied,
        K::StorageFull | K::QuotaExceeded => InterruptReason::FileNoSpace,
        K::FileTooLarge => InterruptReason::FileTooLarge,
        K::InvalidFilename => InterruptReason::FileNameTooLong,
        _ => InterruptReason::FileFailed,
    }
}

/// Sends the request, following redirects; on a resume, a redirect to another
/// origin is refused (`SERVER_CROSS_ORIGIN_REDIRECT`, as Chromium does).
async fn send_following(
    item: &Arc<ItemInner>,
    mgr: &Arc<ManagerInner>,
    ctl: &mut Ctl,
    mut url: Url,
    headers: &HeaderMap,
    resuming: bool,
) -> Result<http::Response<Body>, End> {
    let origin = url.origin();
    let mut hops = 0u32;
    loop {
        let mut request = http::Request::get(url.as_str())
            .body(Bytes::new())
            .map_err(|_| End::Interrupted(InterruptReason::NetworkInvalidRequest))?;
        *request.headers_mut() = headers.clone();
        let send = mgr.transport.send_boxed(request);
        let response = tokio::select! {
            biased;
            () = wait_cancelled(ctl) => return Err(End::Cancelled),
            r = tokio::time::timeout(mgr.config.stall_timeout, send) => r,
        };
        let response = match response {
            Err(_) => return Err(End::Interrupted(InterruptReason::NetworkTimeout)),
            Ok(Err(e)) => return Err(End::Interrupted(transport_reason(&e))),
            Ok(Ok(r)) => r,
        };
        if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
            return Ok(response);
        }
        let next = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| url.join(l).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or(End::Interrupted(InterruptReason::NetworkInvalidRequest))?;
        if resuming && next.origin() != origin {
            return Err(End::Interrupted(InterruptReason::ServerCrossOriginRedirect));
        }
        hops += 1;
        if hops > mgr.config.max_redirects {
            return Err(End::Interrupted(InterruptReason::NetworkFailed));
        }
        {
            let mut d = item.lock();
            d.url_chain.push(next.clone());
            d.url = next.clone();
        }
        url = next;
    }
}

/// Chooses the target path: the will-download handler, else the item's save
/// path, else a unique name in the download directory (Chromium's reservation
/// tracker: unique against files on disk, partial files and downloads in
/// flight). `Ok(false)`: the handler cancelled.
fn resolve_target(item: &Arc<ItemInner>, mgr: &Arc<ManagerInner>) -> Result<bool, InterruptReason> {
    let (url, cd, suggested, discard) = {
        let d = item.lock();
        (d.url.clone(), d.content_disposition.clone(), d.suggested_name.clone(), d.discard)
    };
    let name = suggested_file_name(&url, cd.as_deref().map(str::as_bytes), suggested.as_deref());
    item.lock().filename.clone_from(&name);
    if discard {
        return Ok(true);
    }
    let handle = DownloadItem::handle(item.clone());
    let _ = mgr.events.send(crate::event::DownloadEvent::Created(handle.clone()));
    let decision = mgr.handler().map_or(WillDownload::Continue, |h| h(&handle));
    let chosen = match decision {
        WillDownload::Cancel => return Ok(false),
        WillDownload::SavePath(p) => Some(p),
        _ => item.lock().save_path.clone(),
    };
    let suffix = &item.partial_suffix;
    let target = {
        let mut reserved = mgr.reserved();
        let target = match chosen {
            // Electron overwrites a file at an explicit path, but two downloads
            // in flight must never share one partial file: the later one gets
            // a unique name beside it, as Chromium's reservation tracker does
            // for a path in use.
            Some(p) if reserved.contains(&p) => {
                let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                let own = p.file_name().map(|n| n.to_string_lossy().into_owned());
                unique_path(&dir, own.as_deref().unwrap_or(&name), suffix, &reserved)
                    .ok_or(InterruptReason::FileFailed)?
            }
            Some(p) => p,
            None => unique_path(&mgr.download_dir(), &name, suffix, &reserved)
                .ok_or(InterruptReason::FileFailed)?,
        };
        reserved.insert(target.clone());
        target
    };
    item.lock().target = Some(target.clone());
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| file_reason(&e))?;
    }
    Ok(true)
}

/// Chromium checks the partial file before continuing it (`BaseFile`): a file
/// shorter than the bytes received is `FILE_TOO_SHORT`, a prefix whose hash
/// changed is `FILE_HASH_MISMATCH`, both restarts; a longer file is cut back.
/// The file may have been deleted or changed while the item waited, and
/// continuing it would leave a hole of zeros or foreign bytes in the result, so
/// the same check (length, and the fingerprint of the 64 KiB before the offset
/// when one was recorded) runs before every attempt; a failed check restarts
/// from zero and the attempt's first event says `restarted`.
fn check_partial_before_continuing(item: &Arc<ItemInner>) {
    let (partial, committed, fingerprint) = {
        let d = item.lock();
        (d.partial_path(&item.partial_suffix), d.committed, d.fingerprint.clone())
    };
    let Some(partial) = partial.filter(|_| committed > 0) else { return };
    let trusted = crate::restore::check_partial(&partial, committed, fingerprint.as_deref());
    if trusted < committed {
        let mut d = item.lock();
        d.committed = 0;
        d.fingerprint = None;
        d.restart_pending = true;
        drop(d);
        item.received.store(0, Ordering::Relaxed);
    }
}

/// A name in `dir` for `name` that is not an existing file, partial file or
/// another download's target: Chromium's reservation tracker, with numbered
/// names, then one time-stamped name. Like Chromium, which keeps room for
/// `.crdownload`, the name leaves room for the partial suffix: `<target>.part`
/// must fit in one path component too.
fn unique_path(
    dir: &Path,
    name: &str,
    suffix: &str,
    reserved: &std::collections::HashSet<PathBuf>,
) -> Option<PathBuf> {
    let taken = |n: &str| {
        let p = dir.join(n);
        reserved.contains(&p) || p.exists() || crate::item::partial_path(&p, suffix).exists()
    };
    let budget = MAX_NAME_BYTES.saturating_sub(suffix.len()).max(1);
    let name = sanitize(name, budget).unwrap_or_else(|| name.to_owned());
    let unique = uniquify_with_limit(&name, budget, taken).or_else(|| {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        timestamped_name(&name, millis, budget).filter(|n| !taken(n))
    })?;
    Some(dir.join(unique))
}

/// Where a response body must end.
#[derive(Clone, Copy)]
struct BodyLimits {
    /// The response's `Content-Length`.
    content_length: Option<u64>,
    /// One past the last byte of a 206's `Content-Range`, as a file offset.
    range_end: Option<u64>,
}

struct Head {
    status: u16,
    content_range: Option<Vec<u8>>,
    content_length: Option<u64>,
}

/// One request and, if the answer is good, its body to the end.
async fn attempt(item: &Arc<ItemInner>, mgr: &Arc<ManagerInner>, ctl: &mut Ctl) -> End {
    check_partial_before_continuing(item);
    let (url, mut headers, committed, validators, expected_total, resuming) = {
        let d = item.lock();
        (
            d.url.clone(),
            d.headers.clone(),
            d.committed,
            d.validators.clone(),
            d.total,
            d.state == State::TargetResolved,
        )
    };
    let (offset, extra) = resume_request_headers(committed, validators.as_ref());
    for name in MANAGED_HEADERS {
        headers.remove(*name);
    }
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    let response = match send_following(item, mgr, ctl, url.clone(), &headers, resuming).await {
        Ok(r) => r,
        Err(end) => return end,
    };
    let (parts, body) = response.into_parts();
    let text = |name| parts.headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let head = Head {
        status: parts.status.as_u16(),
        content_range: parts.headers.get(CONTENT_RANGE).map(|v| v.as_bytes().to_vec()),
        content_length: text(CONTENT_LENGTH).and_then(|v| v.trim().parse().ok()),
    };
    let outcome = classify_response(
        &ResponseHead {
            status: head.status,
            content_range: head.content_range.as_deref(),
            content_length: head.content_length,
        },
        &RequestedRange { offset, expected_total: expected_total.filter(|_| offset > 0) },
    );
    let fresh_body = matches!(outcome, Outcome::Start { .. });
    {
        let mut d = item.lock();
        if fresh_body || d.target.is_none() {
            d.mime_type = text(CONTENT_TYPE).unwrap_or_default().to_owned();
            d.content_disposition = text(CONTENT_DISPOSITION).map(str::to_owned);
        }
        if fresh_body {
            d.validators = Validators::from_response(
                parts.version >= Version::HTTP_11,
                text(http::header::ETAG),
                text(http::header::LAST_MODIFIED),
                text(http::header::DATE),
            );
        }
    }
    if let Outcome::Interrupt(reason) = outcome {
        return End::Interrupted(reason);
    }
    if item.lock().state == State::TargetPending {
        match resolve_target(item, mgr) {
            Ok(true) => item.lock().go(State::TargetResolved),
            Ok(false) => return End::Cancelled,
            Err(reason) => {
                item.lock().go(State::InterruptedTargetPending);
                item.lock().go(State::TargetResolved);
                return End::Interrupted(reason);
            }
        }
    }
    let (start, restarted) = match outcome {
        Outcome::AlreadyComplete { total } => {
            item.lock().total = Some(total);
            item.lock().go(State::InProgress);
            return finish(item, mgr, None, None, total).await;
        }
        Outcome::Continue { offset, total } => {
            item.lock().total = total;
            (offset, false)
        }
        Outcome::Start { total, restart } => {
            {
                let mut d = item.lock();
                d.total = total;
                d.committed = 0;
                d.fingerprint = None;
            }
            item.received.store(0, Ordering::Relaxed);
            // Say so when bytes already downloaded are thrown away.
            (0, restart.is_some() || committed > 0)
        }
        _ => return End::Interrupted(InterruptReason::ServerBadContent),
    };
    item.received.store(start, Ordering::Relaxed);
    let restarted = {
        let mut d = item.lock();
        d.go(State::InProgress);
        restarted || std::mem::take(&mut d.restart_pending)
    };
    item.persist();
    item.emit_updated(restarted);
    let strong = item.lock().validators.is_some();
    // A 206 ends where its own Content-Range says; bytes past it are not the
    // file's (checked even when no Content-Length bounds the body).
    let range_end = head
        .content_range
        .as_deref()
        .filter(|_| head.status == 206)
        .and_then(|v| ContentRange::parse(v).ok())
        .and_then(|r| match r {
            ContentRange::Bytes { last, .. } => last.checked_add(1),
            ContentRange::Unsatisfied { .. } => None,
        });
    let limits = BodyLimits { content_length: head.content_length, range_end };
    stream(item, mgr, ctl, body, start, limits, strong).await
}

enum Output {
    File { writer: Writer, hasher: Option<Hasher>, path: PathBuf },
    Discard { sha: Option<Sha256> },
}

impl Output {
    async fn push(&mut self, offset: u64, batch: Vec<Bytes>) -> Result<(), InterruptReason> {
        match self {
            Self::File { writer, hasher, .. } => {
                if let Some(h) = hasher {
                    h.offer(offset, &batch);
                }
                writer.write(batch).await.map_err(|e| file_reason(&e))
            }
            Self::Discard { sha } => {
                if let Some(sha) = sha {
                    batch.iter().for_each(|b| sha.update(b));
                }
                Ok(())
            }
        }
    }
}

/// Streams the body from `start`; see the module docs of [`crate::writer`] and
/// [`crate::hasher`] for what happens off this task.
#[allow(clippy::too_many_lines)] // one loop, read top to bottom
async fn stream(
    item: &Arc<ItemInner>,
    mgr: &Arc<ManagerInner>,
    ctl: &mut Ctl,
    mut body: Body,
    start: u64,
    limits: BodyLimits,
    strong: bool,
) -> End {
    let (discard, partial, expected) = {
        let d = item.lock();
        (d.discard, d.partial_path(&item.partial_suffix), d.expected_sha256)
    };
    let BodyLimits { content_length, range_end } = limits;
    let mut out = match (discard, partial) {
        (false, Some(path)) => {
            let checkpoints = mgr.store.as_ref().map(|_| {
                let weak = Arc::downgrade(item);
                Checkpoints {
                    interval: mgr.config.checkpoint_interval,
                    on_durable: Arc::new(move |offset, fp| {
                        if let Some(item) = weak.upgrade() {
                            item.durable(offset, fp);
                        }
                    }),
                }
            });
            let writer = match Writer::open(&path, start, checkpoints) {
                Ok(w) => w,
                Err(e) => return End::Interrupted(file_reason(&e)),
            };
            let hasher = expected.and_then(|_| Hasher::spawn(path.clone()).ok());
            Output::File { writer, hasher, path }
        }
        _ => Output::Discard { sha: expected.map(|_| Sha256::new()) },
    };
    let mut batch = Batcher::new();
    let mut written = start;
    let mut got = 0u64;
    let stall = mgr.config.stall_timeout;
    let mut progress = Progress::new(mgr.config.update_interval, start);
    let mut last_data = Instant::now();
    // One timer for both the progress tick and the stall check, re-armed at
    // most once per update period rather than once per frame.
    let timer = tokio::time::sleep_until(progress.wake_at(last_data, stall).into());
    tokio::pin!(timer);
    let end = loop {
        if ctl.borrow_and_update().cancelled {
            break End::Cancelled;
        }
        if ctl.borrow().paused {
            if let Err(r) = flush(&mut out, &mut batch, &mut written).await {
                break End::Interrupted(r);
            }
            if let Output::File { writer, .. } = &out
                && mgr.store.is_some()
                && let Err(e) = writer.sync().await
            {
                break End::Interrupted(file_reason(&e));
            }
            item.speed.store(0, Ordering::Relaxed);
            item.parked.send_replace(true);
            let unpaused = wait_unpaused(ctl).await;
            item.parked.send_replace(false);
            if !unpaused {
                break End::Cancelled;
            }
            last_data = Instant::now();
            progress.restart(last_data, item.received.load(Ordering::Relaxed));
            timer.as_mut().reset(progress.wake_at(last_data, stall).into());
            continue;
        }
        let frame = tokio::select! {
            biased;
            _ = ctl.changed() => continue,
            f = body.frame() => f,
            () = &mut timer => {
                let now = Instant::now();
                if now.duration_since(last_data) >= stall {
                    break End::Interrupted(InterruptReason::NetworkTimeout);
                }
                // Chromium's progress timer runs whether or not bytes came:
                // a stall shows as 0 B/s and `updated` keeps coming.
                progress.tick_if_due(item, now);
                timer.as_mut().reset(progress.wake_at(last_data, stall).into());
                continue;
            }
        };
        last_data = Instant::now();
        let data = match frame {
            None => {
                break match check_body_end(got, content_length, strong) {
                    Ok(()) => End::Complete,
                    Err(r) => End::Interrupted(r),
                };
            }
            Some(Err(_)) => {
                // A connection lost before the announced length is a
                // content-length mismatch. Deviation: Chromium counts it as
                // complete when there are no strong validators; we never keep a
                // file we know is short: without validators the resume mode
                // restarts it from zero.
                break match content_length {
                    Some(len) if got < len => {
                        End::Interrupted(InterruptReason::ServerContentLengthMismatch)
                    }
                    _ => End::Interrupted(InterruptReason::NetworkFailed),
                };
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        let n = data.len();
        if range_end.is_some_and(|end| (start + got).saturating_add(n as u64) > end) {
            // A 206 without Content-Length that overruns its own range:
            // appending would put stray bytes into the file.
            break End::Interrupted(InterruptReason::ServerNoRange);
        }
        got += n as u64;
        item.received.fetch_add(n as u64, Ordering::Relaxed);
        if let Output::Discard { sha } = &mut out {
            // Nothing to write: hash if asked and let the transport have its
            // buffer back at once.
            if let Some(sha) = sha {
                sha.update(&data);
            }
            written += n as u64;
        } else if batch.push(data)
            && let Err(r) = flush(&mut out, &mut batch, &mut written).await
        {
            break End::Interrupted(r);
        }
        let wait = match (item.limiter.take(n), mgr.limiter.take(n)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some(wait) = wait {
            tokio::select! {
                biased;
                () = wait_cancelled(ctl) => break End::Cancelled,
                () = tokio::time::sleep(wait) => {}
            }
        }
        progress.tick_if_due(item, Instant::now());
    };
    let end = match end {
        End::Complete => {
            let received = item.received.load(Ordering::Relaxed);
            let mut d = item.lock();
            match d.total {
                Some(t) if received > t => {
                    d.total = None;
                    End::Complete
                }
                // The body ended cleanly before the complete length (a 206 whose
                // range stops short of it): the file is not whole, and a file we
                // know is short is never completed. The bytes that came are good,
                // so its resume mode continues from them.
                Some(t) if received < t => {
                    End::Interrupted(InterruptReason::ServerContentLengthMismatch)
                }
                _ => End::Complete,
            }
        }
        other => other,
    };
    match end {
        End::Cancelled => {
            if let Output::File { writer, .. } = out {
                let _ = writer.close(false).await;
            }
            End::Cancelled
        }
        End::Interrupted(reason) => {
            let flushed = flush(&mut out, &mut batch, &mut written).await;
            let kept = match out {
                Output::File { writer, .. } => writer.close(mgr.store.is_some()).await.ok(),
                Output::Discard { .. } => Some(0),
            };
            match (flushed, kept) {
                (Ok(()), Some(len)) => {
                    let mut d = item.lock();
                    d.committed = d.committed.max(len);
                    End::Interrupted(reason)
                }
                // The partial file cannot be trusted: say why.
                (Err(r), _) => End::Interrupted(r),
                (Ok(()), None) => End::Interrupted(InterruptReason::FileFailed),
            }
        }
        End::Complete => {
            if let Err(r) = flush(&mut out, &mut batch, &mut written).await {
                return End::Interrupted(r);
            }
            match out {
                Output::File { writer, hasher, path } => {
                    // A recorded download is synced before its rename, so a
                    // "complete" record never points at a torn file.
                    let len = match writer.close(mgr.store.is_some()).await {
                        Ok(len) => len,
                        Err(e) => return End::Interrupted(file_reason(&e)),
                    };
                    finish(item, mgr, hasher.map(|h| (h, path)), None, len).await
                }
                Output::Discard { sha } => finish(item, mgr, None, sha, written).await,
            }
        }
    }
}

/// Chromium's progress accounting (`kUpdatePeriodMs`): every `interval` the
/// rate is measured over the period just ended and `updated` is emitted.
struct Progress {
    interval: Duration,
    tick_at: Instant,
    tick_bytes: u64,
}

impl Progress {
    fn new(interval: Duration, received: u64) -> Self {
        Self { interval, tick_at: Instant::now(), tick_bytes: received }
    }

    /// Starts a new measuring period (after a pause).
    const fn restart(&mut self, now: Instant, received: u64) {
        self.tick_at = now;
        self.tick_bytes = received;
    }

    /// When the stream task must wake even without data: the next tick, or the
    /// stall deadline if sooner. At least 1 ms ahead, so a zero interval cannot
    /// spin.
    fn wake_at(&self, last_data: Instant, stall: Duration) -> Instant {
        let tick = self.tick_at + self.interval.max(Duration::from_millis(1));
        tick.min(last_data + stall)
    }

    fn tick_if_due(&mut self, item: &ItemInner, now: Instant) {
        let elapsed = now.duration_since(self.tick_at);
        if elapsed < self.interval || elapsed.is_zero() {
            return;
        }
        let received = item.received.load(Ordering::Relaxed);
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let speed =
            (received.saturating_sub(self.tick_bytes) as f64 / elapsed.as_secs_f64()) as u64;
        item.speed.store(speed, Ordering::Relaxed);
        self.tick_at = now;
        self.tick_bytes = received;
        let due = {
            let mut d = item.lock();
            // Chromium forgets a total that the bytes already exceed.
            if d.total.is_some_and(|t| received > t) {
                d.total = None;
            }
            d.last_update.is_none_or(|t| now.duration_since(t) >= self.interval)
        };
        if due {
            item.emit_updated(false);
        }
    }
}

async fn flush(
    out: &mut Output,
    batch: &mut Batcher,
    written: &mut u64,
) -> Result<(), InterruptReason> {
    if batch.len() == 0 {
        return Ok(());
    }
    let offset = *written;
    *written += batch.len() as u64;
    out.push(offset, batch.take()).await
}

/// Waits while paused; `false` when cancelled.
async fn wait_unpaused(ctl: &mut Ctl) -> bool {
    loop {
        let c = *ctl.borrow_and_update();
        if c.cancelled {
            return false;
        }
        if !c.paused {
            return true;
        }
        if ctl.changed().await.is_err() {
            return false;
        }
    }
}

/// Checks the digest, renames the partial file and completes the item.
async fn finish(
    item: &Arc<ItemInner>,
    mgr: &Arc<ManagerInner>,
    hasher: Option<(Hasher, PathBuf)>,
    sha: Option<Sha256>,
    len: u64,
) -> End {
    let (expected, partial, target) = {
        let d = item.lock();
        (d.expected_sha256, d.partial_path(&item.partial_suffix), d.target.clone())
    };
    let digest: Option<[u8; 32]> = match (hasher, sha) {
        (Some((h, _)), _) => match h.finish(len).await {
            Ok(d) => Some(d),
            Err(e) => return End::Interrupted(file_reason(&e)),
        },
        (None, Some(sha)) => Some(sha.finalize().into()),
        (None, None) => match (&expected, &partial) {
            // Completed by a 416 at the end: hash what is on disk.
            (Some(_), Some(p)) => match hash_file(p.clone()).await {
                Ok(d) => Some(d),
                Err(e) => return End::Interrupted(file_reason(&e)),
            },
            _ => None,
        },
    };
    if let (Some(want), Some(got)) = (expected, digest)
        && want != got
    {
        // Our choice: a file that fails the caller's checksum is final.
        return End::Interrupted(InterruptReason::FileSecurityCheckFailed);
    }
    if let (Some(partial), Some(target)) = (&partial, &target)
        && let Err(e) = rename(partial, target)
    {
        return End::Interrupted(file_reason(&e));
    }
    item.received.store(len, Ordering::Relaxed);
    {
        let mut d = item.lock();
        d.committed = len;
        d.go(State::Completing);
        d.go(State::Complete);
        d.end_time = Some(SystemTime::now());
        if d.total.is_none() && !d.discard {
            d.total = Some(len);
        }
    }
    item.persist();
    mgr.release(target.as_deref());
    item.emit_done();
    End::Complete
}

fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        // Windows refuses to replace: Electron overwrites an existing file.
        Err(_) if to.exists() => {
            std::fs::remove_file(to)?;
            std::fs::rename(from, to)
        }
        r => r,
    }
}

async fn hash_file(path: PathBuf) -> std::io::Result<[u8; 32]> {
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(path)?;
        let mut sha = Sha256::new();
        std::io::copy(&mut file, &mut sha)?;
        Ok(sha.finalize().into())
    })
    .await
    .map_err(std::io::Error::other)?
}
