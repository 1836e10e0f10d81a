//! A Hunspell dictionary as text: both files read, size-checked and decoded.

use std::fmt;

use crate::Error;
use crate::encoding::{declared_encoding, decode};

/// Largest `.aff` file accepted (Hungarian's, the largest shipped, is
/// under 2 MiB).
pub const MAX_AFF_BYTES: usize = 8 << 20;

/// Largest `.dic` file accepted (the largest common ones are under 10 MiB).
pub const MAX_DIC_BYTES: usize = 64 << 20;

/// A `.aff`/`.dic` pair decoded to text by the `.aff` file's `SET` line,
/// ready for a [`Backend`](crate::Backend).
#[derive(Clone)]
pub struct DictionaryText {
    name: String,
    aff: String,
    dic: String,
    encoding: &'static str,
}

impl DictionaryText {
    /// Decodes the raw bytes of a `.aff` and a `.dic` file; `name` names
    /// the dictionary in errors (`en_US`, a path, a URL).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] over [`MAX_AFF_BYTES`] or [`MAX_DIC_BYTES`],
    /// [`Error::UnsupportedEncoding`] for an unknown `SET` name and
    /// [`Error::InvalidDictionary`] for bytes that are not valid in it.
    pub fn decode(name: &str, aff: &[u8], dic: &[u8]) -> Result<Self, Error> {
        check_size("the .aff file", aff.len(), MAX_AFF_BYTES)?;
        check_size("the .dic file", dic.len(), MAX_DIC_BYTES)?;
        let encoding = declared_encoding(aff)?;
        Ok(Self {
            name: name.to_owned(),
            aff: decode(aff, encoding, &format!("{name}.aff"))?,
            dic: decode(dic, encoding, &format!("{name}.dic"))?,
            encoding: encoding.name(),
        })
    }

    /// The name given to [`DictionaryText::decode`].
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `.aff` file's text.
    #[must_use]
    pub fn aff(&self) -> &str {
        &self.aff
    }

    /// The `.dic` file's text.
    #[must_use]
    pub fn dic(&self) -> &str {
        &self.dic
    }

    /// The encoding the files were decoded from (a WHATWG name such as
    /// `UTF-8` or `windows-1252`).
    #[must_use]
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// The `.aff` text with its `SET` line rewritten to `SET UTF-8`, for a
    /// backend that reads the text as UTF-8 bytes.
    #[must_use]
    pub fn aff_as_utf8(&self) -> String {
        let mut out = String::with_capacity(self.aff.len() + 16);
        let mut replaced = false;
        for line in self.aff.split_inclusive('\n') {
            if !replaced && line.split_whitespace().next() == Some("SET") {
                out.push_str("SET UTF-8\n");
                replaced = true;
            } else {
                out.push_str(line);
            }
        }
        if !replaced {
            out.insert_str(0, "SET UTF-8\n");
        }
        out
    }
}

impl fmt::Debug for DictionaryText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DictionaryText")
            .field("name", &self.name)
            .field("encoding", &self.encoding)
            .field("aff_len", &self.aff.len())
            .field("dic_len", &self.dic.len())
            .finish()
    }
}

fn check_size(what: &'static str, size: usize, limit: usize) -> Result<(), Error> {
    if size > limit {
        return Err(Error::TooLarge { what, size, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_line_is_rewritten_for_utf8_backends() -> Result<(), Error> {
        let text = DictionaryText::decode("t", b"SET ISO8859-1\nTRY \xe9\n", b"1\ncaf\xe9\n")?;
        assert_eq!(text.aff_as_utf8(), "SET UTF-8\nTRY é\n");
        assert_eq!(text.dic(), "1\ncafé\n");
        assert_eq!(text.encoding(), "windows-1252");
        let plain = DictionaryText::decode("t", b"TRY a\n", b"1\na\n")?;
        assert_eq!(plain.aff_as_utf8(), "SET UTF-8\nTRY a\n");
        Ok(())
    }

    /// fuzz/artifacts/affix_file/crash-9f12e37f: a .dic starting with two
    /// byte-order marks did not decode to the same text twice.
    #[test]
    fn decoding_is_idempotent_with_repeated_byte_order_marks() -> Result<(), Error> {
        let text = DictionaryText::decode(
            "t",
            b"[ET UT0\n",
            b"\xef\xbb\xbf\xef\xbb\xbf'1\nwa\xef\xbb\xbf\n",
        )?;
        let again =
            DictionaryText::decode("t", text.aff_as_utf8().as_bytes(), text.dic().as_bytes())?;
        assert_eq!(again.dic(), text.dic());
        assert_eq!(text.dic(), "'1\nwa\u{feff}\n");
        Ok(())
    }

    #[test]
    fn oversized_files_are_refused() {
        let big = vec![b'a'; MAX_AFF_BYTES + 1];
        assert!(matches!(
            DictionaryText::decode("t", &big, b""),
            Err(Error::TooLarge { what: "the .aff file", .. })
        ));
    }
}
