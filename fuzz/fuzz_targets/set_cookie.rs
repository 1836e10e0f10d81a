//! Set-Cookie: parsing and storing arbitrary bytes never panics; every stored
//! cookie round-trips through its serde (Electron JSON) form; the header built
//! afterwards holds only what was stored.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_cookie_jar::{Cookie, CookieContext, CookieJar, Timestamp, parse_set_cookie};
use url::Url;

const URLS: &[&str] = &[
    "http://home.example.org:8888/cookie-parser?x",
    "https://www.example.com/a/b",
    "http://localhost/",
    "http://127.0.0.1/",
    "https://u.github.io/",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let line = String::from_utf8_lossy(rest);
    if let Ok(parsed) = parse_set_cookie(&line) {
        assert!(parsed.name.len() + parsed.value.len() <= 4096);
        assert!(!parsed.name.is_empty() || !parsed.value.is_empty());
    }
    let url = Url::parse(URLS[usize::from(selector) % URLS.len()]).expect("fixed URL");
    let ctx = match selector / 8 % 3 {
        0 => CookieContext::same_site().top_level_navigation(true),
        1 => CookieContext::cross_site(),
        _ => CookieContext::same_site().script(),
    };
    let jar = CookieJar::new();
    for part in line.split('\n') {
        let _ = jar.set_cookie(&url, part, &ctx);
    }
    for cookie in jar.all_cookies() {
        let json = serde_json::to_string(&cookie).expect("serialise");
        let back: Cookie = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, cookie, "serde round trip of {json}");
        assert!(cookie.expiry().is_none_or(|e| e >= Timestamp::MIN && e <= Timestamp::MAX));
    }
    let _ = jar.cookie_header(&url, &ctx);
});
