//! Strict errors (offset, text, kind) and lenient warnings.

use sessionkit_proxy_rules::{
    MAX_INPUT_LEN, ParseErrorKind as K, ProxyList, ProxyRules, ProxyScheme, ProxyServer,
};

#[test]
fn strict_rules_errors() {
    let cases: &[(&str, usize, &str, K)] = &[
        ("http=foo:80;ftp=:80", 16, ":80", K::MissingHost),
        ("foopy:80;bar:90", 9, "bar:90", K::IgnoredAfterList),
        (" ;foopy", 2, "foopy", K::IgnoredAfterList),
        ("foopy;ftp=x", 6, "ftp=x", K::IgnoredAfterList),
        ("HTTP=foopy", 0, "HTTP", K::UnknownKey),
        ("http=foopy; Https=x", 12, "Https", K::UnknownKey),
        ("ws=foopy", 0, "ws", K::UnknownKey),
        ("http=", 0, "http=", K::MissingProxyList),
        ("socks=", 0, "socks=", K::MissingProxyList),
        ("http=a;https=", 7, "https=", K::MissingProxyList),
        ("http= ;https=b", 0, "http=", K::MissingProxyList),
        ("=foopy", 0, "=foopy", K::MissingKey),
        ("http=a;=foopy", 7, "=foopy", K::MissingKey),
        ("ftp=x;foopy", 6, "foopy", K::ListAfterPerScheme),
        ("http=a=b", 7, "b", K::ExtraEquals),
        ("http=a=https=b", 7, "https", K::ExtraEquals),
        ("foopy, u:p@h", 7, "u:p@h", K::Credentials),
        ("foopy:", 0, "foopy:", K::EmptyPort),
        ("foopy:99999", 0, "foopy:99999", K::InvalidPort),
        ("http://proxy:8080/", 0, "http://proxy:8080/", K::InvalidPort),
        ("  foo.111  ", 2, "foo.111", K::InvalidHost),
        ("foo.test/", 0, "foo.test/", K::InvalidHost),
        ("2001:db8::1", 0, "2001:db8::1", K::InvalidHost),
        ("[::1", 0, "[::1", K::InvalidHost),
        ("quic://q:443", 0, "quic://q:443", K::QuicNotAllowed),
        ("ftp://x", 0, "ftp://x", K::UnknownProxyScheme),
        ("direct://x", 0, "direct://x", K::DirectWithHost),
        ("http=direct://x", 5, "direct://x", K::DirectWithHost),
        ("socks=a,:1", 8, ":1", K::MissingHost),
    ];
    for (input, offset, text, kind) in cases {
        let err = ProxyRules::parse(input).expect_err(input);
        assert_eq!((err.offset(), err.text(), err.kind()), (*offset, *text, kind), "{input:?}");
        let (_, warnings) = ProxyRules::parse_lenient(input);
        assert_eq!(warnings.first(), Some(&err), "{input:?}: strict error is the first warning");
    }
}

#[test]
fn error_message_reads_well() {
    let err = ProxyRules::parse("http=foo:80;ftp=:80").unwrap_err();
    assert_eq!(err.to_string(), r#"invalid proxy rule at byte 16: ":80": missing host"#);
    let err = ProxyRules::parse("HTTP=x").unwrap_err();
    assert!(err.to_string().contains("case-sensitive"), "{err}");
    let err = ProxyServer::parse_uri("u:p@h", ProxyScheme::Http).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid proxy URI at byte 0: "u:p@h": credentials are not allowed in a proxy URI"#
    );
    let err = ProxyList::parse_pac_result_strict("PROXY a\u{7}").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid PAC result element at byte 0: "PROXY a\u{7}": invalid host"#
    );
}

#[test]
fn strict_accepts_harmless_empties() {
    for input in ["", ";", ";;foopy;;", "foopy,,bar,", "http=a,,b;;https=c;", "  ", ","] {
        assert!(ProxyRules::parse(input).is_ok(), "{input:?}");
    }
}

#[test]
fn lenient_reports_every_dropped_piece_in_order() {
    let (rules, warnings) = ProxyRules::parse_lenient("a/,b,c:;d;e");
    assert_eq!(rules.to_string(), "http://b:80");
    let got: Vec<_> = warnings.iter().map(|w| (w.offset(), w.text(), w.kind().clone())).collect();
    assert_eq!(
        got,
        vec![
            (0, "a/", K::InvalidHost),
            (5, "c:", K::EmptyPort),
            (8, "d", K::IgnoredAfterList),
            (10, "e", K::IgnoredAfterList),
        ]
    );
    let (rules, warnings) = ProxyRules::parse_lenient("HTTP=a;http=b;Ftp=c;foo");
    assert_eq!(rules.to_string(), "http=http://b:80");
    let kinds: Vec<_> = warnings.iter().map(|w| w.kind().clone()).collect();
    assert_eq!(kinds, vec![K::UnknownKey, K::UnknownKey, K::ListAfterPerScheme]);
}

