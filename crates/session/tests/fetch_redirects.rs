//! Redirects through `Session::fetch`: modes, method rewriting, the URL
//! chain, the 20-hop limit, cookies set on a hop.

mod common;

use bytes::Bytes;
use common::{Origin, TEST_TIMEOUT, body_bytes, get, reply, session};
use sessionkit::{FetchOptions, RedirectMode, UrlChain};
use tokio::time::timeout;

/// `/r/N` redirects to `/r/N-1`, `/r/0` answers 200 with the cookies it got.
async fn chain_server() -> Origin {
    Origin::start(|seen| {
        let path = seen.path();
        if let Some(n) = path.strip_prefix("/r/").and_then(|n| n.parse::<u32>().ok())
            && n > 0
        {
            let next = format!("/r/{}", n - 1);
            return reply("302 Found", &[("Location", &next)], b"");
        }
        match path.as_str() {
            "/set-then-go" => reply(
                "302 Found",
                &[("Set-Cookie", "hop=1; Path=/"), ("Location", "/landing")],
                b"moved",
            ),
            "/landing" => {
                reply("200 OK", &[], seen.header("cookie").unwrap_or("(none)").as_bytes())
            }
            "/post-301" => reply("301 Moved", &[("Location", "/echo")], b""),
            "/post-307" => reply("307 Temporary", &[("Location", "/echo")], b""),
            "/see-other" => reply("303 See Other", &[("Location", "/echo")], b""),
            "/no-location" => reply("302 Found", &[], b"no location"),
            "/to-ftp" => reply("302 Found", &[("Location", "ftp://example.com/")], b""),
            "/to-app" => reply("302 Found", &[("Location", "myapp://cb")], b"app"),
            "/to-bad" => reply("302 Found", &[("Location", "http://[bad")], b"bad"),
            "/echo" => {
                let text = format!(
                    "{} {} type={}",
                    seen.method,
                    String::from_utf8_lossy(&seen.body),
                    seen.header("content-type").unwrap_or("-")
                );
                reply("200 OK", &[], text.as_bytes())
            }
            _ => reply("200 OK", &[], b"ok"),
        }
    })
    .await
}

#[tokio::test]
async fn a_cookie_set_on_a_redirect_hop_is_sent_on_the_next_hop() {
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("redirect-cookie");
        let response =
            session.fetch(get(&origin.url("/set-then-go")), FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 200);
        let chain = response.extensions().get::<UrlChain>().cloned().unwrap();
        assert_eq!(chain.0.len(), 2);
        assert_eq!(chain.last().unwrap().path(), "/landing");
        assert_eq!(body_bytes(response).await, b"hop=1");
        // Stored as from the redirect hop's URL.
        let url = url::Url::parse(&origin.url("/")).unwrap();
        let stored = session.cookies().unwrap().cookie_header(&url, &Default::default());
        assert_eq!(stored.as_deref(), Some("hop=1"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn twenty_redirects_are_followed_and_the_twenty_first_fails() {
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("redirect-limit");
        let response =
            session.fetch(get(&origin.url("/r/20")), FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.extensions().get::<UrlChain>().unwrap().0.len(), 21);

        let error =
            session.fetch(get(&origin.url("/r/21")), FetchOptions::default()).await.unwrap_err();
        assert_eq!(error.net_error(), "ERR_TOO_MANY_REDIRECTS");
        assert!(error.to_string().contains("/r/1"), "{error}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn redirect_modes() {
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("redirect-modes");
        let manual = FetchOptions::new().redirect(RedirectMode::Manual);
        let response = session.fetch(get(&origin.url("/r/3")), manual).await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], "/r/2");
        assert_eq!(origin.requests().len(), 1);

        let error = session
            .fetch(get(&origin.url("/r/3")), FetchOptions::new().redirect(RedirectMode::Error))
            .await
            .unwrap_err();
        assert!(matches!(error, sessionkit::FetchError::RedirectNotAllowed { .. }), "{error}");

        // A 3xx without Location is a response like any other.
        let response =
            session.fetch(get(&origin.url("/no-location")), FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(body_bytes(response).await, b"no location");

        let error =
            session.fetch(get(&origin.url("/to-ftp")), FetchOptions::default()).await.unwrap_err();
        assert_eq!(error.net_error(), "ERR_UNSAFE_REDIRECT");
    })
    .await
    .unwrap();
}

/// Manual mode returns a redirect without parsing its Location (Fetch's
/// manual mode): a custom scheme or an unparsable one is the caller's.
#[tokio::test]
async fn manual_mode_returns_any_location_as_is() {
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("redirect-manual-any");
        for (path, location, body) in
            [("/to-app", "myapp://cb", b"app"), ("/to-bad", "http://[bad", b"bad")]
        {
            let manual = FetchOptions::new().redirect(RedirectMode::Manual);
            let response = session.fetch(get(&origin.url(path)), manual).await.unwrap();
            assert_eq!(response.status(), 302);
            assert_eq!(response.headers()["location"], location);
            assert_eq!(body_bytes(response).await, body);
        }
        assert_eq!(origin.requests().len(), 2);
    })
    .await
    .unwrap();
}

fn post(url: &str, body: &'static str) -> http::Request<Bytes> {
    http::Request::post(url)
        .header("content-type", "text/plain")
        .body(Bytes::from_static(body.as_bytes()))
        .expect("request")
}

#[tokio::test]
async fn methods_and_bodies_follow_fetch() {
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("redirect-methods");
        let text = |r| async move { String::from_utf8(body_bytes(r).await).unwrap() };

        let r = session
            .fetch(post(&origin.url("/post-301"), "data"), FetchOptions::default())
            .await
            .unwrap();
        assert_eq!(text(r).await, "GET  type=-");
        let r = session
            .fetch(post(&origin.url("/post-307"), "data"), FetchOptions::default())
            .await
            .unwrap();
        assert_eq!(text(r).await, "POST data type=text/plain");
        let put =
            http::Request::put(origin.url("/see-other")).body(Bytes::from_static(b"x")).unwrap();
        let r = session.fetch(put, FetchOptions::default()).await.unwrap();
        assert_eq!(text(r).await, "GET  type=-");
    })
    .await
    .unwrap();
}

/// The network layer under the pipeline (what an HTTP cache wraps): one
/// exchange, no redirects followed, no cookies, no default headers.
#[tokio::test]
async fn the_network_layer_is_one_exchange() {
    use sessionkit::fetch::Upstream;
    timeout(TEST_TIMEOUT, async {
        let origin = chain_server().await;
        let session = session("network-layer");
        let response = session.network().send(get(&origin.url("/set-then-go"))).await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.extensions().get::<UrlChain>(), None);
        assert!(session.cookies().unwrap().is_empty());
        let seen = origin.requests();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].header("user-agent"), None);

        // Its errors are FetchErrors inside the BoxError.
        session.enable_network_emulation(sessionkit::NetworkEmulation::offline());
        let error = session.network().send(get(&origin.url("/"))).await.unwrap_err();
        let error = error.downcast::<sessionkit::FetchError>().unwrap();
        assert_eq!(error.net_error(), "ERR_INTERNET_DISCONNECTED");
    })
    .await
    .unwrap();
}
