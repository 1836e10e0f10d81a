//! TCP connections through the session's host resolver.

use std::future::{Future, poll_fn};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::fetch::dns::{HostResolver, NameNotResolved};

/// Why a TCP connection could not be made.
#[derive(Debug)]
pub(crate) enum TcpFailure {
    /// The name did not resolve.
    Dns(NameNotResolved),
    /// No address accepted the connection (the last address's error).
    Io(io::Error),
}

/// `host` without the brackets a URL puts around an IPv6 address.
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

/// The addresses of `host` (an IP literal is its own address).
pub(crate) async fn resolve(
    resolver: &HostResolver,
    host: &str,
) -> Result<Vec<IpAddr>, NameNotResolved> {
    let host = bare_host(host);
    match host.parse::<IpAddr>() {
        Ok(ip) => Ok(vec![ip]),
        Err(_) => resolver.lookup(host).await,
    }
}

/// How long an attempt may go unanswered before the next address is tried
/// beside it: Chromium starts its IPv4 fallback after 300 ms, and RFC 8305
/// (Happy Eyeballs) recommends a 250 ms connection attempt delay.
const ATTEMPT_DELAY: Duration = Duration::from_millis(300);

/// Connects to `host:port` with `TCP_NODELAY` set (requests go out in one
/// write and must not wait for the previous segment's ACK).
///
/// The resolved addresses are tried in turns of family, starting with the
/// first address's (see [`interleave`]), and in a staggered race (see
/// [`race`]): an address that drops the SYN on the floor costs
/// [`ATTEMPT_DELAY`], not the whole connect timeout, as with Chromium's
/// transport connect job falling back from IPv6 to IPv4.
///
/// The caller bounds the whole attempt in time; that bound covers every
/// address (dropping the future drops the attempts under way).
pub(crate) async fn connect(
    resolver: &HostResolver,
    host: &str,
    port: u16,
) -> Result<TcpStream, TcpFailure> {
    let addrs = resolve(resolver, host).await.map_err(TcpFailure::Dns)?;
    let addrs = interleave(addrs).into_iter().map(|ip| SocketAddr::new(ip, port)).collect();
    let stream = race(addrs, ATTEMPT_DELAY, TcpStream::connect).await.map_err(TcpFailure::Io)?;
    // Without it the connection still works, only slower.
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY");
    }
    Ok(stream)
}

