//! Hop-by-hop headers: they describe one connection, so a proxy removes
//! them in both directions (RFC 9110 §7.6.1).

use http::HeaderMap;
use http::header::{self, HeaderName};

/// The fixed hop-by-hop names, plus `Proxy-Connection` (never standard,
/// still sent by clients).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Removes the hop-by-hop headers and those the `Connection` header names.
pub(super) fn remove(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_names_go_too() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONNECTION, "close, X-Private".parse().unwrap());
        headers.insert("x-private", "1".parse().unwrap());
        headers.insert("x-kept", "1".parse().unwrap());
        headers.insert(header::TRANSFER_ENCODING, "chunked".parse().unwrap());
        remove(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key("x-kept"));
    }
}
