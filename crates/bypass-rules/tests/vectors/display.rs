//! The canonical text of each rule kind, and what kind each entry parses to.

use std::net::IpAddr;

use sessionkit_bypass_rules::{BypassRules, Rule};

use crate::texts;

const CANONICAL: &[(&str, &str)] = &[
    (".Example.COM", "*.example.com"),
    ("*.Example.COM", "*.example.com"),
    ("HTTP://Foo.Test:080", "http://foo.test:80"),
    ("  foo.test  ", "foo.test"),
    ("10.1", "10.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("10.0.0.1:0", "10.0.0.1"),
    ("10.0.0.1:00443", "10.0.0.1:443"),
    ("Https://10.0.0.1:8443", "https://10.0.0.1:8443"),
    ("[2001:DB8:0::1]:8080", "[2001:db8::1]:8080"),
    ("[::ffff:10.0.0.1]", "[::ffff:a00:1]"),
    ("::1:80", "[::1]:80"),
    ("http://10.0.0.0 / 8", "10.0.0.0/8"),
    ("192.168.1.1/16", "192.168.0.0/16"),
    ("10.1/8", "10.0.0.0/8"),
    ("2001:db8::1/32", "2001:db8::/32"),
    ("::ffff:192.168.1.1/112", "::ffff:192.168.0.0/112"),
    ("<LOCAL>", "<local>"),
    ("<-Loopback>", "<-loopback>"),
    ("*:8080", "*:8080"),
    (r"A\*B", r"a\*b"),
];

#[test]
fn canonical_forms() {
    for (input, expected) in CANONICAL {
        let rules = BypassRules::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(rules.to_string(), *expected, "{input}");
        assert_eq!(BypassRules::parse(expected).as_ref(), Ok(&rules), "{expected}");
    }
}

#[test]
fn lists_join_with_semicolons() {
    let rules = BypassRules::parse(" a.test , b.test;c.test ,<local>").unwrap();
    assert_eq!(rules.to_string(), "a.test;b.test;c.test;<local>");
    assert_eq!(rules.len(), 4);
    assert_eq!(BypassRules::new().to_string(), "");
    assert!(BypassRules::new().is_empty());
}

#[test]
fn entries_parse_to_the_expected_kind() {
    let rules = BypassRules::parse(
        "<local>;<-loopback>;http://*.A.test:81;https://[::1]:8443;http://10.0.0.0/8;2001:db8::1",
    )
    .unwrap();
    let r = rules.rules();
    assert!(matches!(r[0], Rule::Local));
    assert!(matches!(r[1], Rule::SubtractImplicit));
    match &r[2] {
        Rule::Hostname { scheme, pattern, port, .. } => {
            assert_eq!(scheme.as_deref(), Some("http"));
            assert_eq!(pattern, "*.a.test");
            assert_eq!(*port, Some(81));
        }
        other => panic!("not a hostname rule: {other:?}"),
    }
    match &r[3] {
        Rule::Ip { scheme, addr, port, .. } => {
            assert_eq!(scheme.as_deref(), Some("https"));
            assert_eq!(*addr, "::1".parse::<IpAddr>().unwrap());
            assert_eq!(*port, Some(8443));
        }
        other => panic!("not an IP rule: {other:?}"),
    }
    match &r[4] {
        Rule::Cidr { net, .. } => assert_eq!(net.to_string(), "10.0.0.0/8"),
        other => panic!("not a range: {other:?}"),
    }
    // Unbracketed IPv6 is a hostname pattern with a port.
    match &r[5] {
        Rule::Hostname { pattern, port, .. } => {
            assert_eq!(pattern, "2001:db8:");
            assert_eq!(*port, Some(1));
        }
        other => panic!("not a hostname rule: {other:?}"),
    }
}

#[test]
fn from_str_is_strict_and_lists_collect() {
    assert!("a/b".parse::<BypassRules>().is_err());
    let rules: BypassRules = "a.test;b.test".parse().unwrap();
    let again: BypassRules = rules.iter().cloned().collect();
    assert_eq!(again, rules);
    let mut more = BypassRules::new();
    more.extend(rules.iter().cloned());
    assert_eq!(texts(&more), ["a.test", "b.test"]);
    assert_eq!((&rules).into_iter().count(), 2);
}
