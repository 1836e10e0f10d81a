//! Parsing the string a PAC script's `FindProxyForURL` returns.

use crate::error::{Grammar, MAX_INPUT_LEN, ParseError};
use crate::list::ProxyList;
use crate::server::ProxyServer;
use crate::tokens::tokens;

impl ProxyList {
    /// Parses a PAC result string with Chromium's leniency: elements are
    /// separated by `;`, each trimmed; types ignore case; ports default by
    /// type; invalid elements are skipped; when nothing valid remains (an
    /// empty string included) the result is `[DIRECT]`.
    ///
    /// The result is never empty, and
    /// `ProxyList::parse_pac_result(&list.to_pac_string()) == list` holds for
    /// every list it returns. Input over [`MAX_INPUT_LEN`] bytes gives
    /// `[DIRECT]`.
    ///
    /// ```
    /// use sessionkit_proxy_rules::ProxyList;
    ///
    /// let list = ProxyList::parse_pac_result("PROXY a:1; SOCKS b; DIRECT");
    /// assert_eq!(list.to_string(), "PROXY a:1;SOCKS b:1080;DIRECT");
    /// assert_eq!(ProxyList::parse_pac_result("PROXY http://x:80").to_string(), "DIRECT");
    /// ```
    pub fn parse_pac_result(input: &str) -> Self {
        Self::parse_pac_result_with_warnings(input).0
    }

    /// [`parse_pac_result`](Self::parse_pac_result), also returning every
    /// skipped element as a warning (offsets into `input`).
    pub fn parse_pac_result_with_warnings(input: &str) -> (Self, Vec<ParseError>) {
        if input.len() > MAX_INPUT_LEN {
            return (Self::direct(), vec![ParseError::too_large(Grammar::PacResult, input.len())]);
        }
        let mut list = Self::new();
        let mut warnings = Vec::new();
        for (offset, element) in tokens(input, ';') {
            // A blank element is only a stray separator; Chromium skips it
            // like any invalid one, but it deserves no warning.
            if element.trim_matches(crate::server::is_lws).is_empty() {
                continue;
            }
            match ProxyServer::parse_pac_in(element) {
                Ok(server) => list.push(server),
                Err((at, text, kind)) => {
                    warnings.push(ParseError::new(Grammar::PacResult, offset + at, text, kind));
                }
            }
        }
        if list.is_empty() {
            list.push(ProxyServer::direct());
        }
        (list, warnings)
    }

    /// Parses a PAC result string, failing on the first element that
    /// [`parse_pac_result`](Self::parse_pac_result) would skip.
    ///
    /// Empty and blank elements (`"PROXY a:1;"`) are not errors; a string
    /// with no element at all gives `[DIRECT]`, as in Chromium.
    ///
    /// ```
    /// use sessionkit_proxy_rules::ProxyList;
    ///
    /// let err = ProxyList::parse_pac_result_strict("PROXY a:1; HTTP b:80").unwrap_err();
    /// assert_eq!((err.offset(), err.text()), (11, "HTTP b:80"));
    /// ```
    pub fn parse_pac_result_strict(input: &str) -> Result<Self, ParseError> {
        let (list, warnings) = Self::parse_pac_result_with_warnings(input);
        match warnings.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(list),
        }
    }
}
