//! Non-Rust files of the generated crate, rendered from `templates/`.

use minijinja::{context, Environment};
use serde::Serialize;

use super::EmitOptions;
use crate::error::GenError;
use crate::ir::{Api, KeyLocation, ParamLocation, SchemeKind, TypeRef};

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.j2");
const RUNTIME_CARGO_TOML: &str = include_str!("../../../templates/runtime-Cargo.toml.j2");
const README: &str = include_str!("../../../templates/README.md.j2");

fn render(name: &str, source: &str, ctx: minijinja::Value) -> Result<String, GenError> {
    let mut env = Environment::new();
    let mut text = env
        .add_template(name, source)
        .and_then(|_| env.get_template(name)?.render(ctx))
        .map_err(|e| GenError::at("", format!("internal error: template {name}: {e}")))?;
    // Templates drop the final newline; files end with exactly one.
    text.truncate(text.trim_end().len());
    text.push('\n');
    Ok(text)
}

/// `get(id)`, `update(id, body)`, `list()`: how the method is called.
fn call_signature(o: &crate::ir::Operation) -> String {
    let mut args: Vec<&str> = o.params.iter().filter(|p| p.required).map(|p| p.rust_name.as_str()).collect();
    if o.body.as_ref().is_some_and(|b| b.required) {
        args.push("body");
    }
    format!("{}({})", o.method_name, args.join(", "))
}

fn status_text(s: &crate::ir::StatusMatch) -> String {
    match s {
        crate::ir::StatusMatch::Code(c) => c.to_string(),
        crate::ir::StatusMatch::Range(c) => format!("{c}XX"),
        crate::ir::StatusMatch::Default => "other".to_string(),
    }
}

/// TOML basic strings: escape backslashes and quotes.
fn toml_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " ")
}

/// The generated crate's `Cargo.toml`.
/// `features`: the API's runtime features (`analyse::runtime_features`).
pub fn cargo_toml(api: &Api, options: &EmitOptions, features: &std::collections::BTreeSet<&str>) -> Result<String, GenError> {
    render(
        "Cargo.toml",
        CARGO_TOML,
        context! {
            spec_name => &options.spec_name,
            crate_name => &options.crate_name,
            crate_version => &options.crate_version,
            runtime_crate => runtime_crate(options),
            description => toml_escape(&format!("Async Rust client for the {} (generated from its OpenAPI document).", api.title)),
            tag_features => crate::analyse::tag_features(api),
            unused_models => crate::analyse::has_unused_models(api),
            // serde's derives (and the proc-macro crates under them) only where something derives.
            serde_derive => crate::analyse::derives_serde(api, features),
        },
    )
}

/// The runtime crate's `Cargo.toml` (`runtime/`, beside the generated crate's).
/// `features`: the API's runtime features (`analyse::runtime_features`).
pub fn runtime_cargo_toml(api: &Api, options: &EmitOptions, features: &std::collections::BTreeSet<&str>) -> Result<String, GenError> {
    render(
        "runtime-Cargo.toml",
        RUNTIME_CARGO_TOML,
        context! {
            spec_name => &options.spec_name,
            crate_name => runtime_crate(options),
            api_crate => &options.crate_name,
            crate_version => &options.crate_version,
            // The OAuth2 token lock (tokio's `sync`) only where a scheme needs it.
            tokio_sync => features.contains("auth-oauth2"),
            serde_derive => crate::analyse::derives_serde(api, features),
        },
    )
}

/// The package name of the runtime crate vendored beside the crate `options` names.
pub fn runtime_crate(options: &EmitOptions) -> String {
    format!("{}-runtime", options.crate_name)
}

#[derive(Serialize)]
struct OpRow {
    method: String,
    call: String,
    http: String,
    path: String,
    summary: String,
}

#[derive(Serialize)]
struct GroupRow {
    accessor: String,
    docs: Option<String>,
    operations: Vec<OpRow>,
}

/// A row of the README's table of security schemes.
#[derive(Serialize)]
struct SchemeRow {
    setter: String,
    args: &'static str,
    name: String,
    sent: String,
}

fn scheme_row(s: &crate::ir::SecurityScheme) -> SchemeRow {
    let (args, sent) = match &s.kind {
        SchemeKind::ApiKey { location: KeyLocation::Header, name } => ("key", format!("the `{name}` header")),
        SchemeKind::ApiKey { location: KeyLocation::Query, name } => ("key", format!("the `{name}` query parameter")),
        SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => ("key", format!("the `{name}` cookie")),
        SchemeKind::Bearer => ("token", "`Authorization: Bearer <token>`".to_string()),
        SchemeKind::Basic => ("user, password", "`Authorization: Basic …`".to_string()),
        SchemeKind::OAuth2ClientCredentials { token_url, .. } => (
            "client_id, client_secret",
            format!("`Authorization: Bearer <token>`, the token fetched from `{token_url}` once, kept until it expires and shared by concurrent calls"),
        ),
    };
    SchemeRow { setter: s.setter.bare().to_string(), args, name: s.name.clone(), sent }
}

#[derive(Serialize)]
struct HeaderRow {
    method: String,
    name: String,
    example: String,
}

