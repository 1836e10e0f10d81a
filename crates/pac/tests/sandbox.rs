//! The sandbox: time budget, memory cap, stack limit, no I/O.

use std::time::{Duration, Instant};

use sessionkit_pac::{Limits, PacEngine, PacEnvironment, PacError, PacOptions, PacResolver};
use url::Url;

const BUDGET: Duration = Duration::from_millis(200);

fn limits() -> Limits {
    Limits::default().with_time_budget(BUDGET).with_memory_limit(16 << 20)
}

fn engine(script: &str) -> Result<PacEngine, PacError> {
    PacEngine::new(script, &PacEnvironment::new(), limits())
}

#[track_caller]
fn assert_within_budget(started: Instant) {
    let took = started.elapsed();
    assert!(took < BUDGET * 3, "took {took:?} for a budget of {BUDGET:?}");
}

#[test]
fn infinite_loop_in_call_times_out() {
    let e = engine("function FindProxyForURL(u, h) { while (true) {} }").expect("loads");
    let started = Instant::now();
    assert_eq!(e.call("http://a/", "a"), Err(PacError::Timeout { budget: BUDGET }));
    assert_within_budget(started);
    // The next call gets a fresh budget.
    let started = Instant::now();
    assert_eq!(e.call("http://a/", "a"), Err(PacError::Timeout { budget: BUDGET }));
    assert_within_budget(started);
}

#[test]
fn the_script_cannot_catch_the_interrupt() {
    let e = engine(
        "function FindProxyForURL(u, h) { for (;;) { try { while (true) {} } catch (e) {} } }",
    )
    .expect("loads");
    let started = Instant::now();
    assert_eq!(e.call("http://a/", "a"), Err(PacError::Timeout { budget: BUDGET }));
    assert_within_budget(started);
}

#[test]
fn infinite_loop_at_top_level_times_out() {
    let started = Instant::now();
    assert_eq!(engine("for (;;) {}").err(), Some(PacError::Timeout { budget: BUDGET }));
    assert_within_budget(started);
}

#[test]
fn allocation_bomb_runs_out_of_memory() {
    let e = engine(
        "function FindProxyForURL(u, h) { var a = []; for (;;) a.push(new Array(1e5).fill(u)); }",
    )
    .expect("loads");
    let started = Instant::now();
    assert_eq!(e.call("http://a/", "a"), Err(PacError::OutOfMemory { limit: 16 << 20 }));
    assert_within_budget(started);

    let e =
        engine("function FindProxyForURL(u, h) { var s = 'x'; for (;;) s += s; }").expect("loads");
    let answer = e.call("http://a/", "a");
    assert!(
        matches!(answer, Err(PacError::OutOfMemory { .. } | PacError::Script { .. })),
        "{answer:?}"
    );
    // The engine still works afterwards.
    let e2 = engine("function FindProxyForURL(u, h) { return 'DIRECT'; }").expect("loads");
    assert_eq!(e2.call("http://a/", "a").as_deref(), Ok("DIRECT"));
}

#[test]
fn huge_allocation_at_top_level_is_refused() {
    let answer =
        engine("var big = new Array(1e8).fill(0); function FindProxyForURL() { return 'DIRECT'; }");
    assert!(
        matches!(answer, Err(PacError::OutOfMemory { .. } | PacError::Compile { .. })),
        "{answer:?}"
    );
}

#[test]
fn deep_recursion_is_a_script_error() {
    let e = engine(
        "function f(n) { return f(n + 1) + 1; } function FindProxyForURL(u, h) { return f(0); }",
    )
    .expect("loads");
    assert!(
        matches!(e.call("http://a/", "a"), Err(PacError::Script { message }) if message.contains("stack"))
    );
}

#[test]
fn no_io_no_timers_no_modules() {
    let e = engine(
        "function FindProxyForURL(u, h) { return [typeof require, typeof fetch, typeof setTimeout, \
         typeof XMLHttpRequest, typeof std, typeof os, typeof process, typeof WebAssembly].join(); }",
    )
    .expect("loads");
    let answer = e.call("", "").expect("runs");
    assert!(answer.split(',').all(|t| t == "undefined"), "{answer}");
    assert!(matches!(
        engine("import fs from 'fs'; function FindProxyForURL() {}"),
        Err(PacError::Compile { .. })
    ));
}

#[test]
fn oversized_script_is_refused() {
    let limits = Limits::default().with_max_script_len(10);
    let answer = PacEngine::new("function FindProxyForURL() {}", &PacEnvironment::new(), limits);
    assert_eq!(answer.err(), Some(PacError::ScriptTooLarge { len: 29, limit: 10 }));
}

#[test]
fn resolver_recovers_after_a_timeout() {
    // Loops only for one host; the engine is rebuilt after the timeout.
    let script = "var calls = 0; function FindProxyForURL(u, h) { calls++; \
                  if (h == 'loop.example') { while (true) {} } return 'PROXY p:' + calls; }";
    let options = PacOptions::new().with_limits(limits());
    let r = PacResolver::from_script(script, options).expect("resolver");
    let url = |u: &str| Url::parse(u).expect("URL");
    assert_eq!(
        r.resolve(&url("http://a.example/")).map(|l| l.to_string()).as_deref(),
        Ok("PROXY p:1")
    );
    let started = Instant::now();
    assert_eq!(r.resolve(&url("http://loop.example/")), Err(PacError::Timeout { budget: BUDGET }));
    assert_within_budget(started);
    // A fresh engine: the script's state starts over.
    assert_eq!(
        r.resolve(&url("http://a.example/")).map(|l| l.to_string()).as_deref(),
        Ok("PROXY p:1")
    );
}
