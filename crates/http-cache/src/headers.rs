//! Header helpers: the ordered field list a stored response keeps, hop-by-hop
//! fields, and `Cache-Control` directives read case-insensitively.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

/// A response's header fields in the order the origin sent them, repeated names
/// (two `Set-Cookie` lines) kept as separate lines.
pub type HeaderList = Vec<(HeaderName, HeaderValue)>;

/// Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection and are never
/// stored or served from a cache.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "trailer",
    "proxy-authenticate",
    "proxy-authorization",
];

/// The list with hop-by-hop fields and the fields named in `Connection` removed.
pub fn without_hop_by_hop(headers: &HeaderMap) -> HeaderList {
    let listed: Vec<String> = comma_members(headers.get_all(http::header::CONNECTION))
        .map(|m| m.to_ascii_lowercase())
        .collect();
    headers
        .iter()
        .filter(|(name, _)| {
            !HOP_BY_HOP.contains(&name.as_str()) && !listed.iter().any(|l| l == name.as_str())
        })
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

/// A header map built from an ordered list without collapsing repeated lines.
pub fn to_map(list: &[(HeaderName, HeaderValue)]) -> HeaderMap {
    let mut map = HeaderMap::with_capacity(list.len());
    for (name, value) in list {
        map.append(name.clone(), value.clone());
    }
    map
}

/// The comma-separated members of every line of a field, trimmed, empty ones
/// skipped, commas inside quoted strings respected.
pub fn comma_members<'a>(
    values: impl IntoIterator<Item = &'a HeaderValue>,
) -> impl Iterator<Item = &'a str> {
    values
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(split_list)
        .map(|m| m.trim_matches(|c| c == ' ' || c == '\t'))
        .filter(|m| !m.is_empty())
}

/// One line's comma-separated members, untrimmed, commas inside quotes respected.
pub(crate) fn split_members(line: &str) -> Vec<&str> {
    split_list(line)
}

fn split_list(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

/// One `Cache-Control` directive: name lower-cased (directive names are
/// case-insensitive, RFC 9111 §5.2), value unquoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    /// The argument, if any, without quotes.
    pub value: Option<String>,
}

/// Parses every `Cache-Control` line of `headers` (named `field`) into directives.
pub fn directives(headers: &HeaderMap, field: &HeaderName) -> Vec<Directive> {
    comma_members(headers.get_all(field))
        .map(|member| match member.split_once('=') {
            Some((name, value)) => Directive {
                name: name.trim().to_ascii_lowercase(),
                value: Some(value.trim().trim_matches('"').to_owned()),
            },
            None => Directive { name: member.to_ascii_lowercase(), value: None },
        })
        .collect()
}

/// The text of a `Cache-Control` line rewritten with lower-case directive names, so
/// `http-cache-semantics` (which compares names case-sensitively) sees `No-Cache`.
pub fn lowercase_directive_names(line: &str) -> String {
    split_list(line)
        .into_iter()
        .map(|member| {
            let member = member.trim_matches(|c| c == ' ' || c == '\t');
            match member.split_once('=') {
                Some((name, value)) => format!("{}={}", name.trim().to_ascii_lowercase(), value),
                None => member.to_ascii_lowercase(),
            }
        })
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A delta-seconds directive argument (`max-age=60`); a value that is not all
/// digits is invalid; an overflowing one saturates (RFC 9111 §1.2.2).
pub fn delta_seconds(directives: &[Directive], name: &str) -> Option<Duration> {
    let value = directives.iter().find(|d| d.name == name)?.value.as_deref()?;
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Duration::from_secs(value.parse().unwrap_or(u64::from(u32::MAX))))
}

/// Whether a directive is present.
pub fn has(directives: &[Directive], name: &str) -> bool {
    directives.iter().any(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_and_connection_listed_fields_dropped() {
        let mut h = HeaderMap::new();
        h.append("connection", HeaderValue::from_static("close, X-Private"));
        h.append("x-private", HeaderValue::from_static("1"));
        h.append("transfer-encoding", HeaderValue::from_static("chunked"));
        h.append("set-cookie", HeaderValue::from_static("a=1"));
        h.append("set-cookie", HeaderValue::from_static("b=2"));
        let list = without_hop_by_hop(&h);
        let names: Vec<_> = list.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
        assert_eq!(names, [("set-cookie", "a=1"), ("set-cookie", "b=2")]);
    }

    #[test]
    fn directives_case_insensitive_and_quoted() {
        let mut h = HeaderMap::new();
        h.append("cache-control", HeaderValue::from_static("No-Cache=\"a, b\", MAX-AGE=5"));
        let d = directives(&h, &http::header::CACHE_CONTROL);
        assert_eq!(d.len(), 2);
        assert!(has(&d, "no-cache"));
        assert_eq!(delta_seconds(&d, "max-age"), Some(Duration::from_secs(5)));
        assert_eq!(lowercase_directive_names("Max-Age=5, PUBLIC"), "max-age=5, public");
    }
}
