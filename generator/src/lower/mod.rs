//! Stage 3, lower: the typed OpenAPI document → the IR ([`crate::ir::Api`]).
//! Operations are lowered here; schemas in `types`; `$ref`s to any place of
//! the document are followed by `refs`.
//!
//! Only document-level problems fail the run (a `$ref` cycle no type can stand
//! for). A schema, parameter, body or response that cannot be expressed
//! becomes untyped JSON at that spot, a parameter that cannot be resolved is
//! left out, and an operation that cannot be generated at all (its path
//! template and parameters disagree, its operationId is taken) is skipped:
//! each with a degraded warning naming its JSON pointer.

mod refs;
mod types;

use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody as OaRequestBody,
    Response, SecurityScheme as OaSecurityScheme, StatusCode,
};
use serde_json::Value;

use crate::error::{pointer_join, GenError, Warning};
use crate::ir::*;
use crate::names::{self, reserved};
use types::{SchemaRef, TypeSpace};

/// Lowers a parsed (and normalised) document. `openapi` is the version the document declared.
pub fn lower(spec: &OpenAPI, openapi: &str) -> Result<(Api, Vec<Warning>), GenError> {
    let empty = indexmap::IndexMap::new();
    let schemas = spec.components.as_ref().map_or(&empty, |c| &c.schemas);
    let mut lowerer = Lowerer { spec, space: TypeSpace::new(spec, schemas), schemes: HashMap::new() };
    lowerer.space.lower_components()?;
    let security_schemes = lowerer.security_schemes();
    let setters = security_schemes.iter().map(|s| s.setter.to_string()).collect();
    let groups = lowerer.groups()?;
    let api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        openapi: openapi.to_string(),
        servers: servers(spec),
        security_schemes,
        retry: retry_policy(spec.extensions.get("x-speakeasy-retries")),
        global_headers: lowerer.global_headers(setters)?,
        groups,
        types: Vec::new(),
        type_index: Default::default(),
    };
    // Types whose definition failed were degraded where they are defined; the
    // references handed out before (recursion) become untyped JSON as well.
    let undefined = lowerer.space.undefined();
    let (types, warnings) = lowerer.space.into_types();
    let mut api = Api { types, ..api };
    if !undefined.is_empty() {
        api.replace_named(&undefined, &TypeRef::Any);
    }
    Ok((api, warnings))
}

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    space: TypeSpace<'a>,
    /// Each supported security scheme's index in `Api::security_schemes`, by name.
    schemes: HashMap<String, usize>,
}

/// An operation with where it sits in the document.
struct Located<'a> {
    path: &'a str,
    method: &'a str,
    op: &'a OaOperation,
    path_params: &'a [ReferenceOr<Parameter>],
    pointer: String,
}

