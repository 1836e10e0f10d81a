//! The string helpers: `dnsDomainIs`, `localHostOrDomainIs`,
//! `dnsDomainLevels` and the pattern translation behind `shExpMatch`.

/// `dnsDomainIs(host, domain)`: `host` ends with `domain`, compared as is
/// (case-sensitive, no dot added: `dnsDomainIs("www.mozilla.org",
/// "mozilla.org")` and even `("xmozilla.org", "mozilla.org")` are true).
pub(crate) fn dns_domain_is(host: &str, domain: &str) -> bool {
    host.ends_with(domain)
}

/// `localHostOrDomainIs(host, hostdom)`: the same name, or `host` followed by
/// a dot starts `hostdom` (an unqualified name matches its qualified form).
pub(crate) fn local_host_or_domain_is(host: &str, hostdom: &str) -> bool {
    host == hostdom || hostdom.strip_prefix(host).is_some_and(|rest| rest.starts_with('.'))
}

/// `dnsDomainLevels(host)`: the number of dots.
pub(crate) fn dns_domain_levels(host: &str) -> usize {
    host.matches('.').count()
}

/// The regular expression that `shExpMatch` tests against: the pattern with
/// `.` literal, `*` any run of characters and `?` any one character, anchored
/// at both ends. Every other character keeps its regular-expression meaning,
/// as in browsers (so `(a|b).com` and `[ab]*` work there and here).
pub(crate) fn shexp_regex_source(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    out.push('^');
    for c in pattern.chars() {
        match c {
            '.' => out.push_str("\\."),
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            c => out.push(c),
        }
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_is_is_a_plain_suffix_test() {
        assert!(dns_domain_is("www.netscape.com", ".netscape.com"));
        assert!(!dns_domain_is("www", ".netscape.com"));
        assert!(!dns_domain_is("www.mcom.com", ".netscape.com"));
        assert!(dns_domain_is("xnetscape.com", "netscape.com"));
        assert!(!dns_domain_is("www.NETSCAPE.com", ".netscape.com"));
        assert!(dns_domain_is("", ""));
    }

    #[test]
    fn local_host_or_domain_is_matches_unqualified_names() {
        assert!(local_host_or_domain_is("www.netscape.com", "www.netscape.com"));
        assert!(local_host_or_domain_is("www", "www.netscape.com"));
        assert!(!local_host_or_domain_is("www.mcom.com", "www.netscape.com"));
        assert!(!local_host_or_domain_is("home.netscape.com", "www.netscape.com"));
        assert!(local_host_or_domain_is("www.netscape", "www.netscape.com"));
        assert!(!local_host_or_domain_is("ww", "www.netscape.com"));
    }

    #[test]
    fn levels_count_dots() {
        assert_eq!(dns_domain_levels("www"), 0);
        assert_eq!(dns_domain_levels("www.netscape.com"), 2);
        assert_eq!(dns_domain_levels("a.b.c."), 3);
    }

    #[test]
    fn shexp_translation() {
        assert_eq!(shexp_regex_source("*.example.com"), "^.*\\.example\\.com$");
        assert_eq!(shexp_regex_source("h?st"), "^h.st$");
        assert_eq!(shexp_regex_source("(a|b)"), "^(a|b)$");
    }
}
