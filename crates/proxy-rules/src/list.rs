//! An ordered list of proxies to try, and its PAC-string form.

use std::fmt;

use crate::server::ProxyServer;

/// The proxies to try for one request, in order; what Electron's
/// `ses.resolveProxy(url)` describes.
///
/// [`to_pac_string`](Self::to_pac_string) (and [`Display`](fmt::Display))
/// produce exactly the string `resolveProxy` resolves with: PAC elements
/// joined by `;` without spaces, `PROXY foopy:80;SOCKS5 bar:1080;DIRECT`.
/// An empty list — a single proxy list whose items were all invalid, with
/// which Chromium fails the request — prints as the empty string.
///
/// ```
/// use sessionkit_proxy_rules::ProxyList;
///
/// let list = ProxyList::parse_pac_result("proxy foopy ; SOCKS5 bar;direct");
/// assert_eq!(list.len(), 3);
/// assert_eq!(list.to_pac_string(), "PROXY foopy:80;SOCKS5 bar:1080;DIRECT");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProxyList {
    servers: Vec<ProxyServer>,
}

impl ProxyList {
    /// An empty list.
    pub const fn new() -> Self {
        Self { servers: Vec::new() }
    }

    /// The list `[DIRECT]`, Chromium's answer whenever no proxy applies.
    pub fn direct() -> Self {
        Self { servers: vec![ProxyServer::direct()] }
    }

    /// Appends a server at the end (the lowest priority).
    pub fn push(&mut self, server: ProxyServer) {
        self.servers.push(server);
    }

    /// The servers in order of preference.
    pub fn iter(&self) -> std::slice::Iter<'_, ProxyServer> {
        self.servers.iter()
    }

    /// The servers as a slice.
    pub fn as_slice(&self) -> &[ProxyServer] {
        &self.servers
    }

    /// Whether the list has no entry at all (not even DIRECT).
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// The preferred entry.
    pub fn first(&self) -> Option<&ProxyServer> {
        self.servers.first()
    }

    /// Whether the list is exactly `[DIRECT]`.
    pub fn is_direct(&self) -> bool {
        matches!(self.servers.as_slice(), [only] if only.is_direct())
    }

    /// The `resolveProxy` string: PAC elements joined by `;`, `""` when empty.
    pub fn to_pac_string(&self) -> String {
        self.to_string()
    }
}

/// Same as [`ProxyList::to_pac_string`].
impl fmt::Display for ProxyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, server) in self.servers.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(&server.to_pac_string())?;
        }
        Ok(())
    }
}

impl From<Vec<ProxyServer>> for ProxyList {
    fn from(servers: Vec<ProxyServer>) -> Self {
        Self { servers }
    }
}

impl FromIterator<ProxyServer> for ProxyList {
    fn from_iter<I: IntoIterator<Item = ProxyServer>>(iter: I) -> Self {
        Self { servers: iter.into_iter().collect() }
    }
}

impl Extend<ProxyServer> for ProxyList {
    fn extend<I: IntoIterator<Item = ProxyServer>>(&mut self, iter: I) {
        self.servers.extend(iter);
    }
}

impl IntoIterator for ProxyList {
    type Item = ProxyServer;
    type IntoIter = std::vec::IntoIter<ProxyServer>;

    fn into_iter(self) -> Self::IntoIter {
        self.servers.into_iter()
    }
}

impl<'a> IntoIterator for &'a ProxyList {
    type Item = &'a ProxyServer;
    type IntoIter = std::slice::Iter<'a, ProxyServer>;

    fn into_iter(self) -> Self::IntoIter {
        self.servers.iter()
    }
}
