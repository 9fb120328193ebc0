//! Stage 1b, convert: rewrite a Swagger 2.0 document into an OpenAPI 3.0
//! document, on the untyped value, right after loading. Its one job is the
//! translation; everything after it (normalise, typed parse, lower, emit) sees
//! an ordinary 3.0 document.
//!
//! What moves where: `host`/`basePath`/`schemes` → `servers`; `definitions`,
//! `parameters`, `responses` and `securityDefinitions` → `components` (a body
//! parameter becomes a request body; every `$ref` is rewritten to its new
//! place); `body` and `formData` parameters → `requestBody`, with the media
//! types of `consumes`; response `schema` → `content` with the media types of
//! `produces` (JSON when neither says); parameter `type`/`format`/`items`/
//! `collectionFormat` → `schema`, `style` and `explode`; `type: file` →
//! `type: string, format: binary`; `x-nullable` → `nullable`. Vendor
//! extensions are kept. Like the normalise pass it is an allowlist: what has
//! no 3.0 equivalent becomes a warning naming its pointer in the 2.0
//! document, never a silent drop. A [`SourceMap`] from moved nodes back to
//! their 2.0 places lets the later stages' warnings and errors name 2.0
//! pointers as well.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::error::{pointer_join, GenError, Warning};
use crate::normalise;

/// The version the converted document declares.
const OPENAPI_VERSION: &str = "3.0.3";
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Schema keywords of Swagger 2.0 (and JSON Schema keywords OpenAPI 3.0 shares) kept as they are.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref", "format", "title", "description", "default", "multipleOf", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxProperties", "minProperties", "enum", "type", "readOnly", "xml",
    "externalDocs", "example", "nullable", "writeOnly", "deprecated", "required",
];

/// Keys of a non-body parameter, a header or an `items` object that describe the value: they go to `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type", "format", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf",
];

/// Keys whose values are data (examples, defaults), where a `$ref` key is not a reference.
const DATA_KEYS: &[&str] = &["example", "examples", "x-example", "x-examples", "default", "enum"];

/// Keys whose values are maps from user-chosen names (so `default` there is a name, not data).
const NAME_MAPS: &[&str] = &[
    "properties", "definitions", "parameters", "responses", "securityDefinitions", "paths", "headers",
    "patternProperties",
];

/// Whether `doc` declares a Swagger version, and so goes through [`convert`].
pub fn is_swagger(doc: &Value) -> bool {
    doc.get("swagger").is_some()
}

/// Converts a Swagger 2.0 document into an OpenAPI 3.0 document; returns it
/// with a warning for everything 3.0 cannot say. Any other `swagger` version
/// is refused at `#/swagger`.
pub fn convert(doc: Value) -> Result<(Value, Vec<Warning>), GenError> {
    convert_with_source_map(doc).map(|(doc, warnings, _)| (doc, warnings))
}

/// Where each moved node of the converted document was in the 2.0 document,
/// so that the later stages' warnings and errors name 2.0 pointers too.
#[derive(Debug, Default)]
pub struct SourceMap {
    /// (pointer prefix in the 3.0 document, the same node in the 2.0 document).
    moved: Vec<(String, String)>,
}

impl SourceMap {
    /// The 2.0 pointer of a node of the converted document (the longest moved prefix wins).
    pub fn original(&self, pointer: &str) -> String {
        let found = self
            .moved
            .iter()
            .filter(|(to, _)| pointer == to || pointer.strip_prefix(to.as_str()).is_some_and(|rest| rest.starts_with('/')))
            .max_by_key(|(to, _)| to.len());
        match found {
            Some((to, from)) => format!("{from}{}", &pointer[to.len()..]),
            None => pointer.to_string(),
        }
    }

    /// `warning` with its pointer in the 2.0 document.
    pub fn warning(&self, mut warning: Warning) -> Warning {
        warning.pointer = self.original(&warning.pointer);
        warning
    }

    /// `error` with its location in the 2.0 document.
    pub fn error(&self, mut error: GenError) -> GenError {
        if error.location.starts_with('#') {
            error.location = self.original(&error.location);
        }
        error
    }
}

/// [`convert`], with the [`SourceMap`] from the converted document back to the 2.0 one.
pub fn convert_with_source_map(doc: Value) -> Result<(Value, Vec<Warning>, SourceMap), GenError> {
    let mut root = match doc {
        Value::Object(root) => root,
        _ => return Err(GenError::at("#", "the document is not an object")),
    };
    match root.get("swagger") {
        Some(Value::String(v)) if v == "2.0" => {}
        // `swagger: 2.0` unquoted in YAML is a number.
        Some(Value::Number(n)) if n.as_f64() == Some(2.0) => {}
        Some(other) => {
            let shown = other.as_str().map_or_else(|| other.to_string(), str::to_string);
            return Err(GenError::at(
                "#/swagger",
                format!("Swagger {shown} documents are not supported: only Swagger 2.0 is converted (or use OpenAPI 3.0/3.1)"),
            ));
        }
        None => return Err(GenError::at("#/swagger", "not a Swagger document: the `swagger` version field is missing")),
    }
    let mut converter = Converter::new(&root);
    for (key, value) in root.iter_mut() {
        let names = NAME_MAPS.contains(&key.as_str());
        converter.rewrite_refs(value, &pointer_join("#", key), names);
    }
    converter.parameters = object_at(&root, "parameters");
    converter.responses = object_at(&root, "responses");
    let out = converter.document(root);
    Ok((Value::Object(out), converter.warnings, SourceMap { moved: converter.moved }))
}

fn object_at(holder: &Map<String, Value>, key: &str) -> Map<String, Value> {
    holder.get(key).and_then(Value::as_object).cloned().unwrap_or_default()
}

/// `in` of each parameter of `#/parameters`, by name.
fn parameter_kinds(root: &Map<String, Value>) -> Map<String, Value> {
    let mut kinds = Map::new();
    for (name, p) in root.get("parameters").and_then(Value::as_object).into_iter().flatten() {
        kinds.insert(name.clone(), p.get("in").cloned().unwrap_or(Value::Null));
    }
    kinds
}

/// A media-type list (`consumes`/`produces`) as strings; `None` when absent.
/// An empty list is kept: on an operation it clears the global list.
fn media_list(holder: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    Some(holder.get(key)?.as_array()?.iter().filter_map(Value::as_str).map(str::to_string).collect())
}

/// The media types a list declares, or `default` when it declares none.
fn media_types_or(list: Option<&[String]>, default: &str) -> Vec<String> {
    match list {
        Some(list) if !list.is_empty() => list.to_vec(),
        _ => vec![default.to_string()],
    }
}

/// The last token of a JSON pointer, unescaped (RFC 6901).
fn last_token(pointer: &str) -> String {
    pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~")
}

/// A parameter of an operation or path item, `$ref`s followed.
struct Entry {
    /// Where it is written in the 2.0 document (the `#/parameters/X` entry for a reference).
    pointer: String,
    /// The parameter object (the referenced one for a reference).
    value: Value,
    /// The rewritten `$ref`, when the entry was a reference to `#/parameters`.
    reference: Option<String>,
}

impl Entry {
    fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or_default()
    }

    fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or_default()
    }
}

struct Converter {
    warnings: Vec<Warning>,
    /// (pointer in the 3.0 document, pointer in the 2.0 document) of every node that moved.
    moved: Vec<(String, String)>,
    /// Global `consumes`, `produces` (absent: none).
    consumes: Option<Vec<String>>,
    produces: Option<Vec<String>>,
    /// `in` of every global parameter, to rewrite references to it.
    kinds: Map<String, Value>,
    /// `#/parameters` and `#/responses`, references already rewritten.
    parameters: Map<String, Value>,
    responses: Map<String, Value>,
    /// Global formData parameters some operation used (inlined there).
    used_form_parameters: BTreeSet<String>,
    host: Option<String>,
    base_path: String,
}

impl Converter {
    fn new(root: &Map<String, Value>) -> Self {
        Converter {
            warnings: Vec::new(),
            moved: Vec::new(),
            consumes: media_list(root, "consumes"),
            produces: media_list(root, "produces"),
            kinds: parameter_kinds(root),
            parameters: Map::new(),
            responses: Map::new(),
            used_form_parameters: BTreeSet::new(),
            host: root.get("host").and_then(Value::as_str).map(str::to_string),
            base_path: root.get("basePath").and_then(Value::as_str).unwrap_or_default().to_string(),
        }
    }

    /// Records that the node at `from` in the 2.0 document is at `to` in the 3.0 one.
    fn moved(&mut self, to: String, from: String) {
        if to != from {
            self.moved.push((to, from));
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning::new(pointer, message));
    }

