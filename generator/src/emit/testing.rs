//! `src/testing.rs`: typed mocks of the API for the users' own tests, behind
//! the crate's Cargo feature `testing` (which brings in wiremock).
//!
//! A `MockServer` wraps wiremock's and has one accessor per group, like the
//! client; each operation gets an expectation builder that matches its method
//! and path (each path parameter given or `Any`) and answers with the typed
//! success body, or a declared error status with its typed body.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::rust_type;
use crate::analyse::{WireText, wire_text};
use crate::ir::{Api, ErrorCase, Group, Operation, ParamLocation, PathSegment, RawBody, ResponseCase, StatusMatch, TypeRef};
use crate::names::ident;

/// Methods of the generated `MockServer`: a group accessor of the same name
/// gets the suffix `_api` on the mock server (the client keeps its own name).
const SERVER_METHODS: &[&str] = &["start", "uri", "client", "client_builder", "verify", "reset", "received_requests", "wiremock", "fmt"];

/// The accessor of `group` on the mock server.
fn accessor(group: &Group) -> proc_macro2::Ident {
    if SERVER_METHODS.contains(&group.accessor.bare()) {
        format_ident!("{}_api", group.accessor.bare())
    } else {
        ident(&group.accessor)
    }
}

fn mocks_name(group: &Group) -> proc_macro2::Ident {
    format_ident!("{}Mocks", group.type_name)
}

fn mock_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Mock", op.type_stem)
}

/// `src/testing.rs`.
/// `features`: the runtime features the API uses (the mocks' machinery is there with `operations`).
pub fn testing_rs(api: &Api, features: &BTreeSet<&str>) -> TokenStream {
    // With several tags, each group's mocks are behind its feature, as its operations are.
    let gates = super::group_gates(api);
    let accessors = api.groups.iter().zip(&gates).map(|(g, gate)| {
        let m = ident(&g.module);
        let a = accessor(g);
        let handle = mocks_name(g);
        let d = format!(" Mocks of the operations tagged `{}` (those of [`Client::{}`]).", g.tag, g.accessor.bare());
        quote! {
            #[doc = #d]
            #gate
            pub fn #a(&self) -> #m::#handle<'_> {
                #m::#handle { server: self }
            }
        }
    });
    let groups = api.groups.iter().zip(&gates).map(|(g, gate)| {
        let module = group_module(g);
        quote!(#gate #module)
    });
    let enum_values = path_enum_conversions(api);
    // The runtime's part of the mocks, vendored when the API has operations.
    let machinery = features.contains("operations").then(|| quote!(pub use crate::runtime::testing::{Any, MockExpectation, PathValue};));
    quote! {
        //! Typed mocks of the API, for testing code that uses this client without
        //! a real server (Cargo feature `testing`).
        //!
        //! [`MockServer::start`] starts a local server; [`MockServer::client`] is a
        //! client configured against it. Each operation has an expectation builder,
        //! grouped like the client's: it matches the operation's method and path,
        //! answers with a typed body (or a declared error status with its typed
        //! body), and can require a number of calls, checked by
        //! [`MockServer::verify`] and when the server is dropped.

        use crate::{Client, ClientBuilder, RetryPolicy};
        #machinery

        /// The API key of [`MockServer::client`].
        pub const TEST_API_KEY: &str = "test-api-key";

        /// A local mock server of the API, with typed expectations for each
        /// operation. Expectations are checked when it is dropped (a test whose
        /// expected calls did not all arrive panics), or earlier by [`MockServer::verify`].
        #[derive(Debug)]
        pub struct MockServer {
            server: wiremock::MockServer,
        }

        impl MockServer {
            /// Starts a mock server on a free loopback port.
            pub async fn start() -> Self {
                MockServer { server: wiremock::MockServer::start().await }
            }

            /// The server's base URL (`http://127.0.0.1:<port>`).
            pub fn uri(&self) -> String {
                self.server.uri()
            }

            /// A client builder set up for this server: its base URL, the key
            /// [`TEST_API_KEY`] and no retries (each mocked answer is the call's
            /// result). Add hooks or other settings, then build it.
            pub fn client_builder(&self) -> ClientBuilder {
                Client::builder().base_url(self.uri()).api_key(TEST_API_KEY).retry_policy(RetryPolicy::none())
            }

            /// A client for this server (see [`MockServer::client_builder`]).
            pub fn client(&self) -> Client {
                self.client_builder().build().expect("a client for the mock server builds")
            }

            /// Checks now that every expectation got the calls it requires;
            /// panics naming those that did not.
            pub async fn verify(&self) {
                self.server.verify().await;
            }

            /// Removes every mock and forgets the requests received.
            pub async fn reset(&self) {
                self.server.reset().await;
            }

            /// The requests received so far, in order.
            pub async fn received_requests(&self) -> Vec<wiremock::Request> {
                self.server.received_requests().await.unwrap_or_default()
            }

            /// The underlying wiremock server, for anything the typed mocks do not cover.
            pub fn wiremock(&self) -> &wiremock::MockServer {
                &self.server
            }

            #(#accessors)*
        }

        #enum_values

        #(#groups)*
    }
}

