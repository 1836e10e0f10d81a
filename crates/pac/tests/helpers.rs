//! Every PAC helper function, called from JavaScript, with a table resolver
//! and a fixed clock.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use sessionkit_pac::{FixedClock, Limits, PacEngine, PacEnvironment, PacError, StaticResolver};

/// `FindProxyForURL(expr)` evaluates `expr` and returns it as JSON.
const EVAL_SCRIPT: &str =
    "function FindProxyForURL(expr, host) { return JSON.stringify(eval(expr)); }";

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn resolver() -> StaticResolver {
    StaticResolver::new()
        .with_host("www.example.com", [ip("2001:db8::80"), ip("93.184.216.34")])
        .with_host("intranet", [ip("10.1.2.3")])
        .with_host("v6.example", [ip("2001:db8::6")])
        .with_local_addresses([
            ip("127.0.0.1"),
            ip("fe80::1"),
            ip("192.168.1.20"),
            ip("2001:db8::20"),
        ])
}

/// Friday 2024-03-15 10:30:15 UTC, local time UTC+1 (11:30:15).
fn clock() -> FixedClock {
    FixedClock::at_utc((2024, 3, 15), (10, 30, 15), 60)
}

fn engine() -> PacEngine {
    let env = PacEnvironment::new().with_resolver(resolver()).with_clock(clock());
    PacEngine::new(EVAL_SCRIPT, &env, Limits::default()).expect("eval script loads")
}

#[track_caller]
fn check(engine: &PacEngine, cases: &[(&str, &str)]) {
    for (expr, expected) in cases {
        let got = engine.call(expr, "").unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(got, *expected, "{expr}");
    }
}

#[test]
fn is_plain_host_name() {
    let e = engine();
    check(
        &e,
        &[
            ("isPlainHostName('www')", "true"),
            ("isPlainHostName('www.example.com')", "false"),
            ("isPlainHostName('::1')", "false"),
            ("isPlainHostName('10.0.0.1')", "false"),
            ("isPlainHostName('')", "true"),
        ],
    );
    assert!(
        matches!(e.call("isPlainHostName(1)", ""), Err(PacError::Script { message }) if message.starts_with("TypeError"))
    );
    assert!(matches!(e.call("isPlainHostName()", ""), Err(PacError::Script { .. })));
}

#[test]
fn dns_domain_is() {
    check(
        &engine(),
        &[
            ("dnsDomainIs('www.netscape.com', '.netscape.com')", "true"),
            ("dnsDomainIs('www', '.netscape.com')", "false"),
            ("dnsDomainIs('www.mcom.com', '.netscape.com')", "false"),
            ("dnsDomainIs('www.netscape.com', 'netscape.com')", "true"),
            ("dnsDomainIs('WWW.NETSCAPE.COM', '.netscape.com')", "false"),
        ],
    );
}

#[test]
fn local_host_or_domain_is() {
    check(
        &engine(),
        &[
            ("localHostOrDomainIs('www.netscape.com', 'www.netscape.com')", "true"),
            ("localHostOrDomainIs('www', 'www.netscape.com')", "true"),
            ("localHostOrDomainIs('www.mcom.com', 'www.netscape.com')", "false"),
            ("localHostOrDomainIs('home.netscape.com', 'www.netscape.com')", "false"),
        ],
    );
}

#[test]
fn is_resolvable_and_ex() {
    check(
        &engine(),
        &[
            ("isResolvable('www.example.com')", "true"),
            ("isResolvable('intranet')", "true"),
            ("isResolvable('v6.example')", "false"),
            ("isResolvable('nowhere.invalid')", "false"),
            ("isResolvable('10.0.0.1')", "true"),
            ("isResolvableEx('v6.example')", "true"),
            ("isResolvableEx('nowhere.invalid')", "false"),
            ("isResolvableEx('::1')", "true"),
        ],
    );
}

#[test]
fn dns_resolve_and_ex() {
    check(
        &engine(),
        &[
            ("dnsResolve('www.example.com')", "\"93.184.216.34\""),
            ("dnsResolve('v6.example')", "null"),
            ("dnsResolve('nowhere.invalid')", "null"),
            ("dnsResolve('10.9.8.7')", "\"10.9.8.7\""),
            ("typeof dnsResolve(42)", "\"undefined\""),
            ("dnsResolveEx('www.example.com')", "\"2001:db8::80;93.184.216.34\""),
            ("dnsResolveEx('nowhere.invalid')", "\"\""),
            ("dnsResolveEx('2001:db8::1')", "\"2001:db8::1\""),
        ],
    );
}