    /// Rewrites every local `$ref` into `#/definitions`, `#/parameters` and
    /// `#/responses` to its place under `components`, outside example data.
    /// `names` says that the keys of `value` are names chosen by the author.
    fn rewrite_refs(&mut self, value: &mut Value, ptr: &str, names: bool) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let child_ptr = pointer_join(ptr, key);
                    if !names && key == "$ref" {
                        if let Value::String(reference) = child
                            && let Some(rewritten) = self.rewrite_ref(reference, &child_ptr)
                        {
                            *reference = rewritten;
                        }
                        continue;
                    }
                    if !names && DATA_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    let child_names = !names && NAME_MAPS.contains(&key.as_str());
                    self.rewrite_refs(child, &child_ptr, child_names);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.rewrite_refs(item, &pointer_join(ptr, &i.to_string()), false);
                }
            }
            _ => {}
        }
    }

    fn rewrite_ref(&mut self, reference: &str, ptr: &str) -> Option<String> {
        if let Some(rest) = reference.strip_prefix("#/definitions/") {
            return Some(format!("#/components/schemas/{rest}"));
        }
        if let Some(rest) = reference.strip_prefix("#/responses/") {
            return Some(format!("#/components/responses/{rest}"));
        }
        if let Some(rest) = reference.strip_prefix("#/parameters/") {
            let name = rest.split('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
            let section = if self.kinds.get(&name).is_some_and(|k| k == "body") { "requestBodies" } else { "parameters" };
            return Some(format!("#/components/{section}/{rest}"));
        }
        if reference.starts_with('#') {
            self.warn(ptr, format!("the reference `{reference}` points where OpenAPI 3.0 has nothing; it is left as it is"));
        } else {
            self.warn(ptr, format!("the reference `{reference}` into another document is left as it is; that document is not converted from Swagger 2.0"));
        }
        None
    }

    fn document(&mut self, root: Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("openapi".into(), Value::String(OPENAPI_VERSION.into()));
        let servers = self.servers(&root);
        let components = self.components(&root);
        let (mut servers_placed, mut components_placed) = (false, false);
        for (key, value) in &root {
            match key.as_str() {
                "swagger" | "consumes" | "produces" => {}
                "host" | "basePath" | "schemes" => {
                    if !servers_placed && !servers.is_empty() {
                        out.insert("servers".into(), Value::Array(servers.clone()));
                        self.moved("#/servers".into(), pointer_join("#", key));
                    }
                    servers_placed = true;
                }
                "definitions" | "parameters" | "responses" | "securityDefinitions" => {
                    if !components_placed && !components.is_empty() {
                        out.insert("components".into(), Value::Object(components.clone()));
                    }
                    components_placed = true;
                }
                "paths" => {
                    let paths = self.paths(value);
                    out.insert(key.clone(), paths);
                }
                "info" | "tags" | "externalDocs" | "security" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.unknown(&pointer_join("#", key), key, "the document"),
            }
        }
        for (name, p) in &self.parameters.clone() {
            if p.get("in").is_some_and(|k| k == "formData") && !self.used_form_parameters.contains(name) {
                self.warn(
                    &pointer_join("#/parameters", name),
                    "a formData parameter that no operation uses has no OpenAPI 3.0 equivalent (form fields belong to request bodies); it is dropped",
                );
            }
        }
        out
    }

    fn unknown(&mut self, ptr: &str, key: &str, owner: &str) {
        self.warn(ptr, format!("`{key}` is not a field of {owner} in Swagger 2.0 and has no OpenAPI 3.0 equivalent; it is dropped"));
    }

    /// `host` + `basePath` + each of `schemes` → one server each.
    fn servers(&mut self, root: &Map<String, Value>) -> Vec<Value> {
        let schemes: Option<Vec<String>> = media_list(root, "schemes").filter(|list| !list.is_empty());
        if self.host.is_none() && schemes.is_some() {
            self.warn("#/schemes", "`schemes` without a `host` cannot make a server URL; the server is the relative `basePath`");
        }
        if self.host.is_some() && schemes.is_none() {
            self.warn("#/host", "no `schemes`: the server is assumed to use https");
        }
        self.server_urls(schemes.as_deref())
    }

    fn server_urls(&self, schemes: Option<&[String]>) -> Vec<Value> {
        match &self.host {
            Some(host) => {
                let https = ["https".to_string()];
                schemes
                    .unwrap_or(&https)
                    .iter()
                    .map(|scheme| json!({ "url": format!("{scheme}://{host}{}", self.base_path) }))
                    .collect()
            }
            None if !self.base_path.is_empty() => vec![json!({ "url": self.base_path })],
            None => Vec::new(),
        }
    }

    fn components(&mut self, root: &Map<String, Value>) -> Map<String, Value> {
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions").and_then(Value::as_object) {
            let mut schemas = Map::new();
            for (name, s) in definitions {
                let ptr = pointer_join("#/definitions", name);
                self.moved(pointer_join("#/components/schemas", name), ptr.clone());
                schemas.insert(name.clone(), self.schema(s, &ptr));
            }
            components.insert("schemas".into(), Value::Object(schemas));
        }
        let (mut parameters, mut bodies) = (Map::new(), Map::new());
        for (name, p) in &self.parameters.clone() {
            let ptr = pointer_join("#/parameters", name);
            match p.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let consumes = self.consumes.clone();
                    let at = pointer_join("#/components/requestBodies", name);
                    bodies.insert(name.clone(), self.body(p, consumes.as_deref(), &at, &ptr));
                }
                // Form fields are inlined into the bodies of the operations that use them.
                Some("formData") => {}
                _ => {
                    let at = pointer_join("#/components/parameters", name);
                    parameters.insert(name.clone(), self.parameter(p, &at, &ptr));
                }
            }
        }
        if !parameters.is_empty() {
            components.insert("parameters".into(), Value::Object(parameters));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
        if !self.responses.is_empty() {
            let produces = self.produces.clone();
            let mut responses = Map::new();
            for (name, r) in &self.responses.clone() {
                let (at, ptr) = (pointer_join("#/components/responses", name), pointer_join("#/responses", name));
                responses.insert(name.clone(), self.response(r, produces.as_deref(), &at, &ptr));
            }
            components.insert("responses".into(), Value::Object(responses));
        }
        if let Some(definitions) = root.get("securityDefinitions").and_then(Value::as_object) {
            let mut schemes = Map::new();
            for (name, s) in definitions {
                let ptr = pointer_join("#/securityDefinitions", name);
                self.moved(pointer_join("#/components/securitySchemes", name), ptr.clone());
                if let Some(scheme) = self.security_scheme(s, &ptr) {
                    schemes.insert(name.clone(), scheme);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }
        components
    }

    /// A schema object (definitions, body parameters, responses).
    fn schema(&mut self, schema: &Value, ptr: &str) -> Value {
        let Some(obj) = schema.as_object() else { return schema.clone() };
        let is_file = obj.get("type").is_some_and(|t| t == "file");
        let mut out = Map::new();
        for (key, value) in obj {
            let child_ptr = pointer_join(ptr, key);
            match key.as_str() {
                "x-nullable" => match value.as_bool() {
                    Some(nullable) => {
                        out.insert("nullable".into(), Value::Bool(nullable));
                    }
                    None => self.warn(&child_ptr, "`x-nullable` is not a boolean; it is ignored"),
                },
                "discriminator" => match value {
                    Value::String(property) => {
                        out.insert(key.clone(), json!({ "propertyName": property }));
                    }
                    Value::Object(_) => {
                        out.insert(key.clone(), value.clone());
                    }
                    _ => self.warn(&child_ptr, "`discriminator` is not a property name; it is ignored"),
                },
                "type" if is_file => {
                    out.insert("type".into(), Value::String("string".into()));
                    out.insert("format".into(), Value::String("binary".into()));
                }
                "format" if is_file => {}
                "properties" => {
                    let properties = match value.as_object() {
                        Some(props) => Value::Object(
                            props.iter().map(|(name, s)| (name.clone(), self.schema(s, &pointer_join(&child_ptr, name)))).collect(),
                        ),
                        None => value.clone(),
                    };
                    out.insert(key.clone(), properties);
                }
                "items" if value.is_array() => {
                    let message = "tuple `items` (a list of schemas) have no OpenAPI 3.0 equivalent; they are ignored, so the items are untyped";
                    self.warnings.push(Warning::degraded(child_ptr, message));
                }
                "items" | "not" => {
                    let child = self.schema(value, &child_ptr);
                    out.insert(key.clone(), child);
                }
                "additionalProperties" => {
                    let child = if value.is_object() { self.schema(value, &child_ptr) } else { value.clone() };
                    out.insert(key.clone(), child);
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let list = match value.as_array() {
                        Some(list) => {
                            Value::Array(list.iter().enumerate().map(|(i, s)| self.schema(s, &pointer_join(&child_ptr, &i.to_string()))).collect())
                        }
                        None => value.clone(),
                    };
                    out.insert(key.clone(), list);
                }
                "required" if !value.is_array() => {
                    self.warn(&child_ptr, "`required` of a schema must list property names; it is ignored");
                }
                k if k.starts_with("x-") || SCHEMA_KEYWORDS.contains(&k) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.warn(&child_ptr, format!("the schema keyword `{key}` has no OpenAPI 3.0 equivalent and was ignored")),
            }
        }
        // JSON Schema type lists (`[T, "null"]`) are not 3.0: the normalise pass's rewrite.
        normalise::type_array(&mut out);
        if out.contains_key("$ref") {
            return nullable_reference(out);
        }
        Value::Object(out)
    }

    /// `type`, `format`, `items` and the checks of a non-body parameter, a header or an `items` object → a schema.
    fn value_schema(&mut self, obj: &Map<String, Value>, ptr: &str) -> Map<String, Value> {
        let is_file = obj.get("type").is_some_and(|t| t == "file");
        let mut schema = Map::new();
        for (key, value) in obj {
            match key.as_str() {
                "type" if is_file => {
                    schema.insert("type".into(), Value::String("string".into()));
                    schema.insert("format".into(), Value::String("binary".into()));
                }
                "format" if is_file => {}
                "items" => {
                    let items_ptr = pointer_join(ptr, "items");
                    let items = match value.as_object() {
                        Some(items) => {
                            if items.get("type").is_some_and(|t| t == "array") && items.contains_key("collectionFormat") {
                                self.warn(
                                    &pointer_join(&items_ptr, "collectionFormat"),
                                    "the serialisation of nested arrays has no OpenAPI 3.0 equivalent; it is ignored",
                                );
                            }
                            let mut schema = self.value_schema(items, &items_ptr);
                            for (k, v) in items.iter().filter(|(k, _)| k.starts_with("x-")) {
                                schema.insert(k.clone(), v.clone());
                            }
                            Value::Object(schema)
                        }
                        None => value.clone(),
                    };
                    schema.insert(key.clone(), items);
                }
                "x-nullable" => {
                    if let Some(nullable) = value.as_bool() {
                        schema.insert("nullable".into(), Value::Bool(nullable));
                    }
                }
                k if VALUE_KEYWORDS.contains(&k) => {
                    schema.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        schema
    }

    /// A non-body parameter, written at `at` in the 3.0 document: its value keywords move into `schema`.
    fn parameter(&mut self, p: &Value, at: &str, ptr: &str) -> Value {
        let Some(obj) = p.as_object() else { return p.clone() };
        self.moved(at.to_string(), ptr.to_string());
        if obj.contains_key("$ref") {
            return p.clone();
        }
        self.moved(pointer_join(at, "schema"), ptr.to_string());
        let location = obj.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut out = Map::new();
        for (key, value) in obj {
            match key.as_str() {
                // (`deprecated` and `example` are 3.0 fields some 2.0 documents use already.)
                "name" | "in" | "description" | "required" | "allowEmptyValue" | "deprecated" | "example" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") && k != "x-nullable" => {
                    out.insert(key.clone(), value.clone());
                }
                k if VALUE_KEYWORDS.contains(&k) || k == "items" || k == "collectionFormat" || k == "x-nullable" => {}
                _ => self.unknown(&pointer_join(ptr, key), key, "a parameter"),
            }
        }
        if let Some((style, explode)) = self.style(obj, &location, ptr) {
            if let Some(style) = style {
                out.insert("style".into(), Value::String(style.into()));
            }
            out.insert("explode".into(), Value::Bool(explode));
        }
        let schema = self.value_schema(obj, ptr);
        out.insert("schema".into(), Value::Object(schema));
        Value::Object(out)
    }

    /// `collectionFormat` of an array → `style` (`None`: the location's default) and `explode`.
    fn style(&mut self, obj: &Map<String, Value>, location: &str, ptr: &str) -> Option<(Option<&'static str>, bool)> {
        if !obj.get("type").is_some_and(|t| t == "array") {
            return None;
        }
        // Swagger 2.0's default is csv, where OpenAPI 3.0's query default explodes.
        let format = obj.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
        let cf_ptr = pointer_join(ptr, "collectionFormat");
        match (location, format) {
            ("query", "csv") => Some((Some("form"), false)),
            ("query", "multi") => Some((Some("form"), true)),
            ("query", "ssv") => Some((Some("spaceDelimited"), false)),
            ("query", "pipes") => Some((Some("pipeDelimited"), false)),
            ("path" | "header", "csv") => None,
            (_, other) => {
                self.warn(&cf_ptr, format!("`collectionFormat: {other}` in {location} has no OpenAPI 3.0 equivalent; the array is sent comma-separated"));
                (location == "query").then_some((Some("form"), false))
            }
        }
    }

    /// A body parameter → a request body with one entry per media type of `consumes`.
    fn body(&mut self, p: &Value, consumes: Option<&[String]>, at: &str, ptr: &str) -> Value {
        let Some(obj) = p.as_object() else { return p.clone() };
        self.moved(at.to_string(), ptr.to_string());
        let mut out = Map::new();
        if let Some(description) = obj.get("description") {
            out.insert("description".into(), description.clone());
        }
        let schema = match obj.get("schema") {
            Some(s) => self.schema(s, &pointer_join(ptr, "schema")),
            None => json!({}),
        };
        let media_types = media_types_or(consumes, JSON);
        for media_type in &media_types {
            let schema_at = pointer_join(&pointer_join(&pointer_join(at, "content"), media_type), "schema");
            self.moved(schema_at, pointer_join(ptr, "schema"));
        }
        let content: Map<String, Value> = media_types.into_iter().map(|m| (m, json!({ "schema": schema }))).collect();
        out.insert("content".into(), Value::Object(content));
        if let Some(required) = obj.get("required") {
            out.insert("required".into(), required.clone());
        }
        for (key, value) in obj {
            match key.as_str() {
                // 3.0 bodies have no name; the name is kept where other generators look for it.
                "name" => {
                    out.insert("x-codegen-request-body-name".into(), value.clone());
                }
                "in" | "description" | "schema" | "required" => {}
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.unknown(&pointer_join(ptr, key), key, "a body parameter"),
            }
        }
        Value::Object(out)
    }

    /// formData parameters → one object schema, sent as a form or as multipart.
    fn form_body(&mut self, fields: &[&Entry], consumes: Option<&[String]>, op_ptr: &str) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut arrays = Vec::new();
        let mut any_file = false;
        for field in fields {
            let Some(obj) = field.value.as_object() else { continue };
            let name = field.name().to_string();
            any_file |= obj.get("type").is_some_and(|t| t == "file");
            let mut schema = self.value_schema(obj, &field.pointer);
            for (key, value) in obj {
                match key.as_str() {
                    "description" => {
                        schema.insert(key.clone(), value.clone());
                    }
                    "required" => {
                        if value.as_bool() == Some(true) {
                            required.push(Value::String(name.clone()));
                        }
                    }
                    "allowEmptyValue" => self.warn(
                        &pointer_join(&field.pointer, key),
                        "`allowEmptyValue` of a form field has no OpenAPI 3.0 equivalent; it is ignored",
                    ),
                    k if k.starts_with("x-") && k != "x-nullable" => {
                        schema.insert(key.clone(), value.clone());
                    }
                    k if VALUE_KEYWORDS.contains(&k) || matches!(k, "name" | "in" | "items" | "collectionFormat" | "x-nullable") => {}
                    _ => self.unknown(&pointer_join(&field.pointer, key), key, "a formData parameter"),
                }
            }
            if obj.get("type").is_some_and(|t| t == "array") {
                let format = obj.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv").to_string();
                arrays.push((name.clone(), format, pointer_join(&field.pointer, "collectionFormat")));
            }
            properties.insert(name, Value::Object(schema));
        }

        // Multipart when a field is a file; otherwise the form types `consumes` lists (urlencoded when none).
        let listed = consumes.unwrap_or_default();
        let mut media_types: Vec<&str> = if any_file {
            vec![MULTIPART]
        } else {
            listed.iter().map(String::as_str).filter(|m| media_type_is(m, FORM) || media_type_is(m, MULTIPART)).collect()
        };
        if media_types.is_empty() {
            media_types.push(FORM);
        }
        let others: Vec<&str> = listed.iter().map(String::as_str).filter(|m| !media_type_is(m, FORM) && !media_type_is(m, MULTIPART)).collect();
        if !others.is_empty() {
            self.warn(
                &pointer_join(op_ptr, "consumes"),
                format!("formData parameters are sent as {}; the other media types {others:?} have no schema in Swagger 2.0 and are not generated", media_types.join(" or ")),
            );
        }

        let mut schema = Map::new();
        schema.insert("type".into(), Value::String("object".into()));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        let schema = Value::Object(schema);
        let at = pointer_join(op_ptr, "requestBody");
        self.moved(at.clone(), pointer_join(op_ptr, "parameters"));
        let mut content = Map::new();
        for media_type in media_types {
            let schema_at = pointer_join(&pointer_join(&pointer_join(&at, "content"), media_type), "schema");
            self.moved(schema_at.clone(), pointer_join(op_ptr, "parameters"));
            for field in fields {
                self.moved(pointer_join(&pointer_join(&schema_at, "properties"), field.name()), field.pointer.clone());
            }
            let mut media = Map::new();
            media.insert("schema".into(), schema.clone());
            let mut encoding = Map::new();
            for (name, format, ptr) in &arrays {
                let (form, multipart) = (media_type_is(media_type, FORM), media_type_is(media_type, MULTIPART));
                let style = match format.as_str() {
                    "csv" if form => Some(("form", false)),
                    "multi" if form => Some(("form", true)),
                    "ssv" if form => Some(("spaceDelimited", false)),
                    "pipes" if form => Some(("pipeDelimited", false)),
                    // Multipart repeats the part for each item.
                    "multi" if multipart => None,
                    other => {
                        self.warn(ptr, format!("`collectionFormat: {other}` of a {media_type} field has no OpenAPI 3.0 equivalent; the encoding is left to the client"));
                        None
                    }
                };
                if let Some((style, explode)) = style {
                    encoding.insert(name.clone(), json!({ "style": style, "explode": explode }));
                }
            }
            if !encoding.is_empty() {
                media.insert("encoding".into(), Value::Object(encoding));
            }
            content.insert(media_type.to_string(), Value::Object(media));
        }
        let mut body = Map::new();
        body.insert("content".into(), Value::Object(content));
        if !required.is_empty() {
            body.insert("required".into(), Value::Bool(true));
        }
        Value::Object(body)
    }

    /// A response, written at `at` in the 3.0 document (from `ptr` in the 2.0 one).
    fn response(&mut self, r: &Value, produces: Option<&[String]>, at: &str, ptr: &str) -> Value {
        let Some(obj) = r.as_object() else { return r.clone() };
        self.moved(at.to_string(), ptr.to_string());
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            // A shared response carries the global `produces`; an operation that says otherwise gets its own copy.
            let shared = reference.strip_prefix("#/components/responses/").map(last_token);
            return match shared.and_then(|name| self.responses.get(&name).cloned().map(|r| (name, r))) {
                Some((name, target)) if produces != self.produces.as_deref() => {
                    self.response(&target, produces, at, &pointer_join("#/responses", &name))
                }
                _ => r.clone(),
            };
        }
        let mut out = Map::new();
        out.insert("description".into(), obj.get("description").cloned().unwrap_or_else(|| Value::String(String::new())));
        if let Some(headers) = obj.get("headers").and_then(Value::as_object) {
            let headers_ptr = pointer_join(ptr, "headers");
            let mut converted = Map::new();
            for (name, h) in headers {
                let header_ptr = pointer_join(&headers_ptr, name);
                self.moved(pointer_join(&pointer_join(&pointer_join(at, "headers"), name), "schema"), header_ptr.clone());
                converted.insert(name.clone(), self.header(h, &header_ptr));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = obj.get("schema") {
            let is_file = schema.get("type").is_some_and(|t| t == "file");
            let converted = self.schema(schema, &pointer_join(ptr, "schema"));
            let media_types = media_types_or(produces, if is_file { "application/octet-stream" } else { JSON });
            for media_type in &media_types {
                let schema_at = pointer_join(&pointer_join(&pointer_join(at, "content"), media_type), "schema");
                self.moved(schema_at, pointer_join(ptr, "schema"));
            }
            let mut content: Map<String, Value> = media_types.into_iter().map(|m| (m, json!({ "schema": converted }))).collect();
            for (media_type, example) in obj.get("examples").and_then(Value::as_object).into_iter().flatten() {
                match content.get_mut(media_type).and_then(Value::as_object_mut) {
                    Some(media) => {
                        media.insert("example".into(), example.clone());
                    }
                    None => self.warn(
                        &pointer_join(&pointer_join(ptr, "examples"), media_type),
                        format!("an example for `{media_type}`, which the operation does not produce, is dropped"),
                    ),
                }
            }
            out.insert("content".into(), Value::Object(content));
        } else if obj.contains_key("examples") {
            self.warn(&pointer_join(ptr, "examples"), "examples of a response without a schema have no OpenAPI 3.0 place; they are dropped");
        }
        for (key, value) in obj {
            match key.as_str() {
                "description" | "headers" | "schema" | "examples" => {}
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.unknown(&pointer_join(ptr, key), key, "a response"),
            }
        }
        Value::Object(out)
    }

    fn header(&mut self, h: &Value, ptr: &str) -> Value {
        let Some(obj) = h.as_object() else { return h.clone() };
        let mut out = Map::new();
        if let Some(description) = obj.get("description") {
            out.insert("description".into(), description.clone());
        }
        if obj.get("type").is_some_and(|t| t == "array") {
            let format = obj.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            if format != "csv" {
                self.warn(&pointer_join(ptr, "collectionFormat"), format!("`collectionFormat: {format}` in a header has no OpenAPI 3.0 equivalent; it is read comma-separated"));
            }
        }
        let schema = self.value_schema(obj, ptr);
        out.insert("schema".into(), Value::Object(schema));
        for (key, value) in obj {
            match key.as_str() {
                k if k.starts_with("x-") && k != "x-nullable" => {
                    out.insert(key.clone(), value.clone());
                }
                k if VALUE_KEYWORDS.contains(&k) || matches!(k, "description" | "items" | "collectionFormat" | "x-nullable") => {}
                _ => self.unknown(&pointer_join(ptr, key), key, "a header"),
            }
        }
        Value::Object(out)
    }

    /// basic → http basic; apiKey as it is; oauth2 → one flow under its 3.0 name.
    fn security_scheme(&mut self, s: &Value, ptr: &str) -> Option<Value> {
        let obj = s.as_object()?;
        let mut out = Map::new();
        let kind = obj.get("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "basic" => {
                out.insert("type".into(), Value::String("http".into()));
                out.insert("scheme".into(), Value::String("basic".into()));
            }
            "apiKey" => {
                out.insert("type".into(), Value::String("apiKey".into()));
                for key in ["name", "in"] {
                    if let Some(value) = obj.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            "oauth2" => {
                out.insert("type".into(), Value::String("oauth2".into()));
                let flow = obj.get("flow").and_then(Value::as_str).unwrap_or_default();
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    other => {
                        self.warn(&pointer_join(ptr, "flow"), format!("the OAuth2 flow `{other}` is not a Swagger 2.0 flow; the security scheme is dropped"));
                        return None;
                    }
                };
                let mut converted = Map::new();
                for url in urls {
                    let value = obj.get(*url).cloned().unwrap_or_else(|| {
                        self.warn(ptr, format!("the `{flow}` flow needs `{url}`, which is missing; it is left empty"));
                        Value::String(String::new())
                    });
                    converted.insert(url.to_string(), value);
                }
                converted.insert("scopes".into(), obj.get("scopes").cloned().unwrap_or_else(|| json!({})));
                let mut flows = Map::new();
                flows.insert(name.into(), Value::Object(converted));
                out.insert("flows".into(), Value::Object(flows));
            }
            other => {
                self.warn(ptr, format!("the security scheme type `{other}` is not a Swagger 2.0 type; the scheme is dropped"));
                return None;
            }
        }
        for (key, value) in obj {
            let used = match kind {
                "apiKey" => matches!(key.as_str(), "name" | "in"),
                "oauth2" => matches!(key.as_str(), "flow" | "authorizationUrl" | "tokenUrl" | "scopes"),
                _ => false,
            };
            match key.as_str() {
                "type" => {}
                "description" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ if used => {}
                _ => self.unknown(&pointer_join(ptr, key), key, "this security scheme"),
            }
        }
        Some(Value::Object(out))
    }

    fn paths(&mut self, paths: &Value) -> Value {
        let Some(map) = paths.as_object() else { return paths.clone() };
        let mut out = Map::new();
        for (path, item) in map {
            let ptr = pointer_join("#/paths", path);
            let converted = if path.starts_with("x-") { item.clone() } else { self.path_item(item, &ptr) };
            out.insert(path.clone(), converted);
        }
        Value::Object(out)
    }

    /// The entries of a `parameters` list, references to `#/parameters` followed.
    fn entries(&self, list: Option<&Value>, ptr: &str) -> Vec<Entry> {
        let list_ptr = pointer_join(ptr, "parameters");
        let mut out = Vec::new();
        for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let pointer = pointer_join(&list_ptr, &i.to_string());
            let reference = p.get("$ref").and_then(Value::as_str);
            let target = reference.and_then(|r| {
                let rest = r.strip_prefix("#/components/parameters/").or_else(|| r.strip_prefix("#/components/requestBodies/"))?;
                let name = last_token(rest);
                Some((pointer_join("#/parameters", &name), self.parameters.get(&name)?.clone()))
            });
            out.push(match target {
                Some((pointer, value)) => Entry { pointer, value, reference: reference.map(str::to_string) },
                // Inline, or a reference that does not resolve (the lowering reports it).
                None => Entry { pointer, value: p.clone(), reference: reference.map(str::to_string) },
            });
        }
        out
    }

    fn path_item(&mut self, item: &Value, ptr: &str) -> Value {
        let Some(obj) = item.as_object() else { return item.clone() };
        // Body and form parameters of the path item belong to each operation's body.
        let (shared, common): (Vec<Entry>, Vec<Entry>) =
            self.entries(obj.get("parameters"), ptr).into_iter().partition(|e| matches!(e.location(), "body" | "formData"));
        let mut out = Map::new();
        for (key, value) in obj {
            match key.as_str() {
                "parameters" => {
                    let list = self.plain_parameters(&common, ptr);
                    if !list.is_empty() {
                        out.insert(key.clone(), Value::Array(list));
                    }
                }
                m if METHODS.contains(&m) => {
                    let op = self.operation(value, &pointer_join(ptr, key), &shared);
                    out.insert(key.clone(), op);
                }
                k if k.starts_with("x-") || k == "$ref" => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.unknown(&pointer_join(ptr, key), key, "a path item"),
            }
        }
        Value::Object(out)
    }

    /// Non-body parameter entries as they go in the 3.0 `parameters` list of the object at `ptr`.
    fn plain_parameters(&mut self, entries: &[Entry], ptr: &str) -> Vec<Value> {
        let list_ptr = pointer_join(ptr, "parameters");
        let mut list = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let at = pointer_join(&list_ptr, &i.to_string());
            list.push(match &entry.reference {
                Some(reference) => {
                    self.moved(at, entry.pointer.clone());
                    json!({ "$ref": reference })
                }
                None => self.parameter(&entry.value, &at, &entry.pointer),
            });
        }
        list
    }

    fn operation(&mut self, op: &Value, ptr: &str, shared: &[Entry]) -> Value {
        let Some(obj) = op.as_object() else { return op.clone() };
        let consumes = media_list(obj, "consumes").or_else(|| self.consumes.clone());
        let produces = media_list(obj, "produces").or_else(|| self.produces.clone());

        let (own_bodies, plain): (Vec<Entry>, Vec<Entry>) =
            self.entries(obj.get("parameters"), ptr).into_iter().partition(|e| matches!(e.location(), "body" | "formData"));
        // The operation's own body and form parameters override the path item's of the same name.
        let mut bodies: Vec<&Entry> =
            shared.iter().filter(|s| !own_bodies.iter().any(|o| o.name() == s.name() && o.location() == s.location())).collect();
        bodies.extend(own_bodies.iter());
        let request_body = self.request_body(&bodies, consumes.as_deref(), ptr);

        let mut out = Map::new();
        let mut body_placed = false;
        for (key, value) in obj {
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    let list = self.plain_parameters(&plain, ptr);
                    if !list.is_empty() {
                        out.insert(key.clone(), Value::Array(list));
                    }
                }
                "responses" => {
                    if let (Some(body), false) = (&request_body, body_placed) {
                        out.insert("requestBody".into(), body.clone());
                        body_placed = true;
                    }
                    let responses_ptr = pointer_join(ptr, key);
                    let responses = match value.as_object() {
                        Some(map) => Value::Object(
                            map.iter()
                                .map(|(code, r)| {
                                    let converted = if code.starts_with("x-") {
                                        r.clone()
                                    } else {
                                        let response_ptr = pointer_join(&responses_ptr, code);
                                        self.response(r, produces.as_deref(), &response_ptr, &response_ptr)
                                    };
                                    (code.clone(), converted)
                                })
                                .collect(),
                        ),
                        None => value.clone(),
                    };
                    out.insert(key.clone(), responses);
                }
                "schemes" => {
                    let schemes: Vec<String> = value.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
                    match (schemes.is_empty(), &self.host) {
                        (true, _) => {}
                        (false, None) => self.warn(&pointer_join(ptr, key), "`schemes` without a `host` cannot make a server URL; they are ignored"),
                        (false, Some(_)) => {
                            out.insert("servers".into(), Value::Array(self.server_urls(Some(&schemes))));
                        }
                    }
                }
                "tags" | "summary" | "description" | "externalDocs" | "operationId" | "deprecated" | "security" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => self.unknown(&pointer_join(ptr, key), key, "an operation"),
            }
        }
        if let (Some(body), false) = (request_body, body_placed) {
            out.insert("requestBody".into(), body);
        }
        Value::Object(out)
    }

    /// The request body of an operation from its body or formData parameters.
    fn request_body(&mut self, entries: &[&Entry], consumes: Option<&[String]>, op_ptr: &str) -> Option<Value> {
        let (body, form): (Vec<&Entry>, Vec<&Entry>) = entries.iter().copied().partition(|e| e.location() == "body");
        if let Some((first, rest)) = body.split_first() {
            for extra in rest {
                self.warn(&extra.pointer, "an operation has one body parameter; this one is dropped");
            }
            for field in &form {
                self.warn(&field.pointer, "formData parameters cannot go with a body parameter; this one is dropped");
            }
            return Some(match &first.reference {
                // The shared request body carries the global `consumes`.
                Some(reference) if consumes == self.consumes.as_deref() => {
                    self.moved(pointer_join(op_ptr, "requestBody"), first.pointer.clone());
                    json!({ "$ref": reference })
                }
                _ => self.body(&first.value, consumes, &pointer_join(op_ptr, "requestBody"), &first.pointer),
            });
        }
        if form.is_empty() {
            return None;
        }
        for field in &form {
            if field.reference.is_some() {
                self.used_form_parameters.insert(last_token(&field.pointer));
            }
        }
        Some(self.form_body(&form, consumes, op_ptr))
    }
}

