//! Stage 2, normalise: rewrite OpenAPI 3.1 shapes into the 3.0 shapes that
//! `openapiv3` can parse, on the untyped document and before typed parsing.
//!
//! The pass is schema-aware: it walks only the places where schemas live, so
//! example data that happens to contain `$ref` or `type` keys is left alone.
//! It is an allowlist: a 3.1 keyword it cannot express in 3.0 becomes a
//! warning (openapiv3 would otherwise drop it silently). What 3.0 cannot say
//! but the lowering needs is kept in `x-` extensions, which openapiv3 keeps:
//! `x-const` marks a one-value `enum` that came from `const`.
//! 3.0 documents pass through untouched.

use serde_json::{Map, Value};

use crate::error::{pointer_join, GenError, Warning};

/// Extension set on a one-value `enum` that was a 3.1 `const`.
pub const CONST_EXTENSION: &str = "x-const";

/// The OpenAPI version family of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// 3.0.x: parsed as it is.
    V30,
    /// 3.1.x: normalised first.
    V31,
}

/// Rewrites `doc` in place; returns its version and the warnings for what could not be kept.
pub fn normalise(doc: &mut Value) -> Result<(SpecVersion, Vec<Warning>), GenError> {
    let version = detect_version(doc)?;
    let mut pass = Pass { warnings: Vec::new() };
    if version == SpecVersion::V31 {
        pass.document(doc);
    }
    // Both versions: numbers openapiv3 would refuse or misread.
    let mut path = Vec::new();
    numbers(doc, &mut path, false, &mut pass.warnings);
    Ok((version, pass.warnings))
}

fn detect_version(doc: &Value) -> Result<SpecVersion, GenError> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(SpecVersion::V30),
        Some(v) if v.starts_with("3.1") => Ok(SpecVersion::V31),
        Some(v) => Err(GenError::at("#/openapi", format!("unsupported OpenAPI version `{v}` (expected 3.0.x or 3.1.x)"))),
        None => Err(GenError::at("#/openapi", "missing the `openapi` version field; is this an OpenAPI document?")),
    }
}

/// Schema keywords that openapiv3 understands.
const KNOWN_KEYWORDS: &[&str] = &[
    "$ref", "type", "format", "title", "description", "default", "example", "enum", "nullable",
    "readOnly", "writeOnly", "deprecated", "externalDocs", "discriminator", "xml", "properties",
    "required", "additionalProperties", "items", "allOf", "oneOf", "anyOf", "not", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
];

/// Annotations with no meaning for code generation: dropped without a warning.
const IGNORED_KEYWORDS: &[&str] = &["$comment", "$schema", "$id", "$anchor", "$dynamicAnchor"];

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

struct Pass {
    warnings: Vec<Warning>,
}

