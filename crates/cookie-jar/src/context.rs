//! The request context that decides which cookies a request may carry or set.

/// Who reads or writes cookies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reader {
    /// The HTTP layer: sees HttpOnly cookies and may set them.
    #[default]
    Http,
    /// A non-HTTP API such as `document.cookie`: HttpOnly cookies are hidden and
    /// cannot be set or replaced.
    Script,
}

/// The request's context: same-site or cross-site, top-level navigation or not,
/// the method, the reader, and the top-level site for partitioned cookies.
///
/// The default is a same-site HTTP `GET` that is not a top-level navigation,
/// with the request URL as its own top-level site.
///
/// ```
/// use sessionkit_cookie_jar::CookieContext;
/// let ctx = CookieContext::cross_site().top_level_navigation(true).method("POST");
/// assert!(ctx.is_cross_site() && ctx.is_top_level_navigation());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieContext {
    cross_site: bool,
    top_level_navigation: bool,
    method: String,
    reader: Reader,
    top_level_site: Option<String>,
    /// Electron's inclusive context: every SameSite, every partition, no access update.
    pub(crate) inclusive: bool,
}

impl Default for CookieContext {
    fn default() -> Self {
        Self::same_site()
    }
}

impl CookieContext {
    /// A same-site request (every SameSite value is allowed).
    #[must_use]
    pub fn same_site() -> Self {
        Self {
            cross_site: false,
            top_level_navigation: false,
            method: "GET".to_owned(),
            reader: Reader::Http,
            top_level_site: None,
            inclusive: false,
        }
    }

    /// A cross-site request: Strict cookies never, Lax (and unspecified) cookies
    /// only on top-level navigations with a safe method, None cookies always.
    #[must_use]
    pub fn cross_site() -> Self {
        Self { cross_site: true, ..Self::same_site() }
    }

    /// Electron's `cookies.get({url})` / `set` context: HttpOnly visible, every
    /// SameSite and partition, last access untouched.
    pub(crate) fn inclusive() -> Self {
        Self { inclusive: true, ..Self::same_site() }
    }

    /// Marks the request as a top-level navigation (or not).
    #[must_use]
    pub const fn top_level_navigation(mut self, yes: bool) -> Self {
        self.top_level_navigation = yes;
        self
    }

    /// Sets the HTTP method (`GET` by default), as sent: it is compared
    /// case-sensitively (see [`is_safe_method`](Self::is_safe_method)).
    #[must_use]
    pub fn method(mut self, method: &str) -> Self {
        method.clone_into(&mut self.method);
        self
    }

    /// Sets the reader: HTTP or a script API.
    #[must_use]
    pub const fn reader(mut self, reader: Reader) -> Self {
        self.reader = reader;
        self
    }

    /// Shorthand for `reader(Reader::Script)`.
    #[must_use]
    pub const fn script(self) -> Self {
        self.reader(Reader::Script)
    }

    /// The top-level site (e.g. `https://example.com`) that partitions CHIPS
    /// cookies. Without one, the request URL's own site is used, as for a
    /// top-level document.
    #[must_use]
    pub fn top_level_site(mut self, site: impl Into<String>) -> Self {
        self.top_level_site = Some(site.into());
        self
    }

    /// Is the request cross-site?
    #[must_use]
    pub const fn is_cross_site(&self) -> bool {
        self.cross_site
    }

    /// Is it a top-level navigation?
    #[must_use]
    pub const fn is_top_level_navigation(&self) -> bool {
        self.top_level_navigation
    }

    /// The method.
    #[must_use]
    pub fn method_name(&self) -> &str {
        &self.method
    }

    /// The reader.
    #[must_use]
    pub const fn reader_kind(&self) -> Reader {
        self.reader
    }

    /// The explicit top-level site, if any.
    #[must_use]
    pub fn top_level_site_name(&self) -> Option<&str> {
        self.top_level_site.as_deref()
    }

    /// A safe method per RFC 9110 (`GET`, `HEAD`, `OPTIONS`, `TRACE`), compared
    /// case-sensitively as Chromium's `HttpUtil::IsMethodSafe` does: `get` is not
    /// safe (HTTP methods are case-sensitive; Chromium upper-cases only the
    /// methods `fetch()` normalises before they reach the cookie code).
    #[must_use]
    pub fn is_safe_method(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE")
    }
}
