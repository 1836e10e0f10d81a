//! `sessionkit get` and `sessionkit serve-proxy`: flags and help text.

use std::path::PathBuf;

use clap::Args;

pub(crate) const GET_LONG_ABOUT: &str = "\
Send one request through the session's pipeline (Electron's ses.fetch): \
the session's user agent and languages, its cookies (kept in the partition \
between runs, session cookies included), its proxy settings (--proxy-rules \
and --proxy-bypass apply to this run), network emulation and redirects \
(followed, up to 20). The body goes to stdout, or FILE with -o, exactly as \
the server sent it (never decompressed); -i writes the status line and \
headers first. With -o the body is written to a temporary file beside FILE \
and renamed over FILE once it arrived whole: a failed or interrupted \
(Ctrl-C) request leaves FILE as it was.

Examples:
  sessionkit get http://127.0.0.1:8080/
  sessionkit get -i -H 'Accept: application/json' http://127.0.0.1:8080/api
  sessionkit get -X POST --data 'a=1&b=2' http://127.0.0.1:8080/form
  sessionkit get --proxy-rules 'socks5://127.0.0.1:1080' http://example.com/
  sessionkit get --download-throughput 65536 -o big.bin http://127.0.0.1:8080/big
  sessionkit --partition persist:work get --cache-mode no-store http://127.0.0.1:8080/

Exit status: 0 a response arrived (whatever its status), 1 the request \
failed (the error names Chromium's net error, e.g. \
net::ERR_CONNECTION_REFUSED), 2 bad input.";

/// Arguments of `sessionkit get`.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// The URL to fetch (http or https)
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// Write the body to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Write the status line and the response headers before the body
    #[arg(short, long)]
    pub(crate) include: bool,

    /// Request method [default: GET, or POST with --data]
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub(crate) method: Option<String>,

    /// A request header, 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub(crate) headers: Vec<String>,

    /// Request body (Content-Type application/x-www-form-urlencoded unless
    /// a header gives one)
    #[arg(long, value_name = "BODY")]
    pub(crate) data: Option<String>,

    /// Proxy rules for this run, in Electron's proxyRules syntax, e.g.
    /// "http=foopy:80;socks=bar" or "foopy:80,direct://"
    #[arg(long, value_name = "RULES")]
    pub(crate) proxy_rules: Option<String>,

    /// Proxy bypass rules for this run, in Electron's proxyBypassRules syntax
    #[arg(long, value_name = "RULES")]
    pub(crate) proxy_bypass: Option<String>,

    /// Emulate being offline: fail at once with net::ERR_INTERNET_DISCONNECTED
    #[arg(long)]
    pub(crate) offline: bool,

    /// Emulated latency added before the response, in milliseconds
    #[arg(long, value_name = "MS")]
    pub(crate) latency: Option<u64>,

    /// Emulated download throughput, bytes per second (0: unlimited)
    #[arg(long, value_name = "BPS")]
    pub(crate) download_throughput: Option<u64>,

    /// Emulated upload throughput, bytes per second (0: unlimited)
    #[arg(long, value_name = "BPS")]
    pub(crate) upload_throughput: Option<u64>,

    /// Fetch cache mode: default, no-store, reload, no-cache, force-cache
    /// or only-if-cached
    #[arg(long, value_name = "MODE", default_value = "default")]
    pub(crate) cache_mode: String,
}

pub(crate) const SERVE_PROXY_LONG_ABOUT: &str = "\
Serve HTTP/1.1 on ADDR and send every request through the session's \
pipeline: a forward proxy (point a client's http proxy at it; absolute-form \
targets are fetched, CONNECT opens a raw tunnel), or with --upstream a \
reverse proxy in front of one origin. Redirects are passed back, not \
followed; bodies pass as they are (never decompressed); cookies are off \
unless --cookies. Requests and CONNECT tunnels go through the session's \
proxy settings (--proxy-rules and --proxy-bypass apply to this run; a \
tunnel takes the proxy of https://host:port/, as Chromium does), its DNS \
cache and network emulation. A request or tunnel that fails gets 502 (504 \
on a timeout) with the net error as its body.

The bound address is printed on stdout as `listening on ADDR`, so \
--listen 127.0.0.1:0 picks a free port. Runs until interrupted.

Examples:
  sessionkit serve-proxy --listen 127.0.0.1:3128
  sessionkit serve-proxy --listen 127.0.0.1:3128 --proxy-rules 'socks5://127.0.0.1:1080'
  sessionkit serve-proxy --listen 127.0.0.1:0 --upstream http://127.0.0.1:8000 --shared-cache";

/// Arguments of `sessionkit serve-proxy`.
#[derive(Debug, Args)]
pub(crate) struct ServeProxyArgs {
    /// Address to listen on, e.g. 127.0.0.1:3128 (port 0 picks one)
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: String,

    /// Act as a reverse proxy in front of this origin (http://host:port)
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) upstream: Option<String>,

    /// Send the session's cookies and store the responses' Set-Cookie
    /// (off by default: a proxy shared by clients should not mix them)
    #[arg(long)]
    pub(crate) cookies: bool,

    /// Let the partition's HTTP cache act as a shared cache (RFC 9111's
    /// rules for proxies: s-maxage wins, private responses are not stored)
    /// instead of a browser's private cache
    #[arg(long)]
    pub(crate) shared_cache: bool,

    /// Proxy rules for this run, in Electron's proxyRules syntax, e.g.
    /// "http=foopy:80;socks=bar" or "foopy:80,direct://"; requests and
    /// CONNECT tunnels go through them
    #[arg(long, value_name = "RULES")]
    pub(crate) proxy_rules: Option<String>,

    /// Proxy bypass rules for this run, in Electron's proxyBypassRules syntax
    #[arg(long, value_name = "RULES")]
    pub(crate) proxy_bypass: Option<String>,
}
