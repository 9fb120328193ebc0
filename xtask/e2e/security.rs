//! End-to-end tests of security schemes and idempotency keys.
//!
//! Hand-written; `cargo xtask e2e-security` generates the crate `vault` from
//! `generator/tests/fixtures/security/vault.yaml`, copies this file into its
//! `tests/` directory and runs `cargo test` there. Every test talks to a
//! wiremock `MockServer` on loopback through the generated client and checks
//! what reached the server:
//!
//! - the document's default requirements (`X-Api-Key` header, or else a bearer token) — `listSecrets`
//! - a requirement of two schemes together (query key + cookie), or else HTTP basic — `getSecret`
//! - `security: []`: nothing is sent, whatever the client holds — `health`
//! - OAuth2 client credentials, or anonymous (`{}`) — `tokenInfo`: one token
//!   fetch reused, one fetch for concurrent callers, a new fetch after expiry
//! - an `Idempotency-Key` header: a fresh UUID per call, the same on every
//!   retry, a retried POST, and the caller's own key kept — `createSecret`

use std::time::Duration;

use serde_json::json;
use vault::models::Secret;
use vault::{Client, ClientBuilder, RetryPolicy};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HEADER_KEY: &str = "hk-secret-1";
const QUERY_KEY: &str = "qk-secret-2";
const COOKIE: &str = "ck-secret-3";
const PASSWORD: &str = "pw-secret-4";
const BEARER: &str = "bt-secret-5";
const CLIENT_SECRET: &str = "cs-secret-6";

/// A builder aimed at `server`: no retries, a 5 s deadline on every call.
fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).timeout(Duration::from_secs(5))
}

/// A client holding a credential for every scheme.
fn every_credential(server: &MockServer) -> Client {
    builder(server)
        .api_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .session_cookie(COOKIE)
        .basic_auth("alice", PASSWORD)
        .bearer_auth(BEARER)
        .oauth2_client_credentials("vault-client", CLIENT_SECRET)
        .build()
        .expect("client builds")
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is on")
}

/// Every request `server` received for `route`.
async fn requests_to(server: &MockServer, route: &str) -> Vec<wiremock::Request> {
    requests(server).await.into_iter().filter(|r| r.url.path() == route).collect()
}

fn header_of<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
}

fn query_of(request: &wiremock::Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The request holds none of the client's secrets, anywhere.
fn assert_no_credentials(request: &wiremock::Request) {
    assert!(header_of(request, "authorization").is_none(), "{request:?}");
    assert!(header_of(request, "x-api-key").is_none(), "{request:?}");
    assert!(header_of(request, "cookie").is_none(), "{request:?}");
    assert!(request.url.query().is_none(), "{}", request.url);
}

async fn ok(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb)).and(path(route)).respond_with(response).mount(server).await;
}

#[tokio::test]
async fn the_documents_default_requirement_sends_the_header_key_or_else_the_bearer_token() {
    let server = MockServer::start().await;
    ok(&server, "GET", "/secrets", ResponseTemplate::new(200).set_body_json(json!([{ "name": "a" }]))).await;

    let secrets = every_credential(&server).secrets().list_secrets().await.expect("listed");
    assert_eq!(secrets[0].name, "a");
    // Only the bearer token: the second alternative.
    builder(&server).bearer_auth(BEARER).build().unwrap().secrets().list_secrets().await.expect("listed");

    let seen = requests(&server).await;
    assert_eq!(header_of(&seen[0], "x-api-key"), Some(HEADER_KEY));
    assert_eq!(header_of(&seen[0], "authorization"), None, "only the first satisfied alternative is sent");
    assert_eq!(header_of(&seen[1], "authorization"), Some(&*format!("Bearer {BEARER}")));
    assert_eq!(header_of(&seen[1], "x-api-key"), None);
}

