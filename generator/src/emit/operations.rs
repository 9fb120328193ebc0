//! One module per group (tag): the group handle, a request builder and an
//! error enum per operation.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, doc_or, inner_doc};
use super::types::{rust_type, setter_arg};
use super::validation::{checks, needs_check};
use crate::analyse::{QueryEncoding, WireText, query_encoding, wire_text};
use crate::ir::{Api, BodyEncoding, Constraints, Group, NextPage, Operation, Param, ParamLocation, ParamStyle, PathSegment, Presence, RawBody, StatusMatch, TypeRef};
use crate::names::ident;

/// `src/<group>.rs`.
/// `validated`: the structs that have something to check (read once per emit).
pub fn group_rs(api: &Api, group: &Group, validated: &BTreeSet<String>) -> TokenStream {
    let handle = ident(&group.type_name);
    let module_doc = inner_doc(&format!("Operations tagged `{}`{}", group.tag, group.docs.as_deref().map(|d| format!(": {d}")).unwrap_or_else(|| ".".into())));
    let methods = group.operations.iter().map(method);
    let builders = group.operations.iter().map(|op| builder(api, op, validated));
    // Read once for the module: every error enum names it.
    let shared_error_body = crate::analyse::shared_error_body(api);
    let errors = group.operations.iter().map(|op| error_enum(group, op, shared_error_body));
    let handle_doc = format!(" Operations tagged `{}`; get it from [`crate::Client::{}`].", group.tag, group.accessor.bare());
    let scalar_query = group.operations.iter().flat_map(|op| &op.params).any(|p| p.location == ParamLocation::Query && query_encoding(api, p) == QueryEncoding::Scalar);
    let to_query = scalar_query.then(|| quote!(use crate::runtime::query::ToQuery;));
    quote! {
        #module_doc

        use crate::runtime::errors::CallError;
        #to_query
        use crate::runtime::request::{CallOptions, Request};
        use crate::{ApiResponse, Client};

        #[doc = #handle_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            pub(crate) client: &'a Client,
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }

        #(#builders)*
        #(#errors)*
    }
}

fn builder_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Builder", op.type_stem)
}

fn error_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Error", op.type_stem)
}

fn required_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.required)
}

fn operation_docs(op: &Operation) -> String {
    let mut text = op.summary.clone().unwrap_or_else(|| format!("`{}`", op.id));
    if let Some(d) = op.description.as_deref().filter(|d| Some(*d) != op.summary.as_deref()) {
        text.push_str("\n\n");
        text.push_str(d);
    }
    text.push_str(&format!("\n\n`{} {}` (operation `{}`).", op.http_method, op.path, op.id));
    text
}

/// The method on the group handle: takes the required parameters and the body.
fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = builder_name(op);
    let next = if op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required) {
        "Set optional parameters on the returned builder, then `.send().await` (or just `.await`)."
    } else {
        "Send the returned builder with `.send().await` (or just `.await`)."
    };
    let docs = doc(&format!("{}\n\n{next}", operation_docs(op)));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in required_params(op) {
        let n = ident(&p.rust_name);
        let (arg, conv) = setter_arg(&p.ty);
        args.push(quote!(#n: #arg));
        inits.push(if conv.is_empty() { quote!(#n) } else { quote!(#n: #n #conv) });
    }
    for p in op.params.iter().filter(|p| !p.required) {
        let n = ident(&p.rust_name);
        inits.push(quote!(#n: None));
    }
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty);
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: None));
        }
    }
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder { client: self.client.clone(), options: Default::default(), #(#inits,)* }
        }
    }
}

fn success_type(op: &Operation) -> TokenStream {
    if let Some(t) = op.success.iter().find_map(|s| s.ty.as_ref()) {
        return rust_type(t);
    }
    match op.success.iter().find_map(|s| s.raw) {
        Some(RawBody::Text) => quote!(String),
        Some(RawBody::Bytes) => quote!(crate::ByteStream),
        None if op.success.iter().any(|s| s.stream.is_some()) => quote!(crate::ByteStream),
        None => quote!(()),
    }
}

