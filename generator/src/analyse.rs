//! Stage 4, analyse: decisions derived from the whole IR, so that emit only prints.
//!
//! [`analyse`] runs once, right after lowering (the end of
//! [`crate::lower_document`]), and records its decisions in the IR, so the IR
//! snapshots and the change report see them: that a union of string enums is
//! one enum ([`enum_unions`]), which struct fields and union
//! variants are boxed to break cycles of types ([`cycles`]), the name of each
//! open enum's and union's catch-all variant, or that an untagged union has
//! none ([`catch_all`]), which one-value enums are constant tags
//! ([`constants`]), and that every operation's pagination is one emit can
//! print ([`pagination`], which drops it with a warning otherwise).
//!
//! The functions below are the decisions emit asks for while printing, each
//! a pure function of the IR: which structs carry checks, how each parameter
//! is encoded, and which parts of the runtime a crate needs.

pub mod catch_all;
pub mod constants;
pub mod cycles;
pub mod enum_unions;
pub mod pagination;

use std::collections::BTreeSet;

use crate::error::Warning;
use crate::ir::{Api, BodyEncoding, KeyLocation, SchemeKind, Constraints, Group, Operation, Param, ParamLocation, ParamStyle, Presence, RawBody, StatusMatch, TypeDef, TypeRef};

/// Records the analysis's decisions in `api` (see the module documentation);
/// returns what it had to work around. Running it again changes nothing.
///
/// [`Api::filter`](crate::ir::Api::filter) after it needs no second run: it
/// keeps every type a kept type reaches, so each cycle through a kept type
/// survives whole, a catch-all depends on its own type only, and a kept
/// operation keeps its parameters and its success type.
pub fn analyse(api: &mut Api) -> Vec<Warning> {
    let mut warnings = Vec::new();
    enum_unions::merge_enum_unions(api);
    cycles::mark_boxed(api);
    catch_all::name_catch_alls(api);
    constants::mark_constants(api);
    pagination::check(api, &mut warnings);
    warnings
}

/// The declared error body whose shape every declared error body of the API
/// shares (the same fields of the same types, names aside), if there is one:
/// the crate's errors then offer `error_body()`, decoded from any error
/// response, so that reading a message needs no match over the statuses.
pub fn shared_error_body(api: &Api) -> Option<&TypeRef> {
    let mut bodies = api.groups.iter().flat_map(|g| &g.operations).flat_map(|op| &op.errors).filter_map(|e| e.ty.as_ref());
    let first = bodies.next().filter(|t| matches!(t, TypeRef::Named(_)))?;
    bodies.all(|other| same_shape(api, first, other, 0)).then_some(first)
}

/// Whether `a` and `b` decode the same JSON into the same shape.
fn same_shape(api: &Api, a: &TypeRef, b: &TypeRef, depth: usize) -> bool {
    // Deeper than any error body; a recursive type ends the comparison here.
    const DEEPEST: usize = 8;
    match (a, b) {
        (TypeRef::Named(x), TypeRef::Named(y)) if x == y => true,
        (TypeRef::Named(x), TypeRef::Named(y)) if depth < DEEPEST => match (api.type_def(x), api.type_def(y)) {
            (Some(TypeDef::Struct(s)), Some(TypeDef::Struct(t))) => {
                s.fields.len() == t.fields.len()
                    && s.fields.iter().zip(&t.fields).all(|(f, g)| f.name == g.name && f.presence == g.presence && same_shape(api, &f.ty, &g.ty, depth + 1))
                    && match (&s.additional, &t.additional) {
                        (Some(x), Some(y)) => same_shape(api, x, y, depth + 1),
                        (None, None) => true,
                        _ => false,
                    }
            }
            (Some(TypeDef::Enum(e)), Some(TypeDef::Enum(f))) => {
                e.variants.len() == f.variants.len() && e.variants.iter().zip(&f.variants).all(|(v, w)| v.value == w.value)
            }
            _ => false,
        },
        (TypeRef::Array(x), TypeRef::Array(y)) | (TypeRef::Map(x), TypeRef::Map(y)) => same_shape(api, x, y, depth + 1),
        _ => a == b,
    }
}

