//! `sessionkit cookies …`: opens the session's jar, runs one command on it
//! and flushes it before exiting.

mod http;
mod manage;
mod transfer;

use sessionkit::PartitionOptions;
use url::Url;

use crate::args::{CookiesCommand, GlobalArgs};
use crate::commands::sessions;
use crate::failure::Failure;
use crate::output::WriteError;

/// Runs one `cookies` subcommand against the partition of `--partition`.
pub(crate) fn run(global: &GlobalArgs, command: &CookiesCommand) -> Result<(), WriteError> {
    // Session cookies are kept between runs, as curl keeps them in its
    // cookie jar file: otherwise `receive` then `header` could never work.
    let options = PartitionOptions::new().persist_session_cookies(true);
    let session = sessions(global)?.from_partition(&global.partition, options)?;
    let cookies = session.cookies()?;
    let result = match command {
        CookiesCommand::Receive(args) => http::receive(&cookies, args),
        CookiesCommand::Header(args) => http::header(&cookies, args),
        CookiesCommand::List(args) => manage::list(&cookies, args, global.json),
        CookiesCommand::Set(args) => manage::set(&cookies, args),
        CookiesCommand::Remove(args) => manage::remove(&cookies, args),
        CookiesCommand::Clear => manage::clear(&cookies),
        CookiesCommand::Export(args) => transfer::export(&cookies, args),
        CookiesCommand::Import(args) => transfer::import(&cookies, args),
    };
    // Flushed whatever happened: what a failing command changed before it
    // failed is kept, and a write error is reported rather than lost in a
    // destructor.
    let flushed = cookies.flush();
    result?;
    Ok(flushed?)
}

/// Parses a URL given on the command line (exit 2 when it does not parse).
fn parse_url(text: &str) -> Result<Url, Failure> {
    Url::parse(text).map_err(|e| Failure::bad_input(format!("invalid URL {text:?}: {e}")))
}

/// The jar's own errors (a bad URL, a refused cookie, a bad sameSite) are
/// all the caller's input.
fn jar_error(error: sessionkit::cookie_jar::Error) -> Failure {
    Failure::bad_input(error)
}
