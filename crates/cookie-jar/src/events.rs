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

/// The changes one jar operation records, for delivery once it is done. When
/// nobody listens (no listener, no subscriber) nothing is recorded, so no
/// event is built (and no stored cookie is cloned for one).
pub(crate) struct Changes {
    list: Vec<CookieChange>,
    wanted: bool,
}

impl Changes {
    /// A log that records only when `wanted`.
    pub(crate) const fn new(wanted: bool) -> Self {
        Self { list: Vec::new(), wanted }
    }

    /// Does anyone want the changes? When not, nothing is recorded.
    pub(crate) const fn wanted(&self) -> bool {
        self.wanted
    }

    /// Records one change.
    pub(crate) fn push(&mut self, cookie: Cookie, cause: ChangeCause) {
        if self.wanted {
            self.list.push(CookieChange::new(cookie, cause));
        }
    }

    /// Records that every cookie of `cookies` changed for `cause`.
    pub(crate) fn extend(&mut self, cookies: Vec<Cookie>, cause: ChangeCause) {
        if self.wanted {
            self.list.extend(cookies.into_iter().map(|c| CookieChange::new(c, cause)));
        }
    }

    /// The recorded changes, in order.
    pub(crate) fn into_vec(self) -> Vec<CookieChange> {
        self.list
    }
}