/// Whether a named type is a string enum (sent as its wire value).
pub fn is_enum(api: &Api, name: &str) -> bool {
    matches!(api.type_def(name), Some(TypeDef::Enum(_)))
}

/// How a value becomes the text of a path segment or header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireText {
    /// A `String`, as itself.
    String,
    /// A secret, exposed only here.
    Secret,
    /// A string enum, by its wire value.
    Enum,
    /// A number or boolean, by `Display`.
    Display,
    /// Anything else (unions, objects): a string as itself, the rest as JSON text.
    Json,
}

/// How a path or header parameter of type `ty` is written.
pub fn wire_text(api: &Api, ty: &TypeRef) -> WireText {
    match ty {
        TypeRef::String => WireText::String,
        TypeRef::Secret => WireText::Secret,
        TypeRef::Named(n) if is_enum(api, n) => WireText::Enum,
        TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean => WireText::Display,
        _ => WireText::Json,
    }
}

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryEncoding {
    /// Scalars (and exploded `form` arrays of scalars) through `ToQuery`.
    Scalar,
    /// Arrays and objects through their JSON form and the parameter's style.
    Styled,
}

/// How the query parameter `p` is written.
pub fn query_encoding(api: &Api, p: &Param) -> QueryEncoding {
    let scalar = |t: &TypeRef| !matches!(t, TypeRef::Map(_) | TypeRef::Any | TypeRef::Array(_)) && !matches!(t, TypeRef::Named(n) if !is_enum(api, n));
    let simple = match &p.ty {
        TypeRef::Array(item) => p.explode && p.style == ParamStyle::Form && scalar(item),
        other => scalar(other),
    };
    if simple { QueryEncoding::Scalar } else { QueryEncoding::Styled }
}

/// The std prelude names generated code may write bare (`String`, `Option<…>`, `Result`)
/// instead of by their absolute path: those no model of the API is called
/// (models share `models.rs` with the paths, and a schema may be called `Option`).
pub fn free_prelude_names(api: &Api) -> Vec<&'static str> {
    const PRELUDE: [&str; 6] = ["Box", "Into", "Option", "Result", "String", "Vec"];
    PRELUDE.into_iter().filter(|name| api.type_def(name).is_none()).collect()
}

/// Names of the structs whose values have something to check, directly or
/// through their fields, and that are sent: reachable from a parameter or a
/// request body (a struct only ever received is never checked).
pub fn structs_to_validate(api: &Api) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    loop {
        let before = found.len();
        for t in &api.types {
            if let TypeDef::Struct(s) = t
                && !found.contains(&s.rust_name)
                && s.fields.iter().any(|f| needs_check(&f.ty, &f.constraints, &found))
            {
                found.insert(s.rust_name.clone());
            }
        }
        if found.len() == before {
            break;
        }
    }
    // Keep those a request reaches, following only fields that are checked.
    let mut pending: Vec<&TypeRef> = Vec::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        pending.extend(op.params.iter().map(|p| &p.ty));
        pending.extend(op.body.as_ref().map(|b| &b.ty));
    }
    let mut sent = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) => pending.push(inner),
            TypeRef::Named(n) if found.contains(n) && sent.insert(n.clone()) => {
                if let Some(s) = api.struct_def(n) {
                    pending.extend(s.fields.iter().map(|f| &f.ty));
                }
            }
            _ => {}
        }
    }
    sent
}

/// The named types `roots` reach, themselves included: through arrays, maps,
/// struct fields (and extra properties) and union variants.
fn reachable<'a>(api: &'a Api, roots: impl IntoIterator<Item = &'a TypeRef>) -> BTreeSet<String> {
    let mut pending: Vec<&TypeRef> = roots.into_iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Named(n) if seen.insert(n.clone()) => pending.extend(members(api.type_def(n))),
            _ => {}
        }
    }
    seen
}

