//! The configured transport of a client: base URL, default headers, the
//! credential, limits, retry policy and hooks. Sending a call is `call.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};
#[cfg(feature = "auth")]
use reqwest::header::HeaderValue;

use super::api::USER_AGENT;
use super::hooks::Hook;
use super::request::Limits;
use super::retry::RetryPolicy;
use super::tls::Certificate;
#[cfg(feature = "auth")]
use super::secret::SecretString;

/// The client's credentials: one slot per security scheme of the API (numbered
/// as the generator numbered the document's schemes), each empty or holding the
/// credential the caller gave for it. Each request names the alternatives it
/// accepts ([`super::request::Request::security`]); the first whose every
/// scheme has a credential is used, and a request with no satisfied
/// alternative goes without credentials (the server decides).
#[cfg(feature = "auth")]
pub struct Auth {
    schemes: Vec<Option<Credential>>,
}

/// The credential of one security scheme, prepared once.
#[cfg(feature = "auth")]
pub enum Credential {
    /// A header (a bearer token, HTTP basic, an API key in a header): name and
    /// value marked sensitive, or the reason (naming the header, never the
    /// value) it cannot be one.
    #[cfg(any(feature = "auth-bearer", feature = "auth-header", feature = "auth-basic"))]
    Header(Result<(HeaderName, HeaderValue), String>),
    /// An API key in the query parameter `name`.
    #[cfg(feature = "auth-query")]
    Query(&'static str, SecretString),
    /// An API key as the cookie `name`, sent in the `Cookie` header, or the reason it cannot be one.
    #[cfg(feature = "auth-cookie")]
    Cookie(Result<(&'static str, SecretString), String>),
    /// OAuth2 client credentials: a token fetched from the token URL when needed.
    #[cfg(feature = "auth-oauth2")]
    OAuth2(Arc<super::oauth2::ClientCredentials>),
}

#[cfg(feature = "auth")]
impl fmt::Debug for Credential {
    /// Where the credential goes, never its value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(any(feature = "auth-bearer", feature = "auth-header", feature = "auth-basic"))]
            Credential::Header(header) => write!(f, "Header({}: [REDACTED])", header.as_ref().map_or("[INVALID]", |(name, _)| name.as_str())),
            #[cfg(feature = "auth-query")]
            Credential::Query(name, _) => write!(f, "Query({name}=[REDACTED])"),
            #[cfg(feature = "auth-cookie")]
            Credential::Cookie(cookie) => write!(f, "Cookie({}=[REDACTED])", cookie.as_ref().map_or("[INVALID]", |(name, _)| *name)),
            #[cfg(feature = "auth-oauth2")]
            Credential::OAuth2(flow) => write!(f, "{flow:?}"),
        }
    }
}

#[cfg(feature = "auth")]
impl fmt::Debug for Auth {
    /// Where each credential goes, never a value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.schemes).finish()
    }
}

/// What the chosen credentials add to one request.
#[cfg(feature = "auth")]
pub(super) struct Applied<'a> {
    /// Query pairs (name, secret value).
    pub query: Vec<(&'static str, &'a str)>,
    /// Headers, marked sensitive.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The OAuth2 flow whose token goes in `Authorization`, fetched per attempt.
    #[cfg(feature = "auth-oauth2")]
    pub oauth2: Option<Arc<super::oauth2::ClientCredentials>>,
}

#[cfg(feature = "auth")]
impl Auth {
    /// The credentials, one slot per security scheme of the API.
    pub fn new(schemes: Vec<Option<Credential>>) -> Self {
        Auth { schemes }
    }

    /// The first credential that cannot be sent: why (naming the scheme's header
    /// or cookie, never the value).
    pub fn invalid(&self) -> Option<&str> {
        self.schemes.iter().flatten().find_map(|credential| match credential {
            #[cfg(any(feature = "auth-bearer", feature = "auth-header", feature = "auth-basic"))]
            Credential::Header(Err(reason)) => Some(reason.as_str()),
            #[cfg(feature = "auth-cookie")]
            Credential::Cookie(Err(reason)) => Some(reason.as_str()),
            _ => None,
        })
    }

