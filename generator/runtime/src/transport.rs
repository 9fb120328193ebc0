//! The configured transport of a client: base URL, default headers, the
//! credential, limits, retry policy and hooks. Sending a call is `call.rs`.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::hooks::Hook;
use super::request::Limits;
use super::retry::RetryPolicy;
use super::secret::SecretString;

/// The API key and where it goes, prepared once: a header value marked
/// sensitive (or the reason the key cannot be one), or a query parameter.
pub struct Auth {
    pub(super) header: Option<Result<(HeaderName, HeaderValue), String>>,
    pub(super) query: Option<(&'static str, SecretString)>,
}

impl fmt::Debug for Auth {
    /// Where the key goes, never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = self.header.as_ref().map(|h| h.as_ref().map_or("[INVALID]", |(name, _)| name.as_str()));
        let query = self.query.as_ref().map(|(name, _)| *name);
        f.debug_struct("Auth").field("header", &header).field("query", &query).field("key", &"[REDACTED]").finish()
    }
}

impl Auth {
    /// `Authorization: Bearer <key>`.
    #[cfg(feature = "auth-bearer")]
    pub fn bearer(key: SecretString) -> Self {
        Auth { header: Some(sensitive_header("authorization", format!("Bearer {}", key.expose()))), query: None }
    }

    /// The key as the value of the header `name`.
    #[cfg(feature = "auth-header")]
    pub fn header(name: &'static str, key: SecretString) -> Self {
        Auth { header: Some(sensitive_header(name, key.expose().to_string())), query: None }
    }

    /// The key as the query parameter `name`.
    #[cfg(feature = "auth-query")]
    pub fn query(name: &'static str, key: SecretString) -> Self {
        Auth { header: None, query: Some((name, key)) }
    }
}

/// A credential header, marked sensitive so that no debug output shows it; an
/// error (naming the header, never the key) if the key cannot be a header value.
#[cfg(any(feature = "auth-bearer", feature = "auth-header"))]
fn sensitive_header(name: &str, value: String) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a valid header name"))?;
    let mut value = HeaderValue::from_str(&value).map_err(|_| format!("the API key is not a valid `{name}` header value"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// Sends requests: base URL, default headers (auth, globals, user agent), the
/// HTTP client, limits, retries and hooks.
pub struct Transport {
    /// The HTTP client; built with redirects off, since they are followed here.
    pub http: reqwest::Client,
    /// Base URL without a trailing `/`.
    pub base_url: String,
    /// Headers sent with every request.
    pub default_headers: HeaderMap,
    /// The credential.
    pub auth: Option<Auth>,
    /// Deadline, attempt timeout, body limit and redirect limit.
    pub limits: Limits,
    /// The retry policy of calls that do not set their own.
    pub retry: RetryPolicy,
    /// Hooks run around every attempt.
    pub hooks: Vec<Arc<dyn Hook>>,
}

impl Transport {
    /// A transport.
    pub fn new(
        http: reqwest::Client,
        base_url: String,
        default_headers: HeaderMap,
        auth: Option<Auth>,
        limits: Limits,
        retry: RetryPolicy,
        hooks: Vec<Arc<dyn Hook>>,
    ) -> Self {
        Transport { http, base_url, default_headers, auth, limits, retry, hooks }
    }
}

impl fmt::Debug for Transport {
    /// The configuration; the credential redacted, default headers by name only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.default_headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("default_headers", &headers)
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("http", &self.http)
            .finish()
    }
}
