//! `cookies receive` and `cookies header`: the jar as the HTTP layer sees it.

use sessionkit::CookieContext;

use sessionkit::Cookies;

use super::parse_url;
use crate::args::{HeaderArgs, ReceiveArgs, RequestArgs};
use crate::output::{self, WriteError};

/// A top-level navigation, same-site unless `--cross-site`.
fn context(request: &RequestArgs) -> CookieContext {
    let ctx =
        if request.cross_site { CookieContext::cross_site() } else { CookieContext::same_site() };
    ctx.top_level_navigation(true)
}

/// Stores each Set-Cookie value as received in one response from the URL.
/// A rejected cookie is a warning with Chromium's reason, not a failure: a
/// browser drops it and goes on.
pub(super) fn receive(cookies: &Cookies, args: &ReceiveArgs) -> Result<(), WriteError> {
    let url = parse_url(&args.request.url)?;
    let ctx = context(&args.request);
    for line in &args.set_cookie {
        match cookies.set_cookie(&url, line, &ctx) {
            Ok(()) => tracing::info!(%url, cookie = %line, "stored"),
            Err(reason) => output::warning(&format_args!("cookie rejected: {line:?}: {reason}")),
        }
    }
    Ok(())
}

/// Prints the Cookie header value (an empty line when no cookie applies).
pub(super) fn header(cookies: &Cookies, args: &HeaderArgs) -> Result<(), WriteError> {
    let url = parse_url(&args.request.url)?;
    let ctx = context(&args.request).method(&args.method);
    output::line(&cookies.cookie_header(&url, &ctx).unwrap_or_default())
}
