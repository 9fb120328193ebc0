//! `$ref`s to any place in the document: a JSON pointer (RFC 6901, with `~0`,
//! `~1` and percent escapes) followed through the typed document, into
//! components, paths, operations, parameters, responses, bodies and the
//! insides of schemas (`#/components/schemas/X/properties/y`,
//! `#/paths/~1users/get/parameters/0`). References met on the way are followed.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, Header, MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent,
    PathItem, ReferenceOr, RequestBody, Response, Responses, Schema, SchemaKind, Type,
};

use super::types::SchemaRef;
use crate::error::pointer_join;

/// Longest chain of references followed before giving up (a chain that long is a cycle).
const MAX_HOPS: usize = 64;

/// The unescaped tokens of a local reference (`#/a/b~1c` → `["a", "b/c"]`);
/// `None` for a reference into another document.
pub fn tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let fragment = fragment.strip_prefix('/')?;
    Some(fragment.split('/').map(|t| percent_decode(t).replace("~1", "/").replace("~0", "~")).collect())
}

/// The canonical pointer (`#/a/b~1c`) of some tokens.
pub fn pointer(tokens: &[String]) -> String {
    tokens.iter().fold("#".to_string(), |p, t| pointer_join(&p, t))
}

/// `%7B` → `{` in a URI fragment; malformed escapes are kept as they are.
fn percent_decode(token: &str) -> String {
    if !token.contains('%') {
        return token.to_string();
    }
    let bytes = token.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| token.to_string())
}

