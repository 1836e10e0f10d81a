//! A realistic corporate PAC script and the URLs to ask it about, for the
//! `pac` benchmark.
//!
//! The script is the kind an IT department writes: intranet domains
//! (`dnsDomainIs`), private and site networks (`isInNet`), SaaS and
//! partner hosts routed to particular proxies (`shExpMatch` on the host and
//! on the URL), a default proxy chain with DIRECT last. Everything is
//! generated deterministically.
//!
//! No DNS: `isInNet` is only reached for hosts that are IPv4 literals (the
//! script tests for a dotted quad first, as many real scripts do to avoid
//! lookups), and no `dnsResolve`, `isResolvable` or `myIpAddress` is called,
//! so pacparser (whose helpers do real DNS) and sessionkit (with a table
//! resolver) compute the same answers without the network.

use crate::Lcg;

/// Intranet DNS suffixes: `DIRECT`.
const INTRANET: usize = 48;
/// Site networks, each sent to its site's proxy (`isInNet`).
const SITES: usize = 36;
/// SaaS host patterns (`shExpMatch` on the host), each with its proxy.
const SAAS: usize = 40;
/// Partner URL patterns (`shExpMatch` on the URL).
const PARTNERS: usize = 24;

fn intranet_suffix(i: usize) -> String {
    format!(".dept{i}.corp.example")
}

/// Site `i`: network `10.(i+1).0.0/16`, proxy `proxy-site<i>.corp.example`.
fn site_network(i: usize) -> String {
    format!("10.{}.0.0", i + 1)
}

fn saas_domain(i: usize) -> String {
    format!("app{i}.saas{}.example", i % 7)
}

fn partner_host(i: usize) -> String {
    format!("portal.partner{i}.example")
}

/// The PAC script: about 200 lines.
pub fn corporate_pac() -> String {
    let mut s = String::new();
    s.push_str(
        "// Corporate proxy auto-configuration (benchmark input, generated).\n\
         var MAIN = \"PROXY proxy1.corp.example:8080; PROXY proxy2.corp.example:8080; DIRECT\";\n\
         var SAAS = \"PROXY saas-gw.corp.example:3128; DIRECT\";\n\
         var PARTNER = \"HTTPS partner-gw.corp.example:443; PROXY proxy1.corp.example:8080\";\n\
         var BLOCKED = \"PROXY 127.0.0.1:9\";\n\
         \n\
         function isDottedQuad(host) {\n\
         \x20 return /^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/.test(host);\n\
         }\n\
         \n\
         function isIntranet(host) {\n\
         \x20 if (isPlainHostName(host)) return true;\n",
    );
    for i in 0..INTRANET {
        s.push_str(&format!("  if (dnsDomainIs(host, \"{}\")) return true;\n", intranet_suffix(i)));
    }
    s.push_str("  return false;\n}\n\nfunction siteProxy(ip) {\n");
    for i in 0..SITES {
        s.push_str(&format!(
            "  if (isInNet(ip, \"{}\", \"255.255.0.0\")) return \"PROXY proxy-site{i}.corp.example:8080; DIRECT\";\n",
            site_network(i)
        ));
    }
    s.push_str(
        "  if (isInNet(ip, \"10.0.0.0\", \"255.0.0.0\")) return \"DIRECT\";\n\
         \x20 if (isInNet(ip, \"172.16.0.0\", \"255.240.0.0\")) return \"DIRECT\";\n\
         \x20 if (isInNet(ip, \"192.168.0.0\", \"255.255.0.0\")) return \"DIRECT\";\n\
         \x20 if (isInNet(ip, \"100.64.0.0\", \"255.192.0.0\")) return \"DIRECT\";\n\
         \x20 return null;\n}\n\nfunction saasProxy(host) {\n",
    );
    for i in 0..SAAS {
        s.push_str(&format!(
            "  if (shExpMatch(host, \"*.{}\") || host == \"{}\") return SAAS;\n",
            saas_domain(i),
            saas_domain(i)
        ));
    }
    s.push_str("  return null;\n}\n\nfunction partnerProxy(url) {\n");
    for i in 0..PARTNERS {
        s.push_str(&format!(
            "  if (shExpMatch(url, \"http://{}/*\")) return PARTNER;\n",
            partner_host(i)
        ));
    }
    s.push_str(
        "  return null;\n}\n\n\
         function FindProxyForURL(url, host) {\n\
         \x20 host = host.toLowerCase();\n\
         \x20 if (isIntranet(host)) return \"DIRECT\";\n\
         \x20 if (isDottedQuad(host)) {\n\
         \x20   var site = siteProxy(host);\n\
         \x20   if (site != null) return site;\n\
         \x20   return MAIN;\n\
         \x20 }\n\
         \x20 if (shExpMatch(host, \"*.ads.example\") || shExpMatch(host, \"tracker*.example\")) return BLOCKED;\n\
         \x20 var saas = saasProxy(host);\n\
         \x20 if (saas != null) return saas;\n\
         \x20 var partner = partnerProxy(url);\n\
         \x20 if (partner != null) return partner;\n\
         \x20 if (url.substring(0, 4) == \"ftp:\") return \"DIRECT\";\n\
         \x20 return MAIN;\n\
         }\n",
    );
    s
}

