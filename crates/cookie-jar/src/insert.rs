//! Storing a created cookie: secure-cookie and HttpOnly protections, overwrite
//! with its change events, then the limits.

use crate::context::Reader;
use crate::cookie::Cookie;
use crate::domain::{domain_match, index_key};
use crate::error::Rejection;
use crate::events::{ChangeCause, Changes};
use crate::jar::Policy;
use crate::rules::path_match;
use crate::store::{Store, Tag};
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
    // One pass over the bucket's tags: the two protections and the equivalent
    // cookie. Only cookies whose tag matches are compared in full.
    let mut equivalent = None;
    if let Some((bucket, tags)) = store.bucket_tagged(&key) {
        let tag = Tag::of(&cookie);
        let check_secure = !source.trustworthy;
        let check_http_only = source.reader == Reader::Script;
        let (mut shadows_secure, mut replaces_http_only) = (false, false);
        for (i, old_tag) in tags.iter().enumerate() {
            if check_secure && !shadows_secure && old_tag.may_be_secure_named_as(tag) {
                let old = &bucket[i];
                shadows_secure = old.secure()
                    && old.name() == cookie.name()
                    && old.partition_key() == cookie.partition_key()
                    && (domain_match(old.domain(), cookie.domain())
                        || domain_match(cookie.domain(), old.domain()))
                    && path_match(cookie.path(), old.path());
            }
            if equivalent.is_none()
                && old_tag.may_be_equivalent(tag)
                && bucket[i].is_equivalent(&cookie)
            {
                equivalent = Some(i);
                replaces_http_only = check_http_only && bucket[i].http_only();
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
    let old = equivalent.and_then(|at| store.bucket(&key).map(|bucket| &bucket[at]));
    let cause = match old {
        Some(_) if expired => {
            if let Some(at) = equivalent {
                changes.push(store.take_at(&key, at), ChangeCause::ExpiredOverwrite);
            }
            return Ok(());
        }
        Some(old) => {
            let same_value = old.value() == cookie.value();
            let cause = if same_data(old, &cookie) {
                ChangeCause::InsertedNoChangeOverwrite
            } else if same_value {
                ChangeCause::InsertedNoValueChangeOverwrite
            } else {
                ChangeCause::Inserted
            };
            let creation = if same_value { old.creation() } else { store.unique_creation(now) };
            cookie.set_creation(creation);
            cause
        }
        None if expired => return Ok(()),
        None => {
            cookie.set_creation(store.unique_creation(now));
            ChangeCause::Inserted
        }
    };
    let inserted = changes.wanted().then(|| cookie.clone());
    let partition = cookie.partition_key().map(str::to_owned);
    // The old cookie leaves (`overwrite`) before the new one's event.
    let (replaced, bucket_len) = store.replace(&key, equivalent, cookie);
    if let Some(old) = replaced {
        changes.push(old, ChangeCause::Overwrite);
    }
    if let Some(inserted) = inserted {
        changes.push(inserted, cause);
    }
    let partition = partition.as_deref();
    crate::eviction::after_insert(store, &key, bucket_len, partition, now, policy, changes);
    Ok(())
}
