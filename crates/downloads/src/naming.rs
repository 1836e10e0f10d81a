//! Suggested file names (Chromium's `net::GenerateFileName`) and uniquifying
//! (Chromium's download path reservation tracker).
//!
//! Chromium's order of sources, in our words: the `Content-Disposition` file name;
//! else a name the caller suggests; else the last segment of the URL's path,
//! percent-decoded, with leading and trailing dots trimmed (never for URLs without a
//! hierarchical path such as `data:` or `about:`); else the default name, which
//! Electron always sets to `download`. The first non-empty source is used even when
//! sanitising then leaves nothing, in which case the default name is used.
//!
//! Sanitising makes the result one safe path component on every platform:
//! - leading and trailing dots are removed (no `.`/`..`, no hidden files);
//! - `/` and `\` become `_`, as do the characters Chromium's
//!   `ReplaceIllegalCharactersInPath` rejects anywhere (`"*:<>?|~`, control and
//!   format characters such as the bidi overrides, Unicode noncharacters);
//! - leading and trailing white space and dots are trimmed;
//! - a name made only of `-` and `_` becomes the default name;
//! - a Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`,
//!   `CLOCK$`, with or without an extension) and `desktop.ini`/`thumbs.db` get a
//!   leading `_`;
//! - the name is cut to [`MAX_NAME_BYTES`] bytes of UTF-8, keeping the extension.
//!
//! # Deviation
//! - Chromium applies the Windows rules only on Windows and fixes the extension from
//!   the MIME type; we apply every rule everywhere (portable names) and leave the
//!   extension alone.
//! - Chromium replaces white space and dots at the ends with `_` on some platforms;
//!   we trim them.
//! - After `name (100).ext` Chromium tries one time-stamped name; [`uniquify`] gives
//!   up and returns `None`, and the caller, which owns the clock, tries
//!   [`timestamped_name`].

use encoding_rs::WINDOWS_1252;
use percent_encoding::percent_decode_str;
use url::Url;

/// Default longest file name in bytes (most file systems allow 255).
pub const MAX_NAME_BYTES: usize = 255;

/// Chromium's last numbered suffix, `name (100).ext`.
pub const MAX_UNIQUE_SUFFIX: u32 = 100;

/// The name used when no source gives one (Electron passes this to Chromium).
pub const DEFAULT_NAME: &str = "download";

/// Double extensions kept whole when a name is cut or numbered (`.tar.gz`), after
/// Chromium's `FilePath` rules: the last extension is one of these and the one
/// before it is 1 to 4 bytes long.
const DOUBLE_EXTENSION_SUFFIXES: &[&str] =
    &["bz", "bz2", "gz", "lz", "lzma", "lzo", "xz", "z", "zst"];

/// The file name Chromium would suggest for a download, sanitised to a single path
/// component of at most [`MAX_NAME_BYTES`] bytes.
///
/// `content_disposition` is the raw header value, `suggested` a caller-provided name.
#[must_use]
pub fn suggested_file_name(
    url: &Url,
    content_disposition: Option<&[u8]>,
    suggested: Option<&str>,
) -> String {
    let from_header = content_disposition.and_then(crate::content_disposition::filename);
    let candidate = from_header
        .or_else(|| suggested.filter(|s| !s.is_empty()).map(str::to_owned))
        .or_else(|| url_file_name(url));
    candidate
        .and_then(|name| sanitize(&name, MAX_NAME_BYTES))
        .unwrap_or_else(|| DEFAULT_NAME.to_owned())
}

/// The URL's last path segment, percent-decoded (UTF-8, else windows-1252), with
/// leading and trailing dots trimmed; `None` when that leaves nothing or the URL has
/// no hierarchical path.
#[must_use]
pub fn url_file_name(url: &Url) -> Option<String> {
    let segment = url.path_segments()?.next_back()?;
    let bytes: Vec<u8> = percent_decode_str(segment).collect();
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => WINDOWS_1252.decode_without_bom_handling(e.as_bytes()).0.into_owned(),
    };
    let trimmed = text.trim_matches('.');
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Makes `name` one safe path component of at most `max_bytes` bytes (see the module
/// docs for the rules). `None` when nothing usable is left; callers then use
/// [`DEFAULT_NAME`].
#[must_use]
pub fn sanitize(name: &str, max_bytes: usize) -> Option<String> {
    let replaced: String =
        name.trim_matches('.').chars().map(|c| if is_illegal(c) { '_' } else { c }).collect();
    let trimmed = trim_ends(&replaced);
    if trimmed.chars().all(|c| c == '-' || c == '_') {
        return None;
    }
    let guarded =
        if is_reserved_on_windows(trimmed) { format!("_{trimmed}") } else { trimmed.to_owned() };
    let cut = truncate_keeping_extension(&guarded, max_bytes)?;
    Some(cut)
}

fn trim_ends(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '.')
}

