//! Code the caller runs around every attempt of every call: asynchronous, and
//! able to stop a call (with an error) or answer it (without the network).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

/// The future a [`Hook`] method returns: boxed, so that hooks of any type can
/// be held together (`Arc<dyn Hook>`). Write the body as `Box::pin(async move { … })`.
pub type HookFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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

/// What happens after [`Hook::before_request`].
#[derive(Debug)]
#[non_exhaustive]
pub enum HookAction {
    /// Send the request (with whatever the hook changed in it).
    Continue,
    /// Do not send it: the attempt gets this response instead, exactly as if the
    /// server had sent it (decoded by its status, retried if the policy retries
    /// that status, seen by [`Hook::after_response`]). Hooks after this one do not run.
    Respond(HookResponse),
}

/// A response a hook gives instead of the server's ([`HookAction::Respond`]).
#[derive(Debug, Clone)]
pub struct HookResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl HookResponse {
    /// A response with `status`, no headers and an empty body.
    pub fn new(status: StatusCode) -> Self {
        HookResponse { status, headers: HeaderMap::new(), body: Bytes::new() }
    }

    /// A response with `status` and `body` as JSON (`Content-Type: application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(status: StatusCode, body: &T) -> Result<Self, serde_json::Error> {
        let mut response = HookResponse::new(status);
        response.body = serde_json::to_vec(body)?.into();
        response.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(response)
    }

    /// The same response with `body`.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The response as reqwest's, so that the transport reads it like one from the network.
    #[cfg(feature = "operations")]
    pub(crate) fn into_reqwest(self) -> reqwest::Response {
        let mut response = hyper::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}

/// Why a hook stopped a call: returned by [`Hook::before_request`]. The call
/// ends with it at once (it is never retried); the operation's error says which
/// call it was and keeps this error as its source.
pub struct HookError {
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl HookError {
    /// An error with `source` as its cause (an error value, or a message).
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        HookError { source: source.into() }
    }

    /// The error the hook gave, to downcast to its own type.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.source
    }
}

impl fmt::Debug for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HookError").field(&self.source).finish()
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a hook stopped the call: {}", self.source)
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

#[cfg(feature = "operations")]
impl super::errors::ErrorDetails for HookError {}

/// Code that runs around every attempt of every call: add headers or sign the
/// request, refuse a call, answer it from a cache or a fake, record metrics, log.
///
/// Both methods are asynchronous and return a boxed future ([`HookFuture`]), so
/// that hooks can be stored as `Arc<dyn Hook>`; both have defaults that do nothing.
/// Hooks run in the order they were added, and within the call's deadline.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt (and each redirect it follows) is sent; may
    /// change the request (add headers, …). `Ok(HookAction::Continue)` sends it,
    /// `Ok(HookAction::Respond(response))` answers the attempt without the
    /// network, and `Err(HookError)` ends the call with that error, unretried.
    fn before_request<'a>(&'a self, context: &'a RequestContext<'a>, request: &'a mut reqwest::Request) -> HookFuture<'a, Result<HookAction, HookError>> {
        let _ = (context, request);
        Box::pin(std::future::ready(Ok(HookAction::Continue)))
    }

    /// Called when a response arrives (any status, a hook's answer included),
    /// before its body is read.
    fn after_response<'a>(&'a self, context: &'a RequestContext<'a>, status: StatusCode, headers: &'a HeaderMap) -> HookFuture<'a, ()> {
        let _ = (context, status, headers);
        Box::pin(std::future::ready(()))
    }
}
