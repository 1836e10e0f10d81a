//! A small, fast, non-cryptographic hasher for the store's bucket keys
//! (registrable domains: short ASCII strings, where SipHash dominates a lookup).
//!
//! Each store seeds its hasher from std's `RandomState`, so the bucket layout
//! differs between jars and processes: a site cannot precompute a set of
//! domains that collide in every jar.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// A map keyed with [`FxHasher`], seeded per map.
pub(crate) type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// Builds [`FxHasher`]s that start from one random seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FxBuild {
    seed: u64,
}

impl FxBuild {
    /// A hasher with a fixed seed, for fingerprints that only filter (a
    /// collision costs a full comparison, never a wrong answer).
    pub(crate) const FIXED: Self = Self { seed: 0 };
}

impl Default for FxBuild {
    fn default() -> Self {
        Self { seed: RandomState::new().hash_one(0x5e55_10e1_u64) }
    }
}

impl BuildHasher for FxBuild {
    type Hasher = FxHasher;

    fn build_hasher(&self) -> FxHasher {
        FxHasher { hash: self.seed }
    }
}

/// Multiply-xor over 8-byte words (the rustc hasher's scheme).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const fn add(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The little-endian word of the zero-padded tail, built without a
            // variable-length copy (a `memmove` call costs more than the hash).
            let word = rest.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b));
            self.add(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak and the table indexes with them.
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equally_and_lengths_differ() {
        let build = FxBuild::default();
        assert_eq!(build.hash_one("example.com"), build.hash_one("example.com"));
        assert_ne!(build.hash_one("example.com"), build.hash_one("example.org"));
        // `str` hashes its bytes then a 0xff terminator, so "a" + "" differs from "" + "a".
        assert_ne!(build.hash_one(("a", "")), build.hash_one(("", "a")));
        let mut map: FxMap<String, usize> = FxMap::default();
        for i in 0..1000 {
            map.insert(format!("site{i}.com"), i);
        }
        assert!((0..1000).all(|i| map[&format!("site{i}.com")] == i));
    }

    #[test]
    fn tail_word_is_the_zero_padded_little_endian_word() {
        let bytes = [1_u8, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        let mut a = FxHasher { hash: 7 };
        a.write(&bytes);
        let mut b = FxHasher { hash: 7 };
        b.add(u64::from_le_bytes([1, 2, 3, 4, 5, 6, 7, 8]));
        b.add(u64::from_le_bytes([9, 10, 11, 0, 0, 0, 0, 0]));
        assert_eq!(a.finish(), b.finish());
    }
}
