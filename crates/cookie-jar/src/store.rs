//! The in-memory index: cookies bucketed by registrable domain (Chromium's
//! `GetKey`), so lookups and per-domain limits touch one bucket only.

use std::collections::HashMap;

use crate::cookie::Cookie;
use crate::domain::index_key;
use crate::time::Timestamp;

/// Cookies by index key (registrable domain of the cookie's domain, or the domain).
#[derive(Debug, Default)]
pub(crate) struct Store {
    buckets: HashMap<String, Vec<Cookie>>,
    len: usize,
    /// How many of `len` are partitioned (Chromium keeps those in a separate map).
    partitioned: usize,
    last_creation: Option<Timestamp>,
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
    /// cookies through it (use the removal helpers), nor change a cookie's identity.
    pub(crate) fn bucket_mut(&mut self, key: &str) -> Option<&mut Vec<Cookie>> {
        self.buckets.get_mut(key)
    }

    /// Every bucket key.
    pub(crate) fn keys(&self) -> Vec<String> {
        self.buckets.keys().cloned().collect()
    }

    /// Every cookie, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Cookie> {
        self.buckets.values().flatten()
    }

    /// Adds a cookie without any check (the caller removed its equivalent).
    pub(crate) fn insert(&mut self, cookie: Cookie) {
        self.note_creation(cookie.creation());
        let key = index_key(cookie.domain()).to_owned();
        self.partitioned += usize::from(cookie.partitioned());
        self.buckets.entry(key).or_default().push(cookie);
        self.len += 1;
    }

    /// Removes and returns the cookie equivalent to `cookie`, if stored.
    pub(crate) fn take_equivalent(&mut self, cookie: &Cookie) -> Option<Cookie> {
        let key = index_key(cookie.domain());
        let bucket = self.buckets.get_mut(key)?;
        let at = bucket.iter().position(|c| c.is_equivalent(cookie))?;
        let removed = bucket.swap_remove(at);
        self.len -= 1;
        self.partitioned -= usize::from(removed.partitioned());
        if bucket.is_empty() {
            self.buckets.remove(key);
        }
        Some(removed)
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
        let mut i = 0;
        while i < bucket.len() {
            if pred(&bucket[i]) {
                removed.push(bucket.swap_remove(i));
            } else {
                i += 1;
            }
        }
        self.len -= removed.len();
        self.partitioned -= removed.iter().filter(|c| c.partitioned()).count();
        if bucket.is_empty() {
            self.buckets.remove(key);
        }
        removed
    }

    /// Removes every cookie for which `pred` is true.
    pub(crate) fn remove_all(&mut self, mut pred: impl FnMut(&Cookie) -> bool) -> Vec<Cookie> {
        let mut removed = Vec::new();
        for key in self.keys() {
            removed.extend(self.remove_in_bucket(&key, &mut pred));
        }
        removed
    }
}
