//! The address helpers: `isPlainHostName`, `convert_addr`, `isInNet`,
//! `isInNetEx` and `sortIpAddressList`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::jsnum::{to_int32, to_number};

/// An IP literal as Chromium's `IPAddress::AssignFromIPLiteral` takes it:
/// dotted-quad IPv4 or unbracketed IPv6.
pub(crate) fn parse_ip_literal(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        s.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    }
}

/// `isPlainHostName(host)`: no dot, and not an IPv6 literal (Chromium's
/// native version; `::1` is not a plain host name).
pub(crate) fn is_plain_host_name(host: &str) -> bool {
    !host.contains('.') && parse_ip_literal(host).is_none()
}

/// `convert_addr(ipchars)`: the four dot-separated parts, each taken as a
/// JavaScript number and cut to its low byte, packed big-endian into a
/// signed 32-bit integer. Missing or non-numeric parts count as 0.
pub(crate) fn convert_addr(ipchars: &str) -> i32 {
    let mut parts = ipchars.split('.');
    let mut result: u32 = 0;
    for shift in [24, 16, 8, 0] {
        let byte = parts.next().map_or(0, |p| to_int32(to_number(p)) & 0xff);
        result |= u32::from_ne_bytes(byte.to_ne_bytes()) << shift;
    }
    i32::from_ne_bytes(result.to_ne_bytes())
}

/// Whether `ipaddr` is a dotted quad of up to four digits per part, and if
/// so whether every part is at most 255 (`isInNet`'s own address test).
fn dotted_quad(ipaddr: &str) -> Option<bool> {
    let parts: Vec<&str> = ipaddr.split('.').collect();
    let shaped = parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    shaped.then(|| parts.iter().all(|p| p.parse::<u32>().is_ok_and(|n| n <= 255)))
}

/// `isInNet(host, pattern, mask)`: `host` (a dotted quad, else resolved to
/// IPv4 through `resolve`) masked equals `pattern` masked. `pattern` and
/// `mask` go through [`convert_addr`] unchecked.
pub(crate) fn is_in_net(
    host: &str,
    pattern: &str,
    mask: &str,
    resolve: impl FnOnce(&str) -> Option<String>,
) -> bool {
    let address = match dotted_quad(host) {
        Some(true) => host.to_owned(),
        Some(false) => return false,
        None => match resolve(host) {
            Some(address) => address,
            None => return false,
        },
    };
    let mask = convert_addr(mask);
    convert_addr(&address) & mask == convert_addr(pattern) & mask
}

/// `isInNetEx(ip, prefix)`: `ip` is an IP literal inside the CIDR block
/// `prefix` (`10.0.0.0/8`, `2001:db8::/32`) of the same family.
pub(crate) fn is_in_net_ex(ip: &str, prefix: &str) -> bool {
    let Some(ip) = parse_ip_literal(ip) else { return false };
    let Some((net, len)) = prefix.split_once('/') else { return false };
    let Some(net) = parse_ip_literal(net) else { return false };
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(len) = len.parse::<u32>() else { return false };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if len <= 32 => {
            prefix_match(u128::from(a.to_bits()) << 96, u128::from(n.to_bits()) << 96, len)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if len <= 128 => prefix_match(a.to_bits(), n.to_bits(), len),
        _ => false,
    }
}

fn prefix_match(a: u128, b: u128, len: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    a & mask == b & mask
}

/// `sortIpAddressList(list)`: the `;`-separated IP literals (blanks around
/// them allowed), IPv6 first, then IPv4, each in ascending numeric order,
/// in canonical form; `None` (JavaScript `false`) when one is not an IP
/// literal or there are none.
pub(crate) fn sort_ip_address_list(list: &str) -> Option<String> {
    let mut addrs = Vec::new();
    for token in list.split(';').filter(|t| !t.is_empty()) {
        addrs.push(parse_ip_literal(token.trim_ascii())?);
    }
    if addrs.is_empty() {
        return None;
    }
    addrs.sort_by_key(|a| match a {
        IpAddr::V6(v6) => (0, v6.to_bits()),
        IpAddr::V4(v4) => (1, u128::from(v4.to_bits())),
    });
    Some(addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_host_names() {
        assert!(is_plain_host_name("www"));
        assert!(!is_plain_host_name("www.netscape.com"));
        assert!(!is_plain_host_name("::1"));
        assert!(!is_plain_host_name("1.2.3.4"));
        assert!(is_plain_host_name(""));
        assert!(is_plain_host_name("[::1]"));
    }

    #[test]
    fn convert_addr_is_signed_and_lenient() {
        assert_eq!(convert_addr("104.16.41.2"), 0x6810_2902);
        assert_eq!(convert_addr("255.255.255.0"), -256);
        assert_eq!(convert_addr("1.2"), 0x0102_0000);
        assert_eq!(convert_addr("a.b.c.d"), 0);
        assert_eq!(convert_addr("256.1.1.1"), 0x0001_0101);
        assert_eq!(convert_addr("0x10.0.0.1"), 0x1000_0001);
    }

    #[test]
    fn is_in_net_with_literals_and_names() {
        let none = |_: &str| None;
        assert!(is_in_net("198.95.249.79", "198.95.249.79", "255.255.255.255", none));
        assert!(is_in_net("198.95.1.2", "198.95.0.0", "255.255.0.0", none));
        assert!(!is_in_net("198.96.1.2", "198.95.0.0", "255.255.0.0", none));
        assert!(!is_in_net("300.1.1.1", "0.0.0.0", "0.0.0.0", none));
        assert!(!is_in_net("unknown", "0.0.0.0", "0.0.0.0", none));
        assert!(is_in_net("intranet", "10.0.0.0", "255.0.0.0", |_| Some("10.1.2.3".into())));
        // Four-digit parts pass the shape test, then the range test decides.
        assert!(!is_in_net("1000.1.1.1", "0.0.0.0", "0.0.0.0", none));
        assert!(is_in_net("0010.1.1.1", "10.1.1.1", "255.255.255.255", none));
    }

    #[test]
    fn is_in_net_ex_takes_cidr_blocks() {
        assert!(is_in_net_ex("198.95.249.79", "198.95.249.79/32"));
        assert!(is_in_net_ex("198.95.6.8", "198.95.0.0/16"));
        assert!(!is_in_net_ex("198.96.6.8", "198.95.0.0/16"));
        assert!(is_in_net_ex("3ffe:8311:ffff::1", "3ffe:8311:ffff::/48"));
        assert!(!is_in_net_ex("3ffe:8312::1", "3ffe:8311:ffff::/48"));
        assert!(is_in_net_ex("1.2.3.4", "0.0.0.0/0"));
        assert!(!is_in_net_ex("1.2.3.4", "::/0"));
        assert!(!is_in_net_ex("1.2.3.4", "1.2.3.4/33"));
        assert!(!is_in_net_ex("1.2.3.4", "1.2.3.4"));
        assert!(!is_in_net_ex("host", "1.2.3.4/8"));
    }

    #[test]
    fn sort_puts_ipv6_first() {
        assert_eq!(
            sort_ip_address_list("10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9")
                .as_deref(),
            Some("::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1")
        );
        assert_eq!(
            sort_ip_address_list(" 10.0.0.2 ; 10.0.0.1").as_deref(),
            Some("10.0.0.1;10.0.0.2")
        );
        assert_eq!(sort_ip_address_list("10.0.0.1;foo"), None);
        assert_eq!(sort_ip_address_list(""), None);
        assert_eq!(sort_ip_address_list(";;"), None);
    }
}