/// The types a named type holds directly.
fn members(def: Option<&TypeDef>) -> Vec<&TypeRef> {
    match def {
        Some(TypeDef::Struct(s)) => s.fields.iter().map(|f| &f.ty).chain(&s.additional).collect(),
        Some(TypeDef::Union(u)) => u.variants.iter().map(|v| &v.ty).collect(),
        _ => Vec::new(),
    }
}

/// Names of the structs a request sends (reachable from a parameter or a
/// request body): callers build these, so they get `new(required…)` and
/// chained setters; every struct with required fields gets a builder.
pub fn sent_structs(api: &Api) -> BTreeSet<String> {
    let ops = api.groups.iter().flat_map(|g| &g.operations);
    let mut sent = reachable(api, ops.flat_map(|op| op.params.iter().map(|p| &p.ty).chain(op.body.as_ref().map(|b| &b.ty))));
    sent.retain(|n| api.struct_def(n).is_some());
    sent
}

/// Cargo feature names no tag may take (the crate's own features).
const CRATE_FEATURES: &[&str] = &["default", "contract", "testing", "rustls", "rustls-ring", "native-tls", "full", UNUSED_MODELS];

/// Whether the crate derives serde anywhere: untagged unions do (models and
/// tagged unions have the runtime's `model!` and `tagged_union!`), and so
/// does the runtime's OAuth2 token response. `features`: [`runtime_features`].
pub fn derives_serde(api: &Api, features: &BTreeSet<&str>) -> bool {
    api.types.iter().any(|t| matches!(t, TypeDef::Union(u) if u.tag.is_none())) || features.contains("auth-oauth2")
}

/// The Cargo feature (on by default) of the models no operation uses, in a
/// document with tag features: a crate built for a few tags leaves them out.
pub const UNUSED_MODELS: &str = "unused-models";

/// Whether the crate has the [`UNUSED_MODELS`] feature: some type is gated by it
/// ([`type_features`]), which is when there are tag features and a type no operation reaches.
pub fn has_unused_models(api: &Api) -> bool {
    type_features(api).values().any(|features| features.contains(UNUSED_MODELS))
}

/// The Cargo feature of each group (tag), for documents with more than one:
/// its module name, unless the crate has a feature of that name (then
/// `<module>-api`). Empty for a document with one group, which has none.
pub fn tag_features(api: &Api) -> Vec<String> {
    if api.groups.len() < 2 {
        return Vec::new();
    }
    api.groups
        .iter()
        .map(|g| {
            let name = g.module.bare().replace('_', "-");
            if CRATE_FEATURES.contains(&name.as_str()) { format!("{name}-api") } else { name }
        })
        .collect()
}

/// For each named type, the features that need it when not every one does:
/// the tags whose operations reach it, and [`UNUSED_MODELS`] for the types no
/// operation reaches and what they name. The type is compiled only with one
/// of them; a type all of them need is absent (always compiled). Empty for a
/// document with one group.
pub fn type_features(api: &Api) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let features = tag_features(api);
    let mut reached: std::collections::BTreeMap<String, BTreeSet<String>> = std::collections::BTreeMap::new();
    if features.is_empty() {
        return reached;
    }
    for (group, feature) in api.groups.iter().zip(&features) {
        for name in reachable(api, operation_roots(api, group)) {
            reached.entry(name).or_default().insert(feature.clone());
        }
    }
    // The types no operation reaches, and what they name, are the `unused-models`
    // feature's: one more group, so a type every tag and it reach is always there.
    let unused: Vec<TypeRef> = api.types.iter().filter(|t| !reached.contains_key(t.rust_name())).map(|t| TypeRef::Named(t.rust_name().to_string())).collect();
    let mut groups = features.len();
    if !unused.is_empty() {
        groups += 1;
        for name in reachable(api, unused.iter()) {
            reached.entry(name).or_default().insert(UNUSED_MODELS.to_string());
        }
    }
    reached.retain(|_, tags| tags.len() < groups);
    reached
}