impl<'a> Lowerer<'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.space.warnings.push(Warning::new(pointer, message));
    }

    /// A construct that could not be expressed and was left out or made untyped.
    fn degraded(&mut self, pointer: &str, message: impl Into<String>) {
        self.space.warnings.push(Warning::degraded(pointer, message));
    }

    /// Operations grouped by first tag; groups ordered as the document's `tags` list, then by first use.
    fn groups(&mut self) -> Result<Vec<Group>, GenError> {
        let spec = self.spec;
        let mut located = Vec::new();
        for (path, item) in &spec.paths.paths {
            let item_ptr = pointer_join("#/paths", path);
            let ReferenceOr::Item(item) = item else {
                self.warn(&item_ptr, "path item references are not supported; the path is skipped");
                continue;
            };
            for (method, op) in item.iter() {
                located.push(Located { path, method, op, path_params: &item.parameters, pointer: pointer_join(&item_ptr, method) });
            }
        }

        let mut order: Vec<String> = self.spec.tags.iter().map(|t| t.name.clone()).collect();
        let mut by_tag: HashMap<String, Vec<Operation>> = HashMap::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        for loc in &located {
            let tag = loc.op.tags.first().cloned().unwrap_or_else(|| "default".to_string());
            let op = match self.operation(loc) {
                Ok(Some(op)) => op,
                Ok(None) => continue,
                Err(e) if !self.space.is_fatal() => {
                    let at = if e.location.is_empty() || e.location == loc.pointer { String::new() } else { format!(" (at {})", e.location) };
                    self.degraded(&loc.pointer, format!("the operation cannot be generated: {}{at}; it is skipped", e.message));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if let Some(first) = ids.get(&op.id) {
                let message = format!("duplicate operationId `{}` (also at {first}); this operation is skipped", op.id);
                self.degraded(&op.pointer, message);
                continue;
            }
            ids.insert(op.id.clone(), op.pointer.clone());
            if !order.contains(&tag) {
                order.push(tag.clone());
            }
            by_tag.entry(tag).or_default().push(op);
        }

        let mut groups = Vec::new();
        // Module and accessor names taken by earlier groups (the crate's own are in `reserved`).
        let mut modules: BTreeSet<String> = BTreeSet::new();
        let mut accessors: BTreeSet<String> = BTreeSet::new();
        for tag in order {
            let Some(mut operations) = by_tag.remove(&tag) else { continue };
            let tag_ptr = match self.spec.tags.iter().position(|t| t.name == tag) {
                Some(i) => format!("#/tags/{i}"),
                None => pointer_join(&pointer_join(&operations[0].pointer, "tags"), "0"),
            };
            let natural = names::value_name(&tag);
            let module = free_name(&natural, reserved::is_free_for_module(&natural), "_api", &mut modules);
            if module != natural {
                let why = if reserved::is_free_for_module(&natural) { "another group's" } else { "one the crate has or names" };
                self.warn(&tag_ptr, format!("the tag `{tag}` would be the module `{natural}`, which is {why}; it is `{module}`"));
            }
            let accessor = free_name(&natural, reserved::is_free_for_accessor(&natural), "_api", &mut accessors);
            if accessor != natural {
                let why = if reserved::is_free_for_accessor(&natural) { "another group's" } else { "one `Client` has (or clippy reads as a trait's)" };
                self.warn(&tag_ptr, format!("the tag `{tag}` would be the method `Client::{natural}`, which is {why}; it is `{accessor}`"));
            }
            let type_name = self.space.reserve_name(&format!("{tag} Api"), &tag_ptr);
            let mut methods = BTreeSet::new();
            let mut stems = BTreeSet::new();
            for op in &mut operations {
                let wanted = op.method_name.clone();
                let free = reserved::is_free_for_group_method(&wanted);
                op.method_name = free_name(&wanted, free, "_op", &mut methods).into();
                if op.method_name != wanted {
                    let message = if free {
                        format!("method name `{wanted}` is used twice in group `{tag}`; this one is `{}`", op.method_name)
                    } else {
                        format!("method name `{wanted}` is one the group handle has (or clippy reads as a trait's); this one is `{}`", op.method_name)
                    };
                    self.warn(&op.pointer, message);
                }
                // `<stem>Builder` and `<stem>Error` are types of the group's module, beside its imports.
                let wanted = op.type_stem.clone();
                let free = reserved::type_stem_is_free(&wanted);
                op.type_stem = free_name(&wanted, free, "Operation", &mut stems);
                if op.type_stem != wanted {
                    let why = if free { format!("another operation's in group `{tag}`") } else { "names the operations module imports".to_string() };
                    let stem = &op.type_stem;
                    self.warn(&op.pointer, format!("the types `{wanted}Builder` and `{wanted}Error` would be {why}; they are `{stem}Builder` and `{stem}Error`"));
                }
            }
            let docs = self.spec.tags.iter().find(|t| t.name == tag).and_then(|t| t.description.clone());
            groups.push(Group { tag, module: module.into(), accessor: accessor.into(), type_name, docs, operations });
        }
        Ok(groups)
    }

    /// Lowers one operation; `None` when it cannot be generated (with a warning).
    fn operation(&mut self, loc: &Located<'a>) -> Result<Option<Operation>, GenError> {
        let op = loc.op;
        let id = match &op.operation_id {
            Some(id) => id.clone(),
            None => {
                let derived = format!("{} {}", loc.method, loc.path.replace(['{', '}'], ""));
                let derived = names::value_name(&derived);
                self.warn(&loc.pointer, format!("no operationId; derived `{derived}` from the method and path"));
                derived
            }
        };
        let method_name = op
            .extensions
            .get("x-speakeasy-name-override")
            .and_then(Value::as_str)
            .map(names::value_name)
            .unwrap_or_else(|| names::value_name(&id));
        let stem = names::type_name(&id);

        let params = self.params(loc, &stem)?;
        self.check_path_template(loc, &params)?;

        let body = match &op.request_body {
            None => None,
            Some(b) => {
                let ptr = pointer_join(&loc.pointer, "requestBody");
                let Some(body) = self.request_body(b, &ptr, &stem)? else { return Ok(None) };
                Some(body)
            }
        };

        let mut success = Vec::new();
        let mut errors = Vec::new();
        let responses_ptr = pointer_join(&loc.pointer, "responses");
        let declared = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => StatusMatch::Code(*c),
                    StatusCode::Range(r) => StatusMatch::Range(*r),
                };
                (status, code.to_string(), r)
            })
            .chain(op.responses.default.iter().map(|r| (StatusMatch::Default, "default".to_string(), r)));
        for (status, key, response) in declared {
            let ptr = pointer_join(&responses_ptr, &key);
            let is_success = matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Range(2));
            let variant = if is_success { String::new() } else { error_variant(&status) };
            let hint = if is_success { format!("{stem}Response") } else { format!("{stem}{variant}Body") };
            let (body, docs) = match self.resolve_response(response, &ptr) {
                Ok(response) => (self.response_body(response, &ptr, &hint)?, Some(response.description.clone()).filter(|d| !d.is_empty())),
                Err(e) => {
                    self.degraded(&ptr, format!("{}; the response body is untyped JSON (serde_json::Value)", e.message));
                    (ResponseBodies { json: Some(TypeRef::Any), ..ResponseBodies::default() }, None)
                }
            };
            if is_success {
                success.push(ResponseCase { status, ty: body.json, raw: body.raw, stream: body.stream, docs });
            } else {
                // Error bodies that are not JSON keep their raw bytes on the error.
                errors.push(ErrorCase { status, variant, ty: body.json, docs });
            }
        }
        errors.sort_by(|a, b| a.status.cmp(&b.status));
        let mut bodies: Vec<&TypeRef> = success.iter().filter_map(|s| s.ty.as_ref()).collect();
        bodies.dedup();
        if bodies.len() > 1 {
            self.warn(&responses_ptr, "several success responses with different bodies: the first one is used for every success status");
        }

        let pagination = self.pagination(op, &loc.pointer, &params, bodies.first().copied());
        let stream_request_field = op.extensions.get("x-speakeasy-stream-request-field").and_then(Value::as_str).map(str::to_string);
        Ok(Some(Operation {
            id,
            method_name: method_name.into(),
            type_stem: stem,
            // Path items hold only the eight methods OpenAPI names.
            http_method: HttpMethod::parse(loc.method).unwrap_or(HttpMethod::Get),
            path: PathTemplate::parse(loc.path),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            success,
            errors,
            pagination,
            stream_request_field,
            security: self.security(op, &loc.pointer),
            pointer: loc.pointer.clone(),
        }))
    }

    /// Path-level and operation-level parameters (the operation's win on a name clash).
    fn params(&mut self, loc: &Located<'a>, stem: &str) -> Result<Vec<Param>, GenError> {
        let mut out: Vec<Param> = Vec::new();
        let mut taken = BTreeSet::new();
        let path_ptr = pointer_join(&pointer_join("#/paths", loc.path), "parameters");
        let op_ptr = pointer_join(&loc.pointer, "parameters");
        let all = loc
            .path_params
            .iter()
            .enumerate()
            .map(|(i, p)| (p, pointer_join(&path_ptr, &i.to_string())))
            .chain(loc.op.parameters.iter().enumerate().map(|(i, p)| (p, pointer_join(&op_ptr, &i.to_string()))));
        for (p, ptr) in all {
            let Some(mut param) = self.param(p, &ptr, stem)? else { continue };
            // The client makes an idempotency key when the caller gives none, so the caller need not.
            if param.location == ParamLocation::Header && param.name.eq_ignore_ascii_case("idempotency-key") && param.ty == TypeRef::String {
                param.required = false;
            }
            if let Some(existing) = out.iter_mut().find(|q| q.name == param.name && q.location == param.location) {
                *existing = param;
                continue;
            }
            let mut param = param;
            let free = reserved::is_free_for_param(&param.rust_name);
            self.name_setter(&mut param, free, &OPERATION_PARAMETER, &ptr, &mut taken);
            out.push(param);
        }
        Ok(out)
    }

    fn param<'p>(&mut self, p: &'p ReferenceOr<Parameter>, pointer: &str, stem: &str) -> Result<Option<Param>, GenError>
    where
        'a: 'p,
    {
        let (p, pointer) = match refs::deref(self.spec, p, |n| match n {
            refs::Node::Parameter(p) => Some(p),
            _ => None,
        }) {
            Ok((p, at)) => (p, at.unwrap_or_else(|| pointer.to_string())),
            Err(message) => {
                self.degraded(pointer, format!("{message}; the parameter is not generated"));
                return Ok(None);
            }
        };
        let (data, location, style) = match p {
            Parameter::Query { parameter_data, style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                (parameter_data, ParamLocation::Query, style)
            }
            Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, ParamStyle::Form),
            Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path, ParamStyle::Form),
            Parameter::Cookie { parameter_data, .. } => {
                self.warn(&pointer, format!("cookie parameter `{}` is not supported and is not sent", parameter_data.name));
                return Ok(None);
            }
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.warn(&pointer, format!("parameter `{}` uses `content` instead of `schema`; it is sent as a string", data.name));
            return Ok(Some(Param {
                name: data.name.clone(),
                rust_name: names::value_name(&data.name).into(),
                location,
                required: data.required || location == ParamLocation::Path,
                ty: TypeRef::String,
                docs: data.description.clone(),
                constraints: Constraints::default(),
                default: None,
                example: data.example.clone(),
                style,
                explode: data.explode.unwrap_or(true),
            }));
        };
        let schema_ptr = pointer_join(&pointer, "schema");
        let hint = format!("{stem}{}", names::type_name(&data.name));
        let ty = self.space.schema_ref(SchemaRef::from(schema), &schema_ptr, &hint)?;
        let constraints = self.space.constraints_of(SchemaRef::from(schema), &schema_ptr);
        let (docs, default) = match schema {
            ReferenceOr::Item(s) => (data.description.clone().or_else(|| s.schema_data.description.clone()), s.schema_data.default.clone()),
            ReferenceOr::Reference { .. } => (data.description.clone(), None),
        };
        let example = data.example.clone().or_else(|| self.space.example_of(SchemaRef::from(schema)));
        Ok(Some(Param {
            name: data.name.clone(),
            rust_name: names::value_name(&data.name).into(),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            docs,
            constraints,
            default,
            example,
            style,
            // `form` explodes by default; the other styles do not.
            explode: data.explode.unwrap_or(style == ParamStyle::Form || style == ParamStyle::DeepObject),
        }))
    }

    /// Gives a parameter that becomes a setter of `kind` its final Rust name:
    /// renamed (with a warning) when the crate reserves the name (`free` is
    /// false), then made unique among `taken`.
    fn name_setter(&mut self, param: &mut Param, free: bool, kind: &SetterKind, pointer: &str, taken: &mut BTreeSet<String>) {
        let SetterKind { what, owner, suffix } = kind;
        if !free {
            let renamed = format!("{}{suffix}", param.rust_name);
            let message = if reserved::OPERATOR_METHODS.contains(&param.rust_name.as_str()) {
                format!("{what} `{}`: a setter `{}` reads as an operator trait's method (clippy::should_implement_trait); it is `{renamed}`", param.name, param.rust_name)
            } else {
                format!("{what} `{}` would clash with the {owner}'s own `{}`; it is `{renamed}`", param.name, param.rust_name)
            };
            self.warn(pointer, message);
            param.rust_name = renamed.into();
        }
        param.rust_name = names::unique(param.rust_name.to_string(), taken).into();
    }

    /// Every `{name}` in the path template needs a path parameter, and the other way round.
    fn check_path_template(&self, loc: &Located<'_>, params: &[Param]) -> Result<(), GenError> {
        let template = PathTemplate::parse(loc.path);
        let placeholders: Vec<&str> = template.params().collect();
        for name in &placeholders {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.name == *name) {
                return Err(GenError::at(&loc.pointer, format!("the path template `{}` has `{{{name}}}` but no path parameter `{name}` is declared", loc.path)));
            }
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !placeholders.contains(&p.name.as_str()) {
                return Err(GenError::at(&loc.pointer, format!("path parameter `{}` does not appear in the path template `{}`", p.name, loc.path)));
            }
        }
        Ok(())
    }

    fn request_body(&mut self, b: &'a ReferenceOr<OaRequestBody>, pointer: &str, stem: &str) -> Result<Option<RequestBody>, GenError> {
        let body = match refs::deref(self.spec, b, |n| match n {
            refs::Node::RequestBody(b) => Some(b),
            _ => None,
        }) {
            Ok((body, _)) => body,
            Err(message) => {
                self.degraded(pointer, format!("{message}; the body is untyped JSON (serde_json::Value)"));
                let content_type = "application/json".to_string();
                return Ok(Some(RequestBody { content_type, encoding: BodyEncoding::Json, ty: TypeRef::Any, required: false, docs: None, example: None }));
            }
        };
        // JSON first, then forms; one encoding is generated per operation.
        let chosen = [BodyEncoding::Json, BodyEncoding::Form, BodyEncoding::Multipart].into_iter().find_map(|encoding| {
            body.content.iter().find(|(m, _)| media_encoding(m) == Some(encoding)).map(|(m, media)| (encoding, m, media))
        });
        let Some((encoding, media_type, media)) = chosen else {
            let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.warn(pointer, format!("request bodies of type {kinds:?} are not supported; the operation is skipped"));
            return Ok(None);
        };
        let others: Vec<&str> = body.content.keys().map(String::as_str).filter(|m| *m != media_type).collect();
        if !others.is_empty() {
            self.warn(pointer, format!("the body is sent as {media_type}; the alternatives {others:?} are not generated"));
        }
        let ptr = pointer_join(&pointer_join(&pointer_join(pointer, "content"), media_type), "schema");
        let ty = match &media.schema {
            Some(s) => self.space.schema_ref(s.into(), &ptr, &format!("{stem}Body"))?,
            None => TypeRef::Any,
        };
        if encoding != BodyEncoding::Json && !matches!(&ty, TypeRef::Named(n) if self.space.is_struct(n)) {
            self.warn(&ptr, format!("a {media_type} body must be an object schema; the operation is skipped"));
            return Ok(None);
        }
        let example = media.example.clone().or_else(|| media.schema.as_ref().and_then(|s| self.space.example_of(s.into())));
        Ok(Some(RequestBody { content_type: media_type.clone(), encoding, ty, required: body.required, docs: body.description.clone(), example }))
    }

    fn resolve_response(&self, r: &'a ReferenceOr<Response>, pointer: &str) -> Result<&'a Response, GenError> {
        refs::deref(self.spec, r, |n| match n {
            refs::Node::Response(r) => Some(r),
            _ => None,
        })
        .map(|(r, _)| r)
        .map_err(|message| GenError::at(pointer, message))
    }

    /// What a response body is: JSON (typed), an event stream, text or bytes.
    fn response_body(&mut self, r: &'a Response, pointer: &str, hint: &str) -> Result<ResponseBodies, GenError> {
        let content_ptr = pointer_join(pointer, "content");
        let mut out = ResponseBodies::default();
        for (media_type, media) in &r.content {
            let ptr = pointer_join(&pointer_join(&content_ptr, media_type), "schema");
            let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if is_json(&essence) && out.json.is_none() {
                out.json = Some(match &media.schema {
                    Some(s) => self.space.schema_ref(s.into(), &ptr, hint)?,
                    None => TypeRef::Any,
                });
            } else if essence == "text/event-stream" {
                let ty = match &media.schema {
                    Some(s) => self.space.schema_ref(s.into(), &ptr, &format!("{hint}Event"))?,
                    None => TypeRef::Any,
                };
                let envelope = self.space.has_field(&ty, "data");
                let sentinel = media.extensions.get("x-speakeasy-sse-sentinel").and_then(Value::as_str).map(str::to_string);
                out.stream = Some(EventStream { ty, envelope, sentinel });
            } else if out.raw.is_none() && !is_json(&essence) {
                out.raw = Some(if essence.starts_with("text/") { RawBody::Text } else { RawBody::Bytes });
            }
        }
        if out.json.is_some() {
            // JSON wins over other encodings of the same response.
            out.raw = None;
        }
        Ok(out)
    }

    /// `x-speakeasy-pagination`, when the emitter can generate it; otherwise a
    /// warning and `None`, so that the IR never promises streams the crate lacks.
    /// `body` is the success response's JSON type.
    fn pagination(&mut self, op: &OaOperation, pointer: &str, params: &[Param], body: Option<&TypeRef>) -> Option<Pagination> {
        let ext = op.extensions.get("x-speakeasy-pagination")?;
        match self.paging(ext, params, body) {
            Ok(paging) => Some(paging),
            Err(why) => {
                self.warn(&pointer_join(pointer, "x-speakeasy-pagination"), format!("{why}; the operation returns single pages"));
                None
            }
        }
    }

    /// Checks an `x-speakeasy-pagination` against the parameters and the success body.
    fn paging(&self, ext: &Value, params: &[Param], body: Option<&TypeRef>) -> Result<Pagination, String> {
        // The parameter named by the input of this type (`in: parameters`).
        let input = |kind: &str| -> Result<String, String> {
            ext.get("inputs")
                .and_then(Value::as_array)
                .and_then(|inputs| inputs.iter().find(|i| i.get("type").and_then(Value::as_str) == Some(kind)))
                .filter(|i| i.get("in").and_then(Value::as_str).is_none_or(|at| at == "parameters"))
                .and_then(|i| i.get("name")?.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("pagination needs an input of type `{kind}` in the parameters"))
        };
        // An optional query parameter of the wanted type.
        let query_param = |name: &str, what: &str, ty: &str, fits: fn(&TypeRef) -> bool| -> Result<(), String> {
            match params.iter().find(|p| p.name == name && p.location == ParamLocation::Query) {
                Some(p) if !p.required && fits(&p.ty) => Ok(()),
                Some(_) => Err(format!("the {what} parameter `{name}` must be an optional {ty}")),
                None => Err(format!("the {what} `{name}` is not a query parameter")),
            }
        };
        // A top-level field of the response named by an output (`$.data`).
        let output = |key: &str| -> Result<String, String> {
            let path = ext.get("outputs").and_then(|o| o.get(key)).and_then(Value::as_str).ok_or_else(|| format!("pagination needs `outputs.{key}`"))?;
            path.strip_prefix("$.")
                .filter(|f| !f.is_empty() && !f.contains(['.', '[']))
                .map(str::to_string)
                .ok_or_else(|| format!("`outputs.{key}` is `{path}`; only a top-level field (`$.data`) is supported"))
        };

        let kind = ext.get("type").and_then(Value::as_str);
        if !matches!(kind, Some("offsetLimit" | "cursor")) {
            return Err(format!("pagination of type `{}` is not supported", kind.unwrap_or("(none)")));
        }
        let results_field = output("results")?;
        let page = match body {
            None => return Err("the success response has no JSON body".into()),
            Some(ty) => self.space.struct_of(ty).ok_or_else(|| match ty {
                TypeRef::Named(name) => format!("the success response `{name}` is not an object with fields (a union or enum cannot be paged)"),
                _ => "the success response is not an object with fields".to_string(),
            })?,
        };
        let field = |name: &str| page.fields.iter().find(|f| f.name == name);
        match field(&results_field) {
            Some(f) if matches!(f.ty, TypeRef::Array(_)) => {}
            Some(_) => return Err(format!("the results field `{results_field}` is not an array")),
            None => return Err(format!("the success response has no results field `{results_field}`")),
        }
        let kind = match kind {
            Some("offsetLimit") => {
                let (offset, limit) = (input("offset")?, input("limit")?);
                query_param(&offset, "offset", "integer", |t| matches!(t, TypeRef::Integer { .. }))?;
                if !params.iter().any(|p| p.name == limit && p.location == ParamLocation::Query) {
                    return Err(format!("the limit `{limit}` is not a query parameter"));
                }
                let total_field = TOTAL_FIELDS
                    .iter()
                    .find(|name| field(name).is_some_and(|f| matches!(f.ty, TypeRef::Integer { .. })))
                    .map(|name| name.to_string());
                PaginationKind::OffsetLimit { offset_param: offset, limit_param: limit, total_field }
            }
            _ => {
                let cursor = input("cursor")?;
                query_param(&cursor, "cursor", "string", |t| *t == TypeRef::String)?;
                let next = output("nextCursor")?;
                match field(&next) {
                    Some(f) if f.ty == TypeRef::String => {}
                    Some(_) => return Err(format!("the next-cursor field `{next}` is not a string")),
                    None => return Err(format!("the success response has no next-cursor field `{next}`")),
                }
                PaginationKind::Cursor { cursor_param: cursor, next_cursor_field: next }
            }
        };
        Ok(Pagination { kind, results_field, plan: None })
    }

    /// The document's security schemes the client supports, in document order,
    /// each with its builder setter; the others are left out with a warning.
    /// Setters: a scheme of each kind named by the kind (the first API key or
    /// bearer scheme `api_key`, the first basic one `basic_auth`, the first
    /// OAuth2 one `oauth2_client_credentials`); any further one of the same kind by
    /// the scheme's own name.
    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = self.spec.components.as_ref() else { return Vec::new() };
        // Scopes to ask an OAuth2 token for: those the requirements name.
        let mut scopes: HashMap<&str, Vec<String>> = HashMap::new();
        let operations = self.spec.paths.paths.values().filter_map(|item| item.as_item()).flat_map(|item| item.iter().map(|(_, op)| op));
        let requirements = self.spec.security.iter().chain(operations.filter_map(|op| op.security.as_ref()));
        for (name, wanted) in requirements.flatten().flatten() {
            let list = scopes.entry(name.as_str()).or_default();
            for scope in wanted {
                if !list.contains(scope) {
                    list.push(scope.clone());
                }
            }
        }
        let mut out = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = pointer_join("#/components/securitySchemes", name);
            let (kind, docs) = match scheme {
                ReferenceOr::Item(OaSecurityScheme::APIKey { location, name, description, .. }) => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Header => KeyLocation::Header,
                        openapiv3::APIKeyLocation::Query => KeyLocation::Query,
                        openapiv3::APIKeyLocation::Cookie => KeyLocation::Cookie,
                    };
                    (SchemeKind::ApiKey { location, name: name.clone() }, description)
                }
                ReferenceOr::Item(OaSecurityScheme::HTTP { scheme, description, .. }) if scheme.eq_ignore_ascii_case("bearer") => (SchemeKind::Bearer, description),
                ReferenceOr::Item(OaSecurityScheme::HTTP { scheme, description, .. }) if scheme.eq_ignore_ascii_case("basic") => (SchemeKind::Basic, description),
                ReferenceOr::Item(OaSecurityScheme::OAuth2 { flows, description, .. }) if flows.client_credentials.is_some() => {
                    let flow = flows.client_credentials.as_ref().expect("checked by the guard");
                    let token_url = flow.token_url.clone();
                    if token_url.trim().is_empty() {
                        self.warn(&pointer, "the clientCredentials flow has no tokenUrl; operations that need this scheme are sent without it");
                        continue;
                    }
                    (SchemeKind::OAuth2ClientCredentials { token_url, scopes: scopes.get(name.as_str()).cloned().unwrap_or_default() }, description)
                }
                ReferenceOr::Item(OaSecurityScheme::OAuth2 { .. }) => {
                    self.warn(&pointer, "only the OAuth2 clientCredentials flow is supported; requirements that need this scheme are never used, so operations that need it are sent without it");
                    continue;
                }
                _ => {
                    self.warn(&pointer, "this security scheme is not supported; requirements that need it are never used, so operations that need it are sent without it");
                    continue;
                }
            };
            let base = match kind {
                SchemeKind::ApiKey { .. } | SchemeKind::Bearer => "api_key",
                SchemeKind::Basic => "basic_auth",
                SchemeKind::OAuth2ClientCredentials { .. } => "oauth2_client_credentials",
            };
            let setter = if taken.contains(base) {
                // Not a name the builder has for itself, nor the setter of an earlier scheme.
                let own = names::value_name(name);
                free_name(&own, reserved::is_free_for_global_header(&own), &format!("_{base}"), &mut taken)
            } else {
                taken.insert(base.to_string());
                base.to_string()
            };
            self.schemes.insert(name.clone(), out.len());
            out.push(SecurityScheme { name: name.clone(), setter: setter.into(), kind, docs: docs.clone(), pointer });
        }
        for (i, requirement) in self.spec.security.iter().flatten().enumerate() {
            if !requirement.keys().all(|name| self.schemes.contains_key(name)) {
                self.unsupported_requirement(requirement, &format!("#/security/{i}"));
            }
        }
        out
    }

    /// Warns about a requirement naming a scheme the document does not declare.
    /// One naming a declared but unsupported scheme was reported at the scheme, once.
    fn unsupported_requirement(&mut self, requirement: &openapiv3::SecurityRequirement, pointer: &str) {
        let declared = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let undeclared: Vec<&str> =
            requirement.keys().filter(|n| !declared.is_some_and(|d| d.contains_key(*n))).map(String::as_str).collect();
        if !undeclared.is_empty() {
            self.warn(pointer, format!("names a security scheme the document does not declare ({}); this alternative is never used", undeclared.join(", ")));
        }
    }

    /// The security alternatives of `op` (its own `security`, else the document's),
    /// as indices of supported schemes; an alternative that needs a scheme the
    /// client does not support is left out with a warning.
    fn security(&mut self, op: &OaOperation, pointer: &str) -> Vec<Vec<usize>> {
        let (requirements, at) = match &op.security {
            Some(own) => (own, pointer_join(pointer, "security")),
            None => match &self.spec.security {
                Some(document) => (document, "#/security".to_string()),
                None => return Vec::new(),
            },
        };
        let mut out = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let indices: Option<Vec<usize>> = requirement.keys().map(|name| self.schemes.get(name).copied()).collect();
            match indices {
                Some(indices) => out.push(indices),
                // The document's requirements are reported once, by `security_schemes`.
                None if op.security.is_some() => self.unsupported_requirement(requirement, &format!("{at}/{i}")),
                None => {}
            }
        }
        out
    }

    /// Header parameters listed by `x-speakeasy-globals`; their setters avoid `taken` (the security schemes').
    fn global_headers(&mut self, mut taken: BTreeSet<String>) -> Result<Vec<Param>, GenError> {
        let Some(list) = self.spec.extensions.get("x-speakeasy-globals").and_then(|g| g.get("parameters")).and_then(Value::as_array) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let ptr = format!("#/x-speakeasy-globals/parameters/{i}");
            let parsed: ReferenceOr<Parameter> = match serde_json::from_value(entry.clone()) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.degraded(&ptr, format!("not a parameter ({e}); this global parameter is not generated"));
                    continue;
                }
            };
            let Some(mut param) = self.param(&parsed, &ptr, "Global")? else { continue };
            if param.location == ParamLocation::Header {
                // Each is a setter and a field of `ClientBuilder`.
                let free = reserved::is_free_for_global_header(&param.rust_name);
                self.name_setter(&mut param, free, &GLOBAL_HEADER, &ptr, &mut taken);
                out.push(param);
            } else {
                self.warn(&ptr, "only header globals are supported; this global parameter is not generated");
            }
        }
        Ok(out)
    }
}

