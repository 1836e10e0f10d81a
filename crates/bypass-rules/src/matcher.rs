//! The compiled matcher and the verdicts it explains.

use std::fmt;

use url::Url;

use crate::implicit::{self, ImplicitRule};
use crate::index::Index;
use crate::options::CompileOptions;
use crate::rule::Rule;
use crate::view::UrlView;

/// A bypass list compiled for fast lookups, from
/// [`BypassRules::compile`](crate::BypassRules::compile).
///
/// Gives the same answers as Chromium's walk over the rules from the last to the first
/// but looks hosts, suffixes, prefixes and addresses up in tables; only patterns with
/// inner wildcards are matched one by one. A lookup does not allocate for URLs of the
/// usual schemes.
#[derive(Clone, Debug)]
pub struct BypassMatcher {
    rules: Vec<Rule>,
    options: CompileOptions,
    index: Index,
}

impl BypassMatcher {
    pub(crate) fn new(rules: &[Rule], options: CompileOptions) -> Self {
        Self { rules: rules.to_vec(), options, index: Index::build(rules) }
    }

    /// Whether requests to `url` go direct instead of through the proxy.
    pub fn matches(&self, url: &Url) -> bool {
        let view = UrlView::new(url);
        match self.index.decide(&view, self.options.windows_loopback) {
            Some(i) => !matches!(self.rules.get(i), Some(Rule::SubtractImplicit)),
            None => {
                self.options.implicit_rules
                    && implicit::covering_rule(&view, self.options.windows_loopback).is_some()
            }
        }
    }

    /// Whether `url` is bypassed, and which rule decided.
    ///
    /// ```
    /// use sessionkit_bypass_rules::{BypassRules, ImplicitRule, Reason};
    /// use url::Url;
    ///
    /// let matcher = BypassRules::parse("*.test, <-loopback>, localhost:8080")?.compile();
    /// let verdict = matcher.explain(&Url::parse("http://localhost/")?);
    /// assert!(!verdict.bypass());
    /// assert_eq!(verdict.to_string(), r#"no bypass: rule 1 "<-loopback>""#);
    ///
    /// let verdict = matcher.explain(&Url::parse("http://localhost:8080/")?);
    /// assert_eq!(verdict.rule_index(), Some(2));
    ///
    /// let matcher = BypassRules::new().compile();
    /// let verdict = matcher.explain(&Url::parse("http://127.0.0.1/")?);
    /// assert_eq!(verdict.reason(), &Reason::Implicit(ImplicitRule::Loopback));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, url: &Url) -> Verdict {
        let view = UrlView::new(url);
        let decided = self.index.decide(&view, self.options.windows_loopback);
        if let Some(rule) = decided.and_then(|i| self.rules.get(i).map(|r| (i, r))) {
            let (index, rule) = rule;
            return Verdict {
                bypass: !matches!(rule, Rule::SubtractImplicit),
                reason: Reason::Rule { index, rule: rule.clone() },
            };
        }
        if self.options.implicit_rules
            && let Some(implicit) = implicit::covering_rule(&view, self.options.windows_loopback)
        {
            return Verdict { bypass: true, reason: Reason::Implicit(implicit) };
        }
        Verdict { bypass: false, reason: Reason::NoMatch }
    }

    /// The rules this matcher was compiled from.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The options this matcher was compiled with.
    pub fn options(&self) -> &CompileOptions {
        &self.options
    }
}

/// The answer of [`BypassMatcher::explain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    bypass: bool,
    reason: Reason,
}

impl Verdict {
    /// Whether requests to the URL go direct.
    pub fn bypass(&self) -> bool {
        self.bypass
    }

    /// What decided.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// The position in the list of the explicit rule that decided, if one did.
    pub fn rule_index(&self) -> Option<usize> {
        match self.reason {
            Reason::Rule { index, .. } => Some(index),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    /// `bypass: rule 2 "*.example.com"`, `no bypass: rule 0 "<-loopback>"`,
    /// `bypass: implicit rule (localhost)`, `no bypass: no rule matched`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.bypass { "bypass: " } else { "no bypass: " })?;
        match &self.reason {
            Reason::Rule { index, rule } => write!(f, "rule {index} \"{rule}\""),
            Reason::Implicit(rule) => write!(f, "implicit rule ({rule})"),
            Reason::NoMatch => f.write_str("no rule matched"),
        }
    }
}

/// What decided a [`Verdict`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// An explicit rule of the list: the last one (in list order) with an opinion.
    Rule {
        /// Its position in [`BypassRules::rules`](crate::BypassRules::rules).
        index: usize,
        /// The rule.
        rule: Rule,
    },
    /// No explicit rule had an opinion and an implicit rule covers the URL.
    Implicit(ImplicitRule),
    /// Nothing matched: the URL is not bypassed.
    NoMatch,
}
