//! Entries Chromium drops: the strict parser names the first with its offset, the
//! lenient one keeps everything else and reports each.

use sessionkit_bypass_rules::{BypassRules, MAX_INPUT_LEN, ParseErrorKind};

use crate::texts;

/// Each row: a single invalid entry and why it is invalid.
const INVALID: &[(&str, ParseErrorKind)] = &[
    ("foo.test/path", ParseErrorKind::NotIpRange),
    ("http://foo.test/", ParseErrorKind::NotIpRange),
    ("http:/foo.test/", ParseErrorKind::NotIpRange),
    ("[2001:db8::]/48", ParseErrorKind::NotIpRange),
    ("10.0.0.0/8/8", ParseErrorKind::NotIpRange),
    ("/8", ParseErrorKind::NotIpRange),
    ("foo.111/8", ParseErrorKind::NotIpRange),
    ("10.0.0.0/33", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("10.0.0.0/", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("10.0.0.0/x", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("10.0.0.0/-1", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("10.0.0.0/+8", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("10.0.0.0/8:80", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("2001:db8::/129", ParseErrorKind::InvalidPrefixLength { max: 128 }),
    ("10.0.0.0/99999999999999999999", ParseErrorKind::InvalidPrefixLength { max: 32 }),
    ("://foo.test", ParseErrorKind::EmptyScheme),
    ("://", ParseErrorKind::EmptyScheme),
    ("http://", ParseErrorKind::MissingHost),
    ("foo.test:-34", ParseErrorKind::InvalidPort),
    ("foo.test:+80", ParseErrorKind::InvalidPort),
    ("foo.test:", ParseErrorKind::InvalidPort),
    ("foo.test:*", ParseErrorKind::InvalidPort),
    ("foo.test:99999", ParseErrorKind::InvalidPort),
    ("foo.test:65536", ParseErrorKind::InvalidPort),
    ("foo.test: 80", ParseErrorKind::InvalidPort),
    ("foo.test:8o", ParseErrorKind::InvalidPort),
    ("10.0.0.1:", ParseErrorKind::InvalidPort),
    ("[::1]:", ParseErrorKind::InvalidPort),
    ("[::1]:x", ParseErrorKind::InvalidPort),
    ("http://foo.test:-0", ParseErrorKind::InvalidPort),
    (":", ParseErrorKind::InvalidPort),
];

#[test]
fn each_invalid_entry_is_refused_and_dropped() {
    for (entry, kind) in INVALID {
        let err = BypassRules::parse(entry).expect_err(entry);
        assert_eq!(err.kind(), kind, "{entry}");
        assert_eq!(err.offset(), 0, "{entry}");
        assert_eq!(err.entry(), *entry);

        // Lenient: the entry is dropped and the rest of the list survives around it.
        let list = format!("a.test, {entry} ;b.test");
        let (rules, warnings) = BypassRules::parse_lenient(&list);
        assert_eq!(texts(&rules), ["a.test", "b.test"], "{list}");
        assert_eq!(warnings.len(), 1, "{list}");
        assert_eq!(warnings[0].offset(), 8, "{list}");
        assert_eq!(warnings[0].entry(), *entry);

        let err = BypassRules::parse(&list).expect_err(&list);
        assert_eq!((err.offset(), err.entry()), (8, *entry));
    }
}

#[test]
fn strict_reports_the_first_of_several() {
    let input = "ok.test;  ://x ;10.0.0.0/40, also.ok";
    let err = BypassRules::parse(input).unwrap_err();
    assert_eq!(err.offset(), 10);
    assert_eq!(err.entry(), "://x");
    assert_eq!(
        err.to_string(),
        r#"invalid bypass rule at byte 10: "://x": the scheme before '://' is empty"#
    );

    let (rules, warnings) = BypassRules::parse_lenient(input);
    assert_eq!(texts(&rules), ["ok.test", "also.ok"]);
    let found: Vec<_> = warnings.iter().map(|w| (w.offset(), w.entry())).collect();
    assert_eq!(found, [(10, "://x"), (16, "10.0.0.0/40")]);
}

#[test]
fn error_messages_read_well() {
    let err = BypassRules::parse("a.test, b.test,  foo.test/path").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid bypass rule at byte 17: "foo.test/path": a rule with '/' must be an IP/PREFIX range"#
    );
    let err = BypassRules::parse("x:*").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid bypass rule at byte 0: "x:*": the port must be a decimal number from 0 to 65535"#
    );
}

#[test]
fn every_entry_invalid_gives_an_empty_list() {
    let (rules, warnings) = BypassRules::parse_lenient("a/b; http://; :*");
    assert!(rules.is_empty());
    assert_eq!(warnings.len(), 3);
}

#[test]
fn blank_entries_are_not_errors() {
    for input in ["", " ", ",", " ; , ;", "a.test,", ";a.test", "a.test, ,b.test", "\u{0B}\u{0C}"] {
        let strict = BypassRules::parse(input).expect(input);
        let (lenient, warnings) = BypassRules::parse_lenient(input);
        assert!(warnings.is_empty(), "{input:?}");
        assert_eq!(strict, lenient);
    }
}

#[test]
fn oversized_input_is_refused_whole() {
    let big = "a.test,".repeat(MAX_INPUT_LEN / 7 + 1);
    assert!(big.len() > MAX_INPUT_LEN);
    let err = BypassRules::parse(&big).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::InputTooLarge { len: big.len(), limit: MAX_INPUT_LEN });
    assert_eq!(err.entry(), "");
    assert!(err.to_string().starts_with("invalid bypass rules: the bypass list is "));
    let (rules, warnings) = BypassRules::parse_lenient(&big);
    assert!(rules.is_empty());
    assert_eq!(warnings, [err]);

    // Exactly at the limit is fine.
    let mut edge = "a.test,".repeat(MAX_INPUT_LEN / 7);
    edge.push_str(&"b".repeat(MAX_INPUT_LEN - edge.len()));
    assert_eq!(edge.len(), MAX_INPUT_LEN);
    assert!(BypassRules::parse(&edge).is_ok());
}

#[test]
fn odd_but_valid_entries_are_kept() {
    // Chromium accepts these, even though most can never match anything useful.
    for (entry, canonical) in [
        ("a.test b.test", "a.test b.test"),
        ("2001:db8::1", "2001:db8::1"),
        ("u@10.0.0.1", "u@10.0.0.1"),
        (":80", ":80"),
        ("[foo]:80", "[foo]:80"),
        ("http:// spaced", "http:// spaced"),
        ("<local>:80", "<local>:80"),
        ("http://<local>", "http://<local>"),
        ("a://b", "a://b"),
        (".", "*."),
        ("bücher.example", "bücher.example"),
    ] {
        let rules = BypassRules::parse(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
        assert_eq!(rules.to_string(), canonical, "{entry}");
    }
}
