//! Same-site context of a hop, for the cookie rules.

use sessionkit_cookie_jar::CookieContext;
use url::Url;

use crate::fetch::FetchOptions;

/// The schemeful site of a URL: its scheme and registrable domain (the
/// host itself for IP addresses and hosts with no registrable domain), as
/// in `https://example.com` for `https://a.b.example.com:8443/x`.
pub(crate) fn site(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let host = host.trim_end_matches('.');
    let domain = match url.host() {
        Some(url::Host::Domain(_)) => psl::domain_str(host).unwrap_or(host),
        _ => host,
    };
    Some(format!("{}://{}", url.scheme(), domain.to_ascii_lowercase()))
}

/// The cookie context of a request to `url` with `method`.
///
/// Chromium computes it per hop: a request is same-site when its initiator
/// is same-site with the URL (schemefully); a browser-initiated request
/// (no initiator, an address-bar navigation) is same-site with anything.
/// Lax cookies reach cross-site requests only on top-level navigations with
/// a safe method; the jar applies that from the context.
pub(crate) fn cookie_context(
    url: &Url,
    method: &http::Method,
    options: &FetchOptions,
) -> CookieContext {
    let initiator_site = options.initiator.as_ref().and_then(site);
    let cross_site = match &initiator_site {
        Some(initiator) => site(url).as_ref() != Some(initiator),
        None => options.initiator.is_some(),
    };
    let context = if cross_site { CookieContext::cross_site() } else { CookieContext::same_site() };
    let context =
        context.top_level_navigation(options.top_level_navigation).method(method.as_str());
    // A subresource's partitioned (CHIPS) cookies belong to the page that
    // loads it; a navigation is its own top-level site.
    match initiator_site {
        Some(top) if !options.top_level_navigation => context.top_level_site(top),
        _ => context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn sites() {
        assert_eq!(
            site(&url("https://a.b.example.com:8443/x")).as_deref(),
            Some("https://example.com")
        );
        assert_eq!(site(&url("http://127.0.0.1:80/")).as_deref(), Some("http://127.0.0.1"));
        assert_eq!(site(&url("http://localhost/")).as_deref(), Some("http://localhost"));
    }

    #[test]
    fn contexts() {
        let get = http::Method::GET;
        let nav = FetchOptions::default();
        assert!(!cookie_context(&url("https://x.test/"), &get, &nav).is_cross_site());
        let from = |u: &str| FetchOptions::default().initiator(Some(url(u)));
        let ctx =
            cookie_context(&url("https://a.example.com/"), &get, &from("https://b.example.com/"));
        assert!(!ctx.is_cross_site());
        let ctx = cookie_context(&url("https://example.com/"), &get, &from("http://example.com/"));
        assert!(ctx.is_cross_site(), "schemeful");
        let sub = from("https://other.test/").top_level_navigation(false);
        let ctx = cookie_context(&url("https://example.com/"), &get, &sub);
        assert!(ctx.is_cross_site() && !ctx.is_top_level_navigation());
        assert_eq!(ctx.top_level_site_name(), Some("https://other.test"));
    }
}
