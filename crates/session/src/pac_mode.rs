//! A session's PAC modes: one [`PacResolver`] per `set_proxy`, shared by
//! every resolution until the next one.

use std::sync::Arc;

use sessionkit_pac::{
    BuiltinFetcher, FailureMode, Limits, PacEnvironment, PacError, PacOptions, PacResolver,
};
use sessionkit_proxy_rules::{ProxyConfig, ProxyList, ProxyMode};
use url::Url;

use crate::Error;
use crate::pac_fetch::{FETCH_TIMEOUT, HttpFetcher};

/// Where `auto_detect` mode looks for a PAC script: Chromium's DNS-based
/// WPAD (DHCP-based WPAD, Windows-only in Chromium, is not done).
pub const WPAD_URL: &str = "http://wpad/wpad.dat";

/// What happens when a PAC script cannot be fetched, does not load, throws
/// or returns a non-string: [`Mandatory`](PacFailureMode::Mandatory)
/// (Electron's `pac_script`: `resolve_proxy` fails, Electron's
/// `resolveProxy` gives `""` and requests fail) or
/// [`FallBackToDirect`](PacFailureMode::FallBackToDirect) (Chrome's
/// `--proxy-pac-url`, and `auto_detect` in both).
pub use sessionkit_pac::FailureMode as PacFailureMode;

/// Options of [`Session::set_proxy_with`](crate::Session::set_proxy_with)
/// that Electron's `ProxyConfig` has no field for.
///
/// ```
/// use sessionkit::{PacFailureMode, ProxyOptions};
///
/// // Chrome's behaviour: a broken PAC script means DIRECT.
/// let chrome = ProxyOptions::new().pac_failure(PacFailureMode::FallBackToDirect);
/// assert_eq!(chrome.pac_failure, Some(PacFailureMode::FallBackToDirect));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ProxyOptions {
    /// What a PAC failure gives. `None` (the default) is Electron's choice
    /// for the mode: [`PacFailureMode::Mandatory`] for `pac_script`,
    /// [`PacFailureMode::FallBackToDirect`] for `auto_detect` (WPAD, which
    /// Chromium never makes mandatory).
    pub pac_failure: Option<PacFailureMode>,
    /// What the script's helper functions see (DNS, clock, `alert`);
    /// `None` is the real world.
    pub pac_environment: Option<PacEnvironment>,
    /// The sandbox's time, memory and size limits; `None` is
    /// [`Limits::default`] (1 s per call, 64 MiB, 1 MiB scripts).
    pub pac_limits: Option<Limits>,
}

impl ProxyOptions {
    /// The defaults: Electron's behaviour.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`ProxyOptions::pac_failure`].
    #[must_use]
    pub fn pac_failure(mut self, mode: PacFailureMode) -> Self {
        self.pac_failure = Some(mode);
        self
    }

    /// Sets [`ProxyOptions::pac_environment`].
    #[must_use]
    pub fn pac_environment(mut self, environment: PacEnvironment) -> Self {
        self.pac_environment = Some(environment);
        self
    }

    /// Sets [`ProxyOptions::pac_limits`].
    #[must_use]
    pub fn pac_limits(mut self, limits: Limits) -> Self {
        self.pac_limits = Some(limits);
        self
    }
}

/// A session's proxy settings: the configuration and, in the PAC modes, its
/// resolver.
pub(crate) struct ProxyState {
    config: ProxyConfig,
    options: ProxyOptions,
    pac: Option<PacSlot>,
}

/// The PAC resolver of a configuration, or why there is none.
#[derive(Clone)]
enum PacSlot {
    Ready(Arc<PacResolver>),
    /// The resolver could not be built (its worker thread did not start).
    Broken {
        error: PacError,
        failure: FailureMode,
    },
}

/// What one resolution needs, taken out of the session's lock so that a
/// PAC evaluation never runs under it.
pub(crate) struct Resolution {
    config: ProxyConfig,
    pac: Option<PacSlot>,
}

impl ProxyState {
    /// Direct mode, no resolver.
    pub(crate) fn direct() -> Self {
        Self { config: ProxyConfig::direct(), options: ProxyOptions::default(), pac: None }
    }

    /// `config` with `options`; in `pac_script` mode with a valid URL and in
    /// `auto_detect` mode, a new resolver (nothing is fetched yet).
    pub(crate) fn new(config: ProxyConfig, options: ProxyOptions) -> Self {
        let pac = pac_source(&config).map(|(url, default_failure)| {
            let failure = options.pac_failure.unwrap_or(default_failure);
            let fetcher = BuiltinFetcher::new().with_http(HttpFetcher::new(FETCH_TIMEOUT));
            let mut pac_options =
                PacOptions::new().with_fetcher(fetcher).with_failure_mode(failure);
            if let Some(environment) = &options.pac_environment {
                pac_options = pac_options.with_environment(environment.clone());
            }
            if let Some(limits) = options.pac_limits {
                pac_options = pac_options.with_limits(limits);
            }
            match PacResolver::new(url, pac_options) {
                Ok(resolver) => PacSlot::Ready(Arc::new(resolver)),
                Err(error) => PacSlot::Broken { error, failure },
            }
        });
        Self { config, options, pac }
    }

    pub(crate) const fn config(&self) -> &ProxyConfig {
        &self.config
    }

    pub(crate) const fn options(&self) -> &ProxyOptions {
        &self.options
    }

    pub(crate) fn resolution(&self) -> Resolution {
        Resolution { config: self.config.clone(), pac: self.pac.clone() }
    }
}

