//! The load stage beyond one file: documents split over several files
//! (`$ref`s into other files, bundled into one document) and overlays.

use std::path::{Path, PathBuf};

use generator::ir::{Presence, TypeDef};
use generator::{lower_spec, lower_spec_with, LoadOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn multi_file_spec_generates_the_same_crate_as_its_single_file_equivalent() {
    let split = fixtures().join("multi_file/openapi.yaml");
    let single = fixtures().join("multi_file_bundled.yaml");
    let (split_api, split_warnings, _) = lower_spec(&split).unwrap();
    let (single_api, _, _) = lower_spec(&single).unwrap();
    assert_eq!(
        serde_json::to_value(&split_api).unwrap(),
        serde_json::to_value(&single_api).unwrap(),
        "the IR of the split document differs from the single file's"
    );
    // One name was taken: the warning says which file got which name.
    let warnings: Vec<String> = split_warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.contains(
            &"warning: #/components/schemas/Status2: the schema of `schemas/Status.yaml` is named `Status2`: `Status` is a schema of the root document"
                .to_string()
        ),
        "{warnings:?}"
    );
    // Same files, same bytes (the header names the spec: same name for both).
    let a = generator::Config::new(&split).generate().unwrap().files;
    let b = generator::Config::new(&single).spec_name("openapi.yaml").generate().unwrap().files;
    assert_eq!(a.iter().map(|f| &f.path).collect::<Vec<_>>(), b.iter().map(|f| &f.path).collect::<Vec<_>>());
    for (a, b) in a.iter().zip(&b) {
        assert!(a.contents == b.contents, "{} differs between the split and the single-file document", a.path);
    }
}

#[test]
fn multi_file_ir() {
    let (api, warnings, _) = lower_spec(&fixtures().join("multi_file/openapi.yaml")).unwrap();
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    insta::assert_yaml_snapshot!("multi_file_ir", serde_json::json!({ "warnings": warnings, "api": api }));
}

#[test]
fn bundling_is_deterministic_and_resolves_everything() {
    let path = fixtures().join("multi_file/openapi.yaml");
    let (first, _) = generator::load::load_document(&path, &LoadOptions::default()).unwrap();
    let (second, _) = generator::load::load_document(&path, &LoadOptions::default()).unwrap();
    assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap());
    // Every reference left is internal, and a string where the spec expects one is that string.
    let text = serde_json::to_string(&first).unwrap();
    assert!(!text.contains(".yaml"), "a reference to a file is left: {text}");
    assert_eq!(first["tags"][0]["description"], "Pets of the shelter.\n");
    assert_eq!(first["info"]["description"], "The pet shelter's API: list, adopt and look up pets.\n");
    // The cycle across files (Pet → Owner → Pet) is an internal cycle.
    assert_eq!(first["components"]["schemas"]["Owner"]["properties"]["pets"]["items"]["$ref"], "#/components/schemas/Pet");
    assert_eq!(first["components"]["schemas"]["Pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Owner");
}

#[test]
fn whole_maps_may_live_in_index_files() {
    let path = fixtures().join("multi_file_index/openapi.yaml");
    let (doc, warnings) = generator::load::load_document(&path, &LoadOptions::default()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let schemas = &doc["components"]["schemas"];
    // The index's first entry for Pet.yaml names it; the second is an alias; the self-reference is internal.
    assert_eq!(schemas.as_object().unwrap().keys().collect::<Vec<_>>(), ["Pet", "Animal"]);
    assert_eq!(schemas["Pet"]["properties"]["friend"]["$ref"], "#/components/schemas/Pet");
    assert_eq!(schemas["Animal"]["$ref"], "#/components/schemas/Pet");
    assert_eq!(doc["paths"]["/pets"]["get"]["operationId"], "listPets");
    lower_spec(&path).unwrap();
}

/// Runs the pipeline on a fixture of `invalid_refs/` and returns the error text.
fn error_of(name: &str) -> String {
    lower_spec(&fixtures().join("invalid_refs").join(name)).expect_err("the fixture is invalid").to_string()
}

#[test]
fn a_missing_file_names_the_referring_node_and_the_file() {
    let text = error_of("missing_file.yaml");
    assert!(text.contains("missing_file.yaml: #/paths/~1a: $ref `parts/does_not_exist.yaml`: cannot read `parts/does_not_exist.yaml`"), "{text}");
}

#[test]
fn a_missing_target_names_the_pointer() {
    let text = error_of("missing_pointer.yaml");
    assert!(text.contains("missing_pointer.yaml: #/paths/~1a: $ref `parts/path_items.yaml#/nope`: nothing at `parts/path_items.yaml#/nope`"), "{text}");
}

#[test]
fn urls_are_refused() {
    let text = error_of("remote.yaml");
    assert!(text.contains("$ref `https://example.com/schemas/Pet.yaml`: remote references are not fetched"), "{text}");
}

#[test]
fn a_syntax_error_in_another_file_names_it_with_line_and_column() {
    let text = error_of("bad_syntax.yaml");
    assert!(text.contains("parts/broken.yaml: line "), "{text}");
    assert!(text.contains("invalid YAML"), "{text}");
}

#[test]
fn a_cycle_through_objects_that_are_not_schemas_is_an_error() {
    let text = error_of("path_cycle.yaml");
    assert!(text.contains("parts/path_items.yaml: #/loop: $ref cycle through objects that are not schemas"), "{text}");
}

#[test]
fn a_reference_that_escapes_is_a_clean_error() {
    let text = error_of("escape.yaml");
    assert!(text.contains("cannot read `"), "{text}");
}

#[test]
fn overlay_fixes_the_spec_before_generation() {
    let dir = fixtures().join("overlay");
    let overlay = dir.join("overlay.yaml");
    let options = LoadOptions { overlays: vec![overlay.clone()] };
    let (api, warnings, _) = lower_spec_with(&dir.join("spec.yaml"), &options).unwrap();
    let operations: Vec<&str> = api.groups.iter().flat_map(|g| &g.operations).map(|o| o.id.as_str()).collect();
    // operationId added, delete removed.
    assert_eq!(operations, ["listItems", "getItem"]);
    let item = api
        .types
        .iter()
        .find_map(|t| match t {
            TypeDef::Struct(s) if s.name == "Item" => Some(s),
            _ => None,
        })
        .expect("the Item struct");
    assert_eq!(item.docs.as_deref(), Some("An item for sale."));
    let note = item.fields.iter().find(|f| f.name == "note").unwrap();
    assert_eq!(note.presence, Presence::RequiredNullable);
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, [format!("warning: {}: actions[4]: target `$.components.schemas.Gone` matches nothing", overlay.display())]);

    // Without the overlay the spec is as written.
    let (plain, _, _) = lower_spec(&dir.join("spec.yaml")).unwrap();
    let operations: usize = plain.groups.iter().map(|g| g.operations.len()).sum();
    assert_eq!(operations, 3);
}

#[test]
fn overlay_errors_name_the_file_and_the_action() {
    let dir = std::env::temp_dir().join(format!("overlay-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let overlay = dir.join("bad.yaml");
    std::fs::write(&overlay, "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {title: ok}\n  - target: '$.paths[?'\n    remove: true\n").unwrap();
    let options = LoadOptions { overlays: vec![overlay.clone()] };
    let text = lower_spec_with(&fixtures().join("overlay/spec.yaml"), &options).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(text.starts_with(&format!("{}: actions[1]: invalid JSONPath", overlay.display())), "{text}");
}
