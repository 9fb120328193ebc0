//! OAuth2 client credentials (RFC 6749 §4.4): the access token is fetched from
//! the token URL when a call first needs it, kept until shortly before it
//! expires, and fetched again after that (or after the API answered 401). One
//! fetch serves every call waiting for it: concurrent callers queue on one lock
//! and find the new token when it is their turn. The fetch runs inside the
//! attempt that needs it, so the call's deadline and body limit bound it. The
//! client secret and the tokens are never shown by `Debug`, errors or logs.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::time::Instant;

use super::call::{BodyFailure, read_body};
use super::errors::{CallError, TransportError, TransportErrorKind};
use super::secret::SecretString;
use super::transport::base64;

/// The longest a token is kept before its announced expiry (a tenth of its lifetime when shorter).
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// What `application/x-www-form-urlencoded` escapes: all but letters, digits and `*-._`.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// The client-credentials flow of one security scheme: where tokens come from
/// and the token in use.
pub struct ClientCredentials {
    token_url: &'static str,
    scopes: &'static [&'static str],
    client_id: String,
    client_secret: SecretString,
    /// The token in use, as an `Authorization` value (marked sensitive), and when it stops being used.
    token: Mutex<Option<(HeaderValue, Option<Instant>)>>,
    /// Held while a token is fetched, so that one fetch serves every waiting call.
    fetching: tokio::sync::Mutex<()>,
}

impl fmt::Debug for ClientCredentials {
    /// The token URL, scopes and client id; never the secret or a token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2ClientCredentials")
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer (RFC 6749 §5.1); `expires_in` is read as a number or a numeric string.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl ClientCredentials {
    /// The flow of a scheme whose token URL is `token_url` (absolute, or relative
    /// to the client's base URL), asking for `scopes`.
    pub fn new(token_url: &'static str, scopes: &'static [&'static str], client_id: String, client_secret: SecretString) -> Self {
        ClientCredentials { token_url, scopes, client_id, client_secret, token: Mutex::new(None), fetching: tokio::sync::Mutex::new(()) }
    }

    /// The token in use, unless there is none or it has expired.
    fn current(&self) -> Option<HeaderValue> {
        let token = self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (value, expires) = token.as_ref()?;
        expires.is_none_or(|at| Instant::now() < at).then(|| value.clone())
    }

    /// Forgets `used` (the API refused it), so that the next call fetches another.
    pub(super) fn forget(&self, used: &HeaderValue) {
        let mut token = self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if token.as_ref().is_some_and(|(value, _)| value == used) {
            *token = None;
        }
    }

    /// The `Authorization` value for the next attempt: the token in use, or a
    /// new one from the token URL (resolved against `base_url`).
    pub(super) async fn authorization(&self, http: &reqwest::Client, base_url: &reqwest::Url, max_body: u64, label: &str) -> Result<HeaderValue, CallError> {
        if let Some(value) = self.current() {
            return Ok(value);
        }
        let _turn = self.fetching.lock().await;
        // Another call may have fetched it while this one waited.
        if let Some(value) = self.current() {
            return Ok(value);
        }
        let (value, expires) = self.fetch(http, base_url, max_body, label).await?;
        *self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((value.clone(), expires));
        Ok(value)
    }

    async fn fetch(&self, http: &reqwest::Client, base_url: &reqwest::Url, max_body: u64, label: &str) -> Result<(HeaderValue, Option<Instant>), CallError> {
        let failed = |message: String| CallError::Transport(TransportError::new(label.to_string(), TransportErrorKind::Other, message));
        let url = base_url.join(self.token_url).map_err(|e| failed(format!("invalid OAuth2 token URL `{}`: {e}", self.token_url)))?;
        let encode = |text: &str| percent_encoding::utf8_percent_encode(text, FORM).to_string();
        let mut form = String::from("grant_type=client_credentials");
        if !self.scopes.is_empty() {
            form.push_str("&scope=");
            form.push_str(&encode(&self.scopes.join(" ")));
        }
        // RFC 6749 §2.3.1: client id and secret form-encoded, then HTTP basic.
        let basic = base64(format!("{}:{}", encode(&self.client_id), encode(self.client_secret.expose())).as_bytes());
        let mut authorization =
            HeaderValue::from_str(&format!("Basic {basic}")).map_err(|_| failed("the OAuth2 client credentials are not a valid header value".to_string()))?;
        authorization.set_sensitive(true);
        let request = http
            .post(url)
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form);
        let sent = Instant::now();
        let mut response = request.send().await.map_err(|e| CallError::Transport(TransportError::from_reqwest(label.to_string(), e)))?;
        let status = response.status();
        let body = match read_body(&mut response, max_body).await {
            Ok(body) => body,
            Err(BodyFailure::Transport(e)) => return Err(CallError::Transport(TransportError::from_reqwest(label.to_string(), e))),
            Err(BodyFailure::TooLarge { .. }) => return Err(failed(format!("the OAuth2 token response is longer than {max_body} bytes"))),
        };
        if !status.is_success() {
            // The error code (RFC 6749 §5.2: `invalid_client`, …) names the problem and holds no secret.
            let code = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(|e| format!(" ({})", e.escape_debug())))
                .unwrap_or_default();
            return Err(failed(format!("the OAuth2 token request was refused: HTTP {status}{code}")));
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| failed(format!("the OAuth2 token response is not a token: {e}")))?;
        if token.token_type.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("bearer")) {
            return Err(failed("the OAuth2 token is not a bearer token".to_string()));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.access_token.expose()))
            .map_err(|_| failed("the OAuth2 access token is not a valid header value".to_string()))?;
        value.set_sensitive(true);
        let lifetime = match &token.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        // Counted from when the request was sent; without `expires_in` a token is kept until the API refuses it.
        let expires = lifetime.filter(|s| s.is_finite()).map(|s| {
            let lifetime = Duration::from_secs_f64(s.clamp(0.0, 86_400.0 * 365.0));
            sent + lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 10))
        });
        Ok((value, expires))
    }
}

