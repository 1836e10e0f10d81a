//! The reqwest transport: redirects are the manager's, resumes work the same.
#![cfg(feature = "reqwest")]

mod common;

use common::{File, Resp, Server, bytes, done};
use sessionkit_downloads::transport::ReqwestTransport;
use sessionkit_downloads::{DownloadManager, ExternalState, ManagerConfig, RetryPolicy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_transport_keeps_the_url_chain_and_resumes() {
    let server = Server::start().await;
    let body = bytes(700_000, 31);
    server.put("/real.bin", File::strong(body.clone(), "e"));
    server.cut_request(1, 200_000);
    let target = server.url("/real.bin").to_string();
    server.hook(move |req, _| {
        (req.path == "/go").then(|| Resp {
            status: 301,
            headers: vec![("Location".into(), target.clone())],
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let mut config = ManagerConfig::new(dir.path());
    config.retry =
        RetryPolicy { base_delay: std::time::Duration::from_millis(10), ..RetryPolicy::default() };
    let m = DownloadManager::new(ReqwestTransport::with_defaults().unwrap(), config).unwrap();
    let item = m.download_url(&server.url("/go")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(item.url_chain(), vec![server.url("/go"), server.url("/real.bin")]);
    assert_eq!(std::fs::read(dir.path().join("real.bin")).unwrap(), body);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[2].path, "/real.bin");
    assert_eq!(reqs[2].header("range"), Some("bytes=200000-"));
}
