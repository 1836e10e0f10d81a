//! Which cookies a request carries, in which order.

use crate::cookie::Cookie;

/// Chromium's `CookieSorter`: longer path first, then earlier creation.
pub(crate) fn sort_for_header(cookies: &mut [Cookie]) {
    cookies.sort_by(|a, b| {
        b.path().len().cmp(&a.path().len()).then_with(|| a.creation().cmp(&b.creation()))
    });
}