/// The types the operations of `group` name (parameters, bodies, responses,
/// events, errors), and the error body every operation error names (`error_body()`).
fn operation_roots<'a>(api: &'a Api, group: &'a Group) -> Vec<&'a TypeRef> {
    let mut roots: Vec<&TypeRef> = Vec::new();
    for op in &group.operations {
        roots.extend(op.params.iter().map(|p| &p.ty));
        roots.extend(op.body.as_ref().map(|b| &b.ty));
        for case in &op.success {
            roots.extend(case.ty.as_ref());
            roots.extend(case.stream.as_ref().map(|s| &s.ty));
        }
        roots.extend(op.errors.iter().filter_map(|e| e.ty.as_ref()));
    }
    roots.extend(shared_error_body(api));
    roots
}

/// Names of the string enums sent as query parameters (they implement `ToQuery`).
pub fn enums_sent_in_query(api: &Api) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in api.groups.iter().flat_map(|g| &g.operations).flat_map(|o| &o.params) {
        if p.location != ParamLocation::Query || query_encoding(api, p) != QueryEncoding::Scalar {
            continue;
        }
        let ty = match &p.ty {
            TypeRef::Array(inner) => inner.as_ref(),
            other => other,
        };
        if let TypeRef::Named(n) = ty
            && is_enum(api, n)
        {
            out.insert(n.clone());
        }
    }
    out
}

/// Whether a value of this type with these constraints has anything to check.
pub fn needs_check(ty: &TypeRef, c: &Constraints, validated: &BTreeSet<String>) -> bool {
    let mut kinds = BTreeSet::new();
    check_kinds(ty, c, validated, &mut kinds);
    !kinds.is_empty()
}

/// The runtime features the checks of a value of type `ty` use (emit's
/// `validation::checks` prints exactly these).
pub fn check_kinds(ty: &TypeRef, c: &Constraints, validated: &BTreeSet<String>, out: &mut BTreeSet<&'static str>) {
    match ty {
        TypeRef::String | TypeRef::Secret => {
            if c.min_length.is_some() || c.max_length.is_some() {
                out.insert("validate-length");
            }
            if c.uuid {
                out.insert("uuid");
            }
            if c.pattern.is_some() {
                out.insert("validate-pattern");
            }
        }
        TypeRef::Integer { .. } | TypeRef::Number if c.minimum.is_some() || c.maximum.is_some() => {
            out.insert("validate-range");
        }
        TypeRef::Array(inner) => {
            if c.min_items.is_some() || c.max_items.is_some() {
                out.insert("validate-items");
            }
            check_kinds(inner, c.items.as_deref().unwrap_or(&Constraints::default()), validated, out);
        }
        TypeRef::Named(n) if validated.contains(n) => {
            out.insert("validate");
        }
        _ => {}
    }
}

/// How a success response of `op` is decoded: the name of the runtime feature
/// (`json-response`, `text-response`, `bytes-response`, `empty-response`).
pub fn success_decoding(op: &Operation) -> &'static str {
    if op.success.iter().any(|s| s.ty.is_some()) {
        return "json-response";
    }
    match op.success.iter().find_map(|s| s.raw) {
        Some(RawBody::Text) => "text-response",
        Some(RawBody::Bytes) => "bytes-response",
        None if op.success.iter().any(|s| s.stream.is_some()) => "bytes-response",
        None => "empty-response",
    }
}

/// Whether the client holds credentials: the API has security schemes and
/// operations to send them with (the client builder then has a setter per scheme).
pub fn sends_credentials(api: &Api) -> bool {
    !api.security_schemes.is_empty() && api.groups.iter().any(|g| !g.operations.is_empty())
}

