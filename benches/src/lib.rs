//! Inputs shared by the sessionkit benchmarks (cookie inputs in [`cookies`],
//! the PAC script and its URLs in [`pac`], spellcheck words in [`spell`]).
//!
//! Every benchmark feeds ours and the peer the *same* input: one bypass list
//! written in the subset of syntax that both Chromium's grammar and the
//! NO_PROXY grammar accept (host names, `.suffix`, IP literals, CIDR blocks),
//! and one set of URLs that hits every kind of rule and misses them too.
//! Generation is deterministic so figures compare across runs.

pub mod cookies;
pub mod estimates;
pub mod pac;
pub mod spell;

/// The number of URLs each matching benchmark runs over.
pub const URL_COUNT: usize = 10_000;

/// A small deterministic generator (xorshift64*): reproducible inputs
/// without a `rand` dependency.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    /// A generator seeded with `seed` (zero is replaced, xorshift needs a bit set).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next value in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let wide = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
        usize::try_from(wide).unwrap_or(usize::MAX) % bound.max(1)
    }
}

/// The i-th rule of a generated list; kinds rotate so each list of at
/// least four rules has all of them.
fn rule(i: usize) -> String {
    match i % 4 {
        0 => format!("svc{i}.internal{}.example", i % 37),
        1 => format!(".corp{i}.test"),
        2 => format!("10.{}.{}.{}", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff),
        _ => format!("172.{}.{}.0/24", 16 + (i / 256) % 16, i % 256),
    }
}

/// A comma-separated bypass list of `n` rules.
pub fn bypass_list(n: usize) -> String {
    (0..n).map(rule).collect::<Vec<_>>().join(",")
}

/// `count` URLs for a list of `n` rules: about three quarters hit some
/// rule (exact host, subdomain of a suffix, IP, address in a CIDR block),
/// the rest are ordinary web hosts that no rule covers.
pub fn urls(n: usize, count: usize) -> Vec<String> {
    let mut rng = Lcg::new(0x5e55_10c1);
    (0..count)
        .map(|_| {
            let i = rng.below(n);
            let scheme = if rng.below(2) == 0 { "http" } else { "https" };
            match rng.below(5) {
                0 => format!("{scheme}://www.site{}.com/index.html", rng.below(100_000)),
                _ => match i % 4 {
                    0 => format!("{scheme}://svc{i}.internal{}.example/api", i % 37),
                    1 => format!("{scheme}://host{}.corp{i}.test/", rng.below(50)),
                    2 => format!(
                        "{scheme}://10.{}.{}.{}/",
                        (i >> 16) & 0xff,
                        (i >> 8) & 0xff,
                        i & 0xff
                    ),
                    _ => format!(
                        "{scheme}://172.{}.{}.{}:8443/",
                        16 + (i / 256) % 16,
                        i % 256,
                        1 + rng.below(254)
                    ),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_have_the_requested_length_and_every_kind() {
        let list = bypass_list(8);
        assert_eq!(list.split(',').count(), 8);
        assert!(list.contains(".corp1.test") && list.contains("/24") && list.contains("10.0.0.2"));
    }

    #[test]
    fn urls_are_deterministic_and_parse() {
        let a = urls(1000, 200);
        assert_eq!(a, urls(1000, 200));
        assert!(a.iter().all(|u| url::Url::parse(u).is_ok()));
        assert!(a.iter().all(|u| u.parse::<http::Uri>().is_ok()));
    }
}
