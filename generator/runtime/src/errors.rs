//! What a call returns: a decoded response, or an error that says what went
//! wrong and keeps what arrived (status, headers, raw body).

use std::fmt;
#[cfg(feature = "operations")]
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A decoded successful response with its status and headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Decoded body.
    pub body: T,
    /// The body as received (empty for a streamed body): what the SDK decoded
    /// `body` from, for fields the document does not declare yet.
    pub raw: Bytes,
}

impl<T> ApiResponse<T> {
    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The body as received, parsed as untyped JSON: every field the server
    /// sent, including those the document does not declare yet.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.raw)
    }
}

/// How many bytes of a body an error message quotes.
const BODY_SNIPPET: usize = 512;

fn snippet(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(BODY_SNIPPET)]);
    if raw.len() > BODY_SNIPPET { format!("{text}…") } else { text.into_owned() }
}

/// An error response the API declares for the operation, decoded into its type.
#[cfg(any(feature = "json-error", feature = "empty-error"))]
#[derive(Debug, Clone)]
#[non_exhaustive]
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

#[cfg(any(feature = "json-error", feature = "empty-error"))]
impl<T> ErrorResponse<T> {
    /// The delay the server asked for before trying again (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::requested_delay(&self.headers)
    }
}

#[cfg(any(feature = "json-error", feature = "empty-error"))]
impl<T> fmt::Display for ErrorResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status, snippet(&self.raw))
    }
}

/// A response whose status the API does not declare for the operation.
#[cfg(feature = "unexpected-status")]
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub raw: Bytes,
}

#[cfg(feature = "unexpected-status")]
impl UnexpectedResponse {
    /// The delay the server asked for before trying again (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::requested_delay(&self.headers)
    }
}

#[cfg(feature = "unexpected-status")]
impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP {}: {}", self.status, snippet(&self.raw))
    }
}

/// A response body that does not match its declared type.
#[derive(Debug)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// A model's `build()` found a required field unset.
#[cfg(feature = "models")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFieldError {
    model: &'static str,
    field: &'static str,
    key: &'static str,
}

#[cfg(feature = "models")]
impl MissingFieldError {
    /// `field` of `model` (`key` in JSON) is required and was not set.
    #[doc(hidden)] // for the models' builders
    pub fn new(model: &'static str, field: &'static str, key: &'static str) -> Self {
        MissingFieldError { model, field, key }
    }

    /// The required field left unset.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Its key in JSON.
    pub fn key(&self) -> &'static str {
        self.key
    }
}

#[cfg(feature = "models")]
impl fmt::Display for MissingFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build `{}`: the required field `{}` is not set", self.model, self.field)
    }
}

#[cfg(feature = "models")]
impl std::error::Error for MissingFieldError {}

/// What every error of an operation can tell about the failed response; the
/// operation errors and `Error` answer through it.
#[cfg(feature = "operations")]
pub trait ErrorDetails {
    /// HTTP status, when a response arrived.
    fn status(&self) -> Option<StatusCode> {
        None
    }
    /// Response headers, when a response arrived.
    fn headers(&self) -> Option<&HeaderMap> {
        None
    }
    /// The raw response body, when a response arrived.
    fn raw_body(&self) -> Option<&[u8]> {
        None
    }
    /// The delay the server asked for before trying again, when it did.
    fn retry_after(&self) -> Option<Duration> {
        self.headers().and_then(super::retry::requested_delay)
    }
    /// Whether the same call may succeed if tried again later.
    fn is_retryable(&self) -> bool {
        self.status().is_some_and(retryable_status)
    }
    /// The id the server gave the request (`x-request-id` and its common
    /// spellings), for support tickets and log searches.
    fn request_id(&self) -> Option<&str> {
        request_id(self.headers()?)
    }
}

/// The request id among `headers`: one function, not a copy per error type
/// (a default method's body is compiled again for each implementor).
#[cfg(feature = "operations")]
fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok())
}

/// Headers servers name the request with, most common first.
#[cfg(feature = "operations")]
const REQUEST_ID_HEADERS: [&str; 5] = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-correlation-id"];

