//! The download item's state machine (Chromium's `DownloadItemImpl` internal states
//! and transition table) and Electron's external view of it.
//!
//! Chromium's table, in our words: a new item waits for its target path
//! (`TargetPending`); an interruption that arrives before the path is chosen is held
//! back (`InterruptedTargetPending`) and applied once it is. With a path the item
//! runs (`InProgress`), then finishes through `Completing` to `Complete`. An
//! interrupted item can only be resumed (`Resuming`, which goes back to choosing or
//! confirming the target) or cancelled. `Complete` and `Cancelled` are final. Pausing
//! is not a state: it is a flag beside `InProgress`, as in Chromium and Electron.

use std::fmt;

use crate::error::Error;
use crate::resume::ResumeMode;

/// Chromium's internal download states (`DownloadInternalState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum State {
    /// Created, nothing decided yet.
    #[default]
    Initial,
    /// Waiting for the target path to be chosen.
    TargetPending,
    /// Interrupted while the target path was being chosen; the interruption takes
    /// effect once the path is known.
    InterruptedTargetPending,
    /// The target path is known; the transfer can start.
    TargetResolved,
    /// Bytes are flowing (or paused).
    InProgress,
    /// All bytes are in; the file is being renamed to its final name.
    Completing,
    /// Done.
    Complete,
    /// Stopped with a reason; may be resumable.
    Interrupted,
    /// A resume was requested; a new request is being set up.
    Resuming,
    /// Cancelled by the user; the partial file is gone.
    Cancelled,
}

/// Every allowed transition, and only those (Chromium's
/// `DownloadItemImpl::TransitionTo` checks).
pub const TRANSITIONS: &[(State, State)] = {
    use State::{
        Cancelled, Complete, Completing, InProgress, Initial, Interrupted,
        InterruptedTargetPending, Resuming, TargetPending, TargetResolved,
    };
    &[
        (Initial, TargetPending),
        (Initial, InterruptedTargetPending),
        (TargetPending, TargetResolved),
        (TargetPending, InterruptedTargetPending),
        (TargetPending, Cancelled),
        (InterruptedTargetPending, TargetResolved),
        (InterruptedTargetPending, Cancelled),
        (TargetResolved, InProgress),
        (TargetResolved, Interrupted),
        (TargetResolved, Cancelled),
        (InProgress, Completing),
        (InProgress, Interrupted),
        (InProgress, Cancelled),
        (Completing, Complete),
        (Interrupted, Resuming),
        (Interrupted, Cancelled),
        (Resuming, TargetPending),
        (Resuming, InterruptedTargetPending),
        (Resuming, TargetResolved),
        (Resuming, Cancelled),
    ]
};

/// Electron's `DownloadItem.getState()` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExternalState {
    /// `progressing`: every state that is not one of the three below.
    Progressing,
    /// `completed`.
    Completed,
    /// `cancelled`.
    Cancelled,
    /// `interrupted`.
    Interrupted,
}

impl ExternalState {
    /// Electron's string for the state.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Progressing => "progressing",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for ExternalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl State {
    /// Every state.
    pub const ALL: &[Self] = &[
        Self::Initial,
        Self::TargetPending,
        Self::InterruptedTargetPending,
        Self::TargetResolved,
        Self::InProgress,
        Self::Completing,
        Self::Complete,
        Self::Interrupted,
        Self::Resuming,
        Self::Cancelled,
    ];

    /// Chromium's name for the state.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Initial => "INITIAL",
            Self::TargetPending => "TARGET_PENDING",
            Self::InterruptedTargetPending => "INTERRUPTED_TARGET_PENDING",
            Self::TargetResolved => "TARGET_RESOLVED",
            Self::InProgress => "IN_PROGRESS",
            Self::Completing => "COMPLETING",
            Self::Complete => "COMPLETE",
            Self::Interrupted => "INTERRUPTED",
            Self::Resuming => "RESUMING",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// Whether `self → to` is in [`TRANSITIONS`].
    #[must_use]
    pub fn can_transition_to(self, to: Self) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// `self → to`, or [`Error::InvalidTransition`].
    ///
    /// # Errors
    /// When the pair is not in [`TRANSITIONS`].
    pub fn transition(&mut self, to: Self) -> Result<(), Error> {
        if !self.can_transition_to(to) {
            return Err(Error::InvalidTransition { from: *self, to });
        }
        *self = to;
        Ok(())
    }