/// Characters Chromium's `ReplaceIllegalCharactersInPath` replaces anywhere.
fn is_illegal(c: char) -> bool {
    matches!(c, '"' | '~' | '*' | '/' | ':' | '<' | '>' | '?' | '\\' | '|')
        || c.is_control()
        || is_format(c)
        || is_noncharacter(c)
}

/// Unicode general category Cf, except ZWNJ/ZWJ (needed by some scripts).
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
}

/// Windows device names (by the part before the first dot) and shell files.
fn is_reserved_on_windows(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == "desktop.ini" || lower == "thumbs.db" {
        return true;
    }
    let stem = lower.split('.').next().unwrap_or_default().trim_end();
    match stem {
        "con" | "prn" | "aux" | "nul" | "clock$" => true,
        _ => {
            let b = stem.as_bytes();
            b.len() == 4
                && (b.starts_with(b"com") || b.starts_with(b"lpt"))
                && (b'1'..=b'9').contains(&b[3])
        }
    }
}

/// Splits `name` into stem and extension (with its dot), keeping double extensions
/// like `.tar.gz` together. A name without a dot after its first byte has no
/// extension.
#[must_use]
pub fn split_extension(name: &str) -> (&str, &str) {
    let Some(last) = name.rfind('.').filter(|&i| i > 0) else {
        return (name, "");
    };
    let final_ext = &name[last + 1..];
    if DOUBLE_EXTENSION_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(final_ext))
        && let Some(prev) = name[..last].rfind('.').filter(|&i| i > 0)
        && (2..=5).contains(&(last - prev))
    {
        return (&name[..prev], &name[prev..]);
    }
    (&name[..last], &name[last..])
}

fn floor_char_boundary(s: &str, mut max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(max) {
        max -= 1;
    }
    max
}

/// Cuts `name` to `max_bytes`, shortening the stem first; an extension longer than
/// half the budget is cut too.
fn truncate_keeping_extension(name: &str, max_bytes: usize) -> Option<String> {
    if name.len() <= max_bytes {
        return Some(name.to_owned());
    }
    let (stem, ext) = match split_extension(name) {
        (_, ext) if ext.len() > max_bytes / 2 => (name, ""),
        split => split,
    };
    let stem_budget = max_bytes - ext.len();
    let stem = trim_ends(&stem[..floor_char_boundary(stem, stem_budget)]);
    if stem.is_empty() {
        let whole = trim_ends(&name[..floor_char_boundary(name, max_bytes)]);
        return (!whole.is_empty()).then(|| whole.to_owned());
    }
    Some(format!("{stem}{ext}"))
}

/// The first of `name`, `name (1).ext`, … `name (100).ext` for which `exists` is
/// false, each cut to [`MAX_NAME_BYTES`] by shortening the stem. `exists` should
/// report both files on disk and names reserved by other downloads in flight, as
/// Chromium's reservation tracker does.
#[must_use]
pub fn uniquify(name: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    uniquify_with_limit(name, MAX_NAME_BYTES, exists)
}

/// [`uniquify`] with an explicit byte budget for the name.
#[must_use]
pub fn uniquify_with_limit(
    name: &str,
    max_bytes: usize,
    exists: impl Fn(&str) -> bool,
) -> Option<String> {
    if name.len() <= max_bytes && !exists(name) {
        return Some(name.to_owned());
    }
    let (stem, ext) = split_extension(name);
    (1..=MAX_UNIQUE_SUFFIX).find_map(|n| {
        let suffix = format!(" ({n}){ext}");
        let budget = max_bytes.checked_sub(suffix.len())?;
        let stem = &stem[..floor_char_boundary(stem, budget)];
        let candidate = format!("{stem}{suffix}");
        (!exists(&candidate)).then_some(candidate)
    })
}