#[test]
fn is_in_net() {
    check(
        &engine(),
        &[
            ("isInNet('198.95.249.79', '198.95.249.79', '255.255.255.255')", "true"),
            ("isInNet('198.95.6.8', '198.95.0.0', '255.255.0.0')", "true"),
            ("isInNet('198.96.6.8', '198.95.0.0', '255.255.0.0')", "false"),
            ("isInNet('intranet', '10.0.0.0', '255.0.0.0')", "true"),
            ("isInNet('www.example.com', '93.184.0.0', '255.255.0.0')", "true"),
            ("isInNet('v6.example', '0.0.0.0', '0.0.0.0')", "false"),
            ("isInNet('nowhere.invalid', '0.0.0.0', '0.0.0.0')", "false"),
            ("isInNet('256.1.1.1', '0.0.0.0', '0.0.0.0')", "false"),
        ],
    );
}

#[test]
fn is_in_net_ex() {
    check(
        &engine(),
        &[
            ("isInNetEx('198.95.249.79', '198.95.249.79/32')", "true"),
            ("isInNetEx('198.95.6.8', '198.95.0.0/16')", "true"),
            ("isInNetEx('3ffe:8311:ffff:abcd::1', '3ffe:8311:ffff::/48')", "true"),
            ("isInNetEx('3ffe:8312::1', '3ffe:8311:ffff::/48')", "false"),
            ("isInNetEx('10.0.0.1', '::/0')", "false"),
            ("isInNetEx('10.0.0.1', 10)", "false"),
            ("isInNetEx('intranet', '10.0.0.0/8')", "false"),
        ],
    );
}

#[test]
fn convert_addr() {
    check(
        &engine(),
        &[
            ("convert_addr('104.16.41.2')", "1745889538"),
            ("convert_addr('255.255.255.255')", "-1"),
            ("convert_addr('1.2.3')", "16909056"),
        ],
    );
}

#[test]
fn my_ip_address_and_ex() {
    check(
        &engine(),
        &[
            ("myIpAddress()", "\"192.168.1.20\""),
            ("myIpAddressEx()", "\"127.0.0.1;fe80::1;192.168.1.20;2001:db8::20\""),
        ],
    );
    let bare = PacEnvironment::new().with_resolver(StaticResolver::new());
    let e = PacEngine::new(EVAL_SCRIPT, &bare, Limits::default()).expect("loads");
    check(&e, &[("myIpAddress()", "\"127.0.0.1\""), ("myIpAddressEx()", "\"\"")]);
}

#[test]
fn dns_domain_levels() {
    check(
        &engine(),
        &[
            ("dnsDomainLevels('www')", "0"),
            ("dnsDomainLevels('www.netscape.com')", "2"),
            ("dnsDomainLevels('')", "0"),
        ],
    );
}

#[test]
fn sh_exp_match() {
    let e = engine();
    check(
        &e,
        &[
            ("shExpMatch('http://home.netscape.com/people/ari/index.html', '*/ari/*')", "true"),
            (
                "shExpMatch('http://home.netscape.com/people/montulli/index.html', '*/ari/*')",
                "false",
            ),
            ("shExpMatch('www.example.com', '*.example.com')", "true"),
            ("shExpMatch('example.com', '*.example.com')", "false"),
            ("shExpMatch('wwwXexample.com', 'www.example.com')", "false"),
            ("shExpMatch('host1', 'host?')", "true"),
            ("shExpMatch('host', 'host?')", "false"),
            // The rest of the pattern is a regular expression, as in browsers.
            ("shExpMatch('b.com', '(a|b).com')", "true"),
            ("shExpMatch('c9', '[a-c][0-9]')", "true"),
            ("shExpMatch('ABC', 'abc')", "false"),
        ],
    );
    assert!(
        matches!(e.call("shExpMatch('a', '[')", ""), Err(PacError::Script { message }) if message.starts_with("SyntaxError"))
    );
}

#[test]
fn weekday_range() {
    // Local (UTC+1) and UTC are both Friday.
    check(
        &engine(),
        &[
            ("weekdayRange('FRI')", "true"),
            ("weekdayRange('MON', 'FRI')", "true"),
            ("weekdayRange('SAT', 'THU')", "false"),
            ("weekdayRange('THU', 'MON')", "false"),
            ("weekdayRange('FRI', 'GMT')", "true"),
            ("weekdayRange('MON', 'THU', 'GMT')", "false"),
            ("weekdayRange('fri')", "false"),
            ("weekdayRange()", "false"),
        ],
    );
    // Saturday 00:30 local, Friday 23:30 UTC.
    let env = PacEnvironment::new().with_clock(FixedClock::at_utc((2024, 3, 15), (23, 30, 0), 60));
    let e = PacEngine::new(EVAL_SCRIPT, &env, Limits::default()).expect("loads");
    check(&e, &[("weekdayRange('SAT')", "true"), ("weekdayRange('SAT', 'GMT')", "false")]);
}

