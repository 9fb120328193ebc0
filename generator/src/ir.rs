//! The intermediate representation: what the client crate needs to know about
//! the API, with every OpenAPI detail already resolved (references followed,
//! `allOf` merged, names made valid Rust). Emitters read only this.
//! It serialises to YAML for snapshot tests.

use serde::Serialize;

pub use crate::names::RustName;

/// The whole API.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The OpenAPI version the document declared.
    pub openapi: String,
    /// Base URLs from `servers`, first is the default.
    pub servers: Vec<String>,
    /// The security schemes the client can send credentials for, in the order of
    /// `components/securitySchemes`; operations name them by their index here.
    pub security_schemes: Vec<SecurityScheme>,
    /// Default retry policy from the document's retry extension.
    pub retry: Option<RetryPolicy>,
    /// Headers the caller may set once on the client (the globals extension).
    pub global_headers: Vec<Param>,
    /// Operations grouped by their first tag, in document order of the tags.
    pub groups: Vec<Group>,
    /// Named types: structs and enums.
    pub types: Vec<TypeDef>,
    /// Where each named type is in `types`, built on first lookup ([`Api::type_def`]).
    #[serde(skip)]
    pub type_index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

/// A security scheme of the document (`components/securitySchemes/{name}`):
/// a setter of the client builder, and where its credential goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityScheme {
    /// The scheme's name in the document.
    pub name: String,
    /// The client builder's setter for its credential (`api_key`, `basic_auth`, …).
    /// The scheme whose setter is `api_key` is also `Client::new`'s argument and
    /// read by `Client::from_env`.
    pub setter: RustName,
    /// What the credential is and where it goes.
    pub kind: SchemeKind,
    /// The scheme's description.
    pub docs: Option<String>,
    /// JSON pointer of the scheme.
    pub pointer: String,
}

/// The kind of a security scheme, with what sending its credential needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SchemeKind {
    /// `type: apiKey`: a key in a header, query parameter or cookie named `name`.
    ApiKey {
        /// Where the key goes.
        location: KeyLocation,
        /// The header, query parameter or cookie name.
        name: String,
    },
    /// `type: http, scheme: basic`: user name and password.
    Basic,
    /// `type: http, scheme: bearer`: `Authorization: Bearer <token>`.
    Bearer,
    /// `type: oauth2` with a `clientCredentials` flow: a token fetched from `token_url`.
    OAuth2ClientCredentials {
        /// The token endpoint (absolute, or relative to the base URL).
        token_url: String,
        /// The scopes asked for: every scope the document's requirements name for this scheme, in first-seen order.
        scopes: Vec<String>,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie (the `Cookie` header).
    Cookie,
}

/// Retry defaults (the document's `x-speakeasy-retries`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetryPolicy {
    /// First backoff interval in milliseconds.
    pub initial_interval_ms: u64,
    /// Longest single backoff interval in milliseconds.
    pub max_interval_ms: u64,
    /// Growth factor between attempts.
    pub exponent: f64,
    /// Give up after this many milliseconds in total.
    pub max_elapsed_ms: u64,
    /// Status codes or ranges (`5XX`) that are retried.
    pub status_codes: Vec<StatusMatch>,
    /// Whether connection failures are retried.
    pub connection_errors: bool,
}

impl RetryPolicy {
    /// The policy of a document without a retry extension: a few quick retries of
    /// 503 answers and connection failures (408 and 429 are retried by the runtime
    /// in any case). The one place this default is stated.
    pub fn conservative() -> RetryPolicy {
        RetryPolicy {
            initial_interval_ms: 500,
            max_interval_ms: 8_000,
            exponent: 2.0,
            max_elapsed_ms: 60_000,
            status_codes: vec![StatusMatch::Code(503)],
            connection_errors: true,
        }
    }
}

