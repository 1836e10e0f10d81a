//! Download events, delivered on tokio broadcast channels (one per manager, one
//! per item).

use crate::item::DownloadItem;
use crate::state::ExternalState;

/// Something happened to a download.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum DownloadEvent {
    /// A download got its response and is about to choose its path (Electron:
    /// session `will-download`, as information; decide with
    /// [`crate::DownloadManager::set_will_download_handler`]). Manager channel only.
    Created(DownloadItem),
    /// Electron: item `updated`. Progress at most once per update interval
    /// (500 ms by default) while bytes flow, and on every change of state, pause
    /// or resume, while the item is not done.
    Updated {
        /// The item's id.
        id: u64,
        /// `progressing` or `interrupted` (interrupted and resumable).
        state: ExternalState,
        /// True when this attempt threw the partial file away and started from
        /// byte zero although it asked to resume (the server sent the whole file,
        /// or the validators were missing).
        restarted: bool,
    },
    /// Electron: item `done`, exactly once: `completed`, `cancelled`, or
    /// `interrupted` when the item cannot be resumed.
    Done {
        /// The item's id.
        id: u64,
        /// The final state.
        state: ExternalState,
    },
}

impl DownloadEvent {
    /// The id of the item the event is about.
    #[must_use]
    pub fn id(&self) -> u64 {
        match self {
            Self::Created(item) => item.id(),
            Self::Updated { id, .. } | Self::Done { id, .. } => *id,
        }
    }
}
