//! The command line's shape: every flag, subcommand and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod cookies;
mod download;
mod get;
mod spell;

pub(crate) use cookies::{
    CookiesCommand, ExportArgs, Format, HeaderArgs, ImportArgs, ListArgs, ReceiveArgs, RemoveArgs,
    RequestArgs, SetArgs,
};
pub(crate) use download::{DownloadArgs, DownloadsCommand};
pub(crate) use get::{GetArgs, ServeProxyArgs};
pub(crate) use spell::{CheckArgs, DictionaryArgs, SpellCommand, SuggestArgs, WordsCommand};

const LONG_ABOUT: &str = "\
Inspect and manage sessionkit sessions from the shell: Electron's `session` \
module (partitions, proxy settings, cookies) rebuilt in Rust.

Sessions live in a data directory: --data-dir, else $SESSIONKIT_DATA_DIR, \
else the platform's data directory. The default session is the directory \
itself; `persist:NAME` partitions live in <data>/Partitions/.

Examples:
  # Which proxy would a request use? Prints what Electron's resolveProxy gives.
  sessionkit proxy resolve --rules 'http=foopy:80;socks=bar' http://example.com/
  sessionkit proxy resolve --rules 'foopy:80,direct://' --bypass '*.internal' https://db.internal/

  # Run a PAC script (a file, or an http, https, data or file URL).
  sessionkit proxy resolve --pac ./proxy.pac https://example.com/

  # Fail instead of warning on a rule Chromium would silently drop.
  sessionkit proxy resolve --strict --rules 'ftp=:80' ftp://example.com/

  # Keep cookies like a browser (session cookies too, between runs).
  sessionkit cookies receive --url https://example.com/ 'sid=1; HttpOnly'
  sessionkit cookies header --url https://example.com/

  # Fetch through the session: its cookies, proxies and emulation.
  sessionkit get -i http://127.0.0.1:8080/
  sessionkit serve-proxy --listen 127.0.0.1:3128

  # Download through the session, resumable: run it again after an interruption.
  sessionkit download --dir ./incoming https://example.com/big.iso
  sessionkit downloads list

  # List partitions (add --json for a machine-readable list), delete one.
  sessionkit --data-dir ./data partitions list
  sessionkit --data-dir ./data partitions delete persist:work

Exit status: 0 success, 1 the operation failed, 2 bad input or usage.";

