//! `src/lib.rs` and `src/client.rs`: the crate root and the configured client.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitOptions;
use crate::ir::{Api, Auth};
use crate::names::ident;

/// The crate root: docs (the README), modules and re-exports.
pub fn lib_rs(api: &Api) -> TokenStream {
    let groups = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        quote!(pub mod #m;)
    });
    quote! {
        #![doc = include_str!("../README.md")]
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]

        mod client;
        pub mod models;
        mod runtime;
        #(#groups)*

        pub use client::{BuildError, Client, ClientBuilder, DEFAULT_BASE_URL};
        pub use runtime::{ApiResponse, DecodeError, ErrorDetails, ErrorResponse, Nullable, SecretString, TransportError, UnexpectedResponse};
    }
}

/// The client and its builder.
pub fn client_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let base_url = api.servers.first().cloned().unwrap_or_default();
    let key_var = format!("{}_API_KEY", options.env_prefix);
    let url_var = format!("{}_BASE_URL", options.env_prefix);
    let title = &api.title;
    let client_doc = format!(" Client for the {title}.\n\n Cheap to clone: clones share one connection pool and configuration.");
    let auth = match &api.auth {
        Some(Auth::Bearer) => quote!(self.api_key.map(Auth::Bearer)),
        Some(Auth::Header(name)) => quote!(self.api_key.map(|key| Auth::Header(#name, key))),
        Some(Auth::Query(name)) => quote!(self.api_key.map(|key| Auth::Query(#name, key))),
        None => quote!({ let _ = self.api_key; None }),
    };
    let accessors = api.groups.iter().map(|g| {
        let m = ident(&g.module);
        let handle = ident(&g.type_name);
        let d = format!(" Operations tagged `{}`.", g.tag);
        quote! {
            #[doc = #d]
            pub fn #m(&self) -> crate::#m::#handle<'_> {
                crate::#m::#handle { client: self }
            }
        }
    });
    let global_fields: Vec<_> = api.global_headers.iter().map(|h| ident(&h.rust_name)).collect();
    let global_setters = api.global_headers.iter().map(|h| {
        let n = ident(&h.rust_name);
        let wire = &h.name;
        let d = super::docs::doc(&format!("Sends the `{wire}` header with every request.{}", h.docs.as_deref().map(|d| format!("\n\n{d}")).unwrap_or_default()));
        quote! {
            #d
            pub fn #n(mut self, value: impl Into<String>) -> Self {
                self.#n = Some(value.into());
                self
            }
        }
    });
    let global_inserts = api.global_headers.iter().map(|h| {
        let n = ident(&h.rust_name);
        let wire = &h.name;
        quote! {
            if let Some(value) = &self.#n {
                let value = HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader { name: #wire })?;
                headers.insert(#wire, value);
            }
        }
    });
    let new_doc = " A client that authenticates with `api_key` and talks to [`DEFAULT_BASE_URL`].";
    let from_env_doc = format!(" A client configured from the environment: the API key from `{key_var}` and, when set, the base URL from `{url_var}`.");
    quote! {
        //! The client: configuration, authentication and the entry point to each group of operations.

        use std::sync::Arc;
        use std::time::Duration;

        use reqwest::header::{HeaderMap, HeaderValue};

        use crate::runtime::{Auth, Transport};
        use crate::SecretString;

        /// The API's default base URL (its first server).
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The `User-Agent` sent unless the builder sets another.
        const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        #[doc = #client_doc]
        #[derive(Clone)]
        pub struct Client {
            transport: Arc<Transport>,
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.transport.base_url)
                    .field("api_key", &self.transport.auth.as_ref().map(|_| "[REDACTED]"))
                    .field("timeout", &self.transport.timeout)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #[doc = #new_doc]
            pub fn new(api_key: impl Into<SecretString>) -> Self {
                let transport = Transport {
                    http: reqwest::Client::new(),
                    base_url: DEFAULT_BASE_URL.to_string(),
                    default_headers: ClientBuilder::default_headers(),
                    auth: ClientBuilder::default().api_key(api_key).auth(),
                    timeout: None,
                };
                Client { transport: Arc::new(transport) }
            }

            /// A builder for every setting: base URL, HTTP client, timeout, headers.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, BuildError> {
                let api_key = std::env::var(#key_var).map_err(|_| BuildError::MissingEnv { name: #key_var })?;
                let mut builder = ClientBuilder::default().api_key(api_key);
                if let Ok(url) = std::env::var(#url_var) {
                    builder = builder.base_url(url);
                }
                builder.build()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.transport.base_url
            }

            pub(crate) fn transport(&self) -> &Transport {
                &self.transport
            }

            #(#accessors)*
        }

        /// Settings for a [`Client`]; `build()` checks them.
        #[derive(Default)]
        pub struct ClientBuilder {
            api_key: Option<SecretString>,
            base_url: Option<String>,
            http: Option<reqwest::Client>,
            timeout: Option<Duration>,
            user_agent: Option<String>,
            #(#global_fields: Option<String>,)*
        }

        impl std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("api_key", &self.api_key)
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    .finish_non_exhaustive()
            }
        }

        impl ClientBuilder {
            /// The API key; it is redacted from every `Debug` output.
            pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
                self.api_key = Some(api_key.into());
                self
            }

            /// Sends requests to another server (a proxy, a mock, a staging host).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            /// Uses your own `reqwest::Client` (proxies, TLS roots, connection pool settings).
            pub fn http_client(mut self, http: reqwest::Client) -> Self {
                self.http = Some(http);
                self
            }

            /// Gives up on a call after `timeout` (connect, send and receive together).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }

            /// Replaces the default `User-Agent` (the crate name and version).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.user_agent = Some(user_agent.into());
                self
            }

            #(#global_setters)*

            fn default_headers() -> HeaderMap {
                let mut headers = HeaderMap::new();
                headers.insert(reqwest::header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
                headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
                headers
            }

            fn auth(self) -> Option<Auth> {
                #auth
            }

            /// Checks the settings and creates the client.
            pub fn build(self) -> Result<Client, BuildError> {
                let base_url = self.base_url.clone().unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
                let base_url = base_url.trim_end_matches('/').to_string();
                if let Err(e) = reqwest::Url::parse(&base_url) {
                    return Err(BuildError::InvalidBaseUrl { url: base_url, reason: e.to_string() });
                }
                let mut headers = Self::default_headers();
                if let Some(agent) = &self.user_agent {
                    let value = HeaderValue::from_str(agent).map_err(|_| BuildError::InvalidHeader { name: "User-Agent" })?;
                    headers.insert(reqwest::header::USER_AGENT, value);
                }
                #(#global_inserts)*
                if let Some(key) = &self.api_key {
                    if HeaderValue::from_str(key.expose()).is_err() {
                        return Err(BuildError::InvalidApiKey);
                    }
                }
                let http = match self.http.clone() {
                    Some(http) => http,
                    None => reqwest::Client::builder().build().map_err(BuildError::Http)?,
                };
                let timeout = self.timeout;
                let transport = Transport { http, base_url, default_headers: headers, auth: self.auth(), timeout };
                Ok(Client { transport: Arc::new(transport) })
            }
        }

        /// Why a [`Client`] could not be built.
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
            /// The API key contains characters HTTP headers do not allow (the key itself is not shown).
            InvalidApiKey,
            /// A required environment variable is not set.
            MissingEnv {
                /// The variable.
                name: &'static str,
            },
            /// The HTTP client could not be created.
            Http(reqwest::Error),
        }

        impl std::fmt::Display for BuildError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    BuildError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
                    BuildError::InvalidHeader { name } => write!(f, "invalid value for the `{name}` header"),
                    BuildError::InvalidApiKey => f.write_str("the API key contains characters that cannot be sent in an HTTP header"),
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
    }
}
