//! [`reqwest::cookie::CookieStore`] for [`CookieJar`] (feature `reqwest`).
//!
//! ```
//! use std::sync::Arc;
//! use sessionkit_cookie_jar::CookieJar;
//!
//! let jar = Arc::new(CookieJar::new());
//! let client = reqwest::Client::builder().cookie_provider(Arc::clone(&jar)).build();
//! # drop(client);
//! ```
//!
//! A persistent jar shares the same way: `cookie_provider(Arc::clone(persistent.jar()))`.
//!
//! # Assumptions
//!
//! reqwest tells a cookie store only the URL, never who initiated the request, so:
//! - `set_cookies` stores every `Set-Cookie` of a response as the HTTP layer would for a
//!   same-site response from that URL: HttpOnly cookies are accepted, and every `SameSite`
//!   value may be set. A line the jar rejects is skipped, as a browser skips it.
//! - `cookies` builds the `Cookie` header for a same-site, top-level navigation `GET` to the
//!   URL: `Strict`, `Lax` and unspecified cookies are all sent, HttpOnly ones included, and
//!   partitioned cookies are those of the URL's own site (as for a top-level document). That
//!   is what a program fetching URLs on its own behalf expects; a caller modelling
//!   cross-site subresource requests should use [`CookieJar::cookie_header`] with its own
//!   [`CookieContext`].
//!
//! A `Set-Cookie` value that is not UTF-8 is skipped (Chromium would read it as Latin-1; no
//! server relies on that for cookies it wants back).

use http::HeaderValue;
use url::Url;

use crate::context::CookieContext;
use crate::jar::CookieJar;

impl ::reqwest::cookie::CookieStore for CookieJar {
    fn set_cookies(&self, cookie_headers: &mut dyn Iterator<Item = &HeaderValue>, url: &Url) {
        let ctx = CookieContext::same_site();
        for header in cookie_headers {
            if let Ok(line) = std::str::from_utf8(header.as_bytes()) {
                // A rejected line is dropped, exactly as a browser drops it.
                let _ = self.set_cookie(url, line, &ctx);
            }
        }
    }

    fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        let ctx = CookieContext::same_site().top_level_navigation(true);
        let header = self.cookie_header(url, &ctx)?;
        // Stored names and values never hold control characters, so this only fails if the
        // jar's invariants were broken; sending no header is then the safe answer.
        HeaderValue::from_bytes(header.as_bytes()).ok()
    }
}
