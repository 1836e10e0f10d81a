//! Everything between us and `http-cache-semantics` 3.0.0, in one place so it can
//! shrink when upstream changes.
//!
//! What that crate gets wrong or leaves out for a browser cache, and what this
//! module does about it:
//! - it collapses repeated header lines (two `Set-Cookie`) to the last one and
//!   rewrites `Date` to now: we never serve its response parts; we serve the
//!   origin's own ordered list ([`served_headers`]), keep `Date`, set `Age`, and
//!   drop hop-by-hop fields when storing;
//! - it compares `Cache-Control` directive names case-sensitively, reads
//!   `Age: 7200, 0` as 0 and accepts an `Expires` with doubled spaces: the policy is
//!   built from a normalised copy of the headers ([`policy_view`]);
//! - it treats a 304 without validators as "modified" and merges with `insert`: we
//!   merge a 304 to our own revalidation ourselves ([`merge_not_modified`]);
//! - it knows neither `stale-while-revalidate` nor `stale-if-error` (RFC 5861):
//!   parsed here ([`stale_while_revalidate`], [`stale_if_error_allows`]);
//! - its `Vary` check compares only the first line, byte for byte: we match
//!   variants ourselves ([`vary_matches`]) on whitespace-normalised values.

use std::time::{Duration, SystemTime};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode, Uri};
use http_cache_semantics::{CacheOptions, CachePolicy};

use crate::date::{format_http_date, parse_http_date};
use crate::headers::{
    Directive, HeaderList, comma_members, delta_seconds, directives, has,
    lowercase_directive_names, to_map, without_hop_by_hop,
};
use crate::record::StoredResponse;

/// How responses are judged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PolicyOptions {
    /// Shared-cache rules (`s-maxage`, `private` not stored) instead of private ones.
    pub shared: bool,
    /// Fraction of the `Last-Modified` age used as heuristic freshness.
    pub heuristic: f32,
    /// Whether stored responses keep `Set-Cookie` (see `Builder::store_set_cookie`).
    pub set_cookie: bool,
}

impl PolicyOptions {
    fn cache_options(self) -> CacheOptions {
        CacheOptions { shared: self.shared, cache_heuristic: self.heuristic, ..Default::default() }
    }
}

/// A stored response with the policy rebuilt from it, and what every lookup asks
/// of it parsed once: the `Vary` names, the stored request's values for them, the
/// response's `Cache-Control` directives.
#[derive(Debug)]
pub(crate) struct Judged {
    pub record: StoredResponse,
    pub policy: CachePolicy,
    /// `None` for `Vary: *`; each value `None` when the request lacked the field.
    vary: Option<Vec<(HeaderName, Option<Vec<u8>>)>>,
    directives: Vec<Directive>,
    /// Judged with shared-cache rules.
    shared: bool,
}

impl Judged {
    pub(crate) fn new(record: StoredResponse, options: PolicyOptions) -> Self {
        let policy = policy_view(&record, options);
        let response = to_map(&record.headers);
        let stored_request = to_map(&record.request_headers);
        let vary = vary_names(&response).map(|names| {
            names
                .iter()
                .filter_map(|n| HeaderName::from_bytes(n.as_bytes()).ok())
                .map(|n| {
                    let value = normalised_value(stored_request.get_all(&n));
                    (n, value)
                })
                .collect()
        });
        let mut directives = directives(&response, &header::CACHE_CONTROL);
        // A qualified `no-cache="a"` only withholds the named fields, which were
        // not stored (see `record_for`): it does not forbid reuse.
        directives.retain(|d| !is_qualified_no_cache(d));
        Self { record, policy, vary, directives, shared: options.shared }
    }

    /// Whether the response forbids any use once stale without revalidation:
    /// `must-revalidate`, `no-cache`, and for a shared cache `proxy-revalidate`
    /// and `s-maxage` (RFC 9111 §5.2.2.8 and §5.2.2.10; a private cache ignores
    /// those two).
    fn never_stale(&self) -> bool {
        let d = &self.directives;
        has(d, "must-revalidate")
            || has(d, "no-cache")
            || (self.shared && (has(d, "proxy-revalidate") || has(d, "s-maxage")))
    }

    /// Whether a request selects this variant (see [`vary_matches`]).
    pub(crate) fn selected_by(&self, request: &HeaderMap) -> bool {
        self.vary.as_ref().is_some_and(|names| {
            names.iter().all(|(name, stored)| *stored == normalised_value(request.get_all(name)))
        })
    }
}

