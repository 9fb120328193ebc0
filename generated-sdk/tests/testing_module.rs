//! The generated `testing` module (feature `testing`) against the real client:
//! typed answers, declared error statuses with their typed bodies, path
//! parameters given or any, extra matchers, and call-count expectations that
//! fail when they are not met.
//!
//! Run with `cargo test -p openrouter-byok --features testing`.
#![cfg(feature = "testing")]

mod common;

use std::future::Future;
use std::time::Duration;

use futures::FutureExt;
use openrouter_byok::byok::{DeleteByokKeyError, GetByokKeyError, UpdateByokKeyError};
use openrouter_byok::models::{
    ByokKey, DeleteByokKeyResponse, GetByokKeyResponse, ListByokKeysResponse, NotFoundResponse,
    NotFoundResponseErrorData, UpdateByokKeyRequest, UpdateByokKeyResponse,
};
use openrouter_byok::testing::{Any, MockServer, TEST_API_KEY};
use openrouter_byok::{Hook, HookAction, HookError, HookFuture, RequestContext};
use reqwest::StatusCode;
use wiremock::matchers::{header, query_param};

const KEY_ID: &str = "11111111-2222-3333-4444-555555555555";
const OTHER_ID: &str = "99999999-2222-3333-4444-555555555555";

/// Every test ends within 10 s, whatever the client or the server does.
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), test)
        .await
        .expect("the test did not finish within 10 s")
}

fn key(id: &str) -> ByokKey {
    serde_json::from_value(common::key_json(id)).expect("the fixture is a ByokKey")
}

fn not_found(message: &str) -> NotFoundResponse {
    let error = NotFoundResponseErrorData::builder().code(404).message(message).build().unwrap();
    NotFoundResponse::builder().error(error).build().unwrap()
}

#[tokio::test]
async fn a_typed_success_answer_is_what_the_client_returns() {
    bounded(async {
        let mock = MockServer::start().await;
        let body = GetByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap();
        mock.byok()
            .get(KEY_ID)
            .respond_with(body.clone())
            .expect(1)
            .await;
        let page = ListByokKeysResponse::builder().data(vec![key(KEY_ID), key(OTHER_ID)]).total_count(2).build().unwrap();
        mock.byok()
            .list()
            .and(query_param("limit", "2"))
            .respond_with(page.clone())
            .expect(1)
            .await;

        let client = mock.client();
        assert_eq!(client.base_url(), mock.uri());
        assert_eq!(client.byok().get(KEY_ID).await.expect("mocked"), body);
        assert_eq!(client.byok().list().limit(2).await.expect("mocked"), page);

        let sent = mock.received_requests().await;
        assert_eq!(sent.len(), 2);
        let bearer = format!("Bearer {TEST_API_KEY}");
        assert!(sent.iter().all(|r| r.headers["authorization"] == bearer.as_str()));
        mock.verify().await;
    })
    .await;
}

#[tokio::test]
async fn the_success_status_is_the_one_the_operation_declares() {
    bounded(async {
        let mock = MockServer::start().await;
        let created = openrouter_byok::models::CreateByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap();
        mock.byok().create().respond_with(created.clone()).expect(1).await;
        let request = openrouter_byok::models::CreateByokKeyRequest::new(
            openrouter_byok::models::ByokProviderSlug::Openai,
            "sk-raw".into(),
        );
        let response = mock
            .client()
            .byok()
            .create(request)
            .send_with_response()
            .await
            .expect("mocked");
        assert_eq!(response.status, StatusCode::CREATED);
        assert_eq!(response.body, created);
    })
    .await;
}

#[tokio::test]
async fn a_declared_error_status_arrives_as_its_typed_variant() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .get(Any)
            .fail_with_not_found(not_found("no such key"))
            .header("x-request-id", "req-7")
            .expect(1)
            .await;

        let result = mock.client().byok().get(OTHER_ID).await;

        let Err(GetByokKeyError::NotFound(e)) = result else {
            panic!("expected NotFound, got {result:?}");
        };
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.body, not_found("no such key"));
        assert_eq!(e.headers["x-request-id"], "req-7");
    })
    .await;
}