    /// The credentials of the first alternative of `security` (each a list of
    /// scheme numbers, all required) that the client holds every credential
    /// for, as what they add to the request; nothing when none is satisfied
    /// (an empty alternative, `{}` in the document, needs no credential and adds none).
    pub(super) fn apply(&self, security: &[&[usize]]) -> Result<Applied<'_>, String> {
        let chosen = security.iter().find_map(|alternative| {
            alternative.iter().map(|scheme| self.schemes.get(*scheme).and_then(Option::as_ref)).collect::<Option<Vec<&Credential>>>()
        });
        let mut applied = Applied {
            query: Vec::new(),
            headers: Vec::new(),
            #[cfg(feature = "auth-oauth2")]
            oauth2: None,
        };
        #[cfg(feature = "auth-cookie")]
        let mut cookies: Vec<String> = Vec::new();
        for credential in chosen.unwrap_or_default() {
            match credential {
                #[cfg(any(feature = "auth-bearer", feature = "auth-header", feature = "auth-basic"))]
                Credential::Header(header) => applied.headers.push(header.clone()?),
                #[cfg(feature = "auth-query")]
                Credential::Query(name, key) => applied.query.push((name, key.expose())),
                #[cfg(feature = "auth-cookie")]
                Credential::Cookie(cookie) => {
                    let (name, key) = cookie.as_ref().map_err(Clone::clone)?;
                    cookies.push(format!("{name}={}", key.expose()));
                }
                #[cfg(feature = "auth-oauth2")]
                Credential::OAuth2(flow) => applied.oauth2 = Some(Arc::clone(flow)),
            }
        }
        #[cfg(feature = "auth-cookie")]
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| "a cookie credential is not a valid `Cookie` header value".to_string())?;
            value.set_sensitive(true);
            applied.headers.push((reqwest::header::COOKIE, value));
        }
        Ok(applied)
    }
}

#[cfg(feature = "auth")]
impl Credential {
    /// `Authorization: Bearer <token>`.
    #[cfg(feature = "auth-bearer")]
    pub fn bearer(token: SecretString) -> Self {
        Credential::Header(sensitive_header("authorization", format!("Bearer {}", token.expose())))
    }

    /// The key as the value of the header `name`.
    #[cfg(feature = "auth-header")]
    pub fn header(name: &'static str, key: SecretString) -> Self {
        Credential::Header(sensitive_header(name, key.expose().to_string()))
    }

    /// The key as the query parameter `name`.
    #[cfg(feature = "auth-query")]
    pub fn query(name: &'static str, key: SecretString) -> Self {
        Credential::Query(name, key)
    }

    /// The key as the cookie `name` (RFC 6265: no spaces, quotes, commas,
    /// semicolons, backslashes or control characters in the value).
    #[cfg(feature = "auth-cookie")]
    pub fn cookie(name: &'static str, key: SecretString) -> Self {
        let fits = !key.expose().is_empty() && key.expose().bytes().all(|b| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E));
        Credential::Cookie(if fits { Ok((name, key)) } else { Err(format!("the API key is not a valid value for the `{name}` cookie")) })
    }

    /// HTTP basic authentication: `Authorization: Basic base64(user:password)`.
    #[cfg(feature = "auth-basic")]
    pub fn basic(user: &str, password: SecretString) -> Self {
        let header = if user.contains(':') {
            Err("the user name of HTTP basic authentication contains `:`".to_string())
        } else {
            sensitive_header("authorization", format!("Basic {}", base64(format!("{user}:{}", password.expose()).as_bytes())))
        };
        Credential::Header(header)
    }

    /// OAuth2 client credentials (see [`super::oauth2::ClientCredentials`]).
    #[cfg(feature = "auth-oauth2")]
    pub fn oauth2(flow: super::oauth2::ClientCredentials) -> Self {
        Credential::OAuth2(Arc::new(flow))
    }
}

/// A credential header, marked sensitive so that no debug output shows it; an
/// error (naming the header, never the key) if the key cannot be a header value.
#[cfg(any(feature = "auth-bearer", feature = "auth-header", feature = "auth-basic"))]
fn sensitive_header(name: &str, value: String) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a valid header name"))?;
    let mut value = HeaderValue::from_str(&value).map_err(|_| format!("the API key is not a valid `{name}` header value"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// Standard base64 with padding (RFC 4648), for HTTP basic credentials.
#[cfg(any(feature = "auth-basic", feature = "auth-oauth2"))]
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
    /// The credentials, one slot per security scheme of the API.
    #[cfg(feature = "auth")]
    pub auth: Auth,
    /// Deadline, attempt timeout, body limit and redirect limit.
    pub limits: Limits,
    /// The retry policy of calls that do not set their own.
    pub retry: RetryPolicy,
    /// Hooks run around every attempt.
    pub hooks: Vec<Arc<dyn Hook>>,
}

impl Transport {
    /// A transport without credentials (see [`Transport::with_auth`]).
    pub fn new(http: reqwest::Client, base_url: String, default_headers: HeaderMap, limits: Limits, retry: RetryPolicy, hooks: Vec<Arc<dyn Hook>>) -> Self {
        Transport {
            http,
            base_url,
            default_headers,
            #[cfg(feature = "auth")]
            auth: Auth::new(Vec::new()),
            limits,
            retry,
            hooks,
        }
    }

    /// The transport sending `auth`'s credentials.
    #[cfg(feature = "auth")]
    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }
}