/// Builds the policy from a normalised copy of the stored request and response.
pub(crate) fn policy_view(record: &StoredResponse, options: PolicyOptions) -> CachePolicy {
    let mut req = http::Request::new(());
    *req.method_mut() = record.request_method.clone();
    *req.uri_mut() = record.request_uri.parse().unwrap_or_else(|_| Uri::from_static("/"));
    *req.headers_mut() = normalised_request(&to_map(&record.request_headers));
    let mut res = http::Response::new(());
    let mut headers = normalised_response(record);
    if !options.shared {
        permanent_responses_fresh(record.status, &mut headers);
    }
    *res.status_mut() = status_for_policy(record.status, &headers);
    *res.headers_mut() = headers;
    CachePolicy::new_options(&req, &res, record.response_time, options.cache_options())
}

/// Statuses `http-cache-semantics` knows how to cache.
const UNDERSTOOD: [u16; 14] =
    [200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501];

/// The status the policy is built with. RFC 9111 §3 lets a cache store a final
/// response of any status that carries explicit freshness, and Chromium reuses
/// them (cache-tests `status-*-fresh`); the crate refuses statuses outside its
/// list (299, 400, 500, 503 ...), so such a response is judged as a 200 would be.
/// Without explicit freshness the real status stays, so no heuristic applies.
fn status_for_policy(status: StatusCode, headers: &HeaderMap) -> StatusCode {
    let code = status.as_u16();
    let cc = directives(headers, &header::CACHE_CONTROL);
    // must-understand (RFC 9111 §5.2.2.3): only statuses the cache knows are stored.
    let explicit =
        (headers.contains_key(header::EXPIRES) || has(&cc, "max-age") || has(&cc, "s-maxage"))
            && !has(&cc, "must-understand");
    // 206 is never stored whole, 304 is never a stored response, and 401/407 are
    // authentication challenges the network layer answers, never replayed.
    if explicit
        && (200..600).contains(&code)
        && ![206, 304, 401, 407].contains(&code)
        && !UNDERSTOOD.contains(&code)
    {
        StatusCode::OK
    } else {
        status
    }
}

/// Chromium's private cache (`HttpResponseHeaders::GetFreshnessLifetimes`) holds
/// a 300, 301, 308 or 410 without explicit freshness fresh forever ("implicitly
/// fresh unless otherwise overruled": permanent redirects and gone resources
/// are not asked for again), where RFC 9111 gives them only heuristic freshness.
/// The view gets the largest `max-age` (2^31 s, RFC 9111 §1.2.2) for them,
/// unless `no-cache`/`no-store` (or `Pragma: no-cache`) overrule it. Shared
/// (proxy) rules keep RFC 9111's heuristics.
fn permanent_responses_fresh(status: StatusCode, headers: &mut HeaderMap) {
    if ![300, 301, 308, 410].contains(&status.as_u16()) || headers.contains_key(header::EXPIRES) {
        return;
    }
    let cc = directives(headers, &header::CACHE_CONTROL);
    let pragma_no_cache =
        comma_members(headers.get_all(header::PRAGMA)).any(|m| m.eq_ignore_ascii_case("no-cache"));
    let overruled = ["max-age", "s-maxage", "no-cache", "no-store"].iter().any(|d| has(&cc, d));
    if !overruled && !pragma_no_cache {
        headers.append(header::CACHE_CONTROL, HeaderValue::from_static("max-age=2147483648"));
    }
}

/// Request headers with `Cache-Control`/`Pragma` directive names lower-cased.
pub(crate) fn normalised_request(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    lowercase_field(&mut out, &header::CACHE_CONTROL);
    lowercase_field(&mut out, &header::PRAGMA);
    out
}

fn lowercase_field(map: &mut HeaderMap, name: &HeaderName) {
    let lines: Vec<String> = map
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(lowercase_directive_names)
        .collect();
    if lines.is_empty() {
        return;
    }
    map.remove(name);
    for line in lines {
        if let Ok(v) = HeaderValue::from_str(&line) {
            map.append(name.clone(), v);
        }
    }
}

