//! The few JavaScript number conversions the helpers need, on strings:
//! `ToNumber`, `ToInt32` and `parseInt`.

/// JavaScript `Number(s)` for a string: blank is 0, `0x`/`0o`/`0b` prefixes,
/// decimal with exponent, `Infinity`; anything else NaN.
pub(crate) fn to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let radix = match t.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => 10,
    };
    if radix != 10 {
        return digits_value(&t[2..], radix).unwrap_or(f64::NAN);
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return if t.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    // Rust's float syntax is JavaScript's decimal syntax, except that it
    // also takes "inf"/"nan" spellings, which JavaScript does not.
    let decimal = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if decimal { t.parse().unwrap_or(f64::NAN) } else { f64::NAN }
}

fn digits_value(digits: &str, radix: u32) -> Option<f64> {
    if digits.is_empty() {
        return None;
    }
    digits
        .chars()
        .try_fold(0.0_f64, |acc, c| Some(acc * f64::from(radix) + f64::from(c.to_digit(radix)?)))
}

/// JavaScript `ToInt32`.
pub(crate) fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let m = n.trunc().rem_euclid(4_294_967_296.0);
    // `m` is an integer in [0, 2^32), so the casts are exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bits = m as u64 as u32;
    i32::from_ne_bytes(bits.to_ne_bytes())
}

/// JavaScript `parseInt(s)` (no radix): leading blanks, a sign, `0x` for hex,
/// then the longest run of digits; `None` for NaN.
pub(crate) fn parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(is_js_space);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, t) = match t.get(..2) {
        Some("0x" | "0X") => (16, &t[2..]),
        _ => (10, t),
    };
    let end = t.find(|c: char| !c.is_digit(radix)).unwrap_or(t.len());
    let value = digits_value(&t[..end], radix)?;
    Some(if negative { -value } else { value })
}

const fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_number_follows_javascript() {
        assert_eq!(to_number(" 12 "), 12.0);
        assert_eq!(to_number(""), 0.0);
        assert_eq!(to_number("0x10"), 16.0);
        assert_eq!(to_number("1e2"), 100.0);
        assert_eq!(to_number("-Infinity"), f64::NEG_INFINITY);
        assert!(to_number("inf").is_nan());
        assert!(to_number("12a").is_nan());
        assert!(to_number("-0x10").is_nan());
    }

    #[test]
    fn to_int32_wraps() {
        assert_eq!(to_int32(4_294_967_296.0 + 5.0), 5);
        assert_eq!(to_int32(2_147_483_648.0), i32::MIN);
        assert_eq!(to_int32(-1.5), -1);
        assert_eq!(to_int32(f64::NAN), 0);
    }

    #[test]
    fn parse_int_takes_a_prefix() {
        assert_eq!(parse_int("1st"), Some(1.0));
        assert_eq!(parse_int("  -12x"), Some(-12.0));
        assert_eq!(parse_int("0x1f"), Some(31.0));
        assert_eq!(parse_int("JAN"), None);
        assert_eq!(parse_int(""), None);
    }
}