/// `addrs` in turns of family, starting with the first address's family
/// (the resolver's preference), each family in its own order: a broken
/// family costs one attempt delay, not one per address of it (RFC 8305,
/// section 4).
fn interleave(addrs: Vec<IpAddr>) -> Vec<IpAddr> {
    let Some(first) = addrs.first() else { return addrs };
    let first_v6 = first.is_ipv6();
    let (preferred, other): (Vec<_>, Vec<_>) =
        addrs.into_iter().partition(|ip| ip.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(preferred.len() + other.len());
    let (mut preferred, mut other) = (preferred.into_iter(), other.into_iter());
    loop {
        match (preferred.next(), other.next()) {
            (None, None) => return out,
            (a, b) => out.extend(a.into_iter().chain(b)),
        }
    }
}

/// Runs `attempt` on `addrs` in order as a staggered race: the next
/// address starts when the previous attempt failed, or `delay` after it
/// started if it has not finished by then, while the earlier ones go on.
/// The first success wins and the attempts still under way are dropped
/// (closing their sockets); when every attempt fails, the last error is
/// returned.
async fn race<T, F, Fut>(addrs: Vec<SocketAddr>, delay: Duration, mut attempt: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut queue = addrs.into_iter();
    let mut running: Vec<Pin<Box<Fut>>> = Vec::new();
    let mut last_error = None;
    let mut timer = pin!(tokio::time::sleep(delay));
    let mut start_next = true;
    poll_fn(|cx| {
        loop {
            if std::mem::take(&mut start_next)
                && let Some(addr) = queue.next()
            {
                running.push(Box::pin(attempt(addr)));
                timer.as_mut().reset(Instant::now() + delay);
            }
            let mut i = 0;
            while i < running.len() {
                match running[i].as_mut().poll(cx) {
                    Poll::Ready(Ok(stream)) => return Poll::Ready(Ok(stream)),
                    Poll::Ready(Err(error)) => {
                        last_error = Some(error);
                        drop(running.remove(i));
                        // A failure starts the next address at once.
                        start_next = true;
                    }
                    Poll::Pending => i += 1,
                }
            }
            if start_next && queue.len() > 0 {
                continue;
            }
            start_next = false;
            if running.is_empty() {
                return Poll::Ready(Err(last_error
                    .take()
                    .unwrap_or_else(|| io::Error::other("no address to connect to"))));
            }
            if queue.len() > 0 && timer.as_mut().poll(cx).is_ready() {
                start_next = true;
                continue;
            }
            return Poll::Pending;
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::future::pending;
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    fn v4(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
    }

    fn v6(last: u16) -> IpAddr {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, last))
    }

    fn addr(ip: IpAddr) -> SocketAddr {
        SocketAddr::new(ip, 443)
    }

    #[test]
    fn families_take_turns_starting_with_the_first_address() {
        assert_eq!(interleave(vec![v6(1), v6(2), v4(1), v4(2)]), [v6(1), v4(1), v6(2), v4(2)]);
        assert_eq!(interleave(vec![v4(1), v6(1), v6(2)]), [v4(1), v6(1), v6(2)]);
        assert_eq!(interleave(vec![v4(1), v4(2)]), [v4(1), v4(2)]);
        assert_eq!(interleave(Vec::new()), Vec::<IpAddr>::new());
    }

    /// An address that never answers (a SYN dropped on the floor) holds
    /// the race up for one attempt delay, and is dropped once the next one
    /// connects.
    #[tokio::test(start_paused = true)]
    async fn a_silent_address_costs_one_attempt_delay() {
        let silent_dropped = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let flag = silent_dropped.clone();
        let winner = race(vec![addr(v6(1)), addr(v4(1))], ATTEMPT_DELAY, |a| {
            let guard = DropFlag(flag.clone());
            async move {
                if a.is_ipv6() {
                    let _guard = guard;
                    pending::<()>().await;
                }
                Ok(a)
            }
        })
        .await
        .unwrap();
        assert_eq!(winner, addr(v4(1)));
        assert_eq!(started.elapsed(), ATTEMPT_DELAY);
        assert!(silent_dropped.load(Ordering::SeqCst), "the silent attempt was not dropped");
    }

    /// A refused address does not wait for the delay.
    #[tokio::test(start_paused = true)]
    async fn a_failure_starts_the_next_address_at_once() {
        let started = Instant::now();
        let winner = race(vec![addr(v4(1)), addr(v4(2))], ATTEMPT_DELAY, |a| async move {
            if a.ip() == v4(1) { Err(io::ErrorKind::ConnectionRefused.into()) } else { Ok(a) }
        })
        .await
        .unwrap();
        assert_eq!(winner, addr(v4(2)));
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    /// The first attempt still wins if it answers after the second started.
    #[tokio::test(start_paused = true)]
    async fn an_earlier_attempt_may_still_win() {
        let winner = race(vec![addr(v4(1)), addr(v4(2))], ATTEMPT_DELAY, |a| async move {
            let wait = if a.ip() == v4(1) { 400 } else { 1_000 };
            tokio::time::sleep(Duration::from_millis(wait)).await;
            Ok(a)
        })
        .await
        .unwrap();
        assert_eq!(winner, addr(v4(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn every_address_failing_gives_the_last_error() {
        let error = race(vec![addr(v4(1)), addr(v6(1))], ATTEMPT_DELAY, |a| async move {
            if a.is_ipv6() {
                tokio::time::sleep(Duration::from_millis(500)).await;
                Err::<(), _>(io::Error::new(io::ErrorKind::HostUnreachable, "v6"))
            } else {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err(io::Error::new(io::ErrorKind::ConnectionRefused, "v4"))
            }
        })
        .await
        .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::HostUnreachable);
        let none = race(Vec::new(), ATTEMPT_DELAY, |_| async { Ok(()) }).await.unwrap_err();
        assert_eq!(none.kind(), io::ErrorKind::Other);
    }

    /// Real sockets: a loopback address nobody listens on refuses, and the
    /// next one (a listener) is connected to at once.
    #[tokio::test]
    async fn loopback_refusal_then_listener() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let live = listener.local_addr().unwrap();
        let dead = {
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            closed.local_addr().unwrap()
        };
        let stream = tokio::time::timeout(
            Duration::from_secs(10),
            race(vec![dead, live], Duration::from_secs(3_600), TcpStream::connect),
        )
        .await
        .expect("the refusal should start the next address at once")
        .unwrap();
        assert_eq!(stream.peer_addr().unwrap(), live);
    }

    /// Sets its flag when dropped.
    struct DropFlag(Arc<AtomicBool>);

    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}
