//! Storing a created cookie: secure-cookie and HttpOnly protections, overwrite
//! with its change events, then the limits.

use crate::context::Reader;
use crate::cookie::Cookie;
use crate::domain::{domain_match, index_key};
use crate::error::Rejection;
use crate::events::{ChangeCause, Changes};
use crate::jar::Policy;
use crate::rules::path_match;
use crate::store::Store;
use crate::time::Timestamp;

/// How the write arrived.
pub(crate) struct Source {
    /// The request URL is secure or trustworthy.
    pub(crate) trustworthy: bool,
    pub(crate) reader: Reader,
}

/// Same data apart from the times: a "no change" overwrite.
fn same_data(a: &Cookie, b: &Cookie) -> bool {
    a.value() == b.value()
        && a.expiry() == b.expiry()
        && a.secure() == b.secure()
        && a.http_only() == b.http_only()
        && a.same_site() == b.same_site()
        && a.priority() == b.priority()
        && a.source_scheme() == b.source_scheme()
}

/// Stores `cookie` (created at `now`).
///
/// - "Leave secure cookies alone" (RFC 6265bis §5.7 step 16, Chromium's
///   `MaybeDeleteEquivalentCookieAndUpdateStatus`): from an origin that is neither
///   secure nor trustworthy, a cookie may not be set when a Secure cookie with the
///   same name (and partition) exists whose domain domain-matches the new one's or
///   the reverse, and whose path the new path path-matches. This blocks
///   overwriting, deleting and shadowing it on a sub-path.
/// - A script API may not replace an HttpOnly cookie.
/// - Overwrite: the old cookie leaves with `overwrite` (or `expired-overwrite` when
///   the new one is already expired and is then not stored); the new one keeps the
///   old creation time only when the value is unchanged (Chromium, where 6265bis
///   always keeps it), and arrives as `inserted`, `inserted-no-value-change-overwrite`
///   or `inserted-no-change-overwrite`.
/// - An expired cookie with nothing to replace is dropped silently.
pub(crate) fn store_cookie(
    store: &mut Store,
    mut cookie: Cookie,
    source: &Source,
    now: Timestamp,
    policy: &Policy,
    changes: &mut Changes,
) -> Result<(), Rejection> {
    // One registrable-domain lookup per insert: the key serves every step below.
    let key = index_key(cookie.domain()).to_owned();
    // One pass over the bucket: the two protections and the equivalent cookie.
    let mut equivalent = None;
    if let Some(bucket) = store.bucket(&key) {
        let check_secure = !source.trustworthy;
        let check_http_only = source.reader == Reader::Script;
        let (mut shadows_secure, mut replaces_http_only) = (false, false);
        for (i, old) in bucket.iter().enumerate() {
            if check_secure
                && !shadows_secure
                && old.secure()
                && old.name() == cookie.name()
                && old.partition_key() == cookie.partition_key()
                && (domain_match(old.domain(), cookie.domain())
                    || domain_match(cookie.domain(), old.domain()))
                && path_match(cookie.path(), old.path())
            {
                shadows_secure = true;
            }
            if equivalent.is_none() && old.is_equivalent(&cookie) {
                equivalent = Some(i);
                replaces_http_only = check_http_only && old.http_only();
            }
        }
        if shadows_secure {
            return Err(Rejection::OverwriteSecure);
        }
        if replaces_http_only {
            return Err(Rejection::OverwriteHttpOnly);
        }
    }
    let expired = cookie.is_expired(now);
    let cause = match equivalent.map(|at| store.take_at(&key, at)) {
        Some(old) if expired => {
            changes.push(old, ChangeCause::ExpiredOverwrite);
            return Ok(());
        }
        Some(old) => {
            let cause = if same_data(&old, &cookie) {
                ChangeCause::InsertedNoChangeOverwrite
            } else if old.value() == cookie.value() {
                ChangeCause::InsertedNoValueChangeOverwrite
            } else {
                ChangeCause::Inserted
            };
            if old.value() == cookie.value() {
                cookie.set_creation(old.creation());
            } else {
                cookie.set_creation(store.unique_creation(now));
            }
            changes.push(old, ChangeCause::Overwrite);
            cause
        }
        None if expired => return Ok(()),
        None => {
            cookie.set_creation(store.unique_creation(now));
            ChangeCause::Inserted
        }
    };
    changes.push_clone(&cookie, cause);
    let partition = cookie.partition_key().map(str::to_owned);
    store.insert_in(&key, cookie);
    crate::eviction::after_insert(store, &key, partition.as_deref(), now, policy, changes);
    Ok(())
}
