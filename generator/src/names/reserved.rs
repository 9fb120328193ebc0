//! Names the generated crate gives its own items, which names taken from the
//! document must not take. Lowering renames a parameter, field, type or tag
//! that would land on one of these (with a warning naming its pointer); the
//! tests below emit a crate that uses every feature and check that each item
//! `emit` defines in these places is listed here, so the two cannot drift.
//!
//! Model types need no list: they live in `crate::models`, which defines
//! nothing else and names everything else by absolute path
//! (`::core::option::Option`, `crate::Nullable`), so a schema may be called
//! `Result`, `Client` or `Nullable`.

/// Methods of every request builder (`<Operation>Builder`): its own
/// (`emit/operations.rs`) and those of the traits it implements (`Clone`,
/// `Debug`, `IntoFuture`). A parameter with a setter must not take one.
pub const BUILDER_METHODS: &[&str] = &[
    "timeout",
    "max_response_body",
    "retries",
    "header",
    "extra_query",
    "body_field",
    "skip_validation",
    "base_url",
    "send",
    "send_with_response",
    "send_stream",
    "into_pages",
    "into_stream",
    "request",
    "body",
    "clone",
    "clone_from",
    "fmt",
    "into_future",
];

/// Fields of every request builder besides its parameters.
pub const BUILDER_FIELDS: &[&str] = &["client", "options", "body"];

/// Names clippy's `should_implement_trait` reads as an operator trait's method
/// on a `fn name(self, value) -> Self`: the shape of every setter.
pub const OPERATOR_METHODS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];

/// Names clippy's `should_implement_trait` reads as a trait's method on a
/// `fn name(&self, ...)`: the shape of client accessors and group methods.
pub const REF_TRAIT_METHODS: &[&str] = &["as_ref", "borrow", "clone", "cmp", "deref"];

/// Methods of `Client` (`emit/client.rs`) and of its traits (`Clone`, `Debug`):
/// the accessor of a group must not take one.
pub const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "base_url", "transport", "request", "clone", "clone_from", "fmt"];

/// Methods and fields of `ClientBuilder` (and of its traits `Default`,
/// `Debug`): a global header's setter and field must not take one.
pub const CLIENT_BUILDER_MEMBERS: &[&str] = &[
    // Methods.
    "retry_policy",
    "hook",
    "api_key",
    "basic_auth",
    "oauth2_client_credentials",
    "base_url",
    "http_client",
    "add_root_certificate",
    "timeout",
    "attempt_timeout",
    "max_response_body",
    "max_redirects",
    "user_agent",
    "http_defaults",
    "http_trusting",
    "default_headers",
    "auth",
    "build",
    "default",
    "fmt",
    // Fields (`settings` holds the others today; they stay listed so that names do not change).
    "settings",
    "http",
    "retry",
    "hooks",
    "root_certificates",
];

/// Methods of a group handle besides its operations: those of its traits
/// (`Clone`, `Copy`, `Debug`).
pub const HANDLE_METHODS: &[&str] = &["clone", "clone_from", "fmt"];

/// Modules of the crate root besides the groups' (`lib` and `main` are file
/// names Cargo gives a meaning), and the crates the generated code names by
/// path, which a module of the same name would shadow in `lib.rs`.
pub const MODULES: &[&str] = &[
    "lib",
    "main",
    "client",
    "models",
    "runtime",
    "testing",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "reqwest",
    "bytes",
    "tokio",
    "tracing",
    "httpdate",
    "regex_lite",
    "futures",
    "futures_core",
    "futures_util",
    "percent_encoding",
    "hyper",
    "rustls",
    "wiremock",
];

/// What `lib.rs` exports (`emit/client.rs`). Model types do not collide with
/// these: they are `crate::models::…`.
pub const CRATE_EXPORTS: &[&str] = &[
    "BuildError",
    "Client",
    "ClientBuilder",
    "DEFAULT_BASE_URL",
    "ApiError",
    "ApiResponse",
    "BodyTooLargeError",
    "DecodeError",
    "Error",
    "ErrorResponse",
    "Method",
    "MissingFieldError",
    "UnknownValue",
    "UntypedRequest",
    "RequestError",
    "TransportError",
    "TransportErrorKind",
    "UnexpectedResponse",
    "ValidationError",
    "Hook",
    "HookAction",
    "HookError",
    "HookFuture",
    "HookResponse",
    "RequestContext",
    "Nullable",
    "RetryPolicy",
    "SecretString",
    "Certificate",
    "EventStream",
    "EventStreamError",
    "FileUpload",
    "ByteStream",
    "ByteStreamError",
];

