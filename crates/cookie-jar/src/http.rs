//! The HTTP side: `Set-Cookie` lines from a response.

use url::Url;

use crate::context::CookieContext;
use crate::domain::is_trustworthy;
use crate::error::Rejection;
use crate::insert::{Source, store_cookie};
use crate::jar::CookieJar;
use crate::parse::set_cookie::parse_set_cookie_ref;
use crate::rules::{create, draft_from_parsed};

impl CookieJar {
    /// Handles one `Set-Cookie` field value received from `url` in context `ctx`.
    ///
    /// # Errors
    ///
    /// The [`Rejection`] Chromium would record for the line; nothing is stored then.
    pub fn set_cookie(&self, url: &Url, line: &str, ctx: &CookieContext) -> Result<(), Rejection> {
        let parsed = parse_set_cookie_ref(line)?;
        let source = Source { trustworthy: is_trustworthy(url), reader: ctx.reader_kind() };
        self.with_store(|store, now, changes| {
            let draft = draft_from_parsed(&parsed, now, &self.policy);
            let cookie = create(draft, url, ctx, now)?;
            store_cookie(store, cookie, &source, now, &self.policy, changes)
        })
    }

    /// Handles every `Set-Cookie` line of one response, in order; returns how many
    /// were accepted (a rejected line does not stop the others).
    ///
    /// (Named so as not to shadow reqwest's `CookieStore::set_cookies`,
    /// which the `reqwest` feature implements for the jar.)
    pub fn set_cookies_from_response<'a>(
        &self,
        url: &Url,
        lines: impl IntoIterator<Item = &'a str>,
        ctx: &CookieContext,
    ) -> usize {
        lines.into_iter().filter(|line| self.set_cookie(url, line, ctx).is_ok()).count()
    }
}