/// A group of operations (one tag): `client.byok()`.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The tag as written in the document.
    pub tag: String,
    /// Rust module holding the group's builders and errors (`byok`).
    pub module: RustName,
    /// Method on the client that returns the group handle (`byok`).
    pub accessor: RustName,
    /// Rust type name of the group handle (`ByokApi`).
    pub type_name: String,
    /// The tag's description.
    pub docs: Option<String>,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId` (derived from method and path when missing).
    pub id: String,
    /// Method name on the group handle (`list`).
    pub method_name: RustName,
    /// PascalCase stem for the operation's own types (`ListByokKeys`).
    pub type_stem: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// Path template relative to the base URL (`/byok/{id}`), parsed.
    pub path: PathTemplate,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// Path, query and header parameters.
    pub params: Vec<Param>,
    /// The JSON request body, if any.
    pub body: Option<RequestBody>,
    /// Success responses (2XX).
    pub success: Vec<ResponseCase>,
    /// Every declared non-success status, range and `default`.
    pub errors: Vec<ErrorCase>,
    /// Pagination metadata, when the operation pages.
    pub pagination: Option<Pagination>,
    /// The boolean body field that asks for a stream (`x-speakeasy-stream-request-field`).
    pub stream_request_field: Option<String>,
    /// The security alternatives of the operation (its `security`, else the
    /// document's), in order: each a set of indices into `Api::security_schemes`
    /// sent together. Empty (`security: []`, or none declared): no credentials;
    /// an empty set (`{}`): credentials are optional.
    pub security: Vec<Vec<usize>>,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method a path item can hold, in the order OpenAPI lists them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The method as sent: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method named as a path item's key (`get`), in any case.
    pub fn parse(name: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template (`/byok/{id}`), parsed once into literal text and parameter
/// placeholders. Serialises as the template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    raw: String,
    segments: Vec<PathSegment>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Text sent as it is (`/byok/`).
    Literal(String),
    /// A `{name}` placeholder, filled from the path parameter `name`.
    Param(String),
}

impl PathTemplate {
    /// Parses `raw`; an unclosed `{` is literal text.
    pub fn parse(raw: &str) -> PathTemplate {
        let mut segments = Vec::new();
        let mut rest = raw;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else { break };
            if start > 0 {
                segments.push(PathSegment::Literal(rest[..start].to_string()));
            }
            segments.push(PathSegment::Param(rest[start + 1..start + len].to_string()));
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_string()));
        }
        PathTemplate { raw: raw.to_string(), segments }
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Its literal pieces and placeholders, in order.
    pub fn segments(&self) -> &[PathSegment] {
        &self.segments
    }

    /// The names of its placeholders, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            PathSegment::Param(name) => Some(name.as_str()),
            PathSegment::Literal(_) => None,
        })
    }

    /// Whether it has any placeholder.
    pub fn has_params(&self) -> bool {
        self.params().next().is_some()
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for PathTemplate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// Substituted into the path template.
    Path,
    /// Appended to the query string.
    Query,
    /// Sent as a request header.
    Header,
}

/// A parameter of an operation (or a global header).
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Rust identifier.
    pub rust_name: RustName,
    /// Path, query or header.
    pub location: ParamLocation,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Its description.
    pub docs: Option<String>,
    /// Validation rules from the schema.
    pub constraints: Constraints,
    /// The schema's default (what the server assumes when the parameter is absent).
    pub default: Option<serde_json::Value>,
    /// An example value from the document (the parameter's or its schema's).
    pub example: Option<serde_json::Value>,
    /// How arrays and objects are serialised (`form`, `deepObject`, …).
    pub style: ParamStyle,
    /// Whether arrays and objects are exploded into several pairs.
    pub explode: bool,
}

/// Serialisation style of a parameter (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    /// `form` (query default) and `simple` (path and header default).
    Form,
    /// `spaceDelimited` arrays.
    SpaceDelimited,
    /// `pipeDelimited` arrays.
    PipeDelimited,
    /// `deepObject`: `name[key]=value`.
    DeepObject,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyEncoding {
    /// `application/json` (or `*+json`).
    Json,
    /// `application/x-www-form-urlencoded`: one pair per top-level field.
    Form,
    /// `multipart/form-data`: one part per top-level field; binary fields are files.
    Multipart,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// Media type sent.
    pub content_type: String,
    /// How the body is encoded.
    pub encoding: BodyEncoding,
    /// Body type.
    pub ty: TypeRef,
    /// Whether the body must be sent.
    pub required: bool,
    /// Its description.
    pub docs: Option<String>,
    /// An example body from the document (the media type's or its schema's).
    pub example: Option<serde_json::Value>,
}

/// A status the operation declares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class of codes: `4` for `4XX`.
    Range(u16),
    /// Every status not otherwise declared.
    Default,
}

/// A success response.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseCase {
    /// The declared status.
    pub status: StatusMatch,
    /// Body type; `None` when the response has no JSON body.
    pub ty: Option<TypeRef>,
    /// A body that is not JSON, kept as text or bytes.
    pub raw: Option<RawBody>,
    /// The events of a `text/event-stream` alternative, if the response offers one.
    pub stream: Option<EventStream>,
    /// The response description.
    pub docs: Option<String>,
}

/// A non-JSON response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RawBody {
    /// `text/*`: a `String`.
    Text,
    /// Anything else (binary, audio, images): bytes.
    Bytes,
}

/// A `text/event-stream` response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStream {
    /// Type of one event.
    pub ty: TypeRef,
    /// Whether `ty` describes the whole event (`data`, `event`, `id` fields) rather than its data.
    pub envelope: bool,
    /// The `data` value that ends the stream (`[DONE]`).
    pub sentinel: Option<String>,
}

/// An error response mapped to a typed error variant.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorCase {
    /// The declared status, range or default.
    pub status: StatusMatch,
    /// Variant name in the operation's error enum (`NotFound`).
    pub variant: String,
    /// Body type; `None` when the response has no JSON body.
    pub ty: Option<TypeRef>,
    /// The response description.
    pub docs: Option<String>,
}

/// Pagination (`x-speakeasy-pagination`). Lowering checks everything the emitter
/// relies on: the success body is a struct, `results_field` is one of its array
/// fields, and the parameters and fields named here exist with usable types.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// How the next page is asked for.
    pub kind: PaginationKind,
    /// Field of the response that holds the items (`data` for `$.data`): a
    /// top-level array field of the success body's struct.
    pub results_field: String,
    /// The above resolved against the operation and its types, by analysis:
    /// what the emitter prints. Derived from the rest of the IR, so left out
    /// of snapshots; an operation whose pagination cannot be resolved has none.
    #[serde(skip)]
    pub plan: Option<PagingPlan>,
}

/// A pagination resolved to the builder's fields and the page's fields.
#[derive(Debug, Clone)]
pub struct PagingPlan {
    /// The page: the success body's struct (its Rust name).
    pub page: String,
    /// The page's field holding the items.
    pub items: Field,
    /// The type of one item.
    pub item: TypeRef,
    /// How the next page is asked for.
    pub next: NextPage,
}

/// How the next page is asked for, resolved.
#[derive(Debug, Clone)]
pub enum NextPage {
    /// By offset: the builder's optional integer field, and the page's total-count field if any.
    Offset {
        /// The offset parameter's field on the builder.
        param: RustName,
        /// `32` for an `i32` offset, else `64`.
        bits: u8,
        /// The page's integer field with the total number of items.
        total: Option<Field>,
    },
    /// By cursor: the builder's optional string field, and the page's next-cursor field.
    Cursor {
        /// The cursor parameter's name on the wire.
        param_name: String,
        /// Its field on the builder.
        param: RustName,
        /// The page's string field with the next cursor.
        next: Field,
    },
}

/// How an operation asks for the next page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PaginationKind {
    /// `type: offsetLimit`: the offset moves by the items received.
    OffsetLimit {
        /// Optional integer query parameter holding the offset.
        offset_param: String,
        /// Query parameter holding the page size.
        limit_param: String,
        /// Integer field of the response giving the total number of items
        /// (`total_count` or `total`), which ends the listing when reached.
        total_field: Option<String>,
    },
    /// `type: cursor`: each response names the cursor of the next request.
    Cursor {
        /// Optional string query parameter holding the cursor.
        cursor_param: String,
        /// String field of the response holding the next cursor (`cursor` for
        /// `nextCursor: $.cursor`); absent, null or empty on the last page.
        next_cursor_field: String,
    },
}

impl Pagination {
    /// The runtime feature that implements this kind of pagination.
    pub fn runtime_feature(&self) -> &'static str {
        match self.kind {
            PaginationKind::OffsetLimit { .. } => "pagination",
            PaginationKind::Cursor { .. } => "cursor-pagination",
        }
    }
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeRef {
    /// A UTF-8 string.
    String,
    /// A secret string: redacted in `Debug`.
    Secret,
    /// A signed 64-bit integer (or 32-bit, per `format`).
    Integer {
        /// `int32` gives `i32`, anything else `i64`.
        bits: u8,
    },
    /// A floating-point number.
    Number,
    /// A file (`format: binary`): bytes with a file name.
    Binary,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Any,
    /// A JSON array.
    Array(Box<TypeRef>),
    /// A JSON object used as a map from string keys.
    Map(Box<TypeRef>),
    /// A named struct or enum (its Rust name).
    Named(String),
}

/// A named type.
#[derive(Debug, Clone, Serialize)]
pub enum TypeDef {
    /// An object schema.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
    /// A `oneOf`/`anyOf` union.
    Union(Union),
}

impl TypeDef {
    /// The Rust name of the type.
    pub fn rust_name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.rust_name,
            TypeDef::Enum(e) => &e.rust_name,
            TypeDef::Union(u) => &u.rust_name,
        }
    }
}

/// A value that is one of several types (`oneOf`/`anyOf`).
#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// Name in the document: the component's key, or for an inline schema the
    /// name derived for it (its Rust name).
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Description.
    pub docs: Option<String>,
    /// The property whose value tells the variants apart (`discriminator`, or a
    /// property every variant fixes to a different constant); `None`: the first
    /// variant that decodes wins.
    pub tag: Option<String>,
    /// The variants, in document order.
    pub variants: Vec<UnionVariant>,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Name of the variant that keeps a value no variant accepts (`Unknown`, or
    /// another name when a variant is already called that); `None` when there is
    /// none: an untagged union with a variant of any JSON value, which takes
    /// everything. Decided by analysis (`analyse::catch_all`).
    pub catch_all: Option<String>,
}

/// One variant of a union.
#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// The variant's type.
    pub ty: TypeRef,
    /// The tag property's value for this variant, in a tagged union.
    pub tag_value: Option<String>,
    /// Whether the value is held in a `Box`: its type leads back to the union
    /// through values held inline, a cycle the type could not otherwise hold.
    /// Decided by analysis (`analyse::cycles`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
}

/// A struct generated from an object schema.
#[derive(Debug, Clone, Serialize)]
pub struct Struct {
    /// Name in the document: the component's key (`BYOKKey`), or for an inline
    /// schema, which has none, the name derived for it (its Rust name).
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// The schema description.
    pub docs: Option<String>,
    /// Fields, in document order.
    pub fields: Vec<Field>,
    /// Type of extra properties, when `additionalProperties` allows them.
    pub additional: Option<TypeRef>,
    /// JSON pointer of the schema.
    pub pointer: String,
}

/// How a field may appear on the wire; the four cases are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Presence {
    /// Always present, never null.
    Required,
    /// Always present, may be null.
    RequiredNullable,
    /// May be absent, never null.
    Optional,
    /// May be absent, null or a value: three states.
    OptionalNullable,
}

/// A struct field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Property name on the wire.
    pub name: String,
    /// Rust identifier (keywords escaped).
    pub rust_name: RustName,
    /// Field type (without the optional/nullable wrapper).
    pub ty: TypeRef,
    /// Required / nullable kind.
    pub presence: Presence,
    /// Description.
    pub docs: Option<String>,
    /// Whether the value is a secret (`writeOnly` or `format: password`).
    pub sensitive: bool,
    /// The only value allowed (`const`), if any.
    pub const_value: Option<serde_json::Value>,
    /// Validation rules.
    pub constraints: Constraints,
    /// Whether the field is deprecated.
    pub deprecated: bool,
    /// Whether the value is held in a `Box`: its type leads back to the struct
    /// through values held inline, a cycle the type could not otherwise hold.
    /// Decided by analysis (`analyse::cycles`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
}

/// Validation rules taken from a schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// Inclusive lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Inclusive upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Whether `minimum` is exclusive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    /// Whether `maximum` is exclusive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    /// Shortest string, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Longest string, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Regular expression the string must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Fewest array items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    /// Most array items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    /// Rules for each array item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Constraints>>,
    /// Whether the string must be a UUID (`format: uuid`; checked on parameters,
    /// where a malformed identifier would address the wrong resource).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uuid: bool,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Adds the rules of `other` this one does not state (`allOf` members refining one type).
    pub fn refine(&mut self, other: &Constraints) {
        if self.minimum.is_none() && other.minimum.is_some() {
            (self.minimum, self.exclusive_minimum) = (other.minimum, other.exclusive_minimum);
        }
        if self.maximum.is_none() && other.maximum.is_some() {
            (self.maximum, self.exclusive_maximum) = (other.maximum, other.exclusive_maximum);
        }
        self.min_length = self.min_length.or(other.min_length);
        self.max_length = self.max_length.or(other.max_length);
        self.pattern = self.pattern.take().or_else(|| other.pattern.clone());
        self.min_items = self.min_items.or(other.min_items);
        self.max_items = self.max_items.or(other.max_items);
        if self.items.is_none() {
            self.items = other.items.clone();
        }
        self.uuid |= other.uuid;
    }
}

/// A string enum; open to values added later (its `catch_all` variant holds
/// them), unless it is a constant tag (`constant`).
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Name in the document: the component's key, or for an inline schema the
    /// name derived for it (its Rust name).
    pub name: String,
    /// Rust type name.
    pub rust_name: String,
    /// Description.
    pub docs: Option<String>,
    /// Known values, in document order.
    pub variants: Vec<EnumVariant>,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Name of the variant that keeps a value this SDK does not know (`Unknown`,
    /// or another name when a known value already has that one). Decided by
    /// analysis (`analyse::catch_all`).
    pub catch_all: String,
    /// Whether the enum is a constant tag: its one value is fixed, so it is a
    /// zero-sized marker type that holds (and decodes) only that value, and
    /// that fields of it do not ask for. Decided by analysis (`analyse::constants`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub constant: bool,
}

/// One known enum value.
#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    /// Value on the wire.
    pub value: String,
    /// Rust variant name.
    pub rust_name: String,
}

/// Which operations to keep: by tag or by operation id (either matching keeps one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Tags to keep (as written in the document, case-insensitive).
    pub tags: Vec<String>,
    /// Operation ids to keep (exact).
    pub operations: Vec<String>,
}

impl Filter {
    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty()
    }

    fn keeps(&self, group: &Group, op: &Operation) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(&group.tag)) || self.operations.contains(&op.id)
    }
}

impl TypeRef {
    /// Replaces every mention of the named types in `names` by `with`.
    pub fn replace_named(&mut self, names: &std::collections::BTreeSet<String>, with: &TypeRef) {
        match self {
            TypeRef::Named(n) if names.contains(n.as_str()) => *self = with.clone(),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.replace_named(names, with),
            _ => {}
        }
    }

    /// Names of the named types this reference mentions.
    fn named<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            TypeRef::Named(n) => out.push(n),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.named(out),
            _ => {}
        }
    }
}

impl Api {
    /// The retry policy the client starts with, and whether the document declared it.
    pub fn default_retry(&self) -> (RetryPolicy, bool) {
        match &self.retry {
            Some(policy) => (policy.clone(), true),
            None => (RetryPolicy::conservative(), false),
        }
    }

    /// The named type whose Rust name is `name`, without scanning `types`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        let index = self.type_index.get_or_init(|| self.types.iter().enumerate().map(|(i, t)| (t.rust_name().to_string(), i)).collect());
        match index.get(name).and_then(|&i| self.types.get(i)) {
            Some(t) if t.rust_name() == name => Some(t),
            // `types` was changed after the index was built: look it up directly.
            _ => self.types.iter().find(|t| t.rust_name() == name),
        }
    }

    /// The struct whose Rust name is `name`, if that type is a struct.
    pub fn struct_def(&self, name: &str) -> Option<&Struct> {
        match self.type_def(name) {
            Some(TypeDef::Struct(s)) => Some(s),
            _ => None,
        }
    }

    /// Replaces every mention of the named types in `names` by `with`, in
    /// operations, global headers and type definitions.
    pub fn replace_named(&mut self, names: &std::collections::BTreeSet<String>, with: &TypeRef) {
        let params = self.global_headers.iter_mut().chain(self.groups.iter_mut().flat_map(|g| g.operations.iter_mut().flat_map(|o| o.params.iter_mut())));
        for p in params {
            p.ty.replace_named(names, with);
        }
        for op in self.groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
            if let Some(b) = &mut op.body {
                b.ty.replace_named(names, with);
            }
            for s in &mut op.success {
                s.ty.iter_mut().chain(s.stream.as_mut().map(|e| &mut e.ty)).for_each(|t| t.replace_named(names, with));
            }
            for e in &mut op.errors {
                e.ty.iter_mut().for_each(|t| t.replace_named(names, with));
            }
        }
        for def in &mut self.types {
            match def {
                TypeDef::Struct(s) => {
                    s.fields.iter_mut().map(|f| &mut f.ty).chain(s.additional.as_mut()).for_each(|t| t.replace_named(names, with));
                }
                TypeDef::Union(u) => u.variants.iter_mut().for_each(|v| v.ty.replace_named(names, with)),
                TypeDef::Enum(_) => {}
            }
        }
    }

    /// The named types something mentions: a parameter, a body, a response, an
    /// event, a struct field or a union variant.
    pub fn named_types(&self) -> std::collections::BTreeSet<String> {
        let mut out: Vec<&str> = Vec::new();
        let params = self.global_headers.iter().chain(self.groups.iter().flat_map(|g| g.operations.iter().flat_map(|o| o.params.iter())));
        for p in params {
            p.ty.named(&mut out);
        }
        for op in self.groups.iter().flat_map(|g| g.operations.iter()) {
            let success = op.success.iter().flat_map(|s| s.ty.iter().chain(s.stream.as_ref().map(|e| &e.ty)));
            for t in op.body.as_ref().map(|b| &b.ty).into_iter().chain(success).chain(op.errors.iter().filter_map(|e| e.ty.as_ref())) {
                t.named(&mut out);
            }
        }
        for def in &self.types {
            match def {
                TypeDef::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(&s.additional).for_each(|t| t.named(&mut out)),
                TypeDef::Union(u) => u.variants.iter().for_each(|v| v.ty.named(&mut out)),
                TypeDef::Enum(_) => {}
            }
        }
        out.into_iter().map(str::to_string).collect()
    }

    /// Keeps the operations the filter selects and the types they use, directly
    /// or through other types; empty groups are dropped.
    pub fn filter(&mut self, filter: &Filter) {
        if filter.is_empty() {
            return;
        }
        for group in &mut self.groups {
            let keep: Vec<bool> = group.operations.iter().map(|op| filter.keeps(group, op)).collect();
            let mut keep = keep.into_iter();
            group.operations.retain(|_| keep.next().unwrap_or(false));
        }
        self.groups.retain(|g| !g.operations.is_empty());

        let mut roots: Vec<&str> = Vec::new();
        let params = self.global_headers.iter().chain(self.groups.iter().flat_map(|g| g.operations.iter().flat_map(|o| o.params.iter())));
        for p in params {
            p.ty.named(&mut roots);
        }
        for op in self.groups.iter().flat_map(|g| g.operations.iter()) {
            if let Some(b) = &op.body {
                b.ty.named(&mut roots);
            }
            for t in op.success.iter().filter_map(|s| s.ty.as_ref()).chain(op.errors.iter().filter_map(|e| e.ty.as_ref())) {
                t.named(&mut roots);
            }
            // The events of a server-sent-event response are types of the operation too.
            for stream in op.success.iter().filter_map(|s| s.stream.as_ref()) {
                stream.ty.named(&mut roots);
            }
        }
        let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut pending: Vec<String> = roots.into_iter().map(str::to_string).collect();
        while let Some(name) = pending.pop() {
            if !used.insert(name.clone()) {
                continue;
            }
            let mut next = Vec::new();
            match self.type_def(&name) {
                Some(TypeDef::Struct(s)) => {
                    for f in &s.fields {
                        f.ty.named(&mut next);
                    }
                    if let Some(a) = &s.additional {
                        a.named(&mut next);
                    }
                }
                Some(TypeDef::Union(u)) => {
                    for v in &u.variants {
                        v.ty.named(&mut next);
                    }
                }
                Some(TypeDef::Enum(_)) | None => {}
            }
            pending.extend(next.into_iter().map(str::to_string));
        }
        self.types.retain(|t| used.contains(t.rust_name()));
        self.type_index = Default::default();
    }
}

#[cfg(test)]
mod tests {
    use super::{HttpMethod, PathSegment, PathTemplate};

    #[test]
    fn path_templates_are_parsed_once_into_literals_and_parameters() {
        let template = PathTemplate::parse("/byok/{id}/keys/{key_id}.json");
        assert_eq!(
            template.segments(),
            [
                PathSegment::Literal("/byok/".into()),
                PathSegment::Param("id".into()),
                PathSegment::Literal("/keys/".into()),
                PathSegment::Param("key_id".into()),
                PathSegment::Literal(".json".into()),
            ]
        );
        assert_eq!(template.params().collect::<Vec<_>>(), ["id", "key_id"]);
        assert_eq!(template.to_string(), "/byok/{id}/keys/{key_id}.json");
        assert!(!PathTemplate::parse("/byok").has_params());
        // An unclosed brace is text, not a parameter.
        assert_eq!(PathTemplate::parse("/a{b").segments(), [PathSegment::Literal("/a{b".into())]);
        assert_eq!(serde_json::to_value(&template).unwrap(), serde_json::json!("/byok/{id}/keys/{key_id}.json"));
    }

    #[test]
    fn methods_parse_from_path_item_keys_and_print_upper_case() {
        assert_eq!(HttpMethod::parse("get"), Some(HttpMethod::Get));
        assert_eq!(HttpMethod::parse("PATCH"), Some(HttpMethod::Patch));
        assert_eq!(HttpMethod::parse("fetch"), None);
        assert_eq!(HttpMethod::Delete.to_string(), "DELETE");
        assert_eq!(serde_json::to_value(HttpMethod::Post).unwrap(), serde_json::json!("POST"));
    }
}
