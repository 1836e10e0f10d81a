//! `ProxyConfig`: Electron's defaulting, modes, and bypass integration.

use sessionkit_bypass_rules::BypassRules;
use sessionkit_proxy_rules::{
    ConfigError, ParseErrorKind, ProxyConfig, ProxyMode, ProxyRules, ResolveError,
};

use crate::url;

fn electron(
    mode: Option<&str>,
    pac: Option<&str>,
    rules: Option<&str>,
    bypass: Option<&str>,
) -> ProxyConfig {
    let (config, _) = ProxyConfig::from_electron(mode, pac, rules, bypass)
        .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    config
}

fn resolve(config: &ProxyConfig, target: &str) -> String {
    config.resolve(&url(target)).map(|l| l.to_string()).unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn rules_vectors_through_resolve() {
    for &(rules, target, expected) in crate::rules::CASES {
        let config = electron(None, None, Some(rules), None);
        assert_eq!(resolve(&config, target), expected, "{rules:?} {target}");
    }
}

#[test]
fn invalid_mode_is_rejected_with_electrons_message() {
    for mode in ["bogus", "Direct", "FIXED_SERVERS", "", "pac"] {
        let err = ProxyConfig::from_electron(Some(mode), None, None, None).unwrap_err();
        assert_eq!(err, ConfigError::InvalidMode { mode: mode.to_owned() });
        assert_eq!(
            err.to_string(),
            "Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers or system"
        );
    }
}

#[test]
fn mode_names() {
    for (name, mode) in [
        ("direct", ProxyMode::Direct),
        ("auto_detect", ProxyMode::AutoDetect),
        ("pac_script", ProxyMode::PacScript),
        ("fixed_servers", ProxyMode::FixedServers),
        ("system", ProxyMode::System),
    ] {
        assert_eq!(name.parse::<ProxyMode>(), Ok(mode));
        assert_eq!(mode.to_string(), name);
        assert_eq!(electron(Some(name), Some("http://pac/"), Some("foopy"), None).mode(), mode);
    }
}

#[test]
fn electron_mode_defaulting() {
    // pacScript wins over proxyRules when no mode is given.
    let c = electron(None, Some("http://pac/p.pac"), Some("foopy"), Some("x"));
    assert_eq!(c.mode(), ProxyMode::PacScript);
    assert_eq!(c.pac_url(), Some("http://pac/p.pac"));
    assert!(c.rules().is_empty());
    assert!(c.bypass_rules().is_empty());
    // An empty pacScript does not count.
    let c = electron(None, Some(""), Some("foopy"), None);
    assert_eq!(c.mode(), ProxyMode::FixedServers);
    assert_eq!(resolve(&c, "http://a.test/"), "PROXY foopy:80");
    assert_eq!(c.pac_url(), None);
    // Nothing at all, or empty rules: fixed_servers with "" is direct.
    for rules in [None, Some("")] {
        let c = electron(None, None, rules, Some("*.x"));
        assert_eq!(c.mode(), ProxyMode::Direct);
        assert_eq!(resolve(&c, "http://a.test/"), "DIRECT");
    }
    assert_eq!(electron(Some("fixed_servers"), None, None, None).mode(), ProxyMode::Direct);
    // An explicit mode ignores the fields of other modes.
    let c = electron(Some("fixed_servers"), Some("http://pac/"), Some("foopy"), None);
    assert_eq!(c.pac_url(), None);
    assert_eq!(resolve(&c, "https://a.test/"), "PROXY foopy:80");
    let c = electron(Some("direct"), None, Some("foopy"), None);
    assert_eq!(resolve(&c, "http://a.test/"), "DIRECT");
    assert!(c.rules().is_empty());
}

#[test]
fn non_empty_rules_keep_fixed_servers_even_when_nothing_is_valid() {
    let c = electron(None, None, Some(" "), None);
    assert_eq!(c.mode(), ProxyMode::FixedServers);
    assert_eq!(resolve(&c, "http://a.test/"), "");
    assert_eq!(resolve(&c, "http://localhost/"), "DIRECT");
    let c = electron(None, None, Some("HTTP=foopy"), None);
    assert_eq!(c.mode(), ProxyMode::FixedServers);
    assert_eq!(resolve(&c, "http://a.test/"), "DIRECT");
}

#[test]
fn warnings_from_rules_bypass_and_pac_url() {
    let (_, warnings) =
        ProxyConfig::from_electron(None, None, Some("foopy;bar"), Some("a.test, foo.test/path"))
            .unwrap();
    let got: Vec<_> = warnings.iter().map(|w| (w.offset(), w.text())).collect();
    assert_eq!(got, vec![(6, "bar"), (8, "foo.test/path")]);
    assert!(matches!(warnings[1].kind(), ParseErrorKind::InvalidBypassRule(_)));
    assert!(warnings[1].to_string().starts_with("invalid proxy bypass rule at byte 8:"));

    for pac in [None, Some("not a url")] {
        let (c, warnings) =
            ProxyConfig::from_electron(Some("pac_script"), pac, None, None).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind(), &ParseErrorKind::InvalidPacUrl);
        // Electron treats an invalid PAC URL as direct.
        assert_eq!(resolve(&c, "http://a.test/"), "DIRECT");
    }
}

