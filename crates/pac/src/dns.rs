//! Name resolution for the DNS helpers (`dnsResolve`, `isResolvable`,
//! `myIpAddress`, ...): a trait, the system resolver and a fixed table.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};

/// Resolves host names for a PAC script.
///
/// The session's resolver in real use, a [`StaticResolver`] in tests.
/// Implementations are called from the engine's thread and block it; a slow
/// lookup counts against the script's time budget but cannot be interrupted,
/// so give real resolvers their own timeout.
pub trait HostResolver: Send + Sync {
    /// The addresses of `host` (never an IP literal: the helpers answer those
    /// themselves). An empty list or an error both mean "not resolvable".
    fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;

    /// The addresses of this machine, the preferred one first (for
    /// `myIpAddress` and `myIpAddressEx`). May be empty.
    fn local_addresses(&self) -> Vec<IpAddr>;
}

/// The operating system's resolver through [`ToSocketAddrs`]
/// (`getaddrinfo`), and the local address found the way Chromium finds it: the
/// source address of a UDP socket "connected" to a public address (no packet
/// is sent).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl HostResolver for SystemResolver {
    fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        let mut out = Vec::new();
        for addr in (host, 0).to_socket_addrs()? {
            if !out.contains(&addr.ip()) {
                out.push(addr.ip());
            }
        }
        Ok(out)
    }

    fn local_addresses(&self) -> Vec<IpAddr> {
        let probes: [(IpAddr, IpAddr); 2] = [
            (Ipv4Addr::UNSPECIFIED.into(), Ipv4Addr::new(8, 8, 8, 8).into()),
            (
                Ipv6Addr::UNSPECIFIED.into(),
                Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888).into(),
            ),
        ];
        probes
            .iter()
            .filter_map(|&(bind, target)| {
                let socket = UdpSocket::bind(SocketAddr::new(bind, 0)).ok()?;
                socket.connect(SocketAddr::new(target, 80)).ok()?;
                let ip = socket.local_addr().ok()?.ip();
                (!ip.is_unspecified()).then_some(ip)
            })
            .collect()
    }
}

/// A fixed table of names, for tests and for sandboxes without DNS.
///
/// Names are compared without regard to ASCII case and a trailing dot.
///
/// ```
/// use sessionkit_pac::{HostResolver, StaticResolver};
///
/// let dns = StaticResolver::new()
///     .with_host("proxy.corp", ["10.0.0.8".parse()?])
///     .with_local_addresses(["192.168.1.20".parse()?]);
/// assert_eq!(dns.resolve("PROXY.corp.")?, vec!["10.0.0.8".parse::<std::net::IpAddr>()?]);
/// assert!(dns.resolve("elsewhere").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct StaticResolver {
    hosts: HashMap<String, Vec<IpAddr>>,
    local: Vec<IpAddr>,
}

impl StaticResolver {
    /// An empty table: nothing resolves, no local address.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the addresses of `host`.
    #[must_use]
    pub fn with_host(mut self, host: &str, addrs: impl IntoIterator<Item = IpAddr>) -> Self {
        self.hosts.insert(normalise(host), addrs.into_iter().collect());
        self
    }

    /// Sets the machine's own addresses.
    #[must_use]
    pub fn with_local_addresses(mut self, addrs: impl IntoIterator<Item = IpAddr>) -> Self {
        self.local = addrs.into_iter().collect();
        self
    }
}

fn normalise(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

impl HostResolver for StaticResolver {
    fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        match self.hosts.get(&normalise(host)) {
            Some(addrs) if !addrs.is_empty() => Ok(addrs.clone()),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "host not in table")),
        }
    }

    fn local_addresses(&self) -> Vec<IpAddr> {
        self.local.clone()
    }
}

impl fmt::Debug for StaticResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticResolver")
            .field("hosts", &self.hosts.len())
            .field("local", &self.local)
            .finish()
    }
}
