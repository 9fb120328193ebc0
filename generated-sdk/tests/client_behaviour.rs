//! Behaviour of the client runtime against local wiremock servers: retries and
//! backoff, `Retry-After`, non-idempotent writes, connection failures, timeouts,
//! pagination, tri-state fields, open enums, secret redaction (Debug and
//! tracing), validation before sending, hooks and client configuration.
//!
//! Mocks are mounted with `.expect(n)` wherever the number of requests matters:
//! a wrong count makes the test fail when its `MockServer` is dropped.

mod common;
use common::key_json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use openrouter_byok::byok::{
    CreateByokKeyError, GetByokKeyError, ListByokKeysError, UpdateByokKeyError,
};
use openrouter_byok::models::{
    ByokKey, ByokProviderSlug, CreateByokKeyRequest, UpdateByokKeyRequest,
};
use openrouter_byok::{
    BuildError, Client, Hook, HookAction, HookError, HookFuture, HookResponse, Nullable,
    RequestContext, RetryPolicy, SecretString, ValidationError,
};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use wiremock::matchers::{any, body_string, header, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

// ---------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------

/// The OpenRouter management key the clients are configured with.
const API_KEY: &str = "sk-or-v1-behaviour-api-key-5f2c9a7e31d04b68";
/// The raw upstream provider key sent through `create`.
const RAW_KEY: &str = "sk-proj-raw-provider-secret-8d41b0c2e9f7";
/// A well-formed `api_keys.hash` (64 lowercase hex digits).
const HASH: &str = "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943";
const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const KEY_PATH: &str = "/byok/11111111-2222-3333-4444-555555555555";


/// A `{ "data": <key> }` body (get, create, update).
fn one_key(id: &str) -> Value {
    json!({ "data": key_json(id) })
}

/// A list page holding credentials with the given ids.
fn page(ids: &[&str], total: i64) -> Value {
    json!({ "data": ids.iter().map(|id| key_json(id)).collect::<Vec<_>>(), "total_count": total })
}

/// An error response shaped like the spec's error bodies.
fn error(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "error": { "code": status, "message": "test error" } }))
}

fn ok_json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A client for `server` with the given retry policy.
fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(policy)
        .build()
        .expect("client builds")
}

/// The spec's retry policy (statuses, idempotency rules) with delays short
/// enough for tests, capped at 5 attempts and a 3 s budget so that a call the
/// SDK wrongly keeps retrying fails its mock's `.expect(n)` instead of hanging.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .max_attempts(5)
        .max_elapsed(Duration::from_secs(3))
}

fn create_body() -> CreateByokKeyRequest {
    CreateByokKeyRequest::new(ByokProviderSlug::Openai, SecretString::new(RAW_KEY))
}

/// Answers with `responses` in order, repeating the last one.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

fn sequence(responses: impl IntoIterator<Item = ResponseTemplate>) -> Sequence {
    let responses: Vec<_> = responses.into_iter().collect();
    assert!(!responses.is_empty());
    Sequence {
        responses,
        next: AtomicUsize::new(0),
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

/// Matches a list request for the page at `offset` with `limit=<limit>`; a
/// missing `offset` counts as 0 (the API's default).
struct PageAt {
    offset: u64,
    limit: &'static str,
}

impl Match for PageAt {
    fn matches(&self, request: &Request) -> bool {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let offset_ok = match param("offset") {
            None => self.offset == 0,
            Some(v) => v.parse::<u64>().ok() == Some(self.offset),
        };
        offset_ok && param("limit").as_deref() == Some(self.limit)
    }
}

/// `(operation_id, status, attempt)` of each response a hook saw.
type SeenResponses = Arc<Mutex<Vec<(&'static str, u16, u32)>>>;

/// Records what hooks see: `(operation_id, attempt)` before each attempt and
/// `(operation_id, status, attempt)` after each response.
#[derive(Clone, Default)]
struct Recorder {
    before: Arc<Mutex<Vec<(&'static str, u32)>>>,
    after: SeenResponses,
}

impl Hook for Recorder {
    fn before_request<'a>(
        &'a self,
        ctx: &'a RequestContext<'a>,
        _: &'a mut reqwest::Request,
    ) -> HookFuture<'a, Result<HookAction, HookError>> {
        self.before
            .lock()
            .unwrap()
            .push((ctx.operation_id, ctx.attempt));
        Box::pin(async { Ok(HookAction::Continue) })
    }
    fn after_response<'a>(
        &'a self,
        ctx: &'a RequestContext<'a>,
        status: StatusCode,
        _: &'a HeaderMap,
    ) -> HookFuture<'a, ()> {
        self.after
            .lock()
            .unwrap()
            .push((ctx.operation_id, status.as_u16(), ctx.attempt));
        Box::pin(async {})
    }
}

impl Recorder {
    fn before(&self) -> Vec<(&'static str, u32)> {
        self.before.lock().unwrap().clone()
    }
    fn after(&self) -> Vec<(&'static str, u16, u32)> {
        self.after.lock().unwrap().clone()
    }
}

/// A port on loopback on which nothing listens any more.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