/// Top-level arguments.
#[derive(Debug, Parser)]
#[command(
    name = "sessionkit",
    version,
    about = "Resolve proxies, keep cookies, fetch and manage partitions of sessionkit sessions (Electron's session module in Rust)",
    long_about = LONG_ABOUT,
    propagate_version = true
)]
pub(crate) struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Directory holding the sessions [default: the platform's data directory]
    #[arg(long, global = true, env = "SESSIONKIT_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// Session to use: "" for the default session, persist:NAME for one on
    /// disk, any other name for one in memory
    #[arg(long, global = true, value_name = "NAME", default_value = "")]
    pub(crate) partition: String,

    /// Log what happens to stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// Print lists as JSON instead of a table (partitions list, cookies
    /// list); commands that print a single line are unaffected
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Proxy configuration of a session
    #[command(subcommand)]
    Proxy(ProxyCommand),
    /// Partitions in the data directory
    #[command(subcommand)]
    Partitions(PartitionsCommand),
    /// Cookies of a session (Electron's ses.cookies); session cookies are
    /// kept between runs, like curl's cookie jar
    #[command(subcommand, long_about = cookies::COOKIES_LONG_ABOUT)]
    Cookies(CookiesCommand),
    /// Spelling with Hunspell dictionaries and the session's custom
    /// dictionary (Electron's session spellchecker)
    #[command(subcommand, long_about = spell::SPELL_LONG_ABOUT)]
    Spell(SpellCommand),
    /// Fetch a URL through the session (Electron's ses.fetch): cookies,
    /// proxies, network emulation, redirects
    #[command(long_about = get::GET_LONG_ABOUT)]
    Get(GetArgs),
    /// Serve an HTTP/1.1 proxy that sends every request through the
    /// session (forward, or reverse with --upstream)
    #[command(long_about = get::SERVE_PROXY_LONG_ABOUT)]
    ServeProxy(ServeProxyArgs),
    /// The session's HTTP cache (Electron's ses.getCacheSize and
    /// ses.clearCache)
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Download a URL through the session (Electron's ses.downloadURL),
    /// resumable: running it again continues an interrupted download
    #[command(long_about = download::DOWNLOAD_LONG_ABOUT)]
    Download(DownloadArgs),
    /// The session's downloads: list, resume, cancel
    #[command(subcommand)]
    Downloads(DownloadsCommand),
}

/// `sessionkit proxy …`
#[derive(Debug, Subcommand)]
pub(crate) enum ProxyCommand {
    /// Print the proxies a request to URL would use, as Electron's
    /// `session.resolveProxy(url)` resolves them
    #[command(long_about = RESOLVE_LONG_ABOUT)]
    Resolve(ResolveArgs),
}

const RESOLVE_LONG_ABOUT: &str = "\
Apply a proxy configuration to the session (like Electron's \
session.setProxy) and print the proxies a request to URL would use, on one \
line, exactly as session.resolveProxy resolves: for example \
`PROXY foopy:80;SOCKS5 bar:1080;DIRECT`. The line is empty when Chromium \
gives an empty list (every proxy rule was invalid).

Entries Chromium would drop are dropped too, with one warning each on \
stderr; --strict makes them an error (exit 2).

With --pac the session runs a PAC script (Electron's pacScript): a file, or \
an http, https, data or file URL. Localhost, loopback and link-local URLs \
are DIRECT without running it. As in Electron the script is mandatory: when \
it cannot be fetched, throws or returns a non-string, the line is empty \
(what resolveProxy resolves with), the reason is a warning on stderr and the \
exit status is 0 (1 with --strict). --pac-fallback-direct gives Chrome's \
behaviour instead: DIRECT.

Examples:
  sessionkit proxy resolve http://example.com/                       # DIRECT
  sessionkit proxy resolve --rules 'http=foopy:80;socks=bar' http://example.com/
  sessionkit proxy resolve --rules foopy:80 --bypass '<local>,*.corp' http://intranet/
  sessionkit proxy resolve --pac ./proxy.pac https://example.com/
  sessionkit proxy resolve --pac http://wpad.corp/wpad.dat --pac-fallback-direct http://intranet/";

/// Arguments of `sessionkit proxy resolve`.
#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    /// Proxy rules in Electron's `proxyRules` syntax, e.g. "http=foopy:80;socks=bar"
    #[arg(long, value_name = "RULES")]
    pub(crate) rules: Option<String>,

    /// Bypass rules in Electron's `proxyBypassRules` syntax.
    #[arg(
        long,
        value_name = "RULES",
        help = "Bypass rules in Electron's `proxyBypassRules` syntax, e.g. \"<local>,*.corp,10.0.0.0/8\""
    )]
    pub(crate) bypass: Option<String>,

    /// Proxy mode, as Electron's `mode`: direct, auto_detect (WPAD: the
    /// PAC script at http://wpad/wpad.dat), pac_script, fixed_servers or
    /// system [default: fixed_servers]
    #[arg(long, value_name = "MODE")]
    pub(crate) mode: Option<String>,

    /// PAC script to run (Electron's `pacScript`): a file, or an http,
    /// https, data or file URL
    #[arg(
        long,
        value_name = "FILE_OR_URL",
        alias = "pac-url",
        conflicts_with_all = ["rules", "bypass", "mode"]
    )]
    pub(crate) pac: Option<String>,

    /// When the PAC script fails, go DIRECT (Chrome) instead of printing an
    /// empty line (Electron's mandatory PAC)
    #[arg(long, conflicts_with_all = ["rules", "bypass"])]
    pub(crate) pac_fallback_direct: bool,

    /// Treat any invalid rule as an error instead of dropping it, and a
    /// failed PAC script as an error (exit 1) instead of a warning
    #[arg(long)]
    pub(crate) strict: bool,

    /// The URL a request would go to.
    #[arg(value_name = "URL", help = "The URL a request would go to, e.g. https://example.com/")]
    pub(crate) url: String,
}

/// `sessionkit cache …`
#[derive(Debug, Subcommand)]
pub(crate) enum CacheCommand {
    /// Print the bytes the cache holds, bodies and records (Electron's
    /// ses.getCacheSize()); 0 for an empty cache
    Size,
    /// Empty the cache (Electron's ses.clearCache())
    Clear,
}

/// `sessionkit partitions …`
#[derive(Debug, Subcommand)]
pub(crate) enum PartitionsCommand {
    /// List the default session, and the persistent partitions on disk
    /// (a table, or a JSON array with --json)
    List,
    /// Delete a persistent partition and all its data (refused while in use)
    Delete {
        /// The partition, e.g. persist:work
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