/// Statuses that say "not now" rather than "not this": timeouts, rate limits
/// and server failures (except `501 Not Implemented` and `505`).
#[cfg(feature = "operations")]
fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 425 | 429) || (status.is_server_error() && !matches!(status.as_u16(), 501 | 505))
}

#[cfg(all(feature = "operations", any(feature = "json-error", feature = "empty-error")))]
impl<T> ErrorDetails for ErrorResponse<T> {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn headers(&self) -> Option<&HeaderMap> {
        Some(&self.headers)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
}

#[cfg(all(feature = "operations", feature = "unexpected-status"))]
impl ErrorDetails for UnexpectedResponse {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn headers(&self) -> Option<&HeaderMap> {
        Some(&self.headers)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
}

#[cfg(feature = "operations")]
impl ErrorDetails for DecodeError {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
    /// The response arrived; decoding it again gives the same result.
    fn is_retryable(&self) -> bool {
        false
    }
}

#[cfg(feature = "operations")]
impl ErrorDetails for BodyTooLargeError {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn headers(&self) -> Option<&HeaderMap> {
        Some(&self.headers)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.prefix)
    }
    /// The same body would be as long the next time.
    fn is_retryable(&self) -> bool {
        false
    }
}

#[cfg(feature = "operations")]
impl ErrorDetails for TransportError {
    /// Connections that failed or broke, and attempts that ran out of time.
    fn is_retryable(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Connect | TransportErrorKind::Interrupted | TransportErrorKind::Timeout)
    }
}
#[cfg(feature = "operations")]
impl ErrorDetails for RequestError {}
#[cfg(feature = "operations")]
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

/// An error status the API answered with, whether the operation declares it or
/// not: the status, headers and raw body, and the typed body when the operation
/// declares one for this status.
#[cfg(feature = "operations")]
pub struct ApiError {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    raw: Bytes,
    body: Option<Box<dyn std::any::Any + Send + Sync>>,
}

#[cfg(feature = "operations")]
impl ApiError {
    /// A declared error response of `operation`, keeping its typed body.
    #[doc(hidden)] // for the crate's operation errors
    #[cfg(any(feature = "json-error", feature = "empty-error"))]
    pub fn declared<T: Send + Sync + 'static>(operation: &'static str, response: ErrorResponse<T>) -> Self {
        ApiError { operation, status: response.status, headers: response.headers, raw: response.raw, body: Some(Box::new(response.body)) }
    }

    /// A status `operation` does not declare.
    #[doc(hidden)] // for the crate's operation errors
    pub fn undeclared(operation: &'static str, status: StatusCode, headers: HeaderMap, raw: Bytes) -> Self {
        ApiError { operation, status, headers, raw, body: None }
    }

    /// The operation id of the failed call (or `METHOD /path` for an untyped call).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The typed body, when the operation declares one for this status and it
    /// is a `T` (the type named in the operation's error variant).
    pub fn body<T: 'static>(&self) -> Option<&T> {
        self.body.as_ref()?.downcast_ref()
    }

    /// The body parsed as untyped JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.raw)
    }
}

#[cfg(feature = "operations")]
impl ErrorDetails for ApiError {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn headers(&self) -> Option<&HeaderMap> {
        Some(&self.headers)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
}

#[cfg(feature = "operations")]
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("raw", &self.raw)
            .field("typed", &self.body.is_some())
            .finish()
    }
}

#[cfg(feature = "operations")]
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: HTTP {}: {}", self.operation, self.status, snippet(&self.raw))
    }
}

#[cfg(feature = "operations")]
impl std::error::Error for ApiError {}

/// Any failed call of this crate. Every operation's error converts into it, so
/// `?` works across operations in a function returning `Result<_, Error>`; the
/// accessors read what every failure has, whatever the operation.
///
/// `B` is the body every error of the API shares, if it has one: the generated
/// crate's `Error` names it, and [`Error::error_body`] decodes it.
#[cfg(feature = "operations")]
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B = NoSharedBody> {
    /// The API answered with an error status (declared by the operation or not).
    Api(ApiError),
    /// The response body does not match its declared type; the raw body is kept.
    Decode(DecodeError),
    /// The response body is longer than the limit; its first bytes are kept.
    BodyTooLarge(BodyTooLargeError),
    /// The call's deadline passed (the client's or the call's timeout), retries included.
    Timeout(TransportError),
    /// The request could not be sent or the response not received (after the retries the policy allows).
    Transport(TransportError),
    /// The request could not be built (an invalid header, base URL or API key); nothing was sent.
    Request(RequestError),
    /// A parameter or body field breaks a constraint of the API; nothing was sent.
    Validation(ValidationError),
    /// A hook stopped the call (its error is the source); never retried.
    Hook(super::hooks::HookError),
    /// Never made (it holds an `Infallible`): only names `B`.
    #[doc(hidden)]
    __Shared(std::convert::Infallible, std::marker::PhantomData<fn() -> B>),
}

