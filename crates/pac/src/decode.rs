//! Turning the bytes of a fetched script into text, as Chromium does: the
//! `Content-Type` charset, else a byte-order mark, else ISO-8859-1.

/// Decodes a PAC script body.
///
/// - a `charset` parameter in `content_type` wins: UTF-8, UTF-16 (LE/BE),
///   windows-1252, or ISO-8859-1 and its aliases (`latin1`, `us-ascii`, ...);
///   an unknown charset is read as ISO-8859-1;
/// - else a byte-order mark selects UTF-8 or UTF-16;
/// - else the bytes are ISO-8859-1 (every byte is the code point of the
///   same value), Chromium's default for PAC scripts.
///
/// A byte-order mark is removed; malformed sequences become U+FFFD.
///
/// ```
/// use sessionkit_pac::decode_script;
///
/// assert_eq!(decode_script(b"caf\xe9", None), "café");
/// assert_eq!(decode_script(b"caf\xc3\xa9", Some("text/javascript; charset=UTF-8")), "café");
/// assert_eq!(decode_script(b"\xef\xbb\xbfcaf\xc3\xa9", None), "café");
/// ```
pub fn decode_script(body: &[u8], content_type: Option<&str>) -> String {
    match content_type.and_then(charset) {
        Some(label) => decode_with(body, &label),
        None => match body {
            [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
            [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
            [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
            _ => latin1(body),
        },
    }
}

/// The `charset` parameter of a media type, lower case, unquoted.
fn charset(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"').trim().to_ascii_lowercase())
        })
        .filter(|v| !v.is_empty())
}

fn decode_with(body: &[u8], label: &str) -> String {
    match label {
        "utf-8" | "utf8" | "unicode-1-1-utf-8" => {
            let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
            String::from_utf8_lossy(body).into_owned()
        }
        "utf-16be" => utf16(body.strip_prefix(b"\xfe\xff").unwrap_or(body), u16::from_be_bytes),
        "utf-16" | "utf-16le" => match body {
            [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
            [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
            _ => utf16(body, u16::from_le_bytes),
        },
        "windows-1252" | "cp1252" | "x-cp1252" => windows_1252(body),
        _ => latin1(body),
    }
}

fn latin1(body: &[u8]) -> String {
    body.iter().map(|&b| char::from(b)).collect()
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = body.chunks(2).map(|c| match *c {
        [a, b] => unit([a, b]),
        _ => 0xfffd,
    });
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

/// The characters windows-1252 puts at 0x80–0x9f (U+FFFD where it has none).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
    '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}',
    'ž', 'Ÿ',
];

fn windows_1252(body: &[u8]) -> String {
    body.iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_latin1() {
        assert_eq!(decode_script(b"\xe9\x80", None), "é\u{80}");
        assert_eq!(
            decode_script(b"caf\xc3\xa9", Some("application/x-ns-proxy-autoconfig")),
            "cafÃ©"
        );
    }

    #[test]
    fn charset_wins_over_bom() {
        assert_eq!(
            decode_script(b"\xef\xbb\xbfab", Some("text/plain; charset=iso-8859-1")),
            "ï»¿ab"
        );
        assert_eq!(decode_script(b"\xef\xbb\xbfab", Some("text/plain;charset=\"utf-8\"")), "ab");
    }

    #[test]
    fn utf16_by_bom_and_charset() {
        assert_eq!(decode_script(b"\xff\xfea\x00b\x00", None), "ab");
        assert_eq!(decode_script(b"\xfe\xff\x00a\x00b", None), "ab");
        assert_eq!(decode_script(b"a\x00b\x00", Some("text/plain; charset=utf-16le")), "ab");
        assert_eq!(decode_script(b"\x00a\x00b", Some("text/plain; charset=UTF-16BE")), "ab");
        assert_eq!(decode_script(b"\x00a\x00", Some("text/plain; charset=UTF-16BE")), "a\u{fffd}");
    }

    #[test]
    fn other_charsets() {
        assert_eq!(decode_script(b"\x80\x9f", Some("text/plain; charset=windows-1252")), "€Ÿ");
        assert_eq!(decode_script(b"\xe9", Some("text/plain; charset=klingon")), "é");
        assert_eq!(decode_script(b"\xff", Some("text/plain; charset=utf-8")), "\u{fffd}");
        assert_eq!(decode_script(b"x", Some("text/plain; charset=")), "x");
    }
}
