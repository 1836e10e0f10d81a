//! TLS for destinations and HTTPS proxies: rustls with the aws-lc-rs
//! provider and the platform's certificate verifier (what reqwest's
//! `rustls` feature used before the session had its own client stack).

use std::io;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use crate::fetch::connect::stream::Stream;
use crate::fetch::connect::tcp::bare_host;

/// The crypto provider of every TLS connection of the session.
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The platform's verifier (the system trust store and its policies).
pub(crate) fn platform_verifier() -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    Ok(Arc::new(rustls_platform_verifier::Verifier::new(provider())?))
}

/// A TLS client with `verifier` deciding on server certificates,
/// offering only HTTP/1.1 in ALPN (the client speaks nothing else).
pub(crate) fn connector(
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<TlsConnector, rustls::Error> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Runs a TLS handshake with `host` over `stream`.
///
/// A failure is an `io::Error`; a TLS failure has the `rustls::Error`
/// inside (what classification looks for).
pub(crate) async fn handshake(
    connector: &TlsConnector,
    host: &str,
    stream: Stream,
) -> io::Result<Stream> {
    let name = ServerName::try_from(bare_host(host).to_owned())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let tls = connector.connect(name, stream).await?;
    Ok(Stream::Tls(Box::new(tls)))
}
