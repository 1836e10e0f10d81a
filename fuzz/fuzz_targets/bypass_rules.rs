//! Bypass rules: lenient parse never panics, its canonical form re-parses
//! strictly to the same rules, strict parse agrees with lenient parse, and
//! matching never panics on URLs built from the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_bypass_rules::BypassRules;
use url::Url;

/// URLs every input is matched against, plus one made from the input.
const PROBES: &[&str] = &[
    "http://localhost/",
    "https://www.example.com/",
    "http://10.0.0.1:8080/",
    "ws://[::ffff:192.168.1.1]/",
    "ftp://intranet/",
    "http://[fe80::1]/",
];

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (rules, warnings) = BypassRules::parse_lenient(input);

    let canonical = rules.to_string();
    match BypassRules::parse(&canonical) {
        Ok(reparsed) => {
            assert_eq!(reparsed, rules, "round trip changed {input:?} -> {canonical:?}")
        }
        Err(err) => panic!("canonical form {canonical:?} of {input:?} does not parse: {err}"),
    }
    let (again, again_warnings) = BypassRules::parse_lenient(&canonical);
    assert!(again_warnings.is_empty(), "canonical form {canonical:?} warns: {again_warnings:?}");
    assert_eq!(again, rules);

    match BypassRules::parse(input) {
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

    let matcher = rules.compile();
    let own = Url::parse(&format!("http://{input}/")).ok();
    for url in PROBES.iter().filter_map(|u| Url::parse(u).ok()).chain(own) {
        let verdict = matcher.explain(&url);
        assert_eq!(matcher.matches(&url), verdict.bypass());
    }
});
