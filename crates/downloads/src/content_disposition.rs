//! `Content-Disposition` → file name, the way Chromium's `HttpContentDisposition`
//! reads it.
//!
//! Chromium's rules, in our words:
//! - The disposition type is whatever precedes the first `;` once trimmed. If it is
//!   not a token (for instance `filename=a.txt` with no type at all) the whole value
//!   is read as parameters and the type stays `inline`. `inline` and `attachment`
//!   are recognised case-insensitively; any other token counts as `attachment`.
//! - Parameters are split on `;` outside double quotes. A parameter with no `=`, with
//!   nothing before `=`, or with nothing after it ends the parse (what was found so
//!   far is kept). Names compare case-insensitively; the first non-empty result of
//!   each of `filename` and `filename*` is kept.
//! - `filename*` (RFC 8187) must be ASCII and unquoted, `charset'lang'pct-encoded`;
//!   the percent-decoded bytes are decoded in that charset and a failure discards it.
//!   When it yields a non-empty name it wins over `filename`.
//! - `filename` is unquoted (a value that opens a quote it does not close just loses
//!   the opening quote, without unescaping), then split on white space and decoded
//!   word by word: a non-ASCII word is taken as UTF-8 if it is valid, else decoded in
//!   a fallback charset (Chromium: the referrer's charset, then the OS code page); an
//!   ASCII word of the form `=?charset?B|Q?text?=` is an RFC 2047 encoded word; any
//!   other ASCII word is percent-decoded (what IE did) and must then be UTF-8. White
//!   space between two encoded words is dropped, elsewhere each white-space byte
//!   becomes one space. Any word that fails to decode discards the whole `filename`.
//!
//! # Deviation
//! - Chromium NFC-normalises a decoded `filename*`; we leave it as sent.
//! - Charset labels are resolved by `encoding_rs` (the WHATWG Encoding Standard), not
//!   ICU, so `iso-8859-1` means windows-1252 and a few exotic ICU names are unknown.
//! - The fallback for raw 8-bit bytes defaults to windows-1252 rather than the OS code
//!   page; pass the referrer's charset with [`ContentDisposition::parse_with`].

use encoding_rs::{Encoding, WINDOWS_1252};
use percent_encoding::percent_decode;

use crate::error::{Error, HeaderErrorKind};

const HEADER: &str = "Content-Disposition";

/// Longest value [`ContentDisposition::parse_strict`] accepts, in bytes.
pub const MAX_CONTENT_DISPOSITION_LEN: usize = 64 * 1024;

/// The disposition type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DispositionType {
    /// `inline`, or no type at all.
    #[default]
    Inline,
    /// `attachment`.
    Attachment,
    /// Any other token; Chromium handles it as `attachment`.
    Unknown,
}

impl DispositionType {
    /// True for `attachment` and for unknown types (which Chromium treats alike).
    #[must_use]
    pub const fn is_attachment(self) -> bool {
        matches!(self, Self::Attachment | Self::Unknown)
    }
}

/// Which parameter the file name came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilenameSource {
    /// `filename*` (RFC 8187 extended value).
    Extended,
    /// `filename`.
    Plain,
}

/// A parsed `Content-Disposition` value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContentDisposition {
    /// The disposition type.
    pub disposition: DispositionType,
    /// The decoded file name, if any parameter gave a non-empty one. Not sanitised:
    /// see [`crate::naming`] before using it as a path.
    pub filename: Option<String>,
    /// Where [`Self::filename`] came from.
    pub source: Option<FilenameSource>,
}

/// The file name Chromium would take from a `Content-Disposition` value (lenient;
/// raw 8-bit bytes fall back to windows-1252). Not sanitised.
#[must_use]
pub fn filename(header: &[u8]) -> Option<String> {
    ContentDisposition::parse(header).filename
}

impl ContentDisposition {
    /// Lenient parse, as Chromium does; never fails.
    #[must_use]
    pub fn parse(header: &[u8]) -> Self {
        Self::parse_with(header, WINDOWS_1252)
    }

