//! The network, as the cache sees it.

use std::future::Future;

use crate::{Body, BoxError};

/// Sends requests to the network on the cache's behalf.
///
/// The facade implements it with its own client (proxies, cookies, hooks); the
/// `reqwest` feature implements it for a `reqwest::Client`.
pub trait Upstream: Send + Sync + 'static {
    /// Sends one request to the network (no redirects followed) and returns the
    /// response head with a streaming body.
    fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> impl Future<Output = Result<http::Response<Body>, BoxError>> + Send;
}

#[cfg(feature = "reqwest")]
mod reqwest_client {
    use http_body_util::BodyExt;

    use super::Upstream;
    use crate::{Body, BoxError};

    /// Sends through the client as it is configured. Build it with
    /// `redirect(Policy::none())` and without automatic decompression, so the cache
    /// stores what the origin sent and sees every redirect.
    impl Upstream for reqwest::Client {
        async fn send(
            &self,
            request: http::Request<bytes::Bytes>,
        ) -> Result<http::Response<Body>, BoxError> {
            let request = reqwest::Request::try_from(request)?;
            let response = self.execute(request).await?;
            let response: http::Response<reqwest::Body> = response.into();
            Ok(response.map(|body| body.map_err(BoxError::from).boxed()))
        }
    }
}
