//! `Session::clear_data`: Electron's `ses.clearData(options)`, the newer
//! and broader sibling of `clearStorageData` that also reaches the HTTP
//! cache and the download history.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use url::{Origin, Url};

use crate::storage::remove_cookies_where;
use crate::{CACHE_DIR_NAME, Error, Session};

/// A kind of data [`ClearDataOptions::data_types`] can name.
///
/// sessionkit holds cookies, an HTTP cache and a download history; the
/// other kinds are Electron's and are accepted and ignored, as
/// [`StorageKind`](crate::StorageKind) does, so code written for Electron
/// keeps working and starts clearing them as sessionkit gains them.
///
/// Electron: the strings of `clearData`'s `dataTypes` (camel case, exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataType {
    /// `backgroundFetch` (ignored: sessionkit has no Background Fetch).
    BackgroundFetch,
    /// `cache`: the HTTP cache. In Electron it also covers the pages'
    /// Cache API (`cachestorage`) and the shader cache, which sessionkit
    /// does not have.
    Cache,
    /// `cookies`: the session's cookie jar.
    Cookies,
    /// `downloads`: the download history (finished downloads' records,
    /// never the downloaded files).
    Downloads,
    /// `fileSystems` (ignored).
    FileSystems,
    /// `indexedDB` (ignored).
    IndexedDb,
    /// `localStorage` (ignored).
    LocalStorage,
    /// `serviceWorkers` (ignored).
    ServiceWorkers,
    /// `webSQL` (ignored; Electron's documentation still lists it).
    WebSql,
}

impl DataType {
    /// Every kind, in Electron's documentation order.
    pub const ALL: [Self; 9] = [
        Self::BackgroundFetch,
        Self::Cache,
        Self::Cookies,
        Self::Downloads,
        Self::FileSystems,
        Self::IndexedDb,
        Self::LocalStorage,
        Self::ServiceWorkers,
        Self::WebSql,
    ];

    /// Electron's name for the kind (`cache`, `indexedDB`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BackgroundFetch => "backgroundFetch",
            Self::Cache => "cache",
            Self::Cookies => "cookies",
            Self::Downloads => "downloads",
            Self::FileSystems => "fileSystems",
            Self::IndexedDb => "indexedDB",
            Self::LocalStorage => "localStorage",
            Self::ServiceWorkers => "serviceWorkers",
            Self::WebSql => "webSQL",
        }
    }

    /// Whether sessionkit holds data of this kind (cookies, cache,
    /// downloads); the others are accepted and ignored.
    #[must_use]
    pub const fn is_supported(self) -> bool {
        matches!(self, Self::Cache | Self::Cookies | Self::Downloads)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DataType {
    type Err = Error;

    /// Electron's names, exactly (case matters, as in Electron's lookup).
    /// Electron silently drops a name it does not know; a typo here is an
    /// error instead, so it can't turn into "clear nothing".
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| Error::InvalidDataType { name: s.to_owned() })
    }
}

/// How data is matched to [`ClearDataOptions::origins`] /
/// [`ClearDataOptions::exclude_origins`].
///
/// Electron: `originMatchingMode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OriginMatchingMode {
    /// `third-parties-included` (Electron's default): data is matched by
    /// its own origin where it was used first-party, and by the top-level
    /// site where it was used as a third party.
    #[default]
    ThirdPartiesIncluded,
    /// `origin-in-all-contexts`: data is matched by its own origin only.
    OriginInAllContexts,
}

impl OriginMatchingMode {
    /// Electron's string for the mode.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ThirdPartiesIncluded => "third-parties-included",
            Self::OriginInAllContexts => "origin-in-all-contexts",
        }
    }
}

impl fmt::Display for OriginMatchingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OriginMatchingMode {
    type Err = Error;

