//! `PacResolver`: the PAC mode of a session — fetch once, compile once,
//! evaluate per URL, with Electron's mandatory semantics or Chrome's
//! fall-back to DIRECT.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sessionkit_bypass_rules::{CompileOptions, implicit_rule};
use sessionkit_proxy_rules::ProxyList;
use url::Url;

use crate::call::script_arguments;
use crate::environment::PacEnvironment;
use crate::error::PacError;
use crate::fetch::{BuiltinFetcher, PacFetcher, fetch_script};
use crate::sandbox::Limits;
use crate::worker::Worker;

/// What [`PacResolver::resolve`] answers when the script cannot be fetched,
/// does not load, throws, or returns a non-string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureMode {
    /// Electron's `pacScript` (Chromium's "mandatory" PAC): the error is
    /// returned, requests fail (`ERR_MANDATORY_PROXY_CONFIGURATION_FAILED`)
    /// and `ses.resolveProxy` resolves with `""`. The default.
    #[default]
    Mandatory,
    /// Chrome's `--proxy-pac-url`: the request goes `DIRECT`.
    FallBackToDirect,
}

/// Options of a [`PacResolver`].
#[derive(Clone)]
#[non_exhaustive]
pub struct PacOptions {
    /// Time, memory and size limits of the engine.
    pub limits: Limits,
    /// What the helper functions see (DNS, clock, `alert`).
    pub environment: PacEnvironment,
    /// How the script is fetched. Default: [`BuiltinFetcher`] (`data:` and
    /// `file:` only).
    pub fetcher: Arc<dyn PacFetcher>,
    /// Mandatory (Electron, the default) or fall back to DIRECT (Chrome).
    pub failure_mode: FailureMode,
    /// Which implicit bypass rules apply before the script is asked
    /// (localhost, loopback and link-local addresses never reach it).
    pub bypass: CompileOptions,
}

impl Default for PacOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            environment: PacEnvironment::default(),
            fetcher: Arc::new(BuiltinFetcher::new()),
            failure_mode: FailureMode::default(),
            bypass: CompileOptions::for_current_platform(),
        }
    }
}

impl PacOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the environment.
    #[must_use]
    pub fn with_environment(mut self, environment: PacEnvironment) -> Self {
        self.environment = environment;
        self
    }

    /// Sets the fetcher.
    #[must_use]
    pub fn with_fetcher(mut self, fetcher: impl PacFetcher + 'static) -> Self {
        self.fetcher = Arc::new(fetcher);
        self
    }

    /// Sets the failure mode.
    #[must_use]
    pub const fn with_failure_mode(mut self, mode: FailureMode) -> Self {
        self.failure_mode = mode;
        self
    }

    /// Sets the implicit bypass options.
    #[must_use]
    pub const fn with_bypass(mut self, bypass: CompileOptions) -> Self {
        self.bypass = bypass;
        self
    }
}

impl fmt::Debug for PacOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacOptions")
            .field("limits", &self.limits)
            .field("environment", &self.environment)
            .field("failure_mode", &self.failure_mode)
            .field("bypass", &self.bypass)
            .finish_non_exhaustive()
    }
}

/// Where the script comes from.
#[derive(Clone)]
enum Source {
    Url(Url),
    Inline(Arc<str>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(url) => write!(f, "Url({url})"),
            Self::Inline(script) => write!(f, "Inline({} bytes)", script.len()),
        }
    }
}

/// Whether the script is loaded.
#[derive(Debug)]
enum LoadState {
    Unloaded,
    Loaded,
    Failed { error: PacError, attempts: usize, retry_at: Instant },
}

/// Chromium's retry schedule after a failed fetch: 8 s, 32 s, 2 min, then
/// every 4 h.
const RETRY_DELAYS: [Duration; 4] = [
    Duration::from_secs(8),
    Duration::from_secs(32),
    Duration::from_secs(120),
    Duration::from_secs(4 * 3600),
];

/// A PAC script for a session: `ses.setProxy({ pacScript })` and
/// `ses.resolveProxy(url)` in PAC mode.
///
/// The script is fetched and compiled on first use (or by
/// [`load`](Self::load)) and cached; [`force_reload`](Self::force_reload)
/// fetches it again (Electron's `ses.forceReloadProxyConfig()`). A failed
/// fetch is retried on use after 8 s, 32 s, 2 min, then every 4 h, as
/// Chromium does.
///
/// # Threading
///
/// `PacResolver` is `Send + Sync`: share it in an `Arc`. The compiled
/// script lives on a worker thread that the resolver owns (a QuickJS runtime
/// is single-threaded), and evaluations of one resolver run there one at a
/// time, as in Chromium. [`resolve`](Self::resolve) blocks the calling
/// thread until the worker answers — at most the time budget per call, plus
/// the fetch on first use — so async code should call it on a blocking pool
/// (`tokio::task::spawn_blocking`). The worker stops when the resolver is
/// dropped.
pub struct PacResolver {
    source: Source,
    fetcher: Arc<dyn PacFetcher>,
    failure_mode: FailureMode,
    bypass: CompileOptions,
    max_script_len: usize,
    state: Mutex<LoadState>,
    worker: Worker,
}

