//! `src/lib.rs` and `src/client.rs`: the crate root and the configured client.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitOptions;
use crate::analyse::sends_credentials;
use crate::ir::{Api, KeyLocation, SchemeKind};
use crate::names::ident;

/// The crate root: docs (the README), modules and re-exports of the runtime
/// types the API's operations use.
pub fn lib_rs(api: &Api, features: &BTreeSet<&str>, options: &EmitOptions) -> TokenStream {
    // With several tags, each module is behind its Cargo feature (all on by default).
    let mut tag_features = crate::analyse::tag_features(api);
    if crate::analyse::has_unused_models(api) {
        tag_features.push(crate::analyse::UNUSED_MODELS.to_string());
    }
    let groups = api.groups.iter().zip(super::group_gates(api)).map(|(g, gate)| {
        let m = ident(&g.module);
        quote!(#gate pub mod #m;)
    });
    // A build with only some tags leaves runtime parts and types the others use
    // unused; the full build is the one checked warning-free.
    let partial = (!tag_features.is_empty()).then(|| {
        quote!(#![cfg_attr(not(all(#(feature = #tag_features),*)), allow(dead_code, unused_imports))])
    });
    // Exported only where the runtime has them (they are cut from it otherwise).
    let mut optional = TokenStream::new();
    if features.contains("sse") {
        optional.extend(quote!(pub use runtime::sse::{EventStream, EventStreamError};));
    }
    if features.contains("json-error") || features.contains("empty-error") {
        optional.extend(quote!(pub use runtime::errors::ErrorResponse;));
    }
    if features.contains("unexpected-status") {
        optional.extend(quote!(pub use runtime::errors::UnexpectedResponse;));
    }
    if features.contains("open-enum") {
        optional.extend(quote!(pub use runtime::UnknownValue;));
    }
    if features.contains("models") {
        optional.extend(quote!(pub use runtime::errors::MissingFieldError;));
    }
    if features.contains("file-upload") {
        optional.extend(quote!(pub use runtime::file::FileUpload;));
    }
    if features.contains("bytes-response") {
        optional.extend(quote!(pub use runtime::response::{ByteStream, ByteStreamError};));
    }
    // Hand-written, kept by codegen (`src/custom/`); it may add methods to any type defined in
    // the crate (not to the runtime's, which belong to the runtime crate).
    let custom = options.custom_module.then(|| quote!(pub mod custom;));
    if features.contains("operations") {
        // The runtime's `Error` and `UntypedRequest` name the body every error of the API shares,
        // if it has one (`Error::error_body` decodes it).
        optional.extend(match crate::analyse::shared_error_body(api) {
            Some(shared) => {
                let ty = super::types::rust_type(shared);
                quote! {
                    /// Any failed call of this crate. Every operation's error converts into it, so
                    /// `?` works across operations in a function returning `Result<_, Error>`; the
                    /// accessors read what every failure has, whatever the operation, and
                    /// `error_body` decodes the body every error of this API shares.
                    pub type Error = runtime::errors::Error<#ty>;
                    /// A request to an endpoint the crate has no operation for; get one from
                    /// [`Client::request`].
                    pub type UntypedRequest = runtime::untyped::UntypedRequest<#ty>;
                }
            }
            None => quote! {
                pub use runtime::errors::Error;
                pub use runtime::untyped::UntypedRequest;
            },
        });
        optional.extend(quote! {
            pub use runtime::errors::ApiError;
            /// HTTP methods, for [`Client::request`].
            pub use reqwest::Method;
        });
    }
    let runtime_crate = ident(&super::templates::runtime_crate(options).replace('-', "_"));
    quote! {
        #![doc = include_str!("../README.md")]
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]
        #partial

        mod client;
        pub mod models;
        // The vendored runtime, a crate of its own (`runtime/`).
        use #runtime_crate as runtime;
        #(#groups)*
        #custom
        #[cfg(feature = "testing")]
        pub mod testing;

        pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
        pub use runtime::transport::BuildError;
        pub use runtime::errors::{
            ApiResponse, BodyTooLargeError, DecodeError, RequestError, TransportError, TransportErrorKind, ValidationError,
        };
        pub use runtime::hooks::{Hook, HookAction, HookError, HookFuture, HookResponse, RequestContext};
        pub use runtime::nullable::Nullable;
        pub use runtime::retry::RetryPolicy;
        pub use runtime::secret::SecretString;
        pub use runtime::tls::Certificate;
        #optional
    }
}

/// The client and its builder.
pub fn client_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let base_url = api.servers.first().cloned().unwrap_or_default();
    let key_var = format!("{}_API_KEY", options.env_prefix);
    let url_var = format!("{}_BASE_URL", options.env_prefix);
    let title = &api.title;
    let client_doc = format!(" Client for the {title}.\n\n Cheap to clone: clones share one connection pool and configuration.");
    let auth = auth(api);
    let accessors = api.groups.iter().zip(super::group_gates(api)).map(|(g, gate)| {
        let m = ident(&g.module);
        let accessor = ident(&g.accessor);
        let handle = ident(&g.type_name);
        let d = format!(" Operations tagged `{}`.", g.tag);
        quote! {
            #[doc = #d]
            #gate
            pub fn #accessor(&self) -> crate::#m::#handle<'_> {
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
    let global_headers = api.global_headers.iter().map(|h| {
        let n = ident(&h.rust_name);
        let wire = &h.name;
        quote!((#wire, self.#n.as_deref()))
    });
    // Our own text with intra-doc links, so not passed through the spec-prose sanitiser.
    let new_doc = quote! {
        /// A client that authenticates with `api_key` and talks to [`DEFAULT_BASE_URL`].
        ///
        /// Like `reqwest::Client::new`, it panics if the TLS backend cannot be initialised;
        /// [`Client::builder`] reports that as an error instead.
    };
    // Only operations send requests; an API without any has no use for it.
    let transport_accessor = (!api.groups.is_empty()).then(|| {
        quote! {
            pub(crate) fn transport(&self) -> &Transport {
                &self.transport
            }

            /// A request to an endpoint this crate has no operation for (yet), sent
            /// like every operation: same authentication, retries, deadline, limits and
            /// hooks. `path` starts with `/` and is relative to the base URL.
            /// [`crate::UntypedRequest::send_json`] decodes the answer (into `serde_json::Value`, say).
            pub fn request(&self, method: crate::Method, path: impl Into<String>) -> crate::UntypedRequest {
                crate::UntypedRequest::new(self.transport.clone(), method, path.into())
            }
        }
    });
    let sends = sends_credentials(api);
    let has_key_scheme = sends && api.security_schemes.iter().any(|s| s.setter.as_str() == "api_key");
    let others: Vec<_> = if sends { api.security_schemes.iter().filter(|s| s.setter.as_str() != "api_key").collect() } else { Vec::new() };
    let auth_fields = others.iter().map(|s| {
        let n = ident(&s.setter);
        match s.kind {
            SchemeKind::ApiKey { .. } | SchemeKind::Bearer => quote!(#n: Option<SecretString>,),
            SchemeKind::Basic | SchemeKind::OAuth2ClientCredentials { .. } => quote!(#n: Option<(String, SecretString)>,),
        }
    });
    let auth_setters = others.iter().map(|s| {
        let n = ident(&s.setter);
        let doc = super::docs::doc(&scheme_doc(s));
        match s.kind {
            SchemeKind::ApiKey { .. } | SchemeKind::Bearer => quote! {
                #doc
                pub fn #n(mut self, key: impl Into<SecretString>) -> Self {
                    self.#n = Some(key.into());
                    self
                }
            },
            SchemeKind::Basic => quote! {
                #doc
                pub fn #n(mut self, user: impl Into<String>, password: impl Into<SecretString>) -> Self {
                    self.#n = Some((user.into(), password.into()));
                    self
                }
            },
            SchemeKind::OAuth2ClientCredentials { .. } => quote! {
                #doc
                pub fn #n(mut self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
                    self.#n = Some((client_id.into(), client_secret.into()));
                    self
                }
            },
        }
    });
    let api_key_doc = match api.security_schemes.iter().find(|s| s.setter.as_str() == "api_key").filter(|_| has_key_scheme) {
        Some(s) => super::docs::doc(&scheme_doc(s)),
        None => quote!(#[doc = " This API declares no API key: the key is kept but not sent."]),
    };
    let auth_imports = if !sends {
        quote!(use crate::runtime::transport::Transport;)
    } else if api.security_schemes.iter().any(|s| matches!(s.kind, SchemeKind::OAuth2ClientCredentials { .. })) {
        quote!(use crate::runtime::oauth2::ClientCredentials; use crate::runtime::transport::{Auth, Credential, Transport};)
    } else {
        quote!(use crate::runtime::transport::{Auth, Credential, Transport};)
    };
    let (new_auth, check_auth, build_auth) = if sends {
        (
            quote!(let transport = transport.with_auth(ClientBuilder::default().api_key(api_key).auth());),
            quote! {
                let auth = self.auth();
                if auth.invalid().is_some() {
                    return Err(BuildError::InvalidApiKey);
                }
            },
            quote!(let transport = transport.with_auth(auth);),
        )
    } else {
        (quote!(let _ = api_key;), TokenStream::new(), TokenStream::new())
    };
    let from_env_doc = format!(" A client configured from the environment: the API key from `{key_var}` and, when set, the base URL from `{url_var}`.");
    quote! {
        //! The client: configuration, authentication and the entry point to each group of operations.

        use std::sync::Arc;

        use crate::runtime::request::Limits;
        use crate::runtime::transport::{BuildError, Settings};
        #auth_imports
        use crate::{RetryPolicy, SecretString};

        /// The API's default base URL (its first server).
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #[doc = #client_doc]
        #[derive(Clone)]
        pub struct Client {
            transport: Arc<Transport>,
        }

        // The client and its builder cross threads and tasks: checked when the crate compiles.
        const _: () = {
            const fn send_sync<T: Send + Sync + 'static>() {}
            send_sync::<Client>();
            send_sync::<ClientBuilder>();
        };

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client").field("transport", &*self.transport).finish()
            }
        }

        impl Client {
            #new_doc
            pub fn new(api_key: impl Into<SecretString>) -> Self {
                // An API key unfit for a header fails the first call with `RequestError`, before anything is sent.
                let http = ClientBuilder::http_defaults().build().expect("the TLS backend initialises");
                let transport = Transport::new(
                    http,
                    DEFAULT_BASE_URL.to_string(),
                    crate::runtime::transport::default_headers(),
                    Limits::default(),
                    RetryPolicy::default(),
                    Vec::new(),
                );
                #new_auth
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

            #transport_accessor

            #(#accessors)*
        }

        /// Settings for a [`Client`]; `build()` checks them.
        #[derive(Default, Debug)]
        pub struct ClientBuilder {
            settings: Settings,
            api_key: Option<SecretString>,
            #(#auth_fields)*
            #(#global_fields: Option<String>,)*
        }

        impl ClientBuilder {
            crate::runtime::client_settings!();

            #api_key_doc
            pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
                self.api_key = Some(api_key.into());
                self
            }

            #(#auth_setters)*

            #(#global_setters)*

            #auth

            /// Checks the settings and creates the client.
            pub fn build(self) -> Result<Client, BuildError> {
                #check_auth
                let headers = [#(#global_headers),*];
                let transport = self.settings.build(DEFAULT_BASE_URL, RetryPolicy::default(), &headers)?;
                #build_auth
                Ok(Client { transport: Arc::new(transport) })
            }
        }

    }
}

/// The documentation of a scheme's setter: what it takes and where it goes.
fn scheme_doc(s: &crate::ir::SecurityScheme) -> String {
    let name = &s.name;
    let what = match &s.kind {
        SchemeKind::ApiKey { location: KeyLocation::Header, name: header } => format!("The API key of the `{name}` security scheme, sent in the `{header}` header."),
        SchemeKind::ApiKey { location: KeyLocation::Query, name: param } => format!("The API key of the `{name}` security scheme, sent as the `{param}` query parameter."),
        SchemeKind::ApiKey { location: KeyLocation::Cookie, name: cookie } => format!("The API key of the `{name}` security scheme, sent as the `{cookie}` cookie (in the `Cookie` header)."),
        SchemeKind::Bearer => format!("The token of the `{name}` security scheme, sent as `Authorization: Bearer <token>`."),
        SchemeKind::Basic => format!("The user name and password of the `{name}` security scheme (HTTP basic authentication: `Authorization: Basic …`)."),
        SchemeKind::OAuth2ClientCredentials { token_url, scopes } => {
            let scopes = if scopes.is_empty() { "no scope".to_string() } else { scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ") };
            format!(
                "The OAuth2 client credentials of the `{name}` security scheme. A call that needs them fetches an access token from `{token_url}` (scopes: {scopes}) within its own deadline and body limit; the token is kept until shortly before it expires (or the API answers 401), and one fetch serves every call waiting for it."
            )
        }
    };
    let own = s.docs.as_deref().map(|d| format!("\n\n{d}")).unwrap_or_default();
    format!("{what} Operations send it when their security requirements name this scheme. Secrets are redacted from every `Debug` output and never follow a redirect to another origin.{own}")
}

/// `fn auth(&self) -> Auth`: the builder's credentials, one slot per security
/// scheme in the IR's order; nothing when the client sends none.
fn auth(api: &Api) -> TokenStream {
    if !sends_credentials(api) {
        return TokenStream::new();
    }
    let slots = api.security_schemes.iter().map(|s| {
        let n = ident(&s.setter);
        match &s.kind {
            SchemeKind::ApiKey { location: KeyLocation::Header, name } => quote!(self.#n.clone().map(|key| Credential::header(#name, key))),
            SchemeKind::ApiKey { location: KeyLocation::Query, name } => quote!(self.#n.clone().map(|key| Credential::query(#name, key))),
            SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => quote!(self.#n.clone().map(|key| Credential::cookie(#name, key))),
            SchemeKind::Bearer => quote!(self.#n.clone().map(Credential::bearer)),
            SchemeKind::Basic => quote!(self.#n.as_ref().map(|(user, password)| Credential::basic(user, password.clone()))),
            SchemeKind::OAuth2ClientCredentials { token_url, scopes } => quote! {
                self.#n.as_ref().map(|(id, secret)| Credential::oauth2(ClientCredentials::new(#token_url, &[#(#scopes),*], id.clone(), secret.clone())))
            },
        }
    });
    quote! {
        /// The credentials, one slot per security scheme of the API.
        fn auth(&self) -> Auth {
            Auth::new(vec![#(#slots),*])
        }
    }
}

/// `runtime/src/api.rs`: what the vendored runtime takes from the API
/// document, which its own types must implement there (`RetryPolicy::default`),
/// and the `User-Agent` (this crate's name and version).
pub fn runtime_api_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let retry_default = retry_default(api);
    let user_agent = format!("{}/{}", options.crate_name, options.crate_version);
    quote! {
        //! What the runtime takes from the API document: the generator writes this file for each API.

        use std::time::Duration;

        use crate::retry::{RetryPolicy, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_AFTER};

        /// The `User-Agent` sent unless the client's builder sets another: the generated crate's name and version.
        pub(crate) const USER_AGENT: &str = #user_agent;

        #retry_default
    }
}

/// `impl Default for RetryPolicy` from the document's retry extension, or a
/// conservative policy when it has none.
fn retry_default(api: &Api) -> TokenStream {
    use crate::ir::StatusMatch;
    let (policy, declared) = api.default_retry();
    let (initial, max, exponent, elapsed, statuses, connection) =
        (policy.initial_interval_ms, policy.max_interval_ms, policy.exponent, policy.max_elapsed_ms, policy.status_codes, policy.connection_errors);
    let attempts = quote!(Some(DEFAULT_MAX_ATTEMPTS));
    let source = if declared { "the API document's retry extension" } else { "a conservative default (the API document declares no retry policy)" };
    // 429 asks the client to come back later: always retried, honouring Retry-After.
    let mut ranges: Vec<(u16, u16)> = statuses
        .iter()
        .filter_map(|s| match s {
            StatusMatch::Code(c) => Some((*c, *c)),
            StatusMatch::Range(class) => Some((class * 100, class * 100 + 99)),
            StatusMatch::Default => None,
        })
        .collect();
    if !ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&429)) {
        ranges.push((429, 429));
    }
    let ranges = ranges.iter().map(|(lo, hi)| quote!((#lo, #hi)));
    let doc = format!(" The policy from {source}: first delay {initial} ms, growing ×{exponent} up to {max} ms, for at most {elapsed} ms (and never past the call's deadline); at most 3 attempts; retried statuses {statuses:?}, 408, 429 and 503; `Retry-After` honoured up to 60 s; connection errors {}.", if connection { "retried" } else { "not retried" });
    quote! {
        impl Default for RetryPolicy {
            #[doc = #doc]
            fn default() -> Self {
                RetryPolicy {
                    initial_interval: Duration::from_millis(#initial),
                    max_interval: Duration::from_millis(#max),
                    exponent: #exponent,
                    max_elapsed: Duration::from_millis(#elapsed),
                    max_attempts: #attempts,
                    max_retry_after: DEFAULT_MAX_RETRY_AFTER,
                    statuses: vec![#(#ranges),*],
                    retry_connection_errors: #connection,
                    retry_non_idempotent: false,
                }
            }
        }
    }
}