    /// Electron's strings, exactly. Electron keeps its default for an
    /// unknown string; this refuses it.
    fn from_str(s: &str) -> Result<Self, Error> {
        [Self::ThirdPartiesIncluded, Self::OriginInAllContexts]
            .into_iter()
            .find(|mode| mode.as_str() == s)
            .ok_or_else(|| Error::InvalidOriginMatchingMode { name: s.to_owned() })
    }
}

/// What [`Session::clear_data`] clears.
///
/// Electron: the `options` of `ses.clearData(options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClearDataOptions {
    /// The kinds to clear; every kind when empty.
    ///
    /// Electron clears every kind when `dataTypes` is left out, and nothing
    /// for an explicit `[]`; here an empty list means every kind, as
    /// [`ClearStorageOptions::storages`](crate::ClearStorageOptions::storages)
    /// does (to clear nothing, don't call).
    ///
    /// Electron: `dataTypes`.
    pub data_types: Vec<DataType>,
    /// Only these origins' data (a URL stands for its origin). `Some` of
    /// an empty list clears nothing, as in Electron. Cookies are matched by
    /// registrable domain (see [`Session::clear_data`]).
    ///
    /// Electron: `origins`.
    pub origins: Option<Vec<Url>>,
    /// Every origin's data but these. `Some` of an empty list excludes
    /// nothing. Setting both this and [`origins`](Self::origins) is an
    /// error, as in Electron.
    ///
    /// Electron: `excludeOrigins`.
    pub exclude_origins: Option<Vec<Url>>,
    /// Keep the session's connections open. When `false` (the default)
    /// and cookies are cleared, every connection is closed afterwards.
    ///
    /// Electron: `avoidClosingConnections`.
    pub avoid_closing_connections: bool,
    /// How data is matched to origins (see [`OriginMatchingMode`]).
    ///
    /// Electron: `originMatchingMode`.
    pub origin_matching_mode: OriginMatchingMode,
}

impl ClearDataOptions {
    /// Everything, for every origin, closing connections.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Restricts clearing to these kinds.
    #[must_use]
    pub fn data_types(mut self, data_types: impl IntoIterator<Item = DataType>) -> Self {
        self.data_types = data_types.into_iter().collect();
        self
    }

    /// Restricts clearing to these origins.
    #[must_use]
    pub fn origins(mut self, origins: impl IntoIterator<Item = Url>) -> Self {
        self.origins = Some(origins.into_iter().collect());
        self
    }

    /// Clears every origin but these.
    #[must_use]
    pub fn exclude_origins(mut self, origins: impl IntoIterator<Item = Url>) -> Self {
        self.exclude_origins = Some(origins.into_iter().collect());
        self
    }

    /// Keeps the session's connections open.
    #[must_use]
    pub fn avoid_closing_connections(mut self, yes: bool) -> Self {
        self.avoid_closing_connections = yes;
        self
    }

    /// Sets how data is matched to origins.
    #[must_use]
    pub fn origin_matching_mode(mut self, mode: OriginMatchingMode) -> Self {
        self.origin_matching_mode = mode;
        self
    }

    /// Whether `kind` is to be cleared.
    #[must_use]
    pub fn includes(&self, kind: DataType) -> bool {
        self.data_types.is_empty() || self.data_types.contains(&kind)
    }

    /// The origin filter, checked: not both lists, no opaque origin.
    fn filter(&self) -> Result<Filter, Error> {
        match (&self.origins, &self.exclude_origins) {
            (Some(_), Some(_)) => Err(Error::ConflictingOrigins),
            (Some(only), None) => Ok(Filter::Only(tuple_origins(only)?)),
            (None, Some(except)) if except.is_empty() => Ok(Filter::All),
            (None, Some(except)) => Ok(Filter::Except(tuple_origins(except)?)),
            (None, None) => Ok(Filter::All),
        }
    }
}

/// What [`Session::clear_data`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClearedData {
    /// Cookies removed.
    pub cookies: usize,
    /// Whether the HTTP cache was cleared (whole or for the origins);
    /// `false` when it was not asked for or the session has none.
    pub cache: bool,
    /// Download records removed from the history.
    pub downloads: usize,
    /// Whether the session's connections were closed.
    pub connections_closed: bool,
}