    /// `Complete` and `Cancelled` never change again.
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Complete | Self::Cancelled)
    }

    /// Electron's view of the state.
    #[must_use]
    pub const fn external(self) -> ExternalState {
        match self {
            Self::Complete => ExternalState::Completed,
            Self::Cancelled => ExternalState::Cancelled,
            Self::Interrupted => ExternalState::Interrupted,
            _ => ExternalState::Progressing,
        }
    }

    /// Electron's `isDone()`: complete, cancelled, or interrupted for good (resume
    /// mode [`ResumeMode::Invalid`]). `mode` is the current resume mode of an
    /// interrupted item and is ignored otherwise.
    #[must_use]
    pub const fn is_done(self, mode: ResumeMode) -> bool {
        match self {
            Self::Complete | Self::Cancelled => true,
            Self::Interrupted => matches!(mode, ResumeMode::Invalid),
            _ => false,
        }
    }

    /// Electron's `canResume()`: a paused item in progress, or an interrupted item
    /// whose resume mode waits for the user.
    #[must_use]
    pub const fn can_resume(self, paused: bool, mode: ResumeMode) -> bool {
        match self {
            Self::InProgress => paused,
            Self::Interrupted => matches!(mode, ResumeMode::UserContinue | ResumeMode::UserRestart),
            _ => false,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_matrix() {
        let mut allowed = 0;
        for &from in State::ALL {
            for &to in State::ALL {
                let mut s = from;
                let result = s.transition(to);
                if TRANSITIONS.contains(&(from, to)) {
                    allowed += 1;
                    assert_eq!(result, Ok(()), "{from} -> {to}");
                    assert_eq!(s, to);
                } else {
                    assert_eq!(
                        result,
                        Err(Error::InvalidTransition { from, to }),
                        "{from} -> {to}"
                    );
                    assert_eq!(s, from);
                }
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        for &terminal in &[State::Complete, State::Cancelled] {
            assert!(terminal.is_terminal());
            assert!(State::ALL.iter().all(|&to| !terminal.can_transition_to(to)));
        }
    }

    #[test]
    fn happy_path_and_resume() {
        let mut s = State::default();
        for to in [
            State::TargetPending,
            State::TargetResolved,
            State::InProgress,
            State::Interrupted,
            State::Resuming,
            State::TargetResolved,
            State::InProgress,
            State::Completing,
            State::Complete,
        ] {
            s.transition(to).unwrap();
        }
        let err = s.transition(State::InProgress).unwrap_err();
        assert_eq!(err.to_string(), "invalid download state transition COMPLETE -> IN_PROGRESS");
    }

    #[test]
    fn external_mapping() {
        for &s in State::ALL {
            let want = match s {
                State::Complete => "completed",
                State::Cancelled => "cancelled",
                State::Interrupted => "interrupted",
                _ => "progressing",
            };
            assert_eq!(s.external().as_str(), want, "{s}");
        }
    }

    #[test]
    fn done_and_can_resume() {
        assert!(State::Interrupted.is_done(ResumeMode::Invalid));
        assert!(!State::Interrupted.is_done(ResumeMode::UserContinue));
        assert!(State::Complete.is_done(ResumeMode::UserContinue));
        assert!(!State::InProgress.is_done(ResumeMode::Invalid));
        assert!(State::InProgress.can_resume(true, ResumeMode::Invalid));
        assert!(!State::InProgress.can_resume(false, ResumeMode::UserContinue));
        assert!(State::Interrupted.can_resume(false, ResumeMode::UserRestart));
        assert!(!State::Interrupted.can_resume(false, ResumeMode::ImmediateContinue));
        assert!(!State::Complete.can_resume(true, ResumeMode::UserContinue));
    }
}