impl PacResolver {
    /// A resolver for the script at `pac_url` (`data:`, `file:`, or
    /// `http(s):` with a fetcher that handles it). Nothing is fetched yet.
    ///
    /// # Errors
    ///
    /// [`PacError::InvalidUrl`] when `pac_url` does not parse (Electron then
    /// uses direct mode: the caller decides), [`PacError::Engine`] when the
    /// worker thread cannot start.
    pub fn new(pac_url: &str, options: PacOptions) -> Result<Self, PacError> {
        let url = Url::parse(pac_url)
            .map_err(|e| PacError::InvalidUrl { url: pac_url.to_owned(), reason: e.to_string() })?;
        Self::build(Source::Url(url), options)
    }

    /// A resolver for a script given as text (no fetch).
    ///
    /// # Errors
    ///
    /// [`PacError::Engine`] when the worker thread cannot start.
    pub fn from_script(script: impl Into<String>, options: PacOptions) -> Result<Self, PacError> {
        Self::build(Source::Inline(Arc::from(script.into())), options)
    }

    fn build(source: Source, options: PacOptions) -> Result<Self, PacError> {
        let worker = Worker::spawn(options.environment, options.limits)?;
        Ok(Self {
            source,
            fetcher: options.fetcher,
            failure_mode: options.failure_mode,
            bypass: options.bypass,
            max_script_len: options.limits.max_script_len,
            state: Mutex::new(LoadState::Unloaded),
            worker,
        })
    }

    /// The PAC URL, unless the script was given as text.
    pub fn pac_url(&self) -> Option<&Url> {
        match &self.source {
            Source::Url(url) => Some(url),
            Source::Inline(_) => None,
        }
    }

    /// The failure mode.
    pub const fn failure_mode(&self) -> FailureMode {
        self.failure_mode
    }

    /// The proxies for `url`, as `ses.resolveProxy(url)` gives them in PAC
    /// mode:
    ///
    /// 1. a URL covered by an implicit bypass rule (localhost, loopback,
    ///    link-local) is `DIRECT` without asking the script;
    /// 2. the script is loaded if it is not yet;
    /// 3. `FindProxyForURL` is called with Chromium's arguments
    ///    ([`script_arguments`](crate::script_arguments)) and its string
    ///    parsed with [`ProxyList::parse_pac_result`] (an empty or invalid
    ///    result is `DIRECT`).
    ///
    /// # Errors
    ///
    /// In [`FailureMode::Mandatory`], any [`PacError`] of steps 2–3 (Electron
    /// then fails the request and `resolveProxy` gives `""`). In
    /// [`FailureMode::FallBackToDirect`] those give `Ok(DIRECT)` instead; use
    /// [`try_resolve`](Self::try_resolve) to see them.
    pub fn resolve(&self, url: &Url) -> Result<ProxyList, PacError> {
        match (self.try_resolve(url), self.failure_mode) {
            (Err(_), FailureMode::FallBackToDirect) => Ok(ProxyList::direct()),
            (answer, _) => answer,
        }
    }

    /// [`resolve`](Self::resolve) as in [`FailureMode::Mandatory`], whatever
    /// the resolver's mode.
    ///
    /// # Errors
    ///
    /// Any [`PacError`] of loading or calling the script.
    pub fn try_resolve(&self, url: &Url) -> Result<ProxyList, PacError> {
        if implicit_rule(url, &self.bypass).is_some() {
            return Ok(ProxyList::direct());
        }
        self.load()?;
        let (url_arg, host) = script_arguments(url);
        let result = self.worker.call(url_arg, host)?;
        Ok(ProxyList::parse_pac_result(&result))
    }

    /// Fetches and compiles the script unless that is done. After a failure
    /// the stored error is returned until the retry delay has passed.
    ///
    /// # Errors
    ///
    /// [`PacError::Fetch`], [`PacError::Compile`], ... whatever kept the
    /// script from loading.
    pub fn load(&self) -> Result<(), PacError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let attempts = match &*state {
            LoadState::Loaded => return Ok(()),
            LoadState::Failed { error, retry_at, .. } if Instant::now() < *retry_at => {
                return Err(error.clone());
            }
            LoadState::Failed { attempts, .. } => *attempts,
            LoadState::Unloaded => 0,
        };
        match self.fetch_and_compile() {
            Ok(()) => {
                *state = LoadState::Loaded;
                Ok(())
            }
            Err(error) => {
                let delay = RETRY_DELAYS[attempts.min(RETRY_DELAYS.len() - 1)];
                let retry_at = Instant::now() + delay;
                *state =
                    LoadState::Failed { error: error.clone(), attempts: attempts + 1, retry_at };
                Err(error)
            }
        }
    }

    /// Fetches and compiles the script again now (Electron's
    /// `ses.forceReloadProxyConfig()`). On failure the old script is
    /// dropped from use: later calls fail (mandatory) or go DIRECT.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load).
    pub fn force_reload(&self) -> Result<(), PacError> {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = LoadState::Unloaded;
        self.load()
    }

    fn fetch_and_compile(&self) -> Result<(), PacError> {
        let script: Arc<str> = match &self.source {
            Source::Inline(script) => Arc::clone(script),
            Source::Url(url) => fetch_script(self.fetcher.as_ref(), url, self.max_script_len)
                .map_err(|source| PacError::Fetch { url: url.to_string(), source })?
                .into(),
        };
        self.worker.load(script)
    }
}

impl fmt::Debug for PacResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacResolver")
            .field("source", &self.source)
            .field("failure_mode", &self.failure_mode)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
