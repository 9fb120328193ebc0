//! Machinery shared by every operation: secrets, tri-state fields, responses,
//! errors and the HTTP transport. Written once, copied into each generated crate.
//!
//! A given API uses only part of it (an API with bearer auth never builds
//! `Auth::Query`), so unused crate-private items are expected here.
#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tracing::Instrument;

/// A secret (an API key, a raw provider key): its value never appears in
/// `Debug` or `Display` output, logs or error messages.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The secret itself; call it only where the value must be sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_string())
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

/// A field that is both optional and nullable has three states on the wire:
/// absent (leave unchanged), `null` (clear) and a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The field is not sent (and was not received).
    #[default]
    Absent,
    /// The field is sent as an explicit `null`.
    Null,
    /// The field has a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is absent; used to omit it when serialising.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one, consuming the field.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes an explicit `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// A present field is `Null` or `Value`; `#[serde(default)]` gives `Absent`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

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

/// The request could not be sent, or its response not received.
#[derive(Debug)]
pub struct TransportError {
    /// `METHOD /path/template` of the call.
    pub request: String,
    timeout: bool,
    connect: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// A request body that could not be encoded as JSON.
    pub(crate) fn encode(request: String, e: serde_json::Error) -> Self {
        TransportError { request, timeout: false, connect: false, source: Box::new(e) }
    }

    fn from_reqwest(request: String, e: reqwest::Error) -> Self {
        // The URL is dropped so that no secret sent in the query string can leak.
        TransportError { request, timeout: e.is_timeout(), connect: e.is_connect(), source: Box::new(e.without_url()) }
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.connect
    }
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

/// What every error of an operation can tell about the failed response.
pub trait ErrorDetails {
    /// HTTP status, when a response arrived.
    fn status(&self) -> Option<StatusCode>;
    /// The raw response body, when a response arrived.
    fn raw_body(&self) -> Option<&[u8]>;
}

impl<T> ErrorDetails for ErrorResponse<T> {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
    }
}

impl ErrorDetails for UnexpectedResponse {
    fn status(&self) -> Option<StatusCode> {
        Some(self.status)
    }
    fn raw_body(&self) -> Option<&[u8]> {
        Some(&self.raw)
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

impl ErrorDetails for TransportError {
    fn status(&self) -> Option<StatusCode> {
        None
    }
    fn raw_body(&self) -> Option<&[u8]> {
        None
    }
}

/// Values that can be sent as query parameters.
pub(crate) trait ToQuery {
    fn push_query(&self, name: &'static str, out: &mut Vec<(&'static str, String)>);
}

macro_rules! to_query_via_display {
    ($($t:ty),*) => {$(
        impl ToQuery for $t {
            fn push_query(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((name, self.to_string()));
            }
        }
    )*};
}
to_query_via_display!(String, i32, i64, f64, bool);

impl ToQuery for SecretString {
    fn push_query(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((name, self.expose().to_string()));
    }
}

impl<T: ToQuery> ToQuery for Vec<T> {
    /// Arrays are exploded: `?tag=a&tag=b` (the OpenAPI default for query parameters).
    fn push_query(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        for item in self {
            item.push_query(name, out);
        }
    }
}

/// Percent-encodes a path parameter so that it stays one path segment.
pub(crate) fn encode_path(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Encodes a request body; `label` names the call in the error.
pub(crate) fn encode_json<T: Serialize>(body: &T, label: &str) -> Result<Bytes, TransportError> {
    serde_json::to_vec(body).map(Bytes::from).map_err(|e| TransportError::encode(label.to_string(), e))
}

/// One request, ready to send.
pub(crate) struct Request {
    pub operation_id: &'static str,
    pub method: reqwest::Method,
    pub path_template: &'static str,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub json_body: Option<Bytes>,
}

/// A received response whose body has been read.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(|source| DecodeError { status: self.status, raw: self.body.clone(), source })
    }

    /// Decodes a success body.
    pub fn success<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ApiResponse { status: self.status, headers: self.headers, body })
    }

    /// A success response without a body.
    pub fn empty(self) -> ApiResponse<()> {
        ApiResponse { status: self.status, headers: self.headers, body: () }
    }

    /// Decodes a declared error body.
    pub fn error<T: DeserializeOwned>(self) -> Result<ErrorResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ErrorResponse { status: self.status, headers: self.headers, body, raw: self.body })
    }

    /// A declared error without a body.
    pub fn error_without_body(self) -> ErrorResponse<()> {
        ErrorResponse { status: self.status, headers: self.headers, body: (), raw: self.body }
    }

    /// A status the operation does not declare.
    pub fn unexpected(self) -> UnexpectedResponse {
        UnexpectedResponse { status: self.status, headers: self.headers, raw: self.body }
    }
}

