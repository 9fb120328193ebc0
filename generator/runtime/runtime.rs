//! Machinery shared by every operation: secrets, tri-state fields, responses,
//! errors and the HTTP transport. Written once, copied into each generated crate.
//!
//! A given API uses only part of it (an API with bearer auth never builds
//! `Auth::Query`), so unused crate-private items are expected here.
#![allow(dead_code)]

use std::borrow::Cow;
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
    if raw.len() > BODY_SNIPPET {
        format!("{text}…")
    } else {
        text.into_owned()
    }
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
        write!(
            f,
            "cannot decode the HTTP {} response body ({}): {}",
            self.status,
            self.source,
            snippet(&self.raw)
        )
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
    /// A request body that could not be encoded.
    pub(crate) fn encode(request: String, reason: String) -> Self {
        TransportError {
            request,
            timeout: false,
            connect: false,
            source: format!("cannot encode the request body: {reason}").into(),
        }
    }

    fn from_reqwest(request: String, e: reqwest::Error) -> Self {
        // The URL is dropped so that no secret sent in the query string can leak.
        TransportError {
            request,
            timeout: e.is_timeout(),
            connect: e.is_connect(),
            source: Box::new(e.without_url()),
        }
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

/// The traits every open enum gets from its `as_str` and `From<&str>`:
/// `Display`, `FromStr`, serde, and query encoding. A macro so that each of the
/// (sometimes hundreds of) generated enums does not repeat them.
// An API without string enums never invokes it.
#[allow(unused_macros)]
macro_rules! open_enum_traits {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }

        impl $crate::runtime::ToQuery for $name {
            fn push_query(
                &self,
                name: &'static str,
                out: &mut Vec<(std::borrow::Cow<'static, str>, String)>,
            ) {
                out.push((std::borrow::Cow::Borrowed(name), self.as_str().to_string()));
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use open_enum_traits;

/// Why a request could not be built; nothing was sent.
pub(crate) enum RequestError {
    Validation(ValidationError),
    Encode(TransportError),
}

impl From<ValidationError> for RequestError {
    fn from(e: ValidationError) -> Self {
        RequestError::Validation(e)
    }
}

impl From<TransportError> for RequestError {
    fn from(e: TransportError) -> Self {
        RequestError::Encode(e)
    }
}

/// Values that can be sent as query parameters.
pub(crate) trait ToQuery {
    fn push_query(&self, name: &'static str, out: &mut Vec<(Cow<'static, str>, String)>);
}

macro_rules! to_query_via_display {
    ($($t:ty),*) => {$(
        impl ToQuery for $t {
            fn push_query(&self, name: &'static str, out: &mut Vec<(Cow<'static, str>, String)>) {
                out.push((Cow::Borrowed(name), self.to_string()));
            }
        }
    )*};
}
to_query_via_display!(String, i32, i64, f64, bool);

impl ToQuery for SecretString {
    fn push_query(&self, name: &'static str, out: &mut Vec<(Cow<'static, str>, String)>) {
        out.push((Cow::Borrowed(name), self.expose().to_string()));
    }
}

impl<T: ToQuery> ToQuery for Vec<T> {
    /// Arrays are exploded: `?tag=a&tag=b` (the OpenAPI default for query parameters).
    fn push_query(&self, name: &'static str, out: &mut Vec<(Cow<'static, str>, String)>) {
        for item in self {
            item.push_query(name, out);
        }
    }
}

/// How an array or object query parameter is spelled (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// Appends an array or object parameter by its JSON form: exploded `form`
/// repeats the name (arrays) or uses each key (objects); unexploded styles join
/// with `,`, ` ` or `|`; `deepObject` spells `name[key]=value`.
pub(crate) fn push_query_json<T: Serialize>(
    name: &'static str,
    value: &T,
    style: QueryStyle,
    explode: bool,
    out: &mut Vec<(Cow<'static, str>, String)>,
    label: &str,
) -> Result<(), TransportError> {
    let value = serde_json::to_value(value)
        .map_err(|e| TransportError::encode(label.to_string(), e.to_string()))?;
    let separator = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        QueryStyle::Form | QueryStyle::DeepObject => ",",
    };
    match (&value, style) {
        (serde_json::Value::Object(map), QueryStyle::DeepObject) => {
            for (key, v) in map {
                push_deep(&format!("{name}[{key}]"), v, out);
            }
        }
        (serde_json::Value::Object(map), _) if explode => {
            // Exploded form objects use their keys as parameter names.
            for (key, v) in map {
                out.push((Cow::Owned(key.clone()), scalar_text(v)));
            }
        }
        (serde_json::Value::Object(map), _) => {
            let joined: Vec<String> = map
                .iter()
                .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                .collect();
            out.push((Cow::Borrowed(name), joined.join(separator)));
        }
        (serde_json::Value::Array(items), _) if explode && style == QueryStyle::Form => {
            for item in items {
                out.push((Cow::Borrowed(name), scalar_text(item)));
            }
        }
        (serde_json::Value::Array(items), _) => {
            let joined: Vec<String> = items.iter().map(scalar_text).collect();
            out.push((Cow::Borrowed(name), joined.join(separator)));
        }
        (serde_json::Value::Null, _) => {}
        (other, _) => out.push((Cow::Borrowed(name), scalar_text(other))),
    }
    Ok(())
}

