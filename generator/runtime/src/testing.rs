//! The machinery of a generated crate's typed mocks (its `testing` module,
//! Cargo feature `testing`): path values and matching, the route every mock
//! starts from, the expectation a mock becomes once its answer is chosen, and
//! `operation_mock!`, the part of each operation's mock that is the same for
//! all. The generated module adds the mock server and the typed answers.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// Matches any value of a path parameter: `mock.group().get(Any)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Any;

/// The value a mock expects for a path parameter: one value (as the
/// client sends it, compared after percent-decoding) or any ([`Any`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathValue {
    /// Exactly this value.
    Is(String),
    /// Any value.
    Any,
}

impl From<Any> for PathValue {
    fn from(_: Any) -> Self {
        PathValue::Any
    }
}

impl From<&str> for PathValue {
    fn from(value: &str) -> Self {
        PathValue::Is(value.to_string())
    }
}

impl From<String> for PathValue {
    fn from(value: String) -> Self {
        PathValue::Is(value)
    }
}

impl From<&String> for PathValue {
    fn from(value: &String) -> Self {
        PathValue::Is(value.clone())
    }
}

impl From<i32> for PathValue {
    fn from(value: i32) -> Self {
        PathValue::Is(value.to_string())
    }
}

impl From<i64> for PathValue {
    fn from(value: i64) -> Self {
        PathValue::Is(value.to_string())
    }
}

impl From<f64> for PathValue {
    fn from(value: f64) -> Self {
        PathValue::Is(value.to_string())
    }
}

impl From<bool> for PathValue {
    fn from(value: bool) -> Self {
        PathValue::Is(value.to_string())
    }
}

/// Matches the request path against an operation's path template:
/// the literal text around each parameter, and each parameter's value.
struct PathMatcher {
    pattern: regex_lite::Regex,
    values: Vec<PathValue>,
}

impl wiremock::Match for PathMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let Some(captures) = self.pattern.captures(request.url.path()) else { return false };
        self.values.iter().enumerate().all(|(i, expected)| match expected {
            PathValue::Any => true,
            PathValue::Is(value) => captures.get(i + 1).is_some_and(|sent| {
                percent_encoding::percent_decode_str(sent.as_str()).decode_utf8().is_ok_and(|sent| sent == value.as_str())
            }),
        })
    }
}

/// The method and path of an operation, before its answer is chosen.
pub struct Route<'a> {
    server: &'a wiremock::MockServer,
    mock: wiremock::MockBuilder,
}

impl<'a> Route<'a> {
    /// `literals` are the path's text before each parameter and after
    /// the last (one more than `values`).
    pub fn new(server: &'a wiremock::MockServer, method: &'static str, literals: &[&'static str], values: Vec<PathValue>) -> Self {
        let mut pattern = String::from("^");
        for (i, literal) in literals.iter().enumerate() {
            if i > 0 {
                pattern.push_str("([^/]*)");
            }
            pattern.push_str(&regex_lite::escape(literal));
        }
        pattern.push('$');
        let pattern = regex_lite::Regex::new(&pattern).expect("an escaped path template is a valid pattern");
        let mock = wiremock::Mock::given(wiremock::matchers::method(method)).and(PathMatcher { pattern, values });
        Route { server, mock }
    }

    /// Also requires `matcher`.
    pub fn and(self, matcher: impl wiremock::Match + 'static) -> Self {
        Route { server: self.server, mock: self.mock.and(matcher) }
    }

    /// Answers `status` with `body` as JSON.
    #[cfg(feature = "testing-json")]
    pub fn json(self, status: u16, body: &impl serde::Serialize) -> MockExpectation<'a> {
        let body = serde_json::to_vec(body).expect("the body serialises to JSON");
        self.raw(status, "application/json", body)
    }

    /// Answers `status` with `body` of `content_type`.
    pub fn raw(self, status: u16, content_type: &str, body: Vec<u8>) -> MockExpectation<'a> {
        self.respond(wiremock::ResponseTemplate::new(status).set_body_raw(body, content_type))
    }

    /// Answers `status` without a body.
    #[cfg(feature = "testing-empty")]
    pub fn empty(self, status: u16) -> MockExpectation<'a> {
        self.respond(wiremock::ResponseTemplate::new(status))
    }

    fn respond(self, response: wiremock::ResponseTemplate) -> MockExpectation<'a> {
        MockExpectation { server: self.server, mock: self.mock, response, times: None, limit: None, name: None }
    }
}

/// A mocked operation with its answer chosen. Mount it with `.await`
/// (or [`MockExpectation::mount`]); before that, say how many calls it
/// requires ([`MockExpectation::expect`]) or accepts, or change the answer's
/// headers and delay.
#[must_use = "a mock does nothing until it is mounted with `.await`"]
pub struct MockExpectation<'a> {
    server: &'a wiremock::MockServer,
    mock: wiremock::MockBuilder,
    response: wiremock::ResponseTemplate,
    times: Option<wiremock::Times>,
    limit: Option<u64>,
    name: Option<String>,
}

