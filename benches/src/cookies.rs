//! Inputs of the cookie benchmarks: Set-Cookie headers received from many
//! sites, and request URLs to build Cookie headers for. Deterministic, so
//! figures compare across runs; every header is one both jars accept
//! (no public-suffix domains, no prefixes, Secure only over https).

use crate::Lcg;

/// Sites the cookies come from.
pub const SITES: usize = 300;
/// Set-Cookie headers in the ingest benchmark.
pub const HEADERS: usize = 10_000;
/// Cookies stored before the header benchmark.
pub const STORED: usize = 3_000;
/// Request URLs in the header benchmark.
pub const REQUESTS: usize = 10_000;

/// The registrable domain of site `i`.
fn site(i: usize) -> String {
    format!("site{i}.com")
}

/// A host of site `i`: the site itself or one of two subdomains.
fn host(rng: &mut Lcg, i: usize) -> String {
    match rng.below(3) {
        0 => site(i),
        1 => format!("www.{}", site(i)),
        _ => format!("api.{}", site(i)),
    }
}

const PATHS: [&str; 4] = ["/", "/app", "/app/v1", "/static"];

/// One Set-Cookie header for site `i`, named `c<name>`: a mix of host-only
/// and domain cookies, paths, persistent and session cookies, and the
/// usual attributes. Returns the response URL and the header.
fn set_cookie(rng: &mut Lcg, i: usize, name: usize) -> (String, String) {
    let host = host(rng, i);
    let secure = rng.below(2) == 0;
    let scheme = if secure { "https" } else { "http" };
    let path = PATHS[rng.below(PATHS.len())];
    let url = format!("{scheme}://{host}{path}/index.html");
    let mut header = format!("c{name}={:016x}", rng.below(usize::MAX));
    if path != "/" {
        header.push_str("; Path=");
        header.push_str(path);
    }
    if rng.below(2) == 0 {
        header.push_str("; Domain=");
        header.push_str(&site(i));
    }
    match rng.below(3) {
        0 => header.push_str("; Max-Age=86400"),
        1 => header.push_str("; Expires=Wed, 21 Oct 2037 07:28:00 GMT"),
        _ => {}
    }
    if secure && rng.below(2) == 0 {
        header.push_str("; Secure");
    }
    if rng.below(3) == 0 {
        header.push_str("; HttpOnly");
    }
    if rng.below(3) == 0 {
        header.push_str("; SameSite=Lax");
    }
    (url, header)
}

/// `count` Set-Cookie headers over `sites` sites, each with its response
/// URL. Names repeat within a site (40 per site), so some headers replace
/// earlier cookies, as real traffic does; no site reaches the per-domain
/// limit of 180, so neither jar evicts.
pub fn set_cookie_headers(count: usize, sites: usize) -> Vec<(String, String)> {
    let mut rng = Lcg::new(0x0c00_c1e5);
    (0..count)
        .map(|_| {
            let i = rng.below(sites);
            let name = rng.below(40);
            set_cookie(&mut rng, i, name)
        })
        .collect()
}

/// `count` distinct cookies spread evenly over `sites` sites (each a new
/// name), to fill a jar before the header benchmark.
pub fn stored_cookies(count: usize, sites: usize) -> Vec<(String, String)> {
    let mut rng = Lcg::new(0x0057_01ed);
    (0..count).map(|n| set_cookie(&mut rng, n % sites, n / sites)).collect()
}

/// `count` request URLs over `sites` sites (and one site in ten that has
/// no cookies), with paths that do and do not match the cookies' paths.
pub fn request_urls(count: usize, sites: usize) -> Vec<String> {
    let mut rng = Lcg::new(0x04e0_0e57);
    (0..count)
        .map(|_| {
            let scheme = if rng.below(4) == 0 { "http" } else { "https" };
            let path = ["/", "/app/v1/items", "/static/app.js", "/account", "/app"][rng.below(5)];
            if rng.below(10) == 0 {
                format!("{scheme}://www.elsewhere{}.org{path}", rng.below(1000))
            } else {
                let i = rng.below(sites);
                format!("{scheme}://{}{path}", host(&mut rng, i))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_deterministic_and_parse() {
        assert_eq!(set_cookie_headers(100, 10), set_cookie_headers(100, 10));
        assert_eq!(request_urls(100, 10), request_urls(100, 10));
        for (url, _) in set_cookie_headers(500, SITES).iter().chain(&stored_cookies(500, SITES)) {
            assert!(url::Url::parse(url).is_ok(), "{url}");
        }
        assert!(request_urls(500, SITES).iter().all(|u| url::Url::parse(u).is_ok()));
    }
}
