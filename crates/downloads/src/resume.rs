//! Resume modes (Chromium's `GetDownloadResumeMode`) and the automatic retry policy.
//!
//! Chromium's rule, in our words: each interrupt reason either allows an automatic
//! resume, forces a restart from zero, needs the user, needs the user *and* a
//! restart, or ends the download. Two conditions are then added: a restart is
//! required when there is no partial file or no strong validators to continue it,
//! and the user is required once 5 automatic attempts were made or the item is
//! paused. Continue modes keep the partial file; restart and invalid modes delete
//! it. Only `http`/`https` downloads resume at all ([`scheme_can_resume`]).
//!
//! # Deviation
//! Chromium resumes automatically at once; [`RetryPolicy`] spaces the attempts with
//! exponential backoff and jitter, drawn from a random source the caller injects.

use std::time::Duration;

use crate::reason::InterruptReason;

/// Chromium's `kMaxAutoResumeAttempts`.
pub const MAX_AUTO_RESUME_ATTEMPTS: u32 = 5;

/// What may happen after an interruption (Chromium's `ResumeMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResumeMode {
    /// Resume automatically, continuing from the partial file.
    ImmediateContinue,
    /// Resume automatically, from zero.
    ImmediateRestart,
    /// Wait for `resume()`, then continue from the partial file.
    UserContinue,
    /// Wait for `resume()`, then start from zero.
    UserRestart,
    /// Not resumable: the download is done (Electron emits `done` with
    /// `interrupted`).
    Invalid,
}

impl ResumeMode {
    /// Whether the policy resumes without waiting for the user.
    #[must_use]
    pub const fn is_automatic(self) -> bool {
        matches!(self, Self::ImmediateContinue | Self::ImmediateRestart)
    }

    /// Whether the partial file is kept (continue modes) rather than deleted.
    #[must_use]
    pub const fn keeps_partial_file(self) -> bool {
        matches!(self, Self::ImmediateContinue | Self::UserContinue)
    }

    /// Whether the next attempt starts from byte zero.
    #[must_use]
    pub const fn restarts(self) -> bool {
        matches!(self, Self::ImmediateRestart | Self::UserRestart)
    }

    /// The same mode, waiting for the user instead of resuming by itself (what
    /// pausing does, and what an item restored after a restart gets).
    #[must_use]
    pub const fn requiring_user(self) -> Self {
        match self {
            Self::ImmediateContinue => Self::UserContinue,
            Self::ImmediateRestart => Self::UserRestart,
            other => other,
        }
    }
}

/// The base effect of a reason before the partial-file and attempt checks.
#[derive(Clone, Copy)]
enum Base {
    None,
    Restart,
    User,
    UserRestart,
    Invalid,
}

const fn base_effect(reason: InterruptReason) -> Base {
    use InterruptReason as R;
    match reason {
        R::NetworkTimeout | R::FileTransientError | R::ServerContentLengthMismatch => Base::None,
        // SERVER_PRECONDITION (obsolete) was a failed range precondition: restart.
        R::ServerNoRange | R::ServerPrecondition | R::FileHashMismatch | R::FileTooShort => {
            Base::Restart
        }
        R::NetworkFailed
        | R::NetworkDisconnected
        | R::NetworkServerDown
        | R::ServerFailed
        | R::ServerUnreachable
        | R::Crash
        | R::FileNoSpace => Base::User,
        R::FileFailed | R::FileAccessDenied | R::FileNameTooLong | R::FileTooLarge => {
            Base::UserRestart
        }
        R::NetworkInvalidRequest
        | R::FileVirusInfected
        | R::ServerBadContent
        | R::UserShutdown
        | R::UserCanceled
        | R::FileBlocked
        | R::FileSecurityCheckFailed
        | R::ServerUnauthorized
        | R::ServerCertProblem
        | R::ServerForbidden
        | R::ServerCrossOriginRedirect
        | R::FileSameAsSource => Base::Invalid,
    }
}

