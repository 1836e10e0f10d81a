//! `cookies list|set|remove|clear`: Electron's `cookies` API.

use sessionkit::{Cookie, CookieDetails, CookieFilter, Cookies, SameSite};

use super::{jar_error, parse_url};
use crate::args::{ListArgs, RemoveArgs, SetArgs};
use crate::failure::Failure;
use crate::output::{self, WriteError};

/// Prints the cookies matching the filter, as a table or as Electron's
/// `Cookie` objects (`--json`).
///
/// Electron: `ses.cookies.get(filter)`.
pub(super) fn list(cookies: &Cookies, args: &ListArgs, json: bool) -> Result<(), WriteError> {
    if let Some(url) = &args.url {
        parse_url(url)?;
    }
    let filter = CookieFilter {
        url: args.url.clone(),
        name: args.name.clone(),
        domain: args.domain.clone(),
        path: args.path.clone(),
        ..CookieFilter::default()
    };
    let found = cookies.get(&filter).map_err(jar_error)?;
    if json {
        return output::json(&found);
    }
    let rows: Vec<[String; 6]> = found.iter().map(row).collect();
    output::table(["DOMAIN", "PATH", "NAME", "VALUE", "EXPIRES", "FLAGS"], &rows)
}

fn row(cookie: &Cookie) -> [String; 6] {
    let mut flags = Vec::new();
    if cookie.secure() {
        flags.push("secure".to_owned());
    }
    if cookie.http_only() {
        flags.push("httponly".to_owned());
    }
    if cookie.same_site() != SameSite::Unspecified {
        flags.push(format!("samesite={}", cookie.same_site().as_str()));
    }
    if let Some(key) = cookie.partition_key() {
        flags.push(format!("partitioned={key}"));
    }
    [
        cookie.electron_domain(),
        cookie.path().to_owned(),
        cookie.name().to_owned(),
        cookie.value().to_owned(),
        cookie.expiry().map_or_else(|| "session".to_owned(), |t| t.to_rfc1123()),
        if flags.is_empty() { "-".to_owned() } else { flags.join(",") },
    ]
}

/// Electron: `ses.cookies.set(details)`.
pub(super) fn set(cookies: &Cookies, args: &SetArgs) -> Result<(), WriteError> {
    parse_url(&args.url)?;
    let same_site = match &args.same_site {
        Some(text) => Some(text.parse::<SameSite>().map_err(jar_error)?),
        None => None,
    };
    if args.expiration_date.is_some_and(|secs| !secs.is_finite()) {
        return Err(Failure::bad_input("invalid --expiration-date: not a finite number").into());
    }
    let details = CookieDetails {
        url: args.url.clone(),
        name: Some(args.name.clone()),
        value: Some(args.value.clone()),
        domain: args.domain.clone(),
        path: args.path.clone(),
        // The flags can only turn these on; Electron's defaults apply
        // otherwise (Secure with no_restriction).
        secure: args.secure.then_some(true),
        http_only: Some(args.http_only),
        expiration_date: args.expiration_date,
        same_site,
    };
    cookies.set(&details).map_err(jar_error)?;
    Ok(())
}

/// Electron: `ses.cookies.remove(url, name)`.
pub(super) fn remove(cookies: &Cookies, args: &RemoveArgs) -> Result<(), WriteError> {
    parse_url(&args.url)?;
    let removed = cookies.remove(&args.url, &args.name).map_err(jar_error)?;
    output::line(&format!("removed {removed} {}", plural(removed)))
}

/// Removes every cookie of the session.
pub(super) fn clear(cookies: &Cookies) -> Result<(), WriteError> {
    let removed = cookies.clear();
    output::line(&format!("removed {removed} {}", plural(removed)))
}

pub(super) const fn plural(n: usize) -> &'static str {
    if n == 1 { "cookie" } else { "cookies" }
}