/// What an operations module (`src/<group>.rs`) imports, from the crate's
/// exports and the runtime: an operation's builder and error types, defined
/// beside them, must not take one (see [`type_stem_is_free`]).
pub const OPERATIONS_IMPORTS: &[&str] = &[
    "ApiResponse",
    "Client",
    "CallError",
    "CallOptions",
    "Request",
    "ToQuery",
];

/// Items of `tests/contract.rs` besides the tests (one per operation).
pub const CONTRACT_ITEMS: &[&str] = &[
    "models",
    "base_url",
    "client",
    "example",
    "the_mock_refuses_a_request_without_credentials",
    "the_mock_refuses_a_body_of_the_wrong_shape",
];

/// Fields a model struct may have besides its properties.
pub const STRUCT_FIELDS: &[&str] = &["additional_properties"];

/// Whether a parameter's name (as a Rust identifier) is free on its request builder.
pub fn is_free_for_param(name: &str) -> bool {
    ![BUILDER_METHODS, BUILDER_FIELDS, OPERATOR_METHODS].iter().any(|list| list.contains(&name))
}

/// Whether a global header's setter name is free on `ClientBuilder`.
pub fn is_free_for_global_header(name: &str) -> bool {
    ![CLIENT_BUILDER_MEMBERS, OPERATOR_METHODS].iter().any(|list| list.contains(&name))
}

/// Whether a group's accessor name is free on `Client`.
pub fn is_free_for_accessor(name: &str) -> bool {
    ![CLIENT_METHODS, REF_TRAIT_METHODS].iter().any(|list| list.contains(&name))
}

/// Whether an operation's method name is free on its group handle.
pub fn is_free_for_group_method(name: &str) -> bool {
    ![HANDLE_METHODS, REF_TRAIT_METHODS].iter().any(|list| list.contains(&name))
}

/// Whether a group's module name is free at the crate root.
pub fn is_free_for_module(name: &str) -> bool {
    !MODULES.contains(&name)
}