fn normalised_response(record: &StoredResponse) -> HeaderMap {
    let mut map = to_map(&record.headers);
    // RFC 9111 lets a shared cache store a response with Set-Cookie; the crate
    // refuses it in shared mode unless `public`. Cookies never change freshness.
    map.remove(header::SET_COOKIE);
    lowercase_field(&mut map, &header::CACHE_CONTROL);
    lowercase_field(&mut map, &header::PRAGMA);
    without_qualified_no_cache(&mut map);
    // Age: RFC 9111 §5.1 — use the first member of a list; ignore an invalid value.
    let first_age = comma_members(map.get_all(header::AGE)).next().map(str::to_owned);
    map.remove(header::AGE);
    let age_value = first_age
        .filter(|first| !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()))
        // An overflowing Age saturates at 2^31 (RFC 9111 §1.2.2).
        .map(|first| first.parse::<u64>().unwrap_or(1 << 31).min(1 << 31));
    // RFC 9111 §4.2.3 (Chromium's GetCurrentAge does the same): the age on arrival
    // is the larger of the apparent age (arrival - Date) and Age plus the time the
    // request took; the crate would use Age alone. Whole seconds, as Age is.
    let apparent = single_date(&map, &header::DATE)
        .and_then(|date| record.response_time.duration_since(date).ok())
        .map_or(0, |d| d.as_secs());
    let delay = record.response_time.duration_since(record.request_time).map_or(0, |d| d.as_secs());
    let corrected = apparent.max(age_value.unwrap_or(0).saturating_add(delay)).min(1 << 31);
    if corrected > 0 || age_value.is_some() {
        map.insert(header::AGE, HeaderValue::from(corrected));
    }
    // Expires: an invalid date means "already expired" (RFC 9111 §5.3); a valid one
    // is rewritten as IMF-fixdate, which the crate's parser reads.
    if map.contains_key(header::EXPIRES) {
        let valid = single_date(&map, &header::EXPIRES);
        map.remove(header::EXPIRES);
        let value = valid.map_or_else(|| "0".to_owned(), format_http_date);
        if let Ok(v) = HeaderValue::from_str(&value) {
            map.insert(header::EXPIRES, v);
        }
    }
    for name in [header::DATE, header::LAST_MODIFIED] {
        if map.contains_key(&name) {
            let valid = single_date(&map, &name);
            map.remove(&name);
            if let Some(Ok(v)) = valid.map(|t| HeaderValue::from_str(&format_http_date(t))) {
                map.insert(name, v);
            }
        }
    }
    map
}

fn single_date(map: &HeaderMap, name: &HeaderName) -> Option<SystemTime> {
    let mut values = map.get_all(name).iter();
    let first = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse_http_date(first.to_str().ok()?)
}

fn is_qualified_no_cache(d: &Directive) -> bool {
    d.name == "no-cache" && d.value.is_some()
}

/// The fields a qualified `no-cache="a, b"` names, lower-cased (RFC 9111
/// §5.2.2.4): they may not be served without revalidation, so they are never
/// stored, as Chromium does (`PERSIST_SANS_NON_CACHEABLE`).
pub(crate) fn no_cache_fields(headers: &HeaderMap) -> Vec<String> {
    directives(headers, &header::CACHE_CONTROL)
        .iter()
        .filter(|d| is_qualified_no_cache(d))
        .filter_map(|d| d.value.as_deref())
        .flat_map(|v| v.split(','))
        .map(|f| f.trim().to_ascii_lowercase())
        .filter(|f| !f.is_empty())
        .collect()
}

/// The cookie fields Chromium never persists in a cache entry
/// (`HttpResponseInfo::Persist` with `PERSIST_SANS_COOKIES`), dropped from stored
/// responses when `PolicyOptions::set_cookie` is off.
const COOKIE_FIELDS: [HeaderName; 2] = [header::SET_COOKIE, HeaderName::from_static("set-cookie2")];

/// The list as it is stored: without the fields a qualified `no-cache` names, and
/// without cookies unless the options keep them.
fn persisted(list: HeaderList, options: PolicyOptions) -> HeaderList {
    let fields = no_cache_fields(&to_map(&list));
    list.into_iter()
        .filter(|(n, _)| options.set_cookie || !COOKIE_FIELDS.contains(n))
        .filter(|(n, _)| !fields.iter().any(|f| f == n.as_str()))
        .collect()
}

/// Drops qualified `no-cache="..."` members from the (lower-cased) `Cache-Control`
/// lines, so the policy does not read them as an unqualified `no-cache`.
fn without_qualified_no_cache(map: &mut HeaderMap) {
    let lines: Vec<String> = map
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|line| {
            crate::headers::split_members(line)
                .into_iter()
                .map(|m| m.trim_matches(|c| c == ' ' || c == '\t'))
                .filter(|m| !m.is_empty() && !m.starts_with("no-cache="))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    map.remove(header::CACHE_CONTROL);
    for line in lines.into_iter().filter(|l| !l.is_empty()) {
        if let Ok(v) = HeaderValue::from_str(&line) {
            map.append(header::CACHE_CONTROL, v);
        }
    }
}

/// The field names a response's `Vary` nominates, lower-cased; `None` for `Vary: *`,
/// which can never match and is therefore never stored.
pub(crate) fn vary_names(headers: &HeaderMap) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for member in comma_members(headers.get_all(header::VARY)) {
        if member == "*" {
            return None;
        }
        names.push(member.to_ascii_lowercase());
    }
    Some(names)
}

