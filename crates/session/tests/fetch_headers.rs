//! Default headers, cookies and credentials, cache modes and errors of
//! `Session::fetch`.

mod common;

use common::{Origin, TEST_TIMEOUT, body_bytes, dead_port, get, reply, session, session_with};
use sessionkit::{CacheMode, CookieContext, Credentials, FetchError, FetchOptions};
use tokio::time::timeout;

async fn echo_server() -> Origin {
    Origin::start(|seen| {
        let mut text = String::new();
        for name in ["user-agent", "accept-language", "cookie", "pragma", "cache-control"] {
            text.push_str(&format!("{name}={}\n", seen.header(name).unwrap_or("-")));
        }
        reply("200 OK", &[("Set-Cookie", "fresh=1")], text.as_bytes())
    })
    .await
}

async fn fetch_text(
    session: &sessionkit::Session,
    request: http::Request<bytes::Bytes>,
    options: FetchOptions,
) -> String {
    let response = session.fetch(request, options).await.expect("fetch");
    String::from_utf8(body_bytes(response).await).expect("utf-8")
}

#[tokio::test]
async fn user_agent_and_accept_language_are_defaults() {
    timeout(TEST_TIMEOUT, async {
        let origin = echo_server().await;
        let session = session("headers-defaults");
        let text = fetch_text(&session, get(&origin.url("/")), FetchOptions::default()).await;
        assert!(
            text.contains(&format!("user-agent={}\n", sessionkit::default_user_agent())),
            "{text}"
        );
        assert!(text.contains("accept-language=en-US,en;q=0.9\n"), "{text}");

        session.set_user_agent("Custom/1.0", Some("fr-CH,fr,en")).unwrap();
        let text = fetch_text(&session, get(&origin.url("/")), FetchOptions::default()).await;
        assert!(text.contains("user-agent=Custom/1.0\n"), "{text}");
        assert!(text.contains("accept-language=fr-CH,fr;q=0.9,en;q=0.8\n"), "{text}");

        // The request's own headers win.
        let request = http::Request::get(origin.url("/"))
            .header("user-agent", "Mine/2")
            .header("accept-language", "de")
            .body(bytes::Bytes::new())
            .unwrap();
        let text = fetch_text(&session, request, FetchOptions::default()).await;
        assert!(
            text.contains("user-agent=Mine/2\n") && text.contains("accept-language=de\n"),
            "{text}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn cookies_go_out_and_come_back_unless_credentials_are_omitted() {
    timeout(TEST_TIMEOUT, async {
        let origin = echo_server().await;
        let session = session("headers-cookies");
        let url = url::Url::parse(&origin.url("/")).unwrap();
        let jar = session.cookies().unwrap();
        jar.set_cookie(&url, "sid=abc", &CookieContext::same_site()).unwrap();

        let omit = FetchOptions::new().credentials(Credentials::Omit);
        let text = fetch_text(&session, get(&origin.url("/")), omit).await;
        assert!(text.contains("cookie=-\n"), "{text}");
        assert_eq!(jar.len(), 1, "Set-Cookie was not stored");

        let text = fetch_text(&session, get(&origin.url("/")), FetchOptions::default()).await;
        assert!(text.contains("cookie=sid=abc\n"), "{text}");
        assert_eq!(jar.len(), 2, "fresh=1 stored");
        let text = fetch_text(&session, get(&origin.url("/")), FetchOptions::default()).await;
        assert!(text.contains("cookie=sid=abc; fresh=1\n"), "{text}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn lax_cookies_stay_home_on_cross_site_subresources() {
    timeout(TEST_TIMEOUT, async {
        let origin = echo_server().await;
        let session = session("headers-samesite");
        let url = url::Url::parse(&origin.url("/")).unwrap();
        session
            .cookies()
            .unwrap()
            .set_cookie(&url, "lax=1; SameSite=Lax", &CookieContext::same_site())
            .unwrap();
        let other = url::Url::parse("https://elsewhere.example/").unwrap();
        let sub = FetchOptions::new().initiator(Some(other.clone())).top_level_navigation(false);
        let text = fetch_text(&session, get(&origin.url("/")), sub).await;
        assert!(text.contains("cookie=-\n"), "{text}");
        let nav = FetchOptions::new().initiator(Some(other));
        let text = fetch_text(&session, get(&origin.url("/")), nav).await;
        assert!(text.contains("cookie=lax=1\n"), "{text}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn cache_modes_without_a_cache() {
    timeout(TEST_TIMEOUT, async {
        let origin = echo_server().await;
        let session =
            session_with("headers-cache", sessionkit::PartitionOptions::new().cache(false));
        let text = fetch_text(
            &session,
            get(&origin.url("/")),
            FetchOptions::new().cache(CacheMode::NoStore),
        )
        .await;
        assert!(
            text.contains("pragma=no-cache\n") && text.contains("cache-control=no-cache\n"),
            "{text}"
        );
        let text = fetch_text(
            &session,
            get(&origin.url("/")),
            FetchOptions::new().cache(CacheMode::NoCache),
        )
        .await;
        assert!(text.contains("cache-control=max-age=0\n"), "{text}");

        let before = origin.connection_count();
        let error = session
            .fetch(get(&origin.url("/")), FetchOptions::new().cache(CacheMode::OnlyIfCached))
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::CacheMiss { .. }), "{error}");
        assert_eq!(error.net_error(), "ERR_CACHE_MISS");
        assert_eq!(origin.connection_count(), before);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn errors_name_the_net_error() {
    timeout(TEST_TIMEOUT, async {
        let session = session("headers-errors");
        let port = dead_port().await;
        let error = session
            .fetch(get(&format!("http://127.0.0.1:{port}/")), FetchOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::ConnectionRefused { .. }), "{error:?}");
        assert!(error.url().is_some());

        let error =
            session.fetch(get("ftp://127.0.0.1/"), FetchOptions::default()).await.unwrap_err();
        assert!(error.is_invalid_input(), "{error}");
        let error = session
            .fetch(get("http://user:secret@127.0.0.1/"), FetchOptions::default())
            .await
            .unwrap_err();
        assert!(error.is_invalid_input() && !error.to_string().contains("secret"), "{error}");
        let error = session.fetch(get("/relative"), FetchOptions::default()).await.unwrap_err();
        assert_eq!(error.net_error(), "ERR_INVALID_URL");

        // https to a server that answers in plain HTTP.
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let plain_addr = plain.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut stream, _)) = plain.accept().await {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        let error = session
            .fetch(get(&format!("https://{plain_addr}/")), FetchOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::SslProtocolError { .. }), "{error:?}");

        // A server that closes without answering.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                drop(stream);
            }
        });
        let error = session
            .fetch(get(&format!("http://{addr}/")), FetchOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(error, FetchError::EmptyResponse { .. } | FetchError::ConnectionReset { .. }),
            "{error:?}"
        );
    })
    .await
    .unwrap();
}
