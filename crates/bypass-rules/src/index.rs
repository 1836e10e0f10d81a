//! The compiled form of a rule list: one index per rule shape, each able to name the
//! highest-numbered rule of its kind that decides a URL.
//!
//! Chromium asks the rules from the last to the first and stops at the first with an
//! opinion, so the deciding rule is simply the one with the highest index among all
//! rules that have an opinion. Every index below answers "which of my rules, highest
//! index first, has an opinion?", and the lookup takes the maximum over them. That is
//! exactly the linear reverse scan, without scanning. Candidates that share a key are
//! kept in descending index order, and every probe stops as soon as it can no longer
//! beat the best index found so far.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::fxhash::FxMap;
use crate::glob::{self, Shape};
use crate::implicit;
use crate::rule::{Rule, scheme_and_port_fit};
use crate::view::UrlView;

/// A rule's restrictions besides its host test.
#[derive(Clone, Debug)]
struct Candidate {
    index: usize,
    scheme: Option<Box<str>>,
    port: Option<u16>,
}

impl Candidate {
    fn fits(&self, url: &UrlView<'_>) -> bool {
        scheme_and_port_fit(self.scheme.as_deref(), self.port, url)
    }
}

/// The first candidate (highest index) that fits `url` and beats `best`.
fn first_fit(bucket: &[Candidate], url: &UrlView<'_>, best: Option<usize>) -> Option<usize> {
    bucket.iter().take_while(|c| Some(c.index) > best).find(|c| c.fits(url)).map(|c| c.index)
}

/// Set of key lengths present in a table, so that most probes are refused before
/// hashing anything.
#[derive(Clone, Debug, Default)]
struct Lengths {
    short: [u64; 4],
    any_long: bool,
    /// Every length, ascending.
    all: Vec<usize>,
}

impl Lengths {
    fn insert(&mut self, len: usize) {
        if let Some(word) = self.short.get_mut(len / 64) {
            *word |= 1 << (len % 64);
        } else {
            self.any_long = true;
        }
        if let Err(at) = self.all.binary_search(&len) {
            self.all.insert(at, len);
        }
    }

    fn contains(&self, len: usize) -> bool {
        match self.short.get(len / 64) {
            Some(word) => word >> (len % 64) & 1 == 1,
            None => self.any_long,
        }
    }
}

/// Literal keys (host, suffix or prefix) to candidates.
#[derive(Clone, Debug, Default)]
struct Table {
    map: FxMap<Box<[u8]>, Vec<Candidate>>,
    lengths: Lengths,
}

impl Table {
    fn insert(&mut self, key: String, candidate: Candidate) {
        self.lengths.insert(key.len());
        self.map.entry(key.into_bytes().into_boxed_slice()).or_default().push(candidate);
    }

    fn probe(&self, key: &[u8], url: &UrlView<'_>, best: Option<usize>) -> Option<usize> {
        if !self.lengths.contains(key.len()) {
            return None;
        }
        self.map.get(key).and_then(|bucket| first_fit(bucket, url, best))
    }

    fn finish(&mut self) {
        for bucket in self.map.values_mut() {
            sort_descending(bucket);
        }
    }
}

fn sort_descending(bucket: &mut [Candidate]) {
    bucket.sort_unstable_by_key(|c| std::cmp::Reverse(c.index));
}

/// Disjoint segments of the IPv6 space (IPv4 as IPv4-mapped), each with the highest
/// rule index whose range covers it. Ranges nest and overlap freely in the input; a
/// sweep over their boundaries flattens them so a lookup is one binary search.
#[derive(Clone, Debug, Default)]
struct RangeTable {
    starts: Vec<u128>,
    winners: Vec<Option<usize>>,
}

impl RangeTable {
    fn build(ranges: &[(u128, u128, usize)]) -> Self {
        let mut events = Vec::with_capacity(ranges.len() * 2);
        for &(lo, hi, index) in ranges {
            events.push((lo, true, index));
            if let Some(after) = hi.checked_add(1) {
                events.push((after, false, index));
            }
        }
        events.sort_unstable();
        let mut table = Self::default();
        let mut active = BTreeSet::new();
        let mut events = events.into_iter().peekable();
        while let Some((point, opens, index)) = events.next() {
            if opens {
                active.insert(index);
            } else {
                active.remove(&index);
            }
            if events.peek().is_some_and(|next| next.0 == point) {
                continue;
            }
            let winner = active.last().copied();
            if table.winners.last() != Some(&winner) {
                table.starts.push(point);
                table.winners.push(winner);
            }
        }
        table
    }

    fn lookup(&self, addr: u128) -> Option<usize> {
        let after = self.starts.partition_point(|&s| s <= addr);
        after.checked_sub(1).and_then(|i| self.winners.get(i).copied().flatten())
    }
}

/// The address as a point of the IPv6 space, IPv4 through its mapped form, which is
/// how Chromium compares addresses of different families with a range.
fn to_point(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => a.to_ipv6_mapped().to_bits(),
        IpAddr::V6(a) => a.to_bits(),
    }
}

fn bounds(net: &IpNet) -> (u128, u128) {
    let (point, bits) = match net {
        IpNet::V4(n) => (to_point(IpAddr::V4(n.addr())), 96 + u32::from(n.prefix_len())),
        IpNet::V6(n) => (n.addr().to_bits(), u32::from(n.prefix_len())),
    };
    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
    (point & mask, point | !mask)
}

