//! The session's host resolver: the system resolver behind a cache the
//! session owns, so `clear_host_resolver_cache()` has something to clear.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long an answer is reused. Chromium's host cache keeps answers from
/// the system resolver (which reports no TTL) for one minute.
pub(crate) const CACHE_TTL: Duration = Duration::from_secs(60);

/// Entries kept at most; the oldest go first when full (Chromium caps its
/// host cache too).
const MAX_ENTRIES: usize = 1000;

/// A name that did not resolve: the resolver error the fetch pipeline
/// recognises to report `ERR_NAME_NOT_RESOLVED`.
#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}: {reason}")]
pub(crate) struct NameNotResolved {
    pub(crate) host: String,
    reason: String,
}

/// The caching resolver. Cheap to clone; clones share the cache.
#[derive(Clone, Default)]
pub(crate) struct HostResolver {
    cache: Arc<Mutex<HashMap<String, Entry>>>,
}

#[derive(Clone)]
struct Entry {
    addrs: Vec<IpAddr>,
    at: Instant,
}

impl HostResolver {
    /// Forgets every cached answer.
    ///
    /// Electron: `ses.clearHostResolverCache()`.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// How many names are cached (for tests and logs).
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// The addresses of `host`, from the cache when fresh.
    pub(crate) async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, NameNotResolved> {
        let key = host.to_ascii_lowercase();
        if let Some(entry) = self.lock().get(&key)
            && entry.at.elapsed() < CACHE_TTL
        {
            return Ok(entry.addrs.clone());
        }
        let fail = |reason: String| NameNotResolved { host: host.to_owned(), reason };
        let addrs: Vec<IpAddr> = tokio::net::lookup_host((key.as_str(), 0))
            .await
            .map_err(|e| fail(e.to_string()))?
            .map(|addr| addr.ip())
            .collect();
        if addrs.is_empty() {
            return Err(fail("no addresses".to_owned()));
        }
        let mut cache = self.lock();
        if cache.len() >= MAX_ENTRIES && !cache.contains_key(&key) {
            let oldest = cache.iter().min_by_key(|(_, e)| e.at).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                cache.remove(&oldest);
            }
        }
        cache.insert(key, Entry { addrs: addrs.clone(), at: Instant::now() });
        Ok(addrs)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A map of answers holds no invariant a panic could break.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn caches_and_clears() {
        let resolver = HostResolver::default();
        let addrs = resolver.lookup("localhost").await.unwrap();
        assert!(addrs.iter().all(IpAddr::is_loopback), "{addrs:?}");
        assert_eq!(resolver.len(), 1);
        resolver.clear();
        assert_eq!(resolver.len(), 0);
    }
}
