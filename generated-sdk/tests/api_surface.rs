//! The surface users live with across versions: the crate-wide `Error` (every
//! operation's error converts into it with `?`), models built by name, open
//! enums, the escape hatches for what the crate does not know yet (extra query
//! parameters, headers and body fields, skipped validation, the raw JSON of a
//! success, untyped calls), hand-written code in `src/custom/`, and `Send`/`Sync`.

mod common;

use std::time::Duration;

use openrouter_byok::byok::GetByokKeyError;
use openrouter_byok::models::{ByokProviderSlug, CreateByokKeyRequest, NotFoundResponse, UpdateByokKeyRequest};
use openrouter_byok::{Client, Error, Method, RetryPolicy, SecretString};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const KEY_PATH: &str = "/byok/11111111-2222-3333-4444-555555555555";

fn client(server: &MockServer) -> Client {
    Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(RetryPolicy::none()).build().expect("client builds")
}

fn not_found_json() -> serde_json::Value {
    json!({"error": {"code": 404, "message": "no such key"}})
}

/// What the issue asks for: one function calling all five operations with `?`.
async fn all_five(client: &Client) -> Result<bool, Error> {
    let created = client.byok().create(CreateByokKeyRequest::new(ByokProviderSlug::Openai, SecretString::from("sk-raw"))).await?;
    let id = created.data.id;
    client.byok().list().await?;
    client.byok().get(id.clone()).await?;
    client.byok().update(id.clone(), UpdateByokKeyRequest::default()).await?;
    Ok(client.byok().delete(id).await?.deleted)
}

