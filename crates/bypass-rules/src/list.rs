//! An ordered bypass list: parsing, printing, compiling.

use std::fmt;
use std::str::FromStr;

use crate::error::ParseError;
use crate::matcher::BypassMatcher;
use crate::options::CompileOptions;
use crate::parse::parse_list;
use crate::rule::Rule;

/// A parsed bypass list (Electron's `proxyBypassRules`), in the order written.
///
/// Order matters only around `<-loopback>`; see the [crate docs](crate#matching).
/// [`Display`](fmt::Display) prints the canonical form, entries joined with `;` as
/// Chromium prints them, and parsing that text gives back an equal list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BypassRules {
    rules: Vec<Rule>,
}

impl BypassRules {
    /// An empty list. It still bypasses what the implicit rules cover.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a list, failing on the first entry Chromium would drop.
    ///
    /// Blank entries (as in `a,,b` or a trailing `;`) are skipped, not errors.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the first invalid entry and its byte offset, or
    /// [`ParseErrorKind::InputTooLarge`](crate::ParseErrorKind::InputTooLarge) when
    /// `input` is longer than [`MAX_INPUT_LEN`](crate::MAX_INPUT_LEN).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let mut first = None;
        let rules = parse_list(input, |e| {
            first = Some(e);
            false
        });
        match first {
            Some(e) => Err(e),
            None => Ok(Self { rules }),
        }
    }

    /// Parses a list the way Chromium does: invalid entries are dropped and the rest
    /// kept. The dropped entries come back as warnings, in input order.
    ///
    /// ```
    /// use sessionkit_bypass_rules::BypassRules;
    ///
    /// let (rules, warnings) = BypassRules::parse_lenient("a.test; b.test/; c.test:*");
    /// assert_eq!(rules.to_string(), "a.test");
    /// assert_eq!(warnings.len(), 2);
    /// assert_eq!(warnings[0].entry(), "b.test/");
    /// ```
    pub fn parse_lenient(input: &str) -> (Self, Vec<ParseError>) {
        let mut warnings = Vec::new();
        let rules = parse_list(input, |e| {
            warnings.push(e);
            true
        });
        (Self { rules }, warnings)
    }

    /// The rules, in list order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the list has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Iterates over the rules in list order.
    pub fn iter(&self) -> std::slice::Iter<'_, Rule> {
        self.rules.iter()
    }

    /// Compiles the list with the default [`CompileOptions`]: implicit rules on, no
    /// Windows-only names.
    pub fn compile(&self) -> BypassMatcher {
        self.compile_with(&CompileOptions::default())
    }

    /// Compiles the list with `options`.
    pub fn compile_with(&self, options: &CompileOptions) -> BypassMatcher {
        BypassMatcher::new(&self.rules, *options)
    }
}

impl FromStr for BypassRules {
    type Err = ParseError;

    /// Same as [`BypassRules::parse`] (strict).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for BypassRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{rule}")?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a BypassRules {
    type Item = &'a Rule;
    type IntoIter = std::slice::Iter<'a, Rule>;

    fn into_iter(self) -> Self::IntoIter {
        self.rules.iter()
    }
}

impl FromIterator<Rule> for BypassRules {
    fn from_iter<I: IntoIterator<Item = Rule>>(iter: I) -> Self {
        Self { rules: iter.into_iter().collect() }
    }
}

impl Extend<Rule> for BypassRules {
    fn extend<I: IntoIterator<Item = Rule>>(&mut self, iter: I) {
        self.rules.extend(iter);
    }
}
