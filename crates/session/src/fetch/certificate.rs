//! The session's certificate verify proc: the application's say on the
//! server certificates of its TLS connections.

use std::sync::Arc;

/// What a certificate verify proc is asked about: one server certificate
/// chain, after the platform's verifier has judged it.
///
/// Electron: the `request` of `ses.setCertificateVerifyProc(proc)`
/// (`hostname`, `certificate`, `verificationResult`, `errorCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateVerifyRequest {
    /// The host the connection is for (an IP address for an IP URL).
    pub hostname: String,
    /// The chain the server sent, DER-encoded, its own certificate first.
    pub certificate_chain: Vec<Vec<u8>>,
    /// The platform verifier's verdict as Chromium names it
    /// (`ERR_CERT_AUTHORITY_INVALID`, `ERR_CERT_DATE_INVALID`,
    /// `ERR_CERT_COMMON_NAME_INVALID`, `ERR_CERT_REVOKED`,
    /// `ERR_CERT_INVALID`), or `None` when it accepted the chain
    /// (Electron's `"net::OK"`).
    pub verification_result: Option<&'static str>,
}

impl CertificateVerifyRequest {
    /// Chromium's number for [`verification_result`](Self::verification_result)
    /// (`0` when the chain was accepted): Electron's `errorCode`.
    #[must_use]
    pub fn error_code(&self) -> i32 {
        match self.verification_result {
            None => 0,
            Some("ERR_CERT_COMMON_NAME_INVALID") => -200,
            Some("ERR_CERT_DATE_INVALID") => -201,
            Some("ERR_CERT_AUTHORITY_INVALID") => -202,
            Some("ERR_CERT_REVOKED") => -206,
            Some(_) => -207,
        }
    }
}

/// A certificate verify proc's answer.
///
/// Electron's callback codes: `0` accept, `-2` reject, `-3` use the
/// verification result of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateVerdict {
    /// Trust the chain whatever the platform said (`0`). The server must
    /// still prove it holds the certificate's key: the handshake's
    /// signature is checked as always.
    Accept,
    /// Refuse the chain (`-2`): the request fails with
    /// [`FetchError::CertificateInvalid`](crate::FetchError::CertificateInvalid).
    Reject,
    /// Go by the platform verifier's verdict (`-3`).
    UseDefault,
}

impl CertificateVerdict {
    /// Electron's callback code for the verdict.
    #[must_use]
    pub const fn code(self) -> i32 {
        match self {
            Self::Accept => 0,
            Self::Reject => -2,
            Self::UseDefault => -3,
        }
    }
}

/// A verify proc as the session keeps it.
pub(crate) type VerifyProc = dyn Fn(&CertificateVerifyRequest) -> CertificateVerdict + Send + Sync;

/// The proc in force, shared with the TLS settings built from it.
pub(crate) type SharedVerifyProc = Arc<VerifyProc>;
