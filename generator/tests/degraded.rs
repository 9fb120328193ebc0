//! One odd schema never stops the run: what the lowering cannot express
//! becomes untyped JSON (or a skipped parameter or operation) with one
//! degraded warning naming its JSON pointer, and everything else is generated.
//! Numbers of any size are read; bounds a Rust type cannot hold are dropped.

use std::path::{Path, PathBuf};

use generator::ir::{Api, Operation, TypeDef, TypeRef};
use generator::{lower_document, lower_spec, EmitOptions, Warning};
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lowering").join(name)
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.groups.iter().flat_map(|g| &g.operations).find(|o| o.id == id).unwrap_or_else(|| panic!("operation {id} is generated"))
}

fn field_type(api: &Api, type_name: &str, field: &str) -> TypeRef {
    let Some(TypeDef::Struct(s)) = api.types.iter().find(|t| t.rust_name() == type_name) else { panic!("struct {type_name}") };
    s.fields.iter().find(|f| f.name == field).unwrap_or_else(|| panic!("{type_name}.{field}")).ty.clone()
}

fn degraded(warnings: &[Warning]) -> Vec<&Warning> {
    warnings.iter().filter(|w| w.degraded).collect()
}

/// A 3.1 document with the given paths and component schemas.
fn doc(paths: serde_json::Value, schemas: serde_json::Value) -> serde_json::Value {
    json!({ "openapi": "3.1.0", "info": { "title": "T", "version": "1" }, "paths": paths, "components": { "schemas": schemas } })
}

fn json_response(schema: serde_json::Value) -> serde_json::Value {
    json!({ "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } })
}

#[test]
fn one_inexpressible_schema_is_untyped_and_the_rest_generated() {
    let path = fixture("degraded.yaml");
    let (api, warnings, _) = lower_spec(&path).expect("one odd schema does not stop the run");

    // Exactly one warning: degraded, naming the schema.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].degraded);
    assert_eq!(warnings[0].pointer, "#/components/schemas/Odd");
    assert!(warnings[0].message.contains("untyped JSON"), "{}", warnings[0]);

    // Every other operation is there and typed; the odd schema is `serde_json::Value` where it is used.
    let note = TypeRef::Named("Note".into());
    assert_eq!(operation(&api, "listNotes").success[0].ty, Some(TypeRef::Array(Box::new(note.clone()))));
    assert_eq!(operation(&api, "createNote").body.as_ref().map(|b| &b.ty), Some(&note));
    assert_eq!(operation(&api, "createNote").success[0].ty, Some(note));
    assert_eq!(operation(&api, "getOdd").success[0].ty, Some(TypeRef::Any));
    assert_eq!(field_type(&api, "Note", "odd"), TypeRef::Any);
    assert_eq!(field_type(&api, "Note", "id"), TypeRef::String);

    // And the crate is emitted.
    let generated = generator::Config::new(&path).generate().unwrap();
    assert!(generated.files.iter().any(|f| f.path == "src/models.rs" && f.contents.contains("pub odd: Option<::serde_json::Value>")));
}

#[test]
fn a_broken_reference_degrades_only_its_spot() {
    let spec = doc(
        json!({
            "/a": { "get": { "operationId": "getA", "responses": json_response(json!({ "$ref": "#/components/schemas/A" })) } },
            "/b": { "get": {
                "operationId": "getB",
                "parameters": [
                    { "$ref": "#/components/parameters/Missing" },
                    { "name": "q", "in": "query", "schema": { "type": "string" } }
                ],
                "requestBody": { "$ref": "#/components/requestBodies/Missing" },
                "responses": { "200": { "$ref": "#/components/responses/Missing" } }
            } },
        }),
        json!({
            "A": { "type": "object", "properties": {
                "fine": { "type": "string" },
                "gone": { "$ref": "#/components/schemas/Missing" },
                "list": { "type": "array", "items": { "$ref": "other.yaml#/Thing" } },
                "merged": { "allOf": [{ "$ref": "#/components/schemas/B" }, { "$ref": "#/components/schemas/Missing" }] }
            } },
            "B": { "type": "object", "properties": { "b": { "type": "integer" } } }
        }),
    );
    let (api, warnings, _) = lower_document(spec).expect("broken references do not stop the run");
    let pointers: Vec<&str> = degraded(&warnings).iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "#/components/schemas/A/properties/gone",
            "#/components/schemas/A/properties/list/items",
            "#/components/schemas/A/properties/merged/allOf/1",
            "#/paths/~1b/get/parameters/0",
            "#/paths/~1b/get/requestBody",
            "#/paths/~1b/get/responses/200",
        ],
        "{warnings:#?}"
    );
    assert_eq!(warnings.len(), pointers.len(), "{warnings:#?}");
    assert_eq!(field_type(&api, "A", "fine"), TypeRef::String);
    assert_eq!(field_type(&api, "A", "gone"), TypeRef::Any);
    assert_eq!(field_type(&api, "A", "list"), TypeRef::Array(Box::new(TypeRef::Any)));
    // The merge keeps what it can resolve; the rest is kept as untyped additional properties.
    let Some(TypeDef::Struct(merged)) = api.types.iter().find(|t| t.rust_name() == "AMerged") else { panic!("{:#?}", api.types) };
    assert_eq!(merged.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["b"]);
    assert_eq!(merged.additional, Some(TypeRef::Any));
    let b = operation(&api, "getB");
    assert_eq!(b.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["q"]);
    assert_eq!(b.body.as_ref().map(|b| &b.ty), Some(&TypeRef::Any));
    assert_eq!(b.success[0].ty, Some(TypeRef::Any));
    assert_eq!(operation(&api, "getA").success[0].ty, Some(TypeRef::Named("A".into())));
}

