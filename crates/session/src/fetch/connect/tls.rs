//! TLS for destinations and HTTPS proxies: rustls with the aws-lc-rs
//! provider and the platform's certificate verifier (what reqwest's
//! `rustls` feature used before the session had its own client stack).
//!
//! The settings are made on the first TLS handshake, not with the session
//! or its routes: loading the platform's verifier reads every system CA
//! certificate (on Linux), which is blocking work that a session speaking
//! only plain `http:` never needs, and whose failure must fail TLS
//! connections only. Chromium likewise builds its certificate verifier for
//! the network context and consults it only from the SSL connect job.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::ClientConfig;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::ServerName;
use tokio::sync::OnceCell;

use crate::fetch::certificate::SharedVerifyProc;
use crate::fetch::connect::stream::Stream;
use crate::fetch::connect::tcp::bare_host;
use crate::fetch::connect::verify::ProcVerifier;

/// The crypto provider of every TLS connection of the session.
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The platform's verifier (the system trust store and its policies).
fn platform_verifier() -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    Ok(Arc::new(rustls_platform_verifier::Verifier::new(provider())?))
}

/// A TLS client with `verifier` deciding on server certificates,
/// offering only HTTP/1.1 in ALPN (the client speaks nothing else).
fn client_config(
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<tokio_rustls::TlsConnector, rustls::Error> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// The session's TLS client settings, shared by all its routes and made on
/// first use. Cheap to clone.
///
/// Every handshake takes the settings in force when it starts, so once
/// [`set_verify_proc`](Self::set_verify_proc) has returned no new TLS
/// connection (on any route, old or new) skips the new proc.
#[derive(Clone, Default)]
pub(crate) struct TlsConnector {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// The platform's verifier, loaded once off the async threads; a
    /// failure is kept too (the system store will not change under us),
    /// so it is reported by each TLS connection without loading again.
    platform: OnceCell<Result<Arc<dyn ServerCertVerifier>, rustls::Error>>,
    /// The settings for the verify proc in force.
    current: Mutex<Arc<Generation>>,
}

/// The settings of one verify proc (or none): made anew whenever the proc
/// changes, which also drops the TLS sessions the old settings cached for
/// resumption (a resumed session would skip the proc).
#[derive(Default)]
struct Generation {
    verify_proc: Option<SharedVerifyProc>,
    config: OnceCell<Result<tokio_rustls::TlsConnector, rustls::Error>>,
}

impl TlsConnector {
    /// Puts `proc` (or none) in charge of certificates of every handshake
    /// that starts from now on.
    pub(crate) fn set_verify_proc(&self, proc: Option<SharedVerifyProc>) {
        *self.shared.current.lock().unwrap_or_else(PoisonError::into_inner) =
            Arc::new(Generation { verify_proc: proc, config: OnceCell::new() });
    }

    /// The settings in force, made if this is the first handshake since
    /// the session started or its verify proc changed.
    async fn settings(&self) -> Result<tokio_rustls::TlsConnector, rustls::Error> {
        // The generation is taken before anything is awaited: a handshake
        // started after a proc change never gets the settings of before.
        let generation = self.shared.current.lock().unwrap_or_else(PoisonError::into_inner).clone();
        generation
            .config
            .get_or_init(|| async {
                let platform = self.platform().await?;
                let verifier: Arc<dyn ServerCertVerifier> = match &generation.verify_proc {
                    Some(proc) => Arc::new(ProcVerifier { platform, proc: proc.clone() }),
                    None => platform,
                };
                client_config(verifier)
            })
            .await
            .clone()
    }

    async fn platform(&self) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
        self.shared
            .platform
            .get_or_init(|| async {
                // Reading the system store blocks: not on a runtime worker.
                tokio::task::spawn_blocking(platform_verifier).await.unwrap_or_else(|error| {
                    Err(rustls::Error::General(format!(
                        "loading the platform's certificate verifier failed: {error}"
                    )))
                })
            })
            .await
            .clone()
    }
}

/// Runs a TLS handshake with `host` over `stream`.
///
/// A failure is an `io::Error`; a TLS failure (the settings could not be
/// made included) has the `rustls::Error` inside (what classification
/// looks for).
pub(crate) async fn handshake(
    connector: &TlsConnector,
    host: &str,
    stream: Stream,
) -> io::Result<Stream> {
    let name = ServerName::try_from(bare_host(host).to_owned())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let settings = connector.settings().await.map_err(io::Error::other)?;
    let tls = settings.connect(name, stream).await?;
    Ok(Stream::Tls(Box::new(tls)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::certificate::CertificateVerdict;

    /// Nothing is loaded until a handshake asks; then the settings are
    /// made once per verify proc, and a new proc gets new settings (no
    /// TLS session cache shared with the old ones).
    #[tokio::test]
    async fn settings_are_made_on_first_use_and_anew_per_proc() {
        let tls = TlsConnector::default();
        let route_copy = tls.clone();
        assert!(!tls.shared.platform.initialized(), "loaded before any handshake");

        let first = tls.settings().await.unwrap();
        assert!(tls.shared.platform.initialized());
        let again = route_copy.settings().await.unwrap();
        assert!(Arc::ptr_eq(first.config(), again.config()), "settings made twice");

        let proc: SharedVerifyProc = Arc::new(|_: &_| CertificateVerdict::Reject);
        tls.set_verify_proc(Some(proc));
        let after = route_copy.settings().await.unwrap();
        assert!(!Arc::ptr_eq(first.config(), after.config()), "old settings after a new proc");
    }
}