/// Chromium's last try once `name (1).ext` … `name (100).ext` are all taken:
/// `name - yyyy-MM-ddTHHmmss.SSS.ext`, the time in UTC, cut to
/// `max_bytes` (e.g. [`MAX_NAME_BYTES`]) by shortening the stem. The caller
/// passes the clock (milliseconds since the Unix epoch) and checks that this
/// name is free too.
#[must_use]
pub fn timestamped_name(name: &str, unix_millis: u64, max_bytes: usize) -> Option<String> {
    let (stem, ext) = split_extension(name);
    let secs = unix_millis / 1000;
    let (year, month, day) = civil_from_days(secs / 86_400);
    let time = secs % 86_400;
    let suffix = format!(
        " - {year:04}-{month:02}-{day:02}T{:02}{:02}{:02}.{:03}{ext}",
        time / 3600,
        time / 60 % 60,
        time % 60,
        unix_millis % 1000
    );
    let budget = max_bytes.checked_sub(suffix.len())?;
    Some(format!("{}{suffix}", &stem[..floor_char_boundary(stem, budget)]))
}

/// The proleptic Gregorian date of a day count since 1970-01-01, by 400-year
/// eras of 146 097 days whose years start on 1 March (so leap days fall last).
const fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn timestamped_names_in_utc() {
        assert_eq!(
            timestamped_name("a.txt", 0, MAX_NAME_BYTES).as_deref(),
            Some("a - 1970-01-01T000000.000.txt")
        );
        // 2000-02-29 (a leap day of a year divisible by 400) 13:45:07.089
        let leap = (11_016 * 86_400 + 13 * 3600 + 45 * 60 + 7) * 1000 + 89;
        assert_eq!(
            timestamped_name("b.tar.gz", leap, MAX_NAME_BYTES).as_deref(),
            Some("b - 2000-02-29T134507.089.tar.gz")
        );
        let long = timestamped_name(&"x".repeat(400), 0, MAX_NAME_BYTES).unwrap();
        assert_eq!(long.len(), MAX_NAME_BYTES);
        assert!(timestamped_name("c", u64::MAX, MAX_NAME_BYTES).is_some());
        assert_eq!(timestamped_name("c", 0, 10), None);
    }

    #[test]
    fn sources_in_order() {
        let u = url("https://example.com/files/report%20final.pdf?x=1");
        assert_eq!(suggested_file_name(&u, None, None), "report final.pdf");
        assert_eq!(suggested_file_name(&u, None, Some("mine.txt")), "mine.txt");
        assert_eq!(
            suggested_file_name(&u, Some(b"attachment; filename=cd.bin"), Some("mine.txt")),
            "cd.bin"
        );
        assert_eq!(suggested_file_name(&u, Some(b"attachment"), None), "report final.pdf");
        assert_eq!(suggested_file_name(&url("https://example.com/"), None, None), "download");
        assert_eq!(suggested_file_name(&url("https://example.com/..."), None, None), "download");
        assert_eq!(suggested_file_name(&url("data:text/plain,hello"), None, None), "download");
        assert_eq!(suggested_file_name(&url("about:blank"), None, None), "download");
        assert_eq!(
            suggested_file_name(&url("https://e.com/caf%E9.txt"), None, None),
            "caf\u{e9}.txt"
        );
        assert_eq!(
            suggested_file_name(&url("https://e.com/%E2%82%AC.txt"), None, None),
            "\u{20ac}.txt"
        );
        // A header name that sanitises to nothing does not fall back to the URL.
        assert_eq!(
            suggested_file_name(&u, Some(b"attachment; filename=\"...\""), None),
            "download"
        );
    }

    #[test]
    fn hostile_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("../../etc/passwd", Some("_.._etc_passwd")),
            ("..\\..\\windows\\system32", Some("_.._windows_system32")),
            ("/absolute", Some("_absolute")),
            (".bashrc", Some("bashrc")),
            ("...", None),
            ("..", None),
            (".", None),
            ("", None),
            ("   ", None),
            ("---", None),
            ("_-_", None),
            ("name. . .", Some("name")),
            ("  spaced  ", Some("spaced")),
            ("a\u{0}b", Some("a_b")),
            ("line\nbreak", Some("line_break")),
            ("tab\there", Some("tab_here")),
            ("evil\u{202e}txt.exe", Some("evil_txt.exe")),
            ("zero\u{200b}width", Some("zero_width")),
            ("keep\u{200d}zwj", Some("keep\u{200d}zwj")),
            ("bom\u{feff}", Some("bom_")),
            ("non\u{fffe}char", Some("non_char")),
            ("what?.txt", Some("what_.txt")),
            ("a<b>c:d|e*f\"g", Some("a_b_c_d_e_f_g")),
            ("C:\\Users\\x.txt", Some("C__Users_x.txt")),
            ("~tilde", Some("_tilde")),
            ("CON", Some("_CON")),
            ("con.txt", Some("_con.txt")),
            ("Com1.tar.gz", Some("_Com1.tar.gz")),
            ("lpt9", Some("_lpt9")),
            ("lpt0", Some("lpt0")),
            ("com10", Some("com10")),
            ("nul .txt", Some("_nul .txt")),
            ("clock$", Some("_clock$")),
            ("Desktop.ini", Some("_Desktop.ini")),
            ("thumbs.db", Some("_thumbs.db")),
            ("console.log", Some("console.log")),
            ("r\u{e9}sum\u{e9}.pdf", Some("r\u{e9}sum\u{e9}.pdf")),
            ("\u{65e5}\u{672c}.txt", Some("\u{65e5}\u{672c}.txt")),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input, MAX_NAME_BYTES).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn length_cap_keeps_extension() {
        let long = format!("{}.pdf", "a".repeat(400));
        let cut = sanitize(&long, MAX_NAME_BYTES).unwrap();
        assert_eq!(cut.len(), 255);
        assert!(cut.ends_with("a.pdf"));
        let multibyte = format!("{}.tar.gz", "\u{e9}".repeat(200));
        let cut = sanitize(&multibyte, 100).unwrap();
        assert!(cut.len() <= 100 && cut.ends_with(".tar.gz"), "{cut}");
        let long_ext = format!("x.{}", "e".repeat(300));
        let cut = sanitize(&long_ext, 50).unwrap();
        assert_eq!(cut.len(), 50);
        let cut = sanitize(&format!("{}. .txt", "a".repeat(20)), 22).unwrap();
        assert_eq!(cut, "aaaaaaaaaaaaaaaaaa.txt");
    }

    #[test]
    fn extensions() {
        assert_eq!(split_extension("a.tar.gz"), ("a", ".tar.gz"));
        assert_eq!(split_extension("a.b.c"), ("a.b", ".c"));
        assert_eq!(split_extension("a.verylong.gz"), ("a.verylong", ".gz"));
        assert_eq!(split_extension("noext"), ("noext", ""));
        assert_eq!(split_extension(".hidden"), (".hidden", ""));
        assert_eq!(split_extension("x.tar.ZST"), ("x", ".tar.ZST"));
    }

    #[test]
    fn uniquify_counts_up() {
        let taken: HashSet<&str> = ["a.txt", "a (1).txt", "a (2).txt", "b.tar.gz"].into();
        let exists = |n: &str| taken.contains(n);
        assert_eq!(uniquify("a.txt", exists).as_deref(), Some("a (3).txt"));
        assert_eq!(uniquify("new.txt", exists).as_deref(), Some("new.txt"));
        assert_eq!(uniquify("b.tar.gz", exists).as_deref(), Some("b (1).tar.gz"));
        assert_eq!(uniquify("x", |_| true), None);
        let hundred = uniquify("x", |n| n != "x (100)");
        assert_eq!(hundred.as_deref(), Some("x (100)"));
        let long = "\u{e9}".repeat(20);
        let got = uniquify_with_limit(&format!("{long}.txt"), 20, |n| !n.contains('(')).unwrap();
        assert!(got.len() <= 20 && got.ends_with(" (1).txt"), "{got}");
    }

    proptest::proptest! {
        #[test]
        fn always_one_safe_component(s in "\\PC{0,300}|[./\\\\ _\\-a-z]{0,20}") {
            if let Some(name) = sanitize(&s, MAX_NAME_BYTES) {
                proptest::prop_assert!(!name.is_empty() && name.len() <= MAX_NAME_BYTES);
                proptest::prop_assert!(!name.contains(['/', '\\']) && !name.starts_with('.'));
                proptest::prop_assert!(!name.ends_with(['.', ' ']));
                proptest::prop_assert!(!name.chars().any(char::is_control));
                proptest::prop_assert_ne!(name.as_str(), "..");
            }
        }
    }
}
