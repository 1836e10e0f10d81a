//! Warm sockets: connections opened ahead of any request (`preconnect`),
//! handed out by the connector before it dials a new one.
//!
//! Chromium keeps preconnected sockets in its client socket pool as
//! "unused idle" sockets: the pool closes them when they have not been used
//! for 10 seconds (its unused idle socket timeout, against 5 minutes for a
//! socket that has carried a request), and a group (one destination through
//! one proxy) never has more than 6 sockets. A request that arrives while a
//! preconnect is still connecting takes over that connect job instead of
//! starting its own; so here it waits for the preconnect's socket, and
//! dials itself only if that preconnect fails.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::oneshot;
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
    /// Requests waiting for one of those, first come first served; never
    /// more than `connecting` (each waits for a connect of its own).
    waiters: VecDeque<oneshot::Sender<Conn>>,
}

impl Group {
    /// Whether the group holds nothing: it can go.
    fn is_empty(&self) -> bool {
        self.idle.is_empty() && self.connecting == 0 && self.waiters.is_empty()
    }
}

/// What a request finds among the warm sockets of its destination.
pub(crate) enum Warm {
    /// A warm socket, connected and usable.
    Ready(Conn),
    /// A preconnect still connecting will hand over its socket; the
    /// sender is dropped instead if it fails (or the sockets are closed).
    Pending(oneshot::Receiver<Conn>),
    /// Nothing: dial.
    None,
}

impl WarmSockets {
    /// A warm socket to `target` still fit for a request, if there is one
    /// (expired or closed ones are dropped on the way); else a preconnect
    /// to `target` still connecting that no other request waits for.
    pub(crate) fn take(&self, target: &Target) -> Warm {
        let mut groups = self.lock();
        let Some(group) = groups.get_mut(target) else { return Warm::None };
        let now = Instant::now();
        let mut found = Warm::None;
        while let Some((mut conn, at)) = group.idle.pop() {
            if now.duration_since(at) < UNUSED_IDLE_TIMEOUT && conn.is_usable() {
                // Chromium counts an unused idle socket as reused when a
                // request closes on it (see `Reuse`); a socket handed over
                // from a connect still running (below) is fresh.
                conn.mark_reused();
                found = Warm::Ready(conn);
                break;
            }
        }
        if matches!(found, Warm::None) {
            // Requests given up (their receiver dropped) wait no more.
            group.waiters.retain(|waiter| !waiter.is_closed());
            if group.waiters.len() < group.connecting {
                let (sender, receiver) = oneshot::channel();
                group.waiters.push_back(sender);
                found = Warm::Pending(receiver);
            }
        }
        if group.is_empty() {
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

    /// A reserved socket finished connecting (or failed: `None`): it goes
    /// to the first request waiting, else it waits for one. A failure
    /// lets the first waiting request go and dial itself. Returns whether
    /// the socket was kept warm.
    fn settle(&self, target: &Target, conn: Option<Conn>) -> bool {
        let mut groups = self.lock();
        let group = groups.entry(target.clone()).or_default();
        group.connecting = group.connecting.saturating_sub(1);
        let kept = match conn {
            Some(mut conn) => loop {
                match group.waiters.pop_front() {
                    Some(waiter) => match waiter.send(conn) {
                        Ok(()) => break false,
                        // That request gave up: the next one, if any.
                        Err(back) => conn = back,
                    },
                    None => {
                        group.idle.push((conn, Instant::now()));
                        break true;
                    }
                }
            },
            None => {
                // Its sender dropped: the receiver learns and dials.
                group.waiters.pop_front();
                false
            }
        };
        if group.is_empty() {
            groups.remove(target);
        }
        kept
    }

    /// Closes the sockets of `target` that have waited too long.
    fn expire(&self, target: &Target) {
        let mut groups = self.lock();
        if let Some(group) = groups.get_mut(target) {
            let now = Instant::now();
            group.idle.retain(|(_, at)| now.duration_since(*at) < UNUSED_IDLE_TIMEOUT);
            if group.is_empty() {
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

    /// How many destinations have an entry (for tests).
    #[cfg(test)]
    fn groups(&self) -> usize {
        self.lock().len()
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
            let warm = connector.warm();
            if warm.settle(&target, conn) {
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
            assert!(!warm.settle(&target, None));
        }
        assert_eq!(warm.len(), 0);
        assert_eq!(warm.groups(), 0, "failed preconnects leave no empty group behind");
        assert!(matches!(warm.take(&target), Warm::None));
        assert_eq!(warm.reserve(&target, 9), MAX_SOCKETS_PER_GROUP);
    }

    #[tokio::test]
    async fn a_request_waits_for_a_connecting_preconnect_and_dials_if_it_fails() {
        let warm = WarmSockets::default();
        let target = Target { https: false, host: "a".to_owned(), port: 80 };
        assert_eq!(warm.reserve(&target, 1), 1);
        let Warm::Pending(first) = warm.take(&target) else { panic!("should wait") };
        // One connect, one waiter: the next request dials.
        assert!(matches!(warm.take(&target), Warm::None));
        assert!(!warm.settle(&target, None));
        assert!(first.await.is_err(), "the failed preconnect lets the request dial");
        assert_eq!(warm.groups(), 0);

        // A waiter that gave up leaves its place to the next request.
        assert_eq!(warm.reserve(&target, 1), 1);
        let Warm::Pending(gone) = warm.take(&target) else { panic!("should wait") };
        drop(gone);
        assert!(matches!(warm.take(&target), Warm::Pending(_)));
    }
}
