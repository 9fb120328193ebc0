//! `--tag`/`--operation` filtering: the BYOK subset of OpenRouter's full
//! document gives the same operations as our own `spec/byok.openapi.yaml`.

use std::path::{Path, PathBuf};

use generator::ir::{Api, Filter, Operation, TypeDef};
use generator::lower_spec;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn upstream() -> PathBuf {
    root().join("../shared/upstream/openrouter.openapi.yaml")
}

/// What must agree between the two documents (not the prose, which we rewrote).
fn shape(op: &Operation) -> String {
    let params: Vec<String> = op.params.iter().map(|p| format!("{}:{:?}:{}:{:?}", p.name, p.location, p.required, p.constraints)).collect();
    let errors: Vec<String> = op.errors.iter().map(|e| format!("{:?}={}", e.status, e.variant)).collect();
    let success: Vec<String> = op.success.iter().map(|s| format!("{:?}:{:?}", s.status, s.ty)).collect();
    format!(
        "{} {} {} {} params={params:?} body={:?} success={success:?} errors={errors:?} paging={:?}",
        op.id,
        op.method_name,
        op.http_method,
        op.path,
        op.body.as_ref().map(|b| &b.ty),
        op.pagination.as_ref().map(|p| (&p.kind, &p.results_field))
    )
}

fn operations(api: &Api) -> Vec<String> {
    api.groups.iter().flat_map(|g| g.operations.iter()).map(shape).collect()
}

#[test]
fn byok_tag_of_the_full_document_matches_our_spec() {
    let (mut full, _, _) = lower_spec(&upstream()).unwrap();
    full.filter(&Filter { tags: vec!["BYOK".into()], operations: vec![] });
    let (ours, _, _) = lower_spec(&root().join("spec/byok.openapi.yaml")).unwrap();
    assert_eq!(operations(&full), operations(&ours));
    assert_eq!(full.groups.len(), 1);

    // Only the types the BYOK operations use survive, and they are the same types.
    let names = |api: &Api| {
        let mut n: Vec<String> = api.types.iter().map(|t| t.rust_name().to_string()).collect();
        n.sort();
        n
    };
    // Upstream inlines the provider enum in the list parameter; our spec refers to
    // BYOKProviderSlug instead. The values must be the same.
    let mut expected = names(&ours);
    expected.push("ListByokKeysProvider".into());
    expected.sort();
    assert_eq!(names(&full), expected);
    let values = |api: &Api, name: &str| match api.types.iter().find(|t| t.rust_name() == name) {
        Some(TypeDef::Enum(e)) => e.variants.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
        _ => panic!("{name} is not an enum"),
    };
    assert_eq!(values(&full, "ListByokKeysProvider"), values(&ours, "ByokProviderSlug"));
    assert!(values(&ours, "ByokProviderSlug").len() > 100);
    let fields = |api: &Api, name: &str| match api.types.iter().find(|t| t.rust_name() == name) {
        Some(TypeDef::Struct(s)) => {
            // Property order differs between the documents; the set must not.
            let mut f: Vec<String> = s.fields.iter().map(|f| format!("{}:{:?}:{:?}:{}", f.name, f.ty, f.presence, f.sensitive)).collect();
            f.sort();
            f
        }
        _ => panic!("{name} is not a struct"),
    };
    for name in ["ByokKey", "ListByokKeysResponse", "DeleteByokKeyResponse", "BadRequestResponse"] {
        assert_eq!(fields(&full, name), fields(&ours, name), "{name}");
    }
}

#[test]
fn operation_filter_keeps_exactly_the_named_operations() {
    let (mut full, _, _) = lower_spec(&upstream()).unwrap();
    full.filter(&Filter { tags: vec![], operations: vec!["getBYOKKey".into(), "listBYOKKeys".into()] });
    let ids: Vec<&str> = full.groups.iter().flat_map(|g| g.operations.iter().map(|o| o.id.as_str())).collect();
    assert_eq!(ids, ["listBYOKKeys", "getBYOKKey"]);
}

#[test]
fn a_filtered_streaming_operation_keeps_its_event_type() {
    let (mut full, _, _) = lower_spec(&upstream()).unwrap();
    full.filter(&Filter { tags: vec![], operations: vec!["sendChatCompletionRequest".into()] });
    let op = full.groups.iter().flat_map(|g| g.operations.iter()).next().expect("the operation is kept");
    let events: Vec<&generator::ir::TypeRef> = op.success.iter().filter_map(|s| s.stream.as_ref()).map(|s| &s.ty).collect();
    assert!(!events.is_empty(), "sendChatCompletionRequest streams server-sent events");
    for event in events {
        if let generator::ir::TypeRef::Named(name) = event {
            assert!(full.types.iter().any(|t| t.rust_name() == name), "event type {name} was dropped by the filter");
        }
    }
}