/// `{$ref, nullable: true}` → `{allOf: [{$ref}], nullable: true}`: 3.0 ignores a `$ref`'s siblings.
fn nullable_reference(mut obj: Map<String, Value>) -> Value {
    match obj.remove("nullable") {
        Some(Value::Bool(true)) => {
            let mut out = Map::new();
            for (key, value) in obj {
                if key == "$ref" {
                    out.insert("allOf".into(), json!([{ "$ref": value }]));
                } else {
                    out.insert(key, value);
                }
            }
            out.insert("nullable".into(), Value::Bool(true));
            Value::Object(out)
        }
        _ => Value::Object(obj),
    }
}

/// Whether `media_type` (parameters ignored, any case) is `expected`.
fn media_type_is(media_type: &str, expected: &str) -> bool {
    media_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Converts `doc` (a 2.0 document without the version line) and returns the result and the warnings as text.
    fn run(mut doc: Value) -> (Value, Vec<String>) {
        doc.as_object_mut().unwrap().insert("swagger".into(), json!("2.0"));
        let (out, warnings) = convert(doc).expect("converts");
        (out, warnings.iter().map(ToString::to_string).collect())
    }

    /// One operation `POST /x` with these parameters (and `extra` keys), converted.
    fn op(parameters: Value, extra: Value) -> (Value, Vec<String>) {
        let mut operation = json!({ "parameters": parameters, "responses": { "200": { "description": "ok" } } });
        for (k, v) in extra.as_object().unwrap() {
            operation[k] = v.clone();
        }
        let (out, warnings) = run(json!({ "paths": { "/x": { "post": operation } } }));
        (out["paths"]["/x"]["post"].clone(), warnings)
    }

    fn has(warnings: &[String], pointer: &str, words: &str) -> bool {
        warnings.iter().any(|w| w.starts_with(&format!("warning: {pointer}: ")) && w.contains(words))
    }

    #[test]
    fn other_swagger_versions_are_refused_at_their_pointer() {
        let err = convert(json!({ "swagger": "1.2", "paths": {} })).unwrap_err();
        assert_eq!(err.location, "#/swagger");
        assert!(err.message.contains("Swagger 1.2 documents are not supported"), "{err}");
        // An unquoted YAML `2.0` is a number and still 2.0.
        let (out, _) = convert(json!({ "swagger": 2.0, "paths": {} })).unwrap();
        assert_eq!(out["openapi"], OPENAPI_VERSION);
        assert!(out.get("swagger").is_none());
    }

    #[test]
    fn host_base_path_and_schemes_become_servers() {
        let (out, warnings) = run(json!({ "host": "api.test:8443", "basePath": "/v2", "schemes": ["https", "http"], "paths": {} }));
        assert_eq!(out["servers"], json!([{ "url": "https://api.test:8443/v2" }, { "url": "http://api.test:8443/v2" }]));
        assert!(warnings.is_empty(), "{warnings:?}");
        // No schemes: https, said out loud.
        let (out, warnings) = run(json!({ "host": "api.test", "paths": {} }));
        assert_eq!(out["servers"], json!([{ "url": "https://api.test" }]));
        assert!(has(&warnings, "#/host", "assumed to use https"), "{warnings:?}");
        // No host: the base path is a relative server.
        let (out, _) = run(json!({ "basePath": "/api", "paths": {} }));
        assert_eq!(out["servers"], json!([{ "url": "/api" }]));
        let (out, _) = run(json!({ "paths": {} }));
        assert!(out.get("servers").is_none());
    }

    #[test]
    fn operation_schemes_become_operation_servers() {
        let (out, _) = run(json!({
            "host": "api.test", "schemes": ["https"],
            "paths": { "/x": { "get": { "schemes": ["http"], "responses": { "200": { "description": "ok" } } } } }
        }));
        assert_eq!(out["paths"]["/x"]["get"]["servers"], json!([{ "url": "http://api.test" }]));
    }

    #[test]
    fn definitions_move_to_components_and_every_ref_follows() {
        let (out, warnings) = run(json!({
            "definitions": {
                "Pet": { "type": "object", "properties": { "owner": { "$ref": "#/definitions/Person" }, "$ref": { "type": "string" } } },
                "Person": { "type": "object", "example": { "$ref": "#/definitions/NotARef" } }
            },
            "x-tooling": { "model": { "$ref": "#/definitions/Pet" } },
            "paths": {}
        }));
        let schemas = &out["components"]["schemas"];
        assert_eq!(schemas["Pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Person");
        // A property named `$ref` is a schema, not a reference.
        assert_eq!(schemas["Pet"]["properties"]["$ref"], json!({ "type": "string" }));
        // Example data is data.
        assert_eq!(schemas["Person"]["example"]["$ref"], "#/definitions/NotARef");
        // Extensions are kept, references in them rewritten.
        assert_eq!(out["x-tooling"]["model"]["$ref"], "#/components/schemas/Pet");
        assert!(out.get("definitions").is_none());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn references_elsewhere_are_left_with_a_warning() {
        let (out, warnings) = run(json!({
            "definitions": { "A": { "properties": { "b": { "$ref": "other.yaml#/definitions/B" } } } },
            "paths": {}
        }));
        assert_eq!(out["components"]["schemas"]["A"]["properties"]["b"]["$ref"], "other.yaml#/definitions/B");
        assert!(has(&warnings, "#/definitions/A/properties/b/$ref", "into another document"), "{warnings:?}");
    }

    #[test]
    fn shared_parameters_split_into_parameters_and_request_bodies() {
        let (out, warnings) = run(json!({
            "parameters": {
                "limit": { "name": "limit", "in": "query", "type": "integer", "format": "int32", "minimum": 1, "x-role": "paging" },
                "pet": { "name": "pet", "in": "body", "required": true, "schema": { "$ref": "#/definitions/Pet" } }
            },
            "definitions": { "Pet": { "type": "object" } },
            "paths": { "/pets": { "post": {
                "parameters": [{ "$ref": "#/parameters/limit" }, { "$ref": "#/parameters/pet" }],
                "responses": { "200": { "description": "ok" } }
            } } }
        }));
        let components = &out["components"];
        assert_eq!(
            components["parameters"]["limit"],
            json!({ "name": "limit", "in": "query", "x-role": "paging", "schema": { "type": "integer", "format": "int32", "minimum": 1 } })
        );
        assert_eq!(
            components["requestBodies"]["pet"],
            json!({
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } },
                "required": true,
                "x-codegen-request-body-name": "pet"
            })
        );
        let op = &out["paths"]["/pets"]["post"];
        assert_eq!(op["parameters"], json!([{ "$ref": "#/components/parameters/limit" }]));
        assert_eq!(op["requestBody"], json!({ "$ref": "#/components/requestBodies/pet" }));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_shared_body_is_inlined_where_the_operation_consumes_something_else() {
        let (out, _) = run(json!({
            "parameters": { "note": { "name": "note", "in": "body", "schema": { "type": "string" } } },
            "paths": { "/n": { "put": {
                "consumes": ["text/plain"],
                "parameters": [{ "$ref": "#/parameters/note" }],
                "responses": { "204": { "description": "done" } }
            } } }
        }));
        assert_eq!(
            out["paths"]["/n"]["put"]["requestBody"]["content"],
            json!({ "text/plain": { "schema": { "type": "string" } } })
        );
    }

    #[test]
    fn body_parameters_become_request_bodies_in_the_consumed_media_types() {
        let body = json!([{ "name": "payload", "in": "body", "description": "What to store.", "required": true, "schema": { "type": "object" }, "x-note": 1 }]);
        let (converted, _) = op(body.clone(), json!({}));
        assert_eq!(
            converted["requestBody"],
            json!({
                "description": "What to store.",
                "content": { "application/json": { "schema": { "type": "object" } } },
                "required": true,
                "x-codegen-request-body-name": "payload",
                "x-note": 1
            })
        );
        assert!(converted.get("parameters").is_none(), "the body is not a parameter any more");
        let (converted, _) = op(body, json!({ "consumes": ["application/json", "application/xml"] }));
        let media: Vec<&String> = converted["requestBody"]["content"].as_object().unwrap().keys().collect();
        assert_eq!(media, ["application/json", "application/xml"]);
    }

    #[test]
    fn a_second_body_parameter_is_reported() {
        let (converted, warnings) = op(
            json!([{ "name": "a", "in": "body", "schema": {} }, { "name": "b", "in": "body", "schema": {} }]),
            json!({}),
        );
        assert_eq!(converted["requestBody"]["x-codegen-request-body-name"], "a");
        assert!(has(&warnings, "#/paths/~1x/post/parameters/1", "one body parameter"), "{warnings:?}");
    }

    #[test]
    fn form_parameters_become_a_urlencoded_body() {
        let (converted, warnings) = op(
            json!([
                { "name": "id", "in": "query", "type": "string" },
                { "name": "name", "in": "formData", "type": "string", "required": true, "description": "New name." },
                { "name": "age", "in": "formData", "type": "integer", "x-nullable": true },
                { "name": "tags", "in": "formData", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" }
            ]),
            json!({ "consumes": ["application/x-www-form-urlencoded", "application/json"] }),
        );
        assert_eq!(converted["parameters"], json!([{ "name": "id", "in": "query", "schema": { "type": "string" } }]));
        assert_eq!(
            converted["requestBody"],
            json!({
                "content": { "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "name": { "type": "string", "description": "New name." },
                            "age": { "type": "integer", "nullable": true },
                            "tags": { "type": "array", "items": { "type": "string" } }
                        },
                        "required": ["name"]
                    },
                    "encoding": { "tags": { "style": "form", "explode": true } }
                } },
                "required": true
            })
        );
        // JSON has no schema for form parameters: said, not dropped silently.
        assert!(has(&warnings, "#/paths/~1x/post/consumes", "[\"application/json\"]"), "{warnings:?}");
    }

    #[test]
    fn a_file_makes_the_form_multipart() {
        let (converted, warnings) = op(
            json!([
                { "name": "caption", "in": "formData", "type": "string" },
                { "name": "image", "in": "formData", "type": "file", "required": true }
            ]),
            json!({}),
        );
        let content = converted["requestBody"]["content"].as_object().unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["multipart/form-data"]);
        assert_eq!(content["multipart/form-data"]["schema"]["properties"]["image"], json!({ "type": "string", "format": "binary" }));
        assert!(warnings.is_empty(), "{warnings:?}");
        // `consumes` can ask for multipart without a file.
        let (converted, _) = op(json!([{ "name": "note", "in": "formData", "type": "string" }]), json!({ "consumes": ["multipart/form-data"] }));
        assert!(converted["requestBody"]["content"].get("multipart/form-data").is_some());
        assert!(converted["requestBody"].get("required").is_none(), "no field is required");
    }

    #[test]
    fn path_level_form_fields_join_each_operation() {
        let (out, _) = run(json!({
            "parameters": { "token": { "name": "token", "in": "formData", "type": "string" } },
            "paths": { "/x": {
                "parameters": [{ "$ref": "#/parameters/token" }, { "name": "id", "in": "query", "type": "string" }],
                "post": {
                    "parameters": [{ "name": "text", "in": "formData", "type": "string" }],
                    "responses": { "200": { "description": "ok" } }
                }
            } }
        }));
        let item = &out["paths"]["/x"];
        assert_eq!(item["parameters"], json!([{ "name": "id", "in": "query", "schema": { "type": "string" } }]));
        let properties = &item["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]["properties"];
        assert_eq!(properties.as_object().unwrap().keys().collect::<Vec<_>>(), ["token", "text"]);
        // The shared form field is inlined, not a component.
        assert!(out.get("components").and_then(|c| c.get("parameters")).is_none());
    }

    #[test]
    fn unused_shared_form_fields_are_reported() {
        let (_, warnings) = run(json!({ "parameters": { "f": { "name": "f", "in": "formData", "type": "string" } }, "paths": {} }));
        assert!(has(&warnings, "#/parameters/f", "no operation uses"), "{warnings:?}");
    }

    #[test]
    fn collection_formats_become_styles() {
        let array = |format: Option<&str>, location: &str| {
            let mut p = json!({ "name": "v", "in": location, "type": "array", "items": { "type": "integer" } });
            if let Some(format) = format {
                p["collectionFormat"] = json!(format);
            }
            if location == "path" {
                p["required"] = json!(true);
            }
            let (converted, warnings) = op(json!([p]), json!({}));
            (converted["parameters"][0].clone(), warnings)
        };
        let style = |p: &Value| (p.get("style").cloned(), p.get("explode").cloned());
        // 2.0's default is csv, where 3.0's query default would explode.
        assert_eq!(style(&array(None, "query").0), (Some(json!("form")), Some(json!(false))));
        assert_eq!(style(&array(Some("csv"), "query").0), (Some(json!("form")), Some(json!(false))));
        assert_eq!(style(&array(Some("multi"), "query").0), (Some(json!("form")), Some(json!(true))));
        assert_eq!(style(&array(Some("ssv"), "query").0), (Some(json!("spaceDelimited")), Some(json!(false))));
        assert_eq!(style(&array(Some("pipes"), "query").0), (Some(json!("pipeDelimited")), Some(json!(false))));
        assert_eq!(array(None, "query").0["schema"], json!({ "type": "array", "items": { "type": "integer" } }));
        let (p, warnings) = array(Some("tsv"), "query");
        assert_eq!(style(&p), (Some(json!("form")), Some(json!(false))));
        assert!(has(&warnings, "#/paths/~1x/post/parameters/0/collectionFormat", "tsv"), "{warnings:?}");
        // Paths and headers are comma-separated (`simple`) by default in both versions.
        let (p, warnings) = array(None, "path");
        assert_eq!(style(&p), (None, None));
        assert!(warnings.is_empty(), "{warnings:?}");
        let (_, warnings) = array(Some("pipes"), "header");
        assert!(has(&warnings, "#/paths/~1x/post/parameters/0/collectionFormat", "pipes"), "{warnings:?}");
    }

    #[test]
    fn parameter_values_move_into_a_schema() {
        let (converted, warnings) = op(
            json!([{
                "name": "when", "in": "query", "description": "Day.", "required": true, "allowEmptyValue": true,
                "type": "string", "format": "date", "default": "2020-01-01", "enum": ["2020-01-01"], "pattern": "^\\d",
                "x-example": "2020-01-01", "examples": "not a 2.0 field"
            }]),
            json!({}),
        );
        assert_eq!(
            converted["parameters"][0],
            json!({
                "name": "when", "in": "query", "description": "Day.", "required": true, "allowEmptyValue": true,
                "x-example": "2020-01-01",
                "schema": { "type": "string", "format": "date", "default": "2020-01-01", "enum": ["2020-01-01"], "pattern": "^\\d" }
            })
        );
        assert!(has(&warnings, "#/paths/~1x/post/parameters/0/examples", "not a field of a parameter"), "{warnings:?}");
    }

    #[test]
    fn response_schemas_get_the_produced_media_types() {
        let (out, warnings) = run(json!({
            "produces": ["application/json", "application/xml"],
            "paths": { "/r": {
                "get": { "responses": {
                    "200": {
                        "description": "ok",
                        "schema": { "type": "string" },
                        "headers": { "X-Count": { "type": "integer", "description": "How many." } },
                        "examples": { "application/json": "hi", "text/csv": "a,b" },
                        "x-cache": true
                    },
                    "204": { "description": "nothing" }
                } },
                "put": { "produces": ["text/plain"], "responses": { "200": { "description": "ok", "schema": { "type": "string" } } } },
                "delete": { "produces": [], "responses": { "200": { "description": "ok", "schema": { "type": "file" } } } }
            } }
        }));
        let get = &out["paths"]["/r"]["get"]["responses"];
        assert_eq!(
            get["200"],
            json!({
                "description": "ok",
                "headers": { "X-Count": { "description": "How many.", "schema": { "type": "integer" } } },
                "content": {
                    "application/json": { "schema": { "type": "string" }, "example": "hi" },
                    "application/xml": { "schema": { "type": "string" } }
                },
                "x-cache": true
            })
        );
        assert!(has(&warnings, "#/paths/~1r/get/responses/200/examples/text~1csv", "does not produce"), "{warnings:?}");
        assert_eq!(get["204"], json!({ "description": "nothing" }));
        let put = &out["paths"]["/r"]["put"]["responses"]["200"]["content"];
        assert_eq!(put.as_object().unwrap().keys().collect::<Vec<_>>(), ["text/plain"]);
        // An empty `produces` clears the global one: a file is then an octet stream.
        let delete = &out["paths"]["/r"]["delete"]["responses"]["200"]["content"];
        assert_eq!(delete, &json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } }));
    }

    #[test]
    fn files_without_produces_are_octet_streams() {
        let (out, _) = run(json!({ "paths": { "/f": { "get": { "responses": { "200": { "description": "ok", "schema": { "type": "file" } } } } } } }));
        assert_eq!(
            out["paths"]["/f"]["get"]["responses"]["200"]["content"],
            json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } })
        );
    }

    #[test]
    fn shared_responses_move_to_components() {
        let (out, _) = run(json!({
            "responses": { "Gone": { "description": "gone", "schema": { "$ref": "#/definitions/Problem" } } },
            "definitions": { "Problem": { "type": "object" } },
            "paths": { "/g": {
                "get": { "responses": { "410": { "$ref": "#/responses/Gone" } } },
                "put": { "produces": ["application/problem+json"], "responses": { "410": { "$ref": "#/responses/Gone" } } }
            } }
        }));
        assert_eq!(
            out["components"]["responses"]["Gone"],
            json!({ "description": "gone", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
        );
        assert_eq!(out["paths"]["/g"]["get"]["responses"]["410"], json!({ "$ref": "#/components/responses/Gone" }));
        // Another media type: the operation gets its own copy.
        assert_eq!(
            out["paths"]["/g"]["put"]["responses"]["410"]["content"],
            json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } })
        );
    }

    #[test]
    fn security_definitions_become_security_schemes() {
        let (out, warnings) = run(json!({
            "securityDefinitions": {
                "basic": { "type": "basic", "description": "Login." },
                "key": { "type": "apiKey", "in": "query", "name": "api_key", "x-vendor": 1 },
                "implicit": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a.test/auth", "scopes": { "read": "Read." } },
                "password": { "type": "oauth2", "flow": "password", "tokenUrl": "https://a.test/token", "scopes": {} },
                "app": { "type": "oauth2", "flow": "application", "tokenUrl": "https://a.test/token", "scopes": {} },
                "code": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a.test/auth", "tokenUrl": "https://a.test/token", "scopes": { "w": "Write." } },
                "broken": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a.test/auth", "scopes": {} }
            },
            "security": [{ "key": [] }],
            "paths": {}
        }));
        let schemes = &out["components"]["securitySchemes"];
        assert_eq!(schemes["basic"], json!({ "type": "http", "scheme": "basic", "description": "Login." }));
        assert_eq!(schemes["key"], json!({ "type": "apiKey", "name": "api_key", "in": "query", "x-vendor": 1 }));
        assert_eq!(schemes["implicit"]["flows"], json!({ "implicit": { "authorizationUrl": "https://a.test/auth", "scopes": { "read": "Read." } } }));
        assert_eq!(schemes["password"]["flows"], json!({ "password": { "tokenUrl": "https://a.test/token", "scopes": {} } }));
        assert_eq!(schemes["app"]["flows"], json!({ "clientCredentials": { "tokenUrl": "https://a.test/token", "scopes": {} } }));
        assert_eq!(
            schemes["code"],
            json!({ "type": "oauth2", "flows": { "authorizationCode": {
                "authorizationUrl": "https://a.test/auth", "tokenUrl": "https://a.test/token", "scopes": { "w": "Write." }
            } } })
        );
        assert!(has(&warnings, "#/securityDefinitions/broken", "needs `tokenUrl`"), "{warnings:?}");
        assert_eq!(out["security"], json!([{ "key": [] }]));
    }

    #[test]
    fn nullable_discriminators_files_and_type_lists_in_schemas() {
        let (out, warnings) = run(json!({
            "definitions": {
                "Pet": {
                    "type": "object",
                    "discriminator": "kind",
                    "properties": {
                        "kind": { "type": "string" },
                        "owner": { "$ref": "#/definitions/Person", "x-nullable": true },
                        "nick": { "type": "string", "x-nullable": true },
                        "tag": { "type": ["string", "null"] },
                        "photo": { "type": "file" }
                    }
                },
                "Person": { "type": "object", "id": "person", "x-go-name": "Human" }
            },
            "paths": {}
        }));
        let pet = &out["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({ "propertyName": "kind" }));
        let props = &pet["properties"];
        assert_eq!(props["owner"], json!({ "allOf": [{ "$ref": "#/components/schemas/Person" }], "nullable": true }));
        assert_eq!(props["nick"], json!({ "type": "string", "nullable": true }));
        assert_eq!(props["tag"], json!({ "type": "string", "nullable": true }));
        assert_eq!(props["photo"], json!({ "type": "string", "format": "binary" }));
        assert_eq!(out["components"]["schemas"]["Person"], json!({ "type": "object", "x-go-name": "Human" }));
        assert!(has(&warnings, "#/definitions/Person/id", "`id` has no OpenAPI 3.0 equivalent"), "{warnings:?}");
    }

    #[test]
    fn unknown_fields_are_reported_and_extensions_kept() {
        let (out, warnings) = run(json!({
            "info": { "title": "T", "version": "1" },
            "x-top": true,
            "webhooks": {},
            "paths": { "/x": {
                "x-path": 1,
                "get": { "x-op": 2, "servers": [], "operationId": "getX", "responses": { "200": { "description": "ok" } } }
            } }
        }));
        assert_eq!(out["x-top"], true);
        assert_eq!(out["paths"]["/x"]["x-path"], 1);
        assert_eq!(out["paths"]["/x"]["get"]["x-op"], 2);
        assert!(has(&warnings, "#/webhooks", "not a field of the document"), "{warnings:?}");
        assert!(has(&warnings, "#/paths/~1x/get/servers", "not a field of an operation"), "{warnings:?}");
        assert!(out.get("webhooks").is_none());
        assert!(out["paths"]["/x"]["get"].get("servers").is_none());
    }

    #[test]
    fn the_source_map_leads_back_to_the_2_0_document() {
        let doc = json!({
            "swagger": "2.0",
            "parameters": { "note": { "name": "note", "in": "body", "schema": { "type": "string" } } },
            "definitions": { "Pet": { "type": "object" } },
            "paths": { "/p/{id}": {
                "parameters": [{ "name": "id", "in": "path", "required": true, "type": "string" }],
                "post": {
                    "parameters": [
                        { "name": "pet", "in": "body", "schema": { "$ref": "#/definitions/Pet" } },
                        { "name": "q", "in": "query", "type": "string" }
                    ],
                    "responses": { "200": { "description": "ok", "schema": { "type": "object" } } }
                },
                "put": {
                    "parameters": [{ "name": "a", "in": "formData", "type": "string" }],
                    "responses": { "204": { "description": "done" } }
                }
            } }
        });
        let (_, _, map) = convert_with_source_map(doc).unwrap();
        let cases = [
            ("#/components/schemas/Pet/properties/x", "#/definitions/Pet/properties/x"),
            ("#/components/requestBodies/note/content/application~1json/schema", "#/parameters/note/schema"),
            ("#/paths/~1p~1{id}/post/requestBody", "#/paths/~1p~1{id}/post/parameters/0"),
            ("#/paths/~1p~1{id}/post/requestBody/content/application~1json/schema", "#/paths/~1p~1{id}/post/parameters/0/schema"),
            // The query parameter is first in the 3.0 list, second in the 2.0 one.
            ("#/paths/~1p~1{id}/post/parameters/0/schema", "#/paths/~1p~1{id}/post/parameters/1"),
            ("#/paths/~1p~1{id}/post/responses/200/content/application~1json/schema/type", "#/paths/~1p~1{id}/post/responses/200/schema/type"),
            ("#/paths/~1p~1{id}/put/requestBody/content/application~1x-www-form-urlencoded/schema/properties/a", "#/paths/~1p~1{id}/put/parameters/0"),
            ("#/paths/~1p~1{id}/put/requestBody", "#/paths/~1p~1{id}/put/parameters"),
            // Unmoved nodes keep their pointer; a longer name is not a prefix match.
            ("#/paths/~1p~1{id}/post", "#/paths/~1p~1{id}/post"),
            ("#/components/schemas/PetFood", "#/components/schemas/PetFood"),
        ];
        for (converted, original) in cases {
            assert_eq!(map.original(converted), original, "{converted}");
        }
    }

    #[test]
    fn later_warnings_and_errors_name_2_0_pointers() {
        // The lowering cannot send XML: its warning names the body parameter.
        let doc = json!({
            "swagger": "2.0",
            "info": { "title": "T", "version": "1" },
            "paths": { "/x": { "post": {
                "operationId": "postX",
                "consumes": ["application/xml"],
                "parameters": [{ "name": "q", "in": "query", "type": "string" }, { "name": "doc", "in": "body", "schema": { "type": "object" } }],
                "responses": { "204": { "description": "done" } }
            } } }
        });
        let (_, warnings, _) = crate::lower_document(doc).unwrap();
        assert!(warnings.iter().any(|w| w.pointer == "#/paths/~1x/post/parameters/1"), "{warnings:?}");
        // A typed-parse failure inside a definition.
        let doc = json!({
            "swagger": "2.0",
            "info": { "title": "T", "version": "1" },
            "definitions": { "Bad": { "type": "object", "properties": { "n": { "type": "integer", "minimum": "one" } } } },
            "paths": {}
        });
        let err = crate::lower_document(doc).unwrap_err();
        assert!(err.location.starts_with("#/definitions/Bad"), "{err}");
    }

    #[test]
    fn the_output_is_a_valid_openapi_3_document() {
        let doc = json!({
            "swagger": "2.0",
            "info": { "title": "T", "version": "1" },
            "host": "api.test",
            "schemes": ["https"],
            "securityDefinitions": { "key": { "type": "apiKey", "in": "header", "name": "X-Key" } },
            "security": [{ "key": [] }],
            "definitions": { "Item": { "type": "object", "properties": { "id": { "type": "integer" } } } },
            "paths": {
                "/items/{id}": {
                    "parameters": [{ "name": "id", "in": "path", "required": true, "type": "integer" }],
                    "get": { "operationId": "getItem", "responses": { "200": { "description": "ok", "schema": { "$ref": "#/definitions/Item" } } } },
                    "put": {
                        "operationId": "putItem",
                        "parameters": [{ "name": "item", "in": "body", "schema": { "$ref": "#/definitions/Item" } }],
                        "responses": { "204": { "description": "done" } }
                    },
                    "post": {
                        "operationId": "postItemForm",
                        "parameters": [{ "name": "file", "in": "formData", "type": "file" }],
                        "responses": { "204": { "description": "done" } }
                    }
                }
            }
        });
        let (api, warnings, timings) = crate::lower_document(doc).expect("lowers");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(api.openapi, "2.0");
        assert_eq!(timings.first().map(|(stage, _)| *stage), Some("convert"));
        assert_eq!(api.servers, ["https://api.test"]);
        let scheme = &api.security_schemes[0];
        assert_eq!(scheme.kind, crate::ir::SchemeKind::ApiKey { location: crate::ir::KeyLocation::Header, name: "X-Key".into() });
        assert_eq!(scheme.setter.as_str(), "api_key");
        let ops: Vec<&str> = api.groups.iter().flat_map(|g| &g.operations).map(|o| o.id.as_str()).collect();
        assert_eq!(ops, ["getItem", "putItem", "postItemForm"]);
    }
}
