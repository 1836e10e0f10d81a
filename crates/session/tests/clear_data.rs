//! `Session::clear_data` (Electron's `ses.clearData`): the HTTP cache by
//! origin, cookies by registrable domain, the download history, the
//! origins / exclude_origins rules, and "every kind" by default. Servers
//! are loopback origins the test starts.

// The helpers below are test scaffolding outside #[test] functions: a
// failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Origin, TEST_TIMEOUT, body_bytes, get, reply, session, session_with};
use sessionkit::downloads::ExternalState;
use sessionkit::{
    CacheMode, CacheStatus, ClearDataOptions, CookieContext, DataType, Error, FetchError,
    FetchOptions, OriginMatchingMode, PartitionOptions, Session, Sessions,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::time::timeout;
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// An origin whose answers are fresh for ten minutes, with a body numbering
/// the request (`v1`, `v2`, …).
async fn cacheable_origin() -> Origin {
    let count = Arc::new(AtomicUsize::new(0));
    Origin::start(move |_| {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        reply("200 OK", &[("Cache-Control", "max-age=600")], format!("v{n}").as_bytes())
    })
    .await
}

/// Fetches `url` so the cache holds it.
async fn store(session: &Session, url: &str) {
    let response = session.fetch(get(url), FetchOptions::default()).await.unwrap();
    assert_eq!(response.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    body_bytes(response).await;
}

/// Whether the cache answers `url` without the network.
async fn cached(session: &Session, url: &str) -> bool {
    let only = FetchOptions::new().cache(CacheMode::OnlyIfCached);
    match session.fetch(get(url), only).await {
        Ok(response) => {
            assert_eq!(response.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
            true
        }
        Err(FetchError::CacheMiss { .. }) => false,
        Err(e) => panic!("only-if-cached {url}: {e}"),
    }
}

fn set_cookie(session: &Session, at: &str, line: &str) {
    let nav = CookieContext::same_site().top_level_navigation(true);
    session.cookies().unwrap().set_cookie(&url(at), line, &nav).unwrap();
}

/// `name=value` pairs of every cookie, sorted.
fn cookie_names(session: &Session) -> Vec<String> {
    let mut names: Vec<String> = session
        .cookies()
        .unwrap()
        .all_cookies()
        .iter()
        .map(|c| format!("{}@{}", c.name(), c.domain()))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_cache_of_one_origin_goes_and_another_origin_stays() {
    timeout(TEST_TIMEOUT, async {
        let (a, b) = (cacheable_origin().await, cacheable_origin().await);
        let session = session("clear-data-cache-origin");
        let (a_url, b_url) = (a.url("/page"), b.url("/page"));
        store(&session, &a_url).await;
        store(&session, &b_url).await;
        assert!(cached(&session, &a_url).await && cached(&session, &b_url).await);

        // Another path of A goes too: the origin selects, not the URL.
        let options = ClearDataOptions::new()
            .data_types([DataType::Cache])
            .origins([url(&a.url("/elsewhere?q=1"))]);
        let cleared = session.clear_data(options).await.unwrap();
        assert!(cleared.cache);
        assert_eq!(cleared.cookies, 0);
        // Only cookies close connections.
        assert!(!cleared.connections_closed);

        assert!(!cached(&session, &a_url).await);
        assert!(cached(&session, &b_url).await);
        assert_eq!(a.requests().len(), 1);
        assert_eq!(b.requests().len(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn cookies_of_an_origin_go_at_its_registrable_domain() {
    let session = session("clear-data-cookies");
    set_cookie(&session, "http://a.example.com/", "host=1");
    set_cookie(&session, "https://example.com/", "dom=1; Domain=example.com");
    set_cookie(&session, "https://other.example/", "other=1");
    set_cookie(&session, "http://127.0.0.1:8080/", "ip=1");
    set_cookie(&session, "http://localhost:8080/", "local=1");
    assert_eq!(cookie_names(&session).len(), 5);

    // A subdomain on another scheme and port selects every cookie of
    // example.com; a loopback IP selects only itself, whatever the port.
    let options = ClearDataOptions::new()
        .data_types([DataType::Cookies])
        .origins([url("https://deep.sub.example.com:8443/x"), url("http://127.0.0.1:9/")]);
    let cleared = session.clear_data(options).await.unwrap();
    assert_eq!(cleared.cookies, 3);
    assert!(cleared.connections_closed);
    assert!(!cleared.cache);
    assert_eq!(cookie_names(&session), ["local@localhost", "other@other.example"]);
}

#[tokio::test]
async fn exclude_origins_keeps_those_origins_cookies_only() {
    let session = session("clear-data-cookies-exclude");
    set_cookie(&session, "http://a.example.com/", "host=1");
    set_cookie(&session, "https://other.example/", "other=1");
    set_cookie(&session, "http://localhost:8080/", "local=1");

    let options = ClearDataOptions::new()
        .data_types([DataType::Cookies])
        .exclude_origins([url("https://example.com")])
        .avoid_closing_connections(true);
    let cleared = session.clear_data(options).await.unwrap();
    assert_eq!(cleared.cookies, 2);
    assert!(!cleared.connections_closed);
    assert_eq!(cookie_names(&session), ["host@a.example.com"]);
}

#[tokio::test]
async fn origins_and_exclude_origins_together_are_refused_and_clear_nothing() {
    let session = session("clear-data-conflict");
    set_cookie(&session, "https://example.com/", "id=1");
    let mut options = ClearDataOptions::new()
        .origins([url("https://example.com")])
        .exclude_origins([url("https://other.example")]);
    let error = session.clear_data(options.clone()).await.unwrap_err();
    assert!(matches!(error, Error::ConflictingOrigins), "{error}");
    assert!(error.is_invalid_input());
    // Electron refuses the pair even when both lists are empty.
    options.origins = Some(Vec::new());
    options.exclude_origins = Some(Vec::new());
    let error = session.clear_data(options).await.unwrap_err();
    assert!(matches!(error, Error::ConflictingOrigins), "{error}");
    assert_eq!(cookie_names(&session), ["id@example.com"]);
}

#[tokio::test]
async fn an_opaque_origin_is_refused() {
    let session = session("clear-data-opaque");
    let options = ClearDataOptions::new().origins([url("data:text/plain,hi")]);
    let error = session.clear_data(options).await.unwrap_err();
    assert!(matches!(error, Error::InvalidOrigin { .. }), "{error}");
}

#[tokio::test]
async fn excluding_origins_from_the_cache_is_refused_while_there_is_a_cache() {
    timeout(TEST_TIMEOUT, async {
        let a = cacheable_origin().await;
        let session = session("clear-data-cache-exclude");
        store(&session, &a.url("/page")).await;
        set_cookie(&session, "https://other.example/", "other=1");
        // Every kind, cache included: refused before anything is cleared.
        let options = ClearDataOptions::new().exclude_origins([url("https://example.com")]);
        let error = session.clear_data(options).await.unwrap_err();
        assert!(
            matches!(error, Error::ClearDataUnsupported { data_type: DataType::Cache, .. }),
            "{error}"
        );
        assert!(cached(&session, &a.url("/page")).await);
        assert_eq!(cookie_names(&session), ["other@other.example"]);

        // An empty exclusion list excludes nothing: the whole cache goes.
        let options =
            ClearDataOptions::new().data_types([DataType::Cache]).exclude_origins(Vec::new());
        assert!(session.clear_data(options).await.unwrap().cache);
        assert!(!cached(&session, &a.url("/page")).await);

        // Without a cache there is nothing to refuse.
        let no_cache = session_with("clear-data-no-cache", PartitionOptions::new().cache(false));
        set_cookie(&no_cache, "https://other.example/", "other=1");
        let options = ClearDataOptions::new().exclude_origins([url("https://example.com")]);
        let cleared = no_cache.clear_data(options).await.unwrap();
        assert_eq!(cleared.cookies, 1);
        assert!(!cleared.cache);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn empty_data_types_clear_every_kind() {
    timeout(TEST_TIMEOUT, async {
        let a = cacheable_origin().await;
        let data = tempfile::tempdir().unwrap();
        let session =
            Sessions::new(data.path()).unwrap().from_partition("all", Default::default()).unwrap();
        session.set_download_path(data.path().join("out"));
        store(&session, &a.url("/page")).await;
        set_cookie(&session, "https://example.com/", "id=1");
        let item = session.download_url(&url(&a.url("/file.bin")), &[]).unwrap();
        assert_eq!(item.wait_done().await, ExternalState::Completed);
        let file = item.save_path().unwrap();

        let options =
            ClearDataOptions::new().origin_matching_mode(OriginMatchingMode::OriginInAllContexts);
        assert!(options.data_types.is_empty());
        let cleared = session.clear_data(options).await.unwrap();
        assert_eq!(cleared.cookies, 1);
        assert!(cleared.cache);
        assert_eq!(cleared.downloads, 1);
        assert!(cleared.connections_closed);

        assert!(!cached(&session, &a.url("/page")).await);
        assert!(cookie_names(&session).is_empty());
        assert!(session.download_items().unwrap().is_empty());
        // The history goes, never the file.
        assert!(file.exists());
    })
    .await
    .unwrap();
}

/// An origin that announces 1000 bytes, sends 3 and then stalls, so a
/// download from it stays in progress.
async fn stalling_origin() -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = common::read_request(&mut stream).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc";
                let _ = stream.write_all(head.as_bytes()).await;
                tokio::time::sleep(TEST_TIMEOUT).await;
            });
        }
    });
    url(&format!("http://{addr}/slow.bin"))
}

#[tokio::test]
async fn the_download_history_of_one_origin_goes_and_running_downloads_and_files_stay() {
    timeout(TEST_TIMEOUT, async {
        let (a, b) = (cacheable_origin().await, cacheable_origin().await);
        let slow = stalling_origin().await;
        let data = tempfile::tempdir().unwrap();
        let session =
            Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
        session.set_download_path(data.path().join("out"));
        let from_a = session.download_url(&url(&a.url("/a.bin")), &[]).unwrap();
        let from_b = session.download_url(&url(&b.url("/b.bin")), &[]).unwrap();
        assert_eq!(from_a.wait_done().await, ExternalState::Completed);
        assert_eq!(from_b.wait_done().await, ExternalState::Completed);
        let running = session.download_url(&slow, &[]).unwrap();
        while running.received_bytes() < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        let options = ClearDataOptions::new()
            .data_types([DataType::Downloads])
            .origins([url(&a.url("/")), slow.clone()]);
        let cleared = session.clear_data(options).await.unwrap();
        assert_eq!(cleared.downloads, 1);
        let mut left: Vec<u64> = session.download_items().unwrap().iter().map(|i| i.id()).collect();
        left.sort_unstable();
        assert_eq!(left, [from_b.id(), running.id()]);
        assert_eq!(running.state(), ExternalState::Progressing);
        assert!(from_a.save_path().unwrap().exists());
        running.cancel();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_empty_origin_list_clears_nothing() {
    timeout(TEST_TIMEOUT, async {
        let a = cacheable_origin().await;
        let session = session("clear-data-empty-origins");
        store(&session, &a.url("/page")).await;
        set_cookie(&session, "https://example.com/", "id=1");
        let cleared =
            session.clear_data(ClearDataOptions::new().origins(Vec::new())).await.unwrap();
        assert_eq!(cleared.cookies, 0);
        assert!(!cleared.cache);
        assert!(cached(&session, &a.url("/page")).await);
        assert_eq!(cookie_names(&session), ["id@example.com"]);
    })
    .await
    .unwrap();
}

#[test]
fn data_types_parse_from_electrons_names() {
    let kinds: Vec<DataType> =
        ["cache", "cookies", "downloads", "indexedDB"].iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(
        kinds,
        [DataType::Cache, DataType::Cookies, DataType::Downloads, DataType::IndexedDb]
    );
    let error = "Cookies".parse::<DataType>().unwrap_err();
    assert!(matches!(error, Error::InvalidDataType { .. }), "{error}");
    assert!(error.is_invalid_input());
    assert_eq!(
        "origin-in-all-contexts".parse::<OriginMatchingMode>().unwrap(),
        OriginMatchingMode::OriginInAllContexts
    );
    assert_eq!(OriginMatchingMode::default().to_string(), "third-parties-included");
}