fn vary_names_of_list(list: &HeaderList) -> Option<Vec<String>> {
    vary_names(&to_map(list))
}

/// The request fields a response's `Vary` nominates, as the request had them.
pub(crate) fn nominated(request: &HeaderMap, vary: &[String]) -> HeaderList {
    let mut out = HeaderList::new();
    for name in vary {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
        for value in request.get_all(&name) {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

/// A request field's value for `Vary` matching: `None` when absent (RFC 9111 §4.1:
/// an absent field only matches an absent one); lines joined, white space around
/// commas dropped; bytes outside visible ASCII compared as they are.
fn normalised_value<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    for value in values {
        let part = match value.to_str() {
            Ok(_) => comma_members([value]).collect::<Vec<_>>().join(",").into_bytes(),
            Err(_) => value.as_bytes().to_vec(),
        };
        let joined = out.get_or_insert_with(Vec::new);
        if !joined.is_empty() && !part.is_empty() {
            joined.push(b',');
        }
        joined.extend_from_slice(&part);
    }
    out
}

/// Whether a request selects this stored variant: every field its `Vary` nominates
/// has the same value, comparing all lines with white space around commas ignored
/// (RFC 9111 §4.1 allows normalising).
pub(crate) fn vary_matches(record: &StoredResponse, request: &HeaderMap) -> bool {
    let Some(names) = vary_names_of_list(&record.headers) else { return false };
    let stored = to_map(&record.request_headers);
    names.iter().all(|name| {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { return false };
        normalised_value(stored.get_all(&name)) == normalised_value(request.get_all(&name))
    })
}

/// Whether a stored variant may be used without contacting the origin for this
/// request (the caller already matched URL and `Vary`): RFC 9111 §4.2 freshness
/// from the crate (`age`, `time_to_live`, `is_stale`), and the request's own
/// `no-cache`, `max-age`, `min-fresh` and `max-stale` (§5.2.1) read here, case
/// blind. A stale response is never served under `max-stale` when it carries
/// `must-revalidate` or `no-cache`.
pub(crate) fn is_fresh_for(judged: &Judged, request: &HeaderMap, now: SystemTime) -> bool {
    let policy = &judged.policy;
    let req = if request.contains_key(header::CACHE_CONTROL) {
        directives(request, &header::CACHE_CONTROL)
    } else {
        // Pragma: no-cache counts only without Cache-Control (RFC 9111 §5.4).
        if comma_members(request.get_all(header::PRAGMA))
            .any(|m| m.eq_ignore_ascii_case("no-cache"))
        {
            return false;
        }
        Vec::new()
    };
    if has(&req, "no-cache") {
        return false;
    }
    // Chromium treats a request's `max-age=0` as "validate" (LOAD_VALIDATE_CACHE),
    // and Fetch's `no-cache` mode is expressed with exactly that header.
    if delta_seconds(&req, "max-age").is_some_and(|max| max.is_zero() || policy.age(now) > max) {
        return false;
    }
    if delta_seconds(&req, "min-fresh").is_some_and(|min| policy.time_to_live(now) < min) {
        return false;
    }
    if !policy.is_stale(now) {
        return true;
    }
    let Some(max_stale) = req.iter().find(|d| d.name == "max-stale") else { return false };
    if judged.never_stale() {
        return false;
    }
    match &max_stale.value {
        // No value: any staleness is acceptable.
        None => true,
        Some(_) => delta_seconds(&req, "max-stale").is_some_and(|m| staleness(judged, now) < m),
    }
}

/// Whether a new response may be stored at all: the crate's storability rules, a
/// request without `no-store` (any case), and never a 206 (a partial body is not
/// the resource) nor `Vary: *`.
pub(crate) fn is_storable(judged: &Judged, method: &Method, request: &HeaderMap) -> bool {
    *method == Method::GET
        && !has(&directives(request, &header::CACHE_CONTROL), "no-store")
        && judged.record.status != StatusCode::PARTIAL_CONTENT
        && judged.vary.is_some()
        && judged.policy.is_storable()
}

/// Statuses `http-cache-semantics` stores without explicit freshness (its
/// `STATUS_CODE_CACHEABLE_BY_DEFAULT` that it also understands; 206 is never stored).
const CACHEABLE_BY_DEFAULT: [u16; 11] = [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501];

/// A cheap look at a response head, before any record or policy is built:
/// `false` when [`is_storable`] would certainly say no for the record
/// [`record_for`] makes of it, `true` when only the full check can tell. Most
/// responses a cache cannot store (`no-store`, a status without freshness, an
/// unsafe or HEAD request) are recognised here, so a miss that stores nothing
/// does not pay for the stored header list, the normalised copies and the
/// policy. Each rule only ever answers `false` where the full check does:
///
/// - method, request `no-store` and 206 are [`is_storable`]'s own tests; 304,
///   401, 407 and codes outside 200..600 are statuses the crate does not
///   understand and that are never judged as a 200 (`status_for_policy`);
/// - the stored list keeps whole fields of the head or drops them (hop-by-hop,
///   named by `Connection` or by a qualified `no-cache`), so a field absent from
///   the head is absent from the policy's view; a `Cache-Control` or `Vary`
///   field is trusted present only when nothing drops it;
/// - a `no-store`/`private` member found by our quote-aware parse stays a
///   member of its own in the lower-cased line the policy is built from, and the
///   crate's naive comma split finds it there too (RFC 9111 §3: never stored);
/// - without `Expires` and any text `max-age`/`s-maxage` in `Cache-Control`
///   there is no explicit freshness, so the policy sees the real status: one the
///   crate does not understand is refused, and without `public` too one that is
///   not cacheable by default (RFC 9111 §3, last condition);
/// - a shared cache refuses an authenticated request's response that has no
///   `Cache-Control` at all (RFC 9111 §3.5: only `must-revalidate`, `public` or
///   `s-maxage` allow it).
pub(crate) fn may_store(
    method: &Method,
    request: &HeaderMap,
    response: &http::response::Parts,
    options: PolicyOptions,
) -> bool {
    if *method != Method::GET
        || response.status == StatusCode::PARTIAL_CONTENT
        || (request.contains_key(header::CACHE_CONTROL)
            && has(&directives(request, &header::CACHE_CONTROL), "no-store"))
    {
        return false;
    }
    let code = response.status.as_u16();
    // Never judged as a 200 (see `status_for_policy`), and not understood.
    if !(200..600).contains(&code) || [304, 401, 407].contains(&code) {
        return false;
    }
    let headers = &response.headers;
    let cc_present = headers.contains_key(header::CACHE_CONTROL);
    let mentions = |word: &[u8]| {
        headers
            .get_all(header::CACHE_CONTROL)
            .iter()
            .any(|v| v.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word)))
    };
    if !headers.contains_key(header::EXPIRES)
        && (!cc_present || (!mentions(b"max-age") && !mentions(b"s-maxage")))
    {
        let understood = UNDERSTOOD.contains(&code);
        let by_default = CACHEABLE_BY_DEFAULT.contains(&code);
        if !understood || (!by_default && (!cc_present || !mentions(b"public"))) {
            return false;
        }
    }
    if options.shared && !cc_present && request.contains_key(header::AUTHORIZATION) {
        return false;
    }
    let vary_present = headers.contains_key(header::VARY);
    if !cc_present && !vary_present {
        return true;
    }
    // Whether a directive is there, read as `directives` reads names, without
    // allocating.
    let named = |wanted: &str| {
        comma_members(headers.get_all(header::CACHE_CONTROL))
            .any(|m| m.split_once('=').map_or(m, |(n, _)| n.trim()).eq_ignore_ascii_case(wanted))
    };
    // Fields the stored list drops (see `record_for` and `persisted`): those
    // `Connection` lists and those a qualified `no-cache` names. Both are rare,
    // so they are only collected when present.
    let qualified_no_cache = cc_present
        && comma_members(headers.get_all(header::CACHE_CONTROL)).any(|m| {
            m.split_once('=').is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("no-cache"))
        });
    let (connection, withheld) = if qualified_no_cache || headers.contains_key(header::CONNECTION) {
        let connection: Vec<String> = comma_members(headers.get_all(header::CONNECTION))
            .map(|m| m.to_ascii_lowercase())
            .collect();
        let withheld: Vec<String> = if connection.iter().any(|f| f == "cache-control") {
            Vec::new()
        } else {
            no_cache_fields(headers)
        };
        (connection, withheld)
    } else {
        (Vec::new(), Vec::new())
    };
    let kept =
        |name: &str| !connection.iter().any(|f| f == name) && !withheld.iter().any(|f| f == name);
    if cc_present
        && kept("cache-control")
        && (named("no-store") || (options.shared && named("private")))
    {
        return false;
    }
    !(vary_present
        && kept("vary")
        && comma_members(headers.get_all(header::VARY)).any(|m| m == "*"))
}

