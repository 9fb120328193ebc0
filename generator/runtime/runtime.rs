//! Machinery shared by every operation: secrets, tri-state fields, responses,
//! errors and the HTTP transport. Written once, copied into each generated crate.
//!
//! A given API uses only part of it (an API with bearer auth never builds
//! `Auth::Query`), so unused crate-private items are expected here.
#![allow(dead_code)]

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
pub(crate) fn encode_json<T: Serialize>(body: &T, label: &str) -> Result<Vec<u8>, TransportError> {
    serde_json::to_vec(body).map_err(|e| TransportError::encode(label.to_string(), e))
}

/// One request, ready to send.
pub(crate) struct Request {
    pub method: reqwest::Method,
    pub path_template: &'static str,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub json_body: Option<Vec<u8>>,
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

/// Sends requests: base URL, default headers (auth, globals, user agent) and the HTTP client.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub base_url: String,
    pub default_headers: HeaderMap,
    pub auth: Option<Auth>,
    pub timeout: Option<std::time::Duration>,
}

impl Transport {
    /// Sends one request and reads the whole response body.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, TransportError> {
        let label = format!("{} {}", request.method, request.path_template);
        let transport = |e: reqwest::Error| TransportError::from_reqwest(label.clone(), e);
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, request.path)).map_err(|e| {
            TransportError { request: label.clone(), timeout: false, connect: false, source: Box::new(e) }
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
        let mut builder = self.http.request(request.method, url).headers(self.default_headers.clone());
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
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.json_body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        }
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;
        Ok(RawResponse { status, headers, body })
    }
}