/// Where a parameter becomes a setter, for [`Lowerer::name_setter`]: how the
/// warning names it and its owner, and the suffix a reserved name gets.
struct SetterKind {
    what: &'static str,
    owner: &'static str,
    suffix: &'static str,
}

/// An operation's parameter: a setter of its request builder.
const OPERATION_PARAMETER: SetterKind = SetterKind { what: "parameter", owner: "request builder", suffix: "_param" };

/// A global header: a setter of the client builder.
const GLOBAL_HEADER: SetterKind = SetterKind { what: "global header", owner: "client builder", suffix: "_header" };

/// `wanted`, or `wanted` + `suffix` when the crate reserves it (`free` is false),
/// made unique among `taken` (and recorded there).
fn free_name(wanted: &str, free: bool, suffix: &str, taken: &mut BTreeSet<String>) -> String {
    let candidate = if free { wanted.to_string() } else { format!("{}{suffix}", wanted.trim_start_matches("r#")) };
    names::unique(candidate, taken)
}

/// Integer fields of an offset/limit response that give the total number of
/// items, in order of preference. (Not `count`, which often counts one page.)
const TOTAL_FIELDS: &[&str] = &["total_count", "totalCount", "total"];

/// The body kinds a response offers.
#[derive(Default)]
struct ResponseBodies {
    json: Option<TypeRef>,
    raw: Option<RawBody>,
    stream: Option<EventStream>,
}

