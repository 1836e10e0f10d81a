//! Regression tests for the discrepancies a review against Chromium's
//! `CookieMonster` (and Electron's `cookies` API) found; every expectation is
//! Chromium's, with the source it comes from in the case or the comment.
#![allow(clippy::unwrap_used, clippy::type_complexity)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sessionkit_cookie_jar::{
    Cookie, CookieContext, CookieDetails, CookieFilter, CookieJar, Error, ManualClock, Rejection,
    SameSite, Timestamp, parse_cookie_date, parse_set_cookie,
};
use url::Url;

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn t0() -> Timestamp {
    Timestamp::from_unix_seconds(1_800_000_000)
}

fn jar() -> (CookieJar, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    (CookieJar::with_clock(clock.clone()), clock)
}

fn nav() -> CookieContext {
    CookieContext::same_site().top_level_navigation(true)
}

fn set(jar: &CookieJar, url: &str, line: &str) -> Result<(), Rejection> {
    jar.set_cookie(&u(url), line, &nav())
}

fn header(jar: &CookieJar, url: &str, ctx: &CookieContext) -> String {
    jar.cookie_header(&u(url), ctx).unwrap_or_default()
}

fn only(jar: &CookieJar) -> Cookie {
    let all = jar.all_cookies();
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

fn days(n: i64) -> i64 {
    n * 86_400
}

/// Item 5: a tab (any CTL) inside an attribute name or value rejects the cookie
/// (`ParsedCookie::ParseTokenValuePairs` checks attribute names with
/// `IsValidCookieName` and values with `CookieAttributeValueHasValidCharSet`).
#[test]
fn ctl_in_attributes_rejects_the_cookie() {
    let cases: &[(&str, Result<(), Rejection>)] = &[
        ("a=b; Foo=x\ty", Err(Rejection::DisallowedCharacter)),
        ("a=b; x\ty", Err(Rejection::DisallowedCharacter)),
        ("a=b; Path=/x\ty", Err(Rejection::DisallowedCharacter)),
        ("a=b; \tPath=/\t", Ok(())),
        ("a=b; Path=/\u{1}", Err(Rejection::DisallowedCharacter)),
    ];
    for (line, want) in cases {
        let (j, _) = jar();
        assert_eq!(set(&j, "http://e.com/", line), *want, "{line:?}");
    }
}

/// Items 4 and 6: the last Max-Age / Expires wins even when invalid
/// (`SetupAttributes` keeps the last index, `ParseExpiration` then ignores a bad
/// value), and Max-Age is read by `base::StringToInt64`, which takes a `+`.
#[test]
fn expiry_table() {
    let plus = |s: i64| Some(Some(t0().saturating_add_seconds(s)));
    let cases: &[(&str, Option<Option<Timestamp>>)] = &[
        ("a=1; Max-Age=10; Max-Age=bad", Some(None)),
        ("a=1; Max-Age=bad; Max-Age=10", plus(10)),
        ("a=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Expires=junk", Some(None)),
        ("a=1; Expires=junk; Expires=Thu, 01 Jan 2099 00:00:00 GMT", plus(days(400))),
        ("a=1; Max-Age=bad; Expires=Thu, 01 Jan 2099 00:00:00 GMT", plus(days(400))),
        ("a=1; Max-Age=+5", plus(5)),
        ("a=1; Max-Age=+-5", Some(None)),
        ("a=1; Max-Age=99999999999999999999x", plus(days(400))),
        // `15th` is a year token for Chromium, so there is no day: session cookie.
        ("a=1; Expires=Jun 15th 2030 10:00:00", Some(None)),
        // A five-digit year is accepted, then capped at 400 days.
        ("a=1; Expires=Wed, 09 Jun 10000 10:18:14 GMT", plus(days(400))),
        // A year before 1601 is a date in the past: not stored.
        ("a=1; Expires=Sat, 01 Jan 1600 00:00:00 GMT", None),
    ];
    for (line, want) in cases {
        let (j, _) = jar();
        let _ = set(&j, "http://e.com/", line);
        let got = j.all_cookies().first().map(Cookie::expiry);
        assert_eq!(got, *want, "{line}");
    }
    // Expires in 1600 deletes an existing cookie (no 1601 floor in Chromium).
    let (j, _) = jar();
    set(&j, "http://e.com/", "a=1").unwrap();
    set(&j, "http://e.com/", "a=; Expires=Sat, 01 Jan 1600 00:00:00 GMT").unwrap();
    assert_eq!(j.len(), 0);
}

/// Item 7: Chromium's `ParseCookieExpirationTime` token rules.
#[test]
fn chromium_date_tokens() {
    let cases: &[(&str, Option<&str>)] = &[
        ("Jun 15th 2030 10:00:00", None),
        ("Jun 15 2030 10:00:00", Some("Sat, 15 Jun 2030 10:00:00 GMT")),
        ("Sat, 01 Jan 1600 00:00:00 GMT", Some("Mon, 01 Jan 1601 00:00:00 GMT")),
        ("Wed, 09 Jun 10000 10:18:14 GMT", Some("Fri, 31 Dec 9999 23:59:59 GMT")),
        // The http-state suite (older Chromium) refuses this one; it stays refused.
        ("Thu, 12-Aug-31841 20:49:07 GMT", None),
        ("Thu, 012-Aug-2008 20:49:07 GMT", None),
    ];
    for (input, want) in cases {
        assert_eq!(
            parse_cookie_date(input).map(Timestamp::to_rfc1123).as_deref(),
            *want,
            "{input}"
        );
    }
    assert_eq!(parse_set_cookie("a=1; Max-Age=+5").unwrap().max_age, Some(5));
}

/// Item 8: `HasValidHostPrefixAttributes` compares the raw Domain attribute with
/// the URL's host.
#[test]
fn host_prefix_domain_is_compared_raw() {
    let cases = [
        ("http://127.0.0.1/", "__Host-a=1; Secure; Path=/; Domain=127.0.0.1", true),
        ("http://127.0.0.1/", "__Host-a=1; Secure; Path=/; Domain=.127.0.0.1", false),
        ("http://[::1]/", "__Host-a=1; Secure; Path=/; Domain=[::1]", true),
        ("http://localhost/", "__Host-a=1; Secure; Path=/; Domain=localhost", false),
        ("https://e.com/", "__Host-a=1; Secure; Path=/; Domain=", true),
        ("https://e.com/", "__Host-a=1; Secure; Path=/", true),
    ];
    for (url, line, ok) in cases {
        let (j, _) = jar();
        let got = set(&j, url, line);
        assert_eq!(got.is_ok(), ok, "{url} {line}: {got:?}");
        if !ok {
            assert_eq!(got, Err(Rejection::InvalidPrefix));
        }
    }
}

/// Items 9 and 10: Lax-allowing-unsafe includes the 120th second
/// (`IsRecentlyCreated` uses `<=`), and `HttpUtil::IsMethodSafe` is
/// case-sensitive.
#[test]
fn lax_allowing_unsafe_boundary_and_method_case() {
    let s = "https://example.com/";
    let post = CookieContext::cross_site().top_level_navigation(true).method("POST");
    for (after, want) in [(119, "un=1"), (120, "un=1"), (121, "")] {
        let (j, c) = jar();
        set(&j, s, "un=1").unwrap();
        c.advance(Duration::from_secs(after));
        assert_eq!(header(&j, s, &post), want, "{after} s");
    }
    let (j, c) = jar();
    set(&j, s, "lx=1; SameSite=Lax").unwrap();
    c.advance(Duration::from_secs(300));
    for (method, want) in
        [("GET", "lx=1"), ("HEAD", "lx=1"), ("OPTIONS", "lx=1"), ("get", ""), ("Head", "")]
    {
        let ctx = CookieContext::cross_site().top_level_navigation(true).method(method);
        assert_eq!(header(&j, s, &ctx), want, "{method}");
        assert_eq!(ctx.is_safe_method(), !want.is_empty());
    }
}

/// Fills `n` cookies `{prefix}{i}` with `attrs`, one millisecond apart.
fn fill(j: &CookieJar, c: &ManualClock, url: &str, prefix: &str, n: usize, attrs: &str) {
    for i in 0..n {
        set(j, url, &format!("{prefix}{i}=v{attrs}")).unwrap();
        c.advance(Duration::from_millis(1));
    }
}

/// Item 2: the six per-domain rounds of `GarbageCollect` with
/// `PurgeLeastRecentMatches`: a "non-secure" round of priority P may delete
/// `count(P) - max(secure(P), quota(P))` non-secure cookies of P, oldest first;
/// an "any" round `count(P) - quota(P)` cookies of P. Expected counts derived by
/// hand from those rules.
#[test]
fn per_domain_eviction_mixes() {
    // Groups in the order they are set (oldest first): (prefix, count, attributes).
    // Expected survivors per prefix.
    let cases: &[(&str, &[(&str, usize, &str)], &[(&str, usize)])] = &[
        (
            "131 old medium secure + 50 new non-secure: the non-secure go first",
            &[("s", 131, "; Secure"), ("n", 50, "")],
            &[("s", 131), ("n", 19)],
        ),
        (
            "50 old non-secure + 131 new secure",
            &[("n", 50, ""), ("s", 131, "; Secure")],
            &[("n", 19), ("s", 131)],
        ),
        (
            "20 secure + 161 non-secure: the quota of 50 protects",
            &[("s", 20, "; Secure"), ("n", 161, "")],
            &[("s", 20), ("n", 130)],
        ),
        (
            "181 medium secure: only the 'any' round deletes",
            &[("s", 181, "; Secure")],
            &[("s", 150)],
        ),
        (
            "100 high non-secure + 81 medium secure",
            &[("h", 100, "; Priority=High"), ("m", 81, "; Secure")],
            &[("h", 70), ("m", 80)],
        ),
        (
            "40 low secure + 141 medium",
            &[("l", 40, "; Secure; Priority=Low"), ("m", 141, "")],
            &[("l", 30), ("m", 120)],
        ),
        (
            "25 low secure + 20 low non-secure + 136 medium",
            &[("ls", 25, "; Secure; Priority=Low"), ("ln", 20, "; Priority=Low"), ("m", 136, "")],
            &[("ls", 25), ("ln", 5), ("m", 120)],
        ),
    ];
    for (what, groups, want) in cases {
        let (j, c) = jar();
        for (prefix, n, attrs) in *groups {
            fill(&j, &c, "https://example.com/", prefix, *n, attrs);
        }
        let all = j.all_cookies();
        let count = |p: &str| {
            all.iter()
                .filter(|c| {
                    c.name()
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
                })
                .count()
        };
        let got: Vec<(&str, usize)> = want.iter().map(|(p, _)| (*p, count(p))).collect();
        assert_eq!(got, want.to_vec(), "{what}");
        assert_eq!(all.len(), 150, "{what}");
    }
    // Within a round the least recently accessed go first, not the oldest created.
    let (j, c) = jar();
    fill(&j, &c, "https://example.com/", "s", 131, "; Secure; Path=/o");
    fill(&j, &c, "https://example.com/", "n", 10, "; Path=/t");
    fill(&j, &c, "https://example.com/", "n1", 39, "; Path=/o"); // n10..n138, 39 cookies
    c.advance(Duration::from_secs(120));
    assert_eq!(header(&j, "https://example.com/t/x", &nav()).matches("=v").count(), 10);
    set(&j, "https://example.com/o/x", "last=v").unwrap();
    let names: Vec<String> = j.all_cookies().iter().map(|c| c.name().to_owned()).collect();
    assert_eq!(names.len(), 150);
    assert_eq!(names.iter().filter(|n| n.starts_with('s')).count(), 131);
    // The ten just used and the newest survive; 31 of the 39 idle ones went.
    for i in 0..10 {
        assert!(names.contains(&format!("n{i}")), "n{i}");
    }
    assert!(names.contains(&"last".to_owned()));
    assert_eq!(names.iter().filter(|n| n.starts_with("n1") && n.len() > 2).count(), 8);
}

/// Items 1 and 11: partitioned cookies do not count towards, nor trigger, the
/// global limit (`cookies_.size()` excludes `partitioned_cookies_`), and a
/// partition+site over 180 is trimmed to 180, least recently used first
/// (`GarbageCollectPartitionedCookies`).
#[test]
fn partitioned_limits() {
    let global = |idle_days: u64, partitioned_extra: bool| {
        let (j, c) = jar();
        for d in 0..19 {
            let n = if d < 18 { 180 } else { 60 };
            fill(&j, &c, &format!("https://site{d}.com/"), "g", n, "");
        }
        c.advance(Duration::from_secs(idle_days * 86_400));
        if partitioned_extra {
            let ctx = CookieContext::same_site().top_level_site("https://top.com");
            j.set_cookie(&u("https://embed.com/"), "p=1; Secure; Partitioned; Path=/", &ctx)
                .unwrap();
        } else {
            set(&j, "https://extra.com/", "x=1").unwrap();
        }
        j.len()
    };
    assert_eq!(global(31, false), 3000);
    assert_eq!(global(29, false), 3301);
    assert_eq!(global(31, true), 3301);

    // 3300 unpartitioned idle + 200 partitioned, then one more unpartitioned:
    // the purge goes to 3000 unpartitioned and leaves the partitioned alone.
    let (j, c) = jar();
    for d in 0..19 {
        let n = if d < 18 { 180 } else { 60 };
        fill(&j, &c, &format!("https://site{d}.com/"), "g", n, "");
    }
    for site in 0..2 {
        let ctx = CookieContext::same_site().top_level_site(format!("https://top{site}.com"));
        for i in 0..100 {
            j.set_cookie(&u("https://embed.com/"), &format!("p{i}=1; Secure; Partitioned"), &ctx)
                .unwrap();
        }
    }
    c.advance(Duration::from_secs(31 * 86_400));
    set(&j, "https://extra.com/", "x=1").unwrap();
    let all = j.all_cookies();
    assert_eq!(all.iter().filter(|c| c.partitioned()).count(), 200);
    assert_eq!(all.iter().filter(|c| !c.partitioned()).count(), 3000);

    let (j, c) = jar();
    let ctx = CookieContext::same_site().top_level_site("https://top.com");
    for i in 0..181 {
        j.set_cookie(&u("https://embed.com/"), &format!("p{i}=v; Secure; Partitioned"), &ctx)
            .unwrap();
        c.advance(Duration::from_millis(1));
    }
    assert_eq!(j.len(), 180);
    assert!(!j.all_cookies().iter().any(|c| c.name() == "p0"));
}

/// Item 3: `get({domain})` is Chromium's `IsDomainMatch` on the raw string.
#[test]
fn get_domain_filter_is_domain_match() {
    let (j, _) = jar();
    set(&j, "https://example.com/", "h=1").unwrap();
    set(&j, "https://example.com/", "d=1; Domain=example.com").unwrap();
    set(&j, "https://www.example.com/", "wh=1").unwrap();
    set(&j, "https://www.example.com/", "wd=1; Domain=www.example.com").unwrap();
    let cases = [
        ("example.com", "d,h"),
        ("www.example.com", "d,wd,wh"),
        ("x.www.example.com", "d,wd"),
        (".example.com", "d"),
        // IsDomainMatch: the dotted ".example.com" is a suffix of ".www.example.com".
        (".www.example.com", "d,wd"),
        ("EXAMPLE.COM", ""),
        ("ample.com", ""),
        ("com", ""),
        ("", ""),
    ];
    for (filter, want) in cases {
        let mut names: Vec<String> = j
            .get(&CookieFilter { domain: Some(filter.into()), ..CookieFilter::default() })
            .unwrap()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        names.sort();
        assert_eq!(names.join(","), want, "{filter:?}");
    }
}

/// Items 12–14: `CreateSanitizedCookie`'s path rules.
#[test]
fn set_path_rules() {
    let details = |url: &str, name: &str, path: Option<&str>| CookieDetails {
        name: Some(name.into()),
        value: Some("1".into()),
        path: path.map(str::to_owned),
        secure: Some(true),
        ..CookieDetails::new(url)
    };
    let long = format!("/{}", "p".repeat(1100));
    let at_limit = format!("/{}", "p".repeat(1023));
    let cases: Vec<(CookieDetails, Result<&str, Rejection>)> = vec![
        // The __Host- rule sees the resolved path.
        (details("https://e.com/", "__Host-a", None), Ok("/")),
        (details("https://e.com/index.html", "__Host-a", None), Ok("/")),
        (details("https://e.com/a/b", "__Host-a", None), Err(Rejection::InvalidPrefix)),
        (details("https://e.com/a/b", "__Host-a", Some("/")), Ok("/")),
        (details("https://e.com/", "a", Some(&long)), Err(Rejection::AttributeValueExceedsMaxSize)),
        (details("https://e.com/", "a", Some(&at_limit)), Ok(&at_limit)),
        (details("https://e.com/", "a", Some("/a b")), Ok("/a%20b")),
        (details("https://e.com/", "a", Some("/\u{e9}")), Ok("/%C3%A9")),
        (details("https://e.com/", "a", Some("/a\tb")), Ok("/a%09b")),
        (details("https://e.com/", "a", Some("/a/./b/../c")), Ok("/a/c")),
        (details("https://e.com/", "a", Some("rel")), Err(Rejection::FailureToStore)),
        (details("https://e.com/", "a", Some(" /a")), Err(Rejection::DisallowedCharacter)),
        (details("https://e.com/", "a", Some("/a;b")), Err(Rejection::DisallowedCharacter)),
        (details("https://e.com/", "a", Some("/a\nb")), Err(Rejection::DisallowedCharacter)),
    ];
    for (d, want) in cases {
        let (j, _) = jar();
        let got = j.set(&d).map(|()| only(&j).path().to_owned());
        let want = want.map(str::to_owned).map_err(Error::Rejected);
        assert_eq!(got, want, "{:?} {:?}", d.url, d.path);
    }
}

/// Item 15: Electron's texts for every reason (`InclusionStatusToString`).
#[test]
fn electron_error_texts() {
    let texts = [
        (Rejection::DisallowedCharacter, "The cookie contains ASCII control characters"),
        (Rejection::NoCookieContent, "The cookie contains no content or only whitespace."),
        (
            Rejection::NameValuePairExceedsMaxSize,
            "The cookie exceeded the name/value pair size limit.",
        ),
        (Rejection::AttributeValueExceedsMaxSize, "Cookie exceeded the attribute size limit."),
        (Rejection::InvalidDomain, "The cookie was set with an invalid Domain attribute."),
        (
            Rejection::NonCookieableScheme,
            "Attempted to set a cookie from a scheme that does not support cookies.",
        ),
        (
            Rejection::SecureOnly,
            "The cookie was Secure, but the URL was not allowed to access Secure cookies.",
        ),
        (
            Rejection::HttpOnly,
            "The cookie was HttpOnly, but the attempted access was through a non-HTTP API.",
        ),
        (
            Rejection::OverwriteSecure,
            "The cookie would have overwritten a Secure cookie, and was not allowed to do so.",
        ),
        (
            Rejection::OverwriteHttpOnly,
            "The cookie would have overwritten an HttpOnly cookie, and was not allowed to do so.",
        ),
        (
            Rejection::InvalidPrefix,
            "The cookie was set with an invalid __Host- or __Secure- prefix.",
        ),
        (
            Rejection::SameSiteNoneInsecure,
            "The cookie specified SameSite=None, but it was not Secure.",
        ),
        (
            Rejection::SameSiteStrict,
            "The cookie had SameSite=Strict, and the attempted access did not have an appropriate SameSiteCookieContext",
        ),
        (
            Rejection::SameSiteLax,
            "The cookie had SameSite=Lax, and the attempted access did not have an appropriate SameSiteCookieContext",
        ),
        (
            Rejection::SameSiteUnspecifiedTreatedAsLax,
            "The cookie did not specify a SameSite attribute, and therefore was treated as if it were SameSite=Lax, and the attempted access did not have an appropriate SameSiteCookieContext.",
        ),
        (
            Rejection::InvalidPartitioned,
            "Cookie was set with an invalid Partitioned attribute, which is only valid if the cookie has a __Host- prefix.",
        ),
        (Rejection::FailureToStore, "The cookie was malformed and could not be stored"),
    ];
    for (reason, text) in texts {
        assert_eq!(reason.to_string(), text, "{}", reason.chromium_name());
        assert_eq!(Error::from(reason).to_string(), format!("Failed to set cookie - {text}"));
    }
    let (j, _) = jar();
    let cases = [
        (
            CookieDetails {
                domain: Some("other.com".into()),
                ..CookieDetails::new("https://www.example.com/")
            },
            Rejection::InvalidDomain,
        ),
        (
            CookieDetails { secure: Some(true), ..CookieDetails::new("http://www.example.com/") },
            Rejection::SecureOnly,
        ),
        (CookieDetails::new("not a url"), Rejection::InvalidDomain),
        (
            CookieDetails {
                domain: Some(format!("{}.com", "d".repeat(1100))),
                ..CookieDetails::new("https://e.com/")
            },
            Rejection::AttributeValueExceedsMaxSize,
        ),
        (
            CookieDetails {
                domain: Some("e.com;x".into()),
                ..CookieDetails::new("https://e.com/")
            },
            Rejection::InvalidDomain,
        ),
    ];
    for (mut d, want) in cases {
        d.name = Some("a".into());
        assert_eq!(j.set(&d), Err(Error::Rejected(want)), "{d:?}");
    }
    // Setting from a cross-site subresource: the reason names the SameSite value.
    let xs = CookieContext::cross_site();
    for (line, want) in [
        ("a=1; SameSite=Strict", Rejection::SameSiteStrict),
        ("a=1; SameSite=Lax", Rejection::SameSiteLax),
        ("a=1", Rejection::SameSiteUnspecifiedTreatedAsLax),
    ] {
        assert_eq!(j.set_cookie(&u("https://e.com/"), line, &xs), Err(want), "{line}");
    }
    assert_eq!(SameSite::Lax.as_str(), "lax");
}

/// Item 16: last-access updates reach access listeners (at most once a minute,
/// never for `get({url})`), and are not change events.
#[test]
fn access_updates_reach_access_listeners_only() {
    let (j, c) = jar();
    let accessed: Arc<Mutex<Vec<(String, Timestamp)>>> = Arc::default();
    let sink = Arc::clone(&accessed);
    j.add_access_listener(Arc::new(move |cookie: &Cookie| {
        sink.lock().unwrap().push((cookie.name().to_owned(), cookie.last_access()));
    }));
    let changes: Arc<Mutex<usize>> = Arc::default();
    let count = Arc::clone(&changes);
    j.add_listener(Arc::new(move |_| *count.lock().unwrap() += 1));
    let mut rx = j.subscribe();
    set(&j, "http://e.com/", "a=1").unwrap();
    assert_eq!(*changes.lock().unwrap(), 1);
    assert!(rx.try_recv().is_ok());

    c.advance(Duration::from_secs(30));
    let _ = header(&j, "http://e.com/", &nav());
    assert!(accessed.lock().unwrap().is_empty(), "under a minute: no update");
    c.advance(Duration::from_secs(31));
    let _ = j.get(&CookieFilter { url: Some("http://e.com/".into()), ..CookieFilter::default() });
    assert!(accessed.lock().unwrap().is_empty(), "get({{url}}) does not touch access");
    let _ = header(&j, "http://e.com/", &nav());
    assert_eq!(*accessed.lock().unwrap(), vec![("a".to_owned(), t0().saturating_add_seconds(61))]);
    assert_eq!(*changes.lock().unwrap(), 1, "an access update is not a change");
    assert!(rx.try_recv().is_err(), "nor a broadcast event");
}