fn push_deep(key: &str, value: &serde_json::Value, out: &mut Vec<(Cow<'static, str>, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                push_deep(&format!("{key}[{k}]"), v, out);
            }
        }
        serde_json::Value::Null => {}
        other => out.push((Cow::Owned(key.to_string()), scalar_text(other))),
    }
}

/// A path or header value for a type without a string form of its own (a
/// union, an object): a string as itself, anything else as JSON text.
pub(crate) fn wire_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|v| scalar_text(&v))
        .unwrap_or_default()
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

/// Encodes a JSON request body; `label` names the call in the error.
pub(crate) fn encode_json<T: Serialize>(
    body: &T,
    label: &str,
) -> Result<(String, Bytes), TransportError> {
    let bytes = serde_json::to_vec(body)
        .map_err(|e| TransportError::encode(label.to_string(), e.to_string()))?;
    Ok(("application/json".to_string(), Bytes::from(bytes)))
}

/// Encodes an `application/x-www-form-urlencoded` body: one pair per top-level
/// field; nested values are sent as JSON text.
pub(crate) fn encode_form<T: Serialize>(
    body: &T,
    label: &str,
) -> Result<(String, Bytes), TransportError> {
    let value = serde_json::to_value(body)
        .map_err(|e| TransportError::encode(label.to_string(), e.to_string()))?;
    let mut form = reqwest::Url::parse("http://form.invalid/").expect("a constant URL");
    {
        let mut pairs = form.query_pairs_mut();
        for (name, value) in value.as_object().into_iter().flatten() {
            if !value.is_null() {
                pairs.append_pair(name, &scalar_text(value));
            }
        }
    }
    Ok((
        "application/x-www-form-urlencoded".to_string(),
        Bytes::from(form.query().unwrap_or_default().to_string()),
    ))
}

/// A JSON value as form or query text: strings bare, everything else as JSON.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A file sent in a `multipart/form-data` body.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileUpload {
    /// The file name sent with the part (servers often infer the format from it).
    pub file_name: String,
    /// The part's content type (default `application/octet-stream`).
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Bytes,
}

impl FileUpload {
    /// A file from its name and bytes.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FileUpload {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the part's content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FileUpload {
    /// The name and size, not the contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Serialize for FileUpload {
    /// Outside multipart bodies a file is its raw bytes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> Deserialize<'de> for FileUpload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        Ok(FileUpload {
            bytes: Bytes::from(bytes),
            ..FileUpload::default()
        })
    }
}

/// Builds a `multipart/form-data` body as bytes, so that a retry can resend it.
pub(crate) struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Self {
        let boundary = format!(
            "sdk-boundary-{:016x}",
            (jitter_unit() * u64::MAX as f64) as u64
        );
        Multipart {
            boundary,
            body: Vec::new(),
        }
    }

    fn header(&mut self, name: &str, file: Option<(&str, &str)>) {
        let name = name.replace('"', "%22");
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"",
                self.boundary
            )
            .as_bytes(),
        );
        if let Some((file_name, content_type)) = file {
            let file_name = file_name.replace('"', "%22");
            self.body.extend_from_slice(
                format!("; filename=\"{file_name}\"\r\nContent-Type: {content_type}").as_bytes(),
            );
        }
        self.body.extend_from_slice(b"\r\n\r\n");
    }

    /// A text part; JSON values other than strings are sent as JSON text.
    pub fn value<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        label: &str,
    ) -> Result<(), TransportError> {
        let value = serde_json::to_value(value)
            .map_err(|e| TransportError::encode(label.to_string(), e.to_string()))?;
        if value.is_null() {
            return Ok(());
        }
        self.header(name, None);
        self.body.extend_from_slice(scalar_text(&value).as_bytes());
        self.body.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// A file part.
    pub fn file(&mut self, name: &str, file: &FileUpload) {
        self.header(
            name,
            Some((
                &file.file_name,
                file.content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
            )),
        );
        self.body.extend_from_slice(&file.bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    pub fn finish(mut self) -> (String, Bytes) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            Bytes::from(self.body),
        )
    }
}