/// The header parameter of `op` that the client fills with a fresh idempotency
/// key (a UUID v4) when the caller gives none: an optional string header named
/// `Idempotency-Key` (in any case). Its calls are retried like idempotent ones.
pub fn idempotency_key(op: &Operation) -> Option<&Param> {
    op.params.iter().find(|p| p.location == ParamLocation::Header && p.name.eq_ignore_ascii_case("idempotency-key") && !p.required && p.ty == TypeRef::String)
}

/// The parts of the runtime the API's crate uses (the features of
/// `generator/runtime/Cargo.toml`); the rest is left out of the crate.
pub fn runtime_features(api: &Api) -> BTreeSet<&'static str> {
    let mut f = BTreeSet::new();
    if sends_credentials(api) {
        f.insert("auth");
        for scheme in &api.security_schemes {
            f.insert(match scheme.kind {
                SchemeKind::ApiKey { location: KeyLocation::Header, .. } => "auth-header",
                SchemeKind::ApiKey { location: KeyLocation::Query, .. } => "auth-query",
                SchemeKind::ApiKey { location: KeyLocation::Cookie, .. } => "auth-cookie",
                SchemeKind::Basic => "auth-basic",
                SchemeKind::Bearer => "auth-bearer",
                SchemeKind::OAuth2ClientCredentials { .. } => "auth-oauth2",
            });
        }
    }
    for t in &api.types {
        match t {
            TypeDef::Enum(e) => {
                f.insert(if e.constant { "const-tag" } else { "open-enum" });
            }
            TypeDef::Union(u) => {
                if u.tag.is_some() {
                    f.insert("tagged-union");
                }
            }
            TypeDef::Struct(s) => {
                f.insert("models");
                // What a struct's decoder does with a key no field has, and with an absent required field.
                f.insert(if s.additional.is_some() { "models-extra" } else { "models-skip" });
                if s.fields.iter().any(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable)) {
                    f.insert("models-required");
                }
            }
        }
    }
    // A `format: binary` value anywhere is a `FileUpload`.
    let mut types: Vec<&TypeRef> = Vec::new();
    for t in &api.types {
        match t {
            TypeDef::Struct(s) => types.extend(s.fields.iter().map(|f| &f.ty).chain(&s.additional)),
            TypeDef::Union(u) => types.extend(u.variants.iter().map(|v| &v.ty)),
            TypeDef::Enum(_) => {}
        }
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        types.extend(op.params.iter().map(|p| &p.ty));
        types.extend(op.body.as_ref().map(|b| &b.ty));
    }
    while let Some(ty) = types.pop() {
        match ty {
            TypeRef::Binary => {
                f.insert("file-upload");
                break;
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) => types.push(inner),
            _ => {}
        }
    }
    let validated = structs_to_validate(api);
    if !validated.is_empty() {
        f.insert("validate");
    }
    for t in &api.types {
        if let TypeDef::Struct(s) = t
            && validated.contains(&s.rust_name)
        {
            for field in &s.fields {
                check_kinds(&field.ty, &field.constraints, &validated, &mut f);
            }
        }
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        f.insert("operations");
        for p in &op.params {
            check_kinds(&p.ty, &p.constraints, &validated, &mut f);
            match p.location {
                ParamLocation::Path => {
                    f.insert("path-params");
                }
                ParamLocation::Query => {
                    f.insert(match query_encoding(api, p) {
                        QueryEncoding::Scalar => "query",
                        QueryEncoding::Styled => "query-json",
                    });
                }
                ParamLocation::Header => {}
            }
            if p.location != ParamLocation::Query && wire_text(api, &p.ty) == WireText::Json {
                f.insert("wire-text");
            }
        }
        if let Some(body) = &op.body {
            check_kinds(&body.ty, &Constraints::default(), &validated, &mut f);
            f.insert(match body.encoding {
                BodyEncoding::Json => "json-body",
                BodyEncoding::Form => "form",
                BodyEncoding::Multipart => "multipart",
            });
            if body.encoding == BodyEncoding::Multipart {
                // Files and the other fields are different kinds of part.
                let fields = match &body.ty {
                    TypeRef::Named(n) => api.struct_def(n).map(|s| &s.fields),
                    _ => None,
                };
                for field in fields.into_iter().flatten() {
                    f.insert(if field.ty == TypeRef::Binary { "multipart-file" } else { "multipart-text" });
                }
            }
        }
        if !op.success.is_empty() {
            f.insert(success_decoding(op));
        }
        if op.success.iter().any(|s| s.stream.is_some()) {
            f.insert("sse");
        }
        for e in &op.errors {
            f.insert(if e.ty.is_some() { "json-error" } else { "empty-error" });
        }
        // The answers of the operation's typed mock (the `testing` module): a JSON
        // body, or none for a success without a body and for untyped errors.
        if op.success.iter().any(|s| s.ty.is_some()) || op.errors.iter().any(|e| e.ty.is_some()) {
            f.insert("testing-json");
        }
        let bodiless = !op.success.iter().any(|s| s.ty.is_some() || s.raw.is_some() || s.stream.is_some());
        if bodiless || op.errors.iter().any(|e| e.ty.is_none()) {
            f.insert("testing-empty");
        }
        // Without a `default` response, statuses the operation does not declare are kept as they came.
        if !op.errors.iter().any(|e| e.status == StatusMatch::Default) {
            f.insert("unexpected-status");
        }
        if let Some(paging) = &op.pagination {
            f.insert(paging.runtime_feature());
        }
        if idempotency_key(op).is_some() {
            f.insert("idempotency");
        }
    }
    f
}

