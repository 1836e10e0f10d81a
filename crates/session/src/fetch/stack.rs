//! The session's network state: its host resolver, one pooled HTTP client
//! per proxy entry, and the network emulation in force.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use sessionkit_proxy_rules::ProxyServer;

use crate::fetch::bad_proxies::BadProxies;
use crate::fetch::dns::HostResolver;
use crate::fetch::emulation::{Emulation, NetworkEmulation};

/// How long a connection attempt may take (TCP, TLS, proxy handshake).
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Owned by a session (one per partition, like Chromium's network context).
#[derive(Default)]
pub(crate) struct NetStack {
    pub(crate) resolver: HostResolver,
    /// A client per proxy entry (DIRECT included), each with its own
    /// connection pool: a pool never mixes routes.
    clients: Mutex<HashMap<ProxyServer, reqwest::Client>>,
    emulation: RwLock<Option<Emulation>>,
    /// Proxies that failed recently (tried last).
    pub(crate) bad_proxies: BadProxies,
}

impl NetStack {
    /// The client that goes through `proxy` (or direct), built on first use.
    pub(crate) fn client(&self, proxy: &ProxyServer) -> Result<reqwest::Client, reqwest::Error> {
        if let Some(client) = self.clients().get(proxy) {
            return Ok(client.clone());
        }
        let client = self.build(proxy)?;
        Ok(self.clients().entry(proxy.clone()).or_insert(client).clone())
    }

    fn build(&self, proxy: &ProxyServer) -> Result<reqwest::Client, reqwest::Error> {
        // Redirects, cookies and decompression are the pipeline's business
        // (bodies pass through as the server encoded them); the resolver
        // is the session's, so clearing its cache means something.
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .connect_timeout(CONNECT_TIMEOUT)
            .dns_resolver(std::sync::Arc::new(self.resolver.clone()));
        if let Some(url) = proxy.to_proxy_url() {
            builder = builder.proxy(reqwest::Proxy::all(url.as_str())?);
        }
        builder.build()
    }

    /// Drops every pooled connection: requests after this open new ones.
    /// Requests in flight keep the connections they have.
    pub(crate) fn close_all_connections(&self) {
        // The clients (and their pools) are dropped outside the lock.
        let _old = std::mem::take(&mut *self.clients());
    }

    pub(crate) fn emulation(&self) -> Option<Emulation> {
        self.emulation.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn set_emulation(&self, conditions: Option<NetworkEmulation>) {
        *self.emulation.write().unwrap_or_else(PoisonError::into_inner) =
            conditions.map(Emulation::new);
    }

    fn clients(&self) -> MutexGuard<'_, HashMap<ProxyServer, reqwest::Client>> {
        // The map only caches clients; a panic can't leave it inconsistent.
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