/// `PathValue` from each string enum used as a path parameter, by its wire value.
fn path_enum_conversions(api: &Api) -> TokenStream {
    let mut enums = BTreeSet::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for p in op.params.iter().filter(|p| p.location == ParamLocation::Path) {
            if let (TypeRef::Named(name), WireText::Enum) = (&p.ty, wire_text(api, &p.ty)) {
                enums.insert(name.clone());
            }
        }
    }
    let gates = crate::analyse::type_features(api);
    let impls = enums.iter().map(|name| {
        let ty = rust_type(&TypeRef::Named(name.clone()));
        let gate = gates.get(name).map(super::feature_gate);
        quote! {
            #gate
            impl From<#ty> for PathValue {
                fn from(value: #ty) -> Self {
                    PathValue::Is(value.as_str().to_string())
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// `pub mod <group> { … }`: the group's handle and one mock builder per operation.
fn group_module(group: &Group) -> TokenStream {
    let m = ident(&group.module);
    let handle = mocks_name(group);
    let client_handle = ident(&group.type_name);
    let module_doc = format!(" Mocks of the operations tagged `{}`.", group.tag);
    let handle_doc = format!(
        " Mocks of the operations tagged `{}`, one method per operation of [`{}`](crate::{m}::{client_handle}); get it from [`MockServer::{}`].",
        group.tag,
        group.type_name,
        accessor(group)
    );
    let methods = group.operations.iter().map(|op| mock_method(group, op));
    let path_value = group.operations.iter().any(|op| !path_params(op).is_empty()).then(|| quote!(use super::PathValue;));
    let (mocks, methods_answer): (Vec<TokenStream>, Vec<bool>) = group.operations.iter().map(|op| mock_builder(group, op)).unzip();
    // Answers written as methods here name `MockExpectation`; those of `operation_mock!` do not.
    let imports = if methods_answer.contains(&true) { quote!(use super::{MockExpectation, MockServer};) } else { quote!(use super::MockServer;) };
    quote! {
        #[doc = #module_doc]
        pub mod #m {
            #imports
            use crate::runtime::testing::Route;
            #path_value

            #[doc = #handle_doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'a> {
                pub(super) server: &'a MockServer,
            }

            impl<'a> #handle<'a> {
                #(#methods)*
            }

            #(#mocks)*
        }
    }
}

/// The path parameters of `op` in template order, as the client fills them in.
fn path_params(op: &Operation) -> Vec<&crate::ir::Param> {
    op.path
        .params()
        .filter_map(|name| op.params.iter().find(|p| p.location == ParamLocation::Path && p.name == name))
        .collect()
}

/// The path parameters of `op` that its path template uses, in the order the
/// client method takes them (the document's).
fn declared_path_params(op: &Operation) -> Vec<&crate::ir::Param> {
    op.params.iter().filter(|p| p.location == ParamLocation::Path && op.path.params().any(|name| name == p.name)).collect()
}

/// The method of the group handle that starts a mock of `op`.
fn mock_method(group: &Group, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let mock = mock_name(op);
    // Arguments in the client method's order; the matcher takes the values in the template's.
    let params = path_params(op);
    let declared = declared_path_params(op);
    let args = declared.iter().map(|p| {
        let n = ident(&p.rust_name);
        quote!(#n: impl Into<PathValue>)
    });
    let values = params.iter().enumerate().map(|(i, p)| {
        let n = ident(&p.rust_name);
        // A placeholder that appears again later is matched by a copy.
        if params[i + 1..].iter().any(|later| later.name == p.name) {
            quote!(PathValue::clone(&#n))
        } else {
            quote!(#n)
        }
    });
    let conversions = declared.iter().map(|p| {
        let n = ident(&p.rust_name);
        quote!(let #n: PathValue = #n.into();)
    });
    // The path's literal text between the parameters the client fills in
    // (a placeholder without a parameter is left out, as the client does).
    let mut literals = vec![String::new()];
    for segment in op.path.segments() {
        match segment {
            PathSegment::Literal(text) => literals.last_mut().expect("one literal at least").push_str(text),
            PathSegment::Param(name) if params.iter().any(|p| &p.name == name) => literals.push(String::new()),
            PathSegment::Param(_) => {}
        }
    }
    let method = op.http_method.as_str();
    let names: Vec<String> = declared.iter().map(|p| format!("`{}`", p.rust_name.bare())).collect();
    let which = if names.is_empty() { String::new() } else { format!(" with this {} (or [`Any`](super::Any))", names.join(", ")) };
    let d = format!(
        " Mocks [`{}::{}`](crate::{}::{}::{}): `{method} {}`{which}. Choose its answer next.",
        group.type_name,
        op.method_name.bare(),
        group.module.bare(),
        group.type_name,
        op.method_name.bare(),
        op.path.as_str()
    );
    quote! {
        #[doc = #d]
        pub fn #name(&self, #(#args),*) -> #mock<'a> {
            #(#conversions)*
            #mock { route: Route::new(&self.server.server, #method, &[#(#literals),*], vec![#(#values),*]) }
        }
    }
}

/// The status a typed success answer is sent with.
fn success_status(case: &ResponseCase) -> u16 {
    match case.status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(_) | StatusMatch::Default => 200,
    }
}

/// The mock builder of one operation: `and`, the typed answers and the raw one;
/// and whether some answer is a method written here.
fn mock_builder(group: &Group, op: &Operation) -> (TokenStream, bool) {
    let mock = mock_name(op);
    let doc = format!(
        " A mock of `{}` (`{} {}`): add matchers with [`{mock}::and`], then choose its answer.",
        op.id,
        op.http_method,
        op.path.as_str()
    );
    let error_enum = format!("crate::{}::{}Error", group.module.bare(), op.type_stem);
    let answers: Vec<Answer> = std::iter::once(success_answer(op))
        .chain(std::iter::once(Answer::Method(events_answer(op))))
        .chain(op.errors.iter().map(|case| error_answer(case, &error_enum)))
        .collect();
    // A JSON body at a fixed status, most answers, is one line of `operation_mock!`'s `Answers`.
    let json = answers.iter().filter_map(|a| match a {
        Answer::Json { doc, name, ty, status } => {
            let status = proc_macro2::Literal::u16_unsuffixed(*status);
            Some(quote!(#[doc = #doc] #name(#ty) = #status))
        }
        Answer::Method(_) => None,
    });
    let json = quote!(#(#json),*);
    let json = (!json.is_empty()).then(|| quote!(enum Answers { #json }));
    let methods: TokenStream = answers.into_iter().filter_map(|a| if let Answer::Method(m) = a { Some(m) } else { None }).collect();
    let has_methods = !methods.is_empty();
    let methods = has_methods.then(|| quote!(impl<'a> #mock<'a> { #methods }));
    let mock = quote! {
        crate::runtime::operation_mock! {
            #[doc = #doc]
            pub struct #mock;
            #json
        }

        #methods
    };
    (mock, has_methods)
}

/// A typed answer of a mock: a JSON body at a fixed status (an `Answers`
/// line of `operation_mock!`), or any other, as a method.
enum Answer {
    Json { doc: String, name: proc_macro2::Ident, ty: TokenStream, status: u16 },
    Method(TokenStream),
}

/// What a typed success answer of an operation sends.
enum SuccessKind<'o> {
    /// A JSON body of the case's type.
    Json(&'o ResponseCase),
    /// Text.
    Text(&'o ResponseCase),
    /// Bytes.
    Bytes(&'o ResponseCase),
    /// Only a stream of events: no typed answer (`respond_with_raw` sends one).
    Stream,
    /// No body, with this status.
    Empty(u16),
}

fn success_kind(op: &Operation) -> SuccessKind<'_> {
    if let Some(case) = op.success.iter().find(|s| s.ty.is_some()) {
        return SuccessKind::Json(case);
    }
    if let Some(case) = op.success.iter().find(|s| s.raw.is_some()) {
        return if case.raw == Some(RawBody::Text) { SuccessKind::Text(case) } else { SuccessKind::Bytes(case) };
    }
    if op.success.iter().any(|s| s.stream.is_some()) {
        return SuccessKind::Stream;
    }
    SuccessKind::Empty(op.success.first().map_or(200, success_status))
}

/// `respond_with(body)` (or `respond()` without a body) for the operation's success.
fn success_answer(op: &Operation) -> Answer {
    Answer::Method(match success_kind(op) {
        SuccessKind::Json(case) => {
            let ty = case.ty.as_ref().map(rust_type).unwrap_or_default();
            let status = success_status(case);
            let doc = format!(" Answers HTTP {status} with `body` as JSON: the call returns it.");
            return Answer::Json { doc, name: format_ident!("respond_with"), ty, status };
        }
        SuccessKind::Text(case) => {
            let status = success_status(case);
            let d = format!(" Answers HTTP {status} with `body` as text: the call returns it.");
            quote! {
                #[doc = #d]
                pub fn respond_with(self, body: impl Into<String>) -> MockExpectation<'a> {
                    self.route.raw(#status, "text/plain; charset=utf-8", body.into().into_bytes())
                }
            }
        }
        SuccessKind::Bytes(case) => {
            let status = success_status(case);
            let d = format!(" Answers HTTP {status} with `body` as bytes: the call returns them.");
            quote! {
                #[doc = #d]
                pub fn respond_with(self, body: impl Into<Vec<u8>>) -> MockExpectation<'a> {
                    self.route.raw(#status, "application/octet-stream", body.into())
                }
            }
        }
        SuccessKind::Stream => TokenStream::new(),
        SuccessKind::Empty(status) => {
            let d = format!(" Answers HTTP {status} without a body: the call succeeds.");
            quote! {
                #[doc = #d]
                pub fn respond(self) -> MockExpectation<'a> {
                    self.route.empty(#status)
                }
            }
        }
    })
}

/// `respond_with_events(events)` for an operation that streams server-sent events
/// of a type that is the events' data (not a whole-event envelope): each event
/// as one `data:` line of JSON, then the stream's end marker if it has one.
fn events_answer(op: &Operation) -> TokenStream {
    let Some((case, stream)) = op.success.iter().find_map(|s| s.stream.as_ref().map(|e| (s, e))) else { return TokenStream::new() };
    if stream.envelope {
        return TokenStream::new();
    }
    let ty = rust_type(&stream.ty);
    let status = success_status(case);
    let end = stream.sentinel.as_ref().map(|sentinel| {
        let line = format!("data: {sentinel}\n\n");
        quote!(body.push_str(#line);)
    });
    let d = format!(
        " Answers HTTP {status} with `events` as a stream of server-sent events (`text/event-stream`){}: `send_stream()` yields them.",
        stream.sentinel.as_ref().map(|s| format!(", ended by `{s}`")).unwrap_or_default()
    );
    quote! {
        #[doc = #d]
        pub fn respond_with_events(self, events: impl IntoIterator<Item = #ty>) -> MockExpectation<'a> {
            let mut body = String::new();
            for event in events {
                let data = serde_json::to_string(&event).expect("the event serialises to JSON");
                body.push_str("data: ");
                body.push_str(&data);
                body.push_str("\n\n");
            }
            #end
            self.route.raw(#status, "text/event-stream", body.into_bytes())
        }
    }
}

/// `fail_with_<variant>(…)`: the declared error answer `case`.
fn error_answer(case: &ErrorCase, error_enum: &str) -> Answer {
    let name = format_ident!("fail_with_{}", case.variant.to_snake_case());
    let variant = format!("[`{}::{}`]({error_enum}::{})", error_enum.rsplit("::").next().unwrap_or_default(), case.variant, case.variant);
    let (status_arg, status, said) = match case.status {
        StatusMatch::Code(code) => (None, quote!(#code), format!("HTTP {code}")),
        StatusMatch::Range(class) => (Some(quote!(status: u16,)), quote!(status), format!("`status` (a {class}XX status)")),
        StatusMatch::Default => (Some(quote!(status: u16,)), quote!(status), "`status` (one the operation does not declare otherwise)".to_string()),
    };
    match &case.ty {
        Some(ty) => {
            let ty = rust_type(ty);
            let d = format!(" Answers {said} with `body` as JSON: the call fails with {variant}.");
            if let StatusMatch::Code(code) = case.status {
                return Answer::Json { doc: d, name, ty, status: code };
            }
            Answer::Method(quote! {
                #[doc = #d]
                pub fn #name(self, #status_arg body: #ty) -> MockExpectation<'a> {
                    self.route.json(#status, &body)
                }
            })
        }
        None => {
            let d = format!(" Answers {said} without a body: the call fails with {variant}.");
            Answer::Method(quote! {
                #[doc = #d]
                pub fn #name(self, #status_arg) -> MockExpectation<'a> {
                    self.route.empty(#status)
                }
            })
        }
    }
}

/// A JSON value of type `ty` that decodes, made up from the types: the required
/// fields of structs (nullable ones `null`), the first value of enums, empty
/// arrays and maps. `None` where none can be made up safely (unions, files,
/// types nested too deep). For the README's example of the testing module.
pub fn sample_json(api: &Api, ty: &TypeRef, depth: usize) -> Option<serde_json::Value> {
    use serde_json::{Value, json};
    if depth > 8 {
        return None;
    }
    Some(match ty {
        TypeRef::String => json!("example"),
        TypeRef::Secret => json!("secret"),
        TypeRef::Integer { .. } => json!(1),
        TypeRef::Number => json!(1.5),
        TypeRef::Boolean => json!(true),
        TypeRef::Any => Value::Null,
        TypeRef::Binary => return None,
        TypeRef::Array(_) => json!([]),
        TypeRef::Map(_) => json!({}),
        TypeRef::Named(name) => match api.type_def(name)? {
            crate::ir::TypeDef::Enum(e) => json!(e.variants.first()?.value),
            crate::ir::TypeDef::Union(_) => return None,
            crate::ir::TypeDef::Struct(s) => {
                let mut object = serde_json::Map::new();
                for f in &s.fields {
                    let value = match (&f.const_value, f.presence) {
                        (Some(value), _) => value.clone(),
                        (None, crate::ir::Presence::Required) => sample_json(api, &f.ty, depth + 1)?,
                        (None, crate::ir::Presence::RequiredNullable) => Value::Null,
                        (None, _) => continue,
                    };
                    object.insert(f.name.clone(), value);
                }
                Value::Object(object)
            }
        },
    })
}

/// The body of the README's example of the testing module (a `main` that runs
/// under the feature), for an operation whose required arguments are all path
/// strings and whose success body can be made up; `None` when no operation fits.
pub fn readme_example(api: &Api, crate_ident: &str) -> Option<String> {
    let (group, op, success) = api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o))).find_map(|(g, o)| {
        let simple = o.body.as_ref().is_none_or(|b| !b.required)
            && o.params.iter().filter(|p| p.required).all(|p| p.location == ParamLocation::Path && p.ty == TypeRef::String);
        let SuccessKind::Json(case) = success_kind(o) else { return None };
        let ty = case.ty.as_ref()?;
        let sample = sample_json(api, ty, 0)?;
        (simple && matches!(ty, TypeRef::Named(_))).then_some((g, o, (ty, sample)))
    })?;
    let params = declared_path_params(op);
    let values: Vec<String> = params
        .iter()
        .map(|p| match &p.example {
            Some(serde_json::Value::String(s)) if !s.is_empty() && !s.contains(['"', '\\']) => format!("{s:?}"),
            _ if p.constraints.uuid => "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"".to_string(),
            _ => "\"example\"".to_string(),
        })
        .collect();
    let args = values.join(", ");
    let any = vec!["Any"; values.len()].join(", ");
    let accessor_server = accessor(group);
    let (g, m) = (group.accessor.bare(), op.method_name.bare());
    let ty = match success.0 {
        TypeRef::Named(name) => name.clone(),
        _ => return None,
    };
    let sample = serde_json::to_string_pretty(&success.1).ok()?;
    let mut lines = vec![
        String::new(),
        format!("use {crate_ident}::models::{ty};"),
        String::new(),
        "// A local server; `mock.client()` is a client configured against it.".to_string(),
        "let mock = MockServer::start().await;".to_string(),
        format!("let body: {ty} = serde_json::from_value(serde_json::json!({sample}))?;"),
        format!("// `{} {}` answers with `body`, and must be called exactly once.", op.http_method, op.path),
        format!("mock.{accessor_server}().{m}({args}).respond_with(body.clone()).expect(1).await;"),
        String::new(),
        "let client = mock.client();".to_string(),
        format!("assert_eq!(client.{g}().{m}({args}).await?, body);"),
    ];
    // A declared error status with its typed body, for any path parameter.
    let error = op.errors.iter().find_map(|e| match (&e.status, &e.ty) {
        (StatusMatch::Code(code), Some(ty @ TypeRef::Named(name))) => Some((*code, e, name, sample_json(api, ty, 0)?)),
        _ => None,
    });
    if let Some((code, case, name, sample)) = &error {
        let sample = serde_json::to_string_pretty(&sample).ok()?;
        let variant = &case.variant;
        let error_enum = format!("{}::{}Error", group.module.bare(), op.type_stem);
        lines.extend([
            String::new(),
            if params.is_empty() {
                "// A declared error status with its typed body.".to_string()
            } else {
                format!("// A declared error status with its typed body; any `{}` matches.", params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("`, `"))
            },
            "mock.reset().await;".to_string(),
            format!("let error: {crate_ident}::models::{name} = serde_json::from_value(serde_json::json!({sample}))?;"),
            format!("mock.{accessor_server}().{m}({any}).fail_with_{}(error).expect(1).await;", variant.to_snake_case()),
            format!("let failed = client.{g}().{m}({args}).await.unwrap_err();"),
            format!("assert!(matches!(failed, {crate_ident}::{error_enum}::{variant}(_)));"),
            format!("assert_eq!(failed.status().map(|s| s.as_u16()), Some({code}));"),
        ]);
    }
    lines.push("// Expected calls are checked when `mock` is dropped (or by `mock.verify().await`).".to_string());
    let any_used = error.is_some() && !params.is_empty();
    lines[0] = if any_used { format!("use {crate_ident}::testing::{{Any, MockServer}};") } else { format!("use {crate_ident}::testing::MockServer;") };
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::{readme_example, sample_json, testing_rs};
    use crate::ir::TypeRef;

    fn api(doc: serde_json::Value) -> crate::ir::Api {
        crate::lower_document(doc).expect("the test document lowers").0
    }

    /// One operation under the tag `verify` (a method of the mock server) whose
    /// path has a literal between parameters and after them.
    fn files_api() -> crate::ir::Api {
        api(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Files", "version": "1"},
            "paths": {"/files/{name}.json/{id}": {"get": {
                "operationId": "getFile",
                "tags": ["verify"],
                "parameters": [
                    {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/File"}}}},
                    "404": {"description": "missing"},
                    "4XX": {"description": "refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                }
            }}},
            "components": {"schemas": {
                "File": {"type": "object", "required": ["name", "size", "owner"], "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "integer"},
                    "owner": {"type": "string", "nullable": true},
                    "note": {"type": "string"}
                }},
                "Problem": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}
            }}
        }))
    }

    fn text(api: &crate::ir::Api) -> String {
        super::super::rust_text(testing_rs(api, &crate::analyse::runtime_features(api)), "src/testing.rs", &[]).expect("the testing module is valid Rust")
    }

    #[test]
    fn a_mock_matches_the_path_around_each_parameter_and_answers_each_declared_status() {
        let text = text(&files_api());
        // The literal text before, between and after the parameters.
        assert!(text.contains(r#"&["/files/", ".json/", ""]"#), "{text}");
        assert!(text.contains("name: impl Into<PathValue>") && text.contains("id: impl Into<PathValue>"), "{text}");
        // A group accessor named like a method of the mock server gets a suffix.
        assert!(text.contains("pub fn verify_api(&self) -> verify::VerifyApiMocks<'_>"), "{text}");
        assert!(text.contains("pub async fn verify(&self)"), "{text}");
        // The success body (an `Answers` line of `operation_mock!`, which writes the method),
        // a status without a body, and a range that takes its status.
        assert!(text.contains("enum Answers {\n            /// Answers HTTP 200 with `body` as JSON: the call returns it.\n            respond_with(crate::models::File) = 200,"), "{text}");
        assert!(text.contains("pub fn fail_with_not_found(self) -> MockExpectation<'a>"), "{text}");
        assert!(text.contains("status: u16,\n            body: crate::models::Problem,"), "{text}");
    }

    #[test]
    fn an_api_without_operations_gets_the_server_without_the_routing() {
        let api = api(serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}));
        let text = text(&api);
        assert!(text.contains("pub struct MockServer"), "{text}");
        assert!(!text.contains("struct Route"), "nothing would use it: {text}");
    }

    #[test]
    fn samples_hold_the_required_fields_and_null_for_required_nullable_ones() {
        let api = files_api();
        let sample = sample_json(&api, &TypeRef::Named("File".into()), 0);
        assert_eq!(sample, Some(serde_json::json!({"name": "example", "size": 1, "owner": null})));
        assert_eq!(sample_json(&api, &TypeRef::Binary, 0), None);
    }

    #[test]
    fn a_stream_of_event_data_gets_an_answer_that_ends_with_the_sentinel() {
        let api = api(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Ticks", "version": "1"},
            "paths": {"/ticks": {"get": {
                "operationId": "streamTicks",
                "responses": {"200": {"description": "ticks", "content": {"text/event-stream": {
                    "schema": {"$ref": "#/components/schemas/Tick"},
                    "x-speakeasy-sse-sentinel": "[DONE]"
                }}}}
            }}},
            "components": {"schemas": {"Tick": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}}}
        }));
        let text = text(&api);
        assert!(text.contains("events: impl IntoIterator<Item = crate::models::Tick>"), "{text}");
        assert!(text.contains(r#"body.push_str("data: [DONE]\n\n");"#), "{text}");
        assert!(text.contains(r#""text/event-stream""#), "{text}");
    }

    #[test]
    fn the_readme_example_needs_string_path_parameters_only() {
        // `id` is an integer: the example would have to make one up, so there is none.
        assert_eq!(readme_example(&files_api(), "files"), None);
    }
}
