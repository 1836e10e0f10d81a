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
use http::header;
use sessionkit_cookie_jar::CookieContext;
use sessionkit_downloads::{Body, BoxError, Transport};
use url::Url;

use crate::fetch::CacheMode;
use crate::fetch::cached::store_cookies;
use crate::fetch::headers;
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
        let caller_cookies = parts.headers.remove(header::COOKIE);
        tracing::debug!(%url, "download request");
        // The hop defaults of Session::fetch; CacheMode::Default adds no
        // cache request headers, as a disabled cache adds none.
        headers::apply(
            &url,
            &mut parts.headers,
            &headers::HopDefaults {
                user_agent: &session.user_agent(),
                accept_languages: &session.accept_languages(),
                jar_cookies: jar.cookie_header(&url, &context),
                caller_cookies: caller_cookies.as_ref(),
                cache: CacheMode::Default,
            },
        )?;
        let request = http::Request::from_parts(parts, body);
        let response = session.network().send_request(request).await?;
        store_cookies(&jar, &url, response.headers(), &context);
        Ok(response)
    }
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
