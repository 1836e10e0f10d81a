//! JSON export and import in Electron's `Cookie` shape.

use sessionkit_cookie_jar::json::{self, RecordErrorKind};
use sessionkit_cookie_jar::netscape::LineErrorKind;
use sessionkit_cookie_jar::{Cookie, CookieContext, CookieJar};
use url::Url;

fn set(jar: &CookieJar, url: &str, line: &str) {
    let url = Url::parse(url).expect("test URL");
    jar.set_cookie(&url, line, &CookieContext::same_site()).expect("cookie accepted");
}

fn filled_jar() -> CookieJar {
    let jar = CookieJar::new();
    set(&jar, "https://example.com/app/x", "sid=abc; Max-Age=3600; HttpOnly; SameSite=Strict");
    set(&jar, "https://www.example.com/", "pref=dark; Domain=example.com; Priority=High");
    set(&jar, "https://example.com/", "__Host-t=1; Secure; Path=/; SameSite=None");
    set(&jar, "http://127.0.0.1:8080/", "local=1");
    jar
}

/// Everything the rules preserve, one comparable line per cookie.
fn identities(cookies: &[Cookie]) -> Vec<String> {
    let mut ids: Vec<String> = cookies
        .iter()
        .map(|c| {
            format!(
                "{:?}",
                (
                    c.name(),
                    c.value(),
                    c.domain(),
                    c.host_only(),
                    c.path(),
                    c.secure(),
                    c.http_only(),
                    c.same_site(),
                    c.priority(),
                )
            )
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn export_is_electron_shaped_and_parses_back_exactly() {
    let jar = filled_jar();
    let text = json::export(&jar);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sid = value.as_array().unwrap().iter().find(|c| c["name"] == "sid").unwrap();
    assert_eq!(sid["domain"], "example.com");
    assert_eq!(sid["hostOnly"], true);
    assert_eq!(sid["httpOnly"], true);
    assert_eq!(sid["session"], false);
    assert_eq!(sid["sameSite"], "strict");
    assert!(sid["expirationDate"].is_f64());
    let pref = value.as_array().unwrap().iter().find(|c| c["name"] == "pref").unwrap();
    assert_eq!(pref["domain"], ".example.com");

    let parsed = json::parse(&text).unwrap();
    assert!(parsed.errors.is_empty());
    let back: Vec<Cookie> = parsed.cookies.into_iter().map(|(_, c)| c).collect();
    assert_eq!(back, jar.all_cookies(), "lossless, times included");

    let restored = CookieJar::new();
    restored.restore(back);
    assert_eq!(restored.all_cookies(), jar.all_cookies());
}

#[test]
fn import_goes_through_the_rules() {
    let jar = filled_jar();
    let fresh = CookieJar::new();
    let report = json::import(&fresh, &json::export(&jar)).unwrap();
    assert_eq!((report.imported, report.rejected.len()), (4, 0), "{:?}", report.rejected);
    assert_eq!(identities(&fresh.all_cookies()), identities(&jar.all_cookies()));
}

#[test]
fn electron_records_with_bad_ones_among_them() {
    let text = r#"[
      {"name": "ok", "value": "1", "domain": ".example.com", "hostOnly": false, "path": "/",
       "secure": false, "httpOnly": false, "session": true, "sameSite": "lax"},
      {"value": "no name field", "domain": "example.com"},
      {"name": "bad", "value": "1", "domain": "example.com", "sameSite": "sometimes"},
      {"name": "none", "value": "1", "domain": "example.com", "sameSite": "no_restriction"},
      {"name": "old", "value": "1", "domain": "example.com", "expirationDate": 1000000000.5},
      {"name": "suffix", "value": "1", "domain": ".com", "hostOnly": false},
      {"name": "future", "value": "1", "domain": "example.com", "path": "/a",
       "expirationDate": 4102444800.25, "secure": true}
    ]"#;
    let jar = CookieJar::new();
    let report = json::import(&jar, text).unwrap();
    assert_eq!(report.imported, 2, "{:?}", report.rejected);
    let rejected: Vec<usize> = report.rejected.iter().map(|e| e.index).collect();
    assert_eq!(rejected, [1, 2, 3, 4, 5]);
    assert!(matches!(report.rejected[0].kind, RecordErrorKind::Malformed(_)));
    assert!(matches!(
        report.rejected[2].kind,
        RecordErrorKind::NotStored(LineErrorKind::Refused(_))
    ));
    assert!(matches!(report.rejected[3].kind, RecordErrorKind::NotStored(LineErrorKind::Expired)));
    assert_eq!(
        report.rejected[2].to_string(),
        "record 3: refused by the jar: The cookie specified SameSite=None, but it was not Secure."
    );
    assert!(matches!(
        report.rejected[4].kind,
        RecordErrorKind::NotStored(LineErrorKind::Refused(_))
    ));
    let header = jar.cookie_header(
        &Url::parse("https://www.example.com/a").unwrap(),
        &CookieContext::same_site(),
    );
    assert_eq!(header.as_deref(), Some("ok=1"));

    assert!(json::import(&jar, "{\"name\": \"not an array\"}").is_err());
}
