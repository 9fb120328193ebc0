//! A request as an operation builds it, and what a single call may override.

#[cfg(feature = "operations")]
use std::borrow::Cow;
use std::time::Duration;

#[cfg(feature = "operations")]
use bytes::Bytes;

#[cfg(feature = "operations")]
use super::retry::RetryPolicy;

#[cfg(feature = "operations")]
/// One request, ready to send. `Default` gives what an operation leaves out
/// of its literal: no query, headers or body.
#[derive(Default)]
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
    /// Extra query parameters (ones the SDK does not know yet), sent after the operation's.
    pub query: Vec<(String, String)>,
    /// Extra fields merged into a JSON object body (ones the SDK does not know yet).
    #[cfg(feature = "json-body")]
    pub body_fields: Vec<(String, serde_json::Value)>,
    /// Whether the checks of the API document's constraints are skipped.
    pub skip_validation: bool,
}

/// The setters every request builder has for what a single call may override,
/// written once here instead of in every builder (it expands inside `impl`
/// blocks with an `options: CallOptions` field). `json_body` adds
/// `body_field` to builders of operations with a JSON body.
#[cfg(feature = "operations")]
#[macro_export]
macro_rules! call_options {
    () => {
        /// The deadline of this call, retries and waits included (overrides the client's timeout).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = ::core::option::Option::Some(timeout);
            self
        }

        /// The longest response body this call reads, in bytes (overrides the client's limit).
        pub fn max_response_body(mut self, bytes: u64) -> Self {
            self.options.max_body_bytes = ::core::option::Option::Some(bytes);
            self
        }

        /// Retries this call by `policy` instead of the client's policy
        /// (`RetryPolicy::none()` switches retries off).
        pub fn retries(mut self, policy: $crate::retry::RetryPolicy) -> Self {
            self.options.retry = ::core::option::Option::Some(policy);
            self
        }

        /// Adds a header to this call (a header the SDK does not know yet, or one that
        /// replaces a default of the same name).
        pub fn header(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.options.headers.push((name.into(), value.into()));
            self
        }

        /// Adds a query parameter to this call (one the SDK does not know yet), sent
        /// after the operation's own.
        pub fn extra_query(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.options.query.push((name.into(), value.into()));
            self
        }

        /// Sends this call without checking its parameters and body against the API
        /// document's constraints (for when the API has relaxed one before this crate
        /// caught up); the server still checks them.
        pub fn skip_validation(mut self) -> Self {
            self.options.skip_validation = true;
            self
        }

        /// Sends this call to another server (overrides the client's base URL).
        pub fn base_url(mut self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.options.base_url = ::core::option::Option::Some(url.into());
            self
        }
    };
    (json_body) => {
        $crate::call_options!();

        /// Sets a field of the JSON body (one the SDK does not know yet, or a value its
        /// type cannot express); it replaces a field of the same name.
        pub fn body_field(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::core::convert::Into<::serde_json::Value>) -> Self {
            self.options.body_fields.push((name.into(), value.into()));
            self
        }
    };
}

/// What every request builder does with its `send_with_response` (which the
/// generator writes, as it decodes each operation's statuses): `send`, which
/// keeps the body only, `.await` on the builder, and a compile-time check that
/// the builder is `Send + Sync`. Written once here instead of in every builder.
/// `#[inline]`, like `send_with_response`: an operation's future is compiled in
/// the crates that call it, not for every operation when the SDK is built.
#[cfg(feature = "operations")]
#[macro_export]
macro_rules! operation_send {
    // prettyplease breaks a long `Result<…>` over lines with a trailing comma.
    (impl IntoFuture for $builder:ident { type Output = Result<$success:ty, $error:ty $(,)?>; }) => {
        impl $builder {
            /// Sends the request and decodes the response body.
            #[inline]
            pub async fn send(self) -> ::core::result::Result<$success, $error> {
                self.send_with_response().await.map($crate::errors::ApiResponse::into_body)
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = ::core::result::Result<$success, $error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::core::marker::Send>>;

            /// Lets `.await` on the builder send the request.
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }

        // Builders cross threads and tasks (spawned calls).
        const _: () = {
            const fn send_sync<T: ::core::marker::Send + ::core::marker::Sync + 'static>() {}
            send_sync::<$builder>();
        };
    };
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

#[cfg(all(test, feature = "operations"))]
mod operation_send_tests {
    use std::collections::BTreeMap;

    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    use crate::errors::ApiResponse;

    type Body = BTreeMap<String, Vec<i32>>;

    struct LongBuilder;

    impl LongBuilder {
        async fn send_with_response(self) -> Result<ApiResponse<Body>, std::fmt::Error> {
            let body = BTreeMap::from([("a".to_string(), vec![1])]);
            Ok(ApiResponse { status: StatusCode::OK, headers: HeaderMap::new(), body, raw: Default::default() })
        }
    }

    // As prettyplease prints a long output type: over lines, with a trailing comma.
    crate::operation_send! {
        impl IntoFuture for LongBuilder {
            type Output = Result<
                ::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<i32>>,
                std::fmt::Error,
            >;
        }
    }

    #[tokio::test]
    async fn send_and_await_give_the_body() {
        assert_eq!(LongBuilder.send().await.expect("sent")["a"], [1]);
        assert_eq!(LongBuilder.await.expect("sent")["a"], [1]);
    }
}
