//! Bad input gets one clear error naming the file and the location, never a panic.

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

#[test]
fn dangling_ref_names_the_referencing_node() {
    let text = error_of("dangling_ref.yaml");
    assert!(text.contains("#/paths/~1a/get/responses/200/content/application~1json/schema"), "{text}");
    assert!(text.contains("dangling $ref: `#/components/schemas/Missing`"), "{text}");
}

#[test]
fn ref_cycle_is_reported() {
    let text = error_of("ref_cycle.yaml");
    assert!(text.contains("#/components/schemas/A"), "{text}");
    assert!(text.contains("$ref cycle"), "{text}");
}

#[test]
fn swagger_2_is_rejected_clearly() {
    let text = error_of("swagger2.yaml");
    assert!(text.contains("#/swagger"), "{text}");
    assert!(text.contains("Swagger 2.0 documents are not supported"), "{text}");
}

#[test]
fn duplicate_operation_ids_are_reported() {
    let text = error_of("duplicate_operation_id.yaml");
    assert!(text.contains("#/paths/~1b/get"), "{text}");
    assert!(text.contains("duplicate operationId `fetch` (also at #/paths/~1a/get)"), "{text}");
}

#[test]
fn path_parameter_missing_from_declaration() {
    let text = error_of("missing_path_param.yaml");
    assert!(text.contains("#/paths/~1items~1{item_id}/get"), "{text}");
    assert!(text.contains("no path parameter `item_id` is declared"), "{text}");
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