/// The record for a response about to be stored.
pub(crate) fn record_for(
    request: (&Method, &Uri, &HeaderMap),
    response: &http::response::Parts,
    request_time: SystemTime,
    response_time: SystemTime,
    body_len: u64,
    options: PolicyOptions,
) -> StoredResponse {
    let (method, request_uri, request_fields) = request;
    let vary = vary_names(&response.headers).unwrap_or_default();
    let mut uri = request_uri.to_string();
    if let Some(hash) = uri.find('#') {
        uri.truncate(hash);
    }
    let mut request_headers = nominated(request_fields, &vary);
    // A shared cache must know that the request was authenticated (RFC 9111 §3.5);
    // the credentials themselves are not kept unless `Vary` names them.
    if request_fields.contains_key(header::AUTHORIZATION)
        && !request_headers.iter().any(|(n, _)| n == header::AUTHORIZATION)
    {
        request_headers.push((header::AUTHORIZATION, HeaderValue::from_static("redacted")));
    }
    StoredResponse {
        status: response.status,
        headers: persisted(without_hop_by_hop(&response.headers), options),
        request_method: method.clone(),
        request_uri: uri,
        request_headers,
        request_time,
        response_time,
        body_len,
    }
}

/// The headers to serve a stored response with: the origin's lines in order, its
/// `Date` untouched, `Age` replaced by the current age (RFC 9111 §5.1: a cache
/// must send `Age` with a stored response).
pub(crate) fn served_headers(judged: &Judged, now: SystemTime) -> HeaderMap {
    let mut map = HeaderMap::with_capacity(judged.record.headers.len() + 1);
    for (name, value) in &judged.record.headers {
        if name != header::AGE {
            map.append(name.clone(), value.clone());
        }
    }
    map.insert(header::AGE, HeaderValue::from(judged.policy.age(now).as_secs()));
    map
}

