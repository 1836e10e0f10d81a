//! PAC evaluation: `FindProxyForURL` calls per second on a realistic
//! corporate script (~200 lines of `dnsDomainIs`, `isInNet`, `shExpMatch`),
//! sessionkit's `PacEngine` (QuickJS, compiled once) beside pacparser
//! (Debian's `python3-pacparser`: the C library with SpiderMonkey, driven
//! from `/usr/bin/python3`) on the same script and the same 1,000 calls.
//! After the run both figures per call and their ratio are printed.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};

use criterion::{BenchmarkId, Criterion, Throughput};
use sessionkit_benches::estimates::median_ns;
use sessionkit_benches::pac::{corporate_pac, pac_urls};
use sessionkit_pac::{Limits, PacEngine, PacEnvironment, StaticResolver, script_arguments};
use url::Url;

const CALLS: usize = 1_000;
const OURS: &str = "sessionkit";
const PEER: &str = "pacparser";
/// Debian's interpreter, which has the `pacparser` module (not a pyenv one).
const PYTHON: &str = "/usr/bin/python3";
/// Timed rounds over the URL list in the pacparser run; the median is kept.
const PEER_ROUNDS: usize = 30;

/// Loads the script once, calls `find_proxy(url, host)` over the list
/// `rounds` times, and reports the median ns per call, the cost of the
/// Python loop around an empty function (to show how little of the figure
/// is Python), and the results of the first round.
const PEER_SCRIPT: &str = r#"
import json, statistics, sys, time
import pacparser
data = json.load(sys.stdin)
pacparser.init()
pacparser.parse_pac_string(data["script"])
calls = [(c[0], c[1]) for c in data["calls"]]
find = pacparser.find_proxy
results = [find(u, h) for u, h in calls]
def timed(f):
    rounds = []
    for _ in range(data["rounds"]):
        t = time.perf_counter_ns()
        for u, h in calls:
            f(u, h)
        rounds.append((time.perf_counter_ns() - t) / len(calls))
    return statistics.median(rounds)
def nothing(u, h):
    return None
ns = timed(find)
overhead = timed(nothing)
pacparser.cleanup()
print(json.dumps({"ns_per_call": ns, "loop_overhead_ns": overhead, "results": results}))
"#;

/// The environment both sides get: no DNS (the script needs none; an empty
/// table makes sure) and the system clock (the script reads no time).
fn environment() -> PacEnvironment {
    PacEnvironment::new().with_resolver(StaticResolver::new())
}

fn inputs() -> (Vec<Url>, Vec<(String, String)>) {
    let urls: Vec<Url> = pac_urls(CALLS).iter().filter_map(|u| Url::parse(u).ok()).collect();
    assert_eq!(urls.len(), CALLS);
    let calls = urls.iter().map(script_arguments).collect();
    (urls, calls)
}

fn bench_find_proxy(c: &mut Criterion) {
    let script = corporate_pac();
    let (urls, calls) = inputs();
    // Compiled once, outside the timing: the per-call figure is what a
    // session pays per request.
    let engine = PacEngine::new(&script, &environment(), Limits::default()).expect("script loads");

    let mut group = c.benchmark_group("pac_find_proxy");
    group.throughput(Throughput::Elements(CALLS as u64));
    // What PacResolver does per URL: Chromium's arguments, the call, the
    // result parsed into a ProxyList.
    group.bench_with_input(BenchmarkId::new(OURS, CALLS), &urls, |b, urls| {
        b.iter(|| urls.iter().filter(|u| engine.find_proxy_for_url(u).is_ok()).count());
    });
    // The bare call with prepared arguments, returning the string: what
    // pacparser's find_proxy does.
    group.bench_with_input(BenchmarkId::new("sessionkit-call", CALLS), &calls, |b, calls| {
        b.iter(|| calls.iter().filter(|(u, h)| engine.call(u, h).is_ok()).count());
    });
    group.finish();

    let mut group = c.benchmark_group("pac_compile");
    group.bench_function(OURS, |b| {
        b.iter(|| PacEngine::new(black_box(&script), &environment(), Limits::default()));
    });
    group.finish();
}

/// pacparser's figures, from one run of `/usr/bin/python3`.
struct Peer {
    ns_per_call: f64,
    loop_overhead_ns: f64,
    results: Vec<String>,
}

fn run_peer(script: &str, calls: &[(String, String)]) -> Result<Peer, String> {
    let input = serde_json::json!({ "script": script, "calls": calls, "rounds": PEER_ROUNDS });
    let mut child = Command::new(PYTHON)
        .args(["-c", PEER_SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {PYTHON}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.to_string().as_bytes()).map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(err.lines().last().unwrap_or("failed").to_owned());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("bad output: {e}"))?;
    let results = json["results"]
        .as_array()
        .map(|a| a.iter().map(|r| r.as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default();
    Ok(Peer {
        ns_per_call: json["ns_per_call"].as_f64().ok_or("no ns_per_call")?,
        loop_overhead_ns: json["loop_overhead_ns"].as_f64().unwrap_or(0.0),
        results,
    })
}

fn report() {
    let script = corporate_pac();
    let (_, calls) = inputs();
    println!(
        "PAC script: {} lines, {} bytes; {CALLS} URLs per iteration",
        script.lines().count(),
        script.len()
    );
    let ours = median_ns("pac_find_proxy", OURS, CALLS).map(|ns| ns / CALLS as f64);
    let ours_call =
        median_ns("pac_find_proxy", "sessionkit-call", CALLS).map(|ns| ns / CALLS as f64);
    let peer = match run_peer(&script, &calls) {
        Ok(peer) => peer,
        Err(e) => {
            println!("{PEER}: skipped ({e}; install Debian's python3-pacparser)");
            return;
        }
    };

    // Same answers? (Both run the same script on the same arguments.)
    let engine = PacEngine::new(&script, &environment(), Limits::default()).expect("script loads");
    let differ = calls
        .iter()
        .zip(&peer.results)
        .filter(|((u, h), theirs)| engine.call(u, h).ok().as_deref() != Some(theirs.as_str()))
        .count();
    println!("answers: {} of {CALLS} identical to {PEER}'s", CALLS - differ);

    println!(
        "{PEER}: {:.0} ns/call ({:.0} calls/s; Python's loop and call cost {:.0} ns of it)",
        peer.ns_per_call,
        1e9 / peer.ns_per_call,
        peer.loop_overhead_ns
    );
    for (name, ns) in [(OURS, ours), ("sessionkit-call", ours_call)] {
        if let Some(ns) = ns {
            println!(
                "{name}: {ns:.0} ns/call ({:.0} calls/s), {name} is {:.2}x as fast as {PEER}",
                1e9 / ns,
                peer.ns_per_call / ns
            );
        }
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_find_proxy(&mut criterion);
    criterion.final_summary();
    report();
}