fn builder(api: &Api, op: &Operation, validated: &BTreeSet<String>) -> TokenStream {
    let name = builder_name(op);
    let error = error_name(op);
    let success = success_type(op);
    let docs = format!(" Request builder for `{}` ({} {}): send it with `.send().await` or `.await`.", op.id, op.http_method, op.path);
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
        let ty = rust_type(&p.ty);
        if p.required {
            fields.push(quote!(#n: #ty));
        } else {
            fields.push(quote!(#n: Option<#ty>));
            let (arg, conv) = setter_arg(&p.ty);
            let d = doc_or(&[p.docs.as_deref()], &format!("Sets the `{}` {} parameter.", p.name, location_word(p.location)));
            setters.push(quote! {
                #d
                pub fn #n(mut self, value: #arg) -> Self {
                    self.#n = Some(value #conv);
                    self
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty);
        if body.required {
            fields.push(quote!(body: #ty));
        } else {
            fields.push(quote!(body: Option<#ty>));
            setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
    }
    let send_body = send_body(api, op, validated);
    let arms = response_arms(op, None);
    let dispatch = dispatch(&arms, only_arm(op));
    let streaming = streaming(api, op);
    let op_id = &op.id;
    // Binary bodies are handed over as a stream, never buffered whole.
    let execute = if crate::analyse::success_decoding(op) == "bytes-response" && !op.success.is_empty() {
        format_ident!("execute_streaming")
    } else {
        format_ident!("execute")
    };
    let paging = pagination(op);
    let call_options = if op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Json) {
        quote!(crate::runtime::call_options!(json_body);)
    } else {
        quote!(crate::runtime::call_options!();)
    };
    quote! {
        #[doc = #docs]
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until it is sent with `.send().await` or `.await`"]
        pub struct #name {
            client: Client,
            options: CallOptions,
            #(#fields,)*
        }

        impl #name {
            #(#setters)*

            #call_options

            #paging

            // `#[inline]` on the call path (here, `request`, the runtime's `send`
            // and `.await`): an operation's future, with its decoding and retries,
            // is compiled only in a crate that calls it, not for every operation
            // of the API when this crate is built (a third of the full OpenRouter
            // crate's build time).
            /// Sends the request; the result keeps the response status and headers.
            #[inline]
            pub async fn send_with_response(self) -> Result<ApiResponse<#success>, #error> {
                let request = self.request()?;
                let raw = self.client.transport().#execute(request, self.options).await?;
                #dispatch
            }

            #streaming

            /// Checks the parameters and encodes the request.
            #[inline]
            fn request(&self) -> Result<Request, CallError> {
                #send_body
            }

            /// The operation id in the API document.
            pub const OPERATION_ID: &'static str = #op_id;
        }

        crate::runtime::operation_send! {
            impl IntoFuture for #name {
                type Output = Result<#success, #error>;
            }
        }
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// Code that turns a parameter value `v` into the string sent in a path or header.
fn to_wire_string(api: &Api, ty: &TypeRef, v: TokenStream) -> TokenStream {
    match wire_text(api, ty) {
        WireText::String => quote!(#v.clone()),
        WireText::Secret => quote!(#v.expose().to_string()),
        WireText::Enum => quote!(#v.as_str().to_string()),
        WireText::Display => quote!(#v.to_string()),
        WireText::Json => quote!(crate::runtime::text::wire_text(&#v)),
    }
}

/// `match raw.status.as_u16() { arms }`, or the only arm's expression when it is a catch-all.
fn dispatch(arms: &[TokenStream], only: Option<TokenStream>) -> TokenStream {
    match only {
        Some(expr) => expr,
        None => quote!(match raw.status.as_u16() { #(#arms)* }),
    }
}

/// The body of `request()`: validation, path, query, headers and body encoding.
fn send_body(api: &Api, op: &Operation, validated: &BTreeSet<String>) -> TokenStream {
    let label = format!("{} {}", op.http_method, op.path);
    let method = format_ident!("{}", op.http_method.as_str());

    // Path: `/byok/{id}` → "/byok/" + encode_path(&self.id), built without `format!`
    // so that prettyplease formats the arguments.
    let mut path_steps = Vec::new();
    for segment in op.path.segments() {
        let name = match segment {
            PathSegment::Literal(text) => {
                path_steps.push(push_literal(text));
                continue;
            }
            PathSegment::Param(name) => name,
        };
        if let Some(p) = op.params.iter().find(|p| p.location == ParamLocation::Path && &p.name == name) {
            let n = ident(&p.rust_name);
            let value = match wire_text(api, &p.ty) {
                WireText::String => quote!(&self.#n),
                WireText::Secret => quote!(self.#n.expose()),
                WireText::Enum => quote!(self.#n.as_str()),
                _ => {
                    let s = to_wire_string(api, &p.ty, quote!(self.#n));
                    quote!(&#s)
                }
            };
            // Percent-encoded, and refused when it would not name one resource (`..`).
            let wire = &p.name;
            path_steps.push(quote!(path.push_str(&crate::runtime::path::path_segment(#wire, #value)?);));
        }
    }
    path_steps.retain(|step| !step.is_empty());
    let path_decl = if !op.path.has_params() {
        let literal = op.path.as_str();
        quote!(let path = #literal.to_string();)
    } else {
        quote!(let mut path = String::new(); #(#path_steps)*)
    };

    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let n = ident(&p.rust_name);
        let wire = &p.name;
        if query_encoding(api, p) == QueryEncoding::Scalar {
            // An unset optional parameter pushes nothing (`ToQuery for Option`).
            return quote!(self.#n.push_query(#wire, &mut query););
        }
        // Arrays and objects follow the parameter's style through their JSON form.
        let style = match p.style {
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        };
        let explode = p.explode;
        let push = quote!(crate::runtime::query::push_query_json(#wire, value, #style, #explode, &mut query, #label)?);
        if p.required {
            quote! { { let value = &self.#n; #push; } }
        } else {
            quote! { if let Some(value) = &self.#n { #push; } }
        }
    });
    // A response that is not JSON asks for what it is, instead of the client's default.
    let accept = op.success.iter().find_map(|s| s.raw).filter(|_| op.success.iter().all(|s| s.ty.is_none())).map(|raw| {
        let value = match raw {
            RawBody::Text => "text/*, */*;q=0.5",
            RawBody::Bytes => "*/*",
        };
        quote!(("accept", #value.to_string()))
    });
    let idempotency_key = crate::analyse::idempotency_key(op).map(|p| &p.name);
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let n = ident(&p.rust_name);
        let wire = &p.name;
        let value = to_wire_string(api, &p.ty, quote!(value));
        if idempotency_key == Some(wire) {
            // A fresh key per call unless the caller set one; retries resend the same request.
            quote! {
                let key = self.#n.clone().unwrap_or_else(crate::runtime::idempotency::new_key);
                headers.push((#wire, key));
            }
        } else if p.required {
            quote! { { let value = &self.#n; headers.push((#wire, #value)); } }
        } else {
            quote! { if let Some(value) = &self.#n { headers.push((#wire, #value)); } }
        }
    });
    let body = match &op.body {
        Some(b) => {
            let encode = encode_body(api, b, &label);
            match (b.required, b.encoding) {
                (true, BodyEncoding::Json | BodyEncoding::Form) => {
                    let call = encode_call(b.encoding, &label, quote!(&self.body));
                    quote!(Some(#call?))
                }
                (true, BodyEncoding::Multipart) => quote!(Some({ let body = &self.body; #encode })),
                // One call that already returns `Result<_, RequestError>`: mapped as it is.
                (false, BodyEncoding::Json | BodyEncoding::Form) => {
                    let call = encode_call(b.encoding, &label, quote!(body));
                    quote!(self.body.as_ref().map(|body| #call).transpose()?)
                }
                (false, BodyEncoding::Multipart) => quote!(self.body.as_ref().map(|body| -> Result<_, crate::RequestError> { Ok(#encode) }).transpose()?),
            }
        }
        None => TokenStream::new(),
    };
    let has_body = !body.is_empty();
    let body = has_body.then(|| quote!(body: #body,));
    let path_template = op.path.as_str();
    let op_id = &op.id;
    let has_query = op.params.iter().any(|p| p.location == ParamLocation::Query);
    // Fields an operation does not have are left to `Request::default()`.
    let (query_decl, query_field) = if has_query { (quote!(let mut query = Vec::new();), Some(quote!(query,))) } else { (quote!(), None) };
    let has_header_params = op.params.iter().any(|p| p.location == ParamLocation::Header);
    let (headers_decl, headers_field) = match (&accept, has_header_params) {
        (Some(accept), true) => (quote!(let mut headers = vec![#accept];), Some(quote!(headers,))),
        (Some(accept), false) => (quote!(), Some(quote!(headers: vec![#accept],))),
        (None, true) => (quote!(let mut headers = Vec::new();), Some(quote!(headers,))),
        (None, false) => (quote!(), None),
    };
    let rest = (query_field.is_none() || headers_field.is_none() || !has_body).then(|| quote!(..Default::default()));
    let validations = validations(op, validated);
    let validations = if validations.is_empty() { validations } else { quote!(if !self.options.skip_validation { #validations }) };
    // The operation's security alternatives, by scheme number (see `Api::security_schemes`).
    let security = crate::analyse::sends_credentials(api).then(|| {
        let alternatives = op.security.iter().map(|alternative| {
            let schemes = alternative.iter().map(|i| proc_macro2::Literal::usize_unsuffixed(*i));
            quote!(&[#(#schemes),*])
        });
        quote!(security: &[#(#alternatives),*],)
    });
    let build = quote! {
        #validations
        #path_decl
        #query_decl
        #(#query)*
        #headers_decl
        #(#headers)*
        Ok(Request {
            operation_id: #op_id,
            method: reqwest::Method::#method,
            path_template: #path_template,
            path,
            #query_field
            #headers_field
            #body
            #security
            #rest
        })
    };
    build
}

/// Code that encodes `body` (a `&T`) as the operation's media type.
fn encode_body(api: &Api, b: &crate::ir::RequestBody, label: &str) -> TokenStream {
    match b.encoding {
        BodyEncoding::Json | BodyEncoding::Form => {
            let call = encode_call(b.encoding, label, quote!(body));
            quote!(#call?)
        }
        BodyEncoding::Multipart => {
            let fields = match &b.ty {
                TypeRef::Named(n) => api.struct_def(n).map(|s| &s.fields),
                _ => None,
            };
            let parts = fields.into_iter().flatten().map(|f| {
                let n = ident(&f.rust_name);
                let wire = &f.name;
                let part = |v: TokenStream| match &f.ty {
                    TypeRef::Binary => quote!(form.file(#wire, #v, #label)?;),
                    _ => quote!(form.value(#wire, #v, #label)?;),
                };
                match f.presence {
                    Presence::Required => part(quote!(&body.#n)),
                    Presence::Optional | Presence::RequiredNullable => {
                        let p = part(quote!(value));
                        quote!(if let Some(value) = &body.#n { #p })
                    }
                    Presence::OptionalNullable => {
                        let p = part(quote!(value));
                        quote!(if let crate::Nullable::Value(value) = &body.#n { #p })
                    }
                }
            });
            quote!({
                let mut form = crate::runtime::multipart::Multipart::new();
                #(#parts)*
                form.finish()
            })
        }
    }
}

/// The runtime call that encodes `body` (a `&T`) as JSON or a form: a `Result<_, RequestError>`.
fn encode_call(encoding: BodyEncoding, label: &str, body: TokenStream) -> TokenStream {
    match encoding {
        BodyEncoding::Form => quote!(crate::runtime::body::encode_form(#body, #label)),
        BodyEncoding::Json | BodyEncoding::Multipart => quote!(self.options.json_body(#body, #label)),
    }
}

/// Appends a literal piece of a path template (`push` for one character, as clippy prefers).
fn push_literal(literal: &str) -> TokenStream {
    let mut chars = literal.chars();
    match (chars.next(), chars.next()) {
        (None, _) => TokenStream::new(),
        (Some(c), None) => quote!(path.push(#c);),
        _ => quote!(path.push_str(#literal);),
    }
}

/// When an operation declares no status of its own (only `default`, or nothing),
/// the whole dispatch is one expression and no `match` is needed.
fn only_arm(op: &Operation) -> Option<TokenStream> {
    if !op.success.is_empty() {
        return None;
    }
    let error = error_name(op);
    match op.errors.as_slice() {
        [] => Some(quote!(Err(#error::UnexpectedStatus(raw.unexpected())))),
        [only] if only.status == StatusMatch::Default => {
            let variant = format_ident!("{}", only.variant);
            let decode = if only.ty.is_some() { quote!(raw.error()?) } else { quote!(raw.error_without_body()) };
            Some(quote!(Err(#error::#variant(#decode))))
        }
        _ => None,
    }
}

/// Match patterns for a declared status.
fn status_pattern(status: &StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(*c);
            quote!(#c)
        }
        StatusMatch::Range(class) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(class * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Match arms from status to result; `success_decode` replaces the success arm's expression.
fn response_arms(op: &Operation, success_decode: Option<TokenStream>) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    let decode = if op.success.iter().any(|s| s.ty.is_some()) {
        quote!(Ok(raw.success()?))
    } else {
        match op.success.iter().find_map(|s| s.raw) {
            Some(RawBody::Text) => quote!(Ok(raw.text()?)),
            Some(RawBody::Bytes) => quote!(Ok(raw.byte_stream())),
            None if op.success.iter().any(|s| s.stream.is_some()) => quote!(Ok(raw.byte_stream())),
            None => quote!(Ok(raw.empty())),
        }
    };
    let decode = success_decode.unwrap_or(decode);
    let mut success: Vec<&StatusMatch> = op.success.iter().map(|s| &s.status).collect();
    success.sort();
    for status in success {
        let pattern = status_pattern(status);
        arms.push(quote!(#pattern => #decode,));
    }
    let error = error_name(op);
    let mut has_default = false;
    for case in &op.errors {
        let pattern = status_pattern(&case.status);
        has_default |= case.status == StatusMatch::Default;
        let variant = format_ident!("{}", case.variant);
        let decode = if case.ty.is_some() { quote!(raw.error()?) } else { quote!(raw.error_without_body()) };
        arms.push(quote!(#pattern => Err(#error::#variant(#decode)),));
    }
    if !has_default {
        arms.push(quote!(_ => Err(#error::UnexpectedStatus(raw.unexpected())),));
    }
    arms
}

fn status_label(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(c) => format!("{c}XX"),
        StatusMatch::Default => "any other status".to_string(),
    }
}

/// The operation's error enum: its variant per declared status; the runtime's
/// `operation_error!` adds the failures every call shares and the impls.
/// `shared_error_body`: the type every error body of the API has the shape of (`error_body()`).
fn error_enum(group: &Group, op: &Operation, shared_error_body: Option<&TypeRef>) -> TokenStream {
    let name = error_name(op);
    let method = op.method_name.bare();
    let docs = format!(" Errors of [`{}::{method}`] (`{}`).", group.type_name, op.id);
    let variants = op.errors.iter().map(|c| {
        let v = format_ident!("{}", c.variant);
        let ty = c.ty.as_ref().map_or(quote!(()), rust_type);
        let d = doc(&format!("HTTP {}: {}", status_label(&c.status), c.docs.as_deref().unwrap_or("declared error response.")));
        quote!(#d #v(#ty))
    });
    let has_default = op.errors.iter().any(|c| c.status == StatusMatch::Default);
    // Without `default`, other statuses are the macro's `UnexpectedStatus`.
    let unexpected = has_default.then(|| quote!(, all_declared));
    let shared = shared_error_body.and_then(|ty| match ty {
        TypeRef::Named(n) => {
            let n = ident(n);
            Some(quote!(, error_body = #n))
        }
        _ => None,
    });
    let op_id = &op.id;
    quote! {
        crate::runtime::operation_error! {
            #[operation(#op_id #unexpected #shared)]
            #[doc = #docs]
            pub enum #name { #(#variants),* }
        }
    }
}

/// Checks of parameters and body against the document's constraints, before anything is sent.
fn validations(op: &Operation, validated: &BTreeSet<String>) -> TokenStream {
    let mut out = TokenStream::new();
    for p in &op.params {
        if !needs_check(&p.ty, &p.constraints, validated) {
            continue;
        }
        let n = ident(&p.rust_name);
        let wire = &p.name;
        let (path, value) = (format_ident!("path"), format_ident!("value"));
        let checks = checks(&p.ty, &p.constraints, &path, &value, validated);
        out.extend(if p.required {
            quote! { { let (#path, #value) = (|| String::from(#wire), &self.#n); #checks } }
        } else {
            quote! { if let Some(#value) = &self.#n { let #path = || String::from(#wire); #checks } }
        });
    }
    if let Some(body) = &op.body
        && needs_check(&body.ty, &Constraints::default(), validated) {
            let (path, value) = (format_ident!("path"), format_ident!("value"));
            let checks = checks(&body.ty, &Constraints::default(), &path, &value, validated);
            out.extend(if body.required {
                quote! { { let (#path, #value) = (|| String::from("body"), &self.body); #checks } }
            } else {
                quote! { if let Some(#value) = &self.body { let #path = || String::from("body"); #checks } }
            });
        }
    out
}

/// `into_pages()` and `into_stream()` for an operation with offset/limit or
/// cursor pagination: closures over the builder, handed to
/// `crate::runtime::pagination`, which holds the stop rules. Prints the plan
/// analysis resolved (`ir::PagingPlan`): no lookup, no decision.
fn pagination(op: &Operation) -> TokenStream {
    // Resolved by analysis (`analyse/pagination.rs`); an operation without a plan does not page.
    let Some(plan) = op.pagination.as_ref().and_then(|p| p.plan.as_ref()) else { return TokenStream::new() };
    let results = &plan.items;
    let item_ty = rust_type(&plan.item);
    let page_ty = rust_type(&TypeRef::Named(plan.page.clone()));
    let error = error_name(op);
    let label = format!("{} {}", op.http_method, op.path);
    let items_ref = paging_items_ref(results);
    let (pages_doc, stream) = match &plan.next {
        NextPage::Offset { param, bits, total } => {
            let offset = param.ident();
            let (start, set) = if *bits == 32 {
                (quote!(i64::from(self.#offset.unwrap_or(0))), quote!(i32::try_from(offset).unwrap_or(i32::MAX)))
            } else {
                (quote!(self.#offset.unwrap_or(0)), quote!(offset))
            };
            let total = total.as_ref();
            let total_of_page = paging_total(total, &page_ty);
            let total_doc = match total {
                Some(f) => format!(", when the offset reaches the response's `{}`", f.name),
                None => String::new(),
            };
            let doc = format!(
                "Every page, fetched one after another: starts at this builder's offset (or 0) and moves \
                 the offset by the items received. Ends on an empty page (yielded only when it is the \
                 first), after a page shorter than the longest so far (the server's page size, which \
                 may be below the `limit` asked for){total_doc}, when the server sends the previous \
                 page again (not yielded), or after \
                 10 000 pages, with a warning."
            );
            let stream = quote! {
                let start: i64 = #start;
                crate::runtime::pagination::offset_pages(
                    #label,
                    crate::runtime::pagination::MAX_PAGES,
                    start,
                    move |offset: i64| {
                        let mut next = self.clone();
                        next.#offset = Some(#set);
                        next.send()
                    },
                    |page: &#page_ty| #items_ref,
                    #total_of_page,
                )
            };
            (doc, stream)
        }
        NextPage::Cursor { param_name: cursor_param, param, next: next_field } => {
            let cursor = param.ident();
            let next_of_page = paging_next_cursor(next_field);
            let doc = format!(
                "Every page, fetched one after another: starts at this builder's cursor (or none) and \
                 sends each response's `{}` as the next `{}`. Ends when that cursor is absent, null, \
                 empty or one already used, when the server sends the previous page again (not \
                 yielded), or after 10 000 pages, with \
                 a warning.",
                next_field.name, cursor_param
            );
            let stream = quote! {
                let first = self.#cursor.clone();
                crate::runtime::pagination::cursor_pages(
                    #label,
                    crate::runtime::pagination::MAX_PAGES,
                    first,
                    move |cursor: Option<String>| {
                        let mut next = self.clone();
                        next.#cursor = cursor;
                        next.send()
                    },
                    |page: &#page_ty| #items_ref,
                    |page: &#page_ty| #next_of_page,
                )
            };
            (doc, stream)
        }
    };
    let pages_doc = doc(&format!(
        "{pages_doc}\n\nAn error is yielded and ends the stream. The stream is boxed, so \
         `futures::StreamExt::next` works on it directly."
    ));
    let items_field = ident(&results.rust_name);
    let items_of_page = match results.presence {
        Presence::Required => quote!(page.#items_field),
        Presence::Optional | Presence::RequiredNullable => quote!(page.#items_field.unwrap_or_default()),
        Presence::OptionalNullable => quote!(page.#items_field.into_option().unwrap_or_default()),
    };
    quote! {
        #pages_doc
        #[inline]
        pub fn into_pages(self) -> futures_core::stream::BoxStream<'static, Result<#page_ty, #error>> {
            #stream
        }

        /// Every item of every page (see [`Self::into_pages`]), in order.
        #[inline]
        pub fn into_stream(self) -> futures_core::stream::BoxStream<'static, Result<#item_ty, #error>> {
            use futures_util::StreamExt;
            self.into_pages()
                .flat_map(|page| {
                    let items: Vec<Result<#item_ty, #error>> = match page {
                        Ok(page) => #items_of_page.into_iter().map(Ok).collect(),
                        Err(e) => vec![Err(e)],
                    };
                    futures_util::stream::iter(items)
                })
                .boxed()
        }
    }
}

/// `send_stream()` for an operation whose success response offers `text/event-stream`.
fn streaming(api: &Api, op: &Operation) -> TokenStream {
    let Some(stream) = op.success.iter().find_map(|s| s.stream.as_ref()) else { return TokenStream::new() };
    let event = rust_type(&stream.ty);
    let error = error_name(op);
    let envelope = stream.envelope;
    let sentinel = match &stream.sentinel {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let label = format!("{} {}", op.http_method, op.path);
    // Ask for the stream through the body field the document names, when the body has it.
    let field = op.stream_request_field.as_ref().and_then(|name| {
        let body = op.body.as_ref().filter(|b| b.required)?;
        let TypeRef::Named(n) = &body.ty else { return None };
        api.struct_def(n)?.fields.iter().find(|f| &f.name == name && f.ty == TypeRef::Boolean)
    });
    let set_field = field.map(|f| {
        let n = ident(&f.rust_name);
        match f.presence {
            Presence::Required => quote!(self.body.#n = true;),
            Presence::Optional | Presence::RequiredNullable => quote!(self.body.#n = Some(true);),
            Presence::OptionalNullable => quote!(self.body.#n = crate::Nullable::Value(true);),
        }
    });
    let arms = response_arms(op, Some(quote!(Ok(raw.events(#envelope, #sentinel, #label.to_string())))));
    // A streaming operation declares a success status, so the dispatch is always a `match`.
    let dispatch = dispatch(&arms, None);
    quote! {
        /// Sends the request for a stream of server-sent events (`text/event-stream`)
        /// and returns the events as they arrive, decoded. Failed statuses are the same
        /// errors as for `send()`.
        #[inline]
        pub async fn send_stream(mut self) -> Result<crate::EventStream<#event>, #error> {
            #set_field
            self.options.headers.push(("accept".to_string(), "text/event-stream".to_string()));
            let request = self.request()?;
            let raw = self.client.transport().execute_streaming(request, self.options).await?;
            #dispatch
        }
    }
}

/// The results of a page (`page`), borrowed as a slice, whatever the field's presence.
fn paging_items_ref(results: &crate::ir::Field) -> TokenStream {
    let items = ident(&results.rust_name);
    match results.presence {
        Presence::Required => quote!(page.#items.as_slice()),
        Presence::Optional | Presence::RequiredNullable => quote!(page.#items.as_deref().unwrap_or_default()),
        Presence::OptionalNullable => quote!(page.#items.as_option().map(Vec::as_slice).unwrap_or_default()),
    }
}

/// The closure that reads a page (of type `page_ty`) for its total count as an
/// `Option<i64>` (`|_| None` when the response has no total-count field).
fn paging_total(total: Option<&crate::ir::Field>, page_ty: &TokenStream) -> TokenStream {
    let Some(field) = total else { return quote!(|_: &#page_ty| None) };
    let name = ident(&field.rust_name);
    let value = match (field.presence, field.ty == (TypeRef::Integer { bits: 32 })) {
        (Presence::Required, false) => quote!(Some(page.#name)),
        (Presence::Required, true) => quote!(Some(i64::from(page.#name))),
        (Presence::Optional | Presence::RequiredNullable, false) => quote!(page.#name),
        (Presence::Optional | Presence::RequiredNullable, true) => quote!(page.#name.map(i64::from)),
        (Presence::OptionalNullable, false) => quote!(page.#name.as_option().copied()),
        (Presence::OptionalNullable, true) => quote!(page.#name.as_option().copied().map(i64::from)),
    };
    quote!(|page: &#page_ty| #value)
}

/// The next cursor of a page (`page`), as an `Option<&str>`.
fn paging_next_cursor(field: &crate::ir::Field) -> TokenStream {
    let name = ident(&field.rust_name);
    match field.presence {
        Presence::Required => quote!(Some(page.#name.as_str())),
        Presence::Optional | Presence::RequiredNullable => quote!(page.#name.as_deref()),
        Presence::OptionalNullable => quote!(page.#name.as_option().map(String::as_str)),
    }
}