/// The API key and where it goes.
pub(crate) enum Auth {
    Bearer(SecretString),
    Header(&'static str, SecretString),
    Query(&'static str, SecretString),
}

/// When and how often a failed call is tried again.
///
/// Backoff grows exponentially (`initial_interval × exponent^n`, capped at
/// `max_interval`) with ±25% jitter; a `Retry-After` header (seconds or an HTTP
/// date) replaces the computed delay. A write that the server may already have
/// processed (POST or PATCH answered with a 5XX other than 503, a read timeout,
/// a connection dropped after sending) is never repeated unless
/// [`RetryPolicy::retry_non_idempotent`] opts in; connection failures and
/// 429/503 answers are safe to retry for every method.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// First delay.
    pub initial_interval: Duration,
    /// Longest single delay.
    pub max_interval: Duration,
    /// Growth factor between delays.
    pub exponent: f64,
    /// Give up when the next attempt would start later than this after the first.
    pub max_elapsed: Duration,
    /// Give up after this many attempts in all (`None`: only `max_elapsed` limits).
    pub max_attempts: Option<u32>,
    /// Inclusive status ranges that are retried (`(500, 599)` for `5XX`).
    pub statuses: Vec<(u16, u16)>,
    /// Whether connection failures and timeouts are retried.
    pub retry_connection_errors: bool,
    /// Whether POST and PATCH are retried even where the server may have acted on them.
    pub retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            initial_interval: Duration::ZERO,
            max_interval: Duration::ZERO,
            exponent: 1.0,
            max_elapsed: Duration::ZERO,
            max_attempts: Some(1),
            statuses: Vec::new(),
            retry_connection_errors: false,
            retry_non_idempotent: false,
        }
    }

    /// Sets the first delay.
    pub fn initial_interval(mut self, delay: Duration) -> Self {
        self.initial_interval = delay;
        self
    }

    /// Sets the longest single delay.
    pub fn max_interval(mut self, delay: Duration) -> Self {
        self.max_interval = delay;
        self
    }

    /// Sets the growth factor between delays.
    pub fn exponent(mut self, exponent: f64) -> Self {
        self.exponent = exponent;
        self
    }

    /// Sets the total time budget.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Caps the number of attempts (the first one included).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Opts POST and PATCH into retries after failures the server may have acted on.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    fn retries_status(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        self.statuses.iter().any(|(lo, hi)| (*lo..=*hi).contains(&code))
    }

    /// The delay before attempt `attempt + 1` (attempts count from 1), with jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.initial_interval.as_secs_f64() * self.exponent.powi(attempt.saturating_sub(1) as i32);
        let capped = base.min(self.max_interval.as_secs_f64());
        let jittered = capped * (0.75 + 0.5 * jitter_unit());
        Duration::from_secs_f64(jittered.min(self.max_interval.as_secs_f64()).max(0.0))
    }
}

/// A number in [0, 1) that differs between calls; enough for jitter, not for secrets.
fn jitter_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay a `Retry-After` header asks for: delta-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// What a hook sees about the call in progress.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The operation id in the API document (`listBYOKKeys`).
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: &'a reqwest::Method,
    /// Path template (`/byok/{id}`).
    pub path_template: &'static str,
    /// Attempt number, from 1.
    pub attempt: u32,
}

/// Code that runs around every attempt of every call: add headers, record metrics, log.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent; may change the request (add headers, …).
    fn before_request(&self, context: &RequestContext<'_>, request: &mut reqwest::Request) {
        let _ = (context, request);
    }

    /// Called when a response arrives (any status), before its body is read.
    fn after_response(&self, context: &RequestContext<'_>, status: StatusCode, headers: &HeaderMap) {
        let _ = (context, status, headers);
    }
}

/// Settings a single call may override.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub headers: Vec<(String, String)>,
    pub base_url: Option<String>,
}

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

impl ErrorDetails for ValidationError {
    fn status(&self) -> Option<StatusCode> {
        None
    }
    fn raw_body(&self) -> Option<&[u8]> {
        None
    }
}

/// Checks the constraints of the API document on a value before it is sent.
pub(crate) trait Validate {
    fn validate(&self, path: &str) -> Result<(), ValidationError>;
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.iter().enumerate().try_for_each(|(i, item)| item.validate(&format!("{path}[{i}]")))
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        T::validate(self, path)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.as_option().map_or(Ok(()), |v| v.validate(path))
    }
}

fn invalid(path: &str, rule: String) -> Result<(), ValidationError> {
    Err(ValidationError { field: path.to_string(), rule })
}

/// `minLength`/`maxLength`, counted in characters. The value never appears in the error.
pub(crate) fn check_length(path: &str, value: &str, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    let len = value.chars().count();
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minLength {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxLength {max}")),
        _ => Ok(()),
    }
}

/// `minItems`/`maxItems`.
pub(crate) fn check_items(path: &str, len: usize, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minItems {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxItems {max}")),
        _ => Ok(()),
    }
}

/// `minimum`/`maximum` (exclusive when the flags say so).
pub(crate) fn check_range(path: &str, value: f64, min: Option<(f64, bool)>, max: Option<(f64, bool)>) -> Result<(), ValidationError> {
    if let Some((min, exclusive)) = min {
        if value < min || (exclusive && value == min) {
            return invalid(path, format!("{} {min}", if exclusive { "exclusiveMinimum" } else { "minimum" }));
        }
    }
    if let Some((max, exclusive)) = max {
        if value > max || (exclusive && value == max) {
            return invalid(path, format!("{} {max}", if exclusive { "exclusiveMaximum" } else { "maximum" }));
        }
    }
    Ok(())
}

