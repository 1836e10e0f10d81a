//! `sessionkit serve-proxy`: an HTTP/1.1 proxy in front of the session's
//! pipeline.

mod conditional;
mod flush_body;
mod handler;
mod hop_headers;
mod tunnel;

use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use url::Url;

use crate::args::{GlobalArgs, ServeProxyArgs};
use sessionkit::PartitionOptions;

use crate::commands::net::{apply_proxy, open_session_with, runtime};
use crate::failure::Failure;
use crate::output::{self, WriteError};

use handler::Proxy;

/// Binds, prints the address and serves until the process is stopped.
pub(crate) fn run(global: &GlobalArgs, args: &ServeProxyArgs) -> Result<(), WriteError> {
    let upstream = args.upstream.as_deref().map(parse_upstream).transpose()?;
    // A proxy serving many clients may opt into a shared cache's rules;
    // the partition's cache is private (a browser's) otherwise.
    let session =
        open_session_with(global, PartitionOptions::new().shared_cache(args.shared_cache))?;
    apply_proxy(&session, args.proxy_rules.as_deref(), args.proxy_bypass.as_deref())?;
    let proxy = Arc::new(Proxy::new(session, upstream, args.cookies));
    let rt = runtime(2)?;
    rt.block_on(async {
        let listener = TcpListener::bind(&args.listen)
            .await
            .map_err(|e| Failure::bad_input(format!("cannot listen on {}: {e}", args.listen)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::failed(format!("cannot read the bound address: {e}")))?;
        output::line(&format!("listening on {addr}"))?;
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let proxy = proxy.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let proxy = proxy.clone();
                    async move {
                        let response = proxy.handle(request).await;
                        response.map(|r| r.map(flush_body::FlushBeforeError::new))
                    }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades();
                if let Err(e) = connection.await {
                    // A client that resets or sends garbage ends its own
                    // connection only.
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
            });
        }
    })
}

/// `--upstream`: an `http:` or `https:` origin; a path is not allowed
/// (requests keep theirs).
fn parse_upstream(text: &str) -> Result<Url, Failure> {
    let url =
        Url::parse(text).map_err(|e| Failure::bad_input(format!("--upstream {text:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Failure::bad_input(format!(
            "--upstream {text:?}: expected an http or https origin such as http://127.0.0.1:8000"
        )));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(Failure::bad_input(format!(
            "--upstream {text:?}: give the origin only, without a path"
        )));
    }
    Ok(url)
}
