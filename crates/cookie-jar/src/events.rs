//! Change notifications: Electron's `cookies.on('changed', (event, cookie, cause, removed))`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::cookie::Cookie;

/// Why a cookie changed; Electron's `cause` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChangeCause {
    /// A new cookie was stored with no equivalent before it.
    Inserted,
    /// Stored over an equivalent cookie identical in value and every attribute.
    InsertedNoChangeOverwrite,
    /// Stored over an equivalent cookie with the same value but other attributes changed.
    InsertedNoValueChangeOverwrite,
    /// Removed by an explicit call ([`CookieJar::remove`](crate::CookieJar::remove), ...).
    Explicit,
    /// Removed because an equivalent cookie replaced it.
    Overwrite,
    /// Removed because it expired.
    Expired,
    /// Removed by a limit (per-domain, global or per-partition).
    Evicted,
    /// Removed because an equivalent, already-expired cookie was set over it.
    ExpiredOverwrite,
}

impl ChangeCause {
    /// Electron's string (`inserted`, `expired-overwrite`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Inserted => "inserted",
            Self::InsertedNoChangeOverwrite => "inserted-no-change-overwrite",
            Self::InsertedNoValueChangeOverwrite => "inserted-no-value-change-overwrite",
            Self::Explicit => "explicit",
            Self::Overwrite => "overwrite",
            Self::Expired => "expired",
            Self::Evicted => "evicted",
            Self::ExpiredOverwrite => "expired-overwrite",
        }
    }

    /// Electron's `removed` flag: false exactly for the three `inserted*` causes.
    #[must_use]
    pub const fn is_removal(self) -> bool {
        !matches!(
            self,
            Self::Inserted | Self::InsertedNoChangeOverwrite | Self::InsertedNoValueChangeOverwrite
        )
    }
}

impl fmt::Display for ChangeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change: the cookie as stored (or as it was when removed), why, and whether
/// it left the jar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookieChange {
    /// The cookie added or removed.
    pub cookie: Cookie,
    /// Why.
    pub cause: ChangeCause,
    /// True when the cookie left the jar (every cause but the `inserted*` ones).
    pub removed: bool,
}

impl CookieChange {
    pub(crate) const fn new(cookie: Cookie, cause: ChangeCause) -> Self {
        Self { cookie, cause, removed: cause.is_removal() }
    }
}

/// A synchronous change hook, see [`CookieJar::add_listener`](crate::CookieJar::add_listener).
pub type Listener = Arc<dyn Fn(&CookieChange) + Send + Sync>;

/// A synchronous hook told about every last-access update (the cookie as it now
/// is), see [`CookieJar::add_access_listener`](crate::CookieJar::add_access_listener).
/// Not a [`CookieChange`]: Electron has no cause for it and sends no `changed`
/// event, but a persistent store must write it, as Chromium's
/// `UpdateCookieAccessTime` does.
pub type AccessListener = Arc<dyn Fn(&Cookie) + Send + Sync>;
