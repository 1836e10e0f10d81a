//! PAC scripts: arbitrary script text and URL never panic and never run past
//! the time budget; every successful evaluation gives a non-empty proxy list
//! that survives a trip through its PAC string.
//!
//! Input: `script \0 url` (no NUL: all script, a fixed URL).
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use sessionkit_pac::{FixedClock, Limits, PacEngine, PacEnvironment, PacError, StaticResolver};
use sessionkit_proxy_rules::ProxyList;
use url::Url;

const BUDGET: Duration = Duration::from_millis(100);
/// Generous slack over the budget for engine start-up and a sanitizer build.
const HANG: Duration = Duration::from_secs(3);

fuzz_target!(|data: &[u8]| {
    let (script, url) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"http://www.example.com/path?q"[..]),
    };
    let script = String::from_utf8_lossy(script);
    let url = Url::parse(&String::from_utf8_lossy(url))
        .unwrap_or_else(|_| Url::parse("http://www.example.com/").expect("fallback URL"));

    let env = PacEnvironment::new()
        .with_resolver(
            StaticResolver::new()
                .with_host("www.example.com", ["192.0.2.1".parse().expect("ip")])
                .with_local_addresses(["192.0.2.9".parse().expect("ip")]),
        )
        .with_clock(FixedClock::new(1_710_498_600_000, 60));
    let limits = Limits::default().with_time_budget(BUDGET).with_memory_limit(32 << 20);

    let started = Instant::now();
    let engine = PacEngine::new(&script, &env, limits);
    assert!(started.elapsed() < HANG, "loading took {:?}", started.elapsed());
    let Ok(engine) = engine else { return };

    for _ in 0..2 {
        let started = Instant::now();
        let answer = engine.find_proxy_for_url(&url);
        assert!(started.elapsed() < HANG, "a call took {:?}", started.elapsed());
        match answer {
            Ok(list) => {
                assert!(!list.is_empty(), "a PAC result parsed to an empty list");
                assert_eq!(ProxyList::parse_pac_result(&list.to_pac_string()), list);
            }
            Err(PacError::Engine(e)) => panic!("engine failure: {e}"),
            Err(_) => {}
        }
    }
});
