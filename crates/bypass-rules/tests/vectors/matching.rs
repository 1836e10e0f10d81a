//! (rules, URL, bypassed?) vectors, each checked against the compiled matcher, the
//! reference walk, and `explain`.

use sessionkit_bypass_rules::{CompileOptions, ImplicitRule, Reason};

use crate::{compiled, reference, url};

/// Each row: bypass list, URL, whether the URL is bypassed.
const CASES: &[(&str, &str, bool)] = &[
    // Exact host names: no subdomains, no parents, case-insensitive.
    ("example.com", "http://example.com/", true),
    ("example.com", "https://example.com/path?q#f", true),
    ("example.com", "http://www.example.com/", false),
    ("example.com", "http://example.org/", false),
    ("EXAMPLE.Com", "http://example.com/", true),
    ("example.com", "http://EXAMPLE.COM/", true),
    ("example.com", "http://user:pass@example.com:8080/", true),
    ("example.com", "ws://example.com/", true),
    ("example.com", "ftp://example.com/", true),
    // Non-special schemes have opaque hosts (Chromium since M130, WHATWG URL): their
    // case is kept, so lower-case patterns do not match upper-case hosts, while an
    // IPv4-looking host still counts as an address for IP, range and implicit rules.
    ("a.test", "gopher://a.test/", true),
    ("a.test", "gopher://A.TEST/", false),
    ("a.tes?", "gopher://A.TEST/", false),
    ("A*", "gopher://A.TEST/", false),
    ("10.0.0.1", "gopher://10.0.0.1/", true),
    ("10.0.0.0/8", "gopher://10.0.0.1/", true),
    ("", "gopher://127.0.0.1/", true),
    ("", "gopher://169.254.1.1/", true),
    ("<-loopback>", "gopher://127.0.0.1/", false),
    // Leading-dot and star-dot suffixes: subdomains only.
    (".example.com", "http://www.example.com/", true),
    (".example.com", "http://a.b.example.com/", true),
    (".example.com", "http://example.com/", false),
    (".example.com", "http://notexample.com/", false),
    ("*.example.com", "http://www.example.com/", true),
    ("*.example.com", "http://example.com/", false),
    ("*.example.com", "http://www.example.com.evil.test/", false),
    // A bare star suffix crosses label boundaries.
    ("*example.com", "http://notexample.com/", true),
    ("*example.com", "http://example.com/", true),
    ("*example.com", "http://www.example.com/", true),
    ("*example.com", "http://example.community/", false),
    // Prefixes and inner stars.
    ("192.168.*", "http://192.168.1.1/", true),
    ("192.168.*", "http://192.168.example.test/", true),
    ("192.168.*", "http://[::ffff:c0a8:101]/", false),
    ("192.168.*", "http://192.169.1.1/", false),
    ("www.*", "http://www.anything.test/", true),
    ("a*b.test", "http://axyzb.test/", true),
    ("a*b.test", "http://ab.test/", true),
    ("a*b.test", "http://ba.test/", false),
    ("*.corp.*", "http://git.corp.example/", true),
    ("*.corp.*", "http://corp.example/", false),
    ("*foo*", "http://xfoox.test/", true),
    ("*foo*", "http://bar.test/", false),
    // `?` is zero or one character.
    ("a?c.test", "http://abc.test/", true),
    ("a?c.test", "http://ac.test/", true),
    ("a?c.test", "http://abbc.test/", false),
    ("host??.test", "http://host12.test/", true),
    ("host??.test", "http://host.test/", true),
    ("host??.test", "http://host123.test/", false),
    // `\` makes the next character literal.
    (r"\*.test", "http://x.test/", false),
    (r"a\.test", "http://a.test/", true),
    (r"a\?c.test", "http://ac.test/", false),
    // `*` alone: every URL, IP literals included.
    ("*", "http://anything.test/", true),
    ("*", "http://10.0.0.1/", true),
    ("*", "http://[2001:db8::1]/", true),
    ("*", "ftp://files.test/", true),
    // Trailing dots are significant on both sides.
    ("example.com", "http://example.com./", false),
    ("example.com.", "http://example.com./", true),
    ("example.com.", "http://example.com/", false),
    (".example.com", "http://www.example.com./", false),
    // Ports: compared with the effective port.
    ("example.com:8080", "http://example.com:8080/", true),
    ("example.com:8080", "http://example.com/", false),
    ("example.com:80", "http://example.com/", true),
    ("example.com:443", "https://example.com/", true),
    ("example.com:443", "http://example.com/", false),
    ("example.com:80", "ws://example.com/", true),
    ("example.com:443", "wss://example.com/", true),
    ("*.org:443", "https://www.example.org/", true),
    ("*.org:443", "http://x.org:443/", true),
    ("*.org:443", "http://x.org/", false),
    ("*:8080", "http://anything.test:8080/", true),
    ("*:8080", "http://10.1.2.3:8080/", true),
    ("*:8080", "http://anything.test/", false),
    ("example.com:0080", "http://example.com/", true),
    // Hostname port 0 is port 0.
    ("foo.test:0", "http://foo.test:0/", true),
    ("foo.test:0", "http://foo.test/", false),
    // Schemes.
    ("http://example.com", "http://example.com/", true),
    ("http://example.com", "https://example.com/", false),
    ("HTTPS://example.com", "https://example.com/", true),
    ("http://*", "http://any.test/", true),
    ("http://*", "https://any.test/", false),
    ("ws://*.test", "ws://a.test/", true),
    ("ws://*.test", "wss://a.test/", false),
    ("https://*.test:8443", "https://a.test:8443/", true),
    ("https://*.test:8443", "https://a.test/", false),
    // IPv4 rules: canonical comparison, URL shorthand in the rule.
    ("10.0.0.1", "http://10.0.0.1/", true),
    ("10.0.0.1", "http://10.0.0.2/", false),
    ("10.0.1", "http://10.0.0.1/", true),
    ("10.0.0.1", "http://10.1/", true),
    ("10.1", "http://10.1/", true),
    ("0xA.0.0.1", "http://10.0.0.1/", true),
    ("10.0.0.1", "http://0xa.0.0.1/", true),
    ("10.0.0.1:8080", "http://10.0.0.1:8080/", true),
    ("10.0.0.1:8080", "http://10.0.0.1/", false),
    ("10.0.0.1:0", "http://10.0.0.1/", true),
    ("10.0.0.1:0", "http://10.0.0.1:1234/", true),
    ("http://10.0.0.1", "http://10.0.0.1/", true),
    ("http://10.0.0.1", "https://10.0.0.1/", false),
    ("10.0.0.1", "http://[::ffff:10.0.0.1]/", false),
    ("10.0.0.1.", "http://10.0.0.1/", true),
    // IPv6 rules.
    ("[2001:db8::1]", "http://[2001:db8::1]/", true),
    ("[2001:db8:0:0::1]", "http://[2001:db8::1]/", true),
    ("[2001:DB8::1]", "http://[2001:db8:0::1]/", true),
    ("[2001:db8::1]", "http://[2001:db8::2]/", false),
    ("[2001:db8::1]:8080", "http://[2001:db8::1]:8080/", true),
    ("[2001:db8::1]:8080", "http://[2001:db8::1]/", false),
    ("https://[2001:db8::1]", "https://[2001:db8::1]/", true),
    ("https://[2001:db8::1]", "http://[2001:db8::1]/", false),
    // Unbracketed IPv6 is pattern `2001:db8:` with port 1: never matches.
    ("2001:db8::1", "http://[2001:db8::1]/", false),
    // ...except that `::1:80`-like text splits into a valid address and a port.
    ("2001:db8::1:8080", "http://[2001:db8::1]:8080/", true),
    ("2001:db8::1:8080", "http://[2001:db8::1]/", false),
    // CIDR ranges, only for IP literal hosts.
    ("10.0.0.0/8", "http://10.1.2.3/", true),
    ("10.0.0.0/8", "http://11.1.2.3/", false),
    ("10.0.0.0/8", "http://ten.example/", false),
    ("10.0.0.0/8", "http://10.1.2.3:9999/", true),
    ("192.168.1.1/16", "http://192.168.200.7/", true),
    ("192.168.0.0 / 16", "http://192.168.1.1/", true),
    ("10.1/8", "http://10.200.0.1/", true),
    ("0.0.0.0/0", "http://203.0.113.9/", true),
    ("0.0.0.0/0", "http://example.com/", false),
    ("10.0.0.5/32", "http://10.0.0.5/", true),
    ("10.0.0.5/32", "http://10.0.0.6/", false),
    ("2001:db8::/32", "http://[2001:db8:1::5]/", true),
    ("2001:db8::/32", "http://[2001:db9::5]/", false),
    ("2001:db8::/32", "http://10.0.0.1/", false),
    // IPv4 and IPv6 ranges cross-match through IPv4-mapped addresses.
    ("192.168.1.1/16", "http://[::ffff:192.168.11.11]/", true),
    ("192.168.1.1/16", "http://[::ffff:192.169.11.11]/", false),
    ("::ffff:192.168.1.1/112", "http://192.168.11.11/", true),
    ("::ffff:192.168.1.1/112", "http://192.169.11.11/", false),
    ("::/0", "http://10.0.0.1/", true),
    ("2001:db8::1/128", "http://[2001:db8::1]/", true),
    // The range quirk: a scheme before a range is ignored.
    ("http://10.0.0.0/8", "https://10.1.1.1/", true),
    ("ftp://10.0.0.0/8", "http://10.1.1.1/", true),
    ("HTTP://10.0.0.0/8", "ws://10.1.1.1/", true),
    // <local>: dotless, non-IP host names only.
    ("<local>", "http://intranet/", true),
    ("<local>", "http://intranet./", false),
    ("<local>", "http://intranet.corp/", false),
    ("<local>", "http://[2001:db8::1]/", false),
    ("<local>", "http://10.0.0.1/", false),
    ("<LOCAL>", "https://wiki/", true),
    // Not for localhost by itself: with the implicit rules removed it does not match.
    ("<-loopback>;<local>", "http://127.0.0.1/", false),
    ("<-loopback>;<local>", "http://localhost/", true),
    // Implicit rules with an empty list.
    ("", "http://localhost/", true),
    ("", "http://LOCALHOST:8080/", true),
    ("", "http://localhost./", true),
    ("", "http://app.localhost/", true),
    ("", "http://a.b.localhost./", true),
    ("", "http://localhost.example.com/", false),
    ("", "http://127.0.0.1/", true),
    ("", "http://127.255.1.2:9000/", true),
    ("", "http://[::1]/", true),
    ("", "http://[::ffff:127.0.0.1]/", true),
    ("", "http://169.254.1.1/", true),
    ("", "http://[::ffff:169.254.9.9]/", true),
    ("", "http://[fe80::1]/", true),
    ("", "http://[febf::1]/", true),
    ("", "http://[fec0::1]/", false),
    ("", "http://0.0.0.0/", false),
    ("", "http://[::127.0.0.1]/", false),
    ("", "http://[fd00::1]/", false),
    ("", "http://10.0.0.1/", false),
    ("", "http://192.168.0.1/", false),
    ("", "ws://localhost/", true),
    ("", "http://loopback/", false),
    ("", "http://example.com/", false),
    // Implicit rules stay on next to explicit ones.
    ("example.com", "http://localhost/", true),
    // <-loopback> subtracts them; order matters around it.
    ("<-loopback>", "http://localhost/", false),
    ("<-loopback>", "http://127.0.0.1/", false),
    ("<-loopback>", "http://[fe80::1]/", false),
    ("<-loopback>", "http://example.com/", false),
    ("<-loopback>;localhost", "http://localhost/", true),
    ("localhost;<-loopback>", "http://localhost/", false),
    ("<-loopback>;127.0.0.1", "http://127.0.0.1/", true),
    ("127.0.0.0/8;<-loopback>", "http://127.0.0.1/", false),
    ("<-loopback>;127.0.0.0/8", "http://127.0.0.1/", true),
    ("<-loopback>;*", "http://localhost/", true),
    ("*;<-loopback>", "http://localhost/", false),
    ("*;<-loopback>", "http://example.com/", true),
    ("<-LOOPBACK>", "http://localhost/", false),
    // Separators, whitespace, bad entries dropped (lenient reading of the list is in
    // the `invalid` module; these lists are all valid).
    ("a.test,b.test", "http://b.test/", true),
    ("a.test;b.test", "http://b.test/", true),
    ("a.test ; b.test , c.test", "http://c.test/", true),
    ("  a.test  ", "http://a.test/", true),
    ("a.test b.test", "http://a.test/", false),
    ("a.test,,;;b.test", "http://b.test/", true),
    ("\ta.test\n", "http://a.test/", true),
    // Hosts are compared after URL canonicalisation: IDN in punycode.
    ("xn--bcher-kva.example", "http://bücher.example/", true),
    ("bücher.example", "http://bücher.example/", false),
    ("*.xn--bcher-kva.example", "http://www.bücher.example/", true),
    // Non-special schemes: host names still match, ports need an explicit port.
    ("example.com", "foo://example.com/", true),
    ("example.com:80", "foo://example.com/", false),
    ("example.com:80", "foo://example.com:80/", true),
    ("foo://*", "foo://bar/", true),
];