    /// Lenient parse with the charset used for raw non-UTF-8 bytes in `filename`
    /// (Chromium uses the referrer page's charset).
    #[must_use]
    pub fn parse_with(header: &[u8], fallback: &'static Encoding) -> Self {
        let (disposition, start) = consume_type(header);
        let mut plain: Option<String> = None;
        let mut ext: Option<String> = None;
        for (_, segment) in split_params(header, start) {
            let Some(param) = lenient_param(segment) else {
                break;
            };
            if param.name.eq_ignore_ascii_case(b"filename") {
                if plain.is_none() {
                    plain = decode_filename_value(&param.value, fallback).filter(|s| !s.is_empty());
                }
            } else if param.name.eq_ignore_ascii_case(b"filename*")
                && ext.is_none()
                && param.raw.is_ascii()
            {
                ext = decode_ext_value(param.raw).filter(|s| !s.is_empty());
            }
        }
        choose(disposition, ext, plain)
    }

    /// Strict parse (RFC 6266 grammar): a type token, then `; name=value` parameters
    /// whose values are tokens or quoted strings, no duplicate parameter, and every
    /// `filename`/`filename*` must decode. Names are decoded as [`Self::parse`]
    /// decodes them, so a strict success always agrees with the lenient parse.
    ///
    /// # Errors
    /// [`Error::Header`] with the byte offset of the first problem, or
    /// [`Error::TooLong`] above [`MAX_CONTENT_DISPOSITION_LEN`].
    pub fn parse_strict(header: &[u8]) -> Result<Self, Error> {
        Self::parse_strict_with(header, WINDOWS_1252)
    }

    /// [`Self::parse_strict`] with an explicit fallback charset for raw 8-bit bytes.
    ///
    /// # Errors
    /// As [`Self::parse_strict`].
    pub fn parse_strict_with(header: &[u8], fallback: &'static Encoding) -> Result<Self, Error> {
        if header.len() > MAX_CONTENT_DISPOSITION_LEN {
            return Err(Error::TooLong {
                header: HEADER,
                len: header.len(),
                max: MAX_CONTENT_DISPOSITION_LEN,
            });
        }
        let err = |at: usize, kind| Error::header(HEADER, header, at, kind);
        let mut pos = skip_ows(header, 0);
        if pos == header.len() {
            return Err(err(pos, HeaderErrorKind::Empty));
        }
        let type_end = token_end(header, pos);
        if type_end == pos {
            return Err(err(pos, HeaderErrorKind::ExpectedToken));
        }
        let disposition = type_of(&header[pos..type_end]);
        pos = type_end;
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let mut plain = None;
        let mut ext = None;
        loop {
            pos = skip_ows(header, pos);
            if pos == header.len() {
                break;
            }
            if header[pos] != b';' {
                return Err(err(pos, HeaderErrorKind::ExpectedSemicolon));
            }
            pos = skip_ows(header, pos + 1);
            let name_start = pos;
            let name_end = token_end(header, pos);
            if name_end == name_start {
                return Err(err(pos, HeaderErrorKind::ExpectedToken));
            }
            let name = header[name_start..name_end].to_ascii_lowercase();
            if seen.contains(&name) {
                return Err(err(name_start, HeaderErrorKind::DuplicateParameter));
            }
            pos = skip_ows(header, name_end);
            if header.get(pos) != Some(&b'=') {
                return Err(err(pos, HeaderErrorKind::ExpectedEquals));
            }
            pos = skip_ows(header, pos + 1);
            let value_start = pos;
            let value = match header.get(pos) {
                None | Some(b';') => return Err(err(pos, HeaderErrorKind::MissingValue)),
                Some(b'"') => {
                    let (value, end) = strict_quoted(header, pos)
                        .ok_or_else(|| err(pos, HeaderErrorKind::UnterminatedQuote))?;
                    pos = end;
                    Value::Quoted(value)
                }
                Some(_) => {
                    let end = token_end(header, pos);
                    if end == pos {
                        return Err(err(pos, HeaderErrorKind::ExpectedToken));
                    }
                    let value = &header[pos..end];
                    pos = end;
                    Value::Token(value)
                }
            };
            if name == b"filename" {
                let bytes = match &value {
                    Value::Quoted(v) => v.as_slice(),
                    Value::Token(v) => v,
                };
                let decoded = decode_filename_value(bytes, fallback)
                    .ok_or_else(|| err(value_start, HeaderErrorKind::UndecodableFilename))?;
                plain = Some(decoded).filter(|s| !s.is_empty());
            } else if name == b"filename*" {
                let Value::Token(raw) = value else {
                    return Err(err(value_start, HeaderErrorKind::BadExtValue));
                };
                let decoded = decode_ext_value(raw)
                    .ok_or_else(|| err(value_start, HeaderErrorKind::BadExtValue))?;
                ext = Some(decoded).filter(|s| !s.is_empty());
            }
            seen.push(name);
        }
        Ok(choose(disposition, ext, plain))
    }
}

