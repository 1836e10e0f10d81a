//! The in-memory index: cookies bucketed by registrable domain (Chromium's
//! `GetKey`), so lookups and per-domain limits touch one bucket only.

use crate::cookie::Cookie;
use crate::domain::index_key;
use crate::fxhash::FxMap;
use crate::time::Timestamp;

/// Cookies by index key (registrable domain of the cookie's domain, or the domain).
#[derive(Debug, Default)]
pub(crate) struct Store {
    buckets: FxMap<String, Vec<Cookie>>,
    len: usize,
    /// How many of `len` are partitioned (Chromium keeps those in a separate map).
    partitioned: usize,
    last_creation: Option<Timestamp>,
    /// No unpartitioned cookie expires before this; `None` when none is
    /// persistent. A lower bound: removals leave it alone, a walk over the
    /// whole store makes it exact again. Lets the global limit skip its
    /// expiry sweep when nothing can have expired.
    earliest_expiry: Option<Timestamp>,
    /// No unpartitioned cookie was last accessed before this; `None` when there
    /// are none. A lower bound like `earliest_expiry` (access times only move
    /// forward). Chromium's `earliest_access_time_`: while it is within the safe
    /// window the global purge has no candidate.
    earliest_access: Option<Timestamp>,
}

fn min_some(bound: Option<Timestamp>, time: Timestamp) -> Option<Timestamp> {
    Some(bound.map_or(time, |b| b.min(time)))
}

/// Bounds over the unpartitioned cookies seen by one walk.
#[derive(Default)]
struct Bounds {
    expiry: Option<Timestamp>,
    access: Option<Timestamp>,
}

impl Bounds {
    fn see(&mut self, cookie: &Cookie) {
        if cookie.partitioned() {
            return;
        }
        if let Some(expiry) = cookie.expiry() {
            self.expiry = min_some(self.expiry, expiry);
        }
        self.access = min_some(self.access, cookie.last_access());
    }
}

impl Store {
    /// Number of cookies stored.
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// Number of unpartitioned cookies stored (the count Chromium's global limit
    /// looks at).
    pub(crate) const fn unpartitioned_len(&self) -> usize {
        self.len - self.partitioned
    }

    /// Could an unpartitioned cookie be expired at `now`? False means certainly not.
    pub(crate) fn may_have_expired(&self, now: Timestamp) -> bool {
        self.earliest_expiry.is_some_and(|e| e <= now)
    }

    /// Could an unpartitioned cookie have been last accessed before `time`?
    /// False means certainly not.
    pub(crate) fn may_have_access_before(&self, time: Timestamp) -> bool {
        self.earliest_access.is_some_and(|a| a < time)
    }

    /// A creation time at or after `now` and strictly after every earlier one, so
    /// that creation order is total (Chromium makes creation times unique too).
    pub(crate) fn unique_creation(&mut self, now: Timestamp) -> Timestamp {
        let time = match self.last_creation {
            Some(last) if last >= now => last.saturating_add_micros(1),
            _ => now,
        };
        self.last_creation = Some(time);
        time
    }

    /// Records a creation time seen from outside (restore), keeping later ones unique.
    pub(crate) fn note_creation(&mut self, time: Timestamp) {
        if self.last_creation.is_none_or(|last| last < time) {
            self.last_creation = Some(time);
        }
    }

    /// The bucket for an index key.
    pub(crate) fn bucket(&self, key: &str) -> Option<&Vec<Cookie>> {
        self.buckets.get(key)
    }

    /// The bucket for an index key, mutable. Callers must not add or remove
    /// cookies through it (use the removal helpers), nor change a cookie's
    /// identity or expiry, nor move its last-access time back.
    pub(crate) fn bucket_mut(&mut self, key: &str) -> Option<&mut Vec<Cookie>> {
        self.buckets.get_mut(key)
    }

