//! Property tests: the printed form parses back to the same list, and the compiled
//! matcher agrees with the reference walk on every list and URL.

use proptest::prelude::*;
use sessionkit_bypass_rules::{BypassRules, CompileOptions};
use url::Url;

use crate::reference;

/// Entries built from pieces that collide often, so that several rules of different
/// kinds and restrictions compete for the same URLs.
fn entry() -> impl Strategy<Value = String> {
    let scheme =
        prop::sample::select(vec!["", "", "", "http://", "https://", "ws://", "HTTP://", "foo://"]);
    let host = prop_oneof![
        4 => "[ab.*?\\\\]{0,6}",
        4 => "\\.?[ab*]{1,2}(\\.[ab*]{1,2}){0,2}\\.?",
        1 => Just("localhost".to_owned()),
        1 => Just("*.localhost".to_owned()),
        1 => "(10|127|169)\\.[0-2]\\.[0-2]\\.[1-2]",
        1 => "10\\.[0-2]\\.\\*",
        1 => prop::sample::select(vec!["[::1]", "[::ffff:10.0.0.1]", "[fe80::1]", "[2001:db8::1]", "0xa.1"])
            .prop_map(str::to_owned),
    ];
    let port = prop::sample::select(vec!["", "", "", ":80", ":443", ":8080", ":0"]);
    let plain = (scheme, host, port).prop_map(|(s, h, p)| format!("{s}{h}{p}"));
    let range = (
        prop::sample::select(vec!["", "http://"]),
        prop::sample::select(vec![
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.1.1.1/32",
            "0.0.0.0/0",
            "127.0.0.0/8",
            "::ffff:10.0.0.0/104",
            "::/0",
            "fe80::/10",
            "2001:db8::/32",
        ]),
    )
        .prop_map(|(s, r)| format!("{s}{r}"));
    prop_oneof![
        8 => plain,
        2 => range,
        1 => Just("<local>".to_owned()),
        1 => Just("<-loopback>".to_owned()),
    ]
}

fn list() -> impl Strategy<Value = String> {
    prop::collection::vec((entry(), prop::sample::select(vec![",", ";", " ; ", ", "])), 0..14)
        .prop_map(|parts| parts.into_iter().map(|(e, sep)| format!("{e}{sep}")).collect())
}

fn target() -> impl Strategy<Value = Url> {
    let scheme = prop::sample::select(vec!["http", "https", "ws", "wss", "ftp", "foo"]);
    let host = prop_oneof![
        3 => "[ab]{1,2}(\\.[ab]{1,2}){0,3}\\.?",
        1 => prop::sample::select(vec![
            "localhost", "x.localhost", "localhost.", "intranet", "10.0.0.1", "10.1.1.1", "10.2.0.1",
            "127.0.0.1", "169.254.1.1", "8.8.8.8", "[::1]", "[::ffff:10.0.0.1]", "[::ffff:a01:101]",
            "[fe80::1]", "[2001:db8::1]", "[2001:db9::1]", "loopback",
        ])
        .prop_map(str::to_owned),
    ];
    let port = prop::sample::select(vec!["", "", ":80", ":443", ":8080", ":0"]);
    (scheme, host, port)
        .prop_filter_map("not a URL", |(s, h, p)| Url::parse(&format!("{s}://{h}{p}/")).ok())
}

fn check_round_trip(input: &str) -> Result<(), TestCaseError> {
    let (rules, _) = BypassRules::parse_lenient(input);
    let printed = rules.to_string();
    prop_assert_eq!(BypassRules::parse(&printed), Ok(rules.clone()), "printed {:?}", printed);
    let (again, warnings) = BypassRules::parse_lenient(&printed);
    prop_assert!(warnings.is_empty());
    prop_assert_eq!(&again, &rules);
    if let Ok(strict) = BypassRules::parse(input) {
        prop_assert_eq!(strict, rules);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_lists_parse_back(input in list()) {
        check_round_trip(&input)?;
    }

    #[test]
    fn printed_arbitrary_text_parses_back(input in "[ -~\\t\\x0b]{0,40}") {
        check_round_trip(&input)?;
    }

    #[test]
    fn printed_unicode_parses_back(input in any::<String>()) {
        check_round_trip(&input)?;
    }

    #[test]
    fn compiled_matcher_agrees_with_reference(
        input in list(),
        targets in prop::collection::vec(target(), 1..16),
        windows in any::<bool>(),
        implicit in any::<bool>(),
    ) {
        let (rules, _) = BypassRules::parse_lenient(&input);
        let options = CompileOptions::default().with_windows_loopback(windows).with_implicit_rules(implicit);
        let matcher = rules.compile_with(&options);
        for url in &targets {
            let (bypass, decided_by) = reference(&rules, &options, url);
            prop_assert_eq!(matcher.matches(url), bypass, "{} on {}", rules, url);
            let verdict = matcher.explain(url);
            prop_assert_eq!(verdict.bypass(), bypass);
            prop_assert_eq!(verdict.rule_index(), decided_by, "{} on {}", rules, url);
        }
    }

    #[test]
    fn matching_never_panics(input in "[ -~]{0,30}", url in target()) {
        let (rules, _) = BypassRules::parse_lenient(&input);
        let _ = rules.compile().explain(&url);
    }
}

/// Large lists exercise the tables with many keys per length and nested ranges.
#[test]
fn large_list_agrees_with_reference() {
    let mut entries = Vec::new();
    for i in 0..600 {
        entries.push(match i % 8 {
            0 => format!("host{i}.example"),
            1 => format!(".zone{}.example", i % 37),
            2 => format!("*svc{}.test:{}", i % 11, 8000 + i % 3),
            3 => format!("10.{}.0.0/{}", i % 13, 16 + i % 9),
            4 => format!("10.{}.{}.1", i % 13, i % 5),
            5 => format!("http://*.zone{}.example", i % 41),
            6 => format!("h?st{}*", i % 7),
            _ => {
                if i % 3 == 0 {
                    "<-loopback>".to_owned()
                } else {
                    format!("api{i}.*")
                }
            }
        });
    }
    let rules = BypassRules::parse(&entries.join(",")).unwrap();
    let options = CompileOptions::default();
    let matcher = rules.compile();
    let mut checked = 0;
    for i in 0..3000 {
        let text = match i % 6 {
            0 => format!("http://host{}.example/", i % 700),
            1 => format!("https://a.zone{}.example/", i % 50),
            2 => format!("http://x.svc{}.test:{}/", i % 13, 8000 + i % 4),
            3 => format!("http://10.{}.{}.{}/", i % 15, i % 7, i % 3),
            4 => format!("ws://hst{}.io/", i % 9),
            _ => format!("http://api{}.q/", i % 650),
        };
        let url = Url::parse(&text).unwrap();
        let (bypass, decided_by) = reference(&rules, &options, &url);
        assert_eq!(matcher.matches(&url), bypass, "{text}");
        assert_eq!(matcher.explain(&url).rule_index(), decided_by, "{text}");
        checked += 1;
    }
    assert_eq!(checked, 3000);
}