/// One request, ready to send.
pub(crate) struct Request {
    pub operation_id: &'static str,
    pub method: reqwest::Method,
    pub path_template: &'static str,
    pub path: String,
    pub query: Vec<(Cow<'static, str>, String)>,
    pub headers: Vec<(&'static str, String)>,
    /// Content type and encoded body.
    pub body: Option<(String, Bytes)>,
}

/// A received response whose body has been read.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// A success response whose body is left to stream.
    pub unread: Option<reqwest::Response>,
}

impl RawResponse {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(|source| DecodeError {
            status: self.status,
            raw: self.body.clone(),
            source,
        })
    }

    /// Decodes a success body.
    pub fn success<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ApiResponse {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// A success body kept as bytes (binary content).
    pub fn bytes(self) -> ApiResponse<Bytes> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    /// A success body decoded as UTF-8 text (`text/*` content).
    pub fn text(self) -> Result<ApiResponse<String>, DecodeError> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(ApiResponse {
                status: self.status,
                headers: self.headers,
                body: text,
            }),
            Err(e) => Err(DecodeError {
                status: self.status,
                raw: self.body.clone(),
                source: serde::de::Error::custom(format!("the body is not UTF-8 text: {e}")),
            }),
        }
    }

    /// A success response read as server-sent events, each decoded into `T`.
    /// `envelope`: `T` describes the whole event (`data`, `event`, `id`);
    /// otherwise `T` is the JSON in `data`. `sentinel` (`[DONE]`) ends the stream.
    pub fn events<T: DeserializeOwned + Send + 'static>(
        self,
        envelope: bool,
        sentinel: Option<&'static str>,
        label: String,
    ) -> EventStream<T> {
        EventStream::new(self.status, self.unread, envelope, sentinel, label)
    }

    /// A success response without a body.
    pub fn empty(self) -> ApiResponse<()> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            body: (),
        }
    }

    /// Decodes a declared error body.
    pub fn error<T: DeserializeOwned>(self) -> Result<ErrorResponse<T>, DecodeError> {
        let body = self.decode()?;
        Ok(ErrorResponse {
            status: self.status,
            headers: self.headers,
            body,
            raw: self.body,
        })
    }

    /// A declared error without a body.
    pub fn error_without_body(self) -> ErrorResponse<()> {
        ErrorResponse {
            status: self.status,
            headers: self.headers,
            body: (),
            raw: self.body,
        }
    }

    /// A status the operation does not declare.
    pub fn unexpected(self) -> UnexpectedResponse {
        UnexpectedResponse {
            status: self.status,
            headers: self.headers,
            raw: self.body,
        }
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
        self.statuses
            .iter()
            .any(|(lo, hi)| (*lo..=*hi).contains(&code))
    }

    /// The delay before attempt `attempt + 1` (attempts count from 1), with jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.initial_interval.as_secs_f64()
            * self.exponent.powi(attempt.saturating_sub(1) as i32);
        let capped = base.min(self.max_interval.as_secs_f64());
        let jittered = capped * (0.75 + 0.5 * jitter_unit());
        Duration::from_secs_f64(jittered.min(self.max_interval.as_secs_f64()).max(0.0))
    }
}

/// A number in [0, 1) that differs between calls; enough for jitter, not for secrets.
fn jitter_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The delay a `Retry-After` header asks for: delta-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
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
    fn after_response(
        &self,
        context: &RequestContext<'_>,
        status: StatusCode,
        headers: &HeaderMap,
    ) {
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

/// Names a field for an error message. A closure, so that a value that passes
/// its checks (the usual case) costs no string building.
pub(crate) type FieldPath<'a> = &'a dyn Fn() -> String;

/// Checks the constraints of the API document on a value before it is sent.
pub(crate) trait Validate {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError>;
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, item)| item.validate(&|| format!("{}[{i}]", path())))
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        T::validate(self, path)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.as_option().map_or(Ok(()), |v| v.validate(path))
    }
}

fn invalid(path: FieldPath<'_>, rule: String) -> Result<(), ValidationError> {
    Err(ValidationError {
        field: path(),
        rule,
    })
}

