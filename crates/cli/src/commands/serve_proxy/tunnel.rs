//! `CONNECT host:port`: a raw tunnel, bytes copied both ways.

use http::{Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use sessionkit::Body;
use tokio::net::TcpStream;

use super::handler::text_response;

/// Connects to the request's authority; on success answers 200 and copies
/// bytes between the client and the destination once hyper hands over the
/// connection.
pub(super) async fn connect(request: http::Request<Incoming>) -> Response<Body> {
    let Some(authority) = request.uri().authority().map(ToString::to_string) else {
        return text_response(StatusCode::BAD_REQUEST, "CONNECT needs host:port");
    };
    let mut upstream = match TcpStream::connect(&authority).await {
        Ok(stream) => stream,
        Err(e) => {
            return text_response(
                StatusCode::BAD_GATEWAY,
                &format!("cannot connect to {authority}: {e}"),
            );
        }
    };
    tokio::spawn(async move {
        match hyper::upgrade::on(request).await {
            Ok(upgraded) => {
                let mut client = TokioIo::new(upgraded);
                if let Err(e) = tokio::io::copy_bidirectional(&mut client, &mut upstream).await {
                    tracing::debug!(%authority, error = %e, "tunnel ended with an error");
                }
            }
            Err(e) => tracing::debug!(%authority, error = %e, "CONNECT upgrade failed"),
        }
    });
    text_response(StatusCode::OK, "")
}
