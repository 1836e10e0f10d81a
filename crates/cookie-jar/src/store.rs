//! The in-memory index: cookies bucketed by registrable domain (Chromium's
//! `GetKey`), so lookups and per-domain limits touch one bucket only.

use std::hash::BuildHasher;

use crate::cookie::Cookie;
use crate::domain::index_key;
use crate::fxhash::{FxBuild, FxMap};
use crate::time::Timestamp;

/// A small fingerprint of a stored cookie, kept beside it so that an insert
/// scans a bucket's tags (8 bytes each) rather than its cookies: a hash of its
/// identity (name, domain, host-only, path, partition), and a hash of its name
/// with the `Secure` flag in the low bit. Equal identities give equal tags, so
/// a tag mismatch rules a cookie out; a match still needs the full comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tag {
    identity: u32,
    name_secure: u32,
}

impl Tag {
    pub(crate) fn of(cookie: &Cookie) -> Self {
        let fx = FxBuild::FIXED;
        let identity = fx.hash_one((
            cookie.name(),
            cookie.domain(),
            cookie.host_only(),
            cookie.path(),
            cookie.partition_key(),
        ));
        let name = fx.hash_one(cookie.name());
        // Truncations keep the high half, where the multiply mixes best.
        #[allow(clippy::cast_possible_truncation, reason = "a fingerprint keeps 32 bits")]
        let (identity, name) = ((identity >> 32) as u32, (name >> 32) as u32);
        Self { identity, name_secure: (name & !1) | u32::from(cookie.secure()) }
    }

    /// Could the cookie tagged `self` be equivalent to the one tagged `other`?
    pub(crate) const fn may_be_equivalent(self, other: Self) -> bool {
        self.identity == other.identity
    }

    /// Could the cookie tagged `self` be Secure and share its name with the
    /// one tagged `other`?
    pub(crate) const fn may_be_secure_named_as(self, other: Self) -> bool {
        self.name_secure & 1 == 1 && self.name_secure >> 1 == other.name_secure >> 1
    }
}

/// One bucket: its cookies and, at the same positions, their tags. Cookies
/// are boxed: a growing bucket moves pointers, not whole cookies, and the
/// insert path reads the tags, not the cookies.
#[derive(Debug, Default)]
struct Bucket {
    #[allow(
        clippy::vec_box,
        reason = "measured: growing buckets of inline cookies cost ingest 14% in copies"
    )]
    cookies: Vec<Box<Cookie>>,
    tags: Vec<Tag>,
}

impl Bucket {
    fn push(&mut self, cookie: Cookie) {
        self.push_tagged(Tag::of(&cookie), cookie);
    }

    fn push_tagged(&mut self, tag: Tag, cookie: Cookie) {
        self.tags.push(tag);
        self.cookies.push(Box::new(cookie));
    }

    fn swap_remove(&mut self, at: usize) -> Cookie {
        self.tags.swap_remove(at);
        *self.cookies.swap_remove(at)
    }
}

/// Cookies by index key (registrable domain of the cookie's domain, or the domain).
#[derive(Debug, Default)]
pub(crate) struct Store {
    buckets: FxMap<String, Bucket>,
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

    /// The cookies of the bucket for an index key.
    pub(crate) fn bucket(&self, key: &str) -> Option<&[Box<Cookie>]> {
        self.buckets.get(key).map(|b| b.cookies.as_slice())
    }

    /// The cookies of a bucket and their tags, position by position.
    pub(crate) fn bucket_tagged(&self, key: &str) -> Option<(&[Box<Cookie>], &[Tag])> {
        self.buckets.get(key).map(|b| (b.cookies.as_slice(), b.tags.as_slice()))
    }

    /// The cookies of the bucket for an index key, mutable. Callers must not
    /// change a cookie's identity, `Secure` flag or expiry, nor move its
    /// last-access time back (the tags and bounds rely on it).
    pub(crate) fn bucket_mut(&mut self, key: &str) -> Option<&mut [Box<Cookie>]> {
        self.buckets.get_mut(key).map(|b| b.cookies.as_mut_slice())
    }

