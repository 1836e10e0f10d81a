//! Proxy configuration and user agent of a session.

use sessionkit::{
    BypassRules, Error, PartitionOptions, ProxyConfig, ProxyMode, ProxyRules, Session, Sessions,
};
use url::Url;

fn session() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let session = sessions.from_partition("net", PartitionOptions::default()).expect("session");
    (dir, session)
}

fn resolve(session: &Session, url: &str) -> String {
    session.resolve_proxy(&Url::parse(url).expect("url")).expect("resolve").to_string()
}

#[test]
fn a_new_session_goes_direct() {
    let (_dir, session) = session();
    assert_eq!(session.proxy_config().mode(), ProxyMode::Direct);
    assert_eq!(resolve(&session, "http://example.com/"), "DIRECT");
}

#[test]
fn fixed_servers_with_bypass() {
    let (_dir, session) = session();
    let rules = ProxyRules::parse("http=foopy:80;socks=bar").expect("rules");
    let bypass = BypassRules::parse("*.internal").expect("bypass");
    session.set_proxy(ProxyConfig::fixed_servers(rules, bypass));
    assert_eq!(resolve(&session, "http://example.com/"), "PROXY foopy:80");
    assert_eq!(resolve(&session, "https://example.com/"), "SOCKS bar:1080");
    assert_eq!(resolve(&session, "http://db.internal/"), "DIRECT");
    // Implicit bypass, as in Chromium.
    assert_eq!(resolve(&session, "http://localhost/"), "DIRECT");
    // The config reads back.
    assert_eq!(session.proxy_config().mode(), ProxyMode::FixedServers);
    // Every handle sees it.
    let other = session.clone();
    drop(session);
    assert_eq!(resolve(&other, "http://example.com/"), "PROXY foopy:80");
}

#[test]
fn electron_style_config_with_every_rule_invalid_resolves_to_empty() {
    let (_dir, session) = session();
    let (config, warnings) =
        ProxyConfig::from_electron(None, None, Some("http://proxy:8080/"), None).expect("config");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    session.set_proxy(config);
    assert_eq!(resolve(&session, "http://example.com/"), "");
}

#[test]
fn failed_pac_script_is_an_error_not_an_empty_string() {
    let (_dir, session) = session();
    // Mandatory PAC (Electron): a script that throws fails the resolution.
    session.set_proxy(ProxyConfig::pac_script("data:,function%20FindProxyForURL(){throw%201}"));
    let err = session
        .resolve_proxy(&Url::parse("http://example.com/").expect("url"))
        .expect_err("the script throws");
    assert!(matches!(err, Error::PacResolve { .. }), "{err}");
    assert!(!err.is_invalid_input());
    assert!(err.to_string().contains("http://example.com/"), "{err}");
}

#[test]
fn user_agent_defaults_and_overrides() {
    let (_dir, session) = session();
    assert_eq!(session.user_agent(), concat!("sessionkit/", env!("CARGO_PKG_VERSION")));
    assert_eq!(session.accept_languages(), "en-US,en");

    session.set_user_agent("MyApp/2.0", None).expect("ua");
    assert_eq!(session.user_agent(), "MyApp/2.0");
    assert_eq!(session.accept_languages(), "en-US,en", "None keeps languages");

    session.set_user_agent("MyApp/3.0", Some("fr-CH,fr,en")).expect("ua");
    assert_eq!(session.accept_languages(), "fr-CH,fr,en");

    let err =
        session.set_user_agent("Evil\r\nX-Injected: 1", Some("de")).expect_err("header injection");
    assert!(matches!(err, Error::InvalidHeaderValue { .. }), "{err}");
    assert!(err.is_invalid_input());
    session.set_user_agent("Fine/1", Some("de\n")).expect_err("bad languages");
    assert_eq!(session.user_agent(), "MyApp/3.0", "nothing changed on error");
    assert_eq!(session.accept_languages(), "fr-CH,fr,en");
}