/// The generated crate's `README.md` (also its crate-level rustdoc; the code blocks are doctests).
pub fn readme(api: &Api, options: &EmitOptions) -> Result<String, GenError> {
    let crate_ident = options.crate_name.replace('-', "_");
    let groups: Vec<GroupRow> = api
        .groups
        .iter()
        .map(|g| GroupRow {
            accessor: g.accessor.to_string(),
            docs: g.docs.clone(),
            operations: g
                .operations
                .iter()
                .map(|o| OpRow {
                    call: call_signature(o),
                    method: o.method_name.to_string(),
                    http: o.http_method.to_string(),
                    path: o.path.to_string(),
                    summary: o.summary.clone().unwrap_or_default().replace('|', "\\|"),
                })
                .collect(),
        })
        .collect();
    // A compiled example: the first operation whose required arguments are all strings.
    let example_op = api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o))).find(|(_, o)| {
        o.body.is_none() && o.params.iter().filter(|p| p.required).all(|p| p.ty == TypeRef::String && p.location == ParamLocation::Path)
    });
    let example_call = example_op.map(|(g, o)| {
        let args: Vec<String> = o.params.iter().filter(|p| p.required).map(|p| format!("\"{}\"", p.name)).collect();
        format!("client.{}().{}({})", g.accessor, o.method_name, args.join(", "))
    });
    let paginated = api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o))).find(|(_, o)| {
        o.pagination.is_some() && o.body.is_none() && o.params.iter().all(|p| !p.required)
    });
    let paginated = paginated.map(|(g, o)| minijinja::context! { call => format!("client.{}().{}()", g.accessor, o.method_name) });
    let (r, declared) = api.default_retry();
    let statuses = r.status_codes.iter().map(status_text).collect::<Vec<_>>().join(", ");
    let retry_doc = format!(
        "By default ({}) the first delay is {} ms, each delay grows ×{} up to {} s, retries stop after {} s in all, and {statuses} and 429 answers{} are retried.",
        if declared { "from the API document" } else { "the document declares no retry policy" },
        r.initial_interval_ms,
        r.exponent,
        r.max_interval_ms / 1000,
        r.max_elapsed_ms / 1000,
        if r.connection_errors { " and connection failures" } else { "" }
    );
    let retry = context! {
        initial_ms => r.initial_interval_ms,
        exponent => r.exponent,
        max_ms => r.max_interval_ms,
        elapsed => format!("{} s", r.max_elapsed_ms / 1000),
        statuses => statuses,
        connection => r.connection_errors,
        source => if declared { "the API document's retry extension" } else { "the document declares no retry policy" },
    };
    let (example, error_example, error_snippet) = match example_op {
        Some((g, o)) => {
            let args: Vec<String> = o.params.iter().filter(|p| p.required).map(|p| format!("\"{}\"", p.name)).collect();
            let call = format!("client.{}().{}({})", g.accessor, o.method_name, args.join(", "));
            (
                format!("let result = {call}.await?;\nprintln!(\"{{result:?}}\");"),
                format!("{}::{}Error", g.module, o.type_stem),
                format!(
                    "match {call}.await {{\n    Ok(value) => println!(\"{{value:?}}\"),\n    Err(e) => eprintln!(\"status {{:?}}: {{e}}\", e.status()),\n}}"
                ),
            )
        }
        None => (String::new(), "OperationError".into(), "let _ = client;".into()),
    };
    let global_headers: Vec<HeaderRow> = api
        .global_headers
        .iter()
        .map(|h| HeaderRow { method: h.rust_name.to_string(), name: h.name.clone(), example: format!("my-{}", h.rust_name.replace('_', "-")) })
        .collect();
    let schemes: Vec<SchemeRow> = if crate::analyse::sends_credentials(api) { api.security_schemes.iter().map(scheme_row).collect() } else { Vec::new() };
    let key_scheme = api.security_schemes.iter().find(|s| s.setter.as_str() == "api_key").filter(|_| crate::analyse::sends_credentials(api));
    let auth = match key_scheme.map(|s| &s.kind) {
        Some(SchemeKind::Bearer) => "bearer".to_string(),
        Some(SchemeKind::ApiKey { location: KeyLocation::Header, name }) => format!("the `{name}` header"),
        Some(SchemeKind::ApiKey { location: KeyLocation::Query, name }) => format!("the `{name}` query parameter"),
        Some(SchemeKind::ApiKey { location: KeyLocation::Cookie, name }) => format!("the `{name}` cookie"),
        _ => String::new(),
    };
    let testing_example = super::testing::readme_example(api, &crate_ident);
    render(
        "README.md",
        README,
        context! {
            spec_name => &options.spec_name,
            crate_name => &options.crate_name,
            crate_version => &options.crate_version,
            crate_ident => crate_ident,
            env_prefix => &options.env_prefix,
            title => &api.title,
            api_version => &api.version,
            openapi => &api.openapi,
            description => &api.description,
            base_url => api.servers.first().cloned().unwrap_or_default(),
            auth => auth,
            schemes => minijinja::Value::from(minijinja::value::Serde(&schemes)),
            groups => minijinja::Value::from(minijinja::value::Serde(&groups)),
            example => example,
            error_example => error_example,
            error_snippet => error_snippet,
            global_headers => minijinja::Value::from(minijinja::value::Serde(&global_headers)),
            example_call => example_call,
            tag_features => crate::analyse::tag_features(api),
            unused_models => crate::analyse::has_unused_models(api),
            shared_error_body => crate::analyse::shared_error_body(api).and_then(|t| match t {
                crate::ir::TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            }),
            paginated => paginated,
            retry_doc => retry_doc,
            retry => retry,
            testing_example => testing_example,
        },
    )
}