#[test]
fn matching_vectors() {
    let options = CompileOptions::default();
    let mut failures = Vec::new();
    for &(rules, target, expected) in CASES {
        let (parsed, matcher) = compiled(rules);
        let target_url = url(target);
        let got = matcher.matches(&target_url);
        let verdict = matcher.explain(&target_url);
        let (linear, linear_rule) = reference(&parsed, &options, &target_url);
        if got != expected
            || verdict.bypass() != expected
            || linear != expected
            || verdict.rule_index() != linear_rule
        {
            failures.push(format!(
                "{rules:?} on {target}: expected {expected}, matcher {got}, explain {verdict}, reference {linear} by {linear_rule:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(CASES.len() >= 100);
}

#[test]
fn windows_adds_loopback_names() {
    let windows = CompileOptions::default().with_windows_loopback(true);
    let (parsed, _) = compiled("");
    let matcher = parsed.compile_with(&windows);
    for (target, expected) in
        [("http://loopback/", true), ("http://LOOPBACK./", true), ("http://loopback.test/", false)]
    {
        assert_eq!(matcher.matches(&url(target)), expected, "{target}");
    }
    let verdict = matcher.explain(&url("http://loopback/"));
    assert_eq!(verdict.reason(), &Reason::Implicit(ImplicitRule::WindowsLoopbackName));
    // And `<-loopback>` subtracts them too.
    let (parsed, _) = compiled("<-loopback>");
    assert!(!parsed.compile_with(&windows).matches(&url("http://loopback/")));
}

#[test]
fn implicit_rules_can_be_turned_off() {
    let off = CompileOptions::default().with_implicit_rules(false);
    let (parsed, _) = compiled("example.com");
    let matcher = parsed.compile_with(&off);
    assert!(!matcher.matches(&url("http://localhost/")));
    assert!(matcher.matches(&url("http://example.com/")));
    // `<-loopback>` still overrides earlier rules.
    let (parsed, _) = compiled("localhost;<-loopback>");
    assert!(!parsed.compile_with(&off).matches(&url("http://localhost/")));
}

#[test]
fn explain_names_the_deciding_rule() {
    let (_, matcher) = compiled("*.test; a.test:81; <-loopback>; x.localhost");
    let verdict = matcher.explain(&url("http://a.test:81/"));
    assert!(verdict.bypass());
    assert_eq!(verdict.rule_index(), Some(1));
    assert_eq!(verdict.to_string(), r#"bypass: rule 1 "a.test:81""#);

    // Several rules match; the last one decides.
    let verdict = matcher.explain(&url("http://b.test/"));
    assert_eq!(verdict.rule_index(), Some(0));

    let verdict = matcher.explain(&url("http://y.localhost/"));
    assert!(!verdict.bypass());
    assert_eq!(verdict.to_string(), r#"no bypass: rule 2 "<-loopback>""#);

    let verdict = matcher.explain(&url("http://x.localhost/"));
    assert!(verdict.bypass());
    assert_eq!(verdict.rule_index(), Some(3));

    let verdict = matcher.explain(&url("http://other.example/"));
    assert_eq!(verdict.reason(), &Reason::NoMatch);
    assert_eq!(verdict.to_string(), "no bypass: no rule matched");

    let (_, matcher) = compiled("");
    let verdict = matcher.explain(&url("http://[::1]:8080/"));
    assert_eq!(verdict.to_string(), "bypass: implicit rule (loopback address)");
}

#[test]
fn later_duplicates_with_other_restrictions_still_resolve_to_the_highest_index() {
    let (_, matcher) = compiled("a.test; http://a.test:8080; a.test:9090; https://a.test");
    assert_eq!(matcher.explain(&url("https://a.test/")).rule_index(), Some(3));
    assert_eq!(matcher.explain(&url("http://a.test:9090/")).rule_index(), Some(2));
    assert_eq!(matcher.explain(&url("http://a.test:8080/")).rule_index(), Some(1));
    assert_eq!(matcher.explain(&url("http://a.test/")).rule_index(), Some(0));
}
