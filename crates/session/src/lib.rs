//! Electron's `session` module for Rust: one [`Session`] per partition, each
//! with its own proxy configuration, user agent, cookies, HTTP cache and
//! downloads (see [`downloads`]).
//!
//! # Partitions
//!
//! Sessions are named like Electron's partitions and live under one data
//! directory (set with [`set_data_dir`], else `SESSIONKIT_DATA_DIR`, else the
//! platform's data directory):
//!
//! | partition | where | Electron |
//! |---|---|---|
//! | `""` | the data directory itself | `session.defaultSession` |
//! | `persist:NAME` | `<data>/Partitions/<NAME encoded>/` | `session.fromPartition("persist:NAME")` |
//! | anything else | memory, gone with the last handle | `session.fromPartition("NAME")` |
//! | an absolute path | that directory | `session.fromPath(path)` |
//!
//! The same name gives the same instance as long as one handle is alive.
//! `NAME` is folded to ASCII lower case and every byte outside `[a-z0-9_-]`
//! is written `%XX` in its folder name, so `persist:Foo` and `persist:foo` are
//! one session and no name — `persist:../x`, `persist:/etc`, `persist:CON`,
//! NUL bytes — can leave `<data>/Partitions/`.
//!
//! # Storage
//!
//! A persistent session (the default session, `persist:` partitions and
//! `from_path` sessions) keeps its data in one sled database,
//! `<dir>/sessionkit.sled` ([`DATABASE_DIR_NAME`]), one tree per concern.
//! The database is opened on first use — [`Session::cookies`] — so a
//! session used only to resolve proxies writes nothing. Cookies live in the
//! tree `cookies` and are committed in batches; [`Cookies::flush`]
//! (Electron's `cookies.flushStore()`) writes them now, and dropping the
//! session's last handle does too. A store that does not decode is an
//! error, never silently emptied. In-memory partitions get a memory jar.
//!
//! ```
//! use sessionkit::{ClearStorageOptions, CookieContext, PartitionOptions, Sessions, StorageKind};
//! use url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let sessions = Sessions::new(dir.path())?;
//! let work = sessions.from_partition("persist:work", PartitionOptions::default())?;
//! let cookies = work.cookies()?; // Electron: ses.cookies
//! let url = Url::parse("https://example.com/")?;
//! let nav = CookieContext::same_site().top_level_navigation(true);
//! cookies.set_cookie(&url, "id=1; Max-Age=3600", &nav)?;
//! assert_eq!(cookies.cookie_header(&url, &nav).as_deref(), Some("id=1"));
//! cookies.flush()?; // Electron: ses.cookies.flushStore()
//!
//! // Electron: ses.clearStorageData({ origin, storages: ["cookies"] })
//! let options = ClearStorageOptions::new().origin(url).storages([StorageKind::Cookies]);
//! assert_eq!(work.clear_storage_data(&options)?.cookies, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Example
//!
//! ```
//! use sessionkit::{PartitionOptions, ProxyConfig, ProxyRules, BypassRules, Sessions};
//! use url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data = std::env::temp_dir().join(format!("sessionkit-doc-{}", std::process::id()));
//! let sessions = Sessions::new(&data)?;
//!
//! let work = sessions.from_partition("persist:Work", PartitionOptions::default())?;
//! assert!(work.is_persistent());
//! assert_eq!(work.partition(), Some("persist:work"));
//! assert_eq!(work.storage_path(), Some(data.join("Partitions").join("work").as_path()));
//! // Same name, same session; the case of NAME does not matter.
//! assert_eq!(work, sessions.from_partition("persist:work", PartitionOptions::default())?);
//!
//! let scratch = sessions.from_partition("scratch", PartitionOptions::new().cache(false))?;
//! assert!(!scratch.is_persistent());
//!
//! work.set_proxy(ProxyConfig::fixed_servers(
//!     ProxyRules::parse("http=foopy:80;socks=bar")?,
//!     BypassRules::parse("*.internal")?,
//! ));
//! let proxies = work.resolve_proxy(&Url::parse("http://example.com/")?)?;
//! assert_eq!(proxies.to_string(), "PROXY foopy:80");
//!
//! // A partition in use can't be deleted; once its handles are gone, it can.
//! assert!(sessions.delete_partition("persist:work").is_err());
//! drop(work);
//! sessions.delete_partition("persist:work")?;
//! # std::fs::remove_dir_all(&data)?;
//! # Ok(())
//! # }
//! ```
//!
//! # PAC scripts
//!
//! A `pac_script` configuration ([`ProxyConfig::pac_script`]) and
//! `auto_detect` (WPAD: the script at [`WPAD_URL`], `http://wpad/wpad.dat`)
//! give the session one PAC resolver ([`pac::PacResolver`]), built by
//! [`Session::set_proxy`] and used by every resolution until the next call.
//! The script is fetched on the first resolution — `http:` and `https:`
//! with reqwest, directly (never through a proxy), within 30 s, status 200
//! only, at most 1 MiB, no cache, no authentication, decoded by the
//! `Content-Type` charset (else a byte-order mark, else ISO-8859-1);
//! `data:` and `file:` too — compiled once in a sandboxed QuickJS engine,
//! and `FindProxyForURL` runs per URL. Localhost, loopback and link-local
//! URLs are `DIRECT` without asking the script, as in Chromium.
//! [`Session::force_reload_proxy_config`] (Electron's
//! `ses.forceReloadProxyConfig()`) fetches the script again.
//!
//! **Failure.** When the script cannot be fetched, does not load, throws,
//! times out or returns a non-string:
//!
//! | mode | [`PacFailureMode::Mandatory`] | [`PacFailureMode::FallBackToDirect`] |
//! |---|---|---|
//! | who | Electron's `pac_script` — the default for `pac_script` | Chrome's `--proxy-pac-url`; `auto_detect` by default |
//! | [`Session::resolve_proxy`] | [`Error::PacResolve`] (Electron's `resolveProxy` gives `""`, requests fail with `ERR_MANDATORY_PROXY_CONFIGURATION_FAILED`) | `DIRECT` |
//!
//! Choose with [`Session::set_proxy_with`] and [`ProxyOptions::pac_failure`].
//! A script that returns `""` or garbage gives `DIRECT` in both modes.
//!
//! **Threads.** Evaluation blocks: [`Session::resolve_proxy`] runs it on
//! the calling thread (on the resolver's worker, one call at a time, while
//! the caller waits). In async code use [`Session::resolve_proxy_async`],
//! which sends the wait to Tokio's small blocking pool (`spawn_blocking`)
//! so the runtime's workers never block.
//!
//! ```
//! use sessionkit::{PacFailureMode, ProxyConfig, ProxyOptions, Sessions};
//! use url::Url;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let sessions = Sessions::new(dir.path())?;
//! let ses = sessions.from_partition("pac", Default::default())?;
//! let script = "function FindProxyForURL(url, host) {
//!     return dnsDomainIs(host, '.corp.example') ? 'DIRECT' : 'PROXY proxy.corp.example:8080';
//! }";
//! ses.set_proxy(ProxyConfig::pac_script(format!("data:,{}", script.replace('%', "%25"))));
//! let resolve = |u: &str| -> Result<String, Box<dyn std::error::Error>> {
//!     Ok(ses.resolve_proxy(&Url::parse(u)?)?.to_pac_string())
//! };
//! assert_eq!(resolve("https://example.com/")?, "PROXY proxy.corp.example:8080");
//! assert_eq!(resolve("http://wiki.corp.example/")?, "DIRECT");
//! assert_eq!(resolve("http://localhost:8080/")?, "DIRECT");
//!
//! // A script that throws: Electron fails; Chrome goes DIRECT.
//! let broken = ProxyConfig::pac_script("data:,function%20FindProxyForURL(){throw%201}");
//! ses.set_proxy(broken.clone());
//! assert!(resolve("https://example.com/").is_err());
//! ses.set_proxy_with(broken, ProxyOptions::new().pac_failure(PacFailureMode::FallBackToDirect));
//! assert_eq!(resolve("https://example.com/")?, "DIRECT");
//! # Ok(())
//! # }
//! ```
//!
//! # Fetching
//!
//! [`Session::fetch`] (Electron's `ses.fetch`) sends a request through
//! the session: its user agent and languages, its cookies (stored from
//! every hop), its proxies (tried in order, with fall-back), its network
//! emulation ([`Session::enable_network_emulation`]) and redirects per the
//! Fetch standard. See the [`fetch`] module.
//!
//! # Deviation
//!
//! * Persistent names are keyed after folding, so two spellings never share a
//!   folder as two live sessions (Electron's registry keys on the raw name).
//! * `persist:` with an empty name and names whose folder name would pass
//!   255 bytes are errors; Electron accepts them and fails later on disk.
//! * Before [`Session::set_proxy`] a session goes direct; Electron follows
//!   the system settings, which sessionkit does not read yet.
//! * [`Session::resolve_proxy`] returns an error where Electron resolves with
//!   `""` (a failed mandatory PAC script, an unreadable configuration); an
//!   *empty list* still prints as `""`.
//! * PAC scripts at `file:` URLs are read; Chromium's network service
//!   refuses them. `auto_detect` tries only DNS WPAD ([`WPAD_URL`]), not
//!   DHCP, and a loaded script is not refreshed after 12 hours or on
//!   network changes: call [`Session::force_reload_proxy_config`].
//! * The default user agent is `sessionkit/<version>`, not a Chrome string.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cache;
mod clear_data;
mod cookies;
mod data_dir;
pub mod downloads;
mod error;
pub mod fetch;
mod lock;
mod pac_fetch;
mod pac_mode;
mod partition;
mod registry;
mod session;
mod spellchecker;
mod storage;
mod user_agent;

