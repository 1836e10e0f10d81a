//! PAC scripts for Electron's `session.setProxy({ pacScript })`: the script
//! runs in a sandboxed JavaScript engine with Chromium's helper functions, is
//! called with Chromium's arguments, and its answer is parsed with Chromium's
//! PAC result parser ([`ProxyList::parse_pac_result`]).
//!
//! [`ProxyList::parse_pac_result`]: sessionkit_proxy_rules::ProxyList::parse_pac_result
//!
//! - [`PacResolver`] is what a session uses: fetch once, compile once,
//!   evaluate per URL (`Send + Sync`, blocking; see its *Threading*
//!   section), with [`force_reload`](PacResolver::force_reload) for
//!   `ses.forceReloadProxyConfig()` and Electron's mandatory semantics by
//!   default ([`FailureMode`]).
//! - [`PacEngine`] is one compiled script on the current thread: compile
//!   once, call [`find_proxy_for_url`](PacEngine::find_proxy_for_url) many
//!   times (what a benchmark or a command-line tool wants).
//! - The world the helpers see is injectable ([`PacEnvironment`]): DNS
//!   through a [`HostResolver`] ([`SystemResolver`], or a [`StaticResolver`]
//!   table), time through a [`Clock`] ([`SystemClock`], or a [`FixedClock`]
//!   with a fixed UTC offset).
//! - The script is fetched through a [`PacFetcher`]: [`BuiltinFetcher`]
//!   reads `data:` and `file:` URLs and hands `http(s):` to a fetcher the
//!   caller supplies (the facade's HTTP client); this crate has no HTTP
//!   client. Bodies are limited to 1 MiB, the status must be 200, and the
//!   text is decoded by [`decode_script`] (charset, else BOM, else
//!   ISO-8859-1).
//!
//! # Example
//!
//! ```
//! use sessionkit_pac::{PacOptions, PacResolver};
//! use url::Url;
//!
//! // ses.setProxy({ pacScript: "data:..." })
//! let script = "function FindProxyForURL(url, host) {
//!     if (isPlainHostName(host) || dnsDomainIs(host, '.corp.example')) return 'DIRECT';
//!     if (shExpMatch(url, 'http://*.example.com/*')) return 'PROXY a:8080; PROXY b:8080';
//!     return 'PROXY fallback:3128; DIRECT';
//! }";
//! let pac_url = format!("data:application/x-ns-proxy-autoconfig,{}", script.replace('%', "%25"));
//! let pac = PacResolver::new(&pac_url, PacOptions::new())?;
//!
//! // ses.resolveProxy(url)
//! let resolve = |u: &str| -> Result<String, Box<dyn std::error::Error>> {
//!     Ok(pac.resolve(&Url::parse(u)?)?.to_pac_string())
//! };
//! assert_eq!(resolve("http://www.example.com/a")?, "PROXY a:8080;PROXY b:8080");
//! assert_eq!(resolve("https://www.example.com/a")?, "PROXY fallback:3128;DIRECT"); // path hidden
//! assert_eq!(resolve("http://wiki.corp.example/")?, "DIRECT");
//! assert_eq!(resolve("http://localhost:3000/")?, "DIRECT"); // never reaches the script
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Engine and sandbox
//!
//! The engine is QuickJS through `rquickjs`, chosen for its sandbox: an
//! **interrupt handler** that QuickJS polls while it runs lets each call
//! stop at a wall-clock deadline ([`Limits::time_budget`], 1 s by default;
//! the script cannot catch it), and a **memory limit** on the runtime's
//! allocator turns an allocation bomb into an exception instead of an abort
//! ([`Limits::memory_limit`], 64 MiB). boa, the pure-Rust alternative, can
//! bound loop iterations and recursion but has no wall-clock interrupt.
//!
//! The two candidates on the three things a PAC engine needs:
//!
//! | | rquickjs 0.14 (QuickJS) | boa_engine 0.22 |
//! |---|---|---|
//! | stop a running script | interrupt handler, polled by the interpreter: a wall-clock deadline | loop-iteration, recursion and stack limits only; a slow non-looping script runs on |
//! | cap its memory | runtime memory limit: an exception, the process lives | none of its own |
//! | build | one C library through `cc` (a C compiler, no other tools) | pure Rust, but a large crate graph (its default features pull ICU data for `Temporal`) |
//! | evaluation | 52 µs per `FindProxyForURL` on a 195-line corporate PAC, release build, 7–11× Debian's pacparser (`benches/`) | not measured here |
//!
//! Only the first two decide: without them a hostile or broken script could
//! hang or abort the resolving thread, so QuickJS it is.
//! Each engine has its own runtime with only the ECMAScript built-ins and
//! the PAC helpers: no module loader, no I/O, no network, no timers, no
//! `std`/`os` modules. Errors are typed: [`PacError::Timeout`],
//! [`PacError::OutOfMemory`], [`PacError::Script`], ... After a timeout or
//! out-of-memory error, [`PacResolver`] rebuilds the engine from the
//! cached script.
//!
//! # Helper functions
//!
//! All of Chromium's, implemented natively in Rust from the public PAC
//! definitions (no browser's JavaScript library is included):
//! `isPlainHostName` (no dot and not an IPv6 literal; a non-string throws),
//! `dnsDomainIs` (plain suffix test), `localHostOrDomainIs`, `isResolvable`
//! and `dnsResolve` (IPv4 only; `null` on failure), `isInNet` (a dotted
//! quad, else the name resolved to IPv4; pattern and mask are taken as
//! `convert_addr` takes them), `convert_addr` (signed 32-bit),
//! `myIpAddress` (IPv4 preferred, loopback and link-local last,
//! `"127.0.0.1"` when none), `dnsDomainLevels`, `shExpMatch` (`*`, `?`, and
//! the rest of the pattern is a regular expression as in browsers),
//! `weekdayRange`, `dateRange`, `timeRange` (trailing `"GMT"` for UTC,
//! inclusive ranges that do not wrap around, `timeRange` with a wrong
//! argument count throws), `alert` (to [`PacEnvironment::with_alert`]), and
//! the Microsoft extensions `isResolvableEx`, `isInNetEx` (CIDR, IPv4 or
//! IPv6), `dnsResolveEx` and `myIpAddressEx` (`;`-separated, `""` on
//! failure), `sortIpAddressList` (IPv6 first, ascending; `false` on bad
//! input) and `getClientVersion` (`"1.0"`).
//!
//! Local time: a [`FixedClock`] carries its own UTC offset; with
//! [`SystemClock`] local time is the engine's JavaScript `Date` local time,
//! i.e. the C library's time zone (`TZ`, else `/etc/localtime`), daylight
//! saving included.
//!
//! # Electron and Chrome
//!
//! | situation | [`FailureMode::Mandatory`] (Electron, default) | [`FailureMode::FallBackToDirect`] (Chrome) |
//! |---|---|---|
//! | script cannot be fetched or does not load | `Err` (`resolveProxy` gives `""`, requests fail) | `DIRECT` |
//! | script throws, times out, returns a non-string | `Err` | `DIRECT` |
//! | returns `""` or garbage | `DIRECT` | `DIRECT` |
//! | localhost, loopback, link-local URLs | `DIRECT`, script not called | same |
//!
//! [`PacResolver::try_resolve`] always reports the error.
//!
//! # Deviation
//!
//! - **`file:` URLs** are read by [`BuiltinFetcher`]; Chromium's network
//!   service refuses them (`ERR_DISALLOWED_URL_SCHEME`).
//!   [`BuiltinFetcher::without_file`] restores the refusal.
//! - **Limits.** Chromium runs PAC in V8 in a utility process with no
//!   per-call deadline or heap cap of its own; here every call has a time
//!   budget and the engine a memory cap, so a script that Chromium would
//!   let spin forever fails with [`PacError::Timeout`].
//! - **Engine.** QuickJS instead of V8: ECMAScript semantics agree for what
//!   PAC scripts do, but error messages differ, and V8-only extensions are
//!   missing.
//! - **Argument coercion.** The helpers that Chromium writes in JavaScript
//!   (`dnsDomainIs`, `shExpMatch`, ...) convert their arguments to strings
//!   here, where Chromium's would throw on some non-strings (`undefined.length`).
//! - **`dateRange`** compares calendar fields, so it has none of the
//!   `Date` overflow of the browsers' version (`dateRange("JAN", "FEB")`
//!   there also covers up to March 3, from setting February 31).
//! - **The script's own `Date`** reads the system clock, not the injected
//!   [`Clock`]; only the time helpers read the clock.
//! - **Retries.** After a failed fetch the resolver retries on use after
//!   8 s, 32 s, 2 min and then every 4 h, as Chromium does, but it does
//!   not refresh a good script every 12 h or on network changes: call
//!   [`PacResolver::force_reload`].
//! - **Unknown charsets** decode as ISO-8859-1.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod call;
mod clock;
mod data_url;
mod decode;
mod dns;
mod engine;
mod environment;
mod error;
mod fetch;
mod helpers;
mod resolver;
mod sandbox;
mod worker;

pub use call::script_arguments;
pub use clock::{Clock, FixedClock, SystemClock};
pub use decode::decode_script;
pub use dns::{HostResolver, StaticResolver, SystemResolver};
pub use engine::PacEngine;
pub use environment::{AlertHook, PacEnvironment};
pub use error::{FetchError, PacError};
pub use fetch::{BuiltinFetcher, PacFetcher, PacResponse};
pub use resolver::{FailureMode, PacOptions, PacResolver};
pub use sandbox::{Limits, MAX_SCRIPT_LEN};
