//! `tests/contract.rs`: one test per operation, built from the document's
//! examples, to run against a spec-driven mock server (Prism) that rejects any
//! request the document does not allow. Compiled only with the crate's
//! `contract` feature, which `cargo xtask contract` turns on after starting the
//! mock server; the server's URL comes from `CONTRACT_BASE_URL`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::rust_type;
use crate::ir::{Api, BodyEncoding, Group, HttpMethod, Operation, ParamLocation, TypeDef, TypeRef};
use crate::names::ident;

/// The contract test file.
/// `features`: the runtime features of the crate (what it exports).
pub fn contract_rs(api: &Api, crate_ident: &str, features: &BTreeSet<&str>) -> TokenStream {
    let krate = format_ident!("{}", crate_ident);
    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    // Test names come from operationIds, which may differ only in case or name a helper of this file.
    let mut taken = crate::names::reserved::CONTRACT_ITEMS.iter().map(|n| n.to_string()).collect();
    for group in &api.groups {
        for op in &group.operations {
            match operation_test(api, group, op, &krate, &mut taken) {
                Some(test) => tests.push(test),
                None => skipped.push(op.id.clone()),
            }
        }
    }
    let skipped_doc = if skipped.is_empty() {
        "Every operation has a contract test.".to_string()
    } else {
        format!("Operations without a contract test (their bodies are not JSON): {}.", skipped.join(", "))
    };
    let rejection = rejection_tests(api, &krate);
    // Exported only by crates whose API uploads files.
    let file_upload = features.contains("file-upload").then(|| {
        quote! {
            #[allow(unused_imports)]
            use #krate::FileUpload;
        }
    });
    quote! {
        //! Contract tests: each operation, called with the document's examples,
        //! must be accepted by a mock server that validates requests against the
        //! document, and its answer must decode. Run them with `cargo xtask contract`.
        #![doc = #skipped_doc]
        #![cfg(feature = "contract")]

        use #krate::Client;

        // Type paths are written as inside the library (`crate::models::…`);
        // these aliases make them resolve in this test crate too.
        mod models {
            // Unused when no operation takes a model.
            #[allow(unused_imports)]
            pub use #krate::models::*;
        }
        #[allow(unused_imports)]
        use #krate::{Nullable, SecretString};
        #file_upload

        fn base_url() -> String {
            std::env::var("CONTRACT_BASE_URL").expect("CONTRACT_BASE_URL must point at the mock server (run `cargo xtask contract`)")
        }

        fn client() -> Client {
            Client::builder()
                .api_key("contract-test-key")
                .base_url(base_url())
                .retry_policy(#krate::RetryPolicy::none())
                .build()
                .expect("client builds")
        }

        /// Decodes a document example (JSON text) into the type a call needs.
        /// Documents often quote scalar examples (`"false"`, `"10"`), so a string
        /// is also tried as the JSON it spells.
        fn example<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> T {
            serde_json::from_str(json)
                .or_else(|e| match serde_json::from_str::<String>(json) {
                    Ok(inner) => serde_json::from_str(&inner).map_err(|_| e),
                    Err(_) => Err(e),
                })
                .unwrap_or_else(|e| panic!("the example for {what} does not decode: {e}"))
        }

        #(#tests)*
        #rejection
    }
}

/// A value for a parameter or body: its example, else its default, else one made up from its type.
fn example_value(api: &Api, ty: &TypeRef, example: Option<&serde_json::Value>, default: Option<&serde_json::Value>) -> serde_json::Value {
    if let Some(v) = example.or(default) {
        return v.clone();
    }
    match ty {
        TypeRef::Integer { .. } => serde_json::json!(1),
        TypeRef::Number => serde_json::json!(1.0),
        TypeRef::Boolean => serde_json::json!(true),
        TypeRef::Array(_) => serde_json::json!([]),
        TypeRef::Named(n) => match api.type_def(n) {
            Some(TypeDef::Enum(e)) => e.variants.first().map_or(serde_json::json!("value"), |v| serde_json::json!(v.value)),
            _ => serde_json::json!({}),
        },
        _ => serde_json::json!("example"),
    }
}

fn operation_test(
    api: &Api,
    group: &Group,
    op: &Operation,
    krate: &proc_macro2::Ident,
    taken: &mut std::collections::BTreeSet<String>,
) -> Option<TokenStream> {
    if op.body.as_ref().is_some_and(|b| b.encoding != BodyEncoding::Json) {
        return None;
    }
    let test_name = ident(&crate::names::unique(crate::names::value_name(&op.id), taken));
    let accessor = ident(&group.accessor);
    let method = ident(&op.method_name);
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let value = example_value(api, &p.ty, p.example.as_ref(), p.default.as_ref()).to_string();
        let ty = rust_type(&p.ty);
        let what = format!("parameter `{}`", p.name);
        args.push(quote!(example::<#ty>(#value, #what)));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = example_value(api, &body.ty, body.example.as_ref(), None).to_string();
        let ty = rust_type(&body.ty);
        args.push(quote!(example::<#ty>(#value, "the request body")));
    }
    // Optional query parameters with examples are sent too, so the mock checks them.
    let setters = op.params.iter().filter(|p| !p.required && p.location == ParamLocation::Query && p.example.is_some()).map(|p| {
        let setter = ident(&p.rust_name);
        let value = p.example.as_ref().map(ToString::to_string).unwrap_or_default();
        let ty = rust_type(&p.ty);
        let what = format!("parameter `{}`", p.name);
        quote!(.#setter(example::<#ty>(#value, #what)))
    });
    let id = &op.id;
    let _ = krate;
    Some(quote! {
        #[tokio::test]
        async fn #test_name() {
            let result = client().#accessor().#method(#(#args),*) #(#setters)* .send().await;
            if let Err(e) = &result {
                panic!("{} was not accepted or did not decode: {e}\n{:?}", #id, e.raw_body().map(String::from_utf8_lossy));
            }
        }
    })
}

/// Proof that the mock validates: a call without credentials and a body of the
/// wrong shape must both be refused.
fn rejection_tests(api: &Api, krate: &proc_macro2::Ident) -> TokenStream {
    let _ = krate;
    let ops = || api.groups.iter().flat_map(|g| g.operations.iter());
    let without_params = ops().find(|o| o.params.iter().all(|p| !p.required) && o.body.is_none() && o.http_method == HttpMethod::Get);
    let with_body = ops().find(|o| o.body.as_ref().is_some_and(|b| b.required && b.encoding == BodyEncoding::Json) && !o.path.has_params());
    let mut out = TokenStream::new();
    if let (Some(op), true) = (without_params, !api.security_schemes.is_empty()) {
        let path = op.path.as_str();
        out.extend(quote! {
            #[tokio::test]
            async fn the_mock_refuses_a_request_without_credentials() {
                let response = reqwest::Client::new().get(format!("{}{}", base_url(), #path)).send().await.expect("the mock answers");
                assert_eq!(response.status().as_u16(), 401, "request validation must be on");
            }
        });
    }
    if let Some(op) = with_body {
        let path = op.path.as_str();
        let method = format_ident!("{}", op.http_method.as_str().to_lowercase());
        out.extend(quote! {
            #[tokio::test]
            async fn the_mock_refuses_a_body_of_the_wrong_shape() {
                let response = reqwest::Client::new()
                    .#method(format!("{}{}", base_url(), #path))
                    .bearer_auth("contract-test-key")
                    .header("content-type", "application/json")
                    .body("[\"not\", \"the documented object\"]")
                    .send()
                    .await
                    .expect("the mock answers");
                let status = response.status().as_u16();
                assert!((400..500).contains(&status), "a body that breaks the schema must be refused, got {status}");
            }
        });
    }
    out
}
