//! What a script's helpers see of the world: a resolver, a clock and an
//! `alert` sink.

use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::dns::{HostResolver, SystemResolver};

/// A sink for the script's `alert(message)` calls.
pub type AlertHook = Arc<dyn Fn(&str) + Send + Sync>;

/// The world as the helper functions see it.
///
/// The default is the real one: [`SystemResolver`], [`SystemClock`], and
/// `alert` discarded (Chromium writes it to the NetLog).
#[derive(Clone)]
pub struct PacEnvironment {
    pub(crate) resolver: Arc<dyn HostResolver>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) alert: Option<AlertHook>,
}

impl Default for PacEnvironment {
    fn default() -> Self {
        Self { resolver: Arc::new(SystemResolver), clock: Arc::new(SystemClock), alert: None }
    }
}

impl PacEnvironment {
    /// The real world: system DNS, system clock, `alert` discarded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Resolves names with `resolver` (`dnsResolve`, `isInNet` on names,
    /// `myIpAddress`, ...).
    #[must_use]
    pub fn with_resolver(mut self, resolver: impl HostResolver + 'static) -> Self {
        self.resolver = Arc::new(resolver);
        self
    }

    /// Reads the time from `clock` (`weekdayRange`, `dateRange`,
    /// `timeRange`; the script's own `Date` still reads the system clock).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Hands every `alert(message)` of the script to `hook`.
    #[must_use]
    pub fn with_alert(mut self, hook: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.alert = Some(Arc::new(hook));
        self
    }
}

impl fmt::Debug for PacEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacEnvironment")
            .field("alert", &self.alert.is_some())
            .finish_non_exhaustive()
    }
}