/// Fields a 304 never changes in the stored response: the stored body's framing,
/// coding and digest (RFC 9111 §3.2 names Content-Length; the others describe the
/// stored bytes too).
const NOT_UPDATED_BY_304: [HeaderName; 4] = [
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::CONTENT_RANGE,
    HeaderName::from_static("content-md5"),
];

/// RFC 9111 §3.2 / §4.3.4: every field of the 304 replaces all stored lines of that
/// name; repeated lines of the 304 are kept as they came; the stored `Age` goes, since
/// the response is now as old as the 304.
pub(crate) fn merge_not_modified(
    stored: &HeaderList,
    not_modified: &HeaderMap,
    options: PolicyOptions,
) -> HeaderList {
    let fresh = without_hop_by_hop(not_modified);
    let replaced = |name: &HeaderName| {
        !NOT_UPDATED_BY_304.contains(name) && fresh.iter().any(|(n, _)| n == name)
    };
    // The stored Age described the old response's trip; the 304 is the new one
    // (its own Age, if any, comes in with the other fields).
    let mut out: HeaderList =
        stored.iter().filter(|(n, _)| !replaced(n) && n != header::AGE).cloned().collect();
    out.extend(fresh.into_iter().filter(|(n, _)| !NOT_UPDATED_BY_304.contains(n)));
    persisted(out, options)
}

/// Whether a 304 can be applied to the stored response: when both carry a strong
/// `ETag`, they must be the same (RFC 9111 §4.3.4); a 304 without validators is
/// taken to be about the response we asked about.
pub(crate) fn not_modified_applies(stored: &HeaderList, not_modified: &HeaderMap) -> bool {
    let stored_etag = stored.iter().find(|(n, _)| n == header::ETAG).map(|(_, v)| v.as_bytes());
    match (stored_etag, not_modified.get(header::ETAG).map(HeaderValue::as_bytes)) {
        (Some(old), Some(new)) if !old.starts_with(b"W/") && !new.starts_with(b"W/") => old == new,
        _ => true,
    }
}

/// How long past its freshness lifetime a stored response is at `now`.
pub(crate) fn staleness(judged: &Judged, now: SystemTime) -> Duration {
    let at_arrival = judged.record.response_time;
    let ttl = judged.policy.time_to_live(at_arrival);
    let lifetime = if ttl > Duration::ZERO {
        ttl + judged.policy.age(at_arrival)
    } else {
        // Stale on arrival: the explicit max-age is the best lower bound we have.
        delta_seconds(&judged.directives, "max-age").unwrap_or_default()
    };
    judged.policy.age(now).saturating_sub(lifetime)
}

