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

/// The prefix of a double-keyed entry, as in Chromium's split cache.
const SPLIT: &str = "1/0/_dk_";

/// The primary key of an entry: GET and HEAD share it, the fragment is dropped.
///
/// The text follows Chromium's key layout (`1/0/_dk_<top-frame site> <frame
/// site> <url>` with split cache, the bare URL without), so keys read alike in
/// logs, except that each site is written with its length in bytes first
/// (`1/0/_dk_19:https://top.example 21:https://frame.example https://a.test/`):
/// the sites are free text here, and with a bare space between them the sites
/// `("a b", "c")` and `("a", "b c")` would share entries. Keys of the earlier
/// layout (sites without lengths) are not read any more: the disk store drops
/// them when it opens, which costs those entries only (it is a cache).
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
        Some(key) => {
            let (top, frame) = (&key.top_frame_site, &key.frame_site);
            format!("{SPLIT}{}:{top} {}:{frame} {url}", top.len(), frame.len())
        }
    }
}

/// The URL inside a primary key; `None` for a split key that is not in the
/// current layout (see [`primary_key`]). A bare key is a URL, which never
/// starts like a split key (a scheme starts with a letter).
pub(crate) fn url_of_key(key: &str) -> Option<&str> {
    let Some(sites) = key.strip_prefix(SPLIT) else { return Some(key) };
    after_site(after_site(sites)?)
}

/// The text after one length-prefixed site and the space that ends it.
fn after_site(text: &str) -> Option<&str> {
    let (len, rest) = text.split_once(':')?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.get(len.parse::<usize>().ok()?..)?.strip_prefix(' ')
}

/// Whether a stored key is in the current layout (see [`primary_key`]).
#[cfg_attr(not(feature = "sled"), allow(dead_code))]
pub(crate) fn is_current(key: &str) -> bool {
    url_of_key(key).is_some()
}

/// The stored keys whose URL has `origin`: what `clear_origin` removes in
/// either store (Electron: `ses.clearData({ dataTypes: ['cache'], origins })`).
pub(crate) fn keys_of_origin<'a>(
    keys: impl IntoIterator<Item = &'a String>,
    origin: &url::Origin,
) -> Vec<String> {
    keys.into_iter()
        .filter(|k| {
            url_of_key(k).and_then(|u| Url::parse(u).ok()).is_some_and(|u| u.origin() == *origin)
        })
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
        assert_eq!(key, "1/0/_dk_16:https://top.test 18:https://frame.test https://a.test/x?y=1");
        assert_eq!(url_of_key(&key), Some("https://a.test/x?y=1"));
        assert_ne!(
            key,
            primary_key(&url, Some(&IsolationKey::new("https://o.test", "https://frame.test")))
        );
    }

    /// Sites are free text: spaces, colons and digits in them never make two
    /// pairs of sites share a key, and the URL is still found.
    #[test]
    fn sites_with_spaces_never_share_a_key() {
        let url = Url::parse("https://a.test/").unwrap();
        let pairs = [("a b", "c"), ("a", "b c"), ("1:a", "b"), ("", "é 2:x"), ("é", "")];
        let keys: Vec<String> = pairs
            .iter()
            .map(|(t, f)| primary_key(&url, Some(&IsolationKey::new(*t, *f))))
            .collect();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(url_of_key(key), Some("https://a.test/"), "{key}");
            assert!(keys[i + 1..].iter().all(|other| other != key), "{key}");
        }
    }

    /// A key of the layout without lengths is recognised as not current.
    #[test]
    fn keys_of_the_earlier_layout_are_not_current() {
        assert!(!is_current("1/0/_dk_https://top.test https://frame.test https://a.test/"));
        assert!(!is_current("1/0/_dk_3:ab c https://a.test/"));
        assert!(is_current("https://a.test/"));
        let origin = Url::parse("https://a.test/").unwrap().origin();
        let old = "1/0/_dk_https://top.test https://frame.test https://a.test/".to_owned();
        assert!(keys_of_origin([&old], &origin).is_empty());
    }
}