/// `pattern`; the expression is compiled once per pattern.
pub(crate) fn check_pattern(
    path: &str,
    value: &str,
    pattern: &'static str,
    compiled: &'static std::sync::OnceLock<Option<regex_lite::Regex>>,
) -> Result<(), ValidationError> {
    // The generator checked that the pattern compiles; `None` would mean it could not be checked here.
    match compiled.get_or_init(|| regex_lite::Regex::new(pattern).ok()) {
        Some(re) if !re.is_match(value) => invalid(path, format!("pattern {pattern}")),
        _ => Ok(()),
    }
}

/// Sends requests: base URL, default headers (auth, globals, user agent), the
/// HTTP client, timeouts, retries and hooks.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub base_url: String,
    pub default_headers: HeaderMap,
    pub auth: Option<Auth>,
    pub timeout: Option<Duration>,
    pub retry: RetryPolicy,
    pub hooks: Vec<std::sync::Arc<dyn Hook>>,
}

/// Whether repeating the method cannot duplicate an effect (RFC 9110 §9.2.2).
fn is_idempotent(method: &reqwest::Method) -> bool {
    !matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH)
}

impl Transport {
    /// Sends one call: every attempt, with retries, and reads the whole response body.
    pub async fn execute(&self, request: Request, options: CallOptions) -> Result<RawResponse, TransportError> {
        let span = tracing::info_span!(
            "http.call",
            operation_id = request.operation_id,
            method = %request.method,
            path_template = request.path_template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_attempts(request, options).instrument(span).await
    }

    async fn execute_attempts(&self, request: Request, options: CallOptions) -> Result<RawResponse, TransportError> {
        let policy = options.retry.as_ref().unwrap_or(&self.retry);
        let idempotent = is_idempotent(&request.method);
        let started = std::time::Instant::now();
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let outcome = self.attempt(&request, &options, attempt).await;
            let delay = match &outcome {
                Ok(response) => {
                    tracing::Span::current().record("status", response.status.as_u16());
                    let safe = idempotent || policy.retry_non_idempotent || matches!(response.status.as_u16(), 429 | 503);
                    (policy.retries_status(response.status) && safe)
                        .then(|| retry_after(&response.headers).unwrap_or_else(|| policy.backoff(attempt)))
                }
                Err(e) => {
                    // A failed connect never reached the server, so any method may retry it.
                    let safe = e.is_connect() || idempotent || policy.retry_non_idempotent;
                    (policy.retry_connection_errors && safe).then(|| policy.backoff(attempt))
                }
            };
            let out_of_attempts = policy.max_attempts.is_some_and(|max| attempt >= max);
            match delay {
                Some(delay) if !out_of_attempts && started.elapsed() + delay <= policy.max_elapsed => {
                    tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// One attempt: build, run hooks, send, read the body.
    async fn attempt(&self, request: &Request, options: &CallOptions, attempt: u32) -> Result<RawResponse, TransportError> {
        let label = format!("{} {}", request.method, request.path_template);
        let transport = |e: reqwest::Error| TransportError::from_reqwest(label.clone(), e);
        let base_url = options.base_url.as_deref().map_or(self.base_url.as_str(), |u| u.trim_end_matches('/'));
        let mut url = reqwest::Url::parse(&format!("{base_url}{}", request.path)).map_err(|e| TransportError {
            request: label.clone(),
            timeout: false,
            connect: false,
            source: Box::new(e),
        })?;
        let auth_query = match &self.auth {
            Some(Auth::Query(name, key)) => Some((*name, key)),
            _ => None,
        };
        if !request.query.is_empty() || auth_query.is_some() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
            if let Some((name, key)) = auth_query {
                pairs.append_pair(name, key.expose());
            }
        }
        let mut builder = self.http.request(request.method.clone(), url).headers(self.default_headers.clone());
        match &self.auth {
            Some(Auth::Bearer(key)) => builder = builder.bearer_auth(key.expose()),
            Some(Auth::Header(name, key)) => {
                let mut value = reqwest::header::HeaderValue::from_str(key.expose()).map_err(|_| TransportError {
                    request: label.clone(),
                    timeout: false,
                    connect: false,
                    source: format!("the API key is not a valid `{name}` header value").into(),
                })?;
                value.set_sensitive(true);
                builder = builder.header(*name, value);
            }
            Some(Auth::Query(..)) | None => {}
        }
        if let Some(timeout) = options.timeout.or(self.timeout) {
            builder = builder.timeout(timeout);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        for (name, value) in &options.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.json_body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let mut http_request = builder.build().map_err(transport)?;
        let context = RequestContext { operation_id: request.operation_id, method: &request.method, path_template: request.path_template, attempt };
        for hook in &self.hooks {
            hook.before_request(&context, &mut http_request);
        }
        let response = self.http.execute(http_request).await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        for hook in &self.hooks {
            hook.after_response(&context, status, &headers);
        }
        let body = response.bytes().await.map_err(transport)?;
        Ok(RawResponse { status, headers, body })
    }
}
