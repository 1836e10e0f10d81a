//! Options that change what a compiled matcher does beyond the rules themselves.

/// How [`BypassRules::compile_with`](crate::BypassRules::compile_with) builds a matcher.
///
/// The default is what Electron does on Linux and macOS: the implicit rules apply and
/// the Windows-only names are not among them.
///
/// ```
/// use sessionkit_bypass_rules::{BypassRules, CompileOptions};
/// use url::Url;
///
/// let opts = CompileOptions::default().with_windows_loopback(true);
/// let matcher = BypassRules::new().compile_with(&opts);
/// assert!(matcher.matches(&Url::parse("http://loopback/")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CompileOptions {
    /// Whether a URL that no explicit rule decides is bypassed when an implicit rule
    /// covers it (localhost, loopback, link-local). Chromium always does this; turning it
    /// off is equivalent to starting the list with `<-loopback>`. `<-loopback>` itself
    /// works either way. Default `true`.
    pub implicit_rules: bool,
    /// Whether the names `loopback` and `loopback.` count as implicit rules, as they do
    /// in Chromium on Windows. Default `false`.
    pub windows_loopback: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        Self { implicit_rules: true, windows_loopback: false }
    }
}

impl CompileOptions {
    /// The defaults: implicit rules on, Windows names off.
    pub fn new() -> Self {
        Self::default()
    }

    /// The options Chromium uses on the platform this program was built for.
    pub fn for_current_platform() -> Self {
        Self { windows_loopback: cfg!(windows), ..Self::default() }
    }

    /// Sets [`implicit_rules`](Self::implicit_rules).
    #[must_use]
    pub fn with_implicit_rules(mut self, on: bool) -> Self {
        self.implicit_rules = on;
        self
    }

    /// Sets [`windows_loopback`](Self::windows_loopback).
    #[must_use]
    pub fn with_windows_loopback(mut self, on: bool) -> Self {
        self.windows_loopback = on;
        self
    }
}
