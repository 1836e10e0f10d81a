//! Chromium's proxy configuration as Electron's `session` exposes it.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod config;
mod error;
mod list;
mod pac_result;
#[cfg(feature = "reqwest")]
mod reqwest;
mod rules;
mod scheme;
mod server;
mod tokens;

pub use config::{ProxyConfig, ProxyMode};
pub use error::{ConfigError, MAX_INPUT_LEN, ParseError, ParseErrorKind, ResolveError};
pub use list::ProxyList;
#[cfg(feature = "reqwest")]
pub use reqwest::UNREACHABLE_PROXY;
pub use rules::ProxyRules;
pub use scheme::ProxyScheme;
pub use server::ProxyServer;