/// A place in the typed document.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    Root,
    Paths,
    PathItem(&'a PathItem),
    Operation(&'a Operation),
    Parameters(&'a [ReferenceOr<Parameter>]),
    Parameter(&'a ReferenceOr<Parameter>),
    RequestBody(&'a ReferenceOr<RequestBody>),
    Responses(&'a Responses),
    Response(&'a ReferenceOr<Response>),
    Headers(&'a IndexMap<String, ReferenceOr<Header>>),
    Header(&'a ReferenceOr<Header>),
    Content(&'a IndexMap<String, MediaType>),
    MediaType(&'a MediaType),
    Components(&'a Components),
    SchemaMap(&'a IndexMap<String, ReferenceOr<Schema>>),
    ParameterMap(&'a IndexMap<String, ReferenceOr<Parameter>>),
    BodyMap(&'a IndexMap<String, ReferenceOr<RequestBody>>),
    ResponseMap(&'a IndexMap<String, ReferenceOr<Response>>),
    HeaderMap(&'a IndexMap<String, ReferenceOr<Header>>),
    Schema(SchemaRef<'a>),
    Properties(&'a IndexMap<String, ReferenceOr<Box<Schema>>>),
    SchemaList(&'a [ReferenceOr<Schema>]),
}

/// What `reference` designates, or why it designates nothing.
pub fn follow<'a>(spec: &'a OpenAPI, reference: &str) -> Result<Node<'a>, String> {
    follow_hops(spec, reference, 0)
}

fn follow_hops<'a>(spec: &'a OpenAPI, reference: &str, hops: usize) -> Result<Node<'a>, String> {
    if hops > MAX_HOPS {
        return Err(format!("$ref cycle: `{reference}` leads back to itself"));
    }
    let tokens = tokens(reference).ok_or_else(|| format!("unsupported $ref `{reference}`: only references inside the document are supported here"))?;
    let mut node = Node::Root;
    for token in &tokens {
        node = step(spec, node, token, hops)?
            .ok_or_else(|| format!("dangling $ref: `{reference}` does not exist in the document"))?;
    }
    Ok(node)
}

/// Follows `item` while it is a reference, until an object of its kind;
/// `pick` recognises the kind. Returns the object and its canonical pointer
/// (`None` when `item` is not a reference).
pub fn deref<'a, T>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    pick: fn(Node<'a>) -> Option<&'a ReferenceOr<T>>,
) -> Result<(&'a T, Option<String>), String> {
    let mut current = item;
    let mut at = None;
    for _ in 0..=MAX_HOPS {
        match current {
            ReferenceOr::Item(item) => return Ok((item, at)),
            ReferenceOr::Reference { reference } => {
                let node = follow(spec, reference)?;
                current = pick(node).ok_or_else(|| format!("$ref `{reference}` does not point to an object of the expected kind"))?;
                at = tokens(reference).map(|t| pointer(&t));
            }
        }
    }
    Err("$ref cycle: the reference leads back to itself".into())
}

/// One step down from `node` by `token`, following references on the way.
fn step<'a>(spec: &'a OpenAPI, node: Node<'a>, token: &str, hops: usize) -> Result<Option<Node<'a>>, String> {
    let index = || token.parse::<usize>().ok();
    // A referenced object, to step into.
    macro_rules! target {
        ($item:expr, $variant:ident) => {
            match $item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => match follow_hops(spec, reference, hops + 1)? {
                    Node::$variant(next) => return step(spec, Node::$variant(next), token, hops + 1),
                    _ => return Ok(None),
                },
            }
        };
    }
    Ok(match node {
        Node::Root => match token {
            "paths" => Some(Node::Paths),
            "components" => spec.components.as_ref().map(Node::Components),
            _ => None,
        },
        Node::Paths => match spec.paths.paths.get(token) {
            Some(ReferenceOr::Item(item)) => Some(Node::PathItem(item)),
            _ => None,
        },
        Node::PathItem(item) => match token {
            "parameters" => Some(Node::Parameters(&item.parameters)),
            method => item.iter().find(|(m, _)| *m == method).map(|(_, op)| Node::Operation(op)),
        },
        Node::Operation(op) => match token {
            "parameters" => Some(Node::Parameters(&op.parameters)),
            "requestBody" => op.request_body.as_ref().map(Node::RequestBody),
            "responses" => Some(Node::Responses(&op.responses)),
            _ => None,
        },
        Node::Parameters(list) => index().and_then(|i| list.get(i)).map(Node::Parameter),
        Node::Parameter(p) => {
            let p = target!(p, Parameter);
            match (&p.parameter_data_ref().format, token) {
                (ParameterSchemaOrContent::Schema(s), "schema") => Some(Node::Schema(s.into())),
                (ParameterSchemaOrContent::Content(c), "content") => Some(Node::Content(c)),
                _ => None,
            }
        }
        Node::RequestBody(b) => {
            let b = target!(b, RequestBody);
            (token == "content").then_some(Node::Content(&b.content))
        }
        Node::Responses(r) => match token {
            "default" => r.default.as_ref().map(Node::Response),
            code => r.responses.iter().find(|(c, _)| c.to_string().eq_ignore_ascii_case(code)).map(|(_, r)| Node::Response(r)),
        },
        Node::Response(r) => {
            let r = target!(r, Response);
            match token {
                "content" => Some(Node::Content(&r.content)),
                "headers" => Some(Node::Headers(&r.headers)),
                _ => None,
            }
        }
        Node::Headers(h) | Node::HeaderMap(h) => h.get(token).map(Node::Header),
        Node::Header(h) => {
            let h = target!(h, Header);
            match (&h.format, token) {
                (ParameterSchemaOrContent::Schema(s), "schema") => Some(Node::Schema(s.into())),
                (ParameterSchemaOrContent::Content(c), "content") => Some(Node::Content(c)),
                _ => None,
            }
        }
        Node::Content(c) => c.get(token).map(Node::MediaType),
        Node::MediaType(m) => match token {
            "schema" => m.schema.as_ref().map(|s| Node::Schema(s.into())),
            _ => None,
        },
        Node::Components(c) => match token {
            "schemas" => Some(Node::SchemaMap(&c.schemas)),
            "parameters" => Some(Node::ParameterMap(&c.parameters)),
            "requestBodies" => Some(Node::BodyMap(&c.request_bodies)),
            "responses" => Some(Node::ResponseMap(&c.responses)),
            "headers" => Some(Node::HeaderMap(&c.headers)),
            _ => None,
        },
        Node::SchemaMap(m) => m.get(token).map(|s| Node::Schema(s.into())),
        Node::ParameterMap(m) => m.get(token).map(Node::Parameter),
        Node::BodyMap(m) => m.get(token).map(Node::RequestBody),
        Node::ResponseMap(m) => m.get(token).map(Node::Response),
        Node::Schema(s) => {
            let schema = match s {
                SchemaRef::Item(schema) => schema,
                SchemaRef::Ref(reference) => match follow_hops(spec, reference, hops + 1)? {
                    Node::Schema(next) => return step(spec, Node::Schema(next), token, hops + 1),
                    _ => return Ok(None),
                },
            };
            schema_child(schema, token)
        }
        Node::Properties(p) => p.get(token).map(|s| Node::Schema(s.into())),
        Node::SchemaList(list) => index().and_then(|i| list.get(i)).map(|s| Node::Schema(s.into())),
    })
}

/// A keyword's value inside a schema, for the keywords that hold schemas.
fn schema_child<'a>(schema: &'a Schema, token: &str) -> Option<Node<'a>> {
    let additional = |ap: &'a Option<AdditionalProperties>| match ap {
        Some(AdditionalProperties::Schema(s)) => Some(Node::Schema(s.as_ref().into())),
        _ => None,
    };
    match (&schema.schema_kind, token) {
        (SchemaKind::Type(Type::Object(o)), "properties") => Some(Node::Properties(&o.properties)),
        (SchemaKind::Type(Type::Object(o)), "additionalProperties") => additional(&o.additional_properties),
        (SchemaKind::Type(Type::Array(a)), "items") => a.items.as_ref().map(|s| Node::Schema(s.into())),
        (SchemaKind::AllOf { all_of: list }, "allOf")
        | (SchemaKind::OneOf { one_of: list }, "oneOf")
        | (SchemaKind::AnyOf { any_of: list }, "anyOf") => Some(Node::SchemaList(list)),
        (SchemaKind::Not { not }, "not") => Some(Node::Schema(not.as_ref().into())),
        (SchemaKind::Any(a), "properties") => Some(Node::Properties(&a.properties)),
        (SchemaKind::Any(a), "additionalProperties") => additional(&a.additional_properties),
        (SchemaKind::Any(a), "items") => a.items.as_ref().map(|s| Node::Schema(s.into())),
        (SchemaKind::Any(a), "allOf") => Some(Node::SchemaList(&a.all_of)),
        (SchemaKind::Any(a), "oneOf") => Some(Node::SchemaList(&a.one_of)),
        (SchemaKind::Any(a), "anyOf") => Some(Node::SchemaList(&a.any_of)),
        (SchemaKind::Any(a), "not") => a.not.as_deref().map(|s| Node::Schema(s.into())),
        _ => None,
    }
}

/// A Rust type name for the schema at a pointer, from its place:
/// `#/components/schemas/X/properties/y` → `XY`, `…/X/allOf/0` → `XAllOf0`,
/// `…/items` → `…Item`, `…/additionalProperties` → `…Value`,
/// `#/paths/~1users/get/responses/200/content/application~1json/schema` → `UsersGetResponses200`.
pub fn type_name_for(tokens: &[String]) -> String {
    let mut out = String::new();
    let mut i = 0;
    let at = |i: usize| tokens.get(i).map(String::as_str);
    if at(0) == Some("components") {
        i = 2; // `components/schemas`
    } else if at(0) == Some("paths") {
        i = 1;
    }
    while let Some(token) = at(i) {
        match token {
            "properties" | "schema" => {}
            "content" => i += 1, // the media type
            "items" => out.push_str("Item"),
            "additionalProperties" => out.push_str("Value"),
            t if t.chars().all(|c| c.is_ascii_digit()) => out.push_str(t),
            t => out.push_str(&crate::names::type_name(t)),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_unescape() {
        assert_eq!(tokens("#/paths/~1users~1{id}/get"), Some(vec!["paths".into(), "/users/{id}".into(), "get".into()]));
        assert_eq!(tokens("#/a~0b/c%20d"), Some(vec!["a~b".into(), "c d".into()]));
        assert_eq!(tokens("#/a/%7Bid%7D/%zz"), Some(vec!["a".into(), "{id}".into(), "%zz".into()]));
        assert_eq!(tokens("other.yaml#/a"), None);
        assert_eq!(pointer(&["paths".into(), "/a~b".into()]), "#/paths/~1a~0b");
    }

    #[test]
    fn names_follow_the_place() {
        let t = |p: &str| type_name_for(&tokens(p).unwrap());
        assert_eq!(t("#/components/schemas/Pet/properties/owner"), "PetOwner");
        assert_eq!(t("#/components/schemas/Pet/allOf/0"), "PetAllOf0");
        assert_eq!(t("#/components/schemas/Pet/properties/tags/items"), "PetTagsItem");
        assert_eq!(t("#/paths/~1users/get/responses/200/content/application~1json/schema"), "UsersGetResponses200");
    }
}
