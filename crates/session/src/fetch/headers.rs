//! The headers the pipeline adds to each hop: User-Agent, Accept-Language,
//! Cookie and the cache-mode headers.

use http::{HeaderMap, HeaderValue, header};
use url::Url;

use crate::fetch::{CacheMode, FetchError};

/// What the session contributes to one hop.
pub(crate) struct HopDefaults<'a> {
    pub(crate) user_agent: &'a str,
    pub(crate) accept_languages: &'a str,
    /// The jar's `Cookie` value for this hop, if cookies are included.
    pub(crate) jar_cookies: Option<String>,
    /// The caller's own `Cookie` value, while it still applies.
    pub(crate) caller_cookies: Option<&'a HeaderValue>,
    pub(crate) cache: CacheMode,
}

/// Adds the session's defaults to `headers` (a copy of the hop's request
/// headers). A header the caller set wins, as in Chromium, where the
/// session's user agent and languages are defaults.
pub(crate) fn apply(
    url: &Url,
    headers: &mut HeaderMap,
    defaults: &HopDefaults<'_>,
) -> Result<(), FetchError> {
    let value = |name: &str, text: &str| {
        HeaderValue::from_str(text).map_err(|_| FetchError::InvalidRequest {
            url: url.clone(),
            reason: format!("the {name} header value {text:?} is not valid"),
        })
    };
    if !headers.contains_key(header::USER_AGENT) && !defaults.user_agent.is_empty() {
        headers.insert(header::USER_AGENT, value("User-Agent", defaults.user_agent)?);
    }
    if !headers.contains_key(header::ACCEPT_LANGUAGE) {
        let languages = weighted_languages(defaults.accept_languages);
        if !languages.is_empty() {
            headers.insert(header::ACCEPT_LANGUAGE, value("Accept-Language", &languages)?);
        }
    }

    headers.remove(header::COOKIE);
    let caller = defaults.caller_cookies.map(HeaderValue::as_bytes).filter(|v| !v.is_empty());
    let cookie = match (caller, defaults.jar_cookies.as_deref()) {
        (Some(caller), Some(jar)) => {
            let mut joined = caller.to_vec();
            joined.extend_from_slice(b"; ");
            joined.extend_from_slice(jar.as_bytes());
            Some(HeaderValue::from_bytes(&joined).map_err(|_| FetchError::InvalidRequest {
                url: url.clone(),
                reason: "the Cookie header value is not valid".to_owned(),
            })?)
        }
        (Some(caller), None) => HeaderValue::from_bytes(caller).ok(),
        (None, Some(jar)) => Some(value("Cookie", jar)?),
        (None, None) => None,
    };
    if let Some(cookie) = cookie {
        headers.insert(header::COOKIE, cookie);
    }

    cache_mode_headers(headers, defaults.cache);
    Ok(())
}

/// The Fetch standard's HTTP-network-or-cache fetch: `no-store` and
/// `reload` ask every cache on the way for a fresh answer (`Pragma` and
/// `Cache-Control: no-cache`); `no-cache` asks for revalidation
/// (`Cache-Control: max-age=0`). Headers the request already has stay.
pub(crate) fn cache_mode_headers(headers: &mut HeaderMap, mode: CacheMode) {
    match mode {
        CacheMode::NoStore | CacheMode::Reload => {
            if !headers.contains_key(header::PRAGMA) {
                headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            }
            if !headers.contains_key(header::CACHE_CONTROL) {
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            }
        }
        CacheMode::NoCache if !headers.contains_key(header::CACHE_CONTROL) => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=0"));
        }
        // default, force-cache and only-if-cached send the request as it
        // is (so does no-cache with its own Cache-Control); a mode Fetch may
        // add later changes no header until it is known.
        _ => {}
    }
}

/// The Accept-Language header for a language list: the first language as
/// it is, then `q=0.9`, `0.8`, ... down to `0.1` for the rest, as
/// Chromium's `HttpUtil::GenerateAcceptLanguageHeader` writes it
/// (`"en-US,en"` → `"en-US,en;q=0.9"`). Blank entries are skipped.
#[must_use]
pub fn weighted_languages(list: &str) -> String {
    let mut out = String::new();
    let mut q = 10u8;
    for language in list.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        if out.is_empty() {
            out.push_str(language);
        } else {
            out.push(',');
            out.push_str(language);
            out.push_str(&format!(";q=0.{q}"));
        }
        q = q.saturating_sub(1).max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_get_weights() {
        assert_eq!(weighted_languages("en-US,en"), "en-US,en;q=0.9");
        assert_eq!(weighted_languages("fr-CH, fr ,en,,de"), "fr-CH,fr;q=0.9,en;q=0.8,de;q=0.7");
        assert_eq!(weighted_languages(""), "");
        let many = (0..12).map(|i| format!("l{i}")).collect::<Vec<_>>().join(",");
        assert!(weighted_languages(&many).ends_with("l10;q=0.1,l11;q=0.1"));
    }

    #[test]
    fn cache_modes() {
        let mut headers = HeaderMap::new();
        cache_mode_headers(&mut headers, CacheMode::NoStore);
        assert_eq!(headers[header::PRAGMA], "no-cache");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=5"));
        cache_mode_headers(&mut headers, CacheMode::NoCache);
        assert_eq!(headers[header::CACHE_CONTROL], "max-age=5");
        let mut headers = HeaderMap::new();
        cache_mode_headers(&mut headers, CacheMode::Default);
        assert!(headers.is_empty());
    }
}
