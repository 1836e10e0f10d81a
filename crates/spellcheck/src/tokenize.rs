//! Splitting text into the words a spellchecker looks at.

use std::ops::Range;

/// The words of `text` with their byte ranges: runs of letters, marks and
/// digits, joined across one apostrophe (`'` or `’`) between letters
/// (`don't`). Hyphens, dots and everything else separate words; runs of
/// digits alone are not words.
pub fn words(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        loop {
            let (start, first) = chars.next()?;
            if !is_word_char(first) {
                continue;
            }
            let mut end = start + first.len_utf8();
            while let Some(&(i, c)) = chars.peek() {
                if is_word_char(c) {
                    chars.next();
                    end = i + c.len_utf8();
                } else if is_apostrophe(c)
                    && text[end..].chars().nth(1).is_some_and(char::is_alphabetic)
                {
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            if word.chars().any(char::is_alphabetic) {
                return Some((start..end, word));
            }
        }
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Combining marks (enough of Unicode's `M` categories for decomposed
/// accents), which `char::is_alphanumeric` does not include.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

#[cfg(test)]
mod tests {
    use super::words;

    fn list(text: &str) -> Vec<&str> {
        words(text).map(|(_, w)| w).collect()
    }

    #[test]
    fn words_split_on_punctuation_and_keep_contractions() {
        assert_eq!(
            list("Don't  stop-me, naïve café’s 'quoted' 42 21st"),
            ["Don't", "stop", "me", "naïve", "café’s", "quoted", "21st"]
        );
        assert_eq!(list(""), Vec::<&str>::new());
        assert_eq!(list("it'"), ["it"]);
        let text = "a bé";
        let ranges: Vec<_> = words(text).map(|(r, _)| r).collect();
        assert_eq!(ranges, [0..1, 2..5]);
    }
}