/// `minLength`/`maxLength`, counted in characters. The value never appears in the error.
pub(crate) fn check_length(
    path: FieldPath<'_>,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    let len = value.chars().count();
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minLength {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxLength {max}")),
        _ => Ok(()),
    }
}

/// `minItems`/`maxItems`.
pub(crate) fn check_items(
    path: FieldPath<'_>,
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minItems {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxItems {max}")),
        _ => Ok(()),
    }
}

/// `minimum`/`maximum` (exclusive when the flags say so).
pub(crate) fn check_range(
    path: FieldPath<'_>,
    value: f64,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
) -> Result<(), ValidationError> {
    if let Some((min, exclusive)) = min {
        if value < min || (exclusive && value == min) {
            return invalid(
                path,
                format!(
                    "{} {min}",
                    if exclusive {
                        "exclusiveMinimum"
                    } else {
                        "minimum"
                    }
                ),
            );
        }
    }
    if let Some((max, exclusive)) = max {
        if value > max || (exclusive && value == max) {
            return invalid(
                path,
                format!(
                    "{} {max}",
                    if exclusive {
                        "exclusiveMaximum"
                    } else {
                        "maximum"
                    }
                ),
            );
        }
    }
    Ok(())
}

/// `pattern`; the expression is compiled once per pattern.
pub(crate) fn check_pattern(
    path: FieldPath<'_>,
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
    /// The credential header, prepared once; an error if the key cannot be a header value.
    auth_header:
        Option<Result<(reqwest::header::HeaderName, reqwest::header::HeaderValue), String>>,
}

impl Transport {
    /// A transport; the credential header is prepared here, once, and marked sensitive.
    pub fn new(
        http: reqwest::Client,
        base_url: String,
        default_headers: HeaderMap,
        auth: Option<Auth>,
        timeout: Option<Duration>,
        retry: RetryPolicy,
        hooks: Vec<std::sync::Arc<dyn Hook>>,
    ) -> Self {
        let prepare = |name: &str, value: String| {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            let mut value = reqwest::header::HeaderValue::from_str(&value)
                .map_err(|_| format!("the API key is not a valid `{name}` header value"))?;
            value.set_sensitive(true);
            Ok((name, value))
        };
        let auth_header = match &auth {
            Some(Auth::Bearer(key)) => {
                Some(prepare("authorization", format!("Bearer {}", key.expose())))
            }
            Some(Auth::Header(name, key)) => Some(prepare(name, key.expose().to_string())),
            Some(Auth::Query(..)) | None => None,
        };
        Transport {
            http,
            base_url,
            default_headers,
            auth,
            timeout,
            retry,
            hooks,
            auth_header,
        }
    }
}

/// Whether repeating the method cannot duplicate an effect (RFC 9110 §9.2.2).
fn is_idempotent(method: &reqwest::Method) -> bool {
    !matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH)
}

impl Transport {
    /// Sends one call: every attempt, with retries, and reads the whole response body.
    pub async fn execute(
        &self,
        request: Request,
        options: CallOptions,
    ) -> Result<RawResponse, TransportError> {
        self.execute_traced(request, options, false).await
    }

    /// Like [`Transport::execute`], but a success response is handed over
    /// unread (in `RawResponse::unread`) so that its body can be streamed.
    pub async fn execute_streaming(
        &self,
        request: Request,
        options: CallOptions,
    ) -> Result<RawResponse, TransportError> {
        self.execute_traced(request, options, true).await
    }

