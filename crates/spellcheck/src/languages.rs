//! Chromium's spellcheck language table: the codes Electron accepts, the
//! mapping from a locale to one of them, and the dictionary each uses.

/// `(code, dictionary language-region)`, in Chromium's order.
const TABLE: [(&str, &str); 56] = [
    ("af", "af-ZA"),
    ("bg", "bg-BG"),
    ("ca", "ca-ES"),
    ("cs", "cs-CZ"),
    ("cy", "cy-GB"),
    ("da", "da-DK"),
    ("de", "de-DE"),
    ("de-DE", "de-DE"),
    ("el", "el-GR"),
    ("en", "en-US"),
    ("en-AU", "en-AU"),
    ("en-CA", "en-CA"),
    ("en-GB", "en-GB"),
    ("en-GB-oxendict", "en-GB-oxendict"),
    ("en-US", "en-US"),
    ("es", "es-ES"),
    ("es-419", "es-ES"),
    ("es-AR", "es-ES"),
    ("es-ES", "es-ES"),
    ("es-MX", "es-ES"),
    ("es-US", "es-ES"),
    ("et", "et-EE"),
    ("fa", "fa-IR"),
    ("fo", "fo-FO"),
    ("fr", "fr-FR"),
    ("fr-FR", "fr-FR"),
    ("he", "he-IL"),
    ("hi", "hi-IN"),
    ("hr", "hr-HR"),
    ("hu", "hu-HU"),
    ("hy", "hy"),
    ("id", "id-ID"),
    ("it", "it-IT"),
    ("it-IT", "it-IT"),
    ("ko", "ko"),
    ("lt", "lt-LT"),
    ("lv", "lv-LV"),
    ("nb", "nb-NO"),
    ("nl", "nl-NL"),
    ("pl", "pl-PL"),
    ("pt", "pt-BR"),
    ("pt-BR", "pt-BR"),
    ("pt-PT", "pt-PT"),
    ("ro", "ro-RO"),
    ("ru", "ru-RU"),
    ("sh", "sh"),
    ("sk", "sk-SK"),
    ("sl", "sl-SI"),
    ("sq", "sq"),
    ("sr", "sr"),
    ("sv", "sv-SE"),
    ("ta", "ta-IN"),
    ("tg", "tg-TG"),
    ("tr", "tr-TR"),
    ("uk", "uk-UA"),
    ("vi", "vi-VN"),
];

/// The language used when none is set (Electron: `getSpellCheckerLanguages`
/// falls back to it).
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// Every code [`Spellchecker::set_languages`](crate::Spellchecker::set_languages)
/// accepts as it is, in Chromium's order.
///
/// Electron: `session.availableSpellCheckerLanguages`.
#[must_use]
pub fn available_languages() -> Vec<&'static str> {
    TABLE.iter().map(|(code, _)| *code).collect()
}

/// The spellcheck language for a locale, as Chromium's
/// `GetCorrespondingSpellCheckLanguage` finds it: an exact code (any case,
/// `_` or `-`), else the code whose dictionary is that locale (`af-ZA` →
/// `af`), else the language part (`fr-CA` → `fr`; every `en-XX` → `en-US`).
/// `None` when nothing matches.
#[must_use]
pub fn corresponding_language(locale: &str) -> Option<&'static str> {
    let locale = locale.trim().replace('_', "-");
    if locale.is_empty() {
        return None;
    }
    if let Some((code, _)) = TABLE.iter().find(|(code, _)| code.eq_ignore_ascii_case(&locale)) {
        return Some(code);
    }
    if let Some((code, _)) = TABLE.iter().find(|(_, region)| region.eq_ignore_ascii_case(&locale)) {
        return Some(code);
    }
    let language = locale.split('-').next().unwrap_or_default();
    if language.eq_ignore_ascii_case("en") {
        return Some(DEFAULT_LANGUAGE);
    }
    TABLE.iter().find(|(code, _)| code.eq_ignore_ascii_case(language)).map(|(code, _)| *code)
}

/// The language-region of the dictionary a code uses (`es-MX` → `es-ES`),
/// `None` for a code that is not in the table.
#[must_use]
pub fn dictionary_region(code: &str) -> Option<&'static str> {
    TABLE.iter().find(|(c, _)| *c == code).map(|(_, region)| *region)
}

/// The base name of the dictionary files for a code in Hunspell's naming
/// (`en-US` → `en_US`, `fr` → `fr_FR`): the name downloaded dictionaries
/// are saved under, and (lower-cased) the one requested from a download URL.
#[must_use]
pub fn dictionary_file_stem(code: &str) -> Option<String> {
    dictionary_region(code).map(hunspell_name)
}

/// The base names looked for in a local directory, best first: the code
/// itself (`es_MX`), its dictionary (`es_ES`), its language (`es`).
#[must_use]
pub fn candidate_file_stems(code: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    if code.contains('-') {
        push(hunspell_name(code));
    }
    if let Some(region) = dictionary_region(code) {
        push(hunspell_name(region));
        // en-GB-oxendict → en_GB
        let mut parts = region.splitn(3, '-');
        if let (Some(language), Some(country)) = (parts.next(), parts.next()) {
            push(format!("{language}_{country}"));
        }
    }
    push(code.split('-').next().unwrap_or(code).to_owned());
    out
}

/// `en-US` → `en_US`: only the first separator becomes `_`, as in
/// LibreOffice and Debian name them (`en_GB-oxendict`).
fn hunspell_name(region: &str) -> String {
    region.replacen('-', "_", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_electrons_56_codes() {
        let codes = available_languages();
        assert_eq!(codes.len(), 56);
        assert!(codes.contains(&"en-GB-oxendict"));
        assert!(codes.contains(&"es-419"));
    }

    #[test]
    fn locales_map_like_chromium() {
        let cases = [
            ("en-US", Some("en-US")),
            ("EN_us", Some("en-US")),
            ("en-ZA", Some("en-US")),
            ("en", Some("en")),
            ("fr-CA", Some("fr")),
            ("fr-FR", Some("fr-FR")),
            ("af-ZA", Some("af")),
            ("nb-NO", Some("nb")),
            ("pt-AO", Some("pt")),
            ("es-MX", Some("es-MX")),
            ("xx", None),
            ("", None),
            ("zz-FR", None),
        ];
        for (locale, code) in cases {
            assert_eq!(corresponding_language(locale), code, "{locale}");
        }
    }

    #[test]
    fn file_names_follow_hunspell_naming() {
        assert_eq!(dictionary_file_stem("en-US").as_deref(), Some("en_US"));
        assert_eq!(dictionary_file_stem("fr").as_deref(), Some("fr_FR"));
        assert_eq!(dictionary_file_stem("ko").as_deref(), Some("ko"));
        assert_eq!(dictionary_file_stem("zz"), None);
        assert_eq!(candidate_file_stems("es-MX"), ["es_MX", "es_ES", "es"]);
        assert_eq!(candidate_file_stems("de"), ["de_DE", "de"]);
        assert_eq!(candidate_file_stems("en-GB-oxendict"), ["en_GB-oxendict", "en_GB", "en"]);
    }
}