/// The response's `stale-while-revalidate` window if it may be used for this
/// request: not when the response forbids stale use (`Judged::never_stale`), nor when the
/// request asks for a fresh answer (`no-cache`, `max-age`, `min-fresh`, `Pragma`).
pub(crate) fn stale_while_revalidate(judged: &Judged, request: &HeaderMap) -> Option<Duration> {
    let res = &judged.directives;
    if judged.never_stale() || has(res, "no-store") {
        return None;
    }
    let req = directives(request, &header::CACHE_CONTROL);
    let pragma_no_cache =
        comma_members(request.get_all(header::PRAGMA)).any(|m| m.eq_ignore_ascii_case("no-cache"));
    if has(&req, "no-cache") || has(&req, "max-age") || has(&req, "min-fresh") || pragma_no_cache {
        return None;
    }
    delta_seconds(res, "stale-while-revalidate")
}

/// RFC 5861 §4: a stale response may stand in for an error only when the response
/// or the request carries `stale-if-error` and the staleness is within it; never
/// against `must-revalidate`, `no-cache` (or, shared, `proxy-revalidate`, `s-maxage`).
pub(crate) fn stale_if_error_allows(judged: &Judged, request: &HeaderMap, now: SystemTime) -> bool {
    let res = &judged.directives;
    if judged.never_stale() {
        return false;
    }
    let req = directives(request, &header::CACHE_CONTROL);
    // A request that asked for validation (RFC 9111 §5.2.1.4 no-cache, Pragma
    // without Cache-Control, or max-age=0, Chromium's validate flag) must not get
    // an unvalidated stored response.
    let pragma_no_cache = !request.contains_key(header::CACHE_CONTROL)
        && comma_members(request.get_all(header::PRAGMA))
            .any(|m| m.eq_ignore_ascii_case("no-cache"));
    if has(&req, "no-cache")
        || pragma_no_cache
        || delta_seconds(&req, "max-age").is_some_and(|m| m.is_zero())
    {
        return false;
    }
    let window = [delta_seconds(res, "stale-if-error"), delta_seconds(&req, "stale-if-error")]
        .into_iter()
        .flatten()
        .max();
    window.is_some_and(|w| staleness(judged, now) <= w)
}

/// Statuses that count as an error for `stale-if-error` (RFC 5861 §4).
pub(crate) fn is_error_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

