//! Turning a [`ProxyConfig`] into a `reqwest::Proxy` (feature `reqwest`).

use crate::config::{ProxyConfig, ProxyMode};
use crate::error::ResolveError;
use crate::list::ProxyList;
use crate::scheme::ProxyScheme;

/// Where requests go when the rules resolve to a list with no proxy reqwest
/// can use: a proxy address no connection can reach (port 0 on the
/// unspecified address), so that the request fails like Chromium's
/// `ERR_NO_SUPPORTED_PROXIES` instead of leaking out directly.
pub const UNREACHABLE_PROXY: &str = "http://0.0.0.0:0";

impl ProxyConfig {
    /// A `reqwest::Proxy` that asks [`resolve`](Self::resolve) for every
    /// request and uses the **first** entry of the list, so proxy rules,
    /// per-scheme lists and bypass rules (explicit and implicit) all apply,
    /// exactly as compiled here. Add it with `ClientBuilder::proxy`.
    ///
    /// reqwest has no fallback list, so the entries after the first are
    /// never tried. The first entry maps as follows:
    ///
    /// - `DIRECT` → no proxy for that request;
    /// - HTTP, HTTPS, SOCKS4, SOCKS5 → that proxy (SOCKS5 as `socks5h`, since
    ///   Chromium lets the proxy resolve names; SOCKS needs reqwest's `socks`
    ///   feature enabled by the application);
    /// - QUIC → skipped in favour of the next usable entry, as reqwest cannot
    ///   speak it;
    /// - no usable entry (the empty list of a single list whose items were
    ///   all invalid) → [`UNREACHABLE_PROXY`], so the request fails as in
    ///   Chromium.
    ///
    /// # Errors
    ///
    /// PAC, auto-detect and system modes need an evaluator or the system's
    /// settings; for them this returns the [`ResolveError`] that
    /// [`resolve`](Self::resolve) gives.
    ///
    /// ```
    /// use sessionkit_proxy_rules::ProxyConfig;
    ///
    /// let config = ProxyConfig::fixed_servers("foopy:8080".parse()?, "*.internal".parse()?);
    /// let client = reqwest::Client::builder().proxy(config.to_reqwest_proxy()?).build()?;
    /// # drop(client);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_reqwest_proxy(&self) -> Result<reqwest::Proxy, ResolveError> {
        match self.mode() {
            ProxyMode::Direct | ProxyMode::FixedServers => {}
            ProxyMode::PacScript => {
                return Err(ResolveError::NeedsPacEvaluator {
                    pac_url: self.pac_url().unwrap_or_default().to_owned(),
                });
            }
            ProxyMode::AutoDetect => return Err(ResolveError::NeedsAutoDetect),
            ProxyMode::System => return Err(ResolveError::NeedsSystemSettings),
        }
        let config = self.clone();
        Ok(reqwest::Proxy::custom(move |url| match config.resolve(url) {
            Ok(list) => reqwest_target(&list),
            // Unreachable for the modes accepted above; fail closed anyway.
            Err(_) => Some(UNREACHABLE_PROXY.to_owned()),
        }))
    }
}

/// The proxy URL reqwest should use for a resolved list; `None` is direct.
fn reqwest_target(list: &ProxyList) -> Option<String> {
    for server in list {
        if server.is_direct() {
            return None;
        }
        if server.scheme() == ProxyScheme::Quic {
            continue;
        }
        if let Some(url) = server.to_proxy_url() {
            return Some(url.into());
        }
    }
    Some(UNREACHABLE_PROXY.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{UNREACHABLE_PROXY, reqwest_target};
    use crate::ProxyList;

    #[test]
    fn first_usable_entry_wins() {
        let target = |pac: &str| reqwest_target(&ProxyList::parse_pac_result(pac));
        assert_eq!(target("PROXY a:1;SOCKS5 b"), Some("http://a:1/".to_owned()));
        assert_eq!(target("SOCKS5 b;DIRECT"), Some("socks5h://b:1080".to_owned()));
        assert_eq!(target("DIRECT;PROXY a:1"), None);
        assert_eq!(target("QUIC q;HTTPS h"), Some("https://h/".to_owned()));
        assert_eq!(target("QUIC q"), Some(UNREACHABLE_PROXY.to_owned()));
        assert_eq!(reqwest_target(&ProxyList::new()), Some(UNREACHABLE_PROXY.to_owned()));
    }
}
