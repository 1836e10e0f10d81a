//! Integration tests of sessionkit-proxy-rules, one binary. Vectors are
//! written from the behaviour of Chromium's proxy rules parser and
//! `ProxyRules::Apply` as Electron uses them.

mod config;
mod invalid;
mod pac_result;
mod props;
#[cfg(feature = "reqwest")]
mod reqwest;
mod rules;

use url::Url;

/// Parses a URL that a test wrote itself.
pub(crate) fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("test URL {s:?}: {e}"))
}
