//! TLS scaffolding for the HTTPS tests: a self-signed certificate for
//! 127.0.0.1 behind a rustls acceptor, and a session that trusts it.

use std::sync::Arc;

use rustls::SupportedProtocolVersion;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sessionkit::{CertificateVerdict, CertificateVerifyRequest, Session};
use tokio_rustls::TlsAcceptor;

/// A TLS acceptor (rustls' default protocol versions) with a fresh
/// self-signed certificate for 127.0.0.1, and the certificate's DER.
pub fn self_signed_acceptor() -> (TlsAcceptor, CertificateDer<'static>) {
    self_signed_acceptor_for(rustls::DEFAULT_VERSIONS)
}

/// [`self_signed_acceptor`] offering only `versions` (e.g. TLS 1.3 alone,
/// after whose handshake rustls sends session tickets).
pub fn self_signed_acceptor_for(
    versions: &[&'static SupportedProtocolVersion],
) -> (TlsAcceptor, CertificateDer<'static>) {
    let key =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let cert: CertificateDer<'static> = key.cert.der().clone();
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_protocol_versions(versions)
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert.clone()], private)
    .expect("server config");
    (TlsAcceptor::from(Arc::new(config)), cert)
}

/// A fresh session (see [`super::session`]) whose certificate verify proc
/// accepts every certificate, so the self-signed ones above are trusted.
pub fn trusting_session(name: &str) -> Session {
    let session = super::session(name);
    session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
        CertificateVerdict::Accept
    }));
    session
}