/// The PAC URL of `config` and the failure mode Electron gives it.
fn pac_source(config: &ProxyConfig) -> Option<(&str, FailureMode)> {
    match config.mode() {
        // An invalid URL is direct mode in Electron; `ProxyConfig::resolve`
        // answers DIRECT then, without a resolver.
        ProxyMode::PacScript => config
            .pac_url()
            .filter(|url| Url::parse(url).is_ok())
            .map(|url| (url, FailureMode::Mandatory)),
        ProxyMode::AutoDetect => Some((WPAD_URL, FailureMode::FallBackToDirect)),
        _ => None,
    }
}

impl Resolution {
    /// The configuration's own answer when it has one (every mode but PAC,
    /// and in PAC modes the implicitly bypassed URLs), else `None`: the
    /// script has to be asked.
    pub(crate) fn without_script(&self, url: &Url) -> Option<Result<ProxyList, Error>> {
        match (self.config.resolve(url), &self.pac) {
            (Ok(list), _) => Some(Ok(list)),
            (Err(_), Some(_)) => None,
            (Err(source), None) => Some(Err(Error::ResolveProxy { url: url.to_string(), source })),
        }
    }

    /// Resolves on the current thread (blocking during a PAC evaluation or
    /// fetch).
    pub(crate) fn resolve(&self, url: &Url) -> Result<ProxyList, Error> {
        if let Some(answer) = self.without_script(url) {
            return answer;
        }
        match &self.pac {
            Some(slot) => slot.resolve(url),
            None => Ok(ProxyList::direct()),
        }
    }

    /// Resolves without blocking the caller: a PAC evaluation runs on
    /// Tokio's blocking pool (a thread of its own outside a Tokio runtime).
    pub(crate) async fn resolve_async(self, url: &Url) -> Result<ProxyList, Error> {
        if let Some(answer) = self.without_script(url) {
            return answer;
        }
        let Some(slot) = self.pac else { return Ok(ProxyList::direct()) };
        let owned = url.clone();
        off_thread(move || slot.resolve(&owned)).await.unwrap_or_else(|error| {
            Err(Error::PacResolve { url: url.to_string(), source: PacError::Engine(error) })
        })
    }

    /// Fetches and compiles the script again, in the PAC modes.
    pub(crate) fn force_reload(&self) -> Result<(), Error> {
        match &self.pac {
            Some(PacSlot::Ready(resolver)) => {
                resolver.force_reload().map_err(|source| Error::PacReload { source })
            }
            Some(PacSlot::Broken { error, .. }) => Err(Error::PacReload { source: error.clone() }),
            None => Ok(()),
        }
    }

    /// [`force_reload`](Self::force_reload) off the caller's thread.
    pub(crate) async fn force_reload_async(self) -> Result<(), Error> {
        off_thread(move || self.force_reload())
            .await
            .unwrap_or_else(|error| Err(Error::PacReload { source: PacError::Engine(error) }))
    }
}

impl PacSlot {
    fn resolve(&self, url: &Url) -> Result<ProxyList, Error> {
        let answer = match self {
            Self::Ready(resolver) => resolver.resolve(url),
            Self::Broken { failure: FailureMode::FallBackToDirect, .. } => Ok(ProxyList::direct()),
            Self::Broken { error, .. } => Err(error.clone()),
        };
        answer.map_err(|source| Error::PacResolve { url: url.to_string(), source })
    }
}

/// Runs `work` on Tokio's blocking pool when called inside a Tokio runtime,
/// else on a new thread; `Err` when it panicked or could not be started.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        return handle
            .spawn_blocking(work)
            .await
            .map_err(|e| format!("the PAC task on the blocking pool failed: {e}"));
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("sessionkit-pac-resolve".to_owned())
        .spawn(move || {
            // The receiver is gone only when the caller stopped waiting.
            let _ = sender.send(work());
        })
        .map_err(|e| format!("cannot start a PAC thread: {e}"))?;
    receiver.await.map_err(|_| "the PAC thread panicked".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_get_electrons_failure_defaults() {
        let wpad = ProxyConfig::auto_detect();
        assert_eq!(pac_source(&wpad), Some((WPAD_URL, FailureMode::FallBackToDirect)));
        let pac = ProxyConfig::pac_script("https://pac.example/proxy.pac");
        assert_eq!(
            pac_source(&pac),
            Some(("https://pac.example/proxy.pac", FailureMode::Mandatory))
        );
        assert_eq!(pac_source(&ProxyConfig::pac_script("no url")), None);
        assert_eq!(pac_source(&ProxyConfig::direct()), None);
        assert_eq!(pac_source(&ProxyConfig::system()), None);

        let state = ProxyState::new(wpad, ProxyOptions::default());
        assert!(
            matches!(&state.pac, Some(PacSlot::Ready(r)) if r.failure_mode() == FailureMode::FallBackToDirect)
        );
        let mandatory_wpad = ProxyOptions::new().pac_failure(FailureMode::Mandatory);
        let state = ProxyState::new(ProxyConfig::auto_detect(), mandatory_wpad);
        assert!(
            matches!(&state.pac, Some(PacSlot::Ready(r)) if r.failure_mode() == FailureMode::Mandatory)
        );
        assert!(ProxyState::new(ProxyConfig::direct(), ProxyOptions::default()).pac.is_none());
    }

    #[test]
    fn implicit_bypass_needs_no_script_in_auto_detect() {
        // Never fetches http://wpad/wpad.dat: localhost is answered first.
        let state = ProxyState::new(ProxyConfig::auto_detect(), ProxyOptions::default());
        let url = Url::parse("http://localhost:8080/").expect("URL");
        let list = state.resolution().resolve(&url).expect("resolve");
        assert_eq!(list.to_pac_string(), "DIRECT");
    }
}
