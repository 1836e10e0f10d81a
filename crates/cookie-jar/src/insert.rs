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
    // One registrable-domain lookup per insert. The key is a suffix of the
    // cookie's domain, sliced again where needed rather than copied.
    let key_start = cookie.domain().len() - index_key(cookie.domain()).len();
    let tag = Tag::of(&cookie);
    // One pass over the bucket's tags: the two protections and the equivalent
    // cookie. Only cookies whose tag matches are compared in full.
    let mut equivalent = None;
    let mut bucket_len = 0;
    if let Some((bucket, tags)) = store.bucket_tagged(&cookie.domain()[key_start..]) {
        bucket_len = bucket.len();
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
                let old = &bucket[i];
                replaces_http_only = check_http_only && old.http_only();
                let same_value = old.value() == cookie.value();
                equivalent = Some((i, same_value, same_data(old, &cookie), old.creation()));
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
    let cause = match equivalent {
        Some((at, ..)) if expired => {
            let old = store.take_at(&cookie.domain()[key_start..], at);
            changes.push(old, ChangeCause::ExpiredOverwrite);
            return Ok(());
        }
        Some((_, same_value, same_data, old_creation)) => {
            let cause = if same_data {
                ChangeCause::InsertedNoChangeOverwrite
            } else if same_value {
                ChangeCause::InsertedNoValueChangeOverwrite
            } else {
                ChangeCause::Inserted
            };
            let creation = if same_value { old_creation } else { store.unique_creation(now) };
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
    // The key is copied only when a per-domain or per-partition limit may act.
    let bucket_len = bucket_len + usize::from(equivalent.is_none());
    let key = (partition.is_some() || bucket_len > policy.domain_max)
        .then(|| cookie.domain()[key_start..].to_owned());
    // The old cookie leaves (`overwrite`) before the new one's event.
    let replaced = store.replace(key_start, equivalent.map(|(at, ..)| at), tag, cookie);
    if let Some(old) = replaced {
        changes.push(old, ChangeCause::Overwrite);
    }
    if let Some(inserted) = inserted {
        changes.push(inserted, cause);
    }
    match key {
        Some(key) => {
            crate::eviction::after_insert(store, &key, partition.as_deref(), now, policy, changes);
        }
        // Unpartitioned, and the bucket within the per-domain limit.
        None => crate::eviction::global_limit(store, now, policy, changes),
    }
    Ok(())
}