/// Whether `ip` is inside `net`, across address families.
pub(crate) fn net_contains(net: &IpNet, ip: IpAddr) -> bool {
    let (lo, hi) = bounds(net);
    (lo..=hi).contains(&to_point(ip))
}

/// All rules of a list, indexed by shape.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    local: Option<usize>,
    subtract: Option<usize>,
    any: Vec<Candidate>,
    exact: Table,
    /// Suffixes that start with a dot, probed only at the dots of the host.
    dot_suffix: Table,
    /// Other suffixes, probed at each length present.
    suffix: Table,
    prefix: Table,
    general: Vec<(Candidate, Box<str>)>,
    ip: FxMap<IpAddr, Vec<Candidate>>,
    ranges: RangeTable,
}

impl Index {
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut index = Self::default();
        let mut ranges = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            match rule {
                // Every such rule gives the same answer, so the last one stands for all.
                Rule::Local => index.local = Some(i),
                Rule::SubtractImplicit => index.subtract = Some(i),
                Rule::Hostname { scheme, pattern, port } => {
                    let c = Candidate {
                        index: i,
                        scheme: scheme.as_deref().map(Into::into),
                        port: *port,
                    };
                    match glob::classify(pattern) {
                        Shape::Exact(s) => index.exact.insert(s, c),
                        Shape::Any => index.any.push(c),
                        Shape::Suffix(s) if s.starts_with('.') => index.dot_suffix.insert(s, c),
                        Shape::Suffix(s) => index.suffix.insert(s, c),
                        Shape::Prefix(s) => index.prefix.insert(s, c),
                        Shape::General => index.general.push((c, pattern.as_str().into())),
                    }
                }
                Rule::Ip { scheme, addr, port } => {
                    let c = Candidate {
                        index: i,
                        scheme: scheme.as_deref().map(Into::into),
                        port: *port,
                    };
                    index.ip.entry(*addr).or_default().push(c);
                }
                Rule::Cidr { net } => {
                    let (lo, hi) = bounds(net);
                    ranges.push((lo, hi, i));
                }
            }
        }
        sort_descending(&mut index.any);
        for table in [&mut index.exact, &mut index.dot_suffix, &mut index.suffix, &mut index.prefix]
        {
            table.finish();
        }
        index.general.sort_unstable_by_key(|(c, _)| std::cmp::Reverse(c.index));
        for bucket in index.ip.values_mut() {
            sort_descending(bucket);
        }
        index.ranges = RangeTable::build(&ranges);
        index
    }

    /// The index of the rule that decides `url`, if any rule does.
    pub(crate) fn decide(&self, url: &UrlView<'_>, windows_loopback: bool) -> Option<usize> {
        let host = url.host.as_bytes();
        let mut best = first_fit(&self.any, url, None);

        if let Some(ip) = url.ip {
            if let Some(bucket) = self.ip.get(&ip) {
                best = best.max(first_fit(bucket, url, best));
            }
            best = best.max(self.ranges.lookup(to_point(ip)));
        }

        best = best.max(self.exact.probe(host, url, best));

        if !self.dot_suffix.map.is_empty() {
            for (at, _) in host.iter().enumerate().filter(|(_, b)| **b == b'.') {
                best = best.max(self.dot_suffix.probe(&host[at..], url, best));
            }
        }
        for &len in &self.suffix.lengths.all {
            let Some(tail) = host.len().checked_sub(len).and_then(|at| host.get(at..)) else {
                break;
            };
            best = best.max(self.suffix.probe(tail, url, best));
        }
        for &len in &self.prefix.lengths.all {
            let Some(head) = host.get(..len) else {
                break;
            };
            best = best.max(self.prefix.probe(head, url, best));
        }

        if let Some((c, _)) = self
            .general
            .iter()
            .take_while(|(c, _)| Some(c.index) > best)
            .find(|(c, pattern)| c.fits(url) && glob::matches(pattern, url.host))
        {
            best = Some(c.index);
        }

        if self.local > best && url.ip.is_none() && !host.contains(&b'.') {
            best = self.local;
        }
        if self.subtract > best && implicit::covering_rule(url, windows_loopback).is_some() {
            best = self.subtract;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn nested_and_overlapping_ranges_keep_the_highest_index() {
        let nets = [net("10.0.0.0/8"), net("10.1.0.0/16"), net("0.0.0.0/0"), net("10.1.2.0/24")];
        let ranges: Vec<_> = nets
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (lo, hi) = bounds(n);
                (lo, hi, i)
            })
            .collect();
        let table = RangeTable::build(&ranges);
        let at = |s: &str| table.lookup(to_point(s.parse().unwrap()));
        assert_eq!(at("10.1.2.3"), Some(3));
        assert_eq!(at("10.1.3.3"), Some(2));
        assert_eq!(at("11.0.0.1"), Some(2));
        assert_eq!(at("::1"), None);
        assert_eq!(at("::ffff:10.1.2.3"), Some(3));
    }

    #[test]
    fn full_range_has_no_end_event() {
        let (lo, hi) = bounds(&net("::/0"));
        assert_eq!((lo, hi), (0, u128::MAX));
        let table = RangeTable::build(&[(lo, hi, 0)]);
        assert_eq!(table.lookup(u128::MAX), Some(0));
        assert_eq!(table.lookup(0), Some(0));
    }
}
