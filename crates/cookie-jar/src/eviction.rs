//! Expiry collection and eviction (Chromium's `GarbageCollect` and
//! `GarbageCollectPartitionedCookies`).
//!
//! - Per registrable domain (unpartitioned cookies): above `domain_max` (180),
//!   expired cookies go first; if still above, the domain is purged down to
//!   `domain_max - domain_purge` (150). Cookies are taken least recently accessed
//!   first, in six rounds: low non-secure, low (any), medium non-secure, high
//!   non-secure, medium (any), high (any). A round for priority P with quota Q
//!   (30 / 50 / 70) is skipped when P has at most Q cookies. A "non-secure"
//!   round may delete `count(P) - max(secure(P), Q)` non-secure cookies of P, so
//!   the secure ones and the quota both survive it; an "any" round may delete
//!   `count(P) - Q` cookies of P. No round deletes more than is still needed
//!   (Chromium's `PurgeLeastRecentMatches`).
//! - Per partition and registrable domain: above 180 cookies or 10 KiB of names
//!   and values, expired first, then least recently accessed until both limits
//!   hold again (down to 180, not 150).
//! - Globally, after an unpartitioned insert: above `global_max` (3300)
//!   unpartitioned cookies, expired first, then down to 3000 by least recent
//!   access, non-secure before secure, but only among cookies not accessed in the
//!   last 30 days (so the global cap is soft). Partitioned cookies neither count
//!   nor get evicted here (Chromium keeps them in a separate map with no global
//!   limit).

use crate::cookie::{Cookie, Priority};
use crate::events::{ChangeCause, Changes};
use crate::jar::Policy;
use crate::store::Store;
use crate::time::Timestamp;

/// Removes every expired cookie in the jar (cause `expired`).
pub(crate) fn remove_expired_everywhere(store: &mut Store, now: Timestamp, changes: &mut Changes) {
    let removed = store.remove_all(|c| c.is_expired(now));
    record(changes, removed, ChangeCause::Expired);
}

/// Removes the expired cookies of one bucket (cause `expired`).
pub(crate) fn remove_expired_in(
    store: &mut Store,
    key: &str,
    now: Timestamp,
    changes: &mut Changes,
) {
    if store.bucket(key).is_some_and(|b| b.iter().any(|c| c.is_expired(now))) {
        let removed = store.remove_in_bucket(key, |c| c.is_expired(now));
        record(changes, removed, ChangeCause::Expired);
    }
}

fn record(changes: &mut Changes, removed: Vec<Cookie>, cause: ChangeCause) {
    changes.extend(removed, cause);
}

/// Runs the limits after a cookie was stored in bucket `key`.
pub(crate) fn after_insert(
    store: &mut Store,
    key: &str,
    partition: Option<&str>,
    now: Timestamp,
    policy: &Policy,
    changes: &mut Changes,
) {
    match partition {
        None => {
            domain_limit(store, key, now, policy, changes);
            global_limit(store, now, policy, changes);
        }
        Some(partition) => partition_limit(store, key, partition, now, policy, changes),
    }
}

/// Identity of a cookie inside one bucket, for removal after selection.
fn same_cookie(a: &Cookie, b: &Cookie) -> bool {
    a.is_equivalent(b) && a.creation() == b.creation()
}

fn remove_selected(store: &mut Store, key: &str, selected: &[Cookie], changes: &mut Changes) {
    if selected.is_empty() {
        return;
    }
    let removed = store.remove_in_bucket(key, |c| selected.iter().any(|s| same_cookie(s, c)));
    record(changes, removed, ChangeCause::Evicted);
}

