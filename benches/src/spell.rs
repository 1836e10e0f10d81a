//! Words for the spellcheck benchmark, generated from a Hunspell `.aff`/`.dic`
//! pair: correct words (the `.dic` stems and their affixed forms, built with
//! the `.aff` file's `PFX`/`SFX` rules) and misspellings made from them by one
//! deterministic edit (delete, insert, substitute or transpose a letter).
//!
//! Only the simple affix subset is implemented (one prefix or one suffix,
//! single-character flags, conditions of literals, `.`, `[…]` and `[^…]`),
//! which is all Debian's `en_US` uses; stems with flags the generator does not
//! know are still used as stems. Nothing here checks a word against the
//! dictionary: the benchmark measures how the engines judge these words.

use std::collections::HashMap;

use crate::Lcg;

/// How many words the check benchmark runs over.
pub const CHECK_COUNT: usize = 10_000;

/// How many misspelled words the suggestion benchmark asks about.
pub const SUGGEST_COUNT: usize = 200;

/// Letters inserted or substituted by the edits (English letter frequency
/// order, so common typos come first).
const LETTERS: &[char] = &[
    'e', 't', 'a', 'o', 'i', 'n', 's', 'r', 'h', 'l', 'd', 'c', 'u', 'm', 'f', 'p', 'g', 'w', 'y',
    'b', 'v', 'k', 'x', 'j', 'q', 'z',
];

/// One element of an affix condition.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Class {
    Any,
    Char(char),
    Set { negated: bool, chars: Vec<char> },
}

impl Class {
    fn matches(&self, c: char) -> bool {
        match self {
            Self::Any => true,
            Self::Char(x) => *x == c,
            Self::Set { negated, chars } => chars.contains(&c) != *negated,
        }
    }
}

fn parse_condition(text: &str) -> Vec<Class> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(Class::Any),
            '[' => {
                let mut set: Vec<char> = chars.by_ref().take_while(|&c| c != ']').collect();
                let negated = set.first() == Some(&'^');
                if negated {
                    set.remove(0);
                }
                out.push(Class::Set { negated, chars: set });
            }
            c => out.push(Class::Char(c)),
        }
    }
    if out == [Class::Any] { Vec::new() } else { out }
}

/// One `PFX` or `SFX` rule.
#[derive(Debug, Clone)]
struct Rule {
    strip: String,
    add: String,
    condition: Vec<Class>,
}

impl Rule {
    /// The stem with this rule applied at its start (`prefix`) or end, if
    /// the condition holds.
    fn apply(&self, stem: &str, prefix: bool) -> Option<String> {
        let chars: Vec<char> = stem.chars().collect();
        let n = self.condition.len();
        if chars.len() < n || chars.len() <= self.strip.chars().count() {
            return None;
        }
        let window = if prefix { &chars[..n] } else { &chars[chars.len() - n..] };
        if !window.iter().zip(&self.condition).all(|(c, class)| class.matches(*c)) {
            return None;
        }
        if prefix {
            let rest = stem.strip_prefix(self.strip.as_str())?;
            Some(format!("{}{rest}", self.add))
        } else {
            let rest = stem.strip_suffix(self.strip.as_str())?;
            Some(format!("{rest}{}", self.add))
        }
    }
}

/// The affix rules of an `.aff` file, by flag.
#[derive(Debug, Clone, Default)]
pub struct Affixes {
    prefixes: HashMap<char, Vec<Rule>>,
    suffixes: HashMap<char, Vec<Rule>>,
    only_in_compound: Option<char>,
}

