//! `Content-Range` (RFC 9110 §14.4), parsed strictly.
//!
//! A 206 response carries `bytes first-last/complete` (complete may be `*` when the
//! server does not know it); a 416 carries `bytes */complete`. Chromium reads the
//! first form to check that a resumed body starts where the partial file ends (see
//! [`crate::response`]).
//!
//! Accepted: optional surrounding spaces/tabs, the unit `bytes` in any case, exactly
//! one space after it, decimal numbers without signs (leading zeros allowed) that fit
//! in a `u64`, `first <= last`, and `last < complete` when the complete length is
//! known. Anything else is an [`Error::Header`] with the offending byte offset.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, HeaderErrorKind};

const HEADER: &str = "Content-Range";

/// A parsed `Content-Range` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentRange {
    /// `bytes first-last/complete` or `bytes first-last/*`.
    Bytes {
        /// Offset of the first byte in the body.
        first: u64,
        /// Offset of the last byte in the body (inclusive).
        last: u64,
        /// Length of the whole representation, `None` for `*`.
        complete_length: Option<u64>,
    },
    /// `bytes */complete`: the answer to an unsatisfiable range (416).
    Unsatisfied {
        /// Length of the whole representation.
        complete_length: u64,
    },
}

impl ContentRange {
    /// Parses a header value strictly.
    ///
    /// # Errors
    /// [`Error::Header`] naming the byte where the value stops making sense.
    pub fn parse(value: &[u8]) -> Result<Self, Error> {
        Parser { s: value, pos: 0 }.parse()
    }

    /// Number of body bytes the range announces (`last - first + 1`); 0 for
    /// [`Self::Unsatisfied`]. The numbers come from the network, so the count
    /// saturates: `bytes 0-18446744073709551615/*` announces `u64::MAX` bytes (one
    /// fewer than it says), and a hand-built range with `first > last` has none.
    #[must_use]
    pub const fn len(&self) -> u64 {
        match *self {
            Self::Bytes { first, last, .. } if first > last => 0,
            Self::Bytes { first, last, .. } => (last - first).saturating_add(1),
            Self::Unsatisfied { .. } => 0,
        }
    }

    /// True for [`Self::Unsatisfied`] (no body bytes).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        matches!(self, Self::Unsatisfied { .. })
    }

    /// The complete length, when the server said it.
    #[must_use]
    pub const fn complete_length(&self) -> Option<u64> {
        match *self {
            Self::Bytes { complete_length, .. } => complete_length,
            Self::Unsatisfied { complete_length } => Some(complete_length),
        }
    }
}

impl FromStr for ContentRange {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s.as_bytes())
    }
}

