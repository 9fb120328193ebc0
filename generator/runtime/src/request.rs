//! A request as an operation builds it, and what a single call may override.

#[cfg(feature = "operations")]
use std::borrow::Cow;
use std::time::Duration;

#[cfg(feature = "operations")]
use bytes::Bytes;

#[cfg(feature = "operations")]
use super::retry::RetryPolicy;

#[cfg(feature = "operations")]
/// One request, ready to send.
pub struct Request {
    /// The operation id in the API document.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path template (`/byok/{id}`), for errors, hooks and tracing.
    pub path_template: &'static str,
    /// The path with parameters substituted and encoded.
    pub path: String,
    /// Query pairs, not yet encoded.
    pub query: Vec<(Cow<'static, str>, String)>,
    /// Headers of the operation (its header parameters, `Accept`).
    pub headers: Vec<(&'static str, String)>,
    /// Content type and encoded body.
    pub body: Option<(String, Bytes)>,
    /// The security alternatives the operation accepts, in the document's order:
    /// each a list of security schemes (numbered as in [`super::transport::Auth`])
    /// that are sent together. None, or only empty ones: no credentials.
    #[cfg(feature = "auth")]
    pub security: &'static [&'static [usize]],
}

#[cfg(feature = "operations")]
impl Request {
    /// `METHOD /path/template`: how errors name the call (never the URL, which may hold secrets).
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path_template)
    }
}

#[cfg(feature = "operations")]
/// Settings a single call may override.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The deadline of the whole call, retries and waits included.
    pub timeout: Option<Duration>,
    /// The retry policy.
    pub retry: Option<RetryPolicy>,
    /// Extra headers, sent last.
    pub headers: Vec<(String, String)>,
    /// Another base URL.
    pub base_url: Option<String>,
    /// The longest response body read, in bytes.
    pub max_body_bytes: Option<u64>,
}

/// Defaults of the client for what bounds a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The deadline of a whole call: every attempt, backoff and `Retry-After` wait.
    pub timeout: Duration,
    /// The longest one attempt may take (never beyond the call's deadline).
    pub attempt_timeout: Option<Duration>,
    /// The longest response body read, in bytes (JSON, text, and each server-sent event).
    pub max_body_bytes: u64,
    /// The most redirects one attempt follows.
    pub max_redirects: u32,
}

/// The deadline of a call when neither the client nor the call sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest response body read when neither the client nor the call sets a limit.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;
/// The most redirects one attempt follows by default.
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout: DEFAULT_TIMEOUT, attempt_timeout: None, max_body_bytes: DEFAULT_MAX_BODY_BYTES, max_redirects: DEFAULT_MAX_REDIRECTS }
    }
}