impl Affixes {
    /// Reads the `PFX`/`SFX` rules and the `ONLYINCOMPOUND` flag of an
    /// `.aff` file; other lines are ignored.
    pub fn parse(aff: &str) -> Self {
        let mut affixes = Self::default();
        for line in aff.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                ["ONLYINCOMPOUND", flag, ..] => affixes.only_in_compound = flag.chars().next(),
                [kind @ ("PFX" | "SFX"), flag, strip, add, condition, ..] => {
                    let Some(flag) = flag.chars().next() else { continue };
                    let zero = |s: &str| if s == "0" { String::new() } else { s.to_owned() };
                    // Continuation flags (`add/FLAGS`) are not followed.
                    let add = add.split('/').next().unwrap_or_default();
                    let rule = Rule {
                        strip: zero(strip),
                        add: zero(add),
                        condition: parse_condition(condition),
                    };
                    let table =
                        if *kind == "PFX" { &mut affixes.prefixes } else { &mut affixes.suffixes };
                    table.entry(flag).or_default().push(rule);
                }
                _ => {}
            }
        }
        affixes
    }

    /// Every word one affix rule of `flags` makes from `stem`, in rule order.
    pub fn forms(&self, stem: &str, flags: &str) -> Vec<String> {
        let mut out = Vec::new();
        for flag in flags.chars() {
            for (table, prefix) in [(&self.prefixes, true), (&self.suffixes, false)] {
                for rule in table.get(&flag).map(Vec::as_slice).unwrap_or_default() {
                    out.extend(rule.apply(stem, prefix));
                }
            }
        }
        out
    }
}

/// The `.dic` entries usable as words: `(stem, flags)`, in file order,
/// without the count line, entries with escapes or digits, and stems that
/// only appear inside compounds.
pub fn stems<'a>(dic: &'a str, affixes: &Affixes) -> Vec<(&'a str, &'a str)> {
    dic.lines()
        .skip(1)
        .filter_map(|line| {
            let entry = line.split_whitespace().next()?;
            if entry.contains('\\') {
                return None;
            }
            let (stem, flags) = entry.split_once('/').unwrap_or((entry, ""));
            let usable = !stem.is_empty()
                && stem.chars().all(|c| c.is_alphabetic() || c == '\'')
                && !affixes.only_in_compound.is_some_and(|f| flags.contains(f));
            usable.then_some((stem, flags))
        })
        .collect()
}

/// `word` with one edit chosen by `rng`: delete, insert, substitute or
/// transpose; always different from `word` (a word under two characters
/// gets a letter inserted).
pub fn misspell(word: &str, rng: &mut Lcg) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let len = chars.len();
    if len < 2 {
        chars.push(LETTERS[rng.below(LETTERS.len())]);
        return chars.into_iter().collect();
    }
    loop {
        let mut edited = chars.clone();
        let at = rng.below(len);
        match rng.below(4) {
            0 => {
                edited.remove(at);
            }
            1 => edited.insert(at, LETTERS[rng.below(LETTERS.len())]),
            2 => edited[at] = LETTERS[rng.below(LETTERS.len())],
            _ => edited.swap(at, if at + 1 < len { at + 1 } else { at - 1 }),
        }
        if edited != chars {
            chars = edited;
            break;
        }
    }
    chars.into_iter().collect()
}

/// A correct word: a stem (its capitalised form now and then) or, when the
/// stem has affixes and the draw says so, one of its affixed forms.
fn correct_word(entries: &[(&str, &str)], affixes: &Affixes, rng: &mut Lcg) -> String {
    let (stem, flags) = entries[rng.below(entries.len())];
    let affixed = rng.below(2) == 0;
    let mut word = if affixed {
        let forms = affixes.forms(stem, flags);
        if forms.is_empty() { stem.to_owned() } else { forms[rng.below(forms.len())].clone() }
    } else {
        stem.to_owned()
    };
    // A sentence's first word: capitalised lower-case words are correct too.
    if rng.below(12) == 0 {
        let mut chars = word.chars();
        if let Some(first) = chars.next()
            && first.is_lowercase()
        {
            word = first.to_uppercase().chain(chars).collect();
        }
    }
    word
}

/// `count` words for the check benchmark: about 70% correct (stems and
/// affixed forms in equal parts, one in twelve capitalised) and 30%
/// misspelled (one edit of a correct word of at least four letters).
pub fn check_words(aff: &str, dic: &str, count: usize) -> Vec<String> {
    let affixes = Affixes::parse(aff);
    let entries = stems(dic, &affixes);
    let mut rng = Lcg::new(0x5e11_c4ec);
    let mut out = Vec::with_capacity(count);
    while out.len() < count && !entries.is_empty() {
        let word = correct_word(&entries, &affixes, &mut rng);
        if rng.below(10) < 3 {
            if word.chars().count() >= 4 {
                out.push(misspell(&word, &mut rng));
            }
        } else {
            out.push(word);
        }
    }
    out
}