/// Whether an operation's type stem gives a builder (`<stem>Builder`) and an
/// error (`<stem>Error`) that no import of the operations module already names.
pub fn type_stem_is_free(stem: &str) -> bool {
    [format!("{stem}Builder"), format!("{stem}Error")]
        .iter()
        .all(|name| !OPERATIONS_IMPORTS.contains(&name.as_str()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::emit::{emit, EmitOptions, GeneratedFile};
    use crate::ir::Api;

    /// An API that uses every part of the emitter: pagination, server-sent
    /// events, an optional body, a file upload, a binary download, a global header.
    fn everything() -> (Api, Vec<GeneratedFile>) {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Everything", "version": "1"},
            "servers": [{"url": "https://api.example.com"}],
            "security": [{"bearer": []}],
            "x-speakeasy-globals": {"parameters": [{"name": "X-Tenant", "in": "header", "schema": {"type": "string"}}]},
            "paths": {
                "/items": {
                    "get": {
                        "operationId": "listItems", "tags": ["items"],
                        "parameters": [
                            {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                            {"name": "colour", "in": "query", "schema": {"$ref": "#/components/schemas/Colour"}}
                        ],
                        "x-speakeasy-pagination": {
                            "type": "offsetLimit",
                            "inputs": [{"name": "offset", "in": "parameters", "type": "offset"}, {"name": "limit", "in": "parameters", "type": "limit"}],
                            "outputs": {"results": "$.data"}
                        },
                        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}
                    },
                    "post": {
                        "operationId": "createItem", "tags": ["items"],
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "responses": {"201": {"description": "ok"}, "404": {"description": "missing"}}
                    }
                },
                "/items/{id}/events": {
                    "get": {
                        "operationId": "watchItem", "tags": ["items"],
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}],
                        "responses": {"200": {"description": "events", "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
                    }
                },
                "/files": {
                    "post": {
                        "operationId": "upload", "tags": ["files"],
                        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
                            "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}
                        }}}},
                        "responses": {"200": {"description": "ok", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
                    }
                }
            },
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": {
                    "Colour": {"type": "string", "enum": ["red"]},
                    "Item": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^a"}}, "additionalProperties": {"type": "string"}},
                    "Page": {"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}
                }
            }
        });
        let (api, _, _) = crate::lower_document(doc).expect("the document lowers");
        let (files, _) = emit(&api, &EmitOptions::for_api(&api, "everything.yaml")).expect("the crate emits");
        (api, files)
    }

    fn parse(files: &[GeneratedFile], path: &str) -> syn::File {
        let file = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} is emitted"));
        syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn last_segment(ty: &syn::Type) -> String {
        match ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The methods a `#[derive]` gives (only those our types derive).
    fn derived_methods(attrs: &[syn::Attribute]) -> Vec<String> {
        let mut out = Vec::new();
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let paths = attr
                .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .expect("a derive list");
            for path in paths {
                let name = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                out.extend(match name.as_str() {
                    "Clone" => vec!["clone", "clone_from"],
                    "Debug" => vec!["fmt"],
                    "Default" => vec!["default"],
                    "Copy" => vec![],
                    other => panic!("a derive the lists do not know: {other}"),
                });
            }
        }
        out.into_iter().map(String::from).collect()
    }

    /// The methods (inherent and of trait impls) and fields of the types whose name passes `which`.
    fn members(file: &syn::File, which: impl Fn(&str) -> bool) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for item in &file.items {
            match item {
                syn::Item::Struct(s) if which(&s.ident.to_string()) => {
                    out.extend(s.fields.iter().filter_map(|f| f.ident.as_ref()).map(|i| i.to_string()));
                    out.extend(derived_methods(&s.attrs));
                }
                syn::Item::Impl(i) if which(&last_segment(&i.self_ty)) => {
                    out.extend(i.items.iter().filter_map(|m| match m {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
                _ => {}
            }
        }
        out
    }

    fn assert_listed(what: &str, found: &BTreeSet<String>, allowed: &[&[&str]], own: &BTreeSet<String>) {
        let stray: Vec<&String> =
            found.iter().filter(|n| !own.contains(*n) && !allowed.iter().any(|list| list.contains(&n.as_str()))).collect();
        assert!(stray.is_empty(), "{what} defines {stray:?}, which the reserved names do not list");
    }

    #[test]
    fn every_builder_member_emit_defines_is_reserved() {
        let (api, files) = everything();
        for group in &api.groups {
            let file = parse(&files, &format!("src/{}.rs", group.module));
            let setters: BTreeSet<String> = group.operations.iter().flat_map(|o| o.params.iter().map(|p| p.rust_name.to_string())).collect();
            let mut found = members(&file, |name| name.ends_with("Builder"));
            // The setters every builder gets from the runtime's `call_options!`.
            let runtime = include_str!("../../runtime/src/request.rs");
            let macro_body = &runtime[runtime.find("macro_rules! call_options").expect("the runtime defines call_options!")..];
            found.extend(macro_body.split("pub fn ").skip(1).filter_map(|rest| rest.split('(').next()).map(String::from));
            assert!(found.contains("skip_validation"), "the call_options! setters are read");
            assert_listed("a request builder", &found, &[BUILDER_METHODS, BUILDER_FIELDS], &setters);
            for wanted in ["send_stream", "into_pages", "into_stream", "body", "request"] {
                assert!(group.module != "items" || found.contains(wanted), "the test API should exercise `{wanted}`");
            }

            let methods: BTreeSet<String> = group.operations.iter().map(|o| o.method_name.to_string()).collect();
            let handle = members(&file, |name| name == group.type_name);
            assert_listed("a group handle", &handle, &[HANDLE_METHODS, &["client"]], &methods);

            // Names the module imports: an operation's types must not take them.
            let mut imported = BTreeSet::new();
            for item in &file.items {
                if let syn::Item::Use(u) = item {
                    collect_use_names(&u.tree, &mut imported);
                }
            }
            assert_listed("an operations module's imports", &imported, &[OPERATIONS_IMPORTS], &BTreeSet::new());
        }
    }

    fn collect_use_names(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(p) => collect_use_names(&p.tree, out),
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect_use_names(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }

    #[test]
    fn every_client_member_and_crate_root_item_emit_defines_is_reserved() {
        let (api, files) = everything();
        let client = parse(&files, "src/client.rs");
        let accessors: BTreeSet<String> = api.groups.iter().map(|g| g.accessor.to_string()).collect();
        assert_listed("`Client`", &members(&client, |n| n == "Client"), &[CLIENT_METHODS], &accessors);
        let globals: BTreeSet<String> =
            api.global_headers.iter().map(|h| h.rust_name.to_string()).chain(api.security_schemes.iter().map(|s| s.setter.to_string())).collect();
        assert!(!globals.is_empty(), "the test API should have a global header");
        let mut found = members(&client, |n| n == "ClientBuilder");
        // The setters every builder gets from the runtime's `client_settings!`.
        let runtime = include_str!("../../runtime/src/transport.rs");
        let macro_body = &runtime[runtime.find("macro_rules! client_settings").expect("the runtime defines client_settings!")..];
        found.extend(macro_body.split("pub fn ").skip(1).filter_map(|rest| rest.split('(').next()).map(String::from));
        assert!(found.contains("http_defaults"), "the client_settings! setters are read");
        assert_listed("`ClientBuilder`", &found, &[CLIENT_BUILDER_MEMBERS], &globals);

        let lib = parse(&files, "src/lib.rs");
        let (mut modules, mut exports) = (BTreeSet::new(), BTreeSet::new());
        for item in &lib.items {
            match item {
                syn::Item::Mod(m) => {
                    modules.insert(m.ident.to_string());
                }
                syn::Item::Use(u) => collect_use_names(&u.tree, &mut exports),
                syn::Item::Type(t) => {
                    exports.insert(t.ident.to_string());
                }
                _ => {}
            }
        }
        // The vendored runtime is a crate of its own, used under the name of a module.
        assert!(exports.remove("runtime"), "lib.rs uses the runtime crate as `runtime`");
        modules.insert("runtime".to_string());
        let groups: BTreeSet<String> = api.groups.iter().map(|g| g.module.to_string()).collect();
        assert_listed("`lib.rs`", &modules, &[MODULES], &groups);
        assert_listed("`lib.rs`", &exports, &[CRATE_EXPORTS], &BTreeSet::new());
        for name in ["EventStream", "FileUpload", "ByteStream"] {
            assert!(exports.contains(name), "the test API should export `{name}`");
        }
    }

    #[test]
    fn every_contract_item_emit_defines_is_reserved() {
        let (_, files) = everything();
        let contract = parse(&files, "tests/contract.rs");
        let mut found = BTreeSet::new();
        let mut tests = BTreeSet::new();
        for item in &contract.items {
            match item {
                syn::Item::Fn(f) if f.attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "test")) => {
                    tests.insert(f.sig.ident.to_string());
                }
                syn::Item::Fn(f) => {
                    found.insert(f.sig.ident.to_string());
                }
                syn::Item::Mod(m) => {
                    found.insert(m.ident.to_string());
                }
                _ => {}
            }
        }
        assert_listed("`tests/contract.rs`", &found, &[CONTRACT_ITEMS], &BTreeSet::new());
        let rejections: BTreeSet<String> = tests.iter().filter(|t| t.starts_with("the_mock_")).cloned().collect();
        assert_listed("`tests/contract.rs`", &rejections, &[CONTRACT_ITEMS], &BTreeSet::new());
    }

    #[test]
    fn every_struct_field_emit_adds_is_reserved() {
        let (api, files) = everything();
        let models = parse(&files, "src/models.rs");
        let properties: BTreeSet<String> = api
            .types
            .iter()
            .filter_map(|t| match t {
                crate::ir::TypeDef::Struct(s) => Some(s.fields.iter().map(|f| f.rust_name.to_string())),
                _ => None,
            })
            .flatten()
            .collect();
        let mut fields = BTreeSet::new();
        for item in &models.items {
            if let syn::Item::Struct(s) = item {
                fields.extend(s.fields.iter().filter_map(|f| f.ident.as_ref()).map(|i| i.to_string()));
            }
        }
        assert!(fields.contains("additional_properties"), "the test API should have a map of extra properties");
        assert_listed("a model struct", &fields, &[STRUCT_FIELDS], &properties);
    }

    #[test]
    fn stems_that_would_name_an_import_are_not_free() {
        assert!(!type_stem_is_free("Call"));
        // Error types are named by absolute path (`crate::DecodeError`), not imported.
        assert!(type_stem_is_free("Decode"));
        assert!(type_stem_is_free("Client"));
        assert!(type_stem_is_free("GetThing"));
        assert!(!is_free_for_param("request") && !is_free_for_param("add") && is_free_for_param("limit"));
        assert!(!is_free_for_accessor("clone") && is_free_for_accessor("client"));
    }
}
