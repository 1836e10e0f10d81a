//! `data:` URLs (RFC 2397), the way to give Electron an inline PAC script.

use url::Url;

use crate::error::FetchError;

/// The media type and body of a `data:` URL.
pub(crate) fn decode(url: &Url, limit: usize) -> Result<(String, Vec<u8>), FetchError> {
    let text = url.as_str();
    let text = text.strip_prefix("data:").ok_or_else(|| invalid("not a data: URL"))?;
    let text = text.split_once('#').map_or(text, |(before, _)| before);
    let (meta, data) = text.split_once(',').ok_or_else(|| invalid("no comma"))?;
    let meta = percent_decode(meta.as_bytes());
    let meta = String::from_utf8_lossy(&meta);
    let (media_type, base64) = match meta.trim_end().rsplit_once(';') {
        Some((rest, last)) if last.trim().eq_ignore_ascii_case("base64") => {
            (rest.trim().to_owned(), true)
        }
        _ => (meta.trim().to_owned(), false),
    };
    let raw = percent_decode(data.as_bytes());
    let body = if base64 { base64_decode(&raw).ok_or_else(|| invalid("bad base64"))? } else { raw };
    if body.len() > limit {
        return Err(FetchError::TooLarge { limit });
    }
    let media_type =
        if media_type.is_empty() { "text/plain;charset=US-ASCII".to_owned() } else { media_type };
    Ok((media_type, body))
}

fn invalid(why: &str) -> FetchError {
    FetchError::InvalidDataUrl(why.to_owned())
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let byte = input[i];
        let hex = |j: usize| input.get(j).and_then(|&b| char::from(b).to_digit(16));
        match (byte, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.extend(u8::try_from(hi * 16 + lo).ok());
                i += 3;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// Forgiving base64 (WHATWG): ASCII whitespace ignored, padding optional.
fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut symbols: Vec<u8> = input.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if symbols.len().is_multiple_of(4) {
        for _ in 0..2 {
            if symbols.last() == Some(&b'=') {
                symbols.pop();
            }
        }
    }
    if symbols.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &s in &symbols {
        let v = match s {
            b'A'..=b'Z' => s - b'A',
            b'a'..=b'z' => s - b'a' + 26,
            b'0'..=b'9' => s - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(u: &str) -> Result<(String, Vec<u8>), FetchError> {
        decode(&Url::parse(u).expect("test URL"), 1 << 20)
    }

    #[test]
    fn plain_and_percent_encoded() {
        let (mt, body) = data("data:,function%20f()%7B%7D").expect("decodes");
        assert_eq!(mt, "text/plain;charset=US-ASCII");
        assert_eq!(body, b"function f(){}");
    }

    #[test]
    fn base64_with_media_type() {
        let (mt, body) =
            data("data:application/x-ns-proxy-autoconfig;charset=utf-8;base64,aGk/IQ==")
                .expect("decodes");
        assert_eq!(mt, "application/x-ns-proxy-autoconfig;charset=utf-8");
        assert_eq!(body, b"hi?!");
        assert_eq!(data("data:;base64,aGk").expect("no padding").1, b"hi");
        assert_eq!(data("data:;base64,a G k=").expect("blanks").1, b"hi");
    }

    #[test]
    fn fragment_is_not_data() {
        assert_eq!(data("data:,a#b").expect("decodes").1, b"a");
        assert_eq!(data("data:,a?b").expect("decodes").1, b"a?b");
    }

    #[test]
    fn errors() {
        assert!(matches!(data("data:nocomma"), Err(FetchError::InvalidDataUrl(_))));
        assert!(matches!(data("data:;base64,a"), Err(FetchError::InvalidDataUrl(_))));
        assert!(matches!(data("data:;base64,a*bc"), Err(FetchError::InvalidDataUrl(_))));
        let big = decode(&Url::parse("data:,abc").expect("URL"), 2);
        assert_eq!(big, Err(FetchError::TooLarge { limit: 2 }));
    }
}
