//! The session's network as the download manager's [`Transport`]: one
//! exchange per call, redirects left to the manager.
//!
//! Chromium sends a download's requests through the profile's network
//! context — its cookies, proxies and network emulation — with the HTTP cache
//! disabled (`LOAD_DISABLE_CACHE` in `ResumeInterruptedDownload`), so a resume
//! always reaches the server and its `Range`/`If-Range` answer is the
//! server's own. This transport does the same: it adds what
//! [`Session::fetch`] adds to a hop (User-Agent, Accept-Language, the jar's
//! cookies, `Set-Cookie` stored) and hands the request to
//! [`Session::network`], never to the HTTP cache, and without the cache-mode
//! request headers (a disabled cache adds none, unlike `no-store`).

use std::sync::Weak;

use bytes::Bytes;
use http::{HeaderValue, header};
use sessionkit_cookie_jar::CookieContext;
use sessionkit_downloads::{Body, BoxError, Transport};
use url::Url;

use crate::fetch::weighted_languages;
use crate::session::{Inner, Session};

/// Sends download requests through a session that may be gone.
///
/// It holds the session weakly: the session owns the manager that owns this
/// transport, and a strong handle would keep every session with a download
/// alive (and its partition locked) forever.
pub(crate) struct SessionTransport {
    session: Weak<Inner>,
}

impl SessionTransport {
    pub(crate) fn new(session: &Session) -> Self {
        Self { session: session.downgrade() }
    }
}

/// The session a download belongs to was dropped.
#[derive(Debug, thiserror::Error)]
#[error("the session of this download is closed")]
pub(crate) struct SessionClosed;

impl Transport for SessionTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let session = self.session.upgrade().map(Session::from_inner).ok_or(SessionClosed)?;
        let (mut parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string())?;
        // A download is started by the browser itself (ses.downloadURL), never
        // by a page: same-site with every URL, as a navigation.
        let context = CookieContext::same_site().top_level_navigation(true).method("GET");
        let jar = session.cookies()?;
        add_defaults(&session, &url, &mut parts.headers, jar.cookie_header(&url, &context))?;
        let request = http::Request::from_parts(parts, body);
        let response = session.network().send_request(request).await?;
        let lines = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok());
        jar.set_cookies_from_response(&url, lines, &context);
        Ok(response)
    }
}

/// The session's User-Agent and Accept-Language unless the request has them
/// (Chromium: they are defaults), and the jar's cookies after any the
/// caller gave.
fn add_defaults(
    session: &Session,
    url: &Url,
    headers: &mut http::HeaderMap,
    jar_cookies: Option<String>,
) -> Result<(), BoxError> {
    if !headers.contains_key(header::USER_AGENT) {
        let agent = session.user_agent();
        if !agent.is_empty() {
            headers.insert(header::USER_AGENT, HeaderValue::from_str(&agent)?);
        }
    }
    if !headers.contains_key(header::ACCEPT_LANGUAGE) {
        let languages = weighted_languages(&session.accept_languages());
        if !languages.is_empty() {
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(&languages)?);
        }
    }
    if let Some(jar) = jar_cookies {
        let value = match headers.get(header::COOKIE).map(HeaderValue::as_bytes) {
            Some(caller) if !caller.is_empty() => {
                let mut joined = caller.to_vec();
                joined.extend_from_slice(b"; ");
                joined.extend_from_slice(jar.as_bytes());
                HeaderValue::from_bytes(&joined)?
            }
            _ => HeaderValue::from_str(&jar)?,
        };
        headers.insert(header::COOKIE, value);
    }
    tracing::debug!(%url, "download request");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_dropped_session_fails_the_request() {
        let dir = tempfile::tempdir().unwrap();
        let session = crate::Sessions::new(dir.path())
            .unwrap()
            .from_partition("gone", crate::PartitionOptions::default())
            .unwrap();
        let transport = SessionTransport::new(&session);
        drop(session);
        let request = http::Request::get("http://127.0.0.1:9/").body(Bytes::new()).unwrap();
        let error = transport.send(request).await.unwrap_err();
        assert!(error.is::<SessionClosed>(), "{error}");
    }
}
