//! PAC results: the lenient parser never panics and always yields a list,
//! that list's PAC string parses back to itself, and the strict parser
//! agrees with the lenient one whenever it accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_proxy_rules::ProxyList;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let list = ProxyList::parse_pac_result(input);
    // Chromium falls back to DIRECT when nothing in the result is usable.
    assert!(!list.is_empty(), "lenient PAC parse of {input:?} gave an empty list");

    let pac = list.to_pac_string();
    assert_eq!(ProxyList::parse_pac_result(&pac), list, "PAC string {pac:?} did not round-trip");
    assert_eq!(ProxyList::parse_pac_result_strict(&pac).as_ref(), Ok(&list));

    if let Ok(strict) = ProxyList::parse_pac_result_strict(input) {
        assert_eq!(strict, list);
    }
});
