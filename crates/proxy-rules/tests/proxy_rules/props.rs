//! Property tests: canonical text round-trips, strict agrees with lenient,
//! nothing panics.

use proptest::prelude::*;
use sessionkit_proxy_rules::{ProxyList, ProxyRules, ProxyScheme, ProxyServer};

/// Strings built from the grammar's tokens and troublesome characters, so
/// that most inputs exercise real parser paths.
fn rules_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("http".to_owned()),
        Just("https".to_owned()),
        Just("ftp".to_owned()),
        Just("socks".to_owned()),
        Just("HTTP".to_owned()),
        Just("=".to_owned()),
        Just(";".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("://".to_owned()),
        Just("direct://".to_owned()),
        Just("socks5://".to_owned()),
        Just("quic://".to_owned()),
        Just("[::1]".to_owned()),
        Just(":8080".to_owned()),
        Just("füpy".to_owned()),
        Just("0x7f.1".to_owned()),
        Just("foo.111".to_owned()),
        Just("u@".to_owned()),
        "[a-z0-9.:/\\[\\]@%_-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn pac_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("PROXY ".to_owned()),
        Just("proxy\t".to_owned()),
        Just("SOCKS ".to_owned()),
        Just("SOCKS5 ".to_owned()),
        Just("HTTPS ".to_owned()),
        Just("QUIC ".to_owned()),
        Just("DIRECT".to_owned()),
        Just("HTTP ".to_owned()),
        Just(";".to_owned()),
        Just(" ".to_owned()),
        Just("[2001:DB8::1]".to_owned()),
        Just(":".to_owned()),
        "[a-zA-Z0-9.:\\[\\]@%_-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rules_canonical_text_parses_back_equal(s in rules_like()) {
        let (rules, _) = ProxyRules::parse_lenient(&s);
        let text = rules.to_string();
        prop_assert_eq!(ProxyRules::parse(&text), Ok(rules), "text {:?}", text);
    }

    #[test]
    fn arbitrary_rules_round_trip(s in any::<String>()) {
        let (rules, _) = ProxyRules::parse_lenient(&s);
        prop_assert_eq!(ProxyRules::parse(&rules.to_string()), Ok(rules));
    }

    #[test]
    fn strict_is_lenient_without_warnings(s in rules_like()) {
        let (rules, warnings) = ProxyRules::parse_lenient(&s);
        match ProxyRules::parse(&s) {
            Ok(strict) => {
                prop_assert!(warnings.is_empty());
                prop_assert_eq!(strict, rules);
            }
            Err(e) => {
                prop_assert_eq!(warnings.first(), Some(&e));
                // Offsets point at the reported text.
                prop_assert_eq!(s.get(e.offset()..e.offset() + e.text().len()), Some(e.text()));
            }
        }
    }

    #[test]
    fn pac_result_round_trips(s in pac_like()) {
        let list = ProxyList::parse_pac_result(&s);
        prop_assert!(!list.is_empty());
        let text = list.to_pac_string();
        prop_assert_eq!(ProxyList::parse_pac_result_strict(&text), Ok(list.clone()));
        prop_assert_eq!(ProxyList::parse_pac_result(&text), list);
    }

    #[test]
    fn arbitrary_pac_result_round_trips(s in any::<String>()) {
        let list = ProxyList::parse_pac_result(&s);
        prop_assert_eq!(ProxyList::parse_pac_result(&list.to_pac_string()), list);
    }

    #[test]
    fn server_uri_form_round_trips(s in rules_like()) {
        if let Ok(server) = ProxyServer::parse_uri(&s, ProxyScheme::Http) {
            prop_assert_eq!(ProxyServer::parse_uri(&server.to_string(), ProxyScheme::Http), Ok(server.clone()));
            prop_assert_eq!(ProxyServer::parse_pac(&server.to_pac_string()), Ok(server));
        }
    }
}
