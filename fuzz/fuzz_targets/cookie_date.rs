//! Cookie dates: arbitrary bytes never panic, a parsed date is within
//! 1601..=9999, and its RFC 1123 form parses back to the same instant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_cookie_jar::{Timestamp, parse_cookie_date};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    if let Some(t) = parse_cookie_date(&input) {
        assert!(t >= Timestamp::MIN && t <= Timestamp::MAX, "{input:?} -> {t:?}");
        let formatted = t.to_rfc1123();
        assert_eq!(parse_cookie_date(&formatted), Some(t), "{input:?} -> {formatted}");
    }
});
