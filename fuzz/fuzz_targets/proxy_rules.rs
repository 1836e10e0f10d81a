//! Proxy rules: lenient parse never panics, its canonical form re-parses
//! strictly to the same rules, strict parse agrees with lenient parse, and
//! resolving never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_bypass_rules::BypassRules;
use sessionkit_proxy_rules::{ProxyConfig, ProxyList, ProxyRules};
use url::Url;

const PROBES: &[&str] = &[
    "http://www.example.com/",
    "https://www.example.com/",
    "ftp://ftp.example.com/",
    "ws://ws.example.com/",
    "wss://ws.example.com/",
    "gopher://old.example.com/",
    "http://localhost/",
];

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (rules, warnings) = ProxyRules::parse_lenient(input);

    // Even a list whose every item was dropped has a canonical form (",").
    let canonical = rules.to_string();
    match ProxyRules::parse(&canonical) {
        Ok(reparsed) => {
            assert_eq!(reparsed, rules, "round trip changed {input:?} -> {canonical:?}")
        }
        Err(err) => panic!("canonical form {canonical:?} of {input:?} does not parse: {err}"),
    }

    match ProxyRules::parse(input) {
        Ok(strict) => {
            assert!(warnings.is_empty(), "strict accepted what lenient warned about: {input:?}");
            assert_eq!(strict, rules);
        }
        Err(err) => {
            assert!(
                !warnings.is_empty(),
                "strict rejected {input:?} ({err}) without a lenient warning"
            );
            assert!(err.offset() <= input.len());
        }
    }

    let config = ProxyConfig::fixed_servers(rules, BypassRules::new());
    for url in PROBES.iter().filter_map(|u| Url::parse(u).ok()) {
        // Whatever resolve gives must survive the trip through a PAC string
        // (an empty list prints as "", which a PAC result reads as DIRECT).
        if let Ok(list) = config.resolve(&url) {
            if !list.is_empty() {
                assert_eq!(ProxyList::parse_pac_result(&list.to_pac_string()), list);
            }
        }
    }
});