#[test]
fn modes_that_need_more_say_what() {
    let pac = ProxyConfig::pac_script("data:application/x-ns-proxy-autoconfig,x");
    assert_eq!(
        pac.resolve(&url("http://a.test/")),
        Err(ResolveError::NeedsPacEvaluator {
            pac_url: "data:application/x-ns-proxy-autoconfig,x".into()
        })
    );
    // Implicitly bypassed URLs never reach the PAC script.
    assert_eq!(resolve(&pac, "http://localhost:8080/"), "DIRECT");
    assert_eq!(resolve(&pac, "http://127.0.0.1/"), "DIRECT");
    let wpad = ProxyConfig::auto_detect();
    assert_eq!(wpad.resolve(&url("https://a.test/")), Err(ResolveError::NeedsAutoDetect));
    assert_eq!(resolve(&wpad, "http://[::1]/"), "DIRECT");
    let system = ProxyConfig::system();
    assert_eq!(system.resolve(&url("http://a.test/")), Err(ResolveError::NeedsSystemSettings));
    assert!(ResolveError::NeedsSystemSettings.to_string().contains("operating system"));
    assert_eq!(resolve(&ProxyConfig::direct(), "http://a.test/"), "DIRECT");
}

#[test]
fn constructors() {
    let rules: ProxyRules = "foopy".parse().unwrap();
    let c = ProxyConfig::fixed_servers(rules.clone(), BypassRules::new());
    assert_eq!(c.mode(), ProxyMode::FixedServers);
    assert_eq!(c.rules(), &rules);
    assert_eq!(
        ProxyConfig::fixed_servers(ProxyRules::new(), BypassRules::new()).mode(),
        ProxyMode::Direct
    );
    assert_eq!(c.clone(), c);
    assert_ne!(c, ProxyConfig::direct());
    assert!(format!("{c:?}").contains("FixedServers"));
    assert_eq!(
        electron(None, None, Some("foopy"), None),
        ProxyConfig::fixed_servers(rules, BypassRules::new())
    );
}

/// (rules, bypass, URL, expected)
const BYPASS_CASES: &[(&str, &str, &str, &str)] = &[
    // Implicit rules: localhost, loopback, link-local go DIRECT.
    ("foopy:8080", "", "http://localhost/", "DIRECT"),
    ("foopy:8080", "", "http://LOCALHOST:3000/x", "DIRECT"),
    ("foopy:8080", "", "http://foo.localhost/", "DIRECT"),
    ("foopy:8080", "", "http://127.0.0.1:3000/", "DIRECT"),
    ("foopy:8080", "", "http://127.1.2.3/", "DIRECT"),
    ("foopy:8080", "", "http://[::1]/", "DIRECT"),
    ("foopy:8080", "", "http://169.254.1.1/", "DIRECT"),
    ("foopy:8080", "", "ws://localhost/", "DIRECT"),
    ("foopy:8080", "", "http://localhost.example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "", "http://10.0.0.1/", "PROXY foopy:8080"),
    ("foopy:8080", "", "http://example.com/", "PROXY foopy:8080"),
    // <-loopback> subtracts them.
    ("foopy:8080", "<-loopback>", "http://localhost/", "PROXY foopy:8080"),
    ("foopy:8080", "<-loopback>", "http://127.0.0.1/", "PROXY foopy:8080"),
    ("foopy:8080", "<-loopback>;localhost", "http://localhost/", "DIRECT"),
    // Explicit rules.
    ("foopy:8080", "*.internal", "http://a.internal/", "DIRECT"),
    ("foopy:8080", "*.internal", "http://internal/", "PROXY foopy:8080"),
    ("foopy:8080", "example.com", "http://example.com/", "DIRECT"),
    ("foopy:8080", "example.com", "http://www.example.com/", "PROXY foopy:8080"),
    ("foopy:8080", "<local>", "http://intranet/", "DIRECT"),
    ("foopy:8080", "<local>", "http://a.b/", "PROXY foopy:8080"),
    ("foopy:8080", "10.0.0.0/8", "http://10.1.2.3/", "DIRECT"),
    ("foopy:8080", "http://example.com", "https://example.com/", "PROXY foopy:8080"),
    // Bypass comes before the list, whatever the list is.
    ("foo.test/", "", "http://localhost/", "DIRECT"),
    ("foo.test/", "", "http://example.com/", ""),
    ("foo.test/", "example.com", "http://example.com/", "DIRECT"),
    ("http=foopy;socks=sox", "*.internal", "ws://a.internal/", "DIRECT"),
    ("http=foopy;socks=sox", "*.internal", "ws://a.test/", "SOCKS sox:1080"),
    ("http=foopy", "", "http://localhost/", "DIRECT"),
];

#[test]
fn bypass_integration() {
    for &(rules, bypass, target, expected) in BYPASS_CASES {
        let config = electron(None, None, Some(rules), Some(bypass));
        assert_eq!(resolve(&config, target), expected, "{rules:?} bypass {bypass:?} {target}");
    }
}

#[test]
fn resolve_never_panics_on_odd_urls() {
    let config = electron(None, None, Some("http=a;socks=b"), Some("*,<local>,10.0.0.0/8"));
    for target in [
        "data:text/plain,hi",
        "file:///etc/passwd",
        "mailto:x@y",
        "foo:",
        "http://[::]/",
        "blob:https://a/uuid",
        "javascript:alert(1)",
    ] {
        let _ = config.resolve(&url(target));
        let _ = electron(None, None, Some("foopy"), None).resolve(&url(target));
    }
}