#[test]
fn a_recursive_type_whose_definition_fails_is_untyped_everywhere() {
    // `Node` is a struct (an allOf of objects) whose inline member type refers
    // back to it, and whose last member cannot be merged (an allOf no value
    // satisfies, nested in it): the reference handed out before the failure
    // becomes untyped JSON too.
    let spec = doc(
        json!({ "/n": { "get": { "operationId": "getN", "responses": json_response(json!({ "$ref": "#/components/schemas/Holder" })) } } }),
        json!({
            "Holder": { "type": "object", "properties": { "node": { "$ref": "#/components/schemas/Node" } } },
            "Node": { "allOf": [
                { "type": "object", "properties": { "next": { "type": "object", "properties": { "node": { "$ref": "#/components/schemas/Node" } } } } },
                { "allOf": [{ "type": "string" }, { "type": "integer" }] }
            ] }
        }),
    );
    let (api, warnings, _) = lower_document(spec).unwrap();
    assert_eq!(degraded(&warnings).iter().map(|w| w.pointer.as_str()).collect::<Vec<_>>(), ["#/components/schemas/Node"], "{warnings:#?}");
    assert_eq!(field_type(&api, "Holder", "node"), TypeRef::Any);
    assert_eq!(field_type(&api, "NodeNext", "node"), TypeRef::Any);
    assert!(api.types.iter().all(|t| t.rust_name() != "Node"));
    let options = EmitOptions::for_api(&api, "t.yaml");
    generator::emit::emit(&api, &options).expect("no reference to an undefined type is left");
}

#[test]
fn a_pure_reference_cycle_is_still_fatal() {
    let spec = doc(json!({}), json!({ "A": { "$ref": "#/components/schemas/B" }, "B": { "$ref": "#/components/schemas/A" } }));
    let err = lower_document(spec).expect_err("no type can stand for A = B = A");
    assert!(err.to_string().contains("$ref cycle"), "{err}");
}

#[test]
fn integers_beyond_i64_and_float_bounds_are_read() {
    let text = "openapi: 3.0.3
info: { title: Numbers, version: '1' }
paths:
  /r:
    get:
      operationId: roll
      parameters:
        - name: seed
          in: query
          schema: { type: integer, minimum: -9223372036854776000, maximum: 9223372036854776000 }
        - name: sides
          in: query
          schema: { type: integer, format: int32, minimum: 1.0, maximum: 99999999999999999999999 }
        - name: ratio
          in: query
          schema: { type: integer, minimum: 0.5, exclusiveMinimum: true, maximum: 10.5 }
        - name: word
          in: query
          schema: { type: string, maxLength: 12.0, minLength: -3 }
      responses: { '204': { description: ok } }
";
    let doc = generator::load::parse(text, Path::new("numbers.yaml")).expect("big integers load");
    let (api, warnings, _) = lower_document(doc).expect("big integers lower");
    let params = &operation(&api, "roll").params;
    let c = |name: &str| params.iter().find(|p| p.name == name).unwrap().constraints.clone();
    // Read as integers (the float -9223372036854776000 is i64::MIN); what the Rust type cannot hold is dropped.
    assert!(params.iter().take(3).all(|p| matches!(p.ty, TypeRef::Integer { .. })));
    assert_eq!((c("seed").minimum, c("seed").maximum), (Some(i64::MIN as f64), None));
    assert_eq!((c("sides").minimum, c("sides").maximum), (Some(1.0), None));
    // `minimum: 0.5` (exclusive) and `maximum: 10.5` admit the integers 1 to 10.
    assert_eq!((c("ratio").minimum, c("ratio").exclusive_minimum, c("ratio").maximum), (Some(1.0), false, Some(10.0)));
    assert_eq!((c("word").min_length, c("word").max_length), (None, Some(12)));
    let dropped: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        dropped,
        [
            "#/paths/~1r/get/parameters/0/schema/maximum",
            "#/paths/~1r/get/parameters/1/schema/maximum",
            "#/paths/~1r/get/parameters/3/schema/minLength",
        ],
        "{warnings:#?}"
    );
    assert!(warnings.iter().all(|w| !w.degraded));
}
