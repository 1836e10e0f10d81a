//! Decoding `.aff`/`.dic` files by the `SET` line of the `.aff` file.
//!
//! Hunspell dictionaries predate UTF-8: a `SET ISO8859-1` (or `KOI8-R`,
//! `microsoft-cp1251`, …) line says how both files are encoded. spellbook
//! only reads `&str`, so both files are decoded here first; the Hunspell
//! backend gets the same text re-encoded as UTF-8.

use encoding_rs::Encoding;

use crate::Error;

/// The encoding named by the first `SET` line of `aff` (UTF-8 when there is
/// none, as Hunspell assumes ISO8859-1 only for very old files and every
/// maintained dictionary declares it).
///
/// # Errors
///
/// [`Error::UnsupportedEncoding`] for a name that is not a known encoding.
pub(crate) fn declared_encoding(aff: &[u8]) -> Result<&'static Encoding, Error> {
    let aff = aff.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(aff);
    for line in aff.split(|&b| b == b'\n') {
        let mut fields = line.split(u8::is_ascii_whitespace).filter(|f| !f.is_empty());
        if fields.next() != Some(b"SET".as_slice()) {
            continue;
        }
        let name = fields.next().unwrap_or_default();
        return encoding_for(name).ok_or_else(|| Error::UnsupportedEncoding {
            name: String::from_utf8_lossy(name).into_owned(),
        });
    }
    Ok(encoding_rs::UTF_8)
}

/// Maps Hunspell's encoding names to WHATWG encodings.
fn encoding_for(name: &[u8]) -> Option<&'static Encoding> {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let label = match name.as_str() {
        // Hunspell writes "ISO8859-1"; WHATWG knows "iso-8859-1" (which it
        // decodes as windows-1252, a superset for printable characters).
        n if n.starts_with("iso8859-") => format!("iso-8859-{}", &n["iso8859-".len()..]),
        "microsoft-cp1251" => "windows-1251".to_owned(),
        "tis620-2533" | "tis-620" => "windows-874".to_owned(),
        "iscii-devanagari" => return None,
        other => other.to_owned(),
    };
    Encoding::for_label(label.as_bytes())
}

/// Decodes one file of a dictionary. Leading byte-order marks are dropped.
///
/// # Errors
///
/// [`Error::InvalidDictionary`] when the bytes are not valid in the
/// declared encoding (only possible for UTF-8 and a few multi-byte ones).
pub(crate) fn decode(
    bytes: &[u8],
    encoding: &'static Encoding,
    file: &str,
) -> Result<String, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Error::invalid(
            file,
            format!("not valid {} (the encoding its SET line declares)", encoding.name()),
        ));
    }
    // Further marks too, so decoding the decoded text again changes
    // nothing (found by the affix_file fuzz target).
    Ok(text.trim_start_matches('\u{feff}').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunspell_names_map_to_encodings() {
        let name = |aff: &[u8]| declared_encoding(aff).map(Encoding::name).ok();
        assert_eq!(name(b"SET UTF-8\n"), Some("UTF-8"));
        assert_eq!(name(b"# c\nSET ISO8859-1\r\nTRY abc"), Some("windows-1252"));
        assert_eq!(name(b"SET ISO8859-2\n"), Some("ISO-8859-2"));
        assert_eq!(name(b"SET KOI8-R\n"), Some("KOI8-R"));
        assert_eq!(name(b"SET microsoft-cp1251\n"), Some("windows-1251"));
        assert_eq!(name(b"TRY abc\n"), Some("UTF-8"));
        assert!(matches!(
            declared_encoding(b"SET EBCDIC\n"),
            Err(Error::UnsupportedEncoding { name }) if name == "EBCDIC"
        ));
    }

    #[test]
    fn latin1_decodes_and_bad_utf8_is_an_error() -> Result<(), Error> {
        let latin1 = declared_encoding(b"SET ISO8859-1\n")?;
        assert_eq!(decode(b"caf\xe9", latin1, "x.dic")?, "café");
        assert!(decode(b"caf\xe9", encoding_rs::UTF_8, "x.dic").is_err());
        assert_eq!(decode(b"\xEF\xBB\xBFabc", encoding_rs::UTF_8, "x.dic")?, "abc");
        Ok(())
    }
}
