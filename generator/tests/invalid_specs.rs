//! Bad input gets one clear error naming the file and the location, never a
//! panic; a document wrong in one place only (a dangling `$ref`, an operation
//! that cannot be generated) is generated without that place, with a degraded
//! warning naming it.

use std::path::{Path, PathBuf};

use generator::lower_spec;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid").join(name)
}

/// Runs the pipeline on a fixture and returns the error text.
fn error_of(name: &str) -> String {
    let path = fixture(name);
    let err = lower_spec(&path).expect_err("the fixture is invalid");
    let text = err.to_string();
    assert!(text.starts_with(&path.display().to_string()), "the error must name the file: {text}");
    text
}

#[test]
fn invalid_yaml_names_line_and_column() {
    let text = error_of("bad_yaml.yaml");
    assert!(text.contains("line 4, column "), "{text}");
    assert!(text.contains("invalid YAML"), "{text}");
}

#[test]
fn invalid_json_names_line_and_column() {
    let text = error_of("bad_json.json");
    assert!(text.contains("line 4, column 13"), "{text}");
    assert!(text.contains("invalid JSON"), "{text}");
}

/// Runs the pipeline on a fixture that is wrong in one place only: it lowers,
/// with exactly one warning, a degraded one. Returns the IR and that warning.
fn degraded_of(name: &str) -> (generator::ir::Api, generator::Warning) {
    let (api, mut warnings, _) = lower_spec(&fixture(name)).expect("one bad place does not stop the run");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings.remove(0);
    assert!(warning.degraded, "{warning}");
    (api, warning)
}

#[test]
fn dangling_ref_degrades_the_referencing_node() {
    let (api, warning) = degraded_of("dangling_ref.yaml");
    assert_eq!(warning.pointer, "#/paths/~1a/get/responses/200/content/application~1json/schema");
    assert!(warning.message.contains("dangling $ref: `#/components/schemas/Missing`"), "{warning}");
    // The operation is there, its body untyped.
    let op = &api.groups[0].operations[0];
    assert_eq!(op.success[0].ty, Some(generator::ir::TypeRef::Any));
}

#[test]
fn ref_cycle_is_reported() {
    let text = error_of("ref_cycle.yaml");
    assert!(text.contains("#/components/schemas/A"), "{text}");
    assert!(text.contains("$ref cycle"), "{text}");
}

#[test]
fn swagger_2_is_converted() {
    // Swagger 2.0 is converted to OpenAPI 3.0 (generator/src/swagger2.rs) and lowered like any document.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/swagger2/petstore-like.yaml");
    let (api, warnings, timings) = lower_spec(&path).expect("a Swagger 2.0 document converts");
    assert_eq!(api.openapi, "2.0");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(timings.iter().any(|(stage, _)| *stage == "convert"), "{timings:?}");
    let operations: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    assert_eq!(operations, 6);
}

#[test]
fn unknown_swagger_version_is_rejected_clearly() {
    let text = error_of("swagger1_2.yaml");
    assert!(text.contains("#/swagger"), "{text}");
    assert!(text.contains("Swagger 1.2 documents are not supported"), "{text}");
}

#[test]
fn duplicate_operation_ids_skip_the_second() {
    let (api, warning) = degraded_of("duplicate_operation_id.yaml");
    assert_eq!(warning.pointer, "#/paths/~1b/get");
    assert!(warning.message.contains("duplicate operationId `fetch` (also at #/paths/~1a/get)"), "{warning}");
    let pointers: Vec<&str> = api.groups.iter().flat_map(|g| g.operations.iter().map(|o| o.pointer.as_str())).collect();
    assert_eq!(pointers, ["#/paths/~1a/get"]);
}

#[test]
fn path_parameter_missing_from_declaration_skips_the_operation() {
    let (api, warning) = degraded_of("missing_path_param.yaml");
    assert_eq!(warning.pointer, "#/paths/~1items~1{item_id}/get");
    assert!(warning.message.contains("no path parameter `item_id` is declared"), "{warning}");
    assert!(api.groups.is_empty());
}

#[test]
fn wrong_field_type_names_the_json_pointer() {
    let text = error_of("wrong_type.yaml");
    assert!(text.contains("#/paths/~1items/get/parameters/0"), "{text}");
    assert!(text.contains("not a valid OpenAPI document here"), "{text}");
}

#[test]
fn missing_file_names_the_file() {
    let path = fixture("does_not_exist.yaml");
    let text = lower_spec(&path).expect_err("no such file").to_string();
    assert!(text.contains("does_not_exist.yaml"), "{text}");
    assert!(text.contains("cannot read the spec"), "{text}");
}
