//! One proxied request: the target URL, the fetch, the response.

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper::body::Incoming;
use sessionkit::{Body, CacheMode, Credentials, FetchError, FetchOptions, RedirectMode, Session};
use url::Url;

use super::conditional::Validators;
use super::{hop_headers, tunnel};
use crate::commands::net::describe;

/// The largest request body the proxy takes. The pipeline fetches with the
/// whole body in memory, so without a limit one client could make the
/// proxy buffer as much as it cares to send; 16 MiB is well above form
/// posts and API payloads a proxied browser sends.
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

/// What every connection shares.
pub(super) struct Proxy {
    session: Session,
    /// Reverse mode: the origin every request goes to.
    upstream: Option<Url>,
    options: FetchOptions,
}

impl Proxy {
    pub(super) fn new(session: Session, upstream: Option<Url>, cookies: bool) -> Self {
        // A proxy hands redirects back to its client, which follows them
        // (or not) itself.
        let options = FetchOptions::new().redirect(RedirectMode::Manual).credentials(if cookies {
            Credentials::Include
        } else {
            Credentials::Omit
        });
        Self { session, upstream, options }
    }

    /// Never fails: every problem becomes a response (hyper would close the
    /// connection on an error).
    pub(super) async fn handle(
        &self,
        request: http::Request<Incoming>,
    ) -> Result<Response<Body>, std::convert::Infallible> {
        if request.method() == Method::CONNECT {
            if self.upstream.is_some() {
                return Ok(text_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "CONNECT is for forward proxies",
                ));
            }
            return Ok(tunnel::connect(&self.session, request).await);
        }
        let url = match self.target(request.uri()) {
            Ok(url) => url,
            Err(message) => return Ok(text_response(StatusCode::BAD_REQUEST, &message)),
        };
        let (mut parts, body) = request.into_parts();
        if body.size_hint().lower() > MAX_REQUEST_BODY as u64 {
            // A Content-Length over the limit: refused before reading it.
            return Ok(body_too_large());
        }
        let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => return Ok(body_too_large()),
            Err(e) => {
                return Ok(text_response(
                    StatusCode::BAD_REQUEST,
                    &format!("cannot read the request body: {e}"),
                ));
            }
        };
        hop_headers::remove(&mut parts.headers);
        // The client named this proxy (or, in forward mode, the origin);
        // the pipeline writes the Host of the URL it fetches.
        parts.headers.remove(header::HOST);
        let Ok(uri) = url.as_str().parse() else {
            return Ok(text_response(StatusCode::BAD_REQUEST, "the target is not a valid URI"));
        };
        parts.uri = uri;
        parts.version = http::Version::HTTP_11;
        let mut options = self.options.clone();
        if only_if_cached(&parts.headers) {
            // RFC 9111 §5.2.1.7: a stored response or a 504, never the origin.
            options = options.cache(CacheMode::OnlyIfCached);
        }
        let validators = Validators::take(&parts.method, &mut parts.headers);
        let request = http::Request::from_parts(parts, body);
        let result = match validators {
            None => self.session.fetch(request, options).await,
            Some(validators) => self.fetch_conditional(request, options, &validators).await,
        };

        Ok(match result {
            Ok(mut response) => {
                hop_headers::remove(response.headers_mut());
                // The version belongs to each connection: this one speaks
                // HTTP/1.1 to its client whatever the origin spoke.
                *response.version_mut() = http::Version::HTTP_11;
                response
            }
            Err(error) => error_response(&error),
        })
    }

    /// A request with the client's own validators (taken out of it): the
    /// cache answers it when it holds the resource, and the validators
    /// decide between its response and a 304; otherwise it goes to the
    /// origin with them, as the client sent it. See conditional.rs.
    async fn fetch_conditional(
        &self,
        mut request: http::Request<Bytes>,
        options: FetchOptions,
        validators: &Validators,
    ) -> Result<Response<Body>, FetchError> {
        let probe = {
            let mut probe = http::Request::new(request.body().clone());
            *probe.method_mut() = request.method().clone();
            *probe.uri_mut() = request.uri().clone();
            probe.headers_mut().clone_from(request.headers());
            probe
        };
        // only-if-cached never touches the network: it says whether the
        // cache has a response for this request.
        let held = options.clone().cache(CacheMode::OnlyIfCached);
        match self.session.fetch(probe, held).await {
            Ok(_) => {
                let response = self.session.fetch(request, options).await?;
                Ok(validators.answer(response))
            }
            Err(FetchError::CacheMiss { .. }) if options.cache != CacheMode::OnlyIfCached => {
                validators.restore(request.headers_mut());
                self.session.fetch(request, options).await
            }
            Err(error) => Err(error),
        }
    }

    /// The URL to fetch: the upstream origin plus the path (reverse mode),
    /// or the absolute-form target (forward mode).
    fn target(&self, uri: &http::Uri) -> Result<Url, String> {
        match &self.upstream {
            Some(origin) => {
                // Origin-form only (`/path?query`). Not `Url::join`: a
                // target such as `//evil.example/x` is scheme-relative to
                // it and would send the request to another host (an open
                // relay); the path is set on the upstream URL instead, so
                // its host is the only one a request can reach.
                if uri.scheme().is_some()
                    || uri.authority().is_some()
                    || !uri.path().starts_with('/')
                {
                    return Err(format!(
                        "{uri} is not an origin-form target (/path): this is a reverse proxy for one origin"
                    ));
                }
                let mut url = origin.clone();
                url.set_path(uri.path());
                url.set_query(uri.query());
                url.set_fragment(None);
                Ok(url)
            }
            None => {
                if uri.scheme().is_none() {
                    return Err(format!(
                        "{uri} is not an absolute URL: this is a forward proxy (start it with --upstream to serve one origin)"
                    ));
                }
                Url::parse(&uri.to_string()).map_err(|e| format!("bad request target {uri}: {e}"))
            }
        }
    }
}

/// 502 Bad Gateway (504 for a timeout or a cache miss) naming the net
/// error.
pub(super) fn error_response(error: &FetchError) -> Response<Body> {
    let status = match error {
        // RFC 9111 §5.2.1.7: only-if-cached without a stored response.
        FetchError::TimedOut { .. } | FetchError::CacheMiss { .. } => StatusCode::GATEWAY_TIMEOUT,
        e if e.is_invalid_input() => StatusCode::BAD_REQUEST,
        _ => StatusCode::BAD_GATEWAY,
    };
    tracing::info!(error = %describe(error), "request failed");
    let mut response = text_response(status, &format!("{}\n", describe(error)));
    if let Ok(value) = HeaderValue::from_str(error.net_error()) {
        response.headers_mut().insert("x-sessionkit-net-error", value);
    }
    response
}

/// 413 for a request body over [`MAX_REQUEST_BODY`].
fn body_too_large() -> Response<Body> {
    text_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the request body is over {MAX_REQUEST_BODY} bytes\n"),
    )
}

/// A plain-text response.
pub(super) fn text_response(status: StatusCode, text: &str) -> Response<Body> {
    let mut response = Response::new(sessionkit::fetch::full_body(Bytes::from(text.to_owned())));
    *response.status_mut() = status;
    if !text.is_empty() {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    }
    response
}

/// Whether the request's `Cache-Control` has `only-if-cached` (directive
/// names are case-insensitive).
fn only_if_cached(headers: &http::HeaderMap) -> bool {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| directive.trim().eq_ignore_ascii_case("only-if-cached"))
}
