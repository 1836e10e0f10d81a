//! A rustls certificate verifier that asks the session's verify proc after
//! the platform's verifier has given its verdict.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use crate::fetch::certificate::{CertificateVerdict, CertificateVerifyRequest, SharedVerifyProc};

/// The platform's verifier with the application's proc after it.
///
/// Only the chain's trust is the proc's to decide: the handshake
/// signatures are checked by the platform verifier (the provider's
/// algorithms) whatever the proc says, so an accepted certificate still
/// has to be the server's.
pub(crate) struct ProcVerifier {
    pub(crate) platform: Arc<dyn ServerCertVerifier>,
    pub(crate) proc: SharedVerifyProc,
}

impl fmt::Debug for ProcVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcVerifier").field("platform", &self.platform).finish_non_exhaustive()
    }
}

/// Chromium's name for a certificate error.
fn net_error_name(error: &Error) -> &'static str {
    match error {
        Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "ERR_CERT_AUTHORITY_INVALID",
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "ERR_CERT_COMMON_NAME_INVALID"
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => "ERR_CERT_DATE_INVALID",
            CertificateError::Revoked => "ERR_CERT_REVOKED",
            _ => "ERR_CERT_INVALID",
        },
        _ => "ERR_CERT_INVALID",
    }
}

impl ServerCertVerifier for ProcVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let default = self.platform.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let request = CertificateVerifyRequest {
            hostname: server_name.to_str().into_owned(),
            certificate_chain: std::iter::once(end_entity)
                .chain(intermediates)
                .map(|der| der.as_ref().to_vec())
                .collect(),
            verification_result: default.as_ref().err().map(net_error_name),
        };
        // A panicking proc refuses the certificate rather than taking the
        // connection task down with it.
        let verdict = catch_unwind(AssertUnwindSafe(|| (self.proc)(&request)))
            .unwrap_or(CertificateVerdict::Reject);
        match verdict {
            CertificateVerdict::Accept => Ok(ServerCertVerified::assertion()),
            CertificateVerdict::Reject => {
                Err(Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
            }
            CertificateVerdict::UseDefault => default,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.platform.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.platform.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.platform.supported_verify_schemes()
    }
}