/// `count` distinct misspellings of lower-case correct words of 4 to 12
/// letters, for the suggestion benchmark. An edit can land on another
/// correct word, so the benchmark keeps those its engine rejects.
pub fn misspellings(aff: &str, dic: &str, count: usize) -> Vec<String> {
    let affixes = Affixes::parse(aff);
    let entries = stems(dic, &affixes);
    let mut rng = Lcg::new(0x7e0_5ca1);
    let mut out: Vec<String> = Vec::with_capacity(count);
    let mut attempts = 0;
    while out.len() < count && attempts < count * 100 {
        attempts += 1;
        let word = correct_word(&entries, &affixes, &mut rng);
        let letters = word.chars().count();
        if !(4..=12).contains(&letters) || !word.chars().all(|c| c.is_lowercase()) {
            continue;
        }
        let wrong = misspell(&word, &mut rng);
        if !out.contains(&wrong) {
            out.push(wrong);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFF: &str = "SET UTF-8\n\
        ONLYINCOMPOUND c\n\
        PFX U Y 1\n\
        PFX U   0     un         .\n\
        SFX S Y 4\n\
        SFX S   y     ies        [^aeiou]y\n\
        SFX S   0     s          [aeiou]y\n\
        SFX S   0     es         [sxzh]\n\
        SFX S   0     s          [^sxzhy]\n\
        SFX G Y 2\n\
        SFX G   e     ing        e\n\
        SFX G   0     ing/S      [^e]\n";
    const DIC: &str = "7\nfly/S\nday/S\nbox/S\nhope/GS\ndo/U\n1th/c\nwalk/GSU\n";

    #[test]
    fn affix_rules_follow_their_conditions() {
        let affixes = Affixes::parse(AFF);
        assert_eq!(affixes.forms("fly", "S"), ["flies"]);
        assert_eq!(affixes.forms("day", "S"), ["days"]);
        assert_eq!(affixes.forms("box", "S"), ["boxes"]);
        assert_eq!(affixes.forms("hope", "GS"), ["hoping", "hopes"]);
        assert_eq!(affixes.forms("walk", "GSU"), ["walking", "walks", "unwalk"]);
        assert!(affixes.forms("walk", "").is_empty());
    }

    #[test]
    fn stems_skip_compound_only_entries_and_the_count() {
        let affixes = Affixes::parse(AFF);
        let entries = stems(DIC, &affixes);
        assert_eq!(entries.len(), 6);
        assert_eq!(entries[0], ("fly", "S"));
        assert!(entries.iter().all(|(stem, _)| *stem != "1th" && *stem != "7"));
    }

    #[test]
    fn misspellings_differ_by_one_edit() {
        let mut rng = Lcg::new(3);
        for _ in 0..500 {
            let wrong = misspell("spelling", &mut rng);
            assert_ne!(wrong, "spelling");
            assert!((7..=9).contains(&wrong.chars().count()), "{wrong}");
        }
    }

    #[test]
    fn word_lists_are_deterministic_and_mixed() {
        let words = check_words(AFF, DIC, 1_000);
        assert_eq!(words.len(), 1_000);
        assert_eq!(words, check_words(AFF, DIC, 1_000));
        let known = ["fly", "flies", "day", "days", "box", "boxes", "hope", "hoping", "hopes"];
        let known = known.iter().chain(&["do", "undo", "walk", "walking", "walks", "unwalk"]);
        let correct: Vec<&str> = known.copied().collect();
        let is_correct =
            |w: &str| correct.contains(&w) || correct.contains(&w.to_lowercase().as_str());
        let wrong = words.iter().filter(|w| !is_correct(w)).count();
        // About 30% of draws are misspelled, fewer here because short
        // stems ("do", "day") can't be.
        assert!((100..=400).contains(&wrong), "{wrong} misspelled");
        assert!(words.iter().any(|w| w == "walking") && words.iter().any(|w| w == "Walk"));

        let typos = misspellings(AFF, DIC, 50);
        assert_eq!(typos, misspellings(AFF, DIC, 50));
        assert_eq!(typos.len(), 50);
        assert!(typos.iter().all(|w| (3..=13).contains(&w.chars().count())));
    }
}