impl fmt::Debug for Transport {
    /// The configuration; the credential redacted, default headers by name only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.default_headers.keys().map(HeaderName::as_str).collect();
        let mut out = f.debug_struct("Transport");
        out.field("base_url", &self.base_url);
        #[cfg(feature = "auth")]
        out.field("auth", &self.auth);
        out.field("default_headers", &headers)
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("http", &self.http)
            .finish()
    }
}

/// The headers every request starts with: `User-Agent` and `Accept`.
pub fn default_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::USER_AGENT, reqwest::header::HeaderValue::from_static(USER_AGENT));
    headers.insert(reqwest::header::ACCEPT, reqwest::header::HeaderValue::from_static("application/json"));
    headers
}

/// The `reqwest` settings every client starts from (the TLS backend of the
/// crate's features, trusting `roots` too), with redirects left to the
/// transport, which follows them itself.
pub fn http_trusting(roots: &[Certificate]) -> reqwest::ClientBuilder {
    super::tls::client_builder(roots).redirect(reqwest::redirect::Policy::none())
}

/// What every client builder sets besides the API's own credentials and
/// headers (the generator adds those); `client_settings!` writes the setters.
#[derive(Default)]
pub struct Settings {
    /// Another server than the API's default.
    pub base_url: Option<String>,
    /// The caller's own HTTP client.
    pub http: Option<reqwest::Client>,
    /// The deadline of every call.
    pub timeout: Option<Duration>,
    /// The longest one attempt may take.
    pub attempt_timeout: Option<Duration>,
    /// The longest response body read, in bytes.
    pub max_response_body: Option<u64>,
    /// The most redirects one attempt follows.
    pub max_redirects: Option<u32>,
    /// The retry policy, when not the API's default.
    pub retry: Option<RetryPolicy>,
    /// Hooks run around every attempt.
    pub hooks: Vec<Arc<dyn Hook>>,
    /// Another `User-Agent`.
    pub user_agent: Option<String>,
    /// Roots trusted besides the system's.
    pub root_certificates: Vec<Certificate>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_response_body", &self.max_response_body)
            .field("max_redirects", &self.max_redirects)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("root_certificates", &self.root_certificates.len())
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Checks the settings and creates the transport (without credentials):
    /// `base_url` and `retry` are the API's defaults, `headers` the API's
    /// global headers that were set.
    pub fn build(self, base_url: &str, retry: RetryPolicy, headers: &[(&'static str, Option<&str>)]) -> Result<Transport, BuildError> {
        let base_url = self.base_url.as_deref().unwrap_or(base_url).trim_end_matches('/').to_string();
        match reqwest::Url::parse(&base_url) {
            Err(e) => return Err(BuildError::InvalidBaseUrl { url: base_url, reason: e.to_string() }),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                return Err(BuildError::InvalidBaseUrl { url: base_url, reason: "only http and https are supported".to_string() });
            }
            Ok(_) => {}
        }
        let mut default_headers = default_headers();
        let agent = self.user_agent.as_deref().map(|agent| ("User-Agent", Some(agent)));
        for (name, value) in agent.iter().chain(headers) {
            if let Some(value) = value {
                let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader { name })?;
                default_headers.insert(*name, value);
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => http_trusting(&self.root_certificates).build().map_err(BuildError::Http)?,
        };
        let defaults = Limits::default();
        let limits = Limits {
            timeout: self.timeout.unwrap_or(defaults.timeout),
            attempt_timeout: self.attempt_timeout,
            max_body_bytes: self.max_response_body.unwrap_or(defaults.max_body_bytes),
            max_redirects: self.max_redirects.unwrap_or(defaults.max_redirects),
        };
        Ok(Transport::new(http, base_url, default_headers, limits, self.retry.unwrap_or(retry), self.hooks))
    }
}

/// The setters of [`Settings`] on a client builder with a `settings: Settings`
/// field, written once here instead of in every client (it expands inside the
/// builder's `impl` block).
#[macro_export]
macro_rules! client_settings {
    () => {
        /// Retries failed calls by `policy` (default: the API document's policy;
        /// `RetryPolicy::none()` switches retries off).
        pub fn retry_policy(mut self, policy: $crate::retry::RetryPolicy) -> Self {
            self.settings.retry = ::core::option::Option::Some(policy);
            self
        }

        /// Runs `hook` around every attempt of every call.
        pub fn hook(mut self, hook: impl $crate::hooks::Hook) -> Self {
            self.settings.hooks.push(::std::sync::Arc::new(hook));
            self
        }

        /// Sends requests to another server (a proxy, a mock, a staging host).
        pub fn base_url(mut self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.settings.base_url = ::core::option::Option::Some(url.into());
            self
        }

        /// Uses your own `reqwest::Client` (proxies, TLS settings, connection pool settings).
        ///
        /// Start it from [`Self::http_defaults`]: it has the TLS backend of
        /// this crate's features, and leaves redirects to this client, which follows
        /// them itself so that credentials and request bodies never reach another
        /// origin and the redirect limit holds (a client that follows redirects on
        /// its own applies reqwest's rules instead). Root certificates added with
        /// [`Self::add_root_certificate`] are not applied to it.
        pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
            self.settings.http = ::core::option::Option::Some(http);
            self
        }

        /// Trusts `certificate` as a root, besides the system's root certificates
        /// (a private certificate authority, a test server's self-signed certificate).
        /// Read it with `Certificate::from_pem` or `Certificate::from_der`.
        pub fn add_root_certificate(mut self, certificate: $crate::tls::Certificate) -> Self {
            self.settings.root_certificates.push(certificate);
            self
        }

        /// The deadline of every call (default 60 s): connecting, sending, receiving,
        /// every retry and every wait between attempts together. A call that runs out
        /// of time returns its `Timeout` error (or, when the deadline would pass during
        /// a wait, the last error at once). Calls may set their own with `.timeout()`.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.timeout = ::core::option::Option::Some(timeout);
            self
        }

