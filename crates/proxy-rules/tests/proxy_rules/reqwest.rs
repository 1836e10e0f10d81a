//! The `reqwest` feature: building a `reqwest::Proxy` (no network).

use sessionkit_bypass_rules::BypassRules;
use sessionkit_proxy_rules::{ProxyConfig, ProxyRules, ResolveError};

#[test]
fn builds_a_proxy_and_a_client() {
    let rules: ProxyRules = "http=foopy:8080;socks=socks5://s".parse().unwrap();
    let config = ProxyConfig::fixed_servers(rules, BypassRules::parse("*.internal").unwrap());
    let proxy = config.to_reqwest_proxy().unwrap();
    let client = reqwest::Client::builder().proxy(proxy).build();
    assert!(client.is_ok());
    assert!(ProxyConfig::direct().to_reqwest_proxy().is_ok());
}

#[test]
fn modes_that_need_more_are_errors() {
    assert_eq!(
        ProxyConfig::pac_script("http://pac/p.pac").to_reqwest_proxy().unwrap_err(),
        ResolveError::NeedsPacEvaluator { pac_url: "http://pac/p.pac".into() }
    );
    assert_eq!(
        ProxyConfig::system().to_reqwest_proxy().unwrap_err(),
        ResolveError::NeedsSystemSettings
    );
    assert_eq!(
        ProxyConfig::auto_detect().to_reqwest_proxy().unwrap_err(),
        ResolveError::NeedsAutoDetect
    );
}
