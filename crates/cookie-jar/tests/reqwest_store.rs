//! The jar as reqwest's cookie store, driven through the trait directly.
#![cfg(feature = "reqwest")]

use std::sync::Arc;

use http::HeaderValue;
use reqwest::cookie::CookieStore;
use sessionkit_cookie_jar::CookieJar;
use url::Url;

#[test]
fn set_cookies_then_cookies() {
    let jar = CookieJar::new();
    let login = Url::parse("https://example.com/login").unwrap();
    let headers = [
        HeaderValue::from_static("sid=1; HttpOnly; SameSite=Strict; Path=/"),
        HeaderValue::from_static("lax=2; Path=/"),
        HeaderValue::from_static("__Host-bad=3"), // no Secure/Path=/: rejected, others kept
        HeaderValue::from_bytes(b"latin=\xe9").unwrap(), // not UTF-8: skipped
        HeaderValue::from_static("wide=4; Domain=example.com; Path=/"),
    ];
    CookieStore::set_cookies(&jar, &mut headers.iter(), &login);
    assert_eq!(jar.len(), 3);

    let home = Url::parse("https://example.com/").unwrap();
    // A same-site top-level GET: Strict and HttpOnly cookies go out too.
    assert_eq!(
        CookieStore::cookies(&jar, &home),
        Some(HeaderValue::from_static("sid=1; lax=2; wide=4"))
    );
    let sub = Url::parse("https://api.example.com/").unwrap();
    assert_eq!(CookieStore::cookies(&jar, &sub), Some(HeaderValue::from_static("wide=4")));
    assert_eq!(CookieStore::cookies(&jar, &Url::parse("https://other.test/").unwrap()), None);
}

#[test]
fn usable_as_a_client_cookie_provider() {
    let jar = Arc::new(CookieJar::new());
    let client = reqwest::Client::builder().cookie_provider(Arc::clone(&jar)).build();
    assert!(client.is_ok());
}
