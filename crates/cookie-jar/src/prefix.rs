//! Cookie name prefixes: `__Secure-`, `__Host-` (RFC 6265bis §4.1.3) and the
//! `__Http-` / `__Host-Http-` pair from draft-ietf-httpbis-layered-cookies, all
//! matched case-insensitively as Chromium does.

/// A recognised name prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefix {
    None,
    Secure,
    Host,
    Http,
    HostHttp,
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The prefix of a name (`__Host-Http-` is checked before `__Host-`).
pub(crate) fn prefix_of(name: &str) -> Prefix {
    if starts_with_ignore_case(name, "__Host-Http-") {
        Prefix::HostHttp
    } else if starts_with_ignore_case(name, "__Host-") {
        Prefix::Host
    } else if starts_with_ignore_case(name, "__Secure-") {
        Prefix::Secure
    } else if starts_with_ignore_case(name, "__Http-") {
        Prefix::Http
    } else {
        Prefix::None
    }
}

/// What the prefix rules look at.
pub(crate) struct PrefixInput<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    /// The Domain attribute as given (trimmed, not canonicalised); empty when none.
    pub(crate) domain_attribute: &'a str,
    /// The request URL's canonical host (IPv6 in brackets).
    pub(crate) host: &'a str,
    /// The path the rule looks at is exactly `/`: the `Path` attribute as given in
    /// a `Set-Cookie` line, the resolved path for the API (Chromium passes
    /// `CanonPathWithString`'s result there).
    pub(crate) root_path: bool,
}

/// Do the prefix requirements hold?
///
/// - `__Secure-`: `Secure` (which in turn needs a secure or trustworthy origin).
/// - `__Host-`: `Secure`, no Domain attribute (or one that is, byte for byte, the
///   URL's IP-address host: `Domain=.127.0.0.1` fails, as in Chromium's
///   `HasValidHostPrefixAttributes`) and the path `/`.
/// - `__Http-`: `Secure` and `HttpOnly`; `__Host-Http-`: the `__Host-` rules and `HttpOnly`.
/// - A nameless cookie whose value starts with `__Secure-` or `__Host-` is refused,
///   so it cannot pose as a prefixed cookie in the `Cookie` header.
pub(crate) fn prefix_ok(input: &PrefixInput<'_>) -> bool {
    if input.name.is_empty()
        && matches!(prefix_of(input.value), Prefix::Secure | Prefix::Host | Prefix::HostHttp)
    {
        return false;
    }
    let no_domain = input.domain_attribute.is_empty()
        || (crate::domain::is_ip(input.host) && input.domain_attribute == input.host);
    let host_rules = input.secure && no_domain && input.root_path;
    match prefix_of(input.name) {
        Prefix::None => true,
        Prefix::Secure => input.secure,
        Prefix::Host => host_rules,
        Prefix::Http => input.secure && input.http_only,
        Prefix::HostHttp => host_rules && input.http_only,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_table() {
        // name, secure, http_only, no Domain attribute, root path, ok
        let cases = [
            ("plain", false, false, false, false, true),
            ("__Secure-a", true, false, false, false, true),
            ("__secure-a", false, false, true, true, false),
            ("__SECURE-a", true, false, true, true, true),
            ("__Host-a", true, false, true, true, true),
            ("__host-a", true, false, false, true, false),
            ("__Host-a", true, false, true, false, false),
            ("__Host-a", false, false, true, true, false),
            ("__Http-a", true, true, false, false, true),
            ("__http-a", true, false, false, false, false),
            ("__Host-Http-a", true, true, true, true, true),
            ("__host-http-a", true, false, true, true, false),
            ("__Host-Http-a", true, true, false, true, false),
            ("__Hostile", false, false, false, false, true),
        ];
        for (name, secure, http_only, host_only, root, ok) in cases {
            let input = PrefixInput {
                name,
                value: "v",
                secure,
                http_only,
                domain_attribute: if host_only { "" } else { "example.com" },
                host: "www.example.com",
                root_path: root,
            };
            assert_eq!(prefix_ok(&input), ok, "{name} {secure} {http_only} {host_only} {root}");
        }
        let nameless = |value| PrefixInput {
            name: "",
            value,
            secure: true,
            http_only: true,
            domain_attribute: "",
            host: "www.example.com",
            root_path: true,
        };
        assert!(!prefix_ok(&nameless("__Host-x=y")));
        assert!(!prefix_ok(&nameless("__secure-x=y")));
        assert!(prefix_ok(&nameless("x=y")));
        // The Domain attribute is compared raw with an IP host.
        for (host, domain, ok) in [
            ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.1", ".127.0.0.1", false),
            ("[::1]", "[::1]", true),
            ("localhost", "localhost", false),
            ("www.example.com", "www.example.com", false),
        ] {
            let input = PrefixInput {
                name: "__Host-a",
                value: "v",
                secure: true,
                http_only: false,
                domain_attribute: domain,
                host,
                root_path: true,
            };
            assert_eq!(prefix_ok(&input), ok, "{host} {domain}");
        }
    }
}