    /// Every cookie, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Cookie> {
        self.buckets.values().flatten()
    }

    /// Adds a cookie without any check (the caller removed its equivalent).
    pub(crate) fn insert(&mut self, cookie: Cookie) {
        let key = index_key(cookie.domain()).to_owned();
        self.insert_in(&key, cookie);
    }

    /// [`insert`](Self::insert) with the cookie's index key already known.
    pub(crate) fn insert_in(&mut self, key: &str, cookie: Cookie) {
        debug_assert_eq!(key, index_key(cookie.domain()));
        self.note_creation(cookie.creation());
        if !cookie.partitioned() {
            if let Some(expiry) = cookie.expiry() {
                self.earliest_expiry = min_some(self.earliest_expiry, expiry);
            }
            self.earliest_access = min_some(self.earliest_access, cookie.last_access());
        }
        self.partitioned += usize::from(cookie.partitioned());
        self.len += 1;
        if let Some(bucket) = self.buckets.get_mut(key) {
            bucket.push(cookie);
        } else {
            self.buckets.insert(key.to_owned(), vec![cookie]);
        }
    }

    /// Removes and returns the cookie equivalent to `cookie`, if stored.
    pub(crate) fn take_equivalent(&mut self, cookie: &Cookie) -> Option<Cookie> {
        let key = index_key(cookie.domain());
        let at = self.buckets.get(key)?.iter().position(|c| c.is_equivalent(cookie))?;
        Some(self.take_at(key, at))
    }

    /// Removes and returns the cookie at position `at` of bucket `key` (which
    /// must exist, as found through [`bucket`](Self::bucket)).
    pub(crate) fn take_at(&mut self, key: &str, at: usize) -> Cookie {
        let bucket = self.buckets.get_mut(key).unwrap_or_else(|| unreachable!("bucket exists"));
        let removed = bucket.swap_remove(at);
        self.len -= 1;
        self.partitioned -= usize::from(removed.partitioned());
        if bucket.is_empty() {
            self.buckets.remove(key);
        }
        removed
    }

    /// Removes every cookie of bucket `key` for which `pred` is true.
    pub(crate) fn remove_in_bucket(
        &mut self,
        key: &str,
        mut pred: impl FnMut(&Cookie) -> bool,
    ) -> Vec<Cookie> {
        let Some(bucket) = self.buckets.get_mut(key) else {
            return Vec::new();
        };
        let mut removed = Vec::new();
        drain_matching(bucket, &mut pred, &mut removed, |_| {});
        self.len -= removed.len();
        self.partitioned -= removed.iter().filter(|c| c.partitioned()).count();
        if bucket.is_empty() {
            self.buckets.remove(key);
        }
        removed
    }

    /// Removes every cookie for which `pred` is true. Walks every bucket in
    /// place, and leaves the expiry and access bounds exact.
    pub(crate) fn remove_all(&mut self, mut pred: impl FnMut(&Cookie) -> bool) -> Vec<Cookie> {
        let mut removed = Vec::new();
        let mut bounds = Bounds::default();
        let mut emptied = false;
        for bucket in self.buckets.values_mut() {
            drain_matching(bucket, &mut pred, &mut removed, |kept| bounds.see(kept));
            emptied |= bucket.is_empty();
        }
        if emptied {
            self.buckets.retain(|_, bucket| !bucket.is_empty());
        }
        self.len -= removed.len();
        self.partitioned -= removed.iter().filter(|c| c.partitioned()).count();
        self.earliest_expiry = bounds.expiry;
        self.earliest_access = bounds.access;
        removed
    }

    /// Makes the expiry and access bounds exact (one walk over the store).
    pub(crate) fn recompute_bounds(&mut self) {
        let mut bounds = Bounds::default();
        self.iter().for_each(|c| bounds.see(c));
        self.earliest_expiry = bounds.expiry;
        self.earliest_access = bounds.access;
    }
}

/// Moves the cookies of `bucket` that match `pred` to `removed` (in the order
/// a front-to-back `swap_remove` scan meets them) and shows each kept one to
/// `kept`.
fn drain_matching(
    bucket: &mut Vec<Cookie>,
    pred: &mut impl FnMut(&Cookie) -> bool,
    removed: &mut Vec<Cookie>,
    mut kept: impl FnMut(&Cookie),
) {
    let mut i = 0;
    while i < bucket.len() {
        if pred(&bucket[i]) {
            removed.push(bucket.swap_remove(i));
        } else {
            kept(&bucket[i]);
            i += 1;
        }
    }
}
