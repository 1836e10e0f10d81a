//! Behaviour vectors for the bypass grammar and matcher, written from the research
//! note on Chromium's `ProxyBypassRules` (section 4), plus property tests.

mod display;
mod invalid;
mod matching;
mod properties;

use sessionkit_bypass_rules::{BypassMatcher, BypassRules, CompileOptions, Rule};
use url::Url;

/// The reference: Chromium's linear walk from the last rule to the first, then the
/// implicit rules. The compiled matcher must agree with it on every input.
pub(crate) fn reference(
    rules: &BypassRules,
    options: &CompileOptions,
    url: &Url,
) -> (bool, Option<usize>) {
    for (i, rule) in rules.rules().iter().enumerate().rev() {
        if let Some(bypass) = rule.decide(url, options) {
            return (bypass, Some(i));
        }
    }
    let implicit =
        options.implicit_rules && sessionkit_bypass_rules::implicit_rule(url, options).is_some();
    (implicit, None)
}

pub(crate) fn compiled(rules: &str) -> (BypassRules, BypassMatcher) {
    let parsed =
        BypassRules::parse(rules).unwrap_or_else(|e| panic!("{rules:?} should parse: {e}"));
    let matcher = parsed.compile();
    (parsed, matcher)
}

pub(crate) fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("{s:?} is not a URL: {e}"))
}

/// A rule's canonical text, for asserting on the parsed form.
pub(crate) fn texts(rules: &BypassRules) -> Vec<String> {
    rules.rules().iter().map(Rule::to_string).collect()
}