impl Pass {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_string(), message: message.into(), degraded: false });
    }

    fn document(&mut self, doc: &mut Value) {
        let Some(root) = doc.as_object_mut() else { return };
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        // Webhooks are requests the server sends: a client has nothing to call.
        if root.remove("webhooks").is_some() {
            self.warn("#/webhooks", "webhooks are not generated: a client SDK does not receive them");
        }
        // The dialect only matters to JSON Schema validators; the pass assumes the OAS dialect.
        root.remove("jsonSchemaDialect");
        root.entry("paths").or_insert_with(|| Value::Object(Map::new()));

        if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                self.path_item(item, &pointer_join("#/paths", path));
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            if components.remove("pathItems").is_some() {
                self.warn("#/components/pathItems", "reusable path items (3.1) are not supported and were skipped");
            }
            for_each_entry(components, "schemas", |name, s| self.schema(s, &pointer_join("#/components/schemas", name)));
            for_each_entry(components, "parameters", |name, p| self.parameter(p, &pointer_join("#/components/parameters", name)));
            for_each_entry(components, "headers", |name, h| self.parameter(h, &pointer_join("#/components/headers", name)));
            for_each_entry(components, "responses", |name, r| self.response(r, &pointer_join("#/components/responses", name)));
            for_each_entry(components, "requestBodies", |name, b| self.content_holder(b, &pointer_join("#/components/requestBodies", name)));
        }
    }

    fn path_item(&mut self, item: &mut Value, ptr: &str) {
        let Some(item) = item.as_object_mut() else { return };
        self.parameters(item, ptr);
        for method in HTTP_METHODS {
            if let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) {
                let op_ptr = pointer_join(ptr, method);
                self.parameters(op, &op_ptr);
                if let Some(body) = op.get_mut("requestBody") {
                    self.content_holder(body, &pointer_join(&op_ptr, "requestBody"));
                }
                let responses_ptr = pointer_join(&op_ptr, "responses");
                for_each_entry(op, "responses", |code, r| self.response(r, &pointer_join(&responses_ptr, code)));
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, ptr: &str) {
        if let Some(list) = holder.get_mut("parameters").and_then(Value::as_array_mut) {
            for (i, p) in list.iter_mut().enumerate() {
                self.parameter(p, &pointer_join(&pointer_join(ptr, "parameters"), &i.to_string()));
            }
        }
    }

    /// A parameter or header object: a `schema` or a `content` map.
    fn parameter(&mut self, p: &mut Value, ptr: &str) {
        if let Some(schema) = p.get_mut("schema") {
            self.schema(schema, &pointer_join(ptr, "schema"));
        }
        self.content_holder(p, ptr);
    }

    fn response(&mut self, r: &mut Value, ptr: &str) {
        self.content_holder(r, ptr);
        if let Some(headers) = r.as_object_mut() {
            let headers_ptr = pointer_join(ptr, "headers");
            for_each_entry(headers, "headers", |name, h| self.parameter(h, &pointer_join(&headers_ptr, name)));
        }
    }

    /// Anything with a `content` map of media types (request bodies, responses, parameters).
    fn content_holder(&mut self, holder: &mut Value, ptr: &str) {
        let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else { return };
        let content_ptr = pointer_join(ptr, "content");
        for (media_type, media) in content.iter_mut() {
            let media_ptr = pointer_join(&content_ptr, media_type);
            if let Some(schema) = media.get_mut("schema") {
                self.schema(schema, &pointer_join(&media_ptr, "schema"));
            }
        }
    }

    fn schema(&mut self, schema: &mut Value, ptr: &str) {
        // Boolean schemas: `true` accepts anything, `false` nothing.
        if let Value::Bool(accepts) = schema {
            *schema = if *accepts { Value::Object(Map::new()) } else { serde_json::json!({ "not": {} }) };
            return;
        }
        let Some(obj) = schema.as_object_mut() else { return };

        // 3.0 ignores keys beside `$ref`; 3.1 applies them, so keep them through `allOf`.
        if obj.contains_key("$ref") && obj.len() > 1 {
            let reference = obj.remove("$ref").expect("checked above");
            obj.insert("allOf".into(), Value::Array(vec![serde_json::json!({ "$ref": reference })]));
        }
        self.type_array(obj);
        // Null branches first, so they do not survive as `{enum: [null]}` children.
        self.null_branches(obj, "anyOf");
        self.null_branches(obj, "oneOf");
        if let Some(value) = obj.remove("const") {
            if !obj.contains_key("type")
                && let Some(t) = json_type_of(&value) {
                    obj.insert("type".into(), Value::String(t.into()));
                }
            obj.insert("enum".into(), Value::Array(vec![value]));
            obj.insert(CONST_EXTENSION.into(), Value::Bool(true));
        }
        if let Some(Value::Array(examples)) = obj.remove("examples")
            && !obj.contains_key("example")
                && let Some(first) = examples.into_iter().next() {
                    obj.insert("example".into(), first);
                }
        for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(n) = obj.get(exclusive).filter(|v| v.is_number()).cloned() {
                obj.insert(inclusive.into(), n);
                obj.insert(exclusive.into(), Value::Bool(true));
            }
        }
        if let Some(encoding) = obj.remove("contentEncoding")
            && encoding == "base64" && !obj.contains_key("format") {
                obj.insert("format".into(), Value::String("byte".into()));
            }
        if obj.remove("contentMediaType").is_some() && !obj.contains_key("format") && obj.get("type").is_some_and(|t| t == "string") {
            obj.insert("format".into(), Value::String("binary".into()));
        }
        if obj.get("items").is_some_and(Value::is_array) {
            obj.remove("items");
            self.warn(&pointer_join(ptr, "items"), "tuple `items` are not supported; the array items are left untyped");
        }

        let unknown: Vec<String> = obj
            .keys()
            .filter(|k| !k.starts_with("x-") && !KNOWN_KEYWORDS.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            obj.remove(&key);
            if !IGNORED_KEYWORDS.contains(&key.as_str()) {
                self.warn(&pointer_join(ptr, &key), format!("the JSON Schema keyword `{key}` has no OpenAPI 3.0 equivalent and was ignored"));
            }
        }

        // Children.
        let props_ptr = pointer_join(ptr, "properties");
        for_each_entry(obj, "properties", |name, s| self.schema(s, &pointer_join(&props_ptr, name)));
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = obj.get_mut(key)
                && (child.is_object() || key != "additionalProperties") {
                    self.schema(child, &pointer_join(ptr, key));
                }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
                let list_ptr = pointer_join(ptr, key);
                for (i, child) in list.iter_mut().enumerate() {
                    self.schema(child, &pointer_join(&list_ptr, &i.to_string()));
                }
            }
        }
    }

    /// `type: [T, 'null']` → `type: T, nullable: true`; several types → `anyOf`.
    fn type_array(&mut self, obj: &mut Map<String, Value>) {
        let types: Vec<String> = match obj.get("type") {
            Some(Value::Array(list)) => list.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
            Some(Value::String(t)) if t == "null" => vec![t.clone()],
            _ => return,
        };
        obj.remove("type");
        let (nulls, concrete): (Vec<_>, Vec<_>) = types.into_iter().partition(|t| t == "null");
        if !nulls.is_empty() {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        match concrete.as_slice() {
            [] => {}
            [one] => {
                obj.insert("type".into(), Value::String(one.clone()));
            }
            many => {
                let branches = many.iter().map(|t| serde_json::json!({ "type": t })).collect();
                obj.insert("anyOf".into(), Value::Array(branches));
            }
        }
    }

    /// Removes `{type: 'null'}` branches of `anyOf`/`oneOf`, marking the schema nullable;
    /// a single remaining branch replaces the union.
    fn null_branches(&mut self, obj: &mut Map<String, Value>, key: &str) {
        let Some(Value::Array(branches)) = obj.get_mut(key) else { return };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() == before {
            return;
        }
        obj.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = obj.get(key) else { return };
        if branches.len() != 1 {
            return;
        }
        let Some(Value::Object(only)) = obj.remove(key).and_then(|v| v.as_array().and_then(|a| a.first().cloned())) else { return };
        if only.contains_key("$ref") {
            obj.insert("allOf".into(), Value::Array(vec![Value::Object(only)]));
        } else {
            for (k, v) in only {
                obj.entry(k).or_insert(v);
            }
            // The merged branch may itself be a 3.1 shape.
            self.type_array(obj);
        }
    }
}

