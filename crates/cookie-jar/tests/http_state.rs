//! The http-state parser suite, scored against what Chromium 156 actually sent
//! (`chromium156-observed.json`), and the cookie-date cases.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use sessionkit_cookie_jar::{CookieContext, CookieJar, Timestamp, parse_cookie_date};
use url::Url;

/// Every case where Chromium produced its observed header, DISABLED_CHROMIUM0022 included.
const PARSER_FLOOR: usize = 222;
const DATES_FLOOR: usize = 70;

fn suite_dir() -> Option<PathBuf> {
    let dir =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/http-state"))
            .to_path_buf();
    if dir.join("parser.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "http-state suite missing at {} (required under CI=true)",
        dir.display()
    );
    println!("skipping: http-state suite not found at {}", dir.display());
    None
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn http_state_parser_against_chromium() {
    let Some(dir) = suite_dir() else { return };
    let cases = load(&dir.join("parser.json"));
    let observed = load(&dir.join("chromium156-observed.json"));
    let mut passed = 0;
    let mut failed = Vec::new();
    for case in cases.as_array().unwrap() {
        let test = case["test"].as_str().unwrap();
        let want = observed["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["test"] == test)
            .map(|c| c["chromium156"].as_str().unwrap_or("").to_owned())
            .unwrap();
        let lower = test.to_ascii_lowercase();
        let set_url =
            Url::parse(&format!("http://home.example.org:8888/cookie-parser?{lower}")).unwrap();
        let get_url = match case.get("sent-to").and_then(Value::as_str) {
            Some(to) => set_url.join(to).unwrap(),
            None => set_url.join(&format!("/cookie-parser-result?{lower}")).unwrap(),
        };
        let lines: Vec<&str> =
            case["received"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        let jar = CookieJar::new();
        // The network layer, not the jar: Chromium's HTTP stack refuses a response
        // whose headers hold a NUL byte, so no line of it reaches the jar
        // (DISABLED_CHROMIUM0022), and a bare CR ends the header line there, so
        // the jar sees `AAA=BB` (DISABLED_CHROMIUM0023). The jar itself rejects
        // any line with a CTL, as RFC 6265bis says.
        if !lines.iter().any(|l| l.contains('\0')) {
            let ctx = CookieContext::same_site().top_level_navigation(true);
            let lines = lines.iter().map(|l| l.split('\r').next().unwrap_or(""));
            jar.set_cookies_from_response(&set_url, lines, &ctx);
        }
        let ctx = CookieContext::same_site().top_level_navigation(true);
        let got = jar.cookie_header(&get_url, &ctx).unwrap_or_default();
        if got == want {
            passed += 1;
        } else {
            failed.push(format!("{test}: got {got:?}, Chromium sent {want:?}"));
        }
    }
    for f in &failed {
        println!("FAIL {f}");
    }
    println!("{passed} passed, {} failed", failed.len());
    assert!(passed >= PARSER_FLOOR, "{passed} passed, below the floor of {PARSER_FLOOR}");
}

#[test]
fn http_state_dates() {
    let Some(dir) = suite_dir() else { return };
    let mut passed = 0;
    let mut failed = Vec::new();
    for file in ["examples.json", "bsd-examples.json"] {
        for case in load(&dir.join("dates").join(file)).as_array().unwrap() {
            let input = case["test"].as_str().unwrap();
            let want = case["expected"].as_str();
            let got = parse_cookie_date(input);
            if let Some(t) = got {
                assert!(t >= Timestamp::MIN && t <= Timestamp::MAX);
            }
            let got = got.map(Timestamp::to_rfc1123);
            if got.as_deref() == want {
                passed += 1;
            } else {
                failed.push(format!("{file} {input:?}: got {got:?}, want {want:?}"));
            }
        }
    }
    for f in &failed {
        println!("FAIL {f}");
    }
    println!("{passed} passed, {} failed", failed.len());
    assert!(passed >= DATES_FLOOR, "{passed} passed, below the floor of {DATES_FLOOR}");
}