enum Value<'a> {
    Quoted(Vec<u8>),
    Token(&'a [u8]),
}

fn choose(
    disposition: DispositionType,
    ext: Option<String>,
    plain: Option<String>,
) -> ContentDisposition {
    let (filename, source) = match (ext, plain) {
        (Some(e), _) => (Some(e), Some(FilenameSource::Extended)),
        (None, Some(p)) => (Some(p), Some(FilenameSource::Plain)),
        (None, None) => (None, None),
    };
    ContentDisposition { disposition, filename, source }
}

const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

const fn is_lws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_ows(s: &[u8], mut pos: usize) -> usize {
    while pos < s.len() && is_lws(s[pos]) {
        pos += 1;
    }
    pos
}

fn token_end(s: &[u8], mut pos: usize) -> usize {
    while pos < s.len() && is_tchar(s[pos]) {
        pos += 1;
    }
    pos
}

fn trim_lws(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s
        && is_lws(*first)
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && is_lws(*last)
    {
        s = rest;
    }
    s
}

fn type_of(token: &[u8]) -> DispositionType {
    if token.eq_ignore_ascii_case(b"inline") {
        DispositionType::Inline
    } else if token.eq_ignore_ascii_case(b"attachment") {
        DispositionType::Attachment
    } else {
        DispositionType::Unknown
    }
}

/// Chromium's `ConsumeDispositionType`: the type and where parameters begin.
fn consume_type(header: &[u8]) -> (DispositionType, usize) {
    let end = header.iter().position(|&b| b == b';').unwrap_or(header.len());
    let ty = trim_lws(&header[..end]);
    if ty.is_empty() || !ty.iter().all(|&b| is_tchar(b)) {
        return (DispositionType::Inline, 0);
    }
    (type_of(ty), end)
}

/// Splits on `;` outside double quotes (a backslash inside quotes escapes the next
/// byte; an unclosed quote runs to the end), skipping empty segments.
fn split_params(s: &[u8], start: usize) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut seg_start = start;
    let mut in_quote = false;
    let mut i = start;
    while i < s.len() {
        let b = s[i];
        if in_quote {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_quote = false;
            }
        } else if b == b'"' {
            in_quote = true;
        } else if b == b';' {
            out.push((seg_start, &s[seg_start..i]));
            seg_start = i + 1;
        }
        i += 1;
    }
    out.push((seg_start, &s[seg_start.min(s.len())..]));
    out.retain(|(_, seg)| !trim_lws(seg).is_empty());
    out
}

struct LenientParam<'a> {
    name: &'a [u8],
    /// The value as Chromium's `raw_value()` (quotes kept when matched).
    raw: &'a [u8],
    /// The value after unquoting.
    value: Vec<u8>,
}

/// Chromium's `NameValuePairsIterator::GetNext` with values required and lenient
/// quotes; `None` stops the iteration.
fn lenient_param(segment: &[u8]) -> Option<LenientParam<'_>> {
    let segment = trim_lws(segment);
    let eq = segment.iter().position(|&b| b == b'=')?;
    if eq == 0 {
        return None;
    }
    let name = trim_lws(&segment[..eq]);
    let mut raw = trim_lws(&segment[eq + 1..]);
    if raw.is_empty() {
        return None;
    }
    let value = if raw[0] == b'"' {
        if raw.len() == 1 || raw[raw.len() - 1] != b'"' {
            raw = &raw[1..];
            raw.to_vec()
        } else {
            unquote(&raw[1..raw.len() - 1])
        }
    } else {
        raw.to_vec()
    };
    Some(LenientParam { name, raw, value })
}

