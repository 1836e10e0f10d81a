//! Proxies that failed recently, tried last for a while.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sessionkit_proxy_rules::{ProxyList, ProxyServer};

/// How long a failed proxy stays at the back of the list. Chromium's
/// proxy retry info keeps a bad proxy for five minutes.
pub(crate) const BAD_PROXY_DELAY: Duration = Duration::from_secs(5 * 60);

/// Chromium's proxy retry info: proxies that could not be connected, with
/// when they may be tried first again.
#[derive(Default)]
pub(crate) struct BadProxies {
    until: Mutex<HashMap<ProxyServer, Instant>>,
}

impl BadProxies {
    /// Marks `proxy` bad for [`BAD_PROXY_DELAY`]. DIRECT is never marked.
    pub(crate) fn mark(&self, proxy: &ProxyServer) {
        if !proxy.is_direct() {
            self.lock().insert(proxy.clone(), Instant::now() + BAD_PROXY_DELAY);
        }
    }

    /// `proxy` worked: it is good again.
    pub(crate) fn clear(&self, proxy: &ProxyServer) {
        self.lock().remove(proxy);
    }

    /// Forgets every mark (the configuration changed).
    pub(crate) fn forget_all(&self) {
        self.lock().clear();
    }

    /// The list with the entries still marked bad moved to the end, each
    /// group in its original order. Bad entries stay in the list, so when
    /// nothing else works they are still tried, as in Chromium.
    pub(crate) fn order(&self, list: &ProxyList) -> Vec<ProxyServer> {
        let now = Instant::now();
        let mut marks = self.lock();
        marks.retain(|_, until| *until > now);
        let (good, bad): (Vec<_>, Vec<_>) =
            list.iter().cloned().partition(|proxy| !marks.contains_key(proxy));
        good.into_iter().chain(bad).collect()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ProxyServer, Instant>> {
        // A map of deadlines holds no invariant a panic could break.
        self.until.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_entries_go_last_and_direct_is_never_bad() {
        let list = ProxyList::parse_pac_result("PROXY a:1; PROXY b:2; DIRECT");
        let bad = BadProxies::default();
        let names =
            |v: Vec<ProxyServer>| v.iter().map(ProxyServer::to_pac_string).collect::<Vec<_>>();
        assert_eq!(names(bad.order(&list)), ["PROXY a:1", "PROXY b:2", "DIRECT"]);
        bad.mark(&list.as_slice()[0]);
        bad.mark(&ProxyServer::direct());
        assert_eq!(names(bad.order(&list)), ["PROXY b:2", "DIRECT", "PROXY a:1"]);
        bad.clear(&list.as_slice()[0]);
        assert_eq!(names(bad.order(&list)), ["PROXY a:1", "PROXY b:2", "DIRECT"]);
        bad.mark(&list.as_slice()[1]);
        bad.forget_all();
        assert_eq!(names(bad.order(&list)), ["PROXY a:1", "PROXY b:2", "DIRECT"]);
    }
}
