//! What a call returns: a decoded response, or an error that says what went
//! wrong and keeps what arrived (status, headers, raw body).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A decoded successful response with its status and headers.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Decoded body.
    pub body: T,
}

impl<T> ApiResponse<T> {
    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// How many bytes of a body an error message quotes.
const BODY_SNIPPET: usize = 512;

fn snippet(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(BODY_SNIPPET)]);
    if raw.len() > BODY_SNIPPET { format!("{text}…") } else { text.into_owned() }
}

/// An error response the API declares for the operation, decoded into its type.
#[derive(Debug, Clone)]
pub struct ErrorResponse<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The decoded error body.
    pub body: T,
    /// The body as received.
    pub raw: Bytes,
}

impl<T> ErrorResponse<T> {
    /// The delay the server asked for before trying again (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::requested_delay(&self.headers)
    }
}

impl<T> fmt::Display for ErrorResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status, snippet(&self.raw))
    }
}

/// A response whose status the API does not declare for the operation.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub raw: Bytes,
}

impl UnexpectedResponse {
    /// The delay the server asked for before trying again (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::requested_delay(&self.headers)
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP {}: {}", self.status, snippet(&self.raw))
    }
}

/// A response body that does not match its declared type.
#[derive(Debug)]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// The body as received.
    pub raw: Bytes,
    /// What did not match.
    pub source: serde_json::Error,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the HTTP {} response body ({}): {}", self.status, self.source, snippet(&self.raw))
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (nothing reached the server).
    Connect,
    /// The call's deadline (or one attempt's timeout) passed.
    Timeout,
    /// Too many redirects, or a redirect that may not be followed (another
    /// origin for a request with a body).
    Redirect,
    /// The reply was not valid HTTP.
    Protocol,
    /// The connection broke after the request was sent.
    Interrupted,
    /// Anything else.
    Other,
}

/// The request could not be sent, or its response not received.
#[derive(Debug)]
pub struct TransportError {
    /// `METHOD /path/template` of the call.
    pub request: String,
    kind: TransportErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// An error of `kind` described by `message`.
    pub fn new(request: String, kind: TransportErrorKind, message: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { request, kind, source: message.into() }
    }

    /// Classifies a reqwest error. The URL is dropped so that no secret sent in
    /// the query string can leak.
    pub fn from_reqwest(request: String, e: reqwest::Error) -> Self {
        let kind = classify(&e);
        TransportError { request, kind, source: Box::new(e.without_url()) }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether a redirect could not be followed.
    pub fn is_redirect(&self) -> bool {
        self.kind == TransportErrorKind::Redirect
    }
}

/// Reads the kind of a reqwest error from the error and its causes.
fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_timeout() {
        return TransportErrorKind::Timeout;
    }
    if e.is_connect() {
        return TransportErrorKind::Connect;
    }
    if e.is_redirect() {
        return TransportErrorKind::Redirect;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(h) = c.downcast_ref::<hyper::Error>() {
            if h.is_parse() || h.is_parse_status() {
                return TransportErrorKind::Protocol;
            }
            if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                return TransportErrorKind::Interrupted;
            }
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof) {
                return TransportErrorKind::Interrupted;
            }
        }
        cause = c.source();
    }
    TransportErrorKind::Other
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.request, self.source)?;
        let mut cause = self.source.source();
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// The request could not be built from what the caller gave (an invalid
/// header name or value, base URL, API key, or a body that cannot be encoded).
/// Nothing was sent, and retrying cannot help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// `METHOD /path/template` of the call.
    pub request: String,
    /// What is wrong; never contains a secret.
    pub reason: String,
}

impl RequestError {
    /// An error for the call `request`.
    pub fn new(request: impl Into<String>, reason: impl Into<String>) -> Self {
        RequestError { request: request.into(), reason: reason.into() }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: cannot build the request (nothing was sent): {}", self.request, self.reason)
    }
}

impl std::error::Error for RequestError {}

/// A response body longer than the configured limit. Reading stopped at the
/// limit (or before reading, when `Content-Length` announced more).
#[derive(Debug, Clone)]
pub struct BodyTooLargeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The limit in bytes.
    pub limit: u64,
    /// The length the server announced, if it did.
    pub content_length: Option<u64>,
    /// The first bytes received (up to a few KiB), for diagnostics.
    pub prefix: Bytes,
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.content_length {
            Some(len) => write!(f, "the HTTP {} response body ({len} bytes) exceeds the limit of {} bytes", self.status, self.limit),
            None => write!(f, "the HTTP {} response body exceeds the limit of {} bytes", self.status, self.limit),
        }?;
        if !self.prefix.is_empty() {
            write!(f, ": {}", snippet(&self.prefix))?;
        }
        Ok(())
    }
}