        /// The longest one attempt may take (default: only the call's deadline), so
        /// that a stalled attempt is abandoned and retried while time remains. It never
        /// extends the call's deadline.
        pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.attempt_timeout = ::core::option::Option::Some(timeout);
            self
        }

        /// The longest response body read, in bytes (default 32 MiB); a longer one
        /// fails with `BodyTooLarge` as soon as it passes the limit. Each server-sent
        /// event is bounded the same way. Calls may set their own with `.max_response_body()`.
        pub fn max_response_body(mut self, bytes: u64) -> Self {
            self.settings.max_response_body = ::core::option::Option::Some(bytes);
            self
        }

        /// The most redirects one attempt follows (default 10); `0` follows none.
        pub fn max_redirects(mut self, redirects: u32) -> Self {
            self.settings.max_redirects = ::core::option::Option::Some(redirects);
            self
        }

        /// Replaces the default `User-Agent` (the crate name and version).
        pub fn user_agent(mut self, user_agent: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.settings.user_agent = ::core::option::Option::Some(user_agent.into());
            self
        }

        /// The `reqwest` settings every client starts from: the TLS backend this
        /// crate's features choose (`rustls`, `rustls-ring` or `native-tls`; see the
        /// README), and redirects left to this client, which follows them itself.
        /// Start a client for [`Self::http_client`] from it.
        pub fn http_defaults() -> ::reqwest::ClientBuilder {
            $crate::transport::http_trusting(&[])
        }
    };
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse.
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header value contains characters HTTP does not allow.
    InvalidHeader {
        /// The header.
        name: &'static str,
    },
    /// A credential (API key, token, user name, password) contains characters
    /// that its header or cookie does not allow (the value is not shown).
    InvalidApiKey,
    /// A required environment variable is not set.
    MissingEnv {
        /// The variable.
        name: &'static str,
    },
    /// The HTTP client could not be created.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            BuildError::InvalidHeader { name } => write!(f, "invalid value for the `{name}` header"),
            BuildError::InvalidApiKey => f.write_str("a credential (API key, token, user name or password) contains characters that cannot be sent in an HTTP header"),
            BuildError::MissingEnv { name } => write!(f, "the environment variable `{name}` is not set"),
            BuildError::Http(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}
