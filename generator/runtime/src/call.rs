//! Sends calls: one deadline over every attempt and wait, retries of what can
//! succeed on retry, redirects followed by hand (so that credentials and bodies
//! never reach another origin), and response bodies read within a limit.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;

use super::errors::{BodyTooLargeError, CallError, RequestError, TransportError, TransportErrorKind};
use super::hooks::{HookAction, RequestContext};
use super::request::{CallOptions, Request};
use super::response::RawResponse;
use super::retry::requested_delay;
use super::transport::Transport;

/// How many bytes of an over-long body a [`BodyTooLargeError`] keeps.
const PREFIX_KEPT: usize = 4096;

/// A request turned into what goes on the wire, once per call.
struct Prepared {
    url: reqwest::Url,
    headers: HeaderMap,
    /// Headers that may follow a redirect to another origin (nothing secret, nothing for the API alone).
    cross_origin_headers: HeaderMap,
    /// The OAuth2 flow whose token each attempt sends, and the base URL its token URL is relative to.
    #[cfg(feature = "auth-oauth2")]
    oauth2: Option<(std::sync::Arc<super::oauth2::ClientCredentials>, reqwest::Url)>,
}

impl Transport {
    /// Sends one call: every attempt, with retries, and reads the whole response body.
    pub async fn execute(&self, request: Request, options: CallOptions) -> Result<RawResponse, CallError> {
        self.execute_traced(request, options, false).await
    }

    /// Like [`Transport::execute`], but a success response is handed over
    /// unread (in `RawResponse::unread`) so that its body can be streamed.
    #[cfg(any(feature = "sse", feature = "bytes-response"))]
    pub async fn execute_streaming(&self, request: Request, options: CallOptions) -> Result<RawResponse, CallError> {
        self.execute_traced(request, options, true).await
    }