/// Chromium's resume mode for an interrupted download.
///
/// `partial_len` is the length of the partial file kept (0: none),
/// `strong_validators` whether the first response had them, `auto_attempts` how
/// many automatic resumes were already made.
#[must_use]
pub const fn resume_mode(
    reason: InterruptReason,
    partial_len: u64,
    strong_validators: bool,
    auto_attempts: u32,
    paused: bool,
) -> ResumeMode {
    let (mut restart, mut user) = match base_effect(reason) {
        Base::Invalid => return ResumeMode::Invalid,
        Base::None => (false, false),
        Base::Restart => (true, false),
        Base::User => (false, true),
        Base::UserRestart => (true, true),
    };
    restart |= partial_len == 0 || !strong_validators;
    user |= auto_attempts >= MAX_AUTO_RESUME_ATTEMPTS || paused;
    match (user, restart) {
        (true, true) => ResumeMode::UserRestart,
        (true, false) => ResumeMode::UserContinue,
        (false, true) => ResumeMode::ImmediateRestart,
        (false, false) => ResumeMode::ImmediateContinue,
    }
}

/// Whether a URL's scheme allows resuming (Chromium: http and https only).
#[must_use]
pub fn scheme_can_resume(url: &url::Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// A source of random numbers for jitter; any `FnMut() -> u64` is one.
pub trait RandomSource {
    /// A uniformly distributed 64-bit value.
    fn next_u64(&mut self) -> u64;
}

impl<F: FnMut() -> u64> RandomSource for F {
    fn next_u64(&mut self) -> u64 {
        self()
    }
}

/// When to resume automatically: at most `max_attempts` times, the n-th attempt
/// (0-based) after a delay drawn uniformly from `[cap/2, cap]` where
/// `cap = min(max_delay, base_delay * 2^n)` ("equal jitter").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Automatic attempts before the user is needed (Chromium: 5).
    pub max_attempts: u32,
    /// The cap of the first delay.
    pub base_delay: Duration,
    /// The largest delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: MAX_AUTO_RESUME_ATTEMPTS,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The delay before automatic attempt `attempt` (0-based) for an item in
    /// `mode`; `None` when the mode is not automatic or the attempts are used up.
    #[must_use]
    pub fn delay(
        &self,
        mode: ResumeMode,
        attempt: u32,
        random: &mut impl RandomSource,
    ) -> Option<Duration> {
        if !mode.is_automatic() || attempt >= self.max_attempts {
            return None;
        }
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        let half = cap_nanos / 2;
        let spread = cap_nanos - half;
        let jitter = if spread == 0 { 0 } else { random.next_u64() % (spread + 1) };
        Some(Duration::from_nanos(half + jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InterruptReason as R;
    use ResumeMode as M;

    #[test]
    fn base_modes_with_partial_and_validators() {
        let cases = [
            (R::NetworkTimeout, M::ImmediateContinue),
            (R::FileTransientError, M::ImmediateContinue),
            (R::ServerContentLengthMismatch, M::ImmediateContinue),
            (R::ServerNoRange, M::ImmediateRestart),
            (R::FileHashMismatch, M::ImmediateRestart),
            (R::FileTooShort, M::ImmediateRestart),
            (R::ServerPrecondition, M::ImmediateRestart),
            (R::NetworkFailed, M::UserContinue),
            (R::NetworkDisconnected, M::UserContinue),
            (R::NetworkServerDown, M::UserContinue),
            (R::ServerFailed, M::UserContinue),
            (R::ServerUnreachable, M::UserContinue),
            (R::Crash, M::UserContinue),
            (R::FileNoSpace, M::UserContinue),
            (R::FileFailed, M::UserRestart),
            (R::FileAccessDenied, M::UserRestart),
            (R::FileNameTooLong, M::UserRestart),
            (R::FileTooLarge, M::UserRestart),
            (R::NetworkInvalidRequest, M::Invalid),
            (R::FileVirusInfected, M::Invalid),
            (R::ServerBadContent, M::Invalid),
            (R::UserShutdown, M::Invalid),
            (R::UserCanceled, M::Invalid),
            (R::FileBlocked, M::Invalid),
            (R::FileSecurityCheckFailed, M::Invalid),
            (R::ServerUnauthorized, M::Invalid),
            (R::ServerCertProblem, M::Invalid),
            (R::ServerForbidden, M::Invalid),
            (R::ServerCrossOriginRedirect, M::Invalid),
            (R::FileSameAsSource, M::Invalid),
        ];
        assert_eq!(cases.len(), R::ALL.len());
        for (reason, want) in cases {
            assert_eq!(resume_mode(reason, 100, true, 0, false), want, "{reason}");
        }
    }

    #[test]
    fn flags_are_or_ed_in() {
        // No partial file or no strong validators → restart.
        assert_eq!(resume_mode(R::NetworkTimeout, 0, true, 0, false), M::ImmediateRestart);
        assert_eq!(resume_mode(R::NetworkTimeout, 100, false, 0, false), M::ImmediateRestart);
        assert_eq!(resume_mode(R::NetworkFailed, 100, false, 0, false), M::UserRestart);
        // Five automatic attempts or paused → the user decides.
        assert_eq!(resume_mode(R::NetworkTimeout, 100, true, 4, false), M::ImmediateContinue);
        assert_eq!(resume_mode(R::NetworkTimeout, 100, true, 5, false), M::UserContinue);
        assert_eq!(resume_mode(R::ServerNoRange, 100, true, 5, false), M::UserRestart);
        assert_eq!(resume_mode(R::NetworkTimeout, 100, true, 0, true), M::UserContinue);
        assert_eq!(resume_mode(R::ServerForbidden, 0, false, 9, true), M::Invalid);
    }

    #[test]
    fn mode_predicates() {
        assert!(M::ImmediateContinue.keeps_partial_file() && M::UserContinue.keeps_partial_file());
        assert!(!M::ImmediateRestart.keeps_partial_file() && !M::Invalid.keeps_partial_file());
        assert!(M::UserRestart.restarts() && !M::UserContinue.restarts());
        assert!(M::ImmediateRestart.is_automatic() && !M::UserContinue.is_automatic());
        assert_eq!(M::ImmediateContinue.requiring_user(), M::UserContinue);
        assert_eq!(M::ImmediateRestart.requiring_user(), M::UserRestart);
        assert_eq!(M::Invalid.requiring_user(), M::Invalid);
        assert!(scheme_can_resume(&url::Url::parse("https://a/b").unwrap()));
        assert!(!scheme_can_resume(&url::Url::parse("ftp://a/b").unwrap()));
        assert!(!scheme_can_resume(&url::Url::parse("data:,x").unwrap()));
    }

    #[test]
    fn backoff_with_injected_jitter() {
        let policy = RetryPolicy::default();
        let mut zero = || 0u64;
        let mut max = || u64::MAX;
        let lows: Vec<_> =
            (0..6).map(|n| policy.delay(M::ImmediateContinue, n, &mut zero)).collect();
        assert_eq!(
            lows,
            [0.5, 1.0, 2.0, 4.0, 8.0]
                .map(|s| Some(Duration::from_secs_f64(s)))
                .into_iter()
                .chain([None])
                .collect::<Vec<_>>()
        );
        let mut seq = [7u64, 1 << 40, 12345].into_iter().cycle();
        let mut next = move || seq.next().unwrap_or_default();
        for n in 0..5 {
            let cap = Duration::from_secs(1 << n);
            let d = policy.delay(M::ImmediateRestart, n, &mut next).unwrap();
            assert!(d >= cap / 2 && d <= cap, "{n}: {d:?}");
        }
        let capped = RetryPolicy { max_attempts: 40, ..RetryPolicy::default() };
        let d = capped.delay(M::ImmediateContinue, 39, &mut max).unwrap();
        assert!(d <= Duration::from_secs(60) && d >= Duration::from_secs(30));
        assert_eq!(policy.delay(M::UserContinue, 0, &mut zero), None);
        assert_eq!(policy.delay(M::Invalid, 0, &mut zero), None);
    }
}
