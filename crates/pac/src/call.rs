//! The two arguments of `FindProxyForURL(url, host)`, made from a URL the
//! way Chromium makes them.

use url::Url;

/// The `url` and `host` arguments Chromium passes to `FindProxyForURL` for
/// `url`:
///
/// - user name, password and fragment are removed;
/// - for `https:` and `wss:` URLs the path and query are removed too (only
///   `https://host:port/` reaches the script), so a script cannot see
///   secure paths;
/// - `host` is the URL's host, IPv6 without brackets.
///
/// ```
/// use url::Url;
///
/// let url = Url::parse("https://user:pw@[2001:db8::1]:8443/secret?q=1#frag")?;
/// let (url_arg, host) = sessionkit_pac::script_arguments(&url);
/// assert_eq!(url_arg, "https://[2001:db8::1]:8443/");
/// assert_eq!(host, "2001:db8::1");
///
/// let url = Url::parse("http://user@example.com/a/b?c#d")?;
/// assert_eq!(sessionkit_pac::script_arguments(&url).0, "http://example.com/a/b?c");
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn script_arguments(url: &Url) -> (String, String) {
    let mut clean = url.clone();
    // These fail only for URLs that cannot have credentials (`data:`,
    // `mailto:`); there is nothing to remove then.
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.set_fragment(None);
    if matches!(url.scheme(), "https" | "wss") {
        clean.set_query(None);
        clean.set_path("/");
    }
    let host = url.host_str().unwrap_or_default();
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    (clean.into(), host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(u: &str) -> (String, String) {
        script_arguments(&Url::parse(u).expect("test URL"))
    }

    #[test]
    fn http_keeps_path_and_query() {
        assert_eq!(
            args("http://u:p@www.example.com:8080/a/b?x=1#top"),
            ("http://www.example.com:8080/a/b?x=1".into(), "www.example.com".into())
        );
    }

    #[test]
    fn secure_schemes_lose_path_and_query() {
        assert_eq!(
            args("https://example.com/a?b#c"),
            ("https://example.com/".into(), "example.com".into())
        );
        assert_eq!(
            args("wss://example.com:9000/chat?x"),
            ("wss://example.com:9000/".into(), "example.com".into())
        );
        assert_eq!(
            args("ws://example.com/chat?x#y"),
            ("ws://example.com/chat?x".into(), "example.com".into())
        );
    }

    #[test]
    fn ipv6_host_is_unbracketed() {
        assert_eq!(args("http://[::1]:81/x"), ("http://[::1]:81/x".into(), "::1".into()));
    }

    #[test]
    fn host_is_canonical() {
        assert_eq!(args("http://WWW.Example.COM/").1, "www.example.com");
        assert_eq!(args("http://münchen.de/").1, "xn--mnchen-3ya.de");
        assert_eq!(args("http://0x7f.1/").1, "127.0.0.1");
    }

    #[test]
    fn urls_without_host() {
        assert_eq!(args("data:text/plain,hi#x"), ("data:text/plain,hi".into(), String::new()));
    }
}