#[tokio::test]
async fn two_schemes_required_together_or_else_http_basic() {
    let server = MockServer::start().await;
    ok(&server, "GET", "/secrets/db", ResponseTemplate::new(200).set_body_json(json!({ "name": "db" }))).await;

    every_credential(&server).secrets().get_secret("db").await.expect("got");
    // The query key without the cookie does not satisfy the first alternative: basic is used.
    let partial = builder(&server).query_key(QUERY_KEY).basic_auth("alice", PASSWORD).build().unwrap();
    partial.secrets().get_secret("db").await.expect("got");

    let seen = requests(&server).await;
    assert_eq!(query_of(&seen[0]), [("api_key".to_string(), QUERY_KEY.to_string())]);
    assert_eq!(header_of(&seen[0], "cookie"), Some(&*format!("session={COOKIE}")));
    assert_eq!(header_of(&seen[0], "authorization"), None);
    assert_eq!(seen[1].url.query(), None);
    assert_eq!(header_of(&seen[1], "cookie"), None);
    // base64("alice:pw-secret-4")
    assert_eq!(header_of(&seen[1], "authorization"), Some("Basic YWxpY2U6cHctc2VjcmV0LTQ="));
}

#[tokio::test]
async fn an_operation_with_empty_security_sends_no_credentials() {
    let server = MockServer::start().await;
    ok(&server, "GET", "/health", ResponseTemplate::new(204)).await;
    every_credential(&server).secrets().health().await.expect("healthy");
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1, "no token was fetched either");
    assert_no_credentials(&seen[0]);
}

/// A token endpoint at `/oauth/token` answering `tok-<n>` for the `n`th fetch (from 1),
/// valid for `expires_in` seconds, after `delay`; it checks the client's credentials.
async fn token_endpoint(server: &MockServer, expires_in: u64, delay: Duration) {
    let fetched = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        // base64("vault-client:cs-secret-6"): id and secret form-encoded (nothing to escape here), then HTTP basic.
        .and(header("authorization", "Basic dmF1bHQtY2xpZW50OmNzLXNlY3JldC02"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials&scope=secrets%3Awrite%20secrets%3Aread"))
        .respond_with(move |_: &wiremock::Request| {
            let n = fetched.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": format!("tok-{n}"), "token_type": "bearer", "expires_in": expires_in }))
                .set_delay(delay)
        })
        .mount(server)
        .await;
    ok(server, "GET", "/token-info", ResponseTemplate::new(204)).await;
}

fn oauth_client(server: &MockServer) -> Client {
    builder(server).oauth2_client_credentials("vault-client", CLIENT_SECRET).build().expect("client builds")
}

#[tokio::test]
async fn an_oauth2_token_is_fetched_once_and_reused() {
    let server = MockServer::start().await;
    token_endpoint(&server, 3600, Duration::ZERO).await;
    let client = oauth_client(&server);
    for _ in 0..3 {
        client.secrets().token_info().await.expect("answered");
    }
    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 1);
    let calls = requests_to(&server, "/token-info").await;
    assert_eq!(calls.len(), 3);
    for call in &calls {
        assert_eq!(header_of(call, "authorization"), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let server = MockServer::start().await;
    token_endpoint(&server, 3600, Duration::from_millis(300)).await;
    let client = oauth_client(&server);
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.secrets().token_info().await })
    });
    for call in futures::future::join_all(calls).await {
        call.expect("task finished").expect("answered");
    }
    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 1, "one fetch serves every waiting call");
    for call in requests_to(&server, "/token-info").await {
        assert_eq!(header_of(&call, "authorization"), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn an_expired_token_is_fetched_again() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1, Duration::ZERO).await;
    let client = oauth_client(&server);
    client.secrets().token_info().await.expect("answered");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.secrets().token_info().await.expect("answered");
    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 2);
    let calls = requests_to(&server, "/token-info").await;
    assert_eq!(header_of(&calls[0], "authorization"), Some("Bearer tok-1"));
    assert_eq!(header_of(&calls[1], "authorization"), Some("Bearer tok-2"));
}

#[tokio::test]
async fn an_optional_requirement_goes_anonymous_without_credentials() {
    let server = MockServer::start().await;
    ok(&server, "GET", "/token-info", ResponseTemplate::new(204)).await;
    builder(&server).build().unwrap().secrets().token_info().await.expect("answered");
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1);
    assert_no_credentials(&seen[0]);
}

