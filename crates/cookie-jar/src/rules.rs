//! Creation rules: from a parsed line (or Electron's details) and the request to a
//! canonical [`Cookie`], or the reason it is refused. Rules that need the store
//! (secure-cookie protection, HttpOnly overwrite) live in `insert.rs`.

use url::Url;

use crate::context::{CookieContext, Reader};
use crate::cookie::{Cookie, PartsRef, SameSite, SourceScheme};
use crate::domain::{
    canonical_host_cow, is_cookieable_scheme, is_secure_scheme, is_trustworthy,
    resolve_cookie_domain, site_of,
};
use crate::error::Rejection;
use crate::jar::Policy;
use crate::parse::set_cookie::ParsedRef;
use crate::prefix::{PrefixInput, prefix_ok};
use crate::time::Timestamp;

/// RFC 6265bis §5.1.4 default-path: the URL path up to, not including, its last
/// `/`; `/` when that leaves nothing or the path is not absolute.
pub(crate) fn default_path(url: &Url) -> String {
    let path = url.path();
    if !path.starts_with('/') {
        return "/".to_owned();
    }
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

/// RFC 6265bis §5.1.4 path-match: equal, or `cookie_path` is a prefix of
/// `request_path` that ends in `/` or is followed by `/`.
pub(crate) fn path_match(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// The expiry a cookie gets: `Max-Age` wins over `Expires`; zero or a negative
/// age means already expired; everything is capped at `now + max_age_days`
/// (Chromium's 400-day `ValidateAndAdjustExpiryDate`).
///
/// # Deviation
///
/// Chromium shifts `Expires` by the skew between the response's `Date` header and
/// the local clock; this jar does not see `Date` and uses `Expires` as is.
pub(crate) fn expiry_for(
    max_age: Option<i64>,
    expires: Option<Timestamp>,
    now: Timestamp,
    policy: &Policy,
) -> Option<Timestamp> {
    let cap = now.saturating_add_seconds(policy.max_age_days.saturating_mul(86_400));
    let wanted = match (max_age, expires) {
        (Some(age), _) if age <= 0 => Timestamp::MIN,
        (Some(age), _) => now.saturating_add_seconds(age),
        (None, Some(at)) => at,
        (None, None) => return None,
    };
    Some(wanted.min(cap))
}

/// Everything the creation checks need, whatever the source (header or API).
pub(crate) struct Draft<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) domain: Option<&'a str>,
    /// `None` or empty: the default-path. Stored as given otherwise.
    pub(crate) path: Option<&'a str>,
    /// The path the prefix rules look at is exactly `/` (see `PrefixInput`).
    pub(crate) prefix_root_path: bool,
    pub(crate) expiry: Option<Timestamp>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    pub(crate) priority: crate::cookie::Priority,
    pub(crate) partitioned: bool,
}

/// Builds the draft for a parsed `Set-Cookie` line.
pub(crate) fn draft_from_parsed<'a>(
    parsed: &ParsedRef<'a>,
    now: Timestamp,
    policy: &Policy,
) -> Draft<'a> {
    Draft {
        prefix_root_path: parsed.path == Some("/"),
        name: parsed.name,
        value: parsed.value,
        path: parsed.path,
        domain: parsed.domain,
        expiry: expiry_for(parsed.max_age, parsed.expires, now, policy),
        secure: parsed.secure,
        http_only: parsed.http_only,
        same_site: parsed.same_site,
        priority: parsed.priority,
        partitioned: parsed.partitioned,
    }
}

