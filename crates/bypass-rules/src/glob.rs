//! Chromium's host glob (`base::MatchPattern`), and the classification that lets the
//! matcher answer most patterns with a hash lookup instead of running the glob.
//!
//! The glob is not the textbook backtracking one. A pattern is a series of segments,
//! each a run of wildcards followed by literal text. Each segment is searched for once,
//! from where the previous one ended: a run containing `*` lets the literal start
//! anywhere later in the text, a run of `n` question marks lets it start up to `n`
//! characters later (so `?` is "zero or one character"), and the earliest position that
//! fits is taken for good; the last segment must also reach the end of the text. `\`
//! makes the next character literal, and a `\` at the very end is ignored.

/// Whether `text` matches `pattern`, byte for byte outside the wildcards.
///
/// Case-sensitive like Chromium's: patterns are stored in lower case and hosts of the
/// special schemes arrive in lower case, while an opaque host of another scheme
/// (`gopher://A.TEST/`) keeps its case and so does not match `a.test`.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    loop {
        let mut reach = Reach::Bounded(0);
        while let Some(&c) = p.get(pi) {
            match c {
                b'*' => reach = Reach::Unbounded,
                b'?' => {
                    if let Reach::Bounded(n) = &mut reach {
                        *n += 1;
                    }
                }
                _ => break,
            }
            pi += 1;
        }
        if !find_segment(p, &mut pi, t, &mut ti, reach) {
            return false;
        }
        if pi == p.len() {
            return true;
        }
    }
}

#[derive(Clone, Copy)]
enum Reach {
    Unbounded,
    Bounded(usize),
}

/// Finds the literal segment starting at `p[*pi]` in `t` at `*ti` or up to `reach`
/// characters later, leaving both cursors after the match.
fn find_segment(p: &[u8], pi: &mut usize, t: &[u8], ti: &mut usize, mut reach: Reach) -> bool {
    let seg = *pi;
    let mut start = *ti;
    let (mut pj, mut tj) = (seg, start);
    // Deliberately not reset when the search restarts: Chromium carries it over, which
    // is only observable for a segment that ends in a lone trailing backslash.
    let mut escaped = false;
    loop {
        if let Some(&c) = p.get(pj) {
            if !escaped && (c == b'*' || c == b'?') {
                (*pi, *ti) = (pj, tj);
                return true;
            }
            if !escaped && c == b'\\' {
                escaped = true;
                pj += 1;
                continue;
            }
            escaped = false;
            if tj == t.len() {
                return false;
            }
            let (pl, tl) = (char_len(c), char_len(t[tj]));
            if let (Some(pc), Some(tc)) = (p.get(pj..pj + pl), t.get(tj..tj + tl))
                && pc.len() == tc.len()
                && pc == tc
            {
                pj += pl;
                tj += tl;
                continue;
            }
        } else if tj == t.len() {
            (*pi, *ti) = (pj, tj);
            return true;
        }
        // Mismatch: retry the segment one character further into the text.
        match &mut reach {
            Reach::Bounded(0) => return false,
            Reach::Bounded(n) => *n -= 1,
            Reach::Unbounded => {}
        }
        if let Some(&b) = t.get(start) {
            start = (start + char_len(b)).min(t.len());
        }
        pj = seg;
        tj = start;
    }
}

/// Length of the UTF-8 sequence that starts with `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The shape of a pattern, for choosing the matcher's index. Each shape other than
/// [`Shape::General`] matches exactly the same texts as [`matches`] does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// No wildcard: the text must equal this (escapes removed).
    Exact(String),
    /// Only `*`: matches every text.
    Any,
    /// `*` run then literal: the text must end with this.
    Suffix(String),
    /// Literal then `*` run: the text must start with this.
    Prefix(String),
    /// Anything else: run the glob.
    General,
}

pub(crate) fn classify(pattern: &str) -> Shape {
    #[derive(PartialEq)]
    enum Token {
        Lit(char),
        Star,
        Question,
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '*' => Token::Star,
            '?' => Token::Question,
            '\\' => match chars.next() {
                Some(next) => Token::Lit(next),
                // A trailing backslash leaves the glob's escape state set across
                // restarts; keep such patterns on the glob so that stays exact.
                None => return Shape::General,
            },
            other => Token::Lit(other),
        });
    }
    if tokens.contains(&Token::Question) {
        return Shape::General;
    }
    let literal = |ts: &[Token]| -> Option<String> {
        ts.iter().map(|t| if let Token::Lit(c) = t { Some(*c) } else { None }).collect()
    };
    let lead = tokens.iter().take_while(|t| **t == Token::Star).count();
    let trail = tokens.iter().rev().take_while(|t| **t == Token::Star).count();
    if lead == tokens.len() {
        return if lead == 0 { Shape::Exact(String::new()) } else { Shape::Any };
    }
    let middle = &tokens[lead..tokens.len() - trail];
    match (lead > 0, trail > 0, literal(middle)) {
        (false, false, Some(s)) => Shape::Exact(s),
        (true, false, Some(s)) => Shape::Suffix(s),
        (false, true, Some(s)) => Shape::Prefix(s),
        _ => Shape::General,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question() {
        assert!(matches("*example.com", "notexample.com"));
        assert!(matches("*.example.com", "a.b.example.com"));
        assert!(!matches("*.example.com", "example.com"));
        assert!(matches("*", ""));
        assert!(matches("*", "[::1]"));
        assert!(matches("a?c", "ac"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "abbc"));
        assert!(matches("a??d", "abcd"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxbyy"));
        assert!(matches("*a", "aaa"));
        assert!(matches("192.168.*", "192.168.example.test"));
        // Case-sensitive: only opaque hosts of non-special schemes keep upper case.
        assert!(!matches("foo", "FOO"));
    }

    #[test]
    fn escapes() {
        assert!(matches(r"a\*b", "a*b"));
        assert!(!matches(r"a\*b", "axb"));
        assert!(matches(r"a\?", "a?"));
        assert!(!matches(r"a\?", "a"));
        assert!(matches(r"\a", "a"));
        assert!(matches("a\\", "a"));
        // The escape state carried over a restart wastes one position.
        assert!(matches("*\\a\\", "ba"));
        assert!(!matches("*\\a\\", "aa"));
        assert!(matches("*a\\", "aa"));
    }

    #[test]
    fn no_backtracking_across_question_marks() {
        // The first `b` found is kept, so the `?c` after it has no second chance.
        assert!(!matches("*b?c", "bxbc"));
        assert!(matches("*b?c", "bc"));
    }

    #[test]
    fn shapes() {
        assert_eq!(classify("example.com"), Shape::Exact("example.com".into()));
        assert_eq!(classify(r"a\*b"), Shape::Exact("a*b".into()));
        assert_eq!(classify("*"), Shape::Any);
        assert_eq!(classify("**"), Shape::Any);
        assert_eq!(classify("*.example.com"), Shape::Suffix(".example.com".into()));
        assert_eq!(classify("192.168.*"), Shape::Prefix("192.168.".into()));
        assert_eq!(classify("a*b"), Shape::General);
        assert_eq!(classify("*a*"), Shape::General);
        assert_eq!(classify("a?"), Shape::General);
        assert_eq!(classify("a\\"), Shape::General);
    }
}