    /// Every cookie, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Cookie> {
        self.buckets.values().flat_map(|b| b.cookies.iter().map(|c| &**c))
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
        self.note_bounds(&cookie);
        self.partitioned += usize::from(cookie.partitioned());
        self.len += 1;
        if let Some(bucket) = self.buckets.get_mut(key) {
            bucket.push(cookie);
        } else {
            let mut bucket = Bucket::default();
            bucket.push(cookie);
            self.buckets.insert(key.to_owned(), bucket);
        }
    }

    /// Stores `cookie` (tagged `tag`) in its bucket, whose key is its domain
    /// from byte `key_start` on, first taking out the cookie at position `at`
    /// when given (its equivalent, as found through
    /// [`bucket_tagged`](Self::bucket_tagged)), which is returned. Same bucket
    /// order as [`take_at`](Self::take_at) then [`insert_in`](Self::insert_in),
    /// with one lookup and no copy of the key unless the bucket is new.
    pub(crate) fn replace(
        &mut self,
        key_start: usize,
        at: Option<usize>,
        tag: Tag,
        cookie: Cookie,
    ) -> Option<Cookie> {
        debug_assert_eq!(&cookie.domain()[key_start..], index_key(cookie.domain()));
        debug_assert_eq!(tag, Tag::of(&cookie));
        self.note_creation(cookie.creation());
        self.note_bounds(&cookie);
        self.partitioned += usize::from(cookie.partitioned());
        let Some(bucket) = self.buckets.get_mut(&cookie.domain()[key_start..]) else {
            debug_assert!(at.is_none(), "a cookie to replace is in an existing bucket");
            self.len += 1;
            let key = cookie.domain()[key_start..].to_owned();
            let mut bucket = Bucket::default();
            bucket.push_tagged(tag, cookie);
            self.buckets.insert(key, bucket);
            return None;
        };
        let old = at.map(|at| bucket.swap_remove(at));
        bucket.push_tagged(tag, cookie);
        match &old {
            Some(old) => self.partitioned -= usize::from(old.partitioned()),
            None => self.len += 1,
        }
        old
    }

    fn note_bounds(&mut self, cookie: &Cookie) {
        if !cookie.partitioned() {
            if let Some(expiry) = cookie.expiry() {
                self.earliest_expiry = min_some(self.earliest_expiry, expiry);
            }
            self.earliest_access = min_some(self.earliest_access, cookie.last_access());
        }
    }

    /// Removes and returns the cookie equivalent to `cookie`, if stored.
    pub(crate) fn take_equivalent(&mut self, cookie: &Cookie) -> Option<Cookie> {
        let key = index_key(cookie.domain());
        let at = self.buckets.get(key)?.cookies.iter().position(|c| c.is_equivalent(cookie))?;
        Some(self.take_at(key, at))
    }

    /// Removes and returns the cookie at position `at` of bucket `key` (which
    /// must exist, as found through [`bucket`](Self::bucket)).
    pub(crate) fn take_at(&mut self, key: &str, at: usize) -> Cookie {
        let bucket = self.buckets.get_mut(key).unwrap_or_else(|| unreachable!("bucket exists"));
        let removed = bucket.swap_remove(at);
        self.len -= 1;
        self.partitioned -= usize::from(removed.partitioned());
        if bucket.cookies.is_empty() {
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
        if bucket.cookies.is_empty() {
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
            emptied |= bucket.cookies.is_empty();
        }
        if emptied {
            self.buckets.retain(|_, bucket| !bucket.cookies.is_empty());
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
    bucket: &mut Bucket,
    pred: &mut impl FnMut(&Cookie) -> bool,
    removed: &mut Vec<Cookie>,
    mut kept: impl FnMut(&Cookie),
) {
    let mut i = 0;
    while i < bucket.cookies.len() {
        if pred(&bucket.cookies[i]) {
            removed.push(bucket.swap_remove(i));
        } else {
            kept(&bucket.cookies[i]);
            i += 1;
        }
    }
}