/// Which origins' data goes.
enum Filter {
    All,
    Only(Vec<Origin>),
    Except(Vec<Origin>),
}

impl Filter {
    fn matches_origin(&self, origin: &Origin) -> bool {
        match self {
            Self::All => true,
            Self::Only(origins) => origins.contains(origin),
            Self::Except(origins) => !origins.contains(origin),
        }
    }

    /// The filter lifted to registrable domains, the scope cookies live at.
    fn cookie_sites(&self) -> Option<(bool, HashSet<String>)> {
        let (keep_listed, origins) = match self {
            Self::All => return None,
            Self::Only(origins) => (true, origins),
            Self::Except(origins) => (false, origins),
        };
        let sites = origins
            .iter()
            .filter_map(|origin| match origin {
                Origin::Tuple(_, host, _) => Some(registrable_domain(&host.to_string())),
                Origin::Opaque(_) => None,
            })
            .collect();
        Some((keep_listed, sites))
    }
}

/// The origins of `urls`; an opaque one (`data:`, `file:`, …) can't select
/// anything, and Electron rejects it.
fn tuple_origins(urls: &[Url]) -> Result<Vec<Origin>, Error> {
    urls.iter()
        .map(|url| match url.origin() {
            origin @ Origin::Tuple(..) => Ok(origin),
            Origin::Opaque(_) => Err(Error::InvalidOrigin {
                origin: url.to_string(),
                reason: "it is opaque (no scheme, host and port)",
            }),
        })
        .collect()
}

/// The registrable domain of a host (public suffix list, private section
/// included, as Chromium's `GetDomainAndRegistry` with private registries),
/// or the host itself for IP addresses and hosts that have none
/// (`localhost`).
fn registrable_domain(host: &str) -> String {
    let host = host.trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    if host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
        return host;
    }
    psl::domain_str(&host).map_or_else(|| host.clone(), str::to_owned)
}

