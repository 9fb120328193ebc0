//! Integration tests of the BYOK operations against a local wiremock server.
//!
//! Every mock is mounted with `.expect(1)`: a request that does not match
//! (method, path, query, headers, body) or a request that never arrives makes
//! the test fail when the `MockServer` is dropped.

use openrouter_byok::byok::{
    CreateByokKeyError, DeleteByokKeyError, GetByokKeyError, ListByokKeysError, UpdateByokKeyError,
};
use openrouter_byok::models::{ByokProviderSlug, CreateByokKeyRequest, UpdateByokKeyRequest};
use openrouter_byok::{Client, Nullable, RetryPolicy, SecretString};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------

/// The OpenRouter management key the client is configured with.
const API_KEY: &str = "sk-or-v1-management-key-0123456789abcdef";
/// `Authorization` header value every request must carry.
const BEARER: &str = "Bearer sk-or-v1-management-key-0123456789abcdef";
/// The raw upstream provider key stored through `create`.
const RAW_PROVIDER_KEY: &str = "sk-proj-abc123-raw-provider-secret";

const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const KEY_PATH: &str = "/byok/11111111-2222-3333-4444-555555555555";
const WORKSPACE_ID: &str = "550e8400-e29b-41d4-a716-446655440000";
const API_KEY_HASH: &str = "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943";

/// A client for the mock server with [`API_KEY`]. Retries are off: these tests map one response to one
/// result (retry behaviour has its own tests in `client_behaviour.rs`).
fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// A stored credential shaped like the spec's `BYOKKey` example.
fn byok_key_json() -> Value {
    json!({
        "id": KEY_ID,
        "provider": "openai",
        "workspace_id": WORKSPACE_ID,
        "name": "Production OpenAI Key",
        "label": "sk-...AbCd",
        "disabled": false,
        "is_fallback": false,
        "allowed_models": null,
        "allowed_api_key_hashes": null,
        "allowed_user_ids": null,
        "sort_order": 0,
        "created_at": "2025-08-24T10:30:00Z"
    })
}

/// An error body shaped like the spec's error examples.
///
/// Pretty-printed on purpose: `raw_body()` must return the bytes as served,
/// not a re-serialisation of the decoded body.
fn error_body(code: u16, message: &str) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "error": { "code": code, "message": message },
        "user_id": "user_2dHFtVWx2n56w6HkM0000000000"
    }))
    .expect("error body serialises")
}

/// The message the spec's example uses for each declared error status.
fn spec_message(status: u16) -> &'static str {
    match status {
        400 => "Invalid request parameters",
        401 => "Missing Authentication header",
        403 => "Only management keys can perform this operation",
        404 => "Resource not found",
        500 => "Internal Server Error",
        other => panic!("no spec example for status {other}"),
    }
}

/// Mounts a mock answering `verb path` once with `status` and the spec's
/// error body; returns the exact bytes served.
async fn mount_error(server: &MockServer, verb: &str, route: &str, status: u16) -> Vec<u8> {
    let raw = error_body(status, spec_message(status));
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(status).set_body_raw(raw.clone(), "application/json"))
        .expect(1)
        .mount(server)
        .await;
    raw
}

/// Matches only requests whose URL has no query string at all (not even `?`).
struct NoQueryString;

impl Match for NoQueryString {
    fn matches(&self, request: &Request) -> bool {
        request.url.query().is_none()
    }
}

/// A port on loopback on which nothing listens any more.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

/// Asserts the fields of the spec's example credential after decoding.
fn assert_example_key(key: &openrouter_byok::models::ByokKey, name: &str) {
    assert_eq!(key.id, KEY_ID);
    assert_eq!(key.provider, ByokProviderSlug::Openai);
    assert_eq!(key.workspace_id.as_deref(), Some(WORKSPACE_ID));
    assert_eq!(key.name, Nullable::Value(name.to_string()));
    assert_eq!(key.label, "sk-...AbCd");
    assert!(!key.disabled);
    assert!(!key.is_fallback);
    assert_eq!(key.allowed_models, None);
    assert_eq!(key.allowed_api_key_hashes, None);
    assert_eq!(key.allowed_user_ids, None);
    assert_eq!(key.sort_order, 0);
    assert_eq!(key.created_at, "2025-08-24T10:30:00Z");
}

