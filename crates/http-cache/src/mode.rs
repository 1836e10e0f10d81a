//! The Fetch standard's request cache modes.

use std::fmt;
use std::str::FromStr;

/// A request's cache mode, as the Fetch standard defines it (`Request.cache`) and as
/// Electron's `net.request({ cache })` takes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheMode {
    /// `default`: use a fresh stored response, revalidate a stale one, store what
    /// the network returns. A request carrying its own conditional headers
    /// (`If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since`, `If-Match`,
    /// `If-Range`) is treated as `no-store`, as Fetch says.
    #[default]
    Default,
    /// `no-store`: neither look up nor store; the network answers.
    NoStore,
    /// `reload`: skip the lookup, fetch from the network, store the response.
    Reload,
    /// `no-cache`: revalidate any stored response with the origin before use.
    NoCache,
    /// `force-cache`: use any matching stored response however stale; otherwise
    /// fetch and store.
    ForceCache,
    /// `only-if-cached`: use any matching stored response however stale; otherwise
    /// fail with [`Error::OnlyIfCachedMiss`](crate::Error::OnlyIfCachedMiss).
    OnlyIfCached,
}

impl CacheMode {
    /// The Fetch name (`"no-store"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::NoStore => "no-store",
            Self::Reload => "reload",
            Self::NoCache => "no-cache",
            Self::ForceCache => "force-cache",
            Self::OnlyIfCached => "only-if-cached",
        }
    }
}

impl fmt::Display for CacheMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CacheMode {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "default" => Self::Default,
            "no-store" => Self::NoStore,
            "reload" => Self::Reload,
            "no-cache" => Self::NoCache,
            "force-cache" => Self::ForceCache,
            "only-if-cached" => Self::OnlyIfCached,
            other => return Err(crate::Error::UnknownCacheMode { name: other.to_owned() }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for mode in [
            CacheMode::Default,
            CacheMode::NoStore,
            CacheMode::Reload,
            CacheMode::NoCache,
            CacheMode::ForceCache,
            CacheMode::OnlyIfCached,
        ] {
            assert_eq!(mode.to_string().parse::<CacheMode>().ok(), Some(mode));
        }
        assert!(matches!(
            "No-Store".parse::<CacheMode>(),
            Err(crate::Error::UnknownCacheMode { .. })
        ));
    }
}