/// `time` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), built by hand.
fn imf_fixdate(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[test]
fn imf_fixdate_helper_formats_known_instants() {
    assert_eq!(
        imf_fixdate(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    assert_eq!(
        imf_fixdate(UNIX_EPOCH + Duration::from_secs(1_709_210_096)),
        "Thu, 29 Feb 2024 12:34:56 GMT"
    );
}

// ---------------------------------------------------------------------------
// 1. Retries with exponential backoff
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_retries_500s_with_backoff_and_succeeds_on_the_third_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(sequence([
            error(500),
            error(500),
            ok_json(200, one_key(KEY_ID)),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let policy = RetryPolicy::default()
        .initial_interval(Duration::from_millis(50))
        .exponent(2.0)
        .max_interval(Duration::from_secs(1));
    let client = client(&server, policy);

    let started = Instant::now();
    let key = client
        .byok()
        .get(KEY_ID)
        .await
        .expect("third attempt succeeds");
    let elapsed = started.elapsed();

    assert_eq!(key.data.id, KEY_ID);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // Delays of 50 ms and 100 ms, each jittered by at most -25%.
    assert!(
        elapsed >= Duration::from_micros(112_500),
        "backoff too short: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn max_attempts_caps_the_number_of_tries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries().max_attempts(2));

    let err = client
        .byok()
        .get(KEY_ID)
        .await
        .expect_err("every attempt fails");

    assert!(
        matches!(err, GetByokKeyError::InternalServerError(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn max_elapsed_budget_stops_retries_whose_delay_would_overrun_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    // The first delay is at least 1.5 s; the budget is 100 ms.
    let policy = RetryPolicy::default()
        .initial_interval(Duration::from_secs(2))
        .max_elapsed(Duration::from_millis(100))
        .max_attempts(2);
    let client = client(&server, policy);

    let started = Instant::now();
    let err = client.byok().get(KEY_ID).await.expect_err("500");

    assert!(
        matches!(err, GetByokKeyError::InternalServerError(_)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "slept although out of budget: {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------
// 2. Retry-After
// ---------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_seconds_on_429_replaces_the_computed_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(sequence([
            error(429).insert_header("Retry-After", "1"),
            ok_json(200, page(&[KEY_ID], 1)),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    // Own backoff is at most 20 ms: only Retry-After explains a 1 s wait.
    let client = client(&server, fast_retries());

    let started = Instant::now();
    let list = client.byok().list().await.expect("second attempt succeeds");
    let elapsed = started.elapsed();

    assert_eq!(list.data.len(), 1);
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After ignored: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    // Whole seconds: `floor(now) + 2 s` lies between 1 s and 2 s ahead.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let when = imf_fixdate(UNIX_EPOCH + Duration::from_secs(now + 2));
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(sequence([
            error(503).insert_header("Retry-After", when.as_str()),
            ok_json(200, one_key(KEY_ID)),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());

    let started = Instant::now();
    client
        .byok()
        .get(KEY_ID)
        .await
        .expect("second attempt succeeds");
    let elapsed = started.elapsed();

    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After date ignored ({when}): {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

// ---------------------------------------------------------------------------
// 3. Non-idempotent writes (POST, PATCH)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn post_answered_500_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());

    let err = client.byok().create(create_body()).await.expect_err("500");

    assert!(
        matches!(err, CreateByokKeyError::InternalServerError(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn patch_answered_500_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());

    let err = client
        .byok()
        .update(KEY_ID, UpdateByokKeyRequest::default())
        .await
        .expect_err("500");

    assert!(
        matches!(err, UpdateByokKeyError::InternalServerError(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn post_answered_500_is_retried_after_opting_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(sequence([error(500), ok_json(201, one_key("new-key"))]))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());

    let created = client
        .byok()
        .create(create_body())
        .retries(fast_retries().retry_non_idempotent(true))
        .await
        .expect("retried POST succeeds");

    assert_eq!(created.data.id, "new-key");
}

#[tokio::test]
async fn post_answered_503_or_429_is_retried_without_opting_in() {
    for status in [503, 429] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/byok"))
            .respond_with(sequence([error(status), ok_json(201, one_key("new-key"))]))
            .expect(2)
            .mount(&server)
            .await;
        let client = client(&server, fast_retries());

        let created = client.byok().create(create_body()).await;

        assert!(created.is_ok(), "POST after {status}: {created:?}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "status {status}"
        );
    }
}

// ---------------------------------------------------------------------------
// 4. Connection failures
// ---------------------------------------------------------------------------

#[tokio::test]
async fn refused_connections_are_retried_then_reported_as_transport_errors() {
    let recorder = Recorder::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry_policy(fast_retries().max_attempts(3))
        .hook(recorder.clone())
        .build()
        .expect("client builds");

    let err = client
        .byok()
        .get(KEY_ID)
        .await
        .expect_err("nothing listens");

    match &err {
        GetByokKeyError::Transport(e) => assert!(e.is_connect(), "not a connect error: {e}"),
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert_eq!(
        recorder.before(),
        [("getBYOKKey", 1), ("getBYOKKey", 2), ("getBYOKKey", 3)]
    );
    assert!(recorder.after().is_empty(), "no response can have arrived");
}

#[tokio::test]
async fn refused_connections_are_retried_for_post_too() {
    // Nothing was sent, so repeating a POST cannot duplicate it.
    let recorder = Recorder::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry_policy(fast_retries().max_attempts(3))
        .hook(recorder.clone())
        .build()
        .expect("client builds");

    let err = client
        .byok()
        .create(create_body())
        .await
        .expect_err("nothing listens");

    assert!(
        matches!(&err, CreateByokKeyError::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    assert_eq!(recorder.before().len(), 3);
}

// ---------------------------------------------------------------------------
// 5. Retries switched off; undeclared statuses
// ---------------------------------------------------------------------------

#[tokio::test]
async fn retry_policy_none_makes_a_single_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let err = client.byok().get(KEY_ID).await.expect_err("500");

    match &err {
        GetByokKeyError::InternalServerError(e) => {
            assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(e.body.error.code, 500);
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
}

#[tokio::test]
async fn per_call_retries_override_the_client_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());

    let err = client
        .byok()
        .get(KEY_ID)
        .retries(RetryPolicy::none())
        .await
        .expect_err("500");

    assert!(
        matches!(err, GetByokKeyError::InternalServerError(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn undeclared_429_is_an_unexpected_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(error(429))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let err = client.byok().list().await.expect_err("429");

    match &err {
        ListByokKeysError::UnexpectedStatus(e) => {
            assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS)
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
}

// ---------------------------------------------------------------------------
// 6. Timeouts
// ---------------------------------------------------------------------------

/// A server whose answer to `GET /byok/{id}` takes `delay`.
async fn slow_server(delay: Duration, expected: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ok_json(200, one_key(KEY_ID)).set_delay(delay))
        .expect(expected)
        .mount(&server)
        .await;
    server
}

fn assert_timeout(err: &GetByokKeyError) {
    match err {
        GetByokKeyError::Timeout(e) => assert!(e.is_timeout(), "{e}"),
        other => panic!("expected Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn client_timeout_gives_the_timeout_variant() {
    let server = slow_server(Duration::from_secs(2), 1).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.byok().get(KEY_ID).await.expect_err("times out");

    assert_timeout(&err);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn per_call_timeout_applies_without_a_client_timeout() {
    let server = slow_server(Duration::from_secs(2), 1).await;
    let client = client(&server, RetryPolicy::none());

    let started = Instant::now();
    let err = client
        .byok()
        .get(KEY_ID)
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("times out");

    assert_timeout(&err);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn per_call_longer_timeout_overrides_a_short_client_timeout() {
    let server = slow_server(Duration::from_millis(300), 1).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let key = client
        .byok()
        .get(KEY_ID)
        .timeout(Duration::from_secs(3))
        .await
        .expect("the call's own timeout is long enough");

    assert_eq!(key.data.id, KEY_ID);
}

/// A client whose attempts time out after `attempt` while the call's deadline is 5 s.
fn client_with_attempt_timeout(server: &MockServer, policy: RetryPolicy, attempt: Duration) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(policy)
        .timeout(Duration::from_secs(5))
        .attempt_timeout(attempt)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_timed_out_attempt_of_a_get_is_retried() {
    let server = slow_server(Duration::from_secs(2), 2).await;
    let client = client_with_attempt_timeout(&server, fast_retries().max_attempts(2), Duration::from_millis(150));

    let err = client.byok().get(KEY_ID).await.expect_err("times out twice");

    assert_timeout(&err);
}

#[tokio::test]
async fn the_deadline_covers_every_attempt_and_wait() {
    // Five attempts are allowed, but the first one already uses up the call's deadline.
    let server = slow_server(Duration::from_secs(5), 1).await;
    let client = client(&server, fast_retries());

    let started = Instant::now();
    let err = client
        .byok()
        .get(KEY_ID)
        .timeout(Duration::from_millis(300))
        .await
        .expect_err("times out");

    assert_timeout(&err);
    assert!(started.elapsed() < Duration::from_millis(600), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_timed_out_attempt_of_a_post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(ok_json(201, one_key("new-key")).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with_attempt_timeout(&server, fast_retries().max_attempts(3), Duration::from_millis(150));

    let err = client.byok().create(create_body()).await.expect_err("times out");

    assert!(
        matches!(&err, CreateByokKeyError::Timeout(e) if e.is_timeout()),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// 7. Pagination
// ---------------------------------------------------------------------------

/// Serves pages of 2 (`limit=2`): k1,k2 | k3,k4 | k5, each exactly once; any
/// other list request is an error.
async fn paged_server() -> MockServer {
    let server = MockServer::start().await;
    for (offset, ids) in [
        (0, &["k1", "k2"][..]),
        (2, &["k3", "k4"][..]),
        (4, &["k5"][..]),
    ] {
        Mock::given(method("GET"))
            .and(path("/byok"))
            .and(PageAt { offset, limit: "2" })
            .respond_with(ok_json(200, page(ids, 5)))
            .expect(1)
            .named(format!("page at offset {offset}"))
            .mount(&server)
            .await;
    }
    Mock::given(any())
        .respond_with(error(500))
        .with_priority(10)
        .expect(0)
        .named("any other request")
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn into_stream_yields_every_item_in_order_and_stops_after_a_short_page() {
    let server = paged_server().await;
    let client = client(&server, RetryPolicy::none());

    let items: Vec<_> = client.byok().list().limit(2).into_stream().collect().await;

    let ids: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("item").id)
        .collect();
    assert_eq!(ids, ["k1", "k2", "k3", "k4", "k5"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn into_pages_yields_each_page() {
    let server = paged_server().await;
    let client = client(&server, RetryPolicy::none());

    let pages: Vec<_> = client.byok().list().limit(2).into_pages().collect().await;

    let sizes: Vec<usize> = pages
        .into_iter()
        .map(|p| p.expect("page").data.len())
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
}

#[tokio::test]
async fn pagination_starts_at_the_builders_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(query_param("offset", "10"))
        .and(query_param("limit", "2"))
        .respond_with(ok_json(200, page(&["k11"], 11)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let items: Vec<_> = client
        .byok()
        .list()
        .offset(10)
        .limit(2)
        .into_stream()
        .collect()
        .await;

    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().expect("item").id, "k11");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .url
            .query_pairs()
            .any(|(k, v)| k == "offset" && v == "10")
    );
}

#[tokio::test]
async fn an_error_page_is_yielded_and_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(PageAt {
            offset: 0,
            limit: "2",
        })
        .respond_with(ok_json(200, page(&["k1", "k2"], 5)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(PageAt {
            offset: 2,
            limit: "2",
        })
        .respond_with(error(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let mut stream = Box::pin(client.byok().list().limit(2).into_stream());

    assert_eq!(stream.next().await.unwrap().unwrap().id, "k1");
    assert_eq!(stream.next().await.unwrap().unwrap().id, "k2");
    let err = stream
        .next()
        .await
        .expect("the error is yielded")
        .expect_err("page 2 fails");
    assert!(
        matches!(err, ListByokKeysError::InternalServerError(_)),
        "{err:?}"
    );
    assert!(
        stream.next().await.is_none(),
        "the stream must end after an error"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_empty_first_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(ok_json(200, page(&[], 0)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let items: Vec<_> = client.byok().list().limit(2).into_stream().collect().await;

    assert!(items.is_empty(), "{items:?}");
}

// ---------------------------------------------------------------------------
// 8. Tri-state (Nullable) fields
// ---------------------------------------------------------------------------

#[tokio::test]
async fn update_sends_an_explicit_null_and_nothing_else() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(body_string(r#"{"allowed_api_key_hashes":null}"#))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    let body = {
        let mut value = UpdateByokKeyRequest::default();
        value.allowed_api_key_hashes = Nullable::Null;
        value
    };

    client
        .byok()
        .update(KEY_ID, body)
        .await
        .expect("update succeeds");
}

#[tokio::test]
async fn update_with_a_default_body_sends_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(body_string("{}"))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    client
        .byok()
        .update(KEY_ID, UpdateByokKeyRequest::default())
        .await
        .expect("update succeeds");
}

#[test]
fn nullable_fields_deserialise_into_three_states() {
    let null: UpdateByokKeyRequest =
        serde_json::from_value(json!({ "allowed_api_key_hashes": null })).unwrap();
    let absent: UpdateByokKeyRequest = serde_json::from_value(json!({})).unwrap();
    let value: UpdateByokKeyRequest =
        serde_json::from_value(json!({ "allowed_api_key_hashes": [HASH] })).unwrap();

    assert_eq!(null.allowed_api_key_hashes, Nullable::Null);
    assert_eq!(absent.allowed_api_key_hashes, Nullable::Absent);
    assert_eq!(
        value.allowed_api_key_hashes,
        Nullable::Value(vec![HASH.to_string()])
    );

    let mut key = key_json(KEY_ID);
    key["name"] = Value::Null;
    assert_eq!(
        serde_json::from_value::<ByokKey>(key.clone()).unwrap().name,
        Nullable::Null
    );
    key.as_object_mut().unwrap().remove("name");
    assert_eq!(
        serde_json::from_value::<ByokKey>(key).unwrap().name,
        Nullable::Absent
    );
    assert_eq!(
        serde_json::from_value::<ByokKey>(key_json(KEY_ID))
            .unwrap()
            .name,
        Nullable::Value("Production OpenAI Key".to_string())
    );
}

#[test]
fn nullable_fields_serialise_back_to_the_same_json() {
    for input in [
        json!({}),
        json!({ "allowed_api_key_hashes": null }),
        json!({ "allowed_api_key_hashes": [HASH], "name": null }),
    ] {
        let body: UpdateByokKeyRequest = serde_json::from_value(input.clone()).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), input);
    }
}

// ---------------------------------------------------------------------------
// 9. Open enum
// ---------------------------------------------------------------------------

#[test]
fn unknown_provider_slugs_are_kept_as_received() {
    let unknown = ByokProviderSlug::from("brand-new");
    assert!(matches!(&unknown, ByokProviderSlug::Unknown(v) if v.as_str() == "brand-new"));
    assert_eq!(unknown.as_str(), "brand-new");
    assert_eq!(unknown.to_string(), "brand-new");
    assert_eq!("brand-new".parse::<ByokProviderSlug>().unwrap(), unknown);

    assert_eq!(
        ByokProviderSlug::from("amazon-bedrock"),
        ByokProviderSlug::AmazonBedrock
    );
    assert_eq!(
        ByokProviderSlug::AmazonBedrock.to_string(),
        "amazon-bedrock"
    );
    assert_eq!(
        "z-ai".parse::<ByokProviderSlug>().unwrap(),
        ByokProviderSlug::ZAi
    );
}

#[test]
fn provider_slugs_round_trip_through_serde() {
    for (slug, wire) in [
        (
            ByokProviderSlug::from("brand-new"),
            "\"brand-new\"",
        ),
        (ByokProviderSlug::GoogleVertex, "\"google-vertex\""),
    ] {
        assert_eq!(serde_json::to_string(&slug).unwrap(), wire);
        assert_eq!(
            serde_json::from_str::<ByokProviderSlug>(wire).unwrap(),
            slug
        );
    }
    let mut key = key_json(KEY_ID);
    key["provider"] = json!("brand-new");
    let decoded: ByokKey = serde_json::from_value(key).expect("unknown slug decodes");
    assert_eq!(decoded.provider.as_str(), "brand-new");
}

// ---------------------------------------------------------------------------
// 10. Secrets stay out of Debug output and logs
// ---------------------------------------------------------------------------

fn assert_no_secrets(what: &str, text: &str) {
    assert!(!text.contains(API_KEY), "{what} leaks the API key: {text}");
    assert!(
        !text.contains(RAW_KEY),
        "{what} leaks the raw provider key: {text}"
    );
}

#[test]
fn debug_output_redacts_the_api_key_and_the_raw_key() {
    let builder = Client::builder()
        .api_key(API_KEY)
        .base_url("http://127.0.0.1:9");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let request = create_body();
    let request_debug = format!("{request:?}");
    let call_debug = format!("{:?}", client.byok().create(request.clone()));

    assert_no_secrets("ClientBuilder", &builder_debug);
    assert_no_secrets("Client", &client_debug);
    assert_no_secrets("CreateByokKeyRequest", &request_debug);
    assert_no_secrets("CreateByokKeyBuilder", &call_debug);
    assert!(
        client_debug.contains("http://127.0.0.1:9"),
        "{client_debug}"
    );
    assert!(request_debug.contains("REDACTED"), "{request_debug}");
    // The value is still there to be sent.
    assert_eq!(request.key.expose(), RAW_KEY);
}

#[test]
fn an_api_key_unfit_for_a_header_is_rejected_without_echoing_it() {
    let bad_key = format!("{API_KEY}\n");
    let err = Client::builder()
        .api_key(bad_key)
        .build()
        .expect_err("newline in key");

    assert!(matches!(err, BuildError::InvalidApiKey), "{err:?}");
    assert_no_secrets("BuildError Debug", &format!("{err:?}"));
    assert_no_secrets("BuildError Display", &err.to_string());
}

#[tokio::test]
async fn create_errors_do_not_contain_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(error(401))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let err = client.byok().create(create_body()).await.expect_err("401");

    assert!(
        matches!(err, CreateByokKeyError::Unauthorized(_)),
        "{err:?}"
    );
    assert_no_secrets("CreateByokKeyError Debug", &format!("{err:?}"));
    assert_no_secrets("CreateByokKeyError Display", &err.to_string());
}

/// A `MakeWriter` collecting formatted tracing output in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn tracing_names_the_operation_and_attempt_but_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(sequence([error(503), ok_json(201, one_key("new-key"))]))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();

    // Current-thread runtime: the call is polled on this thread, under this default.
    let guard = tracing::subscriber::set_default(subscriber);
    let created = client.byok().create(create_body()).await;
    drop(guard);

    created.expect("the retried create succeeds");
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("createBYOKKey"), "no operation id in: {text}");
    assert!(text.contains("attempt"), "no attempt in: {text}");
    assert!(text.contains("retrying"), "no retry event in: {text}");
    // The span records the second attempt too.
    assert!(
        text.contains("attempt=2"),
        "second attempt not recorded in: {text}"
    );
    assert_no_secrets("tracing output", &text);
}

// ---------------------------------------------------------------------------
// 11. Validation before sending
// ---------------------------------------------------------------------------

/// A server that must not receive any request.
async fn untouched_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    server
}

fn assert_invalid(err: Option<&ValidationError>, field: &str, rule: &str) {
    let err = err.unwrap_or_else(|| panic!("expected a validation error on {field}"));
    assert_eq!(err.field, field);
    assert!(
        err.rule.contains(rule),
        "rule `{}` lacks `{rule}`",
        err.rule
    );
}

fn list_validation(err: &ListByokKeysError) -> Option<&ValidationError> {
    match err {
        ListByokKeysError::Validation(v) => Some(v),
        _ => None,
    }
}

fn create_validation(err: &CreateByokKeyError) -> Option<&ValidationError> {
    match err {
        CreateByokKeyError::Validation(v) => Some(v),
        _ => None,
    }
}

fn update_validation(err: &UpdateByokKeyError) -> Option<&ValidationError> {
    match err {
        UpdateByokKeyError::Validation(v) => Some(v),
        _ => None,
    }
}

#[tokio::test]
async fn list_limit_out_of_range_is_rejected_before_sending() {
    let server = untouched_server().await;
    let client = client(&server, RetryPolicy::none());

    let low = client.byok().list().limit(0).await.expect_err("limit 0");
    let high = client
        .byok()
        .list()
        .limit(101)
        .await
        .expect_err("limit 101");
    let negative = client
        .byok()
        .list()
        .offset(-1)
        .await
        .expect_err("offset -1");

    assert_invalid(list_validation(&low), "limit", "minimum 1");
    assert_invalid(list_validation(&high), "limit", "maximum 100");
    assert_invalid(list_validation(&negative), "offset", "minimum 0");
}

#[tokio::test]
async fn list_limit_bounds_are_accepted() {
    let server = MockServer::start().await;
    for limit in ["1", "100"] {
        Mock::given(method("GET"))
            .and(path("/byok"))
            .and(query_param("limit", limit))
            .respond_with(ok_json(200, page(&[], 0)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server, RetryPolicy::none());

    client
        .byok()
        .list()
        .limit(1)
        .await
        .expect("limit 1 is valid");
    client
        .byok()
        .list()
        .limit(100)
        .await
        .expect("limit 100 is valid");
}

#[tokio::test]
async fn create_name_longer_than_255_characters_is_rejected() {
    let server = untouched_server().await;
    let client = client(&server, RetryPolicy::none());
    let body = {
        let mut value = create_body();
        value.name = Nullable::Value("a".repeat(256));
        value
    };

    let err = client.byok().create(body).await.expect_err("name too long");

    assert_invalid(create_validation(&err), "body.name", "maxLength 255");
    assert_no_secrets("ValidationError", &err.to_string());
}

#[tokio::test]
async fn create_name_of_255_characters_is_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(ok_json(201, one_key("new-key")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    // 255 characters but 510 bytes: the limit counts characters.
    let body = {
        let mut value = create_body();
        value.name = Nullable::Value("é".repeat(255));
        value
    };

    client
        .byok()
        .create(body)
        .await
        .expect("255 characters are allowed");
}

#[tokio::test]
async fn malformed_key_hashes_are_rejected_for_create_and_update() {
    let server = untouched_server().await;
    let client = client(&server, RetryPolicy::none());
    let hashes = vec![HASH.to_string(), "xyz".to_string()];

    let create = {
        let mut value = create_body();
        value.allowed_api_key_hashes = Nullable::Value(vec!["xyz".to_string()]);
        value
    };
    let err = client.byok().create(create).await.expect_err("bad hash");
    assert_invalid(
        create_validation(&err),
        "body.allowed_api_key_hashes[0]",
        "pattern",
    );

    let update = {
        let mut value = UpdateByokKeyRequest::default();
        value.allowed_api_key_hashes = Nullable::Value(hashes);
        value
    };
    let err = client
        .byok()
        .update(KEY_ID, update)
        .await
        .expect_err("bad hash");
    assert_invalid(
        update_validation(&err),
        "body.allowed_api_key_hashes[1]",
        "pattern",
    );

    let uppercase = {
        let mut value = UpdateByokKeyRequest::default();
        value.allowed_api_key_hashes = Nullable::Value(vec![HASH.to_uppercase()]);
        value
    };
    let err = client
        .byok()
        .update(KEY_ID, uppercase)
        .await
        .expect_err("uppercase hash");
    assert_invalid(
        update_validation(&err),
        "body.allowed_api_key_hashes[0]",
        "pattern",
    );
}

#[tokio::test]
async fn an_empty_key_hash_list_is_rejected() {
    let server = untouched_server().await;
    let client = client(&server, RetryPolicy::none());

    let create = {
        let mut value = create_body();
        value.allowed_api_key_hashes = Nullable::Value(vec![]);
        value
    };
    let err = client.byok().create(create).await.expect_err("empty list");
    assert_invalid(
        create_validation(&err),
        "body.allowed_api_key_hashes",
        "minItems 1",
    );

    let update = {
        let mut value = UpdateByokKeyRequest::default();
        value.allowed_api_key_hashes = Nullable::Value(vec![]);
        value
    };
    let err = client
        .byok()
        .update(KEY_ID, update)
        .await
        .expect_err("empty list");
    assert_invalid(
        update_validation(&err),
        "body.allowed_api_key_hashes",
        "minItems 1",
    );
}

#[tokio::test]
async fn valid_key_hashes_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(ok_json(201, one_key("new-key")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(body_string(format!(
            r#"{{"allowed_api_key_hashes":["{HASH}"]}}"#
        )))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    let hashes = Nullable::Value(vec![HASH.to_string()]);

    let create = {
        let mut value = create_body();
        value.allowed_api_key_hashes = hashes.clone();
        value
    };
    client.byok().create(create).await.expect("valid create");
    let update = {
        let mut value = UpdateByokKeyRequest::default();
        value.allowed_api_key_hashes = hashes;
        value
    };
    client
        .byok()
        .update(KEY_ID, update)
        .await
        .expect("valid update");
}

// ---------------------------------------------------------------------------
// 12. Hooks
// ---------------------------------------------------------------------------

/// Adds `x-trace-id` to every attempt and records every response.
#[derive(Clone, Default)]
struct TraceIdHook {
    seen: SeenResponses,
}

impl Hook for TraceIdHook {
    fn before_request<'a>(
        &'a self,
        _: &'a RequestContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            // Asynchronous work (fetching a token, say) before the request goes out.
            tokio::task::yield_now().await;
            request
                .headers_mut()
                .insert("x-trace-id", "trace-42".parse().unwrap());
            Ok(HookAction::Continue)
        })
    }
    fn after_response<'a>(
        &'a self,
        ctx: &'a RequestContext<'a>,
        status: StatusCode,
        _: &'a HeaderMap,
    ) -> HookFuture<'a, ()> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .push((ctx.operation_id, status.as_u16(), ctx.attempt));
        })
    }
}

#[tokio::test]
async fn hooks_change_the_request_and_observe_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(header("x-trace-id", "trace-42"))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let hook = TraceIdHook::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .hook(hook.clone())
        .build()
        .unwrap();

    client
        .byok()
        .get(KEY_ID)
        .await
        .expect("the hook's header matches");

    assert_eq!(*hook.seen.lock().unwrap(), [("getBYOKKey", 200, 1)]);
}

#[tokio::test]
async fn hooks_see_every_attempt_of_a_retried_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(sequence([error(500), ok_json(200, one_key(KEY_ID))]))
        .expect(2)
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .hook(recorder.clone())
        .build()
        .unwrap();

    client
        .byok()
        .get(KEY_ID)
        .await
        .expect("second attempt succeeds");

    assert_eq!(recorder.before(), [("getBYOKKey", 1), ("getBYOKKey", 2)]);
    assert_eq!(
        recorder.after(),
        [("getBYOKKey", 500, 1), ("getBYOKKey", 200, 2)]
    );
}

/// Refuses every call it sees (as a hook without a credential would), counting them.
#[derive(Clone, Default)]
struct Refuse {
    calls: Arc<Mutex<u32>>,
}

#[derive(Debug)]
struct NoToken;

impl std::fmt::Display for NoToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no token available")
    }
}

impl std::error::Error for NoToken {}

impl Hook for Refuse {
    fn before_request<'a>(
        &'a self,
        _: &'a RequestContext<'a>,
        _: &'a mut reqwest::Request,
    ) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            *self.calls.lock().unwrap() += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
            Err(HookError::new(NoToken))
        })
    }
}

#[tokio::test]
async fn a_failing_hook_ends_the_call_with_its_error_unretried_and_unsent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(0)
        .mount(&server)
        .await;
    let hook = Refuse::default();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .hook(hook.clone())
        .build()
        .unwrap();

    let result = tokio::time::timeout(Duration::from_secs(5), client.byok().get(KEY_ID))
        .await
        .expect("the call ends");

    let Err(GetByokKeyError::Hook(e)) = result else {
        panic!("expected the hook's error, got {result:?}");
    };
    assert_eq!(e.to_string(), "a hook stopped the call: no token available");
    assert!(std::error::Error::source(&e).is_some_and(|s| s.is::<NoToken>()));
    assert!(e.into_inner().downcast::<NoToken>().is_ok());
    assert_eq!(*hook.calls.lock().unwrap(), 1, "a failing hook is not retried");
}

/// Answers `getBYOKKey` itself (a cache, a fake) and lets other calls through.
#[derive(Clone)]
struct AnswerGets {
    status: u16,
    body: Value,
}

impl Hook for AnswerGets {
    fn before_request<'a>(
        &'a self,
        ctx: &'a RequestContext<'a>,
        _: &'a mut reqwest::Request,
    ) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            if ctx.operation_id != "getBYOKKey" {
                return Ok(HookAction::Continue);
            }
            let status = StatusCode::from_u16(self.status).unwrap();
            let response = HookResponse::json(status, &self.body).map_err(HookError::new)?;
            Ok(HookAction::Respond(response))
        })
    }
}

#[tokio::test]
async fn an_answering_hook_skips_the_network_and_its_answer_is_decoded_by_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(error(500))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(ok_json(200, page(&[KEY_ID], 1)))
        .expect(1)
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let build = |answer: AnswerGets| {
        Client::builder()
            .api_key(API_KEY)
            .base_url(server.uri())
            .retry_policy(RetryPolicy::none())
            .hook(answer)
            .hook(recorder.clone())
            .build()
            .unwrap()
    };
    let found = build(AnswerGets { status: 200, body: one_key(KEY_ID) });
    let missing = build(AnswerGets {
        status: 404,
        body: json!({ "error": { "code": 404, "message": "cached: gone" } }),
    });

    let within = |d| tokio::time::timeout(Duration::from_secs(5), d);
    let key = within(found.byok().get(KEY_ID)).await.unwrap().expect("the hook's answer decodes");
    assert_eq!(key.data.id, KEY_ID);
    let Err(GetByokKeyError::NotFound(e)) = within(missing.byok().get(KEY_ID)).await.unwrap() else {
        panic!("the hook's 404 is the declared NotFound error");
    };
    assert_eq!(e.body.error.message, "cached: gone");
    // Other calls still go out.
    tokio::time::timeout(Duration::from_secs(5), found.byok().list())
        .await
        .unwrap()
        .expect("list is sent");
    // The answering hook came first, so the recorder's before_request never saw a get,
    // but every after-response hook sees the answers.
    assert_eq!(recorder.before(), [("listBYOKKeys", 1)]);
    assert_eq!(
        recorder.after(),
        [("getBYOKKey", 200, 1), ("getBYOKKey", 404, 1), ("listBYOKKeys", 200, 1)]
    );
}

// ---------------------------------------------------------------------------
// 13. Client configuration
// ---------------------------------------------------------------------------

#[tokio::test]
async fn global_headers_user_agent_and_auth_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("HTTP-Referer", "https://app.example"))
        .and(header("X-Title", "My App"))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .http_referer("https://app.example")
        .x_title("My App")
        .build()
        .unwrap();

    client.byok().get(KEY_ID).await.expect("headers match");

    let requests = server.received_requests().await.unwrap();
    let agent = requests[0]
        .headers
        .get("user-agent")
        .expect("a User-Agent")
        .to_str()
        .unwrap();
    assert!(agent.starts_with("openrouter-byok/"), "User-Agent: {agent}");
}

#[tokio::test]
async fn per_call_header_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(header("x-extra", "1"))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    client
        .byok()
        .get(KEY_ID)
        .header("x-extra", "1")
        .await
        .expect("header matches");
}

#[tokio::test]
async fn per_call_base_url_goes_to_the_other_server() {
    let configured = untouched_server().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&other)
        .await;
    let client = client(&configured, RetryPolicy::none());

    client
        .byok()
        .get(KEY_ID)
        .base_url(format!("{}/", other.uri()))
        .await
        .expect("the other server answers");
}

#[test]
fn an_unparsable_base_url_is_rejected() {
    let err = Client::builder()
        .api_key(API_KEY)
        .base_url("not a url")
        .build()
        .expect_err("bad URL");
    assert!(matches!(err, BuildError::InvalidBaseUrl { .. }), "{err:?}");
}

/// Restores the environment variables it saved when dropped.
struct EnvRestore(Vec<(&'static str, Option<std::ffi::OsString>)>);

impl Drop for EnvRestore {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            // SAFETY: this is the only test in this binary that touches the
            // environment, and the crate reads it only in `Client::from_env`.
            unsafe {
                match value {
                    Some(v) => std::env::set_var(name, v),
                    None => std::env::remove_var(name),
                }
            }
        }
    }
}

/// The only test that touches the environment: both cases run in sequence here.
#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url_and_requires_the_key() {
    const KEY_VAR: &str = "OPENROUTER_API_KEY";
    const URL_VAR: &str = "OPENROUTER_BASE_URL";
    const ENV_KEY: &str = "sk-or-v1-from-the-environment";
    let _restore = EnvRestore(vec![
        (KEY_VAR, std::env::var_os(KEY_VAR)),
        (URL_VAR, std::env::var_os(URL_VAR)),
    ]);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(header(
            "authorization",
            format!("Bearer {ENV_KEY}").as_str(),
        ))
        .respond_with(ok_json(200, one_key(KEY_ID)))
        .expect(1)
        .mount(&server)
        .await;

    // SAFETY: see `EnvRestore`.
    unsafe {
        std::env::remove_var(KEY_VAR);
        std::env::set_var(URL_VAR, server.uri());
    }
    let missing = Client::from_env().expect_err("no API key in the environment");
    assert!(
        matches!(
            missing,
            BuildError::MissingEnv {
                name: "OPENROUTER_API_KEY"
            }
        ),
        "{missing:?}"
    );

    // SAFETY: see `EnvRestore`.
    unsafe { std::env::set_var(KEY_VAR, ENV_KEY) };
    let client = Client::from_env().expect("client from the environment");
    assert_eq!(client.base_url(), server.uri());
    client
        .byok()
        .get(KEY_ID)
        .retries(RetryPolicy::none())
        .await
        .expect("authorised call");
}

// ---------------------------------------------------------------------------
// 14. Status and headers of a successful response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_keeps_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .respond_with(ok_json(201, one_key("new-key")).insert_header("x-request-id", "req-7"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());

    let response = client
        .byok()
        .create(create_body())
        .send_with_response()
        .await
        .expect("201");

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.headers.get("x-request-id").unwrap(), "req-7");
    assert_eq!(response.into_body().data.id, "new-key");
}