#[tokio::test]
async fn path_parameters_match_exactly_or_any_value() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .delete(KEY_ID)
            .respond_with(DeleteByokKeyResponse::builder().deleted(true).build().unwrap())
            .expect(1)
            .await;
        let client = mock.client();

        assert!(client.byok().delete(KEY_ID).await.expect("mocked").deleted);
        // Another id matches no mock: wiremock answers 404 without a body.
        let other = client.byok().delete(OTHER_ID).await;
        assert!(
            matches!(&other, Err(DeleteByokKeyError::Decode(e)) if e.status == StatusCode::NOT_FOUND),
            "{other:?}"
        );

        mock.reset().await;
        mock.byok()
            .update(Any)
            .and(header("x-extra", "1"))
            .respond_with(UpdateByokKeyResponse::builder().data(key(OTHER_ID)).build().unwrap())
            .expect(2)
            .await;
        for id in [KEY_ID, OTHER_ID] {
            let updated = client
                .byok()
                .update(id, UpdateByokKeyRequest::default())
                .header("x-extra", "1")
                .await
                .expect("any id matches");
            assert_eq!(updated.data.id, OTHER_ID);
        }
        mock.verify().await;
    })
    .await;
}

#[tokio::test]
async fn an_unmet_call_count_fails_verification_naming_the_mock() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .get(KEY_ID)
            .respond_with(GetByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap())
            .named("get the production key")
            .expect(2)
            .await;
        mock.client().byok().get(KEY_ID).await.expect("mocked");

        let verified = std::panic::AssertUnwindSafe(mock.verify()).catch_unwind().await;

        let panic = verified.expect_err("one call of the two expected must fail verification");
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert!(message.contains("get the production key"), "{message}");
        // Forget the failed expectation, so that dropping the server does not panic again.
        mock.reset().await;
    })
    .await;
}

#[tokio::test]
async fn an_unexpected_call_fails_an_expectation_of_none() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .delete(Any)
            .respond_with(DeleteByokKeyResponse::builder().deleted(true).build().unwrap())
            .expect(0)
            .await;
        mock.client().byok().delete(KEY_ID).await.expect("mocked");

        let verified = std::panic::AssertUnwindSafe(mock.verify()).catch_unwind().await;

        assert!(verified.is_err(), "a call to a mock that expects none fails verification");
        mock.reset().await;
    })
    .await;
}

#[tokio::test]
async fn up_to_n_times_lets_a_later_mock_answer_a_retried_call() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .update(KEY_ID)
            .respond_with_raw(503, "application/json", r#"{"error":{"code":503,"message":"busy"}}"#)
            .up_to_n_times(1)
            .expect(1)
            .await;
        mock.byok()
            .update(KEY_ID)
            .respond_with(UpdateByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap())
            .expect(1)
            .await;
        let retries = openrouter_byok::RetryPolicy::default()
            .initial_interval(Duration::from_millis(5))
            .max_attempts(2);
        let client = mock.client_builder().retry_policy(retries).build().unwrap();

        let updated = client
            .byok()
            .update(KEY_ID, UpdateByokKeyRequest::default())
            .await
            .expect("the second attempt gets the second mock");
        assert_eq!(updated.data.id, KEY_ID);
    })
    .await;
}

#[tokio::test]
async fn a_delayed_answer_meets_the_call_deadline() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .get(KEY_ID)
            .respond_with(GetByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap())
            .delay(Duration::from_secs(2))
            .await;

        let result = mock
            .client()
            .byok()
            .get(KEY_ID)
            .timeout(Duration::from_millis(100))
            .await;

        assert!(matches!(result, Err(GetByokKeyError::Timeout(_))), "{result:?}");
    })
    .await;
}

/// Refuses calls to `updateBYOKKey`, so that tests can show the mock is never reached.
struct ReadOnly;

impl Hook for ReadOnly {
    fn before_request<'a>(
        &'a self,
        context: &'a RequestContext<'a>,
        _: &'a mut reqwest::Request,
    ) -> HookFuture<'a, Result<HookAction, HookError>> {
        Box::pin(async move {
            if context.operation_id == "updateBYOKKey" {
                return Err(HookError::new("this client is read-only"));
            }
            Ok(HookAction::Continue)
        })
    }
}

#[tokio::test]
async fn hooks_added_to_the_mock_client_run_before_the_mock() {
    bounded(async {
        let mock = MockServer::start().await;
        mock.byok()
            .update(Any)
            .respond_with(UpdateByokKeyResponse::builder().data(key(KEY_ID)).build().unwrap())
            .expect(0)
            .await;
        let client = mock.client_builder().hook(ReadOnly).build().unwrap();

        let result = client.byok().update(KEY_ID, UpdateByokKeyRequest::default()).await;

        let Err(UpdateByokKeyError::Hook(e)) = result else {
            panic!("expected the hook's error, got {result:?}");
        };
        assert!(e.to_string().contains("read-only"), "{e}");
    })
    .await;
}
