//! The network seam: one HTTP exchange at a time, redirects not followed.
//!
//! The manager follows redirects itself so it can keep Electron's URL chain
//! (`item.getURLChain()`) and refuse a cross-origin redirect on a resume. Any HTTP
//! stack fits behind [`Transport`]: the `sessionkit` facade passes its own pipeline
//! (cookies, proxies), the `reqwest` feature adapts a `reqwest::Client`.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

/// Any error a transport or a body reports.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response body: a stream of byte frames.
pub type Body = http_body_util::combinators::BoxBody<Bytes, BoxError>;

/// Sends one HTTP request.
pub trait Transport: Send + Sync + 'static {
    /// One request, redirects NOT followed (the manager follows them itself so it
    /// can keep the URL chain and refuse cross-origin redirects on resume).
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Body>, BoxError>> + Send;
}

type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Body>, BoxError>> + Send + 'a>>;

/// Object-safe form of [`Transport`], so the manager is not generic.
pub(crate) trait DynTransport: Send + Sync + 'static {
    fn send_boxed(&self, request: http::Request<Bytes>) -> SendFuture<'_>;
}

impl<T: Transport> DynTransport for T {
    fn send_boxed(&self, request: http::Request<Bytes>) -> SendFuture<'_> {
        Box::pin(self.send(request))
    }
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_impl::ReqwestTransport;

#[cfg(feature = "reqwest")]
mod reqwest_impl {
    use http_body_util::BodyExt;

    use super::{Body, BoxError, Transport};

    /// A [`Transport`] over a `reqwest::Client`.
    ///
    /// Build the client with `redirect(reqwest::redirect::Policy::none())`:
    /// [`ReqwestTransport::new`] cannot check it, and a client that follows
    /// redirects hides them from the URL chain and from the cross-origin check.
    #[derive(Clone, Debug)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
    }

    impl ReqwestTransport {
        /// Wraps a client (see the type's docs about redirects).
        #[must_use]
        pub const fn new(client: reqwest::Client) -> Self {
            Self { client }
        }

        /// A plain client with redirects off.
        ///
        /// # Errors
        /// When reqwest cannot build a client (TLS back-end initialisation).
        pub fn with_defaults() -> Result<Self, reqwest::Error> {
            let client =
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
            Ok(Self { client })
        }
    }

    impl Transport for ReqwestTransport {
        async fn send(
            &self,
            request: http::Request<bytes::Bytes>,
        ) -> Result<http::Response<Body>, BoxError> {
            let request = reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let response: http::Response<reqwest::Body> = response.into();
            Ok(response.map(|body| body.map_err(BoxError::from).boxed()))
        }
    }
}
