//! The stored form of a response: everything needed to rebuild its caching policy
//! and serve it, and a compact binary encoding that is ours (not
//! `http-cache-semantics`' serde form), so the disk format never depends on a peer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::Error;
use crate::headers::HeaderList;

const MAGIC: &[u8; 4] = b"SKR1";

/// One stored response (a variant) without its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// The origin's status.
    pub status: StatusCode,
    /// The origin's header lines in order, hop-by-hop fields already removed.
    pub headers: HeaderList,
    /// Method of the request that produced it (GET; HEAD reuses GET entries).
    pub request_method: Method,
    /// Absolute URI of that request (without fragment).
    pub request_uri: String,
    /// The request's fields that the response's `Vary` nominates, plus `Host`.
    pub request_headers: HeaderList,
    /// When the request was sent.
    pub request_time: SystemTime,
    /// When the response (or the 304 that refreshed it) arrived.
    pub response_time: SystemTime,
    /// Length of the complete body in bytes.
    pub body_len: u64,
}

impl StoredResponse {
    /// The bytes this record takes in an index, used for size accounting.
    pub fn encoded_len(&self) -> usize {
        let fields =
            |l: &HeaderList| l.iter().map(|(n, v)| 8 + n.as_str().len() + v.len()).sum::<usize>();
        4 + 2
            + 4
            + self.request_method.as_str().len()
            + 4
            + self.request_uri.len()
            + 4
            + fields(&self.headers)
            + 4
            + fields(&self.request_headers)
            + 2 * 12
            + 8
    }

    /// Appends the binary form to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.encoded_len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.status.as_u16().to_be_bytes());
        put_bytes(out, self.request_method.as_str().as_bytes());
        put_bytes(out, self.request_uri.as_bytes());
        put_list(out, &self.headers);
        put_list(out, &self.request_headers);
        put_time(out, self.request_time);
        put_time(out, self.response_time);
        out.extend_from_slice(&self.body_len.to_be_bytes());
    }

    /// Reads one record; the reader is left just past it.
    pub fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        if reader.take(4)? != MAGIC {
            return Err(reader.error("record magic"));
        }
        let status = StatusCode::from_u16(reader.u16()?)
            .map_err(|_| reader.error("status code 100..=999"))?;
        let request_method =
            Method::from_bytes(reader.bytes()?).map_err(|_| reader.error("request method"))?;
        let request_uri = std::str::from_utf8(reader.bytes()?)
            .map_err(|_| reader.error("UTF-8 request URI"))?
            .to_owned();
        let headers = reader.list()?;
        let request_headers = reader.list()?;
        let request_time = reader.time()?;
        let response_time = reader.time()?;
        let body_len = reader.u64()?;
        Ok(Self {
            status,
            headers,
            request_method,
            request_uri,
            request_headers,
            request_time,
            response_time,
            body_len,
        })
    }

    /// Decodes a buffer holding exactly one record.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes);
        let record = Self::decode(&mut reader)?;
        reader.finish()?;
        Ok(record)
    }

    /// The binary form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_list(out: &mut Vec<u8>, list: &HeaderList) {
    out.extend_from_slice(&(list.len() as u32).to_be_bytes());
    for (name, value) in list {
        put_bytes(out, name.as_str().as_bytes());
        put_bytes(out, value.as_bytes());
    }
}

pub(crate) fn put_time(out: &mut Vec<u8>, time: SystemTime) {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    out.extend_from_slice(&since.as_secs().to_be_bytes());
    out.extend_from_slice(&since.subsec_nanos().to_be_bytes());
}

/// A cursor over an encoded record that reports where decoding failed.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn error(&self, reason: &'static str) -> Error {
        Error::CorruptRecord { offset: self.pos, reason }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| self.error("more bytes"))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    #[cfg_attr(not(feature = "sled"), allow(dead_code))]
    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Error> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        let mut a = [0; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_be_bytes(a))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(a))
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub(crate) fn time(&mut self) -> Result<SystemTime, Error> {
        let secs = self.u64()?;
        let nanos = self.u32()?;
        if nanos >= 1_000_000_000 {
            return Err(self.error("nanoseconds below one second"));
        }
        UNIX_EPOCH
            .checked_add(Duration::new(secs, nanos))
            .ok_or_else(|| self.error("a representable time"))
    }

    fn list(&mut self) -> Result<HeaderList, Error> {
        let count = self.u32()? as usize;
        // Each field takes at least 8 bytes: a huge count in a short record is corrupt.
        if count > (self.bytes.len() - self.pos) / 8 {
            return Err(self.error("header count that fits the record"));
        }
        let mut list = Vec::with_capacity(count);
        for _ in 0..count {
            let name =
                HeaderName::from_bytes(self.bytes()?).map_err(|_| self.error("header name"))?;
            let value =
                HeaderValue::from_bytes(self.bytes()?).map_err(|_| self.error("header value"))?;
            list.push((name, value));
        }
        Ok(list)
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), Error> {
        if self.pos == self.bytes.len() { Ok(()) } else { Err(self.error("end of record")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredResponse {
        StoredResponse {
            status: StatusCode::OK,
            headers: vec![
                (http::header::SET_COOKIE, HeaderValue::from_static("a=1")),
                (http::header::CACHE_CONTROL, HeaderValue::from_static("max-age=60")),
                (http::header::SET_COOKIE, HeaderValue::from_static("b=2")),
            ],
            request_method: Method::GET,
            request_uri: "https://a.test/x".into(),
            request_headers: vec![(http::header::ACCEPT, HeaderValue::from_static("*/*"))],
            request_time: UNIX_EPOCH + Duration::new(1_700_000_000, 5),
            response_time: UNIX_EPOCH + Duration::new(1_700_000_001, 999_999_999),
            body_len: 42,
        }
    }

    #[test]
    fn round_trip_keeps_order_and_repeats() {
        let r = sample();
        let bytes = r.to_bytes();
        assert_eq!(bytes.len(), r.encoded_len());
        assert_eq!(StoredResponse::from_bytes(&bytes).unwrap(), r);
    }

    #[test]
    fn truncation_and_garbage_are_typed_errors() {
        let bytes = sample().to_bytes();
        for cut in 0..bytes.len() {
            assert!(StoredResponse::from_bytes(&bytes[..cut]).is_err());
        }
        let mut extra = bytes;
        extra.push(0);
        assert!(matches!(StoredResponse::from_bytes(&extra), Err(Error::CorruptRecord { .. })));
    }
}
