//! Expiry collection and eviction (Chromium's `GarbageCollect`).

use crate::events::{ChangeCause, CookieChange};
use crate::store::Store;
use crate::time::Timestamp;

/// Removes every expired cookie in the jar (cause `expired`).
pub(crate) fn remove_expired_everywhere(
    store: &mut Store,
    now: Timestamp,
    changes: &mut Vec<CookieChange>,
) {
    let removed = store.remove_all(|c| c.is_expired(now));
    changes.extend(removed.into_iter().map(|c| CookieChange::new(c, ChangeCause::Expired)));
}
