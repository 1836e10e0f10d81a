//! `sessionkit cookies …`: flags and help text.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

pub(crate) const COOKIES_LONG_ABOUT: &str = "\
Read and change the cookie jar of the session chosen with --partition (the \
default session unless given), as Electron's ses.cookies does.

The jar lives in the session's database (<dir>/sessionkit.sled). Unlike \
Electron, the command line keeps session cookies (those without Expires or \
Max-Age) between its own runs, the way curl's cookie jar file does, so a \
`receive` and a later `header` see the same cookies. An in-memory partition \
(a name without persist:) starts empty on every run.

receive and header act as the HTTP layer of a same-site, top-level \
navigation (GET); --cross-site makes the request cross-site, which hides \
SameSite=Strict cookies and, on anything but a top-level GET, Lax ones.

Examples:
  sessionkit cookies receive --url https://example.com/ 'sid=1; HttpOnly' 'lang=en; Max-Age=3600'
  sessionkit cookies header --url https://example.com/account
  sessionkit --json cookies list --domain example.com
  sessionkit cookies export --format netscape > cookies.txt
  sessionkit --partition persist:work cookies import cookies.txt

Exit status: 0 success (a rejected Set-Cookie is a warning), 1 the store \
failed, 2 bad input (URL, --same-site, import format...).";

/// `sessionkit cookies …`
#[derive(Debug, Subcommand)]
pub(crate) enum CookiesCommand {
    /// Store the Set-Cookie values of one response from URL; rejected
    /// cookies are reported on stderr with the reason
    Receive(ReceiveArgs),
    /// Print the Cookie header a request to URL would carry (an empty line
    /// when none)
    Header(HeaderArgs),
    /// List cookies, as Electron's cookies.get(filter) (a table, or an
    /// array of Electron Cookie objects with --json)
    List(ListArgs),
    /// Set a cookie, as Electron's cookies.set(details)
    Set(SetArgs),
    /// Remove the cookies named NAME a request to URL would carry, as
    /// Electron's cookies.remove(url, name)
    Remove(RemoveArgs),
    /// Remove every cookie of the session
    Clear,
    /// Write every cookie to stdout (cookies.txt or JSON)
    Export(ExportArgs),
    /// Read cookies from FILE ("-" for stdin) through the jar's rules;
    /// rejected records are reported on stderr
    Import(ImportArgs),
}

/// The request a cookie is received from or sent with.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The request URL, e.g. https://example.com/app/
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,

    /// Make the request cross-site (default: same-site)
    #[arg(long)]
    pub(crate) cross_site: bool,
}

/// Arguments of `sessionkit cookies receive`.
#[derive(Debug, Args)]
pub(crate) struct ReceiveArgs {
    /// The response's URL and context.
    #[command(flatten)]
    pub(crate) request: RequestArgs,

    /// One Set-Cookie header value per argument, e.g. 'sid=1; Path=/; HttpOnly'
    #[arg(value_name = "SET_COOKIE", required = true, allow_hyphen_values = true)]
    pub(crate) set_cookie: Vec<String>,
}

/// Arguments of `sessionkit cookies header`.
#[derive(Debug, Args)]
pub(crate) struct HeaderArgs {
    /// The request's URL and context.
    #[command(flatten)]
    pub(crate) request: RequestArgs,

    /// The request method (unsafe methods withhold Lax cookies cross-site)
    #[arg(long, value_name = "M", default_value = "GET")]
    pub(crate) method: String,
}

/// Arguments of `sessionkit cookies list` (Electron's filter).
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only cookies a request to this URL would carry
    #[arg(long, value_name = "U")]
    pub(crate) url: Option<String>,
    /// Only cookies with this exact name
    #[arg(long, value_name = "N")]
    pub(crate) name: Option<String>,
    /// Only cookies that would be sent to this host (its own and its
    /// parents' domain cookies)
    #[arg(long, value_name = "D")]
    pub(crate) domain: Option<String>,
    /// Only cookies with this exact path
    #[arg(long, value_name = "P")]
    pub(crate) path: Option<String>,
}

/// Arguments of `sessionkit cookies set` (Electron's details).
#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The URL the cookie is for
    #[arg(long, value_name = "U")]
    pub(crate) url: String,
    /// Name
    #[arg(long, value_name = "N")]
    pub(crate) name: String,
    /// Value
    #[arg(long, value_name = "V", allow_hyphen_values = true)]
    pub(crate) value: String,
    /// Domain; without it the cookie is host-only
    #[arg(long, value_name = "D")]
    pub(crate) domain: Option<String>,
    /// Path; without it the URL's directory
    #[arg(long, value_name = "P")]
    pub(crate) path: Option<String>,
    /// Secure
    #[arg(long)]
    pub(crate) secure: bool,
    /// HttpOnly
    #[arg(long)]
    pub(crate) http_only: bool,
    /// SameSite: unspecified, no_restriction, lax or strict [default: lax]
    #[arg(long, value_name = "S")]
    pub(crate) same_site: Option<String>,
    /// Expiry in seconds since 1970; without it a session cookie
    #[arg(long, value_name = "SECS", allow_hyphen_values = true)]
    pub(crate) expiration_date: Option<f64>,
}

/// Arguments of `sessionkit cookies remove`.
#[derive(Debug, Args)]
pub(crate) struct RemoveArgs {
    /// The URL whose cookies are removed
    #[arg(long, value_name = "U")]
    pub(crate) url: String,
    /// The cookie name
    #[arg(long, value_name = "N")]
    pub(crate) name: String,
}

/// File formats of export and import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Netscape cookies.txt, as curl and wget write it
    Netscape,
    /// An array of Electron Cookie objects
    Json,
}

/// Arguments of `sessionkit cookies export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Netscape)]
    pub(crate) format: Format,
}

/// Arguments of `sessionkit cookies import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The file to read, or "-" for stdin
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Input format [default: json when the file starts with '[', else netscape]
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
}
