//! Proxy handshakes over a connected stream: an HTTP `CONNECT` tunnel,
//! SOCKS4 and SOCKS5 (no authentication, as Chromium's proxy list carries
//! no credentials).

use std::io;
use std::net::IpAddr;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::fetch::BoxError;
use crate::fetch::connect::tcp::bare_host;

/// The most a proxy's answer to `CONNECT` may take up. Chromium's HTTP
/// stream parser allows response heads up to 256 KiB; a tunnel's answer is
/// a status line and a few headers, so this cap is smaller on purpose (the
/// head is read a byte at a time, see [`http_connect`]).
const MAX_TUNNEL_HEAD: usize = 16 * 1024;

/// Why a proxy handshake failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HandshakeError {
    /// The connection failed under the handshake.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The proxy answered and refused.
    #[error("{0}")]
    Refused(String),
    /// An HTTP proxy answered `CONNECT` with a status other than 200.
    #[error("the proxy answered {line:?}")]
    TunnelStatus {
        /// The status code (407: the proxy wants credentials).
        status: u16,
        /// The status line as received.
        line: String,
    },
}

impl HandshakeError {
    /// The error to report: an I/O failure as the `io::Error` itself (so
    /// its kind can be read), a refusal as this type.
    pub(crate) fn into_box(self) -> BoxError {
        match self {
            Self::Io(io) => Box::new(io),
            refused @ (Self::Refused(_) | Self::TunnelStatus { .. }) => Box::new(refused),
        }
    }
}

/// `host:port` as a request target (IPv6 in brackets).
fn authority(host: &str, port: u16) -> String {
    let host = bare_host(host);
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

/// Asks an HTTP proxy for a tunnel to `host:port`. Only 200 opens it, as
/// in Chromium (another 2xx is no tunnel it trusts); anything else (407
/// included: no credentials are configured) is a refusal that keeps the
/// status code, Chromium's `ERR_TUNNEL_CONNECTION_FAILED`. No
/// `User-Agent` is sent: the connector does not know the session's.
pub(crate) async fn http_connect<S>(
    stream: &mut S,
    host: &str,
    port: u16,
) -> Result<(), HandshakeError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let target = authority(host, port);
    let request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;
    // The head is read a byte at a time so nothing after it is taken from
    // the stream: behind a tunnel some destinations speak first (a raw
    // tunnel's SSH or SMTP banner), and their bytes may come in the same
    // packet as the proxy's answer. The head is a few dozen bytes.
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_TUNNEL_HEAD {
            return Err(HandshakeError::Refused("the proxy's answer is too long".to_owned()));
        }
        head.push(stream.read_u8().await?);
    }
    let status_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line).trim_end().to_owned();
    let mut words = status_line.split(' ');
    let version_ok = words.next().is_some_and(|v| v.starts_with("HTTP/1."));
    let code = words.next().and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(200) if version_ok => Ok(()),
        Some(status) if version_ok => {
            Err(HandshakeError::TunnelStatus { status, line: status_line })
        }
        _ => Err(HandshakeError::Refused(format!("the proxy answered {status_line:?}"))),
    }
}

/// SOCKS4 `CONNECT` to an IPv4 address (SOCKS4 carries no names: Chromium
/// resolves them locally first).
pub(crate) async fn socks4<S>(
    stream: &mut S,
    ip: std::net::Ipv4Addr,
    port: u16,
) -> Result<(), HandshakeError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut request = vec![4, 1];
    request.extend_from_slice(&port.to_be_bytes());
    request.extend_from_slice(&ip.octets());
    request.push(0); // empty user id
    stream.write_all(&request).await?;
    let mut reply = [0u8; 8];
    stream.read_exact(&mut reply).await?;
    if reply[1] == 0x5a {
        Ok(())
    } else {
        Err(HandshakeError::Refused(format!("the SOCKS4 proxy refused (code {:#04x})", reply[1])))
    }
}

/// SOCKS5 `CONNECT` to `host:port`, a name sent as it is so the proxy
/// resolves it (Chromium's SOCKS5 never resolves locally).
pub(crate) async fn socks5<S>(stream: &mut S, host: &str, port: u16) -> Result<(), HandshakeError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream.write_all(&[5, 1, 0]).await?;
    let mut choice = [0u8; 2];
    stream.read_exact(&mut choice).await?;
    if choice != [5, 0] {
        return Err(HandshakeError::Refused(
            "the SOCKS5 proxy wants an authentication method we do not offer".to_owned(),
        ));
    }
    let host = bare_host(host);
    let mut request = vec![5, 1, 0];
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            request.push(1);
            request.extend_from_slice(&ip.octets());
        }
        Ok(IpAddr::V6(ip)) => {
            request.push(4);
            request.extend_from_slice(&ip.octets());
        }
        Err(_) => {
            let len = u8::try_from(host.len()).map_err(|_| {
                HandshakeError::Refused("the host name is too long for SOCKS5".to_owned())
            })?;
            request.push(3);
            request.push(len);
            request.extend_from_slice(host.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    stream.write_all(&request).await?;
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).await?;
    if reply[0] != 5 || reply[1] != 0 {
        return Err(HandshakeError::Refused(format!(
            "the SOCKS5 proxy refused (reply {:#04x})",
            reply[1]
        )));
    }
    // The bound address, unused.
    let skip = match reply[3] {
        1 => 4,
        4 => 16,
        3 => usize::from(stream.read_u8().await?),
        other => {
            return Err(HandshakeError::Refused(format!(
                "the SOCKS5 proxy sent an unknown address type {other}"
            )));
        }
    };
    let mut rest = vec![0u8; skip + 2];
    stream.read_exact(&mut rest).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connect_refused_and_accepted() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        let proxy = tokio::spawn(async move {
            let mut buf = vec![0u8; 1024];
            let n = server.read(&mut buf).await.unwrap();
            server.write_all(b"HTTP/1.1 403 Forbidden\r\nX: y\r\n\r\n").await.unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let error = http_connect(&mut client, "[::1]", 443).await.unwrap_err();
        assert!(matches!(error, HandshakeError::TunnelStatus { status: 403, .. }), "{error}");
        assert_eq!(proxy.await.unwrap(), "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n");

        let (mut client, mut server) = tokio::io::duplex(1024);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 1024];
            let _ = server.read(&mut buf).await.unwrap();
            server.write_all(b"HTTP/1.0 200 OK\r\n\r\n").await.unwrap();
        });
        http_connect(&mut client, "example.com", 443).await.unwrap();

        // Another 2xx opens no tunnel (Chromium accepts 200 only).
        let (mut client, mut server) = tokio::io::duplex(1024);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 1024];
            let _ = server.read(&mut buf).await.unwrap();
            server.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await.unwrap();
        });
        let error = http_connect(&mut client, "example.com", 443).await.unwrap_err();
        assert!(matches!(error, HandshakeError::TunnelStatus { status: 204, .. }), "{error}");
    }
}