impl<'a> MockExpectation<'a> {
    /// Requires this many matching calls (`1`, `0`, `2..`, `..=3`), checked by
    /// the mock server's `verify` and when the server is dropped.
    pub fn expect(mut self, times: impl Into<wiremock::Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Answers at most `n` calls; later calls fall through to other mocks
    /// (or get a 404), e.g. to answer a retried call differently.
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Names the mock in the message of a failed `verify`.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a header to the answer (`Retry-After`, a rate-limit header, …).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.response = self.response.insert_header(name, value);
        self
    }

    /// Sends the answer only after `delay` (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.response = self.response.set_delay(delay);
        self
    }

    fn into_mock(self) -> (wiremock::Mock, &'a wiremock::MockServer) {
        let mut mock = self.mock.respond_with(self.response);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        if let Some(n) = self.limit {
            mock = mock.up_to_n_times(n);
        }
        if let Some(name) = self.name {
            mock = mock.named(name);
        }
        (mock, self.server)
    }

    /// Mounts the mock on its server, for as long as the server lives.
    pub async fn mount(self) {
        let (mock, server) = self.into_mock();
        mock.mount(server).await;
    }

    /// Mounts the mock until the returned guard is dropped; the guard
    /// checks the expected calls when dropped.
    pub async fn mount_as_scoped(self) -> wiremock::MockGuard {
        let (mock, server) = self.into_mock();
        mock.mount_as_scoped(server).await
    }
}

impl<'a> IntoFuture for MockExpectation<'a> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

    /// Lets `.await` mount the mock ([`MockExpectation::mount`]).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

/// One operation's mock: the struct holding its [`Route`], `and` (another
/// matcher) and `respond_with_raw` (any answer). The generator writes the
/// typed answers (`respond_with`, `fail_with_…`) in an `impl` of its own.
#[macro_export]
macro_rules! operation_mock {
    // The generator writes `pub struct XMock;` (no lifetime: a long name would have
    // prettyplease break `<'a>` over lines); the mock borrows the server for `'a`.
    //
    // `enum Answers { respond_with(Body) = 200, … }` lists the answers that send a JSON
    // body at a fixed status, each a method `respond_with(self, body: Body)`; an
    // enum's syntax only so that the list is laid out like the code around it.
    (
        $(#[$meta:meta])* pub struct $mock:ident;
        $( enum Answers { $( $(#[$answer_meta:meta])* $answer:ident($body:ty $(,)?) = $status:literal ),* $(,)? } )?
    ) => {
        $(#[$meta])*
        #[must_use = "a mock does nothing until its answer is chosen and it is mounted with `.await`"]
        pub struct $mock<'a> {
            route: $crate::testing::Route<'a>,
        }

        impl<'a> $mock<'a> {
            /// Also requires `matcher`: any wiremock matcher (a query parameter, a header, the body).
            pub fn and(self, matcher: impl ::wiremock::Match + 'static) -> Self {
                $mock { route: self.route.and(matcher) }
            }

            /// Answers with `status`, `content_type` and `body` as given: any status,
            /// declared or not, and bodies the typed answers do not cover.
            pub fn respond_with_raw(
                self,
                status: u16,
                content_type: &str,
                body: impl ::core::convert::Into<::std::vec::Vec<u8>>,
            ) -> $crate::testing::MockExpectation<'a> {
                self.route.raw(status, content_type, body.into())
            }
        }

        $(
            impl<'a> $mock<'a> {
                $(
                    $(#[$answer_meta])*
                    pub fn $answer(self, body: $body) -> $crate::testing::MockExpectation<'a> {
                        self.route.json($status, &body)
                    }
                )*
            }
        )?
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_route_matches_its_method_and_each_path_value_after_percent_decoding() {
        let server = wiremock::MockServer::start().await;
        Route::new(&server, "GET", &["/items/", "/parts/", ""], vec![PathValue::from("a b"), Any.into()])
            .raw(200, "text/plain", b"ok".to_vec())
            .expect(2)
            .await;
        let http = reqwest::Client::new();
        let get = |path: &str| http.get(format!("{}{path}", server.uri())).send();
        assert_eq!(get("/items/a%20b/parts/7").await.expect("served").status(), 200);
        assert_eq!(get("/items/a%20b/parts/x").await.expect("served").status(), 200);
        assert_eq!(get("/items/other/parts/7").await.expect("served").status(), 404);
        assert_eq!(get("/items/a%20b/parts/7/more").await.expect("served").status(), 404);
        let post = http.post(format!("{}/items/a%20b/parts/7", server.uri())).send().await.expect("served");
        assert_eq!(post.status(), 404);
        server.verify().await;
    }
}