fn unquote(inner: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len());
    let mut it = inner.iter();
    while let Some(&b) = it.next() {
        if b == b'\\' {
            if let Some(&next) = it.next() {
                out.push(next);
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// A strict quoted string starting at `pos` (a `"`): its content and the offset
/// after the closing quote.
fn strict_quoted(s: &[u8], pos: usize) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut i = pos + 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                let next = *s.get(i + 1)?;
                out.push(next);
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// Chromium's `DecodeFilenameValue`.
fn decode_filename_value(input: &[u8], fallback: &'static Encoding) -> Option<String> {
    let mut out = String::new();
    let mut previous_rfc2047 = true;
    let mut word_start = None;
    for (i, &b) in input.iter().enumerate() {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            if let Some(start) = word_start.take() {
                out.push_str(&decode_word(&input[start..i], fallback, &mut previous_rfc2047)?);
            }
            if !previous_rfc2047 {
                out.push(' ');
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(start) = word_start {
        out.push_str(&decode_word(&input[start..], fallback, &mut previous_rfc2047)?);
    }
    Some(out)
}

/// Chromium's `DecodeWord`.
fn decode_word(word: &[u8], fallback: &'static Encoding, is_rfc2047: &mut bool) -> Option<String> {
    if !word.is_ascii() {
        return Some(match std::str::from_utf8(word) {
            Ok(s) => s.to_owned(),
            Err(_) => fallback.decode_without_bom_handling(word).0.into_owned(),
        });
    }
    *is_rfc2047 = true;
    let mut decoded = String::new();
    let mut charset: &[u8] = b"";
    let mut b_encoding = true;
    // Like Chromium's tokenizer, empty parts between `?`s are skipped.
    for (index, part) in word.split(|&b| b == b'?').filter(|p| !p.is_empty()).enumerate() {
        match index {
            0 => {
                if part != b"=" {
                    *is_rfc2047 = false;
                    break;
                }
            }
            1 => charset = part,
            2 => {
                if part.len() != 1 || !matches!(part[0], b'b' | b'B' | b'q' | b'Q') {
                    *is_rfc2047 = false;
                    break;
                }
                b_encoding = matches!(part[0], b'b' | b'B');
            }
            3 => {
                let bytes = if b_encoding { base64_decode(part) } else { q_decode(part) };
                let text = bytes.and_then(|bytes| decode_in_charset(charset, &bytes));
                match text {
                    Some(text) => decoded = text,
                    None => {
                        *is_rfc2047 = false;
                        return None;
                    }
                }
            }
            4 => {
                if part != b"=" {
                    *is_rfc2047 = false;
                    return None;
                }
            }
            _ => {
                *is_rfc2047 = false;
                return None;
            }
        }
    }
    if *is_rfc2047 {
        if word.last() == Some(&b'=') {
            return Some(decoded);
        }
        *is_rfc2047 = false;
        return None;
    }
    let unescaped: Vec<u8> = percent_decode(word).collect();
    String::from_utf8(unescaped).ok()
}

fn decode_in_charset(label: &[u8], bytes: &[u8]) -> Option<String> {
    let encoding = Encoding::for_label_no_replacement(label)?;
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(std::borrow::Cow::into_owned)
}

/// RFC 8187 `charset'lang'pct-encoded` (Chromium's `DecodeExtValue`).
fn decode_ext_value(raw: &[u8]) -> Option<String> {
    if raw.contains(&b'"') {
        return None;
    }
    let charset_end = raw.iter().position(|&b| b == b'\'')?;
    let rest = &raw[charset_end + 1..];
    let lang_end = rest.iter().position(|&b| b == b'\'')?;
    let value = &rest[lang_end + 1..];
    if !value.is_ascii() {
        return None;
    }
    let bytes: Vec<u8> = percent_decode(value).collect();
    decode_in_charset(&raw[..charset_end], &bytes)
}

fn base64_value(b: u8) -> Option<u32> {
    Some(u32::from(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Standard base64 with optional `=` padding.
fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut end = input.len();
    while end > 0 && input[end - 1] == b'=' && input.len() - end < 2 {
        end -= 1;
    }
    let body = &input[..end];
    if body.len() % 4 == 1 || (end != input.len() && !input.len().is_multiple_of(4)) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &b in chunk {
            acc = (acc << 6) | base64_value(b)?;
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&((acc << 6).to_be_bytes())[1..3]),
            _ => out.push(((acc << 12).to_be_bytes())[1]),
        }
    }
    Some(out)
}

/// RFC 2047 "Q" encoding: `_` is a space, `=XX` a byte, other printable ASCII as is.
fn q_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = input.get(i + 1..i + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(text, 16).ok()?);
                i += 2;
            }
            b if b.is_ascii_graphic() || b == b' ' => out.push(b),
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(h: &str) -> Option<String> {
        filename(h.as_bytes())
    }

    #[test]
    fn lenient_table() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"attachment; filename=a.txt", Some("a.txt")),
            (b"attachment; filename=\"a b.txt\"", Some("a b.txt")),
            (b"attachment; FILENAME = \"q\\\"uote.txt\" ", Some("q\"uote.txt")),
            (b"filename=noType.txt", Some("noType.txt")),
            (b"inline; filename=x.pdf", Some("x.pdf")),
            (b"foo; filename=bar.zip", Some("bar.zip")),
            (b"attachment; filename*=UTF-8''%E2%82%AC%20rates.txt", Some("\u{20ac} rates.txt")),
            (b"attachment; filename=fallback.txt; filename*=UTF-8''ext.txt", Some("ext.txt")),
            (b"attachment; filename*=UTF-8''ext.txt; filename=fallback.txt", Some("ext.txt")),
            (b"attachment; filename*=\"UTF-8''quoted.txt\"; filename=f.txt", Some("f.txt")),
            (b"attachment; filename*=bogus''x.txt; filename=f.txt", Some("f.txt")),
            (b"attachment; filename*=UTF-8''%FF.txt; filename=f.txt", Some("f.txt")),
            (b"attachment; filename*=iso-8859-1'en'%A3%20rates", Some("\u{a3} rates")),
            (b"attachment; filename*=UTF-8''; filename=f.txt", Some("f.txt")),
            (b"attachment; filename=%E2%82%AC.txt", Some("\u{20ac}.txt")),
            (b"attachment; filename=%FF.txt", None),
            (b"attachment; filename=\"caf\xc3\xa9.txt\"", Some("caf\u{e9}.txt")),
            (b"attachment; filename=\"caf\xe9.txt\"", Some("caf\u{e9}.txt")),
            (
                b"attachment; filename==?UTF-8?B?5pel5pys6KqeLnR4dA==?=",
                Some("\u{65e5}\u{672c}\u{8a9e}.txt"),
            ),
            (
                b"attachment; filename==?iso-8859-1?Q?caf=E9_au_lait.txt?=",
                Some("caf\u{e9} au lait.txt"),
            ),
            (b"attachment; filename=\"=?UTF-8?Q?a?= =?UTF-8?Q?b?=\"", Some("ab")),
            (b"attachment; filename=\"a\tb\"", Some("a b")),
            (b"attachment; filename==?UTF-8?B?@@?=", None),
            (b"attachment; filename=\"unterminated.txt", Some("unterminated.txt")),
            (b"attachment; filename=\"a;b.txt\"", Some("a;b.txt")),
            (b"attachment; junk; filename=late.txt", None),
            (b"attachment; =x; filename=late.txt", None),
            (b"attachment; filename=; filename=late.txt", None),
            (b"attachment; filename=first.txt; filename=second.txt", Some("first.txt")),
            (b"attachment; filename=\"\"; filename=second.txt", Some("second.txt")),
            (b"attachment", None),
            (b"", None),
            (b";;;", None),
            (b"attachment;; filename=x", Some("x")),
            (b"attachment; filename='single.txt'", Some("'single.txt'")),
        ];
        for (input, want) in cases {
            assert_eq!(filename(input).as_deref(), *want, "{}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn disposition_types() {
        let t = |h: &str| ContentDisposition::parse(h.as_bytes()).disposition;
        assert_eq!(t("ATTACHMENT; filename=x"), DispositionType::Attachment);
        assert_eq!(t("Inline"), DispositionType::Inline);
        assert_eq!(t("form-data; name=x"), DispositionType::Unknown);
        assert!(t("form-data").is_attachment());
        assert_eq!(t("filename=x"), DispositionType::Inline);
        assert_eq!(t(""), DispositionType::Inline);
    }

    #[test]
    fn source_is_reported() {
        let cd = ContentDisposition::parse(b"attachment; filename=a; filename*=UTF-8''b");
        assert_eq!(cd.source, Some(FilenameSource::Extended));
        let cd = ContentDisposition::parse(b"attachment; filename=a");
        assert_eq!(cd.source, Some(FilenameSource::Plain));
    }

    #[test]
    fn referrer_charset_fallback() {
        let cd = ContentDisposition::parse_with(
            b"attachment; filename=\"\xc4\xe3\xba\xc3.txt\"",
            encoding_rs::GBK,
        );
        assert_eq!(cd.filename.as_deref(), Some("\u{4f60}\u{597d}.txt"));
    }

    #[test]
    fn strict_accepts_and_agrees() {
        for h in [
            "attachment; filename=a.txt",
            "attachment ; filename = \"a b\\\\.txt\"",
            "inline",
            "attachment; filename*=UTF-8''%E2%82%AC; filename=x",
            "form-data; name=\"f\"; filename=\"x\"",
        ] {
            let strict = ContentDisposition::parse_strict(h.as_bytes()).unwrap();
            assert_eq!(strict, ContentDisposition::parse(h.as_bytes()), "{h}");
        }
    }

    #[test]
    fn strict_errors_with_offsets() {
        use HeaderErrorKind as K;
        let cases: &[(&[u8], usize, HeaderErrorKind)] = &[
            (b"", 0, K::Empty),
            (b"  ", 2, K::Empty),
            (b";x=1", 0, K::ExpectedToken),
            (b"attachment filename=x", 11, K::ExpectedSemicolon),
            (b"attachment; filename", 20, K::ExpectedEquals),
            (b"attachment; filename=", 21, K::MissingValue),
            (b"attachment; filename=\"abc", 21, K::UnterminatedQuote),
            (b"attachment; a=1; A=2", 17, K::DuplicateParameter),
            (b"attachment; filename*=\"UTF-8''x\"", 22, K::BadExtValue),
            (b"attachment; filename*=nope''x", 22, K::BadExtValue),
            (b"attachment; filename=%FF", 21, K::UndecodableFilename),
            (b"attachment; filename=a b", 23, K::ExpectedSemicolon),
            (b"attachment;", 11, K::ExpectedToken),
        ];
        for (input, at, kind) in cases {
            match ContentDisposition::parse_strict(input) {
                Err(Error::Header { at: a, kind: k, .. }) => {
                    assert_eq!((a, k), (*at, *kind), "{}", String::from_utf8_lossy(input));
                }
                other => panic!("{}: {other:?}", String::from_utf8_lossy(input)),
            }
        }
        let err = ContentDisposition::parse_strict(b"attachment; filename").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Content-Disposition at byte 20: \"attachment; filename\": expected '='"
        );
        let long = vec![b'a'; MAX_CONTENT_DISPOSITION_LEN + 1];
        assert!(matches!(ContentDisposition::parse_strict(&long), Err(Error::TooLong { .. })));
    }

    #[test]
    fn base64_and_q() {
        assert_eq!(base64_decode(b"YWJj").unwrap(), b"abc");
        assert_eq!(base64_decode(b"YWI=").unwrap(), b"ab");
        assert_eq!(base64_decode(b"YQ==").unwrap(), b"a");
        assert_eq!(base64_decode(b"YQ").unwrap(), b"a");
        assert!(base64_decode(b"Y").is_none());
        assert!(base64_decode(b"Y===").is_none());
        assert_eq!(q_decode(b"a_b=41").unwrap(), b"a bA");
        assert!(q_decode(b"=4").is_none());
        assert_eq!(name("attachment; filename=\"=?utf-8?q?x?=\"").as_deref(), Some("x"));
    }

    proptest::proptest! {
        #[test]
        fn ext_value_round_trips(s in "\\PC{1,40}") {
            let encoded = percent_encoding::utf8_percent_encode(&s, percent_encoding::NON_ALPHANUMERIC);
            let header = format!("attachment; filename*=UTF-8''{encoded}");
            let cd = ContentDisposition::parse_strict(header.as_bytes()).unwrap();
            proptest::prop_assert_eq!(cd.filename.as_deref(), Some(s.as_str()));
        }

        #[test]
        fn lenient_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let lenient = ContentDisposition::parse(&bytes);
            if let Ok(strict) = ContentDisposition::parse_strict(&bytes) {
                proptest::prop_assert_eq!(strict, lenient);
            }
        }
    }
}