#[test]
fn unknown_key_list_is_not_parsed() {
    // Chromium never looks at the proxies of a key it ignores.
    let (_, warnings) = ProxyRules::parse_lenient("gopher=bad/,worse:");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].kind(), &K::UnknownKey);
}

#[test]
fn input_size_limit() {
    let big = "a".repeat(MAX_INPUT_LEN + 1);
    let err = ProxyRules::parse(&big).unwrap_err();
    assert_eq!(err.kind(), &K::InputTooLarge { len: MAX_INPUT_LEN + 1 });
    assert!(ProxyRules::parse_lenient(&big).0.is_empty());
    assert!(ProxyServer::parse_uri(&big, ProxyScheme::Http).is_err());
    assert!(ProxyServer::parse_pac(&big).is_err());
    assert!(ProxyList::parse_pac_result(&big).is_direct());
    let at_limit = format!("{};", "a".repeat(MAX_INPUT_LEN - 1));
    assert!(ProxyRules::parse(&at_limit).is_ok());
}

#[test]
fn server_constructors() {
    let s = ProxyServer::new(ProxyScheme::Https, "::1", None).unwrap();
    assert_eq!(s.to_string(), "https://[::1]:443");
    let s = ProxyServer::new(ProxyScheme::Quic, "Q.example", Some(4433)).unwrap();
    assert_eq!(s.to_pac_string(), "QUIC q.example:4433");
    assert_eq!(ProxyServer::new(ProxyScheme::Direct, "", None).unwrap(), ProxyServer::direct());
    assert_eq!(
        ProxyServer::new(ProxyScheme::Direct, "x", None).unwrap_err().kind(),
        &K::DirectWithHost
    );
    assert_eq!(ProxyServer::new(ProxyScheme::Http, "", None).unwrap_err().kind(), &K::MissingHost);
    assert_eq!(
        ProxyServer::new(ProxyScheme::Http, "a b", None).unwrap_err().kind(),
        &K::InvalidHost
    );
    assert_eq!(ProxyServer::direct().to_string(), "direct://");
    assert_eq!(ProxyServer::direct().to_pac_string(), "DIRECT");
    // Without a scheme the caller's default applies.
    let s = ProxyServer::parse_uri("sox", ProxyScheme::Socks4).unwrap();
    assert_eq!((s.scheme(), s.host(), s.port()), (ProxyScheme::Socks4, "sox", 1080));
    assert_eq!(
        ProxyServer::parse_uri("h", ProxyScheme::Quic).unwrap_err().kind(),
        &K::QuicNotAllowed
    );
}

#[test]
fn proxy_urls_for_http_clients() {
    let url = |uri: &str| {
        ProxyServer::parse_uri(uri, ProxyScheme::Http).unwrap().to_proxy_url().map(String::from)
    };
    assert_eq!(url("foopy").as_deref(), Some("http://foopy/"));
    assert_eq!(url("foopy:8080").as_deref(), Some("http://foopy:8080/"));
    assert_eq!(url("https://p").as_deref(), Some("https://p/"));
    assert_eq!(url("socks4://s").as_deref(), Some("socks4://s:1080"));
    assert_eq!(url("socks://[::1]").as_deref(), Some("socks5h://[::1]:1080"));
    assert_eq!(url("direct://"), None);
    let quic = ProxyServer::parse_pac("QUIC q").unwrap();
    assert_eq!(quic.to_proxy_url(), None);
}

#[test]
fn scheme_tables() {
    assert_eq!(ProxyScheme::Http.default_port(), Some(80));
    assert_eq!(ProxyScheme::Https.default_port(), Some(443));
    assert_eq!(ProxyScheme::Socks4.default_port(), Some(1080));
    assert_eq!(ProxyScheme::Socks5.default_port(), Some(1080));
    assert_eq!(ProxyScheme::Quic.default_port(), Some(443));
    assert_eq!(ProxyScheme::Direct.default_port(), None);
    assert_eq!(ProxyScheme::from_uri_scheme("SOCKS"), Some(ProxyScheme::Socks5));
    assert_eq!(ProxyScheme::from_pac_type("socks"), Some(ProxyScheme::Socks4));
    assert_eq!(ProxyScheme::from_pac_type("HTTP"), None);
    assert_eq!(ProxyScheme::from_uri_scheme("socks4a"), None);
    assert_eq!(ProxyScheme::Socks5.to_string(), "socks5");
}

#[test]
fn hosts_that_cannot_be_written_back_are_refused() {
    // U+1F101 (DIGIT ZERO COMMA) maps to "0," under IDNA: found by proptest.
    for input in ["\u{bef}\u{1f101}", "a\u{1f101}b", "PROXY a=b"] {
        let uri = ProxyServer::parse_uri(input, ProxyScheme::Http);
        let pac = ProxyServer::parse_pac(input);
        assert!(uri.is_err() || pac.is_err(), "{input:?}");
    }
    assert_eq!(ProxyRules::parse("\u{bef}\u{1f101}").unwrap_err().kind(), &K::InvalidHost);
    assert!(ProxyList::parse_pac_result("PROXY a=b").is_direct());
}