impl std::error::Error for BodyTooLargeError {}

/// A request value that breaks a constraint of the API document; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field or parameter, as a path (`body.allowed_api_key_hashes[0]`).
    pub field: String,
    /// The rule that failed (`maxLength 255`).
    pub rule: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: must satisfy {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// What every error of an operation can tell about the failed response.
pub trait ErrorDetails {
    /// HTTP status, when a response arrived.
    fn status(&self) -> Option<StatusCode> {
        None
    }
    /// The raw response body, when a response arrived.
    fn raw_body(&self) -> Option<&[u8]> {
        None
    }
    /// The delay the server asked for before trying again, when it did.
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

impl<T> ErrorDetails for ErrorResponse<T> {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
    fn retry_after(&self) -> Option<Duration> {
        ErrorResponse::retry_after(self)
    }
}

impl ErrorDetails for UnexpectedResponse {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
    fn retry_after(&self) -> Option<Duration> {
        UnexpectedResponse::retry_after(self)
    }
}

impl ErrorDetails for DecodeError {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
}

impl ErrorDetails for BodyTooLargeError {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.prefix)
    }
}

impl ErrorDetails for TransportError {}
impl ErrorDetails for RequestError {}
impl ErrorDetails for ValidationError {}

/// Why a call failed before a response could be dispatched on its status.
/// Each operation's error enum converts it into its own variants.
#[cfg(feature = "operations")]
#[derive(Debug)]
pub enum CallError {
    /// A value breaks a constraint of the API; nothing was sent.
    Validation(ValidationError),
    /// The request could not be built; nothing was sent.
    Request(RequestError),
    /// Sending or receiving failed (after every retry the call allowed).
    Transport(TransportError),
    /// The response body was longer than the limit (boxed: it keeps headers and a prefix).
    BodyTooLarge(Box<BodyTooLargeError>),
    /// A hook stopped the call; never retried.
    Hook(super::hooks::HookError),
}

#[cfg(feature = "operations")]
impl From<ValidationError> for CallError {
    fn from(e: ValidationError) -> Self {
        CallError::Validation(e)
    }
}

#[cfg(feature = "operations")]
impl From<RequestError> for CallError {
    fn from(e: RequestError) -> Self {
        CallError::Request(e)
    }
}

#[cfg(feature = "operations")]
impl From<TransportError> for CallError {
    fn from(e: TransportError) -> Self {
        CallError::Transport(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_quoted_only_in_part() {
        let raw = Bytes::from(vec![b'x'; 2000]);
        let e = UnexpectedResponse { status: StatusCode::BAD_GATEWAY, headers: HeaderMap::new(), raw };
        let text = e.to_string();
        assert!(text.starts_with("unexpected HTTP 502 Bad Gateway: xxx"));
        assert!(text.ends_with('…'));
        assert!(text.len() < 600);
    }

    #[test]
    fn error_responses_expose_the_requested_delay() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3000".parse().unwrap());
        let e = ErrorResponse { status: StatusCode::TOO_MANY_REQUESTS, headers, body: (), raw: Bytes::new() };
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3000)));
        assert_eq!(ErrorDetails::retry_after(&e), Some(Duration::from_secs(3000)));
    }

    #[test]
    fn body_too_large_names_the_limit_and_keeps_the_first_bytes() {
        let e = BodyTooLargeError {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            limit: 10,
            content_length: Some(200),
            prefix: Bytes::from_static(b"{\"data\""),
        };
        assert_eq!(e.to_string(), "the HTTP 200 OK response body (200 bytes) exceeds the limit of 10 bytes: {\"data\"");
        assert_eq!(e.raw_body(), Some(&b"{\"data\""[..]));
    }

    #[test]
    fn request_errors_say_nothing_was_sent() {
        let e = RequestError::new("GET /byok", "invalid header `x-a`");
        assert_eq!(e.to_string(), "GET /byok: cannot build the request (nothing was sent): invalid header `x-a`");
    }
}
