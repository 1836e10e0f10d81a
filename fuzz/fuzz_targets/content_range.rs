//! Content-Range: arbitrary bytes never panic; a parsed range keeps its invariants
//! (first <= last < complete length), its length and complete length never
//! overflow, and it survives a trip through `Display`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_downloads::content_range::ContentRange;

fuzz_target!(|data: &[u8]| {
    if let Ok(range) = ContentRange::parse(data) {
        if let ContentRange::Bytes { first, last, complete_length } = range {
            assert!(first <= last);
            assert!(complete_length.is_none_or(|total| last < total));
            // Saturating for the one range whose length is 2^64.
            assert!(range.len() >= 1);
            assert_eq!(range.complete_length(), complete_length);
        } else {
            assert_eq!(range.len(), 0);
        }
        let text = range.to_string();
        assert_eq!(text.parse::<ContentRange>().ok(), Some(range), "{text}");
    }
});
