//! The session's network state: its host resolver, one pooled HTTP client
//! per proxy entry, the TLS settings, and the network emulation in force.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use sessionkit_proxy_rules::ProxyServer;

use crate::fetch::Body;
use crate::fetch::bad_proxies::BadProxies;
use crate::fetch::certificate::SharedVerifyProc;
use crate::fetch::connect::{Connector, MAX_SOCKETS_PER_GROUP, tls::TlsConnector};
use crate::fetch::dns::HostResolver;
use crate::fetch::emulation::{Emulation, NetworkEmulation};

/// How long a connection attempt may take (TCP, TLS, proxy handshake).
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The pooled HTTP/1.1 client of one proxy entry.
pub(crate) type HttpClient = Client<Connector, Body>;

/// The client of one proxy entry and its connector (which holds the warm
/// sockets of `preconnect`).
#[derive(Clone)]
pub(crate) struct Route {
    pub(crate) client: HttpClient,
    pub(crate) connector: Connector,
}

/// Owned by a session (one per partition, like Chromium's network context).
#[derive(Default)]
pub(crate) struct NetStack {
    pub(crate) resolver: HostResolver,
    /// A client per proxy entry (DIRECT included), each with its own
    /// connection pool: a pool never mixes routes.
    routes: Mutex<HashMap<ProxyServer, Route>>,
    /// The TLS client settings every route shares (made on the first TLS
    /// handshake) and the application's certificate verify proc they ask.
    tls: TlsConnector,
    emulation: RwLock<Option<Emulation>>,
    /// Proxies that failed recently (tried last).
    pub(crate) bad_proxies: BadProxies,
}

impl NetStack {
    /// The client that goes through `proxy` (or direct), built on first use.
    ///
    /// The client is made and stored under the lock that
    /// [`set_verify_proc`](Self::set_verify_proc) and
    /// [`close_all_connections`](Self::close_all_connections) take, so a
    /// client made before they run can't be stored after them (its pool
    /// would keep connections judged by the old rules). Making one is
    /// cheap: TLS is set up by the first TLS handshake, not here.
    ///
    /// # Errors
    ///
    /// None any more (the TLS settings are made by the handshakes, whose
    /// failures are TLS failures); the `Result` stays for the callers.
    #[expect(
        clippy::unnecessary_wraps,
        reason = "callers in network.rs still handle the former TLS set-up error"
    )]
    pub(crate) fn route(&self, proxy: &ProxyServer) -> Result<Route, rustls::Error> {
        let mut routes = self.routes();
        let route = routes.entry(proxy.clone()).or_insert_with(|| {
            let connector = Connector::new(proxy.clone(), self.resolver.clone(), self.tls.clone());
            // Redirects, cookies and decompression are the pipeline's
            // business; the client only pools connections (idle ones for
            // 90 s, as the reqwest clients the session had before, at most
            // six per destination: Chromium's per-group socket limit) and
            // speaks HTTP/1.1. Live connections are not capped: hyper-util
            // has no per-host limit, where Chromium queues the requests
            // beyond six connections to one destination.
            let client = Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .pool_max_idle_per_host(MAX_SOCKETS_PER_GROUP)
                .build(connector.clone());
            Route { client, connector }
        });
        Ok(route.clone())
    }

    /// Puts `proc` (or none) in charge of certificates from now on: every
    /// TLS handshake that starts after this returns uses new settings (so
    /// no TLS session resumed from before skips the new proc), and pooled
    /// and warm connections, verified under the old rules, are closed.
    pub(crate) fn set_verify_proc(&self, proc: Option<SharedVerifyProc>) {
        let mut routes = self.routes();
        self.tls.set_verify_proc(proc);
        let old = std::mem::take(&mut *routes);
        drop(routes);
        close(&old);
    }

    /// Drops every pooled connection and every warm one: requests after
    /// this open new ones.
    /// Requests in flight keep the connections they have.
    pub(crate) fn close_all_connections(&self) {
        // The clients (and their pools) are dropped outside the lock.
        let old = std::mem::take(&mut *self.routes());
        close(&old);
    }

    pub(crate) fn emulation(&self) -> Option<Emulation> {
        self.emulation.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn set_emulation(&self, conditions: Option<NetworkEmulation>) {
        *self.emulation.write().unwrap_or_else(PoisonError::into_inner) =
            conditions.map(Emulation::new);
    }

    fn routes(&self) -> MutexGuard<'_, HashMap<ProxyServer, Route>> {
        // The map only caches clients; a panic can't leave it inconsistent.
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Closes the warm sockets of `routes` (their pools close as they drop).
fn close(routes: &HashMap<ProxyServer, Route>) {
    for route in routes.values() {
        route.connector.close_warm();
    }
}