#[tokio::test]
async fn every_operation_error_converts_into_the_crate_error() {
    let server = MockServer::start().await;
    let key = common::key_json(KEY_ID);
    Mock::given(method("POST")).and(path("/byok")).respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": key}))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/byok")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [key], "total_count": 1}))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path(KEY_PATH)).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": key}))).expect(1).mount(&server).await;
    Mock::given(method("PATCH")).and(path(KEY_PATH)).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": key}))).expect(1).mount(&server).await;
    // The last call fails: the `?` in `all_five` turns `DeleteByokKeyError` into `Error`.
    Mock::given(method("DELETE"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-42").set_body_json(not_found_json()))
        .expect(1)
        .mount(&server)
        .await;

    let err = all_five(&client(&server)).await.expect_err("delete answers 404");
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.operation(), "deleteBYOKKey");
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.body::<NotFoundResponse>().map(|b| b.error.message.as_str()), Some("no such key"));
    assert_eq!(api.json().unwrap(), not_found_json());
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.request_id(), Some("req-42"));
    assert!(!err.is_retryable(), "a 404 is not worth retrying");
    assert_eq!(err.raw_body(), Some(serde_json::to_vec(&not_found_json()).unwrap().as_slice()));
    // The five error bodies share one shape, so one accessor reads any of them.
    assert_eq!(err.error_body().map(|b| b.error.message), Some("no such key".to_string()));
    assert_eq!(err.to_string(), format!("deleteBYOKKey failed: HTTP 404 Not Found: {}", not_found_json()));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn operation_errors_read_the_shared_body_request_id_and_retryability() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(503).insert_header("request-id", "r-7").insert_header("retry-after", "120").set_body_json(json!({"error": {"code": 503, "message": "busy"}})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).byok().get(KEY_ID).await.expect_err("503");
    assert!(matches!(err, GetByokKeyError::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.error_body().map(|b| b.error.message), Some("busy".to_string()));
    assert_eq!(err.request_id(), Some("r-7"));
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    let err = Error::from(err);
    assert!(err.api().is_some_and(|api| api.body::<NotFoundResponse>().is_none()), "an undeclared status has no typed body");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn local_and_transport_failures_keep_their_kind_in_the_crate_error() {
    // A value the API refuses: nothing is sent, and the crate error says so.
    let client = Client::builder().api_key("sk-test").base_url("http://127.0.0.1:9").retry_policy(RetryPolicy::none()).build().unwrap();
    let err = Error::from(client.byok().get("not-a-uuid").await.unwrap_err());
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert!(!err.is_retryable());
    // Nothing listens on port 9: a connection failure, which may succeed later.
    let err = Error::from(client.byok().get(KEY_ID).timeout(Duration::from_secs(5)).await.unwrap_err());
    assert!(matches!(err, Error::Transport(_) | Error::Timeout(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn extra_query_parameters_headers_and_body_fields_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(KEY_PATH))
        .and(query_param("dry_run", "true"))
        .and(header("x-beta", "on"))
        .and(body_json(json!({"disabled": true, "priority": {"tier": 2}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": common::key_json(KEY_ID)})))
        .expect(1)
        .mount(&server)
        .await;
    let body = UpdateByokKeyRequest::default().with_disabled(true);
    client(&server)
        .byok()
        .update(KEY_ID, body)
        .extra_query("dry_run", "true")
        .header("x-beta", "on")
        .body_field("priority", json!({"tier": 2}))
        .await
        .expect("the extra parameters reach the server");
}

#[tokio::test]
async fn skipped_validation_sends_what_the_document_forbids() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(query_param("limit", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "total_count": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let refused = client.byok().list().limit(500).await.expect_err("limit ≤ 100 in the document");
    assert!(matches!(refused, openrouter_byok::byok::ListByokKeysError::Validation(_)), "{refused:?}");
    client.byok().list().limit(500).skip_validation().await.expect("sent as asked");
}

#[tokio::test]
async fn a_success_keeps_its_raw_json_for_undeclared_fields() {
    let server = MockServer::start().await;
    let mut key = common::key_json(KEY_ID);
    key["region"] = json!("eu-west");
    Mock::given(method("GET")).and(path(KEY_PATH)).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": key}))).expect(1).mount(&server).await;
    let response = client(&server).byok().get(KEY_ID).send_with_response().await.unwrap();
    assert_eq!(response.body.data.id, KEY_ID);
    assert_eq!(response.json().unwrap()["data"]["region"], "eu-west");
}

#[tokio::test]
async fn untyped_calls_use_the_same_auth_and_report_statuses_as_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/byok/bulk"))
        .and(query_param("mode", "all"))
        .and(header("authorization", "Bearer sk-test"))
        .and(body_json(json!({"ids": [KEY_ID]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"queued": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/missing")).respond_with(ResponseTemplate::new(410).set_body_string("gone")).expect(1).mount(&server).await;
    let client = client(&server);
    let response = client
        .request(Method::POST, "/byok/bulk")
        .query("mode", "all")
        .json(&json!({"ids": [KEY_ID]}))
        .send_json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(response.body, json!({"queued": 1}));
    let err = client.request(Method::GET, "/missing").send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::GONE));
    assert_eq!(err.raw_body(), Some(b"gone".as_slice()));
    let err = client.request(Method::GET, "no-slash").send().await.unwrap_err();
    assert!(matches!(err, Error::Request(_)), "{err:?}");
}

#[test]
fn models_are_built_by_name_not_by_position() {
    use openrouter_byok::models::{ByokKey, ByokKeyBuilder};
    let key = ByokKey::builder()
        .id(KEY_ID)
        .provider(ByokProviderSlug::Anthropic)
        .label("sk-...AbCd")
        .disabled(false)
        .is_fallback(true)
        .sort_order(2)
        .created_at("2025-08-24T10:30:00Z")
        .name("Production")
        .build()
        .expect("every required field is set");
    assert_eq!(key.id, KEY_ID);
    assert_eq!(key.workspace_id, None, "a required nullable field left unset is null");
    assert_eq!(key.name, openrouter_byok::Nullable::Value("Production".to_string()));
    let decoded: ByokKey = serde_json::from_value(common::key_json(KEY_ID)).unwrap();
    assert_eq!(decoded.label, "sk-...AbCd");
    let missing = ByokKeyBuilder::default().id(KEY_ID).build().unwrap_err();
    assert_eq!(missing.field(), "provider");
    assert_eq!(missing.to_string(), "cannot build `ByokKey`: the required field `provider` is not set");
    // Sent models take their required fields, then chained setters for the rest.
    let body = CreateByokKeyRequest::new(ByokProviderSlug::Openai, SecretString::from("sk-raw")).with_name("main").with_disabled(true);
    assert_eq!(serde_json::to_value(&body).unwrap(), json!({"provider": "openai", "key": "sk-raw", "name": "main", "disabled": true}));
}

#[test]
fn an_unknown_enum_value_can_only_come_from_the_wire_or_from_str() {
    // `From<&str>` normalises: a known value is never the catch-all.
    assert_eq!(ByokProviderSlug::from("openai"), ByokProviderSlug::Openai);
    let unknown = ByokProviderSlug::from("brand-new");
    let ByokProviderSlug::Unknown(value) = &unknown else { panic!("{unknown:?}") };
    assert_eq!(value.as_str(), "brand-new");
    assert_ne!(unknown, ByokProviderSlug::Openai);
}

/// `src/custom/mod.rs` is hand-written and kept by codegen; its method works
/// like any generated one.
#[tokio::test]
async fn hand_written_code_in_src_custom_is_part_of_the_crate() {
    let server = MockServer::start().await;
    let key = common::key_json(KEY_ID);
    Mock::given(method("GET"))
        .and(path("/byok"))
        .and(query_param("provider", "openai"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [key.clone(), key], "total_count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let keys = client(&server).byok_keys_for(ByokProviderSlug::Openai).await.unwrap();
    assert_eq!(keys.len(), 2);
}

#[test]
fn the_client_builders_errors_and_futures_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>(_: &T) {}
    fn send<T: Send + 'static>(_: T) {}
    let client = Client::builder().api_key("sk-test").build().unwrap();
    send_sync(&client);
    send_sync(&Client::builder());
    let get = client.byok().get(KEY_ID);
    send_sync(&get);
    send(std::future::IntoFuture::into_future(get));
    send(client.request(Method::GET, "/byok").send());
    let err = Error::from(openrouter_byok::byok::GetByokKeyError::Validation(client_side_error()));
    send_sync(&err);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().contains("invalid"));
}

/// A validation error as the crate reports one (built through a real call).
fn client_side_error() -> openrouter_byok::ValidationError {
    let client = Client::builder().api_key("sk-test").base_url("http://127.0.0.1:9").build().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match runtime.block_on(client.byok().get("not-a-uuid").send()) {
        Err(GetByokKeyError::Validation(e)) => e,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_default_retry_policy_is_the_documents() {
    // spec/byok.openapi.yaml's retry extension: 500 ms growing ×1.5 up to 60 s, for at most an
    // hour, retrying 5XX. The runtime crate gets it from the `api.rs` written for this API, not
    // from the runtime's own fallback (×2 up to 8 s, for a minute, 503 only).
    let debug = format!("{:?}", RetryPolicy::default());
    for expected in ["initial_interval: 500ms", "max_interval: 60s", "exponent: 1.5", "max_elapsed: 3600s", "statuses: [(500, 599), (429, 429)]"] {
        assert!(debug.contains(expected), "{expected} in {debug}");
    }
}
