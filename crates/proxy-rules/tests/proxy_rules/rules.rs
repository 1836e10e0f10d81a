//! Rules string + URL → the `resolveProxy` string, by the rules alone
//! (`ProxyRules::proxies_for`); the same table goes through
//! `ProxyConfig::resolve` in `config.rs`. No URL here is implicitly bypassed.

use sessionkit_proxy_rules::ProxyRules;

use crate::url;

/// (rules, URL, expected `resolveProxy` string)
pub(crate) const CASES: &[(&str, &str, &str)] = &[
    // A single list applies to every URL scheme.
    ("foopy", "http://example.com/", "PROXY foopy:80"),
    ("foopy:8080", "http://example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "https://example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "ftp://example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "ws://example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "wss://example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "foo://bar/", "PROXY foopy:8080"),
    // Proxy URI schemes and their default ports.
    ("http://foopy", "http://a.test/", "PROXY foopy:80"),
    ("https://foopy", "http://a.test/", "HTTPS foopy:443"),
    ("https://foopy:8443", "http://a.test/", "HTTPS foopy:8443"),
    ("socks4://foopy", "http://a.test/", "SOCKS foopy:1080"),
    ("socks5://foopy", "http://a.test/", "SOCKS5 foopy:1080"),
    ("socks://foopy", "http://a.test/", "SOCKS5 foopy:1080"),
    ("socks5://foopy:9050", "https://a.test/", "SOCKS5 foopy:9050"),
    ("direct://", "http://a.test/", "DIRECT"),
    ("Direct://", "http://a.test/", "DIRECT"),
    // Fallback lists keep their order and duplicates.
    ("foopy,direct://", "http://a.test/", "PROXY foopy:80;DIRECT"),
    ("foopy:80,bar:90,direct://", "http://a.test/", "PROXY foopy:80;PROXY bar:90;DIRECT"),
    ("foopy, socks5://bar", "http://a.test/", "PROXY foopy:80;SOCKS5 bar:1080"),
    ("  foopy:80  ,\tbar  ", "http://a.test/", "PROXY foopy:80;PROXY bar:80"),
    ("foopy,foopy", "http://a.test/", "PROXY foopy:80;PROXY foopy:80"),
    ("foopy,,bar,", "http://a.test/", "PROXY foopy:80;PROXY bar:80"),
    // Case, ports.
    ("HTTP://FOOPY:80", "http://a.test/", "PROXY foopy:80"),
    ("SOCKS5://Foo.Example", "http://a.test/", "SOCKS5 foo.example:1080"),
    ("foopy:0080", "http://a.test/", "PROXY foopy:80"),
    ("foopy:0", "http://a.test/", "PROXY foopy:0"),
    ("foopy:65535", "http://a.test/", "PROXY foopy:65535"),
    ("foopy:80\t", "http://a.test/", "PROXY foopy:80"),
    // Surprises of the grammar.
    ("foopy:80;bar:90", "http://a.test/", "PROXY foopy:80"),
    ("foopy;ftp=x", "ftp://a.test/", "PROXY foopy:80"),
    ("ftp=x;foopy", "ftp://a.test/", "PROXY x:80"),
    ("ftp=x;foopy", "http://a.test/", "DIRECT"),
    ("http=", "https://a.test/", "PROXY http:80"),
    ("socks=", "http://a.test/", "PROXY socks:80"),
    ("HTTP=foopy", "http://a.test/", "DIRECT"),
    ("Http=foopy", "http://a.test/", "DIRECT"),
    ("http=;https=secure", "https://a.test/", "PROXY http:80"),
    ("http=;https=secure", "http://a.test/", "PROXY http:80"),
    ("=foopy", "http://a.test/", "PROXY foopy:80"),
    (";;foopy;;", "http://a.test/", "PROXY foopy:80"),
    (" ;foopy", "http://a.test/", ""),
    // Scheme keys are trimmed of all ASCII white space, not only spaces and tabs.
    ("\nhttp=a", "http://a.test/", "PROXY a:80"),
    ("http\r=a", "http://a.test/", "PROXY a:80"),
    ("\x0Bhttp\x0C=a", "http://a.test/", "PROXY a:80"),
    (" https\t=a", "https://a.test/", "PROXY a:80"),
    ("http=a=https=b", "https://a.test/", "PROXY b:80"),
    ("http=a=b", "http://a.test/", "PROXY a:80"),
    ("", "http://a.test/", "DIRECT"),
    (";", "http://a.test/", "DIRECT"),
    ("=", "http://a.test/", "DIRECT"),
    // Per-scheme lists.
    ("http=foopy", "http://a.test/", "PROXY foopy:80"),
    ("http=foopy", "https://a.test/", "DIRECT"),
    ("http=foopy", "ftp://a.test/", "DIRECT"),
    ("http=foopy", "foo://bar/", "DIRECT"),
    ("https=secure", "http://a.test/", "DIRECT"),
    ("https=secure", "https://a.test/", "PROXY secure:80"),
    ("ftp=ftpproxy", "ftp://a.test/", "PROXY ftpproxy:80"),
    ("ftp=ftpproxy", "http://a.test/", "DIRECT"),
    ("ftp=ftpproxy", "ws://a.test/", "DIRECT"),
    ("http=foopy;https=secure;socks=sox", "http://a.test/", "PROXY foopy:80"),
    ("http=foopy;https=secure;socks=sox", "https://a.test/", "PROXY secure:80"),
    ("http=foopy;https=secure;socks=sox", "ftp://a.test/", "SOCKS sox:1080"),
    ("http=foopy;https=secure;socks=sox", "foo://bar/", "SOCKS sox:1080"),
    ("http=a,b;http=c", "http://a.test/", "PROXY a:80;PROXY b:80;PROXY c:80"),
    ("http=a;https=b;http=c", "http://a.test/", "PROXY a:80;PROXY c:80"),
    ("http=foopy,direct://", "http://a.test/", "PROXY foopy:80;DIRECT"),
    ("http=direct://", "http://a.test/", "DIRECT"),
    ("https=https://p:8443,socks5://s", "https://a.test/", "HTTPS p:8443;SOCKS5 s:1080"),
    ("https=https://secure:8443;http=foopy:8080", "https://a.test/", "HTTPS secure:8443"),
    (" http = foopy ", "http://a.test/", "PROXY foopy:80"),
    ("ws=foopy", "ws://a.test/", "DIRECT"),
    ("crazy=foopy;http=bar", "http://a.test/", "PROXY bar:80"),
    // An empty mapped list falls through to socks=, else DIRECT.
    ("http=foopy/;socks=sox", "http://a.test/", "SOCKS sox:1080"),
    ("http=foopy/", "http://a.test/", "DIRECT"),
    // socks= is the fallback for every scheme, SOCKS4 by default, any type.
    ("socks=sox", "http://a.test/", "SOCKS sox:1080"),
    ("socks=sox", "https://a.test/", "SOCKS sox:1080"),
    ("socks=sox", "ftp://a.test/", "SOCKS sox:1080"),
    ("socks=sox", "foo://bar/", "SOCKS sox:1080"),
    ("socks=sox:2000", "http://a.test/", "SOCKS sox:2000"),
    ("socks=socks5://sox", "http://a.test/", "SOCKS5 sox:1080"),
    ("socks=https://p", "http://a.test/", "HTTPS p:443"),
    ("socks=foopy,direct://", "http://a.test/", "SOCKS foopy:1080;DIRECT"),
    ("http=foopy;socks=sox", "https://a.test/", "SOCKS sox:1080"),
    // WebSockets: socks=, then https, then http.
    ("http=foopy", "ws://a.test/", "PROXY foopy:80"),
    ("http=foopy", "wss://a.test/", "PROXY foopy:80"),
    ("https=secure", "ws://a.test/", "PROXY secure:80"),
    ("https=secure", "wss://a.test/", "PROXY secure:80"),
    ("http=foopy;https=secure", "ws://a.test/", "PROXY secure:80"),
    ("http=foopy;https=secure;socks=sox", "ws://a.test/", "SOCKS sox:1080"),
    ("http=foopy;https=secure;socks=sox", "wss://a.test/", "SOCKS sox:1080"),
    ("http=foopy;socks=sox", "ws://a.test/", "SOCKS sox:1080"),
    // Every item invalid: the empty list, not DIRECT.
    ("foopy/", "http://a.test/", ""),
    ("foo.test/", "https://a.test/", ""),
    ("quic://q:443", "http://a.test/", ""),
    ("http://proxy:8080/", "http://a.test/", ""),
    ("http://u:p@h:3128", "http://a.test/", ""),
    ("foopy.111", "http://a.test/", ""),
    ("foopy:65536", "http://a.test/", ""),
    ("foopy:", "http://a.test/", ""),
    ("foopy:http", "http://a.test/", ""),
    ("foopy:-1", "http://a.test/", ""),
    ("foopy:+80", "http://a.test/", ""),
    (":80", "http://a.test/", ""),
    ("http://", "http://a.test/", ""),
    ("direct://foopy", "http://a.test/", ""),
    ("socks4a://foopy", "http://a.test/", ""),
    ("foopy:80 bar:90", "http://a.test/", ""),
    ("2001:db8::1", "http://a.test/", ""),
    (",", "http://a.test/", ""),
    ("foopy.111,bar", "http://a.test/", "PROXY bar:80"),
    ("u@h,direct://", "http://a.test/", "DIRECT"),
    // Hosts are canonical: IPv6, IDN, IPv4 shorthand, trailing dot, `_`.
    ("[::1]:8080", "http://a.test/", "PROXY [::1]:8080"),
    ("[2001:DB8:0:0::1]", "http://a.test/", "PROXY [2001:db8::1]:80"),
    ("socks5://[2001:db8::1]:1080", "https://a.test/", "SOCKS5 [2001:db8::1]:1080"),
    ("http://[::ffff:10.0.0.1]:80", "http://a.test/", "PROXY [::ffff:a00:1]:80"),
    ("füpy", "http://a.test/", "PROXY xn--fpy-hoa:80"),
    ("FÜPY:81", "http://a.test/", "PROXY xn--fpy-hoa:81"),
    ("0xA.020.3.4", "http://a.test/", "PROXY 10.16.3.4:80"),
    ("10.1", "http://a.test/", "PROXY 10.0.0.1:80"),
    ("127.0.0.1:3128", "http://example.com/", "PROXY 127.0.0.1:3128"),
    ("foopy.", "http://a.test/", "PROXY foopy.:80"),
    ("foo_bar", "http://a.test/", "PROXY foo_bar:80"),
    ("%66oopy", "http://a.test/", "PROXY foopy:80"),
];

#[test]
fn vectors_by_proxies_for() {
    assert!(CASES.len() >= 80, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for &(rules, target, expected) in CASES {
        let (parsed, _) = ProxyRules::parse_lenient(rules);
        let got = parsed.proxies_for(&url(target)).to_pac_string();
        if got != expected {
            failures.push(format!("{rules:?} {target}: got {got:?}, want {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn canonical_text_round_trips_for_every_vector() {
    for &(rules, _, _) in CASES {
        let (parsed, _) = ProxyRules::parse_lenient(rules);
        let text = parsed.to_string();
        assert_eq!(ProxyRules::parse(&text), Ok(parsed), "{rules:?} → {text:?}");
    }
}

#[test]
fn canonical_text() {
    let cases = [
        ("", ""),
        ("foopy", "http://foopy:80"),
        ("foopy;bar", "http://foopy:80"),
        ("socks=sox;http=a,direct://", "http=http://a:80,direct://;socks=socks4://sox:1080"),
        ("https=[::1]:8080;ftp=f", "https=http://[::1]:8080;ftp=http://f:80"),
        ("foo.test/", ","),
        (",", ","),
        ("HTTP=foopy", ""),
        ("http=foopy/", ""),
        ("http=foopy/;https=ok", "https=http://ok:80"),
        ("socks://s", "socks5://s:1080"),
    ];
    for (input, want) in cases {
        assert_eq!(ProxyRules::parse_lenient(input).0.to_string(), want, "{input:?}");
    }
}

#[test]
fn normalisation_makes_equivalent_rules_equal() {
    let lenient = |s| ProxyRules::parse_lenient(s).0;
    assert_eq!(lenient("HTTP=foopy"), ProxyRules::new());
    assert_eq!(lenient("http=foopy/"), lenient(""));
    assert_eq!(lenient("http=foopy/;https=x"), lenient("https=x"));
    assert_eq!(lenient("foo.test/"), lenient(","));
    assert_ne!(lenient("foo.test/"), ProxyRules::new());
    assert_eq!(lenient("http=a;http=b"), lenient("http=a,b"));
    assert_eq!(lenient("FOOPY"), lenient("http://foopy:80"));
}

#[test]
fn accessors() {
    let rules = ProxyRules::parse("http=a;socks=s").unwrap();
    assert!(rules.is_per_scheme());
    assert!(!rules.is_empty());
    assert_eq!(rules.single_list(), None);
    assert_eq!(
        rules.per_scheme_list("http").map(ToString::to_string).as_deref(),
        Some("PROXY a:80")
    );
    assert_eq!(rules.per_scheme_list("https"), None);
    assert_eq!(
        rules.per_scheme_list("socks").map(ToString::to_string).as_deref(),
        Some("SOCKS s:1080")
    );
    let all_invalid = ProxyRules::parse_lenient("foopy/").0;
    assert!(all_invalid.single_list().is_some_and(|l| l.is_empty()));
    assert!(ProxyRules::default().is_empty());
    let from_str: ProxyRules = "foopy".parse().unwrap();
    assert_eq!(from_str.single_list().map(|l| l.len()), Some(1));
}