#[test]
fn date_range() {
    check(
        &engine(),
        &[
            ("dateRange(15)", "true"),
            ("dateRange('15')", "true"),
            ("dateRange(16)", "false"),
            ("dateRange('MAR')", "true"),
            ("dateRange(2024)", "true"),
            ("dateRange(1, 15)", "true"),
            ("dateRange(20, 10)", "false"),
            ("dateRange(20, 15)", "false"),
            ("dateRange('JAN', 'MAR')", "true"),
            ("dateRange('NOV', 'FEB')", "false"),
            ("dateRange('NOV', 'MAR')", "false"),
            ("dateRange(1995, 2030)", "true"),
            ("dateRange(15, 'MAR', 31, 'DEC')", "true"),
            ("dateRange('MAR', 2024, 'APR', 2024)", "true"),
            ("dateRange(1, 'JAN', 2020, 14, 'MAR', 2024)", "false"),
            ("dateRange(15, 'GMT')", "true"),
            ("dateRange()", "false"),
        ],
    );
}

#[test]
fn time_range() {
    // 11:30:15 local, 10:30:15 UTC.
    let e = engine();
    check(
        &e,
        &[
            ("timeRange(11)", "true"),
            ("timeRange(10)", "false"),
            ("timeRange(10, 'GMT')", "true"),
            ("timeRange(9, 12)", "true"),
            ("timeRange(9, 11)", "true"),
            ("timeRange(9, 10)", "false"),
            ("timeRange(11, 30, 11, 30)", "true"),
            ("timeRange(22, 0, 11, 45)", "false"),
            ("timeRange(0, 0, 11, 45)", "true"),
            ("timeRange(11, 30, 20, 11, 31, 0)", "false"),
            ("timeRange(11, 30, 10, 11, 30, 15)", "true"),
            ("timeRange(10, 30, 10, 31, 'GMT')", "true"),
            ("timeRange()", "false"),
        ],
    );
    assert!(
        matches!(e.call("timeRange(1, 2, 3)", ""), Err(PacError::Script { message }) if message.contains("timeRange"))
    );
}

#[test]
fn time_helpers_use_the_engine_time_zone_with_the_system_clock() {
    // With the system clock, local time is the engine's Date's local time.
    let e = PacEngine::new(EVAL_SCRIPT, &PacEnvironment::new(), Limits::default()).expect("loads");
    check(&e, &[("timeRange(new Date().getHours()) || new Date().getMinutes() == 59", "true")]);
    check(
        &e,
        &[("timeRange(new Date().getUTCHours(), 'GMT') || new Date().getMinutes() == 59", "true")],
    );
}

#[test]
fn sort_ip_address_list() {
    check(
        &engine(),
        &[
            (
                "sortIpAddressList('10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9')",
                "\"::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1\"",
            ),
            ("sortIpAddressList('10.0.0.2; 10.0.0.1')", "\"10.0.0.1;10.0.0.2\""),
            ("sortIpAddressList('10.0.0.1;garbage')", "false"),
            ("sortIpAddressList('')", "false"),
            ("sortIpAddressList(5)", "false"),
        ],
    );
}

#[test]
fn get_client_version_and_alert() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let env = PacEnvironment::new()
        .with_resolver(resolver())
        .with_alert(move |m| sink.lock().expect("lock").push(m.to_owned()));
    let e = PacEngine::new(EVAL_SCRIPT, &env, Limits::default()).expect("loads");
    check(
        &e,
        &[
            ("getClientVersion()", "\"1.0\""),
            ("String(alert('hello ' + 1))", "\"undefined\""),
            ("String(alert(null))", "\"undefined\""),
        ],
    );
    assert_eq!(*seen.lock().expect("lock"), ["hello 1", "null"]);
}

#[test]
fn helpers_survive_a_script_that_replaces_builtins() {
    let script = "RegExp = null; Date = null; Reflect = null; \
                  function FindProxyForURL(u, h) { return String(shExpMatch(h, '*.com') && weekdayRange('FRI')); }";
    let env = PacEnvironment::new().with_clock(clock());
    let e = PacEngine::new(script, &env, Limits::default()).expect("loads");
    assert_eq!(e.call("", "a.com").expect("runs"), "true");
}
