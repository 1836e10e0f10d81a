//! Parsers: the `Set-Cookie` line and the cookie-date grammar.

pub(crate) mod date;
pub(crate) mod set_cookie;