/// The `B` of an [`Error`] of an API whose errors share no body: it has no
/// `error_body`.
#[cfg(feature = "operations")]
#[derive(Debug)]
pub enum NoSharedBody {}

#[cfg(feature = "operations")]
impl<B: serde::de::DeserializeOwned> Error<B> {
    /// The error body in the shape every error of this API shares, decoded
    /// from the raw body whatever the operation and status (`None` without a
    /// response, or for a body of another shape).
    pub fn error_body(&self) -> Option<B> {
        serde_json::from_slice(self.raw_body()?).ok()
    }
}

#[cfg(feature = "operations")]
impl<B> Error<B> {
    fn details(&self) -> &dyn ErrorDetails {
        match self {
            Error::Api(e) => e,
            Error::Decode(e) => e,
            Error::BodyTooLarge(e) => e,
            Error::Timeout(e) | Error::Transport(e) => e,
            Error::Request(e) => e,
            Error::Validation(e) => e,
            Error::Hook(e) => e,
            Error::__Shared(never, _) => match *never {},
        }
    }

    /// The error status, when the API answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.details().status()
    }

    /// Response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.details().headers()
    }

    /// The raw response body, when a response arrived.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.details().raw_body()
    }

    /// The delay the server asked for before trying again (`Retry-After` or
    /// `retry-after-ms`); set when the call gave up because the server asked for
    /// longer than the retry policy allows.
    pub fn retry_after(&self) -> Option<Duration> {
        self.details().retry_after()
    }

    /// The id the server gave the request (`x-request-id` and its common spellings).
    pub fn request_id(&self) -> Option<&str> {
        self.details().request_id()
    }

    /// Whether the same call may succeed later: rate limits, server failures,
    /// timeouts and lost connections; never local mistakes or undecodable bodies.
    pub fn is_retryable(&self) -> bool {
        self.details().is_retryable()
    }

    /// Whether the call's deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

#[cfg(feature = "operations")]
impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::BodyTooLarge(e) => fmt::Display::fmt(e, f),
            Error::Timeout(e) | Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Request(e) => fmt::Display::fmt(e, f),
            Error::Validation(e) => fmt::Display::fmt(e, f),
            Error::Hook(e) => fmt::Display::fmt(e, f),
            Error::__Shared(never, _) => match *never {},
        }
    }
}

#[cfg(feature = "operations")]
impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Decode(e) => Some(e),
            Error::BodyTooLarge(e) => Some(e),
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Request(e) => Some(e),
            Error::Validation(e) => Some(e),
            Error::Hook(e) => Some(e),
            Error::__Shared(never, _) => match *never {},
        }
    }
}

#[cfg(feature = "operations")]
impl<B> From<CallError> for Error<B> {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Validation(e) => Error::Validation(e),
            CallError::Request(e) => Error::Request(e),
            CallError::Transport(e) if e.is_timeout() => Error::Timeout(e),
            CallError::Transport(e) => Error::Transport(e),
            CallError::BodyTooLarge(e) => Error::BodyTooLarge(*e),
            CallError::Hook(e) => Error::Hook(e),
        }
    }
}