/// The validators to send when revalidating a stored response.
pub(crate) fn add_validators(stored: &HeaderList, request: &mut HeaderMap) {
    let get = |name: &HeaderName| stored.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    if !request.contains_key(header::IF_NONE_MATCH)
        && let Some(etag) = get(&header::ETAG)
    {
        request.insert(header::IF_NONE_MATCH, etag);
    }
    if !request.contains_key(header::IF_MODIFIED_SINCE)
        && let Some(lm) = get(&header::LAST_MODIFIED)
    {
        request.insert(header::IF_MODIFIED_SINCE, lm);
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    const OPTS: PolicyOptions = PolicyOptions { shared: false, heuristic: 0.1, set_cookie: true };

    fn record(headers: &[(&'static str, &'static str)]) -> StoredResponse {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        StoredResponse {
            status: StatusCode::OK,
            headers: headers
                .iter()
                .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
                .collect(),
            request_method: Method::GET,
            request_uri: "https://a.test/".into(),
            request_headers: Vec::new(),
            request_time: t,
            response_time: t,
            body_len: 0,
        }
    }

    fn fresh(headers: &[(&'static str, &'static str)], after: u64) -> bool {
        let r = record(headers);
        let now = r.response_time + Duration::from_secs(after);
        is_fresh_for(&Judged::new(r, OPTS), &HeaderMap::new(), now)
    }

    #[test]
    fn upper_case_directives_understood() {
        assert!(fresh(&[("cache-control", "max-age=100")], 10));
        assert!(!fresh(&[("cache-control", "max-age=100, No-CaChE")], 10));
        assert!(fresh(&[("cache-control", "MAX-AGE=100")], 10));
    }

    #[test]
    fn age_list_uses_first_member_and_bad_expires_is_expired() {
        assert!(!fresh(&[("cache-control", "max-age=3600"), ("age", "7200, 0")], 0));
        assert!(fresh(&[("cache-control", "max-age=3600"), ("age", "junk")], 0));
        assert!(!fresh(
            &[
                ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
                ("expires", "Tue, 14  Nov 2099 22:13:20 GMT")
            ],
            0
        ));
        assert!(fresh(
            &[
                ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
                ("expires", "Tue, 14 Nov 2099 22:13:20 GMT")
            ],
            0
        ));
    }

    #[test]
    fn merge_replaces_all_lines_and_keeps_length() {
        let stored = record(&[
            ("content-length", "3"),
            ("age", "100"),
            ("x-a", "1"),
            ("x-a", "2"),
            ("set-cookie", "keep=1"),
        ])
        .headers;
        let mut nm = HeaderMap::new();
        nm.append("x-a", HeaderValue::from_static("3"));
        nm.append("content-length", HeaderValue::from_static("0"));
        nm.append("connection", HeaderValue::from_static("close"));
        let merged = merge_not_modified(&stored, &nm, OPTS);
        let view: Vec<_> = merged.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
        assert_eq!(view, [("content-length", "3"), ("set-cookie", "keep=1"), ("x-a", "3")]);
    }

    /// The pre-check never refuses what the full rules would store, and refuses
    /// the common unstorable heads by itself.
    #[test]
    fn pre_check_refuses_only_what_is_not_storable() {
        let shared = PolicyOptions { shared: true, ..OPTS };
        type Fields<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(u16, Fields<'_>, bool)] = &[
            (200, &[("cache-control", "no-store")], false),
            (200, &[("cache-control", "max-age=60, No-Store")], false),
            (200, &[("cache-control", "no-store=\"a, b\"")], false),
            (200, &[("cache-control", "x=\"a, no-store\""), ("cache-control", "max-age=5")], true),
            (200, &[("cache-control", "no-store"), ("connection", "Cache-Control")], true),
            (200, &[("cache-control", "no-store, no-cache=\"cache-control\"")], true),
            (200, &[("cache-control", "private, max-age=60")], true),
            (200, &[("vary", "accept, *")], false),
            (200, &[("vary", "*"), ("connection", "vary")], true),
            (200, &[("vary", "*"), ("cache-control", "no-cache=\"Vary\"")], true),
            (200, &[], true),
            (206, &[("cache-control", "max-age=60")], false),
            (302, &[], false),
            (302, &[("cache-control", "public")], true),
            (302, &[("expires", "Tue, 14 Nov 2099 22:13:20 GMT")], true),
            (401, &[("cache-control", "max-age=60")], false),
            (304, &[("cache-control", "max-age=60")], false),
            (500, &[], false),
            (500, &[("cache-control", "public")], false),
            (500, &[("cache-control", "MAX-AGE=60")], true),
            (500, &[("cache-control", "s-maxage=60")], true),
            (299, &[("expires", "0")], true),
            (301, &[], true),
            (404, &[("pragma", "no-cache")], true),
        ];
        let get = |fields: &[(&str, &str)]| {
            let mut request = HeaderMap::new();
            for (n, v) in fields {
                request.append(HeaderName::from_bytes(n.as_bytes()).unwrap(), v.parse().unwrap());
            }
            request
        };
        let uri: Uri = "https://a.test/x".parse().unwrap();
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let requests: [(Method, HeaderMap); 5] = [
            (Method::GET, HeaderMap::new()),
            (Method::GET, get(&[("cache-control", "No-Store")])),
            (Method::GET, get(&[("authorization", "Basic eA==")])),
            (Method::GET, get(&[("cache-control", "x=\"no-store\"")])),
            (Method::HEAD, HeaderMap::new()),
        ];
        for (code, fields, expect) in cases {
            let mut response = http::Response::new(());
            *response.status_mut() = StatusCode::from_u16(*code).unwrap();
            *response.headers_mut() = get(fields);
            let (head, ()) = response.into_parts();
            for options in [OPTS, shared] {
                for (method, request) in &requests {
                    let may = may_store(method, request, &head, options);
                    let record = record_for((method, &uri, request), &head, t, t, 0, options);
                    let full = is_storable(&Judged::new(record, options), method, request);
                    assert!(may || !full, "{code} {fields:?} {method} {request:?} {options:?}");
                }
            }
            if !expect {
                assert!(
                    !may_store(&Method::GET, &HeaderMap::new(), &head, OPTS),
                    "{code} {fields:?}"
                );
            }
        }
        // Shared rules: `private` and an authenticated request without any
        // Cache-Control are refused up front.
        let head = |fields: &[(&str, &str)]| {
            let mut response = http::Response::new(());
            *response.headers_mut() = get(fields);
            response.into_parts().0
        };
        assert!(!may_store(
            &Method::GET,
            &HeaderMap::new(),
            &head(&[("cache-control", "private")]),
            shared
        ));
        let authorized = get(&[("authorization", "Basic eA==")]);
        assert!(!may_store(&Method::GET, &authorized, &head(&[]), shared));
        assert!(may_store(&Method::GET, &authorized, &head(&[]), OPTS));
    }

    #[test]
    fn vary_normalises_white_space() {
        let mut r = record(&[("vary", "Accept-Language")]);
        r.request_headers = vec![(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en, fr"))];
        let mut req = HeaderMap::new();
        req.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en,fr"));
        assert!(vary_matches(&r, &req));
        req.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("de"));
        assert!(!vary_matches(&r, &req));
        assert!(!vary_matches(&record(&[("vary", "*")]), &HeaderMap::new()));
    }
}
