//! Cache keys: the URL without its fragment, optionally double-keyed like Chromium's
//! split cache.

use url::Url;

/// The network isolation key of Chromium's split HTTP cache: the site of the
/// top-level frame and of the frame that made the request. Two requests for the same
/// URL from different top-level sites get different entries, so one site cannot
/// probe what another loaded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IsolationKey {
    /// Scheme and registrable domain of the top-level frame (`https://example.com`).
    pub top_frame_site: String,
    /// Scheme and registrable domain of the requesting frame.
    pub frame_site: String,
}

impl IsolationKey {
    /// A key from the two sites.
    pub fn new(top_frame_site: impl Into<String>, frame_site: impl Into<String>) -> Self {
        Self { top_frame_site: top_frame_site.into(), frame_site: frame_site.into() }
    }
}

/// The primary key of an entry: GET and HEAD share it, the fragment is dropped.
///
/// The text mirrors Chromium's key layout (`1/0/_dk_<top-frame site> <frame site> <url>`
/// with split cache, the bare URL without), so keys read the same in logs.
pub(crate) fn primary_key(url: &Url, isolation: Option<&IsolationKey>) -> String {
    // The serialisation up to the fragment: what `set_fragment(None)` leaves,
    // without copying the URL first.
    key_of_serialised(&url[..url::Position::AfterQuery], isolation)
}

/// [`primary_key`] of a URL given as its serialisation (`Url::as_str`): in a
/// serialised URL the first `#` starts the fragment.
pub(crate) fn key_of_serialised(url: &str, isolation: Option<&IsolationKey>) -> String {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    match isolation {
        None => url.to_owned(),
        Some(key) => format!("1/0/_dk_{} {} {}", key.top_frame_site, key.frame_site, url),
    }
}

/// The URL inside a primary key (the text after the last space of a split key).
pub(crate) fn url_of_key(key: &str) -> &str {
    if key.starts_with("1/0/_dk_") { key.rsplit(' ').next().unwrap_or(key) } else { key }
}

/// The stored keys whose URL has `origin`: what `clear_origin` removes in
/// either store (Electron: `ses.clearData({ dataTypes: ['cache'], origins })`).
pub(crate) fn keys_of_origin<'a>(
    keys: impl IntoIterator<Item = &'a String>,
    origin: &url::Origin,
) -> Vec<String> {
    keys.into_iter()
        .filter(|k| Url::parse(url_of_key(k)).is_ok_and(|u| u.origin() == *origin))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_dropped_and_isolation_prefixed() {
        let url = Url::parse("https://a.test/x?y=1#frag").unwrap();
        assert_eq!(primary_key(&url, None), "https://a.test/x?y=1");
        let iso = IsolationKey::new("https://top.test", "https://frame.test");
        let key = primary_key(&url, Some(&iso));
        assert_eq!(key, "1/0/_dk_https://top.test https://frame.test https://a.test/x?y=1");
        assert_eq!(url_of_key(&key), "https://a.test/x?y=1");
        assert_ne!(
            key,
            primary_key(&url, Some(&IsolationKey::new("https://o.test", "https://frame.test")))
        );
    }
}
