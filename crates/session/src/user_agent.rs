//! The default user agent and the checks on values that end up in headers.

use crate::Error;

/// Accept-Language a session starts with.
///
/// Electron derives it from the app locale; sessionkit has no locale, so it
/// starts with US English.
pub const DEFAULT_ACCEPT_LANGUAGES: &str = "en-US,en";

/// The user agent a session starts with: `sessionkit/<version>`.
///
/// Electron's default imitates Chrome (`Mozilla/5.0 … Chrome/… Electron/…`)
/// because it renders web pages; a Rust client is not a browser, so it names
/// itself honestly.
#[must_use]
pub fn default_user_agent() -> String {
    format!("sessionkit/{}", env!("CARGO_PKG_VERSION"))
}

/// Refuses values that can't be sent as an HTTP header value: control
/// characters (CR and LF would allow header injection) and surrounding
/// whitespace, which HTTP strips anyway.
pub(crate) fn check_header_value(what: &'static str, value: &str) -> Result<(), Error> {
    let invalid = |reason| Error::InvalidHeaderValue { what, value: value.to_owned(), reason };
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid("it contains a control character"));
    }
    if value.trim() != value {
        return Err(invalid("it starts or ends with whitespace"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_the_crate_and_version() {
        assert_eq!(default_user_agent(), concat!("sessionkit/", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn header_values() {
        assert!(check_header_value("user agent", "Foo/1.0 (bar)").is_ok());
        assert!(check_header_value("user agent", "").is_ok());
        assert!(check_header_value("user agent", "a\r\nX-Evil: 1").is_err());
        assert!(check_header_value("user agent", "a\0").is_err());
        assert!(check_header_value("user agent", " a").is_err());
    }
}
