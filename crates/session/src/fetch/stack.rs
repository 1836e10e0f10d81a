//! The session's network state: its host resolver, one pooled HTTP client
//! per proxy entry, the TLS settings, and the network emulation in force.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::client::danger::ServerCertVerifier;
use sessionkit_proxy_rules::ProxyServer;
use tokio_rustls::TlsConnector;

use crate::fetch::Body;
use crate::fetch::bad_proxies::BadProxies;
use crate::fetch::certificate::SharedVerifyProc;
use crate::fetch::connect::{Connector, ProcVerifier, tls};
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

#[derive(Default)]
struct TlsState {
    connector: Option<TlsConnector>,
    platform: Option<Arc<dyn ServerCertVerifier>>,
    verify_proc: Option<SharedVerifyProc>,
}

/// Owned by a session (one per partition, like Chromium's network context).
#[derive(Default)]
pub(crate) struct NetStack {
    pub(crate) resolver: HostResolver,
    /// A client per proxy entry (DIRECT included), each with its own
    /// connection pool: a pool never mixes routes.
    routes: Mutex<HashMap<ProxyServer, Route>>,
    /// The TLS client settings, made on first use (loading the platform's
    /// verifier is not free and a session may never use TLS), and the
    /// application's certificate verify proc they ask.
    tls: Mutex<TlsState>,
    emulation: RwLock<Option<Emulation>>,
    /// Proxies that failed recently (tried last).
    pub(crate) bad_proxies: BadProxies,
}

impl NetStack {
    /// The client that goes through `proxy` (or direct), built on first use.
    ///
    /// # Errors
    ///
    /// The platform's certificate verifier could not be set up.
    pub(crate) fn route(&self, proxy: &ProxyServer) -> Result<Route, rustls::Error> {
        if let Some(route) = self.routes().get(proxy) {
            return Ok(route.clone());
        }
        let connector = Connector::new(proxy.clone(), self.resolver.clone(), self.tls()?);
        // Redirects, cookies and decompression are the pipeline's business;
        // the client only pools connections (idle ones for 90 s, as the
        // reqwest clients the session had before) and speaks HTTP/1.1.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector.clone());
        Ok(self.routes().entry(proxy.clone()).or_insert(Route { client, connector }).clone())
    }

    fn tls(&self) -> Result<TlsConnector, rustls::Error> {
        let mut state = self.tls.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tls) = &state.connector {
            return Ok(tls.clone());
        }
        let platform = match &state.platform {
            Some(platform) => platform.clone(),
            None => state.platform.insert(tls::platform_verifier()?).clone(),
        };
        let verifier: Arc<dyn ServerCertVerifier> = match &state.verify_proc {
            Some(proc) => Arc::new(ProcVerifier { platform, proc: proc.clone() }),
            None => platform,
        };
        let tls = tls::connector(verifier)?;
        state.connector = Some(tls.clone());
        Ok(tls)
    }

    /// Puts `proc` (or none) in charge of certificates from now on: the
    /// TLS settings are made anew (so no TLS session resumed from before
    /// skips the new proc) and pooled and warm connections, verified under
    /// the old rules, are closed.
    pub(crate) fn set_verify_proc(&self, proc: Option<SharedVerifyProc>) {
        {
            let mut state = self.tls.lock().unwrap_or_else(PoisonError::into_inner);
            state.verify_proc = proc;
            state.connector = None;
        }
        self.close_all_connections();
    }

    /// Drops every pooled connection and every warm one: requests after
    /// this open new ones.
    /// Requests in flight keep the connections they have.
    pub(crate) fn close_all_connections(&self) {
        // The clients (and their pools) are dropped outside the lock.
        let old = std::mem::take(&mut *self.routes());
        for route in old.values() {
            route.connector.close_warm();
        }
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
