//! PAC result strings → `ProxyList`.

use sessionkit_proxy_rules::{ParseErrorKind as K, ProxyList, ProxyScheme};

const CASES: &[(&str, &str)] = &[
    ("PROXY a:1; SOCKS b; DIRECT", "PROXY a:1;SOCKS b:1080;DIRECT"),
    ("", "DIRECT"),
    ("   ", "DIRECT"),
    (";;", "DIRECT"),
    ("DIRECT", "DIRECT"),
    ("direct", "DIRECT"),
    ("proxy foopy", "PROXY foopy:80"),
    ("PROXY\tfoopy:8080", "PROXY foopy:8080"),
    ("  PROXY    foopy:8080  ", "PROXY foopy:8080"),
    ("HTTPS secure", "HTTPS secure:443"),
    ("https secure:8443", "HTTPS secure:8443"),
    ("SOCKS s", "SOCKS s:1080"),
    ("SOCKS4 s", "SOCKS s:1080"),
    ("socks5 s:9", "SOCKS5 s:9"),
    ("QUIC q", "QUIC q:443"),
    ("HTTP foopy:80", "DIRECT"),
    ("PROXY http://foopy:80", "DIRECT"),
    ("PROXY a:1, PROXY b:2", "DIRECT"),
    ("PROXY a:1;;PROXY b:2;", "PROXY a:1;PROXY b:2"),
    ("garbage; PROXY ok:3", "PROXY ok:3"),
    ("DIRECT; DIRECT", "DIRECT;DIRECT"),
    ("DIRECT foo;PROXY a", "PROXY a:80"),
    ("PROXY", "DIRECT"),
    ("PROXY a:", "DIRECT"),
    ("PROXYfoo:80", "DIRECT"),
    ("PROXY u:p@h:1", "DIRECT"),
    ("PROXY [::1]:8080", "PROXY [::1]:8080"),
    ("SOCKS5 [2001:DB8::0:1]", "SOCKS5 [2001:db8::1]:1080"),
    ("PROXY FÜPY", "PROXY xn--fpy-hoa:80"),
    ("PROXY 0x7f.1", "PROXY 127.0.0.1:80"),
    ("PROXY foo.111;SOCKS ok", "SOCKS ok:1080"),
    ("PROXY a:1;PROXY a:1", "PROXY a:1;PROXY a:1"),
];

#[test]
fn lenient_vectors() {
    for &(input, want) in CASES {
        let list = ProxyList::parse_pac_result(input);
        assert_eq!(list.to_pac_string(), want, "{input:?}");
        assert_eq!(ProxyList::parse_pac_result(&list.to_pac_string()), list, "{input:?}");
    }
}

#[test]
fn strict_reports_the_first_bad_element() {
    let cases: &[(&str, usize, &str, K)] = &[
        ("PROXY a:1; HTTP b:80", 11, "HTTP b:80", K::UnknownPacType),
        ("PROXY u@h", 0, "PROXY u@h", K::Credentials),
        ("DIRECT x", 0, "DIRECT x", K::DirectWithHost),
        ("PROXY a;  PROXY", 10, "PROXY", K::MissingHost),
        ("SOCKS5 s:", 0, "SOCKS5 s:", K::EmptyPort),
        ("PROXY a:1, PROXY b:2", 0, "PROXY a:1, PROXY b:2", K::InvalidHost),
    ];
    for (input, offset, text, kind) in cases {
        let err = ProxyList::parse_pac_result_strict(input).expect_err(input);
        assert_eq!((err.offset(), err.text(), err.kind()), (*offset, *text, kind), "{input:?}");
    }
    assert_eq!(ProxyList::parse_pac_result_strict("").map(|l| l.to_string()), Ok("DIRECT".into()));
    assert_eq!(
        ProxyList::parse_pac_result_strict("PROXY a; DIRECT;").map(|l| l.to_string()),
        Ok("PROXY a:80;DIRECT".into())
    );
}

#[test]
fn warnings_list_every_skipped_element() {
    let (list, warnings) = ProxyList::parse_pac_result_with_warnings("x; PROXY a; y ;DIRECT");
    assert_eq!(list.to_string(), "PROXY a:80;DIRECT");
    let got: Vec<_> = warnings.iter().map(|w| (w.offset(), w.text())).collect();
    assert_eq!(got, vec![(0, "x"), (12, "y")]);
}

#[test]
fn list_api() {
    let list = ProxyList::parse_pac_result("SOCKS5 s; DIRECT");
    assert_eq!(list.len(), 2);
    assert!(!list.is_empty());
    assert_eq!(list.first().map(|s| s.scheme()), Some(ProxyScheme::Socks5));
    assert_eq!(list.iter().filter(|s| s.is_direct()).count(), 1);
    assert!(!list.is_direct());
    assert!(ProxyList::direct().is_direct());
    assert_eq!(ProxyList::new().to_pac_string(), "");
    assert_eq!(format!("{list}"), "SOCKS5 s:1080;DIRECT");
    let rebuilt: ProxyList = list.clone().into_iter().collect();
    assert_eq!(rebuilt, list);
}
