//! Chromium's limits around the engine (renderer `HunspellEngine` and
//! `FillSuggestions`): what is checked, what gets suggestions, how many.

use std::borrow::Cow;

/// Words longer than this many characters are not checked: they are
/// reported correct, as in Chromium.
pub const MAX_CHECKED_WORD_CHARS: usize = 64;

/// Suggestions are only looked for when the word has at most this many
/// characters.
pub const MAX_SUGGESTED_WORD_CHARS: usize = 24;

/// At most this many suggestions are returned (Chromium's `kMaxSuggestions`).
pub const MAX_SUGGESTIONS: usize = 5;

/// The word without its control characters (NUL, tabs, newlines, C1…).
pub(crate) fn strip_controls(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_control) {
        Cow::Owned(word.chars().filter(|c| !c.is_control()).collect())
    } else {
        Cow::Borrowed(word)
    }
}

/// Whether a (stripped) word is handed to the engines at all.
pub(crate) fn is_checked(word: &str) -> bool {
    !word.is_empty() && word.chars().count() <= MAX_CHECKED_WORD_CHARS
}

/// Whether a (stripped) word may get suggestions.
pub(crate) fn gets_suggestions(word: &str) -> bool {
    !word.is_empty() && word.chars().count() <= MAX_SUGGESTED_WORD_CHARS
}

/// Merges the suggestion lists of several languages as Chromium does: the
/// first of each list, then the second of each, …, without duplicates, at
/// most [`MAX_SUGGESTIONS`].
pub(crate) fn merge_suggestions(lists: &[Vec<String>]) -> Vec<String> {
    let mut merged: Vec<String> = Vec::with_capacity(MAX_SUGGESTIONS);
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    for rank in 0..longest {
        for list in lists {
            if merged.len() == MAX_SUGGESTIONS {
                return merged;
            }
            if let Some(word) = list.get(rank)
                && !merged.contains(word)
            {
                merged.push(word.clone());
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn suggestions_merge_round_robin_without_duplicates() {
        let merged = merge_suggestions(&[list(&["a", "b", "c", "d"]), list(&["x", "a", "y", "z"])]);
        assert_eq!(merged, ["a", "x", "b", "c", "y"]);
        assert!(merge_suggestions(&[]).is_empty());
    }

    #[test]
    fn control_characters_are_stripped_and_lengths_capped() {
        assert_eq!(strip_controls("he\0l\u{7}lo\u{85}"), "hello");
        assert!(matches!(strip_controls("plain"), Cow::Borrowed("plain")));
        assert!(is_checked(&"é".repeat(64)));
        assert!(!is_checked(&"é".repeat(65)));
        assert!(!is_checked(""));
        assert!(gets_suggestions(&"a".repeat(24)));
        assert!(!gets_suggestions(&"a".repeat(25)));
    }
}