// ---------------------------------------------------------------------------
// 1. Successful calls: request on the wire and decoded response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_query_parameter_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(query_param("offset", "10"))
        .and(query_param("limit", "20"))
        .and(query_param("workspace_id", WORKSPACE_ID))
        .and(query_param("provider", "openai"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [byok_key_json()],
            "total_count": 1
        })))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .byok()
        .list()
        .offset(10)
        .limit(20)
        .workspace_id(WORKSPACE_ID)
        .provider(ByokProviderSlug::Openai)
        .send()
        .await
        .expect("list succeeds");

    assert_eq!(page.total_count, 1);
    assert_eq!(page.data.len(), 1);
    assert_example_key(&page.data[0], "Production OpenAI Key");

    // Exactly these four parameters, nothing else.
    let received = server.received_requests().await.expect("recording is on");
    let pairs: Vec<(String, String)> = received[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(pairs.len(), 4, "unexpected query parameters: {pairs:?}");
}

#[tokio::test]
async fn list_without_options_sends_no_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(NoQueryString)
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [],
            "total_count": 0
        })))
        .expect(1)
        .mount(&server)
        .await;

    // `.await` on the builder sends it (IntoFuture).
    let page = client(&server).byok().list().await.expect("list succeeds");

    assert!(page.data.is_empty());
    assert_eq!(page.total_count, 0);
}

#[tokio::test]
async fn create_sends_the_raw_key_and_decodes_the_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .and(NoQueryString)
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "provider": "openai",
            "key": RAW_PROVIDER_KEY,
            "name": "Production OpenAI Key",
            "workspace_id": WORKSPACE_ID,
            "allowed_api_key_hashes": [API_KEY_HASH]
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "data": byok_key_json() })))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = CreateByokKeyRequest::new(ByokProviderSlug::Openai, RAW_PROVIDER_KEY.into());
    request.name = Nullable::Value("Production OpenAI Key".to_string());
    request.workspace_id = Some(WORKSPACE_ID.to_string());
    request.allowed_api_key_hashes = Nullable::Value(vec![API_KEY_HASH.to_string()]);

    let created = client(&server)
        .byok()
        .create(request)
        .send()
        .await
        .expect("create succeeds");

    assert_example_key(&created.data, "Production OpenAI Key");

    // The write-only key is sent in plain text (it is redacted only from
    // Debug/Display, never from the wire).
    let received = server.received_requests().await.expect("recording is on");
    let body = String::from_utf8(received[0].body.clone()).expect("UTF-8 body");
    assert!(
        body.contains(&format!("\"key\":\"{RAW_PROVIDER_KEY}\"")),
        "raw key missing from the body: {body}"
    );
}

#[tokio::test]
async fn get_hits_the_credential_path_and_decodes_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(NoQueryString)
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": byok_key_json() })))
        .expect(1)
        .mount(&server)
        .await;

    let fetched = client(&server)
        .byok()
        .get(KEY_ID)
        .await
        .expect("get succeeds");

    assert_example_key(&fetched.data, "Production OpenAI Key");
}

#[tokio::test]
async fn update_omits_absent_fields_and_sends_explicit_null() {
    let server = MockServer::start().await;
    let mut updated = byok_key_json();
    updated["name"] = json!("Updated OpenAI Key");
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(NoQueryString)
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "name": "Updated OpenAI Key",
            "disabled": false,
            "allowed_api_key_hashes": null
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": updated })))
        .expect(1)
        .mount(&server)
        .await;

    let body = {
        let mut value = UpdateByokKeyRequest::default();
        value.name = Nullable::Value("Updated OpenAI Key".to_string());
        value.disabled = Some(false);
        value.allowed_api_key_hashes = Nullable::Null;
        value
    };
    let result = client(&server)
        .byok()
        .update(KEY_ID, body)
        .send()
        .await
        .expect("update succeeds");

    assert_example_key(&result.data, "Updated OpenAI Key");

    // Byte-level check: `null` is really on the wire and no other key is.
    let received = server.received_requests().await.expect("recording is on");
    let sent: Value = serde_json::from_slice(&received[0].body).expect("JSON body");
    let object = sent.as_object().expect("a JSON object");
    assert_eq!(object.len(), 3, "absent fields must be omitted: {sent}");
    assert!(object["allowed_api_key_hashes"].is_null());
}

