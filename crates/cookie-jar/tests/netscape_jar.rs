//! `cookies.txt` import into, and export from, a jar.

use sessionkit_cookie_jar::netscape::{self, LineErrorKind, Loss};
use sessionkit_cookie_jar::{CookieContext, CookieJar};
use url::Url;

fn header(jar: &CookieJar, url: &str) -> Option<String> {
    jar.cookie_header(&Url::parse(url).expect("test URL"), &CookieContext::same_site())
}

#[test]
fn curl_file_imports_with_its_rules_and_reports() {
    let text = "# Netscape HTTP Cookie File\r\n\
# https://curl.se/docs/http-cookies.html\r\n\
\r\n\
.example.com\tTRUE\t/\tFALSE\t0\tsession\tabc\r\n\
#HttpOnly_www.example.com\tFALSE\t/app\tTRUE\t4102444800\tsid\txyz\r\n\
example.com\tFALSE\t/\tFALSE\t1000000000\told\t1\r\n\
example.com\tFALSE\t/\tFALSE\t0\t__Host-bad\t1\r\n\
example.com\tTRUE\t/\tFALSE\t0\tmismatch\t1\r\n\
.co.uk\tTRUE\t/\tFALSE\t0\tsuffix\t1\r\n";
    let jar = CookieJar::new();
    let report = netscape::import(&jar, text);
    assert_eq!(report.imported, 2, "{:?}", report.rejected);
    let lines: Vec<(usize, &LineErrorKind)> =
        report.rejected.iter().map(|e| (e.line, &e.kind)).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], (6, &LineErrorKind::Expired));
    assert!(matches!(lines[1], (7, LineErrorKind::Refused(_))), "{lines:?}");
    assert!(matches!(lines[2], (8, LineErrorKind::FlagDisagreesWithDomain { .. })));
    assert!(matches!(lines[3], (9, LineErrorKind::Refused(_))), "{lines:?}");

    assert_eq!(header(&jar, "https://www.example.com/app/"), Some("sid=xyz; session=abc".into()));
    assert_eq!(header(&jar, "https://example.com/"), Some("session=abc".into()));
    let sid = jar.all_cookies().into_iter().find(|c| c.name() == "sid").unwrap();
    assert!(sid.http_only() && sid.secure() && sid.host_only());
}

#[test]
fn export_round_trips_and_names_its_losses() {
    let jar = CookieJar::new();
    let ctx = CookieContext::same_site();
    let url = Url::parse("https://www.example.com/app/page").unwrap();
    jar.set_cookie(&url, "sid=1; Max-Age=3600; HttpOnly; SameSite=Strict", &ctx).unwrap();
    jar.set_cookie(&url, "wide=2; Domain=example.com; Path=/; Priority=High", &ctx).unwrap();

    let export = netscape::export(&jar);
    assert_eq!(
        export.losses,
        [Loss::SameSite, Loss::Priority, Loss::CreationTime, Loss::LastAccessTime]
    );
    assert!(export.text.starts_with("# Netscape HTTP Cookie File\n"));
    assert!(export.text.contains(
        "# This format cannot carry: SameSite, priority, partition key, creation time, last-access time."
    ));
    assert!(export.text.contains("#HttpOnly_www.example.com\tFALSE\t/app\tFALSE\t"));
    assert!(export.text.contains("\n.example.com\tTRUE\t/\tFALSE\t0\twide\t2\n"));

    let back = CookieJar::new();
    let report = netscape::import(&back, &export.text);
    assert_eq!((report.imported, report.rejected.len()), (2, 0));
    let (a, b) = (jar.all_cookies(), back.all_cookies());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.name(), x.value(), x.domain(), x.path()),
            (y.name(), y.value(), y.domain(), y.path())
        );
        assert_eq!(
            (x.host_only(), x.secure(), x.http_only()),
            (y.host_only(), y.secure(), y.http_only())
        );
        assert_eq!(x.expiry().map(|t| t.unix_seconds()), y.expiry().map(|t| t.unix_seconds()));
    }
    assert_eq!(a.len(), b.len());
}
