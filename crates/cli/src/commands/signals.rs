//! The signals that end a command early, as a `select!` arm.

/// The signals that stop the command: Ctrl-C, and the polite kill of a
/// service manager or a CI runner.
pub(crate) struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    pub(crate) fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind, name: &str| {
            signal(kind).inspect_err(|e| tracing::warn!("cannot handle {name}: {e}")).ok()
        };
        Self {
            interrupt: install(SignalKind::interrupt(), "SIGINT"),
            terminate: install(SignalKind::terminate(), "SIGTERM"),
        }
    }

    #[cfg(not(unix))]
    pub(crate) fn install() -> Self {
        Self {}
    }

    /// Resolves with the name of the signal that arrived; never when no
    /// handler could be installed. Cancel-safe, so it can sit in a loop's
    /// `select!`.
    #[cfg(unix)]
    pub(crate) async fn recv(&mut self) -> &'static str {
        async fn one(signal: Option<&mut tokio::signal::unix::Signal>) -> Option<()> {
            match signal {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            Some(()) = one(self.interrupt.as_mut()) => "SIGINT",
            Some(()) = one(self.terminate.as_mut()) => "SIGTERM",
            else => std::future::pending().await,
        }
    }

    #[cfg(not(unix))]
    pub(crate) async fn recv(&mut self) -> &'static str {
        // Without a handler there is nothing to wait for.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        "Ctrl-C"
    }
}