impl Session {
    /// Clears the session's data: every kind in `options.data_types` (all
    /// when empty), for the origins `options` selects.
    ///
    /// Electron: `ses.clearData({ dataTypes, origins, excludeOrigins,
    /// avoidClosingConnections, originMatchingMode })`. What each kind does
    /// here:
    ///
    /// * `cookies` — without origins, the whole jar. With origins (or
    ///   excluded origins), Electron widens each origin to its registrable
    ///   domain, because cookies are scoped to domains rather than origins:
    ///   `https://a.b.example.co.uk` selects every cookie of
    ///   `example.co.uk` and its subdomains, host-only or not, on any scheme
    ///   or port; an IP address or a host without a registrable domain
    ///   (`localhost`) selects only itself. A persistent session's cookie
    ///   store is flushed afterwards.
    /// * `cache` — the HTTP cache: whole, or the entries whose URL has one
    ///   of the origins (scheme, host and port). Electron's `cache` also
    ///   covers the pages' Cache API, which sessionkit does not have.
    /// * `downloads` — the download history: records of finished downloads
    ///   (completed, cancelled, failed for good) whose URL (the last of its
    ///   chain) has a selected origin are forgotten; downloads in progress
    ///   and the files on disk are left alone, as in Chromium.
    /// * the other kinds are accepted and ignored.
    ///
    /// Unless `avoid_closing_connections` is set, clearing cookies closes
    /// every connection of the session afterwards: Chromium clears the HTTP
    /// authentication cache with cookies, which closes its connections, so
    /// no pooled connection carries state from before the clearing.
    ///
    /// Deviations: `exclude_origins` (non-empty) with `cache` is refused
    /// ([`Error::ClearDataUnsupported`]) while the session has an HTTP
    /// cache, because the cache can't list its origins to clear all but
    /// some. Entries and records are matched by their own URL's origin in
    /// both [`OriginMatchingMode`]s: sessionkit does not record the
    /// top-level site third-party data was used under (cache entries with
    /// an isolation key go by their URL), so `third-parties-included`
    /// clears what `origin-in-all-contexts` clears. A download interrupted
    /// and waiting for [`DownloadItem::resume`](crate::DownloadItem::resume)
    /// is not finished here and stays listed (Chromium removes it).
    ///
    /// Everything is checked before anything is cleared, so an error
    /// leaves the data as it was — except an I/O error part-way, after
    /// which the kinds before it are cleared.
    ///
    /// # Errors
    ///
    /// [`Error::ConflictingOrigins`] when both `origins` and
    /// `exclude_origins` are set; [`Error::InvalidOrigin`] for an opaque
    /// origin; [`Error::ClearDataUnsupported`] as above;
    /// [`Error::CookieStore`], [`Error::HttpCache`] and [`Error::Download`]
    /// when a store can't be opened or written.
    pub async fn clear_data(&self, options: ClearDataOptions) -> Result<ClearedData, Error> {
        let filter = options.filter()?;
        let cache_wanted = options.includes(DataType::Cache) && self.options().cache;
        if cache_wanted && matches!(filter, Filter::Except(_)) {
            return Err(Error::ClearDataUnsupported {
                data_type: DataType::Cache,
                reason: "the HTTP cache can't list its origins, so it can't be cleared for \
                         every origin but some; pass `origins` or clear the whole cache",
            });
        }
        // Electron's `origins: []` matches nothing: skip opening stores.
        let nothing = matches!(&filter, Filter::Only(origins) if origins.is_empty());
        let mut cleared = ClearedData::default();

        if options.includes(DataType::Cookies) && !nothing {
            let cookies = self.cookies()?;
            cleared.cookies = match filter.cookie_sites() {
                None => cookies.clear(),
                Some((listed, sites)) => remove_cookies_where(&cookies, |cookie| {
                    sites.contains(&registrable_domain(cookie.domain())) == listed
                }),
            };
            cookies.flush()?;
        }

        if cache_wanted
            && !nothing
            && let Some(cache) = self.http_cache_async().await?
        {
            let path = self.storage_path().map(|d| d.join(CACHE_DIR_NAME)).unwrap_or_default();
            let failed = |source| Error::HttpCache { path: path.clone(), source };
            match &filter {
                Filter::Only(origins) => {
                    for origin in origins {
                        cache.clear_origin(origin).await.map_err(failed)?;
                    }
                }
                // `Except` was refused above.
                Filter::All | Filter::Except(_) => cache.clear().await.map_err(failed)?,
            }
            cleared.cache = true;
        }

        if options.includes(DataType::Downloads) && !nothing {
            let manager = self.downloads()?;
            for item in manager.items() {
                // `remove` refuses an unfinished item itself; checking first
                // keeps in-progress downloads out of the loop's intent.
                if item.is_done() && filter.matches_origin(&item.url().origin()) {
                    cleared.downloads += usize::from(manager.remove(item.id())?);
                }
            }
        }

        if options.includes(DataType::Cookies) && !options.avoid_closing_connections {
            self.close_all_connections();
            cleared.connections_closed = true;
        }
        Ok(cleared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_type_names_round_trip() {
        for kind in DataType::ALL {
            assert_eq!(kind.as_str().parse::<DataType>().ok(), Some(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert!("indexeddb".parse::<DataType>().is_err());
        assert!("cachestorage".parse::<DataType>().is_err());
    }

    #[test]
    fn origin_matching_modes_round_trip() {
        for mode in
            [OriginMatchingMode::ThirdPartiesIncluded, OriginMatchingMode::OriginInAllContexts]
        {
            assert_eq!(mode.as_str().parse::<OriginMatchingMode>().ok(), Some(mode));
        }
        assert!("all".parse::<OriginMatchingMode>().is_err());
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("a.b.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain(".Example.com"), "example.com");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(registrable_domain("[::1]"), "[::1]");
        assert_eq!(registrable_domain("localhost"), "localhost");
    }
}