/// `count` URLs: intranet hosts, IP literals in and out of the site
/// networks, SaaS and partner hosts, blocked hosts, and ordinary internet
/// hosts that fall through every rule (a quarter; the slowest path).
pub fn pac_urls(count: usize) -> Vec<String> {
    let mut rng = Lcg::new(0x9ac_5c1b7);
    (0..count)
        .map(|_| {
            let scheme = if rng.below(3) == 0 { "http" } else { "https" };
            match rng.below(20) {
                0..=3 => {
                    let i = rng.below(INTRANET);
                    format!("{scheme}://host{}{}/wiki/page", rng.below(30), intranet_suffix(i))
                }
                4 => format!("http://intranet{}/", rng.below(10)),
                5..=7 => {
                    let (a, b) =
                        if rng.below(4) == 0 { (192, 168) } else { (10, 1 + rng.below(SITES + 4)) };
                    format!("{scheme}://{a}.{b}.{}.{}/api", rng.below(256), 1 + rng.below(254))
                }
                8..=10 => {
                    let i = rng.below(SAAS);
                    format!("https://tenant{}.{}/login", rng.below(500), saas_domain(i))
                }
                11..=12 => {
                    format!(
                        "http://{}/orders/{}?q=1",
                        partner_host(rng.below(PARTNERS)),
                        rng.below(1000)
                    )
                }
                13 => format!("http://cdn{}.ads.example/banner.js", rng.below(50)),
                _ => format!("{scheme}://www.site{}.com/index.html", rng.below(100_000)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_corporate_sized() {
        let script = corporate_pac();
        let lines = script.lines().count();
        assert!((100..=300).contains(&lines), "{lines} lines");
        for helper in ["shExpMatch", "dnsDomainIs", "isInNet", "isPlainHostName"] {
            assert!(script.contains(helper), "{helper}");
        }
        for network in ["dnsResolve", "isResolvable", "myIpAddress"] {
            assert!(!script.contains(network), "{network} would need DNS");
        }
    }

    #[test]
    fn urls_are_deterministic_and_parse() {
        let urls = pac_urls(500);
        assert_eq!(urls, pac_urls(500));
        assert!(urls.iter().all(|u| url::Url::parse(u).is_ok()));
    }

    #[test]
    fn every_branch_is_taken_and_no_dns_is_needed() {
        use sessionkit_pac::{Limits, PacEngine, PacEnvironment, StaticResolver};

        // An empty table: any lookup would fail, so answers that need none
        // are the only ones possible; all the branches still show up.
        let env = PacEnvironment::new().with_resolver(StaticResolver::new());
        let engine = PacEngine::new(&corporate_pac(), &env, Limits::default()).expect("compiles");
        let mut seen = std::collections::BTreeSet::new();
        for u in pac_urls(2_000) {
            let list = engine.find_proxy_for_url(&url::Url::parse(&u).expect("URL")).expect("call");
            let text = list.to_pac_string();
            let kind = if text.starts_with("PROXY proxy-site") { "site".to_owned() } else { text };
            seen.insert(kind);
        }
        let expected = [
            "DIRECT",
            "HTTPS partner-gw.corp.example:443;PROXY proxy1.corp.example:8080",
            "PROXY 127.0.0.1:9",
            "PROXY proxy1.corp.example:8080;PROXY proxy2.corp.example:8080;DIRECT",
            "PROXY saas-gw.corp.example:3128;DIRECT",
            "site",
        ];
        assert_eq!(seen.iter().map(String::as_str).collect::<Vec<_>>(), expected);
    }
}