/// `type: [T, 'null']` → `type: T, nullable: true` on one schema object, for
/// the Swagger 2.0 conversion (2.0 schemas are JSON Schema draft 4, which allows type lists).
pub(crate) fn type_array(obj: &mut Map<String, Value>) {
    Pass { warnings: Vec::new() }.type_array(obj);
}

fn for_each_entry(holder: &mut Map<String, Value>, key: &str, mut f: impl FnMut(&str, &mut Value)) {
    if let Some(map) = holder.get_mut(key).and_then(Value::as_object_mut) {
        for (name, value) in map.iter_mut() {
            f(name, value);
        }
    }
}

fn is_null_schema(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(list)) => list.iter().all(|t| t == "null"),
        _ => schema.get("const").is_some_and(Value::is_null) && schema.as_object().is_some_and(|o| o.len() == 1),
    }
}

fn json_type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
        Value::Null => None,
    }
}

/// Keys whose values are data, not schemas: nothing inside them is a bound.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Objects whose keys are names the document chose (a property may be called `default`).
const NAME_MAPS: &[&str] = &[
    "properties", "patternProperties", "schemas", "parameters", "responses", "headers", "requestBodies",
    "content", "paths", "callbacks", "links", "securitySchemes", "$defs", "definitions", "dependentSchemas",
    "encoding", "variables",
];