    async fn execute_traced(
        &self,
        request: Request,
        options: CallOptions,
        stream: bool,
    ) -> Result<RawResponse, TransportError> {
        let span = tracing::info_span!(
            "http.call",
            operation_id = request.operation_id,
            method = %request.method,
            path_template = request.path_template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_attempts(request, options, stream)
            .instrument(span)
            .await
    }

    async fn execute_attempts(
        &self,
        request: Request,
        options: CallOptions,
        stream: bool,
    ) -> Result<RawResponse, TransportError> {
        let policy = options.retry.as_ref().unwrap_or(&self.retry);
        let idempotent = is_idempotent(&request.method);
        let started = std::time::Instant::now();
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let outcome = self.attempt(&request, &options, attempt, stream).await;
            let delay = match &outcome {
                Ok(response) => {
                    tracing::Span::current().record("status", response.status.as_u16());
                    let safe = idempotent
                        || policy.retry_non_idempotent
                        || matches!(response.status.as_u16(), 429 | 503);
                    (policy.retries_status(response.status) && safe).then(|| {
                        retry_after(&response.headers).unwrap_or_else(|| policy.backoff(attempt))
                    })
                }
                Err(e) => {
                    // A failed connect never reached the server, so any method may retry it.
                    let safe = e.is_connect() || idempotent || policy.retry_non_idempotent;
                    (policy.retry_connection_errors && safe).then(|| policy.backoff(attempt))
                }
            };
            let out_of_attempts = policy.max_attempts.is_some_and(|max| attempt >= max);
            match delay {
                Some(delay)
                    if !out_of_attempts && started.elapsed() + delay <= policy.max_elapsed =>
                {
                    tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// One attempt: build, run hooks, send, read the body (unless it is to be streamed).
    async fn attempt(
        &self,
        request: &Request,
        options: &CallOptions,
        attempt: u32,
        stream: bool,
    ) -> Result<RawResponse, TransportError> {
        // Only failures need the label, so it is built only for them.
        let label = || format!("{} {}", request.method, request.path_template);
        let failed = |message: String| TransportError {
            request: label(),
            timeout: false,
            connect: false,
            source: message.into(),
        };
        let transport = |e: reqwest::Error| TransportError::from_reqwest(label(), e);
        let base_url = options
            .base_url
            .as_deref()
            .map_or(self.base_url.as_str(), |u| u.trim_end_matches('/'));
        let mut url = reqwest::Url::parse(&format!("{base_url}{}", request.path))
            .map_err(|e| failed(format!("invalid URL: {e}")))?;
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
        // Built directly rather than through RequestBuilder: the default headers
        // (with the prepared Authorization value) are one map clone.
        let mut http_request = reqwest::Request::new(request.method.clone(), url);
        *http_request.headers_mut() = self.default_headers.clone();
        match &self.auth_header {
            Some(Ok((name, value))) => {
                http_request
                    .headers_mut()
                    .insert(name.clone(), value.clone());
            }
            Some(Err(message)) => return Err(failed(message.clone())),
            None => {}
        }
        *http_request.timeout_mut() = options.timeout.or(self.timeout);
        if let Some((content_type, body)) = &request.body {
            let value = reqwest::header::HeaderValue::from_str(content_type)
                .map_err(|_| failed(format!("invalid content type `{content_type}`")))?;
            http_request
                .headers_mut()
                .insert(reqwest::header::CONTENT_TYPE, value);
            *http_request.body_mut() = Some(body.clone().into());
        }
        // The operation's headers, then the call's own, replace defaults of the
        // same name (`Accept` for streams and binary bodies).
        let operation_headers = request.headers.iter().map(|(n, v)| (*n, v.as_str()));
        for (name, value) in operation_headers.chain(
            options
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        ) {
            let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .ok()
                .zip(reqwest::header::HeaderValue::from_str(value).ok())
                .ok_or_else(|| failed(format!("invalid header `{name}`")))?;
            http_request.headers_mut().insert(header.0, header.1);
        }
        let context = RequestContext {
            operation_id: request.operation_id,
            method: &request.method,
            path_template: request.path_template,
            attempt,
        };
        for hook in &self.hooks {
            hook.before_request(&context, &mut http_request);
        }
        let mut response = self.http.execute(http_request).await.map_err(transport)?;
        let status = response.status();
        // Moved out, not copied: the body is read from the response afterwards.
        let headers = std::mem::take(response.headers_mut());
        for hook in &self.hooks {
            hook.after_response(&context, status, &headers);
        }
        if stream && status.is_success() {
            return Ok(RawResponse {
                status,
                headers,
                body: Bytes::new(),
                unread: Some(response),
            });
        }
        let body = response.bytes().await.map_err(transport)?;
        Ok(RawResponse {
            status,
            headers,
            body,
            unread: None,
        })
    }
}

/// A `text/event-stream` response, decoded event by event. Unpin, so
/// `futures::StreamExt::next` works on it directly.
pub struct EventStream<T> {
    inner: futures_core::stream::BoxStream<'static, Result<T, EventStreamError>>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventStream")
    }
}

impl<T> futures_core::Stream for EventStream<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Why an event stream stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The connection failed while events were arriving.
    Transport(TransportError),
    /// An event's data does not match its declared type; `raw` holds the event.
    Decode(DecodeError),
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Transport(e) => write!(f, "event stream interrupted: {e}"),
            EventStreamError::Decode(e) => write!(f, "event stream: {e}"),
        }
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventStreamError::Transport(e) => Some(e),
            EventStreamError::Decode(e) => Some(e),
        }
    }
}