/// The analysed IR of a document with only `schemas` (OpenAPI `version`), for
/// the tests of the analysis passes.
#[cfg(test)]
pub(crate) fn schemas_only(version: &str, schemas: serde_json::Value) -> (Api, Vec<Warning>) {
    let doc = serde_json::json!({
        "openapi": version,
        "info": { "title": "Schemas", "version": "1" },
        "paths": {},
        "components": { "schemas": schemas },
    });
    let (api, warnings, _) = crate::lower_document(doc).expect("the document lowers");
    (api, warnings)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    fn features(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn types_are_gated_by_the_tags_that_use_them_and_unused_models_by_their_own_feature() {
        let schema = |name: &str| serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
        let get = |tag: &str, body: serde_json::Value| {
            serde_json::json!({"get": {"operationId": format!("get{tag}"), "tags": [tag], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": body}}}}}})
        };
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": get("a", schema("OnlyA")), "/b": get("b", schema("Both")), "/c": get("c", schema("Both"))},
            "components": {"schemas": {
                "OnlyA": {"type": "object", "properties": {"both": schema("Both"), "shared": schema("SharedWithUnused")}},
                "Both": {"type": "object", "properties": {"x": {"type": "string"}}},
                "SharedWithUnused": {"type": "object", "properties": {"x": {"type": "string"}}},
                "Unused": {"type": "object", "properties": {"shared": schema("SharedWithUnused")}},
            }},
        });
        let (api, _, _) = crate::lower_document(doc).expect("the document lowers");
        assert!(super::has_unused_models(&api));
        let gates = super::type_features(&api);
        // `Both` is needed by every tag but not by the unused models: gated by the three tags.
        let expected: BTreeMap<String, BTreeSet<String>> = [
            ("Both", features(&["a", "b", "c"])),
            ("OnlyA", features(&["a"])),
            ("SharedWithUnused", features(&["a", super::UNUSED_MODELS])),
            ("Unused", features(&[super::UNUSED_MODELS])),
        ]
        .into_iter()
        .map(|(name, features)| (name.to_string(), features))
        .collect();
        assert_eq!(gates, expected);
    }
}
