//! Calls to endpoints the API document does not describe (yet): the same
//! transport as every operation (authentication, retries, the deadline, body
//! limits, redirects and hooks), with untyped bodies.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::errors::{ApiError, ApiResponse, Error, NoSharedBody, RequestError};
use super::request::{CallOptions, Request};
use super::retry::RetryPolicy;
use super::transport::Transport;

/// How errors and hooks name an untyped call (its path may hold ids or secrets).
const UNTYPED: &str = "untyped request";

/// The security of an untyped call: each of the API's schemes alone, in the
/// document's order, so the first credential the client holds is sent.
#[cfg(feature = "auth")]
const EACH_SCHEME: &[&[usize]] = &[&[0], &[1], &[2], &[3], &[4], &[5], &[6], &[7], &[8], &[9], &[10], &[11], &[12], &[13], &[14], &[15]];

/// A request to an endpoint the crate has no operation for; get one from
/// `Client::request`. Send it with [`UntypedRequest::send`] (the body as bytes)
/// or [`UntypedRequest::send_json`] (the body decoded). A status outside
/// 200–299 is an [`Error::Api`] with the status, headers and raw body.
///
/// `B` is the API's shared error body, as in [`Error`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent with `.send().await`"]
pub struct UntypedRequest<B = NoSharedBody> {
    transport: Arc<Transport>,
    method: reqwest::Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Result<(String, Bytes), String>>,
    options: CallOptions,
    shared: PhantomData<fn() -> B>,
}

impl<B> UntypedRequest<B> {
    /// A `method` request to `path` (starting with `/`, relative to the base URL).
    #[doc(hidden)] // `Client::request` makes one
    pub fn new(transport: Arc<Transport>, method: reqwest::Method, path: String) -> Self {
        UntypedRequest { transport, method, path, query: Vec::new(), body: None, options: CallOptions::default(), shared: PhantomData }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        let encoded = serde_json::to_vec(body).map_err(|e| format!("cannot encode the request body: {e}"));
        self.body = Some(encoded.map(|bytes| ("application/json".to_string(), Bytes::from(bytes))));
        self
    }

    /// Sends `body` as it is, with `content_type`.
    pub fn body(mut self, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        self.body = Some(Ok((content_type.into(), body.into())));
        self
    }

    /// The deadline of this call, retries and waits included (overrides the client's timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The longest response body this call reads, in bytes (overrides the client's limit).
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.options.max_body_bytes = Some(bytes);
        self
    }

    /// Retries this call by `policy` instead of the client's policy.
    pub fn retries(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Sends this call to another server (overrides the client's base URL).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = Some(url.into());
        self
    }

    /// Sends the request; a success keeps the body as received (`body` and `raw`;
    /// `json()` parses it).
    pub async fn send(self) -> Result<ApiResponse<Bytes>, Error<B>> {
        let label = format!("{} {UNTYPED}", self.method);
        if !self.path.starts_with('/') {
            return Err(Error::Request(RequestError::new(label, "the path must start with `/`")));
        }
        let body = self.body.transpose().map_err(|reason| Error::Request(RequestError::new(label, reason)))?;
        let request = Request {
            operation_id: UNTYPED,
            method: self.method,
            path_template: UNTYPED,
            path: self.path,
            query: self.query.into_iter().map(|(name, value)| (name.into(), value)).collect(),
            headers: Vec::new(),
            body,
            #[cfg(feature = "auth")]
            security: EACH_SCHEME,
        };
        let raw = self.transport.execute(request, self.options).await?;
        if !raw.status.is_success() {
            return Err(Error::Api(ApiError::undeclared(UNTYPED, raw.status, raw.headers, raw.body)));
        }
        Ok(ApiResponse { status: raw.status, headers: raw.headers, body: raw.body.clone(), raw: raw.body })
    }

    /// Sends the request and decodes a success body as `T` (for instance
    /// `serde_json::Value`).
    pub async fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<ApiResponse<T>, Error<B>> {
        let response = self.send().await?;
        let body = serde_json::from_slice(&response.raw)
            .map_err(|source| Error::Decode(super::errors::DecodeError { status: response.status, raw: response.raw.clone(), source }))?;
        Ok(ApiResponse { status: response.status, headers: response.headers, body, raw: response.raw })
    }
}