#[tokio::test]
async fn update_with_default_body_sends_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(header("authorization", BEARER))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": byok_key_json() })))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .byok()
        .update(KEY_ID, UpdateByokKeyRequest::default())
        .await
        .expect("update succeeds");

    assert_eq!(result.data.id, KEY_ID);
}

#[tokio::test]
async fn delete_hits_the_credential_path_and_decodes_deleted() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(KEY_PATH))
        .and(NoQueryString)
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "deleted": true })))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .byok()
        .delete(KEY_ID)
        .send()
        .await
        .expect("delete succeeds");

    assert!(result.deleted);
}

// ---------------------------------------------------------------------------
// 2. Every declared error status maps to its typed variant
// ---------------------------------------------------------------------------

/// The decoded `error.code` / `error.message` of a typed error variant.
type Decoded = (i64, String);

/// Checks what every typed error exposes, whatever the operation.
fn assert_typed_error(
    status: u16,
    raw: &[u8],
    err_status: Option<StatusCode>,
    err_raw: Option<&[u8]>,
    decoded: Decoded,
) {
    assert_eq!(err_status, Some(StatusCode::from_u16(status).unwrap()));
    assert_eq!(err_raw, Some(raw), "raw_body() must be the bytes served");
    assert_eq!(decoded.0, i64::from(status));
    assert_eq!(decoded.1, spec_message(status));
}

