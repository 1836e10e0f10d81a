//! `Range` requests answered from a complete stored body (RFC 9110 §14).

/// What a `Range` header asks of a body of a given length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeAnswer {
    /// One satisfiable range: first and last byte, inclusive.
    Partial { first: u64, last: u64 },
    /// A syntactically valid range past the end: 416.
    Unsatisfiable,
    /// Not a single byte range we serve (other unit, several ranges, bad syntax):
    /// RFC 9110 §14.2 lets a server ignore the header and send the whole body.
    Whole,
}

/// Resolves `bytes=first-last`, `bytes=first-` and `bytes=-suffix` against `len`.
pub(crate) fn resolve(header: &str, len: u64) -> RangeAnswer {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return RangeAnswer::Whole };
    let spec = spec.trim();
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((a, b)) = spec.split_once('-') else { return RangeAnswer::Whole };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match (a.is_empty(), b.is_empty()) {
        (true, true) => RangeAnswer::Whole,
        (true, false) => {
            let Some(suffix) = num(b) else { return RangeAnswer::Whole };
            if suffix == 0 || len == 0 {
                return RangeAnswer::Unsatisfiable;
            }
            RangeAnswer::Partial { first: len.saturating_sub(suffix), last: len - 1 }
        }
        (false, _) => {
            let Some(first) = num(a) else { return RangeAnswer::Whole };
            let last = if b.is_empty() {
                u64::MAX
            } else {
                match num(b) {
                    Some(last) if last >= first => last,
                    _ => return RangeAnswer::Whole,
                }
            };
            if first >= len {
                return RangeAnswer::Unsatisfiable;
            }
            RangeAnswer::Partial { first, last: last.min(len - 1) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RangeAnswer::*;

    #[test]
    fn forms() {
        assert_eq!(resolve("bytes=0-4", 10), Partial { first: 0, last: 4 });
        assert_eq!(resolve("bytes=5-", 10), Partial { first: 5, last: 9 });
        assert_eq!(resolve("bytes=-3", 10), Partial { first: 7, last: 9 });
        assert_eq!(resolve("bytes=-30", 10), Partial { first: 0, last: 9 });
        assert_eq!(resolve("bytes=8-100", 10), Partial { first: 8, last: 9 });
        assert_eq!(resolve("bytes=10-", 10), Unsatisfiable);
        assert_eq!(resolve("bytes=0-1,3-4", 10), Whole);
        assert_eq!(resolve("items=0-1", 10), Whole);
        assert_eq!(resolve("bytes=4-2", 10), Whole);
        assert_eq!(resolve("bytes=x-", 10), Whole);
    }
}