#[tokio::test]
async fn a_refused_token_request_is_an_error_without_secrets() {
    let server = MockServer::start().await;
    ok(&server, "POST", "/oauth/token", ResponseTemplate::new(401).set_body_json(json!({ "error": "invalid_client" }))).await;
    let e = oauth_client(&server).secrets().token_info().await.expect_err("the token was refused");
    let text = format!("{e} {e:?}");
    assert!(text.contains("invalid_client") && text.contains("401"), "{text}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert!(requests_to(&server, "/token-info").await.is_empty(), "nothing is sent without the token");
}

#[tokio::test]
async fn debug_output_never_shows_a_secret() {
    let server = MockServer::start().await;
    let builder = builder(&server)
        .api_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .session_cookie(COOKIE)
        .basic_auth("alice", PASSWORD)
        .bearer_auth(BEARER)
        .oauth2_client_credentials("vault-client", CLIENT_SECRET);
    let texts = [format!("{builder:?}"), format!("{:?}", builder.build().unwrap())];
    for text in texts {
        for secret in [HEADER_KEY, QUERY_KEY, COOKIE, PASSWORD, BEARER, CLIENT_SECRET] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn a_cookie_key_that_cannot_be_a_cookie_is_refused_at_build() {
    let server = MockServer::start().await;
    let e = builder(&server).session_cookie("a; admin=1").build().expect_err("refused");
    assert!(matches!(e, vault::BuildError::InvalidApiKey), "{e:?}");
    assert!(!e.to_string().contains("admin"), "{e}");
}

/// A retry policy that retries 500 quickly (3 attempts).
fn retry_500() -> RetryPolicy {
    RetryPolicy::default().initial_interval(Duration::from_millis(10)).max_interval(Duration::from_millis(20)).max_attempts(3).statuses([(500, 599)])
}

/// `POST /secrets` fails with 500 twice, then creates; the token endpoint answers.
async fn flaky_create(server: &MockServer) {
    token_endpoint(server, 3600, Duration::ZERO).await;
    Mock::given(method("POST")).and(path("/secrets")).respond_with(ResponseTemplate::new(500)).up_to_n_times(2).mount(server).await;
    ok(server, "POST", "/secrets", ResponseTemplate::new(201).set_body_json(json!({ "name": "db" }))).await;
}

fn is_uuid_v4(key: &str) -> bool {
    let groups: Vec<&str> = key.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && key.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('4')
        && matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_fresh_key() {
    let server = MockServer::start().await;
    flaky_create(&server).await;
    let client = builder(&server).oauth2_client_credentials("vault-client", CLIENT_SECRET).retry_policy(retry_500()).build().unwrap();
    let created = client.secrets().create_secret(Secret::new("db".into())).await.expect("created on the third attempt");
    assert_eq!(created.name, "db");
    let attempts = requests_to(&server, "/secrets").await;
    assert_eq!(attempts.len(), 3, "the POST was retried");
    let key = header_of(&attempts[0], "idempotency-key").expect("a key was sent").to_string();
    assert!(is_uuid_v4(&key), "{key}");
    for attempt in &attempts {
        assert_eq!(header_of(attempt, "idempotency-key"), Some(key.as_str()), "the same key on every attempt");
        assert_eq!(header_of(attempt, "authorization"), Some("Bearer tok-1"));
    }
    // The next call gets a key of its own.
    client.secrets().create_secret(Secret::new("db".into())).await.expect("created");
    let next = requests_to(&server, "/secrets").await;
    let other = header_of(&next[3], "idempotency-key").expect("a key was sent");
    assert!(is_uuid_v4(other) && other != key, "{other} after {key}");
}

#[tokio::test]
async fn the_callers_idempotency_key_is_kept() {
    let server = MockServer::start().await;
    flaky_create(&server).await;
    let client = builder(&server).oauth2_client_credentials("vault-client", CLIENT_SECRET).retry_policy(retry_500()).build().unwrap();
    client.secrets().create_secret(Secret::new("db".into())).idempotency_key("my-key-1").await.expect("created");
    let attempts = requests_to(&server, "/secrets").await;
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        assert_eq!(header_of(attempt, "idempotency-key"), Some("my-key-1"));
    }
}