/// Reader state: the response, bytes not yet split into events, and whether it ended.
struct EventReader {
    response: Option<reqwest::Response>,
    buffer: Vec<u8>,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    fn new(
        status: StatusCode,
        response: Option<reqwest::Response>,
        envelope: bool,
        sentinel: Option<&'static str>,
        label: String,
    ) -> Self {
        use futures_util::StreamExt;
        let reader = EventReader {
            response,
            buffer: Vec::new(),
        };
        let inner = futures_util::stream::unfold(Some(reader), move |state| {
            let label = label.clone();
            async move {
                let mut reader = state?;
                loop {
                    if let Some(event) = next_event(&mut reader.buffer) {
                        let Some(fields) = parse_event(&event) else {
                            continue;
                        };
                        if sentinel.is_some_and(|s| fields.data.as_deref() == Some(s)) {
                            return None;
                        }
                        if fields.data.is_none() && fields.event.is_none() {
                            continue;
                        }
                        let decoded = decode_event::<T>(&fields, envelope).map_err(|source| {
                            EventStreamError::Decode(DecodeError {
                                status,
                                raw: Bytes::from(event),
                                source,
                            })
                        });
                        return Some((decoded, Some(reader)));
                    }
                    let response = reader.response.as_mut()?;
                    match response.chunk().await {
                        Ok(Some(chunk)) => reader.buffer.extend_from_slice(&chunk),
                        Ok(None) => {
                            // The server closed the stream: a final event may lack its blank line.
                            reader.response = None;
                            if reader.buffer.iter().all(u8::is_ascii_whitespace) {
                                return None;
                            }
                            reader.buffer.extend_from_slice(b"\n\n");
                        }
                        Err(e) => {
                            let error =
                                EventStreamError::Transport(TransportError::from_reqwest(label, e));
                            return Some((Err(error), None));
                        }
                    }
                }
            }
        });
        // Fused: asking again after the end keeps answering `None`.
        EventStream {
            inner: inner.fuse().boxed(),
        }
    }
}

/// Takes one complete event (up to a blank line) off the front of the buffer.
fn next_event(buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let text = buffer.as_slice();
    let (end, skip) = (0..text.len()).find_map(|i| {
        if text[i..].starts_with(b"\r\n\r\n") {
            Some((i, 4))
        } else if text[i..].starts_with(b"\n\n") || text[i..].starts_with(b"\r\r") {
            Some((i, 2))
        } else {
            None
        }
    })?;
    let event = buffer[..end].to_vec();
    buffer.drain(..end + skip);
    Some(event)
}

/// The fields of one server-sent event.
#[derive(Default)]
struct EventFields {
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

fn parse_event(event: &[u8]) -> Option<EventFields> {
    let text = std::str::from_utf8(event).ok()?;
    let mut fields = EventFields::default();
    for line in text.lines() {
        if line.is_empty() || line.starts_with(':') {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .map_or((line, ""), |(n, v)| (n, v.strip_prefix(' ').unwrap_or(v)));
        match name {
            "data" => match &mut fields.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => fields.data = Some(value.to_string()),
            },
            "event" => fields.event = Some(value.to_string()),
            "id" => fields.id = Some(value.to_string()),
            "retry" => fields.retry = value.parse().ok(),
            _ => {}
        }
    }
    Some(fields)
}

fn decode_event<T: DeserializeOwned>(
    fields: &EventFields,
    envelope: bool,
) -> Result<T, serde_json::Error> {
    let data = fields.data.as_deref().unwrap_or_default();
    if !envelope {
        // Data that is not JSON (plain text events) can still decode into a string type.
        return serde_json::from_str(data).or_else(|e| {
            serde_json::from_value(serde_json::Value::String(data.to_string())).map_err(|_| e)
        });
    }
    // The event schema describes the whole event; `data` holds JSON when it parses as JSON.
    let mut object = serde_json::Map::new();
    let data =
        serde_json::from_str(data).unwrap_or_else(|_| serde_json::Value::String(data.to_string()));
    object.insert("data".into(), data);
    if let Some(event) = &fields.event {
        object.insert("event".into(), event.clone().into());
    }
    if let Some(id) = &fields.id {
        object.insert("id".into(), id.clone().into());
    }
    if let Some(retry) = fields.retry {
        object.insert("retry".into(), retry.into());
    }
    serde_json::from_value(serde_json::Value::Object(object))
}