pub use cache::CACHE_DIR_NAME;
pub use clear_data::{ClearDataOptions, ClearedData, DataType, OriginMatchingMode};
pub use cookies::{Cookies, DATABASE_DIR_NAME};
pub use data_dir::{DATA_DIR_ENV, PARTITIONS_DIR, platform_data_dir};
pub use downloads::{
    DownloadEvent, DownloadItem, DownloadManager, DownloadRecord, DownloadRequest, ExternalState,
    InterruptedDownload, WillDownload, WillDownloadHandler, default_download_dir,
};
pub use error::{Error, InUseBy};
pub use fetch::{
    Body, BoxError, CacheMode, CertificateVerdict, CertificateVerifyRequest, Credentials,
    FetchError, FetchOptions, NetworkEmulation, RedirectMode, Tunnel, UrlChain,
};
pub use lock::LOCK_FILE_NAME;
pub use pac_mode::{PacFailureMode, ProxyOptions, WPAD_URL};
pub use partition::{MAX_DIR_NAME_LEN, MAX_PARTITION_NAME_LEN, PERSIST_PREFIX};
pub use registry::{PartitionInfo, Sessions, data_dir, set_data_dir};
pub use session::{PartitionOptions, Session};
pub use storage::{ClearStorageOptions, ClearedStorage, StorageKind};
pub use user_agent::{DEFAULT_ACCEPT_LANGUAGES, default_user_agent};

pub use sessionkit_bypass_rules as bypass_rules;
pub use sessionkit_bypass_rules::BypassRules;
pub use sessionkit_cookie_jar as cookie_jar;
pub use sessionkit_cookie_jar::{
    Cookie, CookieContext, CookieDetails, CookieFilter, CookieJar, SameSite,
};
pub use sessionkit_http_cache as http_cache;
pub use sessionkit_http_cache::{CacheStatus, HttpCache};
pub use sessionkit_pac as pac;
pub use sessionkit_proxy_rules as proxy_rules;
pub use sessionkit_proxy_rules::{ProxyConfig, ProxyList, ProxyMode, ProxyRules};
pub use sessionkit_spellcheck as spellcheck;
pub use sessionkit_spellcheck::{SpellcheckEvent, Spellchecker};