fn media_encoding(media_type: &str) -> Option<BodyEncoding> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        e if is_json(e) => Some(BodyEncoding::Json),
        "application/x-www-form-urlencoded" => Some(BodyEncoding::Form),
        "multipart/form-data" => Some(BodyEncoding::Multipart),
        _ => None,
    }
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn servers(spec: &OpenAPI) -> Vec<String> {
    spec.servers
        .iter()
        .map(|s| {
            let mut url = s.url.clone();
            for (name, var) in s.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &var.default);
            }
            url.trim_end_matches('/').to_string()
        })
        .collect()
}

fn retry_policy(ext: Option<&Value>) -> Option<RetryPolicy> {
    let ext = ext?;
    let backoff = ext.get("backoff");
    let num = |key: &str, default: u64| backoff.and_then(|b| b.get(key)).and_then(Value::as_u64).unwrap_or(default);
    Some(RetryPolicy {
        initial_interval_ms: num("initialInterval", 500),
        max_interval_ms: num("maxInterval", 60_000),
        exponent: backoff.and_then(|b| b.get("exponent")).and_then(Value::as_f64).unwrap_or(1.5),
        max_elapsed_ms: num("maxElapsedTime", 3_600_000),
        status_codes: ext
            .get("statusCodes")
            .and_then(Value::as_array)
            .map(|codes| codes.iter().filter_map(parse_status).collect())
            .unwrap_or_else(|| vec![StatusMatch::Range(5)]),
        connection_errors: ext.get("retryConnectionErrors").and_then(Value::as_bool).unwrap_or(true),
    })
}

fn parse_status(v: &Value) -> Option<StatusMatch> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let upper = s.to_ascii_uppercase();
    if let Some(class) = upper.strip_suffix("XX") {
        return class.parse().ok().map(StatusMatch::Range);
    }
    upper.parse().ok().map(StatusMatch::Code)
}

/// The error variant name for a status: `NotFound`, `ServerError` (5XX), `Default`.
fn error_variant(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(n) => format!("Status{n}xx"),
        StatusMatch::Default => "Default".into(),
    }
}