impl fmt::Display for ContentRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Bytes { first, last, complete_length: Some(total) } => {
                write!(f, "bytes {first}-{last}/{total}")
            }
            Self::Bytes { first, last, complete_length: None } => {
                write!(f, "bytes {first}-{last}/*")
            }
            Self::Unsatisfied { complete_length } => write!(f, "bytes */{complete_length}"),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, at: usize, kind: HeaderErrorKind) -> Error {
        Error::header(HEADER, self.s, at, kind)
    }

    fn skip_ows(&mut self) {
        while matches!(self.s.get(self.pos), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Result<u64, Error> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(&d) = self.s.get(self.pos).filter(|b| b.is_ascii_digit()) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .ok_or_else(|| self.err(start, HeaderErrorKind::NumberTooLarge))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err(start, HeaderErrorKind::ExpectedNumber));
        }
        Ok(n)
    }

    fn parse(mut self) -> Result<ContentRange, Error> {
        self.skip_ows();
        if self.pos == self.s.len() {
            return Err(self.err(self.pos, HeaderErrorKind::Empty));
        }
        let unit = self.s.get(self.pos..self.pos + 5);
        if !unit.is_some_and(|u| u.eq_ignore_ascii_case(b"bytes"))
            || self.s.get(self.pos + 5) != Some(&b' ')
        {
            return Err(self.err(self.pos, HeaderErrorKind::ExpectedBytesUnit));
        }
        self.pos += 6;
        let range = if self.eat(b'*') {
            if !self.eat(b'/') {
                return Err(self.err(self.pos, HeaderErrorKind::ExpectedSeparator));
            }
            let complete_length = self.number()?;
            ContentRange::Unsatisfied { complete_length }
        } else {
            let first_at = self.pos;
            let first = self.number()?;
            if !self.eat(b'-') {
                return Err(self.err(self.pos, HeaderErrorKind::ExpectedSeparator));
            }
            let last = self.number()?;
            if first > last {
                return Err(self.err(first_at, HeaderErrorKind::InvertedRange));
            }
            if !self.eat(b'/') {
                return Err(self.err(self.pos, HeaderErrorKind::ExpectedSeparator));
            }
            let total_at = self.pos;
            let complete_length = if self.eat(b'*') { None } else { Some(self.number()?) };
            if complete_length.is_some_and(|total| last >= total) {
                return Err(self.err(total_at, HeaderErrorKind::RangePastEnd));
            }
            ContentRange::Bytes { first, last, complete_length }
        };
        self.skip_ows();
        if self.pos != self.s.len() {
            return Err(self.err(self.pos, HeaderErrorKind::TrailingInput));
        }
        Ok(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HeaderErrorKind as K;

    #[test]
    fn accepts() {
        let b = |first, last, complete_length| ContentRange::Bytes { first, last, complete_length };
        let cases = [
            ("bytes 0-499/1234", b(0, 499, Some(1234))),
            ("  BYTES 500-1233/1234\t", b(500, 1233, Some(1234))),
            ("bytes 0-0/*", b(0, 0, None)),
            ("bytes 007-9/10", b(7, 9, Some(10))),
            ("bytes */1234", ContentRange::Unsatisfied { complete_length: 1234 }),
            ("bytes */0", ContentRange::Unsatisfied { complete_length: 0 }),
            (
                "bytes 0-18446744073709551614/18446744073709551615",
                b(0, u64::MAX - 1, Some(u64::MAX)),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<ContentRange>().unwrap(), want, "{input}");
        }
        assert_eq!("bytes 5-9/10".parse::<ContentRange>().unwrap().len(), 5);
    }

    #[test]
    fn rejects_with_offsets() {
        let cases = [
            ("", 0, K::Empty),
            ("items 0-1/2", 0, K::ExpectedBytesUnit),
            ("bytes=0-1/2", 0, K::ExpectedBytesUnit),
            ("bytes  0-1/2", 6, K::ExpectedNumber),
            ("bytes 0-1", 9, K::ExpectedSeparator),
            ("bytes 0/2", 7, K::ExpectedSeparator),
            ("bytes 5-4/10", 6, K::InvertedRange),
            ("bytes 0-10/10", 11, K::RangePastEnd),
            ("bytes -1-2/3", 6, K::ExpectedNumber),
            ("bytes 0-1/2x", 11, K::TrailingInput),
            ("bytes */*", 8, K::ExpectedNumber),
            ("bytes 0-99999999999999999999/*", 8, K::NumberTooLarge),
            ("bytes 0-1/", 10, K::ExpectedNumber),
        ];
        for (input, at, kind) in cases {
            match ContentRange::parse(input.as_bytes()) {
                Err(Error::Header { at: a, kind: k, .. }) => {
                    assert_eq!((a, k), (at, kind), "{input}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn display_round_trips(first in 0u64..1 << 40, len in 0u64..1 << 20, extra in proptest::option::of(0u64..1 << 20)) {
            let last = first + len;
            let range = ContentRange::Bytes { first, last, complete_length: extra.map(|e| last + 1 + e) };
            proptest::prop_assert_eq!(range.to_string().parse::<ContentRange>().unwrap(), range);
        }
    }
}
