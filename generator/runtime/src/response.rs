//! A received response, read within its size limit, and its decoding into
//! what the operation declares for its status.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
#[cfg(any(feature = "json-response", feature = "json-error"))]
use serde::de::DeserializeOwned;

#[cfg(any(feature = "json-response", feature = "text-response", feature = "json-error"))]
use super::errors::DecodeError;
#[cfg(any(feature = "json-response", feature = "text-response", feature = "bytes-response", feature = "empty-response"))]
use super::errors::ApiResponse;
#[cfg(any(feature = "json-error", feature = "empty-error"))]
use super::errors::ErrorResponse;
#[cfg(feature = "unexpected-status")]
use super::errors::UnexpectedResponse;

/// A received response. Its body has been read (within the limit), unless it
/// is a success response left to stream (`unread`).
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body, when read.
    pub body: Bytes,
    /// A success response whose body is left to stream.
    #[cfg(any(feature = "sse", feature = "bytes-response"))]
    pub unread: Option<reqwest::Response>,
    /// The body limit of the call (for bodies read later, event by event).
    #[cfg(feature = "sse")]
    pub max_body_bytes: u64,
}

impl RawResponse {
    #[cfg(any(feature = "json-response", feature = "json-error"))]
    fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(|source| DecodeError { status: self.status, raw: self.body.clone(), source })
    }

    /// Decodes a success body.
    #[cfg(feature = "json-response")]
    pub fn success<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ApiResponse { status: self.status, headers: self.headers, body, raw: self.body })
    }

    /// A success body handed over as a stream of chunks (binary content),
    /// never buffered whole.
    #[cfg(feature = "bytes-response")]
    pub fn byte_stream(self) -> ApiResponse<ByteStream> {
        let label = "response body".to_string();
        let body = match self.unread {
            Some(response) => ByteStream::from_response(response, label),
            None => ByteStream::from_bytes(self.body),
        };
        ApiResponse { status: self.status, headers: self.headers, body, raw: Bytes::new() }
    }

    /// A success body decoded as UTF-8 text (`text/*` content).
    #[cfg(feature = "text-response")]
    pub fn text(self) -> Result<ApiResponse<String>, DecodeError> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(ApiResponse { status: self.status, headers: self.headers, body: text, raw: self.body }),
            Err(e) => Err(DecodeError {
                status: self.status,
                raw: self.body.clone(),
                source: serde::de::Error::custom(format!("the body is not UTF-8 text: {e}")),
            }),
        }
    }

    /// A success response without a body.
    #[cfg(feature = "empty-response")]
    pub fn empty(self) -> ApiResponse<()> {
        ApiResponse { status: self.status, headers: self.headers, body: (), raw: self.body }
    }

    /// Decodes a declared error body.
    #[cfg(feature = "json-error")]
    pub fn error<T: DeserializeOwned>(self) -> Result<ErrorResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ErrorResponse { status: self.status, headers: self.headers, body, raw: self.body })
    }

    /// A declared error without a body.
    #[cfg(feature = "empty-error")]
    pub fn error_without_body(self) -> ErrorResponse<()> {
        ErrorResponse { status: self.status, headers: self.headers, body: (), raw: self.body }
    }

    /// A status the operation does not declare.
    #[cfg(feature = "unexpected-status")]
    pub fn unexpected(self) -> UnexpectedResponse {
        UnexpectedResponse { status: self.status, headers: self.headers, raw: self.body }
    }
}

/// A binary response body, chunk by chunk as it arrives: it is never held in
/// memory whole. Unpin, so `futures::StreamExt::next` works on it directly;
/// [`ByteStream::collect`] gathers it up to a size limit.
///
/// The call's deadline covers the request until the response headers arrive;
/// a download may rightly take longer, so bound the reading yourself where it
/// matters (for example with `tokio::time::timeout`).
#[cfg(feature = "bytes-response")]
pub struct ByteStream {
    inner: futures_core::stream::BoxStream<'static, Result<Bytes, super::errors::TransportError>>,
}

#[cfg(feature = "bytes-response")]
impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ByteStream")
    }
}

#[cfg(feature = "bytes-response")]
impl ByteStream {
    fn from_response(response: reqwest::Response, label: String) -> Self {
        use futures_util::StreamExt;
        let inner = futures_util::stream::unfold(Some(response), move |state| {
            let label = label.clone();
            async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(e) => Some((Err(super::errors::TransportError::from_reqwest(label, e)), None)),
                }
            }
        });
        ByteStream { inner: inner.boxed() }
    }

    fn from_bytes(bytes: Bytes) -> Self {
        use futures_util::StreamExt;
        let chunk = (!bytes.is_empty()).then_some(Ok(bytes));
        ByteStream { inner: futures_util::stream::iter(chunk).boxed() }
    }

    /// Reads the whole body, failing with [`ByteStreamError::TooLarge`] as soon as
    /// it grows past `max_bytes`.
    pub async fn collect(mut self, max_bytes: u64) -> Result<Bytes, ByteStreamError> {
        use futures_util::StreamExt;
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk.map_err(ByteStreamError::Transport)?;
            if (out.len() + chunk.len()) as u64 > max_bytes {
                return Err(ByteStreamError::TooLarge { limit: max_bytes });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }
}

#[cfg(feature = "bytes-response")]
impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, super::errors::TransportError>;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Why [`ByteStream::collect`] failed.
#[cfg(feature = "bytes-response")]
#[derive(Debug)]
#[non_exhaustive]
pub enum ByteStreamError {
    /// The connection failed while the body was arriving.
    Transport(super::errors::TransportError),
    /// The body grew past the limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

#[cfg(feature = "bytes-response")]
impl std::fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ByteStreamError::Transport(e) => write!(f, "body interrupted: {e}"),
            ByteStreamError::TooLarge { limit } => write!(f, "the body exceeds the limit of {limit} bytes"),
        }
    }
}

#[cfg(feature = "bytes-response")]
impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ByteStreamError::Transport(e) => Some(e),
            ByteStreamError::TooLarge { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &'static [u8]) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            unread: None,
            max_body_bytes: 1024,
        }
    }

    #[test]
    fn json_bodies_decode_or_keep_the_raw_body() {
        let ok: ApiResponse<Vec<u8>> = raw(200, b"[1,2]").success().unwrap();
        assert_eq!(ok.body, vec![1, 2]);
        let bad = raw(200, b"{oops").success::<Vec<u8>>().unwrap_err();
        assert_eq!(&bad.raw[..], b"{oops");
        let declared: ErrorResponse<serde_json::Value> = raw(404, br#"{"error":"gone"}"#).error().unwrap();
        assert_eq!(declared.body["error"], "gone");
        assert_eq!(raw(418, b"teapot").unexpected().raw, Bytes::from_static(b"teapot"));
    }

    #[test]
    fn text_must_be_utf8() {
        assert_eq!(raw(200, "héllo".as_bytes()).text().unwrap().body, "héllo");
        assert!(raw(200, b"\xff\xfe").text().is_err());
    }

    #[tokio::test]
    async fn byte_streams_collect_within_their_limit() {
        let body = raw(200, b"0123456789").byte_stream().body;
        assert_eq!(&body.collect(10).await.unwrap()[..], b"0123456789");
        let body = raw(200, b"0123456789").byte_stream().body;
        assert!(matches!(body.collect(9).await, Err(ByteStreamError::TooLarge { limit: 9 })));
    }
}