/// Any JSON number is accepted; openapiv3 reads integer bounds (`minimum`,
/// `maximum`, `multipleOf`, `enum` of an integer schema) as `i64` and lengths
/// and counts as `usize`, and otherwise refuses the document or reads the
/// integer schema as untyped. So, in every schema (3.0 and 3.1): a float with
/// an integral value (`1.0`, `-9223372036854776000`) becomes that integer; a
/// bound the Rust type (`i64`, `i32` for `format: int32`) cannot hold, or a
/// count that is not a whole number, is dropped from validation with a warning.
fn numbers(value: &mut Value, path: &mut Vec<String>, in_name_map: bool, warnings: &mut Vec<Warning>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                numbers(item, path, false, warnings);
                path.pop();
            }
        }
        Value::Object(obj) => {
            if !in_name_map {
                fix_numbers(obj, path, warnings);
            }
            for (key, child) in obj.iter_mut() {
                if !in_name_map && (DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-")) {
                    continue;
                }
                path.push(key.clone());
                numbers(child, path, !in_name_map && NAME_MAPS.contains(&key.as_str()), warnings);
                path.pop();
            }
        }
        _ => {}
    }
}

fn fix_numbers(obj: &mut Map<String, Value>, path: &[String], warnings: &mut Vec<Warning>) {
    let pointer = |key: &str| pointer_join(&path.iter().fold("#".to_string(), |p, t| pointer_join(&p, t)), key);
    // An integer the JSON number stands for exactly, if any.
    let integral = |v: &Value| {
        v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= -9.223_372_036_854_776e18 && *f < 9.223_372_036_854_776e18).map(|f| f as i64))
    };
    if obj.get("type").and_then(Value::as_str) == Some("integer") {
        let (range, rust) = match obj.get("format").and_then(Value::as_str) {
            Some("int32") => (i64::from(i32::MIN)..=i64::from(i32::MAX), "i32"),
            _ => (i64::MIN..=i64::MAX, "i64"),
        };
        for (key, exclusive) in [("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum"), ("multipleOf", "")] {
            let Some(v) = obj.get(key).filter(|v| v.is_number()) else { continue };
            // `minimum: 1.5` (inclusive or not) admits the same integers as `minimum: 2`.
            let rounded = match v.as_f64().filter(|f| f.fract() != 0.0) {
                Some(f) if key == "minimum" => Some(Value::from(f.ceil())),
                Some(f) if key == "maximum" => Some(Value::from(f.floor())),
                _ => None,
            };
            match integral(rounded.as_ref().unwrap_or(v)).filter(|n| range.contains(n)) {
                Some(n) if v.as_i64() == Some(n) => {}
                Some(n) => {
                    obj.insert(key.into(), Value::from(n));
                    if rounded.is_some() {
                        obj.remove(exclusive);
                    }
                }
                None => {
                    let message = format!("`{key}: {v}` is not a value of the Rust type `{rust}`; it is not checked");
                    obj.remove(key);
                    warnings.push(Warning::new(pointer(key), message));
                }
            }
        }
        if let Some(Value::Array(values)) = obj.get_mut("enum") {
            let before = values.len();
            values.retain_mut(|v| match integral(v) {
                _ if !v.is_number() => true,
                Some(n) => {
                    *v = Value::from(n);
                    true
                }
                None => false,
            });
            if values.len() != before {
                warnings.push(Warning::new(pointer("enum"), format!("{} value(s) that are not 64-bit integers were left out of this integer enum", before - values.len())));
            }
        }
    }
    for key in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
        let Some(v) = obj.get(key).filter(|v| v.is_number() && !v.is_u64()) else { continue };
        match integral(v).and_then(|n| u64::try_from(n).ok()) {
            Some(n) => {
                obj.insert(key.into(), Value::from(n));
            }
            None => {
                let message = format!("`{key}: {v}` is not a count; it is not checked");
                obj.remove(key);
                warnings.push(Warning::new(pointer(key), message));
            }
        }
    }
}
