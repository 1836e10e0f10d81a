//! Splitting on one delimiter the way Chromium's string tokenizer does: empty
//! tokens are never produced, and each token keeps its byte offset so that
//! errors can point into the whole input.

/// Non-empty pieces of `s` between `delim`, each with its offset in `s`.
pub(crate) fn tokens(s: &str, delim: char) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    s.split(delim)
        .map(move |piece| {
            let at = start;
            start += piece.len() + delim.len_utf8();
            (at, piece)
        })
        .filter(|(_, piece)| !piece.is_empty())
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn skips_empty_tokens_and_keeps_offsets() {
        let got: Vec<_> = tokens(";a;;bc;", ';').collect();
        assert_eq!(got, vec![(1, "a"), (4, "bc")]);
        assert_eq!(tokens("", ';').count(), 0);
        assert_eq!(tokens(" ", ';').collect::<Vec<_>>(), vec![(0, " ")]);
    }
}
