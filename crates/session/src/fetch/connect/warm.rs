//! Warm sockets: connections opened ahead of any request (`preconnect`),
//! handed out by the connector before it dials a new one.
//!
//! Chromium keeps preconnected sockets in its client socket pool as
//! "unused idle" sockets: the pool closes them when they have not been used
//! for 10 seconds (its unused idle socket timeout, against 5 minutes for a
//! socket that has carried a request), and a group (one destination through
//! one proxy) never has more than 6 sockets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::time::Instant;

use crate::fetch::connect::stream::Conn;
use crate::fetch::connect::{Connector, Target};

/// How long a warm socket waits for a request before it is closed.
pub(crate) const UNUSED_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Chromium's per-group socket limit: the most sockets warmed at once for
/// one destination through one proxy (warm and still connecting).
pub(crate) const MAX_SOCKETS_PER_GROUP: usize = 6;

/// The warm sockets of one connector (one proxy entry), by destination.
#[derive(Default)]
pub(crate) struct WarmSockets {
    groups: Mutex<HashMap<Target, Group>>,
}

#[derive(Default)]
struct Group {
    /// Connected sockets and when they were connected.
    idle: Vec<(Conn, Instant)>,
    /// Preconnects still connecting.
    connecting: usize,
}

impl WarmSockets {
    /// A warm socket to `target` still fit for a request, if there is one;
    /// expired or closed ones are dropped on the way.
    pub(crate) fn take(&self, target: &Target) -> Option<Conn> {
        let mut groups = self.lock();
        let group = groups.get_mut(target)?;
        let now = Instant::now();
        let mut found = None;
        while let Some((mut conn, at)) = group.idle.pop() {
            if now.duration_since(at) < UNUSED_IDLE_TIMEOUT && conn.is_usable() {
                found = Some(conn);
                break;
            }
        }
        if group.idle.is_empty() && group.connecting == 0 {
            groups.remove(target);
        }
        found
    }

    /// How many new sockets to open so that `target` has `wanted` warm or
    /// connecting ones (Chromium counts the sockets a group already has
    /// toward a preconnect's number), never more than
    /// [`MAX_SOCKETS_PER_GROUP`]; those are counted as connecting.
    fn reserve(&self, target: &Target, wanted: usize) -> usize {
        let mut groups = self.lock();
        let group = groups.entry(target.clone()).or_default();
        let have = group.idle.len() + group.connecting;
        let open = wanted.min(MAX_SOCKETS_PER_GROUP).saturating_sub(have);
        group.connecting += open;
        open
    }

    /// A reserved socket finished connecting (or failed: `None`).
    fn settle(&self, target: &Target, conn: Option<Conn>) {
        let mut groups = self.lock();
        let group = groups.entry(target.clone()).or_default();
        group.connecting = group.connecting.saturating_sub(1);
        if let Some(conn) = conn {
            group.idle.push((conn, Instant::now()));
        }
    }

    /// Closes the sockets of `target` that have waited too long.
    fn expire(&self, target: &Target) {
        let mut groups = self.lock();
        if let Some(group) = groups.get_mut(target) {
            let now = Instant::now();
            group.idle.retain(|(_, at)| now.duration_since(*at) < UNUSED_IDLE_TIMEOUT);
            if group.idle.is_empty() && group.connecting == 0 {
                groups.remove(target);
            }
        }
    }

    /// Closes every warm socket.
    pub(crate) fn clear(&self) {
        // Dropped outside the lock.
        let _old = std::mem::take(&mut *self.lock());
    }

    /// How many warm sockets are connected (for tests and logs).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().values().map(|g| g.idle.len()).sum()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Target, Group>> {
        // Sockets and counters only; a panic leaves nothing half-done
        // that matters (a miscount only limits later preconnects).
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens up to `wanted` warm sockets to `target` through `connector` in
/// the background. Failures are only logged: preconnect is a hint.
pub(crate) fn preconnect(connector: &Connector, target: &Target, wanted: usize) {
    let warm = connector.warm();
    let open = warm.reserve(target, wanted);
    for _ in 0..open {
        let connector = connector.clone();
        let target = target.clone();
        tokio::spawn(async move {
            let conn = match connector.dial(&target).await {
                Ok(conn) => Some(conn),
                Err(error) => {
                    tracing::debug!(host = %target.host, port = target.port, %error, "preconnect failed");
                    None
                }
            };
            let connected = conn.is_some();
            let warm = connector.warm();
            warm.settle(&target, conn);
            if connected {
                schedule_expiry(Arc::downgrade(warm), target);
            }
        });
    }
}

/// Closes the socket just warmed once it has waited its time, unless the
/// connector (and its warm sockets) is gone by then.
fn schedule_expiry(warm: Weak<WarmSockets>, target: Target) {
    tokio::spawn(async move {
        tokio::time::sleep(UNUSED_IDLE_TIMEOUT).await;
        if let Some(warm) = warm.upgrade() {
            warm.expire(&target);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_respect_the_group_limit_and_count_what_is_there() {
        let warm = WarmSockets::default();
        let target = Target { https: false, host: "a".to_owned(), port: 80 };
        assert_eq!(warm.reserve(&target, 3), 3);
        assert_eq!(warm.reserve(&target, 3), 0, "three are already connecting");
        assert_eq!(warm.reserve(&target, 6), 3);
        assert_eq!(warm.reserve(&target, 6), 0);
        for _ in 0..6 {
            warm.settle(&target, None);
        }
        assert_eq!(warm.len(), 0);
        assert!(warm.take(&target).is_none());
        assert_eq!(warm.reserve(&target, 9), MAX_SOCKETS_PER_GROUP);
    }
}