#[cfg(feature = "operations")]
impl<B> From<DecodeError> for Error<B> {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

/// One operation's error enum, from the enum the generator writes (a variant
/// per declared status, naming its typed body, with its docs) and
/// `#[operation("id", error_body = Model)]`: each typed variant holds an
/// `ErrorResponse` of its body, `UnexpectedStatus` holds the statuses the
/// operation does not declare (`#[operation("id", all_declared)]` when it
/// declares `default`: no such variant), and the failures every call shares are added; with its accessors, `Display`, `Error`, the
/// conversions from a failed call and into [`Error`], and a compile-time check
/// that it is `Send + Sync`. Written once here instead of in every operation.
/// `error_body` names the model every error body of the API has the shape of,
/// when there is one. Its methods are `#[inline]`: compiled where they are used
/// (most crates use a few operations of many).
///
/// Paths are absolute, as in the other macros: it expands in operation modules.
#[cfg(feature = "operations")]
#[macro_export]
#[allow(clippy::crate_in_macro_def)] // `crate::models`: the API's models, where it expands
macro_rules! operation_error {
    (
        #[operation($operation:literal, all_declared $(, error_body = $shared:ident)? $(,)?)]
        $($item:tt)*
    ) => {
        $crate::operation_error! { @enum #[operation($operation $(, error_body = $shared)?)] $($item)* }
    };
    (
        #[operation($operation:literal $(, error_body = $shared:ident)? $(,)?)]
        $($item:tt)*
    ) => {
        $crate::operation_error! { @enum #[operation($operation, undeclared = UnexpectedStatus $(, error_body = $shared)?)] $($item)* }
    };
    (
        @enum
        #[operation($operation:literal $(, undeclared = $unexpected:ident)? $(, error_body = $shared:ident)? $(,)?)]
        $(#[$meta:meta])*
        // A long body type is printed over lines, with a trailing comma.
        pub enum $name:ident { $( $(#[$variant_meta:meta])* $variant:ident($body:ty $(,)?) ),* $(,)? }
    ) => {
        $(#[$meta])*
        ///
        /// Every variant tells the status, headers and raw body where a response
        /// arrived; `?` converts it into the crate's [`Error`](crate::Error).
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant($crate::errors::ErrorResponse<$body>), )*
            $(
                /// A status this operation does not declare; status, headers and raw body are kept.
                $unexpected($crate::errors::UnexpectedResponse),
            )?
            /// The response body does not match its declared type; the raw body is kept.
            Decode($crate::errors::DecodeError),
            /// The response body is longer than the limit; its first bytes are kept.
            BodyTooLarge($crate::errors::BodyTooLargeError),
            /// The call's deadline passed (the client's or the call's timeout), retries included.
            Timeout($crate::errors::TransportError),
            /// The request could not be sent or the response not received (after the retries the policy allows).
            Transport($crate::errors::TransportError),
            /// The request could not be built (an invalid header, base URL or API key); nothing was sent.
            Request($crate::errors::RequestError),
            /// A parameter or body field breaks a constraint of the API; nothing was sent.
            Validation($crate::errors::ValidationError),
            /// A hook stopped the call (its error is the source); never retried.
            Hook($crate::hooks::HookError),
        }

        // Errors cross threads and tasks (`?` into `Box<dyn Error + Send + Sync>`).
        const _: () = {
            const fn send_sync<T: ::core::marker::Send + ::core::marker::Sync + 'static>() {}
            send_sync::<$name>();
        };

        impl $name {
            #[inline]
            fn details(&self) -> &dyn $crate::errors::ErrorDetails {
                match self {
                    $( $name::$variant(e) => e, )*
                    $( $name::$unexpected(e) => e, )?
                    $name::Decode(e) => e,
                    $name::BodyTooLarge(e) => e,
                    $name::Timeout(e) | $name::Transport(e) => e,
                    $name::Request(e) => e,
                    $name::Validation(e) => e,
                    $name::Hook(e) => e,
                }
            }

            /// HTTP status of the response, if one arrived.
            #[inline]
            pub fn status(&self) -> ::core::option::Option<::reqwest::StatusCode> {
                self.details().status()
            }

            /// Response headers, if a response arrived.
            #[inline]
            pub fn headers(&self) -> ::core::option::Option<&::reqwest::header::HeaderMap> {
                self.details().headers()
            }

            /// The raw response body, if a response arrived.
            #[inline]
            pub fn raw_body(&self) -> ::core::option::Option<&[u8]> {
                self.details().raw_body()
            }

            /// The delay the server asked for before trying again (`Retry-After`), if it did;
            /// set when the call gave up because the server asked for longer than the policy allows.
            #[inline]
            pub fn retry_after(&self) -> ::core::option::Option<::std::time::Duration> {
                self.details().retry_after()
            }

            /// The id the server gave the request (`x-request-id` and its common spellings).
            #[inline]
            pub fn request_id(&self) -> ::core::option::Option<&str> {
                self.details().request_id()
            }

            /// Whether the same call may succeed later (rate limits, server failures, timeouts, lost connections).
            #[inline]
            pub fn is_retryable(&self) -> bool {
                self.details().is_retryable()
            }
        }

        $(
            impl $name {
                /// The error body in the shape every error of this API shares, decoded
                /// from the raw body whatever the status (`None` without a response, or
                /// for a body of another shape).
                #[inline]
                pub fn error_body(&self) -> ::core::option::Option<crate::models::$shared> {
                    ::serde_json::from_slice(self.raw_body()?).ok()
                }
            }
        )?

        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $( $name::$variant(e) => ::core::write!(f, "{} failed: {e}", $operation), )*
                    $( $name::$unexpected(e) => ::core::write!(f, "{} failed: {e}", $operation), )?
                    $name::Decode(e) => ::core::write!(f, "{} failed: {e}", $operation),
                    $name::BodyTooLarge(e) => ::core::write!(f, "{} failed: {e}", $operation),
                    $name::Timeout(e) | $name::Transport(e) => ::core::write!(f, "{} failed: {e}", $operation),
                    $name::Request(e) => ::core::write!(f, "{} failed: {e}", $operation),
                    $name::Validation(e) => ::core::write!(f, "{} failed: {e}", $operation),
                    $name::Hook(e) => ::core::write!(f, "{} failed: {e}", $operation),
                }
            }
        }

        impl ::std::error::Error for $name {
            #[inline]
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    $name::Decode(e) => ::core::option::Option::Some(e),
                    $name::BodyTooLarge(e) => ::core::option::Option::Some(e),
                    $name::Timeout(e) | $name::Transport(e) => ::core::option::Option::Some(e),
                    $name::Request(e) => ::core::option::Option::Some(e),
                    $name::Validation(e) => ::core::option::Option::Some(e),
                    $name::Hook(e) => ::core::option::Option::Some(e),
                    #[allow(unreachable_patterns)]
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::convert::From<$crate::errors::DecodeError> for $name {
            #[inline]
            fn from(e: $crate::errors::DecodeError) -> Self {
                $name::Decode(e)
            }
        }

        impl ::core::convert::From<$crate::errors::CallError> for $name {
            #[inline]
            fn from(e: $crate::errors::CallError) -> Self {
                match e {
                    $crate::errors::CallError::Validation(e) => $name::Validation(e),
                    $crate::errors::CallError::Request(e) => $name::Request(e),
                    $crate::errors::CallError::Transport(e) if e.is_timeout() => $name::Timeout(e),
                    $crate::errors::CallError::Transport(e) => $name::Transport(e),
                    $crate::errors::CallError::BodyTooLarge(e) => $name::BodyTooLarge(*e),
                    $crate::errors::CallError::Hook(e) => $name::Hook(e),
                }
            }
        }

        impl<B> ::core::convert::From<$name> for $crate::errors::Error<B> {
            #[inline]
            fn from(e: $name) -> Self {
                match e {
                    $( $name::$variant(r) => $crate::errors::Error::Api($crate::errors::ApiError::declared($operation, r)), )*
                    $( $name::$unexpected(r) => $crate::errors::Error::Api($crate::errors::ApiError::undeclared($operation, r.status, r.headers, r.raw)), )?
                    $name::Decode(e) => $crate::errors::Error::Decode(e),
                    $name::BodyTooLarge(e) => $crate::errors::Error::BodyTooLarge(e),
                    $name::Timeout(e) => $crate::errors::Error::Timeout(e),
                    $name::Transport(e) => $crate::errors::Error::Transport(e),
                    $name::Request(e) => $crate::errors::Error::Request(e),
                    $name::Validation(e) => $crate::errors::Error::Validation(e),
                    $name::Hook(e) => $crate::errors::Error::Hook(e),
                }
            }
        }
    };
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
