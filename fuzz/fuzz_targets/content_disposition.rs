//! Content-Disposition: arbitrary bytes never panic; a strict success agrees with the
//! lenient parse; a decoded file name is non-empty and survives a trip through an
//! RFC 8187 `filename*=UTF-8''…` value.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use sessionkit_downloads::content_disposition::ContentDisposition;

fuzz_target!(|data: &[u8]| {
    let lenient = ContentDisposition::parse(data);
    if let Ok(strict) = ContentDisposition::parse_strict(data) {
        assert_eq!(strict, lenient, "{:?}", String::from_utf8_lossy(data));
    }
    if let Some(name) = &lenient.filename {
        assert!(!name.is_empty());
        assert!(lenient.source.is_some());
        let mut header = String::from("attachment; filename*=UTF-8''");
        for b in name.bytes() {
            if b.is_ascii_alphanumeric() {
                header.push(char::from(b));
            } else {
                let _ = write!(header, "%{b:02X}");
            }
        }
        let again = ContentDisposition::parse_strict(header.as_bytes())
            .unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(again.filename.as_deref(), Some(name.as_str()), "{header}");
    }
});