    async fn execute_traced(&self, request: Request, options: CallOptions, stream: bool) -> Result<RawResponse, CallError> {
        let span = tracing::info_span!(
            "http.call",
            operation_id = request.operation_id,
            method = %request.method,
            path_template = request.path_template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_attempts(request, options, stream).instrument(span).await
    }

    async fn execute_attempts(&self, request: Request, options: CallOptions, stream: bool) -> Result<RawResponse, CallError> {
        let started = Instant::now();
        let timeout = options.timeout.unwrap_or(self.limits.timeout);
        // A deadline too far away to represent is no deadline at all.
        let deadline = started.checked_add(timeout).unwrap_or_else(|| started + Duration::from_secs(86_400 * 365));
        let policy = options.retry.as_ref().unwrap_or(&self.retry);
        let max_body = options.max_body_bytes.unwrap_or(self.limits.max_body_bytes);
        // Local mistakes fail here, before anything is sent, and are never retried.
        let prepared = self.prepare(&request, &options)?;
        // A request with an idempotency key may be repeated: the server recognises the key.
        let operation_headers = request.headers.iter().map(|(name, _)| *name);
        let keyed = operation_headers.chain(options.headers.iter().map(|(name, _)| name.as_str())).any(|name| name.eq_ignore_ascii_case("idempotency-key"));
        let idempotent = keyed || !matches!(request.method, reqwest::Method::POST | reqwest::Method::PATCH);
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let attempt_deadline = match self.limits.attempt_timeout {
                Some(limit) => deadline.min(Instant::now().checked_add(limit).unwrap_or(deadline)),
                None => deadline,
            };
            let outcome = match tokio::time::timeout_at(attempt_deadline, self.attempt(&request, &prepared, attempt, stream, max_body)).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let which = if attempt_deadline < deadline { "attempt" } else { "call" };
                    let waited = attempt_deadline.saturating_duration_since(started);
                    Err(CallError::Transport(TransportError::new(
                        request.label(),
                        TransportErrorKind::Timeout,
                        format!("the {which} timed out after {} ms", waited.as_millis()),
                    )))
                }
            };
            let wait = match &outcome {
                Ok(response) => {
                    tracing::Span::current().record("status", response.status.as_u16());
                    if policy.retries_response(response.status, idempotent) {
                        match requested_delay(&response.headers) {
                            // The server wants more time than the policy grants: give its answer back now.
                            Some(asked) if asked > policy.max_retry_after => None,
                            Some(asked) => Some(asked),
                            None => Some(policy.backoff(attempt)),
                        }
                    } else {
                        None
                    }
                }
                Err(CallError::Transport(e)) if policy.retries_failure(e, idempotent) => Some(policy.backoff(attempt)),
                Err(_) => None,
            };
            let Some(wait) = wait else { return outcome };
            let out_of_attempts = policy.max_attempts.is_some_and(|max| attempt >= max);
            let over_budget = started.elapsed() + wait > policy.max_elapsed;
            // A wait that would end past the deadline only delays the same answer.
            let past_deadline = Instant::now().checked_add(wait).is_none_or(|resume| resume >= deadline);
            if out_of_attempts || over_budget || past_deadline {
                return outcome;
            }
            tracing::debug!(attempt, delay_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The URL and headers of a call, checked once: an invalid base URL, header
    /// or API key is the caller's mistake and is reported before anything is sent.
    fn prepare(&self, request: &Request, options: &CallOptions) -> Result<Prepared, RequestError> {
        let failed = |reason: String| RequestError::new(request.label(), reason);
        let base_url = options.base_url.as_deref().map_or(self.base_url.as_str(), |u| u.trim_end_matches('/'));
        let mut url = reqwest::Url::parse(&format!("{base_url}{}", request.path)).map_err(|e| failed(format!("invalid base URL `{base_url}`: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(failed(format!("invalid base URL `{base_url}`: only http and https are supported")));
        }
        #[cfg(feature = "auth")]
        let credentials = self.auth.apply(request.security).map_err(failed)?; // the first alternative the client can satisfy
        #[cfg(feature = "auth")]
        let auth_query = credentials.query.iter().copied();
        #[cfg(not(feature = "auth"))]
        let auth_query = std::iter::empty::<(&str, &str)>();
        let call_query = options.query.iter().map(|(name, value)| (name.as_str(), value.as_str()));
        let mut pairs = request.query.iter().map(|(name, value)| (name.as_ref(), value.as_str())).chain(call_query).chain(auth_query).peekable();
        if pairs.peek().is_some() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        let mut headers = self.default_headers.clone();
        // Of the default headers, only the generic ones follow a redirect to another
        // origin. The defaults also hold the API's global headers (set on the client
        // builder), which are for the API alone; copying every default used to send
        // them to whatever origin a redirect named.
        let mut cross_origin_headers = HeaderMap::new();
        for name in [reqwest::header::USER_AGENT, reqwest::header::ACCEPT] {
            if let Some(value) = self.default_headers.get(&name) {
                cross_origin_headers.insert(name, value.clone());
            }
        }
        #[cfg(feature = "auth")]
        for (name, value) in &credentials.headers {
            headers.insert(name.clone(), value.clone());
            cross_origin_headers.remove(name);
        }
        if let Some((content_type, _)) = &request.body {
            let value = HeaderValue::from_str(content_type).map_err(|_| failed(format!("invalid content type `{content_type}`")))?;
            headers.insert(reqwest::header::CONTENT_TYPE, value);
        }
        // The operation's headers, then the call's own, replace defaults of the
        // same name (`Accept` for streams and binary bodies).
        let operation_headers = request.headers.iter().map(|(n, v)| (*n, v.as_str()));
        let call_headers = options.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        for (name, value) in operation_headers.chain(call_headers) {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| failed(format!("invalid header name `{}`", name.escape_debug())))?;
            // The value is not quoted: it may be a secret.
            let value = HeaderValue::from_str(value).map_err(|_| failed(format!("invalid value for the `{name}` header")))?;
            if name == reqwest::header::ACCEPT {
                cross_origin_headers.insert(name.clone(), value.clone());
            }
            headers.insert(name, value);
        }
        #[cfg(feature = "auth-oauth2")]
        let oauth2 = match credentials.oauth2 {
            Some(flow) => Some((flow, reqwest::Url::parse(&format!("{base_url}/")).map_err(|e| failed(format!("invalid base URL `{base_url}`: {e}")))?)),
            None => None,
        };
        Ok(Prepared {
            url,
            headers,
            cross_origin_headers,
            #[cfg(feature = "auth-oauth2")]
            oauth2,
        })
    }

    /// One attempt: send (following redirects), run hooks, and read the body
    /// within `max_body` (unless it is a success to be streamed).
    async fn attempt(&self, request: &Request, prepared: &Prepared, attempt: u32, stream: bool, max_body: u64) -> Result<RawResponse, CallError> {
        let transport = |e: reqwest::Error| CallError::Transport(TransportError::from_reqwest(request.label(), e));
        let redirect_error = |message: String| CallError::Transport(TransportError::new(request.label(), TransportErrorKind::Redirect, message));
        let context = RequestContext { operation_id: request.operation_id, method: &request.method, path_template: request.path_template, attempt };
        let origin = prepared.url.origin();
        let mut url = prepared.url.clone();
        let mut method = request.method.clone();
        let mut headers = prepared.headers.clone();
        #[cfg(feature = "auth-oauth2")]
        let token = match &prepared.oauth2 {
            // The OAuth2 token, fetched (within this attempt's deadline) when there is none in use.
            Some((flow, base_url)) => {
                let token = flow.authorization(&self.http, base_url, max_body, &request.label()).await?;
                headers.insert(reqwest::header::AUTHORIZATION, token.clone());
                Some((flow, token))
            }
            None => None,
        };
        let mut body = request.body.as_ref().map(|(_, bytes)| bytes.clone());
        let mut redirects = 0u32;
        let mut response = loop {
            let mut http_request = reqwest::Request::new(method.clone(), url.clone());
            *http_request.headers_mut() = headers.clone();
            *http_request.body_mut() = body.clone().map(Into::into);
            let mut answer = None;
            for hook in &self.hooks {
                match hook.before_request(&context, &mut http_request).await {
                    Ok(HookAction::Continue) => {}
                    Ok(HookAction::Respond(response)) => {
                        answer = Some(response);
                        break;
                    }
                    Err(e) => return Err(CallError::Hook(e)),
                }
            }
            let response = match answer {
                Some(response) => {
                    tracing::debug!(status = response.status.as_u16(), "a hook answered the request");
                    response.into_reqwest()
                }
                None => self.http.execute(http_request).await.map_err(transport)?,
            };
            let status = response.status();
            let location = response.headers().get(reqwest::header::LOCATION);
            let (true, Some(location)) = (matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308), location) else {
                break response;
            };
            redirects += 1;
            if redirects > self.limits.max_redirects {
                return Err(redirect_error(format!("more than {} redirects", self.limits.max_redirects)));
            }
            let next = location
                .to_str()
                .ok()
                .and_then(|l| url.join(l).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| redirect_error(format!("HTTP {status} with an invalid Location")))?;
            // 303, and 301/302 after a POST, continue as a GET without a body (as browsers do).
            if status == StatusCode::SEE_OTHER || (matches!(status.as_u16(), 301 | 302) && method == reqwest::Method::POST) {
                if method != reqwest::Method::HEAD {
                    method = reqwest::Method::GET;
                }
                body = None;
                headers.remove(reqwest::header::CONTENT_TYPE);
            }
            if next.origin() != origin {
                if body.is_some() {
                    return Err(redirect_error(format!("HTTP {status} to another origin; a request with a body is not sent there")));
                }
                // Credentials and the API's own headers stay with the API.
                headers = prepared.cross_origin_headers.clone();
            }
            tracing::debug!(status = status.as_u16(), redirects, "following a redirect");
            url = next;
        };
        let status = response.status();
        #[cfg(feature = "auth-oauth2")]
        if let (Some((flow, token)), StatusCode::UNAUTHORIZED) = (&token, status) {
            // A refused token is not sent again: the next attempt or call fetches another.
            flow.forget(token);
        }
        // Moved out, not copied: the body is read from the response afterwards.
        let headers = std::mem::take(response.headers_mut());
        for hook in &self.hooks {
            hook.after_response(&context, status, &headers).await;
        }
        #[cfg(not(any(feature = "sse", feature = "bytes-response")))]
        let _ = stream; // an API without streamed bodies never sets it
        #[cfg(any(feature = "sse", feature = "bytes-response"))]
        if stream && status.is_success() {
            return Ok(RawResponse {
                status,
                headers,
                body: Bytes::new(),
                unread: Some(response),
                #[cfg(feature = "sse")]
                max_body_bytes: max_body,
            });
        }
        match read_body(&mut response, max_body).await {
            Ok(body) => Ok(RawResponse {
                status,
                headers,
                body,
                #[cfg(any(feature = "sse", feature = "bytes-response"))]
                unread: None,
                #[cfg(feature = "sse")]
                max_body_bytes: max_body,
            }),
            Err(BodyFailure::Transport(e)) => Err(transport(e)),
            Err(BodyFailure::TooLarge { content_length, prefix }) => {
                Err(CallError::BodyTooLarge(Box::new(BodyTooLargeError { status, headers, limit: max_body, content_length, prefix })))
            }
        }
    }
}

pub(super) enum BodyFailure {
    Transport(reqwest::Error),
    TooLarge { content_length: Option<u64>, prefix: Bytes },
}

/// Reads a body chunk by chunk, stopping as soon as it would pass `limit`:
/// at most `limit` bytes (plus one chunk) are ever held.
pub(super) async fn read_body(response: &mut reqwest::Response, limit: u64) -> Result<Bytes, BodyFailure> {
    let announced = response.content_length();
    if let Some(len) = announced.filter(|len| *len > limit) {
        return Err(BodyFailure::TooLarge { content_length: Some(len), prefix: Bytes::new() });
    }
    let capacity = announced.unwrap_or(0).min(64 * 1024) as usize;
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Transport)? {
        if (body.len() + chunk.len()) as u64 > limit {
            body.extend_from_slice(&chunk[..chunk.len().min(PREFIX_KEPT.saturating_sub(body.len()))]);
            body.truncate(PREFIX_KEPT);
            return Err(BodyFailure::TooLarge { content_length: announced, prefix: body.freeze() });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

#[cfg(test)]
mod tests;
