//! Chromium's `DownloadInterruptReason`: why a download stopped, with its numeric
//! code and name from `download_interrupt_reason_values.h`.

use std::fmt;

macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal;)*) => {
        /// Why a download was interrupted (Chromium's `DownloadInterruptReason`).
        ///
        /// `Display` prints Chromium's name (`NETWORK_FAILED`); [`Self::code`] its number.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum InterruptReason {
            $($(#[$doc])* $variant,)*
        }

        impl InterruptReason {
            /// Every reason, in code order.
            pub const ALL: &[Self] = &[$(Self::$variant,)*];

            /// Chromium's numeric code.
            #[must_use]
            pub const fn code(self) -> u8 {
                match self { $(Self::$variant => $code,)* }
            }

            /// Chromium's name without the `DOWNLOAD_INTERRUPT_REASON_` prefix.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The reason with this code, if any.
            #[must_use]
            pub const fn from_code(code: u8) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

reasons! {
    /// Generic file operation failure.
    FileFailed = 1, "FILE_FAILED";
    /// The file cannot be accessed (permissions, read-only media).
    FileAccessDenied = 2, "FILE_ACCESS_DENIED";
    /// Not enough disk space.
    FileNoSpace = 3, "FILE_NO_SPACE";
    /// The path or name is too long.
    FileNameTooLong = 5, "FILE_NAME_TOO_LONG";
    /// The file is too large for the file system.
    FileTooLarge = 6, "FILE_TOO_LARGE";
    /// A virus scanner flagged the file.
    FileVirusInfected = 7, "FILE_VIRUS_INFECTED";
    /// A transient file error; retrying may help.
    FileTransientError = 10, "FILE_TRANSIENT_ERROR";
    /// Blocked by local policy.
    FileBlocked = 11, "FILE_BLOCKED";
    /// A security check on the file failed.
    FileSecurityCheckFailed = 12, "FILE_SECURITY_CHECK_FAILED";
    /// The partial file is shorter than the recorded offset.
    FileTooShort = 13, "FILE_TOO_SHORT";
    /// The partial file's contents no longer match what was written.
    FileHashMismatch = 14, "FILE_HASH_MISMATCH";
    /// The source and target are the same file.
    FileSameAsSource = 15, "FILE_SAME_AS_SOURCE";
    /// Generic network failure.
    NetworkFailed = 20, "NETWORK_FAILED";
    /// The network operation timed out.
    NetworkTimeout = 21, "NETWORK_TIMEOUT";
    /// The network connection was lost.
    NetworkDisconnected = 22, "NETWORK_DISCONNECTED";
    /// The server has gone down.
    NetworkServerDown = 23, "NETWORK_SERVER_DOWN";
    /// The request was invalid (bad URL, blocked port, ...).
    NetworkInvalidRequest = 24, "NETWORK_INVALID_REQUEST";
    /// The server answered with an error status.
    ServerFailed = 30, "SERVER_FAILED";
    /// The server does not honour the range requested (416, or a different range).
    ServerNoRange = 31, "SERVER_NO_RANGE";
    /// Obsolete in Chromium (the `If-Match` path was retired); kept for its code.
    ServerPrecondition = 32, "SERVER_PRECONDITION";
    /// The server's answer cannot be the requested file (204, 205, 404, bad 206).
    ServerBadContent = 33, "SERVER_BAD_CONTENT";
    /// Authentication is required (401, 407).
    ServerUnauthorized = 34, "SERVER_UNAUTHORIZED";
    /// The server's certificate was rejected.
    ServerCertProblem = 35, "SERVER_CERT_PROBLEM";
    /// Access forbidden (403).
    ServerForbidden = 36, "SERVER_FORBIDDEN";
    /// The server could not be reached.
    ServerUnreachable = 37, "SERVER_UNREACHABLE";
    /// The body ended before its announced length.
    ServerContentLengthMismatch = 38, "SERVER_CONTENT_LENGTH_MISMATCH";
    /// A resume request was redirected to another origin.
    ServerCrossOriginRedirect = 39, "SERVER_CROSS_ORIGIN_REDIRECT";
    /// The user cancelled.
    UserCanceled = 40, "USER_CANCELED";
    /// The application shut down.
    UserShutdown = 41, "USER_SHUTDOWN";
    /// The process died while the download was in progress.
    Crash = 50, "CRASH";
}

impl fmt::Display for InterruptReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::InterruptReason;

    #[test]
    fn codes_and_names_round_trip() {
        assert_eq!(InterruptReason::ALL.len(), 30);
        for &r in InterruptReason::ALL {
            assert_eq!(InterruptReason::from_code(r.code()), Some(r));
        }
        assert_eq!(InterruptReason::from_code(0), None);
        assert_eq!(InterruptReason::from_code(4), None);
        assert_eq!(InterruptReason::ServerNoRange.to_string(), "SERVER_NO_RANGE");
        assert_eq!(InterruptReason::Crash.code(), 50);
        assert_eq!(InterruptReason::ServerContentLengthMismatch.code(), 38);
    }
}