fn domain_limit(
    store: &mut Store,
    key: &str,
    now: Timestamp,
    policy: &Policy,
    changes: &mut Changes,
) {
    let count = |store: &Store| {
        store.bucket(key).map_or(0, |b| b.iter().filter(|c| !c.partitioned()).count())
    };
    if count(store) <= policy.domain_max {
        return;
    }
    let removed = store.remove_in_bucket(key, |c| !c.partitioned() && c.is_expired(now));
    record(changes, removed, ChangeCause::Expired);
    let total = count(store);
    if total <= policy.domain_max {
        return;
    }
    let mut goal = total - policy.domain_max.saturating_sub(policy.domain_purge);
    let Some(bucket) = store.bucket(key) else { return };
    let mut candidates: Vec<Cookie> =
        bucket.iter().filter(|c| !c.partitioned()).map(|c| Cookie::clone(c)).collect();
    // Least recently accessed first; creation breaks ties (Chromium's LRACookieSorter).
    candidates.sort_by_key(|c| (c.last_access(), c.creation()));
    // (priority, protect secure cookies)
    let rounds = [
        (Priority::Low, true),
        (Priority::Low, false),
        (Priority::Medium, true),
        (Priority::High, true),
        (Priority::Medium, false),
        (Priority::High, false),
    ];
    let mut selected: Vec<Cookie> = Vec::new();
    for (priority, protect_secure) in rounds {
        if goal == 0 {
            break;
        }
        let quota = policy.priority_quotas[priority as usize];
        let at_priority = candidates.iter().filter(|c| c.priority() == priority).count();
        if at_priority <= quota {
            continue;
        }
        let mut deletable = if protect_secure {
            let secure =
                candidates.iter().filter(|c| c.priority() == priority && c.secure()).count();
            at_priority - secure.max(quota)
        } else {
            at_priority - quota
        };
        let mut i = 0;
        while goal > 0 && deletable > 0 && i < candidates.len() {
            let c = &candidates[i];
            if c.priority() == priority && !(protect_secure && c.secure()) {
                selected.push(candidates.remove(i));
                goal -= 1;
                deletable -= 1;
            } else {
                i += 1;
            }
        }
    }
    remove_selected(store, key, &selected, changes);
}

fn partition_limit(
    store: &mut Store,
    key: &str,
    partition: &str,
    now: Timestamp,
    policy: &Policy,
    changes: &mut Changes,
) {
    let in_partition = |c: &Cookie| c.partition_key() == Some(partition);
    let stats = |store: &Store| {
        store.bucket(key).map_or((0, 0), |b| {
            b.iter()
                .filter(|c| in_partition(c))
                .fold((0, 0), |(n, bytes), c| (n + 1, bytes + c.size()))
        })
    };
    let (n, bytes) = stats(store);
    if n <= policy.partition_domain_max && bytes <= policy.partition_domain_max_bytes {
        return;
    }
    let removed = store.remove_in_bucket(key, |c| in_partition(c) && c.is_expired(now));
    record(changes, removed, ChangeCause::Expired);
    let (mut n, mut bytes) = stats(store);
    let Some(bucket) = store.bucket(key) else { return };
    let mut candidates: Vec<Cookie> =
        bucket.iter().filter(|c| in_partition(c)).map(|c| Cookie::clone(c)).collect();
    candidates.sort_by_key(|c| (c.last_access(), c.creation()));
    let mut selected = Vec::new();
    for c in candidates {
        if n <= policy.partition_domain_max && bytes <= policy.partition_domain_max_bytes {
            break;
        }
        n -= 1;
        bytes -= c.size();
        selected.push(c);
    }
    remove_selected(store, key, &selected, changes);
}

/// The global limit, run after every unpartitioned insert.
pub(crate) fn global_limit(
    store: &mut Store,
    now: Timestamp,
    policy: &Policy,
    changes: &mut Changes,
) {
    if store.unpartitioned_len() <= policy.global_max {
        return;
    }
    // Over the limit, each insert would sweep the jar; the store's bounds say
    // when a sweep can find nothing, and it is skipped then (same outcome).
    if store.may_have_expired(now) {
        let removed = store.remove_all(|c| !c.partitioned() && c.is_expired(now));
        record(changes, removed, ChangeCause::Expired);
    }
    let total = store.unpartitioned_len();
    if total <= policy.global_max {
        return;
    }
    let goal = total - policy.global_max.saturating_sub(policy.global_purge);
    let safe_since = now.saturating_add_seconds(-policy.global_safe_days.saturating_mul(86_400));
    // Chromium's `earliest_access_time_` test: with every cookie accessed
    // within the safe window there is no candidate.
    if !store.may_have_access_before(safe_since) {
        return;
    }
    let mut candidates: Vec<Cookie> = store
        .iter()
        .filter(|c| !c.partitioned() && c.last_access() < safe_since)
        .cloned()
        .collect();
    candidates.sort_by_key(|c| (c.secure(), c.last_access(), c.creation()));
    candidates.truncate(goal);
    for c in candidates {
        let key = crate::domain::index_key(c.domain()).to_owned();
        remove_selected(store, &key, std::slice::from_ref(&c), changes);
    }
    // Exact bounds again, so the next insert skips this scan unless a
    // candidate is left.
    store.recompute_bounds();
}