/// Applies the storage model's creation steps (RFC 6265bis §5.7 with Chromium's
/// rules) in Chromium's order of checks:
/// cookieable scheme; Domain attribute; `Secure` only from a secure or
/// trustworthy origin; HttpOnly not from a script API; `SameSite=None` needs
/// `Secure`; `Partitioned` needs `Secure`; prefixes; and a cross-site,
/// non-navigation response may only set `SameSite=None` cookies.
pub(crate) fn create(
    draft: Draft<'_>,
    url: &Url,
    ctx: &CookieContext,
    now: Timestamp,
) -> Result<Cookie, Rejection> {
    if !is_cookieable_scheme(url) {
        return Err(Rejection::NonCookieableScheme);
    }
    let host = canonical_host_cow(url).ok_or(Rejection::FailureToStore)?;
    let domain = resolve_cookie_domain(&host, draft.domain)?;
    let default;
    let path = match draft.path {
        Some(p) if !p.is_empty() => p,
        _ => {
            default = default_path(url);
            &default
        }
    };
    let trustworthy = is_trustworthy(url);
    if draft.secure && !trustworthy {
        return Err(Rejection::SecureOnly);
    }
    if draft.http_only && ctx.reader_kind() == Reader::Script {
        return Err(Rejection::HttpOnly);
    }
    if draft.same_site == SameSite::NoRestriction && !draft.secure {
        return Err(Rejection::SameSiteNoneInsecure);
    }
    if draft.partitioned && !draft.secure {
        return Err(Rejection::InvalidPartitioned);
    }
    let prefix = PrefixInput {
        name: draft.name,
        value: draft.value,
        secure: draft.secure,
        http_only: draft.http_only,
        domain_attribute: draft.domain.unwrap_or(""),
        host: &host,
        root_path: draft.prefix_root_path,
    };
    if !prefix_ok(&prefix) {
        return Err(Rejection::InvalidPrefix);
    }
    if !ctx.inclusive && ctx.is_cross_site() && !ctx.is_top_level_navigation() {
        match draft.same_site {
            SameSite::NoRestriction => {}
            SameSite::Strict => return Err(Rejection::SameSiteStrict),
            SameSite::Lax => return Err(Rejection::SameSiteLax),
            SameSite::Unspecified => return Err(Rejection::SameSiteUnspecifiedTreatedAsLax),
        }
    }
    let partition_key = if draft.partitioned {
        Some(match ctx.top_level_site_name() {
            Some(site) => site.to_owned(),
            None => site_of(url).ok_or(Rejection::FailureToStore)?,
        })
    } else {
        None
    };
    Ok(Cookie::from_parts_ref(PartsRef {
        name: draft.name,
        value: draft.value,
        domain: domain.as_deref().unwrap_or(&host),
        host_only: domain.is_none(),
        path,
        creation: now,
        expiry: draft.expiry,
        last_access: now,
        secure: draft.secure,
        http_only: draft.http_only,
        same_site: draft.same_site,
        priority: draft.priority,
        partition_key,
        source_scheme: if is_secure_scheme(url) {
            SourceScheme::Secure
        } else {
            SourceScheme::NonSecure
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_table() {
        for (url, want) in [
            ("http://a.example", "/"),
            ("http://a.example/", "/"),
            ("http://a.example/x", "/"),
            ("http://a.example/x/", "/x"),
            ("http://a.example/x/y", "/x"),
            ("http://a.example/x/y/z?q=/a/b", "/x/y"),
        ] {
            assert_eq!(default_path(&Url::parse(url).unwrap()), want, "{url}");
        }
    }

    #[test]
    fn path_match_table() {
        for (req, cookie, want) in [
            ("/", "/", true),
            ("/a", "/", true),
            ("/a/b", "/a", true),
            ("/a/", "/a", true),
            ("/ab", "/a", false),
            ("/a", "/a/", false),
            ("/a/b", "/a/", true),
            ("/A", "/a", false),
        ] {
            assert_eq!(path_match(req, cookie), want, "{req} {cookie}");
        }
    }

    #[test]
    fn expiry_rules() {
        let p = Policy::default();
        let now = Timestamp::from_unix_seconds(1_000_000_000);
        let day = 86_400;
        assert_eq!(expiry_for(None, None, now, &p), None);
        assert_eq!(expiry_for(Some(0), None, now, &p), Some(Timestamp::MIN));
        assert_eq!(expiry_for(Some(-1), Some(Timestamp::MAX), now, &p), Some(Timestamp::MIN));
        assert_eq!(
            expiry_for(Some(60), Some(Timestamp::MAX), now, &p),
            Some(now.saturating_add_seconds(60))
        );
        assert_eq!(
            expiry_for(None, Some(Timestamp::MAX), now, &p),
            Some(now.saturating_add_seconds(400 * day))
        );
        assert_eq!(
            expiry_for(Some(i64::MAX), None, now, &p),
            Some(now.saturating_add_seconds(400 * day))
        );
        let soon = now.saturating_add_seconds(10 * day);
        assert_eq!(expiry_for(None, Some(soon), now, &p), Some(soon));
    }
}