#[tokio::test]
async fn list_declared_errors_map_to_typed_variants() {
    for status in [400, 401, 500] {
        let server = MockServer::start().await;
        let raw = mount_error(&server, "GET", "/byok", status).await;

        let err = client(&server)
            .byok()
            .list()
            .await
            .expect_err("an error status");

        let decoded = match (status, &err) {
            (400, ListByokKeysError::BadRequest(e)) => {
                assert_eq!(e.raw.as_ref(), raw.as_slice());
                (e.body.error.code, e.body.error.message.clone())
            }
            (401, ListByokKeysError::Unauthorized(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (500, ListByokKeysError::InternalServerError(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            _ => panic!("HTTP {status} mapped to the wrong variant: {err:?}"),
        };
        assert_typed_error(status, &raw, err.status(), err.raw_body(), decoded);
    }
}

#[tokio::test]
async fn create_declared_errors_map_to_typed_variants() {
    for status in [400, 401, 403, 500] {
        let server = MockServer::start().await;
        let raw = mount_error(&server, "POST", "/byok", status).await;

        let request = CreateByokKeyRequest::new(ByokProviderSlug::Openai, RAW_PROVIDER_KEY.into());
        let err = client(&server)
            .byok()
            .create(request)
            .await
            .expect_err("an error status");

        let decoded = match (status, &err) {
            (400, CreateByokKeyError::BadRequest(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (401, CreateByokKeyError::Unauthorized(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (403, CreateByokKeyError::Forbidden(e)) => {
                assert_eq!(e.status, StatusCode::FORBIDDEN);
                (e.body.error.code, e.body.error.message.clone())
            }
            (500, CreateByokKeyError::InternalServerError(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            _ => panic!("HTTP {status} mapped to the wrong variant: {err:?}"),
        };
        assert_typed_error(status, &raw, err.status(), err.raw_body(), decoded);
    }
}

#[tokio::test]
async fn get_declared_errors_map_to_typed_variants() {
    for status in [401, 404, 500] {
        let server = MockServer::start().await;
        let raw = mount_error(&server, "GET", KEY_PATH, status).await;

        let err = client(&server)
            .byok()
            .get(KEY_ID)
            .await
            .expect_err("an error status");

        let decoded = match (status, &err) {
            (401, GetByokKeyError::Unauthorized(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (404, GetByokKeyError::NotFound(e)) => {
                assert_eq!(
                    e.body.user_id,
                    Nullable::Value("user_2dHFtVWx2n56w6HkM0000000000".into())
                );
                (e.body.error.code, e.body.error.message.clone())
            }
            (500, GetByokKeyError::InternalServerError(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            _ => panic!("HTTP {status} mapped to the wrong variant: {err:?}"),
        };
        assert_typed_error(status, &raw, err.status(), err.raw_body(), decoded);
    }
}

#[tokio::test]
async fn update_declared_errors_map_to_typed_variants() {
    for status in [400, 401, 404, 500] {
        let server = MockServer::start().await;
        let raw = mount_error(&server, "PATCH", KEY_PATH, status).await;

        let err = client(&server)
            .byok()
            .update(KEY_ID, UpdateByokKeyRequest::default())
            .await
            .expect_err("an error status");

        let decoded = match (status, &err) {
            (400, UpdateByokKeyError::BadRequest(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (401, UpdateByokKeyError::Unauthorized(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (404, UpdateByokKeyError::NotFound(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (500, UpdateByokKeyError::InternalServerError(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            _ => panic!("HTTP {status} mapped to the wrong variant: {err:?}"),
        };
        assert_typed_error(status, &raw, err.status(), err.raw_body(), decoded);
    }
}

#[tokio::test]
async fn delete_declared_errors_map_to_typed_variants() {
    for status in [401, 404, 500] {
        let server = MockServer::start().await;
        let raw = mount_error(&server, "DELETE", KEY_PATH, status).await;

        let err = client(&server)
            .byok()
            .delete(KEY_ID)
            .await
            .expect_err("an error status");

        let decoded = match (status, &err) {
            (401, DeleteByokKeyError::Unauthorized(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (404, DeleteByokKeyError::NotFound(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            (500, DeleteByokKeyError::InternalServerError(e)) => {
                (e.body.error.code, e.body.error.message.clone())
            }
            _ => panic!("HTTP {status} mapped to the wrong variant: {err:?}"),
        };
        assert_typed_error(status, &raw, err.status(), err.raw_body(), decoded);
    }
}

// ---------------------------------------------------------------------------
// 3. Undeclared status, undecodable body, transport failure
// ---------------------------------------------------------------------------

#[tokio::test]
async fn undeclared_status_is_unexpected_status_with_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_raw("I'm a teapot", "text/plain")
                .insert_header("x-request-id", "req-teapot"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .byok()
        .get(KEY_ID)
        .await
        .expect_err("418 is an error");

    assert_eq!(err.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(err.raw_body(), Some(b"I'm a teapot".as_slice()));
    match &err {
        GetByokKeyError::UnexpectedStatus(e) => {
            assert_eq!(e.status, StatusCode::IM_A_TEAPOT);
            assert_eq!(e.raw.as_ref(), b"I'm a teapot");
            assert_eq!(e.headers["x-request-id"], "req-teapot");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert!(err.to_string().contains("418"), "{err}");
}

#[tokio::test]
async fn success_body_not_matching_the_schema_is_decode_with_raw_body() {
    let server = MockServer::start().await;
    let raw = br#"{"data":"not-a-list","total_count":"one"}"#;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(raw.as_slice(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .byok()
        .list()
        .await
        .expect_err("body does not decode");

    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.raw_body(), Some(raw.as_slice()));
    match &err {
        ListByokKeysError::Decode(e) => {
            assert_eq!(e.status, StatusCode::OK);
            assert_eq!(e.raw.as_ref(), raw.as_slice());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        std::error::Error::source(&err).is_some(),
        "Decode keeps its serde cause"
    );
}

#[tokio::test]
async fn declared_error_status_with_undecodable_body_is_decode() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_raw("no such key", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .byok()
        .delete(KEY_ID)
        .await
        .expect_err("404 is an error");

    assert!(matches!(err, DeleteByokKeyError::Decode(_)), "got {err:?}");
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.raw_body(), Some(b"no such key".as_slice()));
}

#[tokio::test]
async fn closed_port_is_transport_error() {
    let port = closed_port();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");

    let err = client
        .byok()
        .get(KEY_ID)
        .await
        .expect_err("nothing listens");

    match &err {
        GetByokKeyError::Transport(e) => {
            assert!(
                e.is_connect(),
                "a refused connection is a connect error: {e}"
            );
            assert!(!e.is_timeout());
            assert_eq!(e.request, "GET /byok/{id}");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert_eq!(err.raw_body(), None);
    assert!(!err.to_string().contains(API_KEY));
    assert!(!format!("{err:?}").contains(API_KEY));
}

// ---------------------------------------------------------------------------
// 4. Response metadata
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok"))
        .and(header("authorization", BEARER))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req-0123456789")
                .set_body_json(json!({ "data": byok_key_json() })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let request = CreateByokKeyRequest::new(ByokProviderSlug::Openai, RAW_PROVIDER_KEY.into());
    let response = client(&server)
        .byok()
        .create(request)
        .send_with_response()
        .await
        .expect("create succeeds");

    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.headers["x-request-id"], "req-0123456789");
    assert_eq!(response.body.data.id, KEY_ID);
    assert_eq!(response.into_body().data.provider, ByokProviderSlug::Openai);
}

#[tokio::test]
async fn get_send_with_response_exposes_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-get-42")
                .set_body_json(json!({ "data": byok_key_json() })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .byok()
        .get(KEY_ID)
        .send_with_response()
        .await
        .expect("get succeeds");

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-get-42")
    );
    assert_example_key(&response.body.data, "Production OpenAI Key");
}

// ---------------------------------------------------------------------------
// 5. Open enums
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_provider_slug_round_trips() {
    let server = MockServer::start().await;
    let mut key = byok_key_json();
    key["provider"] = json!("brand-new-provider");
    Mock::given(method("GET"))
        .and(path("/byok"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "data": [key], "total_count": 1 })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).byok().list().await.expect("list succeeds");

    let provider = &page.data[0].provider;
    assert!(
        matches!(provider, ByokProviderSlug::Unknown(v) if v.as_str() == "brand-new-provider"),
        "{provider:?}"
    );
    assert_eq!(provider.as_str(), "brand-new-provider");
    assert_eq!(
        serde_json::to_value(provider).unwrap(),
        json!("brand-new-provider")
    );
    // The whole record serialises back with the same slug.
    let back = serde_json::to_value(&page.data[0]).unwrap();
    assert_eq!(back["provider"], json!("brand-new-provider"));
}

// ---------------------------------------------------------------------------
// 6. Secrets never leak through Debug / Display
// ---------------------------------------------------------------------------

#[tokio::test]
async fn debug_of_client_and_requests_redacts_secrets() {
    let server = MockServer::start().await;
    let client = client(&server);

    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains(API_KEY), "{client_debug}");

    let builder_debug = format!("{:?}", Client::builder().api_key(API_KEY));
    assert!(!builder_debug.contains(API_KEY), "{builder_debug}");

    let request = CreateByokKeyRequest::new(ByokProviderSlug::Openai, RAW_PROVIDER_KEY.into());
    let request_debug = format!("{request:?}");
    assert!(!request_debug.contains(RAW_PROVIDER_KEY), "{request_debug}");
    assert_eq!(request.key.expose(), RAW_PROVIDER_KEY);

    let call_debug = format!("{:?}", client.byok().create(request));
    assert!(!call_debug.contains(RAW_PROVIDER_KEY), "{call_debug}");
    assert!(!call_debug.contains(API_KEY), "{call_debug}");

    let update = {
        let mut value = UpdateByokKeyRequest::default();
        value.key = Some(SecretString::new(RAW_PROVIDER_KEY));
        value
    };
    let update_debug = format!("{update:?}");
    assert!(!update_debug.contains(RAW_PROVIDER_KEY), "{update_debug}");
}

#[tokio::test]
async fn create_unauthorized_error_does_not_leak_the_api_key() {
    let server = MockServer::start().await;
    mount_error(&server, "POST", "/byok", 401).await;

    let request = CreateByokKeyRequest::new(ByokProviderSlug::Openai, RAW_PROVIDER_KEY.into());
    let err = client(&server)
        .byok()
        .create(request)
        .await
        .expect_err("401");

    assert!(
        matches!(err, CreateByokKeyError::Unauthorized(_)),
        "got {err:?}"
    );
    let display = err.to_string();
    let debug = format!("{err:?}");
    for text in [&display, &debug] {
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
        assert!(
            !text.contains(RAW_PROVIDER_KEY),
            "provider key leaked: {text}"
        );
    }
    assert!(display.contains("401"), "{display}");
}
