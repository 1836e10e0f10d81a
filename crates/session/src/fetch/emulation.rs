//! Network emulation: offline, added latency and throughput limits.

use std::sync::Arc;
use std::time::Duration;

use crate::fetch::shaper::TokenBucket;

/// Conditions to emulate on the session's network traffic.
///
/// Electron: the `options` of `ses.enableNetworkEmulation(options)`:
/// `offline`, `latency` (ms), `downloadThroughput` and `uploadThroughput`
/// (bytes per second). `0` disables latency or a throughput limit.
///
/// Like Chromium's DevTools throttling, the conditions apply to network
/// transactions only: everything the session sends or receives over the
/// network, never an answer a cache gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkEmulation {
    /// Fail every request at once with
    /// [`FetchError::InternetDisconnected`](crate::fetch::FetchError::InternetDisconnected),
    /// without touching the network.
    pub offline: bool,
    /// Round-trip time added before each response starts.
    pub latency: Duration,
    /// Response bodies, in bytes per second; `0` is unlimited.
    pub download_throughput: u64,
    /// Request bodies, in bytes per second; `0` is unlimited.
    pub upload_throughput: u64,
}

impl NetworkEmulation {
    /// No emulation: online, no latency, no limits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Electron's `{ offline: true }`.
    #[must_use]
    pub fn offline() -> Self {
        Self { offline: true, ..Self::default() }
    }

    /// Sets [`NetworkEmulation::offline`].
    #[must_use]
    pub fn with_offline(mut self, offline: bool) -> Self {
        self.offline = offline;
        self
    }

    /// Sets [`NetworkEmulation::latency`].
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Sets [`NetworkEmulation::download_throughput`] (bytes per second).
    #[must_use]
    pub fn download_throughput(mut self, bytes_per_second: u64) -> Self {
        self.download_throughput = bytes_per_second;
        self
    }

    /// Sets [`NetworkEmulation::upload_throughput`] (bytes per second).
    #[must_use]
    pub fn upload_throughput(mut self, bytes_per_second: u64) -> Self {
        self.upload_throughput = bytes_per_second;
        self
    }
}

/// The emulation in force: the conditions and one token bucket per
/// direction, shared by every request of the session, so concurrent
/// requests share the bandwidth as they do behind Chromium's throttle.
#[derive(Debug, Clone)]
pub(crate) struct Emulation {
    pub(crate) conditions: NetworkEmulation,
    pub(crate) download: Option<Arc<TokenBucket>>,
    pub(crate) upload: Option<Arc<TokenBucket>>,
}

impl Emulation {
    pub(crate) fn new(conditions: NetworkEmulation) -> Self {
        let bucket = |rate: u64| (rate > 0).then(|| Arc::new(TokenBucket::new(rate)));
        Self {
            conditions,
            download: bucket(conditions.download_throughput),
            upload: bucket(conditions.upload_throughput),
        }
    }
}
