//! Code the caller runs around every attempt of every call.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

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
    /// Called before each attempt (and each redirect it follows) is sent; may
    /// change the request (add headers, …).
    fn before_request(&self, context: &RequestContext<'_>, request: &mut reqwest::Request) {
        let _ = (context, request);
    }

    /// Called when a response arrives (any status), before its body is read.
    fn after_response(&self, context: &RequestContext<'_>, status: StatusCode, headers: &HeaderMap) {
        let _ = (context, status, headers);
    }
}
