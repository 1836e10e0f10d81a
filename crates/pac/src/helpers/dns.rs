//! The DNS helpers: `dnsResolve`, `dnsResolveEx`, `isResolvable`,
//! `isResolvableEx`, `myIpAddress` and `myIpAddressEx`, over a
//! [`HostResolver`].

use std::net::IpAddr;

use super::net::parse_ip_literal;
use crate::dns::HostResolver;

/// The addresses of `host`: an IP literal stands for itself; a non-ASCII
/// name is looked up in its IDNA (punycode) form.
fn lookup(resolver: &dyn HostResolver, host: &str) -> Vec<IpAddr> {
    if let Some(ip) = parse_ip_literal(host) {
        return vec![ip];
    }
    if host.is_empty() {
        return Vec::new();
    }
    let ascii;
    let name = if host.is_ascii() {
        host
    } else {
        match url::Host::parse(host) {
            Ok(url::Host::Domain(d)) => {
                ascii = d;
                &ascii
            }
            _ => host,
        }
    };
    resolver.resolve(name).unwrap_or_default()
}

/// `dnsResolve(host)`: the first IPv4 address, or `None` (JavaScript `null`).
pub(crate) fn dns_resolve(resolver: &dyn HostResolver, host: &str) -> Option<String> {
    lookup(resolver, host).into_iter().find(IpAddr::is_ipv4).map(|ip| ip.to_string())
}

/// `dnsResolveEx(host)`: every address, `;`-separated; `""` on failure.
pub(crate) fn dns_resolve_ex(resolver: &dyn HostResolver, host: &str) -> String {
    join(&lookup(resolver, host))
}

/// `isResolvable(host)`: it has an IPv4 address.
pub(crate) fn is_resolvable(resolver: &dyn HostResolver, host: &str) -> bool {
    dns_resolve(resolver, host).is_some()
}

/// `isResolvableEx(host)`: it has any address.
pub(crate) fn is_resolvable_ex(resolver: &dyn HostResolver, host: &str) -> bool {
    !lookup(resolver, host).is_empty()
}

/// `myIpAddress()`: one address of this machine, IPv4 preferred, loopback and
/// link-local only when nothing else exists; `127.0.0.1` when none is known.
pub(crate) fn my_ip_address(resolver: &dyn HostResolver) -> String {
    let addrs = resolver.local_addresses();
    let rank = |ip: &IpAddr| {
        let special = ip.is_loopback() || ip.is_unspecified() || is_link_local(ip);
        (special, !ip.is_ipv4())
    };
    addrs
        .iter()
        .min_by_key(|ip| rank(ip))
        .map_or_else(|| "127.0.0.1".to_owned(), ToString::to_string)
}

/// `myIpAddressEx()`: every address of this machine, `;`-separated; `""`
/// when none is known.
pub(crate) fn my_ip_address_ex(resolver: &dyn HostResolver) -> String {
    join(&resolver.local_addresses())
}

fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
    }
}

fn join(addrs: &[IpAddr]) -> String {
    addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::StaticResolver;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn table() -> StaticResolver {
        StaticResolver::new()
            .with_host("dual.example", [ip("2001:db8::5"), ip("192.0.2.5"), ip("192.0.2.6")])
            .with_host("v6only.example", [ip("2001:db8::6")])
            .with_host("xn--mnchen-3ya.example", [ip("192.0.2.7")])
    }

    #[test]
    fn dns_resolve_gives_the_first_ipv4() {
        let t = table();
        assert_eq!(dns_resolve(&t, "dual.example").as_deref(), Some("192.0.2.5"));
        assert_eq!(dns_resolve(&t, "v6only.example"), None);
        assert_eq!(dns_resolve(&t, "missing.example"), None);
        assert_eq!(dns_resolve(&t, "10.1.2.3").as_deref(), Some("10.1.2.3"));
        assert_eq!(dns_resolve(&t, "::1"), None);
        assert_eq!(dns_resolve(&t, "münchen.example").as_deref(), Some("192.0.2.7"));
        assert_eq!(dns_resolve(&t, ""), None);
    }

    #[test]
    fn ex_variants_see_every_family() {
        let t = table();
        assert_eq!(dns_resolve_ex(&t, "dual.example"), "2001:db8::5;192.0.2.5;192.0.2.6");
        assert_eq!(dns_resolve_ex(&t, "missing.example"), "");
        assert_eq!(dns_resolve_ex(&t, "::1"), "::1");
        assert!(is_resolvable(&t, "dual.example"));
        assert!(!is_resolvable(&t, "v6only.example"));
        assert!(is_resolvable_ex(&t, "v6only.example"));
        assert!(!is_resolvable_ex(&t, "missing.example"));
    }

    #[test]
    fn my_ip_address_prefers_routable_ipv4() {
        let none = StaticResolver::new();
        assert_eq!(my_ip_address(&none), "127.0.0.1");
        assert_eq!(my_ip_address_ex(&none), "");
        let t = StaticResolver::new().with_local_addresses([
            ip("127.0.0.1"),
            ip("fe80::1"),
            ip("2001:db8::9"),
            ip("169.254.3.3"),
            ip("192.168.1.20"),
        ]);
        assert_eq!(my_ip_address(&t), "192.168.1.20");
        assert_eq!(my_ip_address_ex(&t), "127.0.0.1;fe80::1;2001:db8::9;169.254.3.3;192.168.1.20");
        let v6 = StaticResolver::new().with_local_addresses([ip("fe80::1"), ip("2001:db8::9")]);
        assert_eq!(my_ip_address(&v6), "2001:db8::9");
        let ll = StaticResolver::new().with_local_addresses([ip("169.254.3.3")]);
        assert_eq!(my_ip_address(&ll), "169.254.3.3");
    }
}
