//! Structs and open enums of `src/models.rs`.
//!
//! Hygiene: schema types are defined in this module, so a schema may shadow
//! any name of the prelude here (`Result`, `Option`, `String`, `Default`,
//! `From`). Everything emitted into it names std, core, serde and the crate's
//! own items by absolute path, and implementations say `Self::Variant`, not
//! `Name::Variant`, where a generic parameter (`S`, `D`) could shadow `Name`.
//! Derives stay short (`Debug`, `Default`): macros have their own namespace,
//! which a type cannot enter. The other generated modules never see a schema's
//! name unqualified (they write `crate::models::X`), so only the type tokens
//! they share with this module (`emit/types.rs`) are absolute there.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, doc_or};
use super::types::{field_type, member_type, rust_type};
use super::validation::{structs_to_validate, validate_impl};

use crate::ir::{Api, Enum, Field, Presence, Struct, TypeDef, TypeRef, Union};
use crate::names::ident;

/// What every type of `models.rs` needs to know about the others (and the
/// operations too: which structs validate), read off the API once per emit.
pub struct ModelsContext {
    validated: std::collections::BTreeSet<String>,
    queried: std::collections::BTreeSet<String>,
    sent: std::collections::BTreeSet<String>,
    names: std::collections::BTreeSet<String>,
    /// The constant tags (`const_tag!`): fields of them need no value.
    constants: std::collections::BTreeSet<String>,
    /// The tag features a type needs, when only some tags' operations use it.
    gates: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

impl ModelsContext {
    /// Reads, once, which structs validate and which enums are sent as query parameters.
    pub fn new(api: &Api) -> Self {
        ModelsContext {
            validated: structs_to_validate(api),
            queried: crate::analyse::enums_sent_in_query(api),
            sent: crate::analyse::sent_structs(api),
            names: api.types.iter().map(|t| t.rust_name().to_string()).collect(),
            constants: api.types.iter().filter(|t| matches!(t, TypeDef::Enum(e) if e.constant)).map(|t| t.rust_name().to_string()).collect(),
            gates: crate::analyse::type_features(api),
        }
    }

    /// `#[cfg(any(feature = "tag", …))]` for a type only some tags' operations use.
    fn gate(&self, name: &str) -> TokenStream {
        self.gates.get(name).map(super::feature_gate).unwrap_or_default()
    }

    /// Whether the caller gives the field's value: false for a required
    /// constant tag, which `Default` fills (builders and `new` leave it out).
    fn asked(&self, f: &Field) -> bool {
        !(f.presence == Presence::Required && matches!(&f.ty, TypeRef::Named(n) if self.constants.contains(n)))
    }

    /// Whether the caller must give some field of `s` (a required one that is
    /// not a constant tag): such a struct has `builder()`, and no `Default`.
    fn asks_required(&self, s: &Struct) -> bool {
        s.fields.iter().any(|f| f.presence == Presence::Required && self.asked(f))
    }

    /// The structs that have something to check before a request is sent.
    pub fn validated(&self) -> &std::collections::BTreeSet<String> {
        &self.validated
    }
}

/// The head of `models.rs`: its docs and inner attributes.
pub fn models_head() -> TokenStream {
    quote! {
        //! Request and response types of the API.
        // Deprecated fields stay usable here (serde, constructors, validation);
        // callers still get the deprecation warning.
        #![allow(deprecated)]
        // Field types follow the schemas (maps of maps of arrays …); naming each
        // nesting would invent names the document does not have.
        #![allow(clippy::type_complexity)]
    }
}

/// The items of `types` (consecutive types of the API, so that a file can be
/// built from pieces in any number of jobs).
pub fn model_items(types: &[TypeDef], cx: &ModelsContext) -> TokenStream {
    // Every item of a type carries its gate (the tag features that use it).
    let items = types.iter().map(|t| {
        let gate = cx.gate(t.rust_name());
        match t {
            TypeDef::Struct(s) => {
                let def = struct_def(s, cx, &gate);
                let validate = validate_impl(s, &cx.validated);
                let validate = (!validate.is_empty()).then(|| quote!(#gate #validate));
                quote!(#def #validate)
            }
            TypeDef::Enum(e) => {
                let def = if e.constant { const_def(e) } else { enum_def(e) };
                let name = ident(&e.rust_name);
                let query = cx.queried.contains(&e.rust_name).then(|| quote!(#gate crate::runtime::open_enum_query!(#name);));
                quote!(#gate #def #query)
            }
            TypeDef::Union(u) => union_def(u, &gate),
        }
    });
    quote!(#(#items)*)
}

/// A struct, `#[non_exhaustive]` so that a field the API adds later breaks no
/// caller: built with `builder()` (when it has required fields) or `Default`,
/// and, when requests send it, `new(required…)` and chained `with_…` setters.
fn struct_def(s: &Struct, cx: &ModelsContext, gate: &TokenStream) -> TokenStream {
    let name = ident(&s.rust_name);
    let docs = doc_or(&[s.docs.as_deref()], &format!("The `{}` object.", s.name));
    let fields = s.fields.iter().map(field_def);
    let additional = s.additional.as_ref().map(|t| {
        let ty = rust_type(t);
        quote! {
            /// Properties not declared in the schema.
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let has_required = cx.asks_required(s);
    let default = (!has_required).then(|| quote!(Default,));
    let sent = cx.sent.contains(&s.rust_name);
    let gated = |item: Option<TokenStream>| item.map(|item| quote!(#gate #item));
    let constructor = gated((sent && has_required).then(|| constructor(s, cx)));
    let setters = gated(sent.then(|| with_setters(s)).flatten());
    let model = model_macro(s, cx);
    quote! {
        #docs
        #gate
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #gate
        #model
        #constructor
        #setters
    }
}

/// `Serialize`, `Deserialize` and, when it has required fields, `builder()`,
/// through the runtime's `model!`: each field's kind, value type, and key
/// when that is not its name.
fn model_macro(s: &Struct, cx: &ModelsContext) -> TokenStream {
    let name = ident(&s.rust_name);
    let fields = s.fields.iter().map(|f| {
        let kind = match f.presence {
            Presence::Required if !cx.asked(f) => quote!(tag),
            Presence::Required => quote!(req),
            Presence::RequiredNullable => quote!(nreq),
            Presence::Optional => quote!(opt),
            Presence::OptionalNullable => quote!(null),
        };
        let field = ident(&f.rust_name);
        let ty = member_type(&f.ty, f.boxed);
        // `r#type` too: `stringify!` would give the `r#`.
        let wire = &f.name;
        let key = (field != wire.as_str()).then(|| quote!(= #wire));
        quote!(#kind #field: #ty #key)
    });
    let builder = builder_name(s, cx).map(|b| quote!(=> #b));
    let rest = s.additional.as_ref().map(|_| quote!(additional_properties));
    quote!(crate::runtime::model!(#name #builder { #(#fields),* } #rest);)
}

/// The name of the struct's builder (`Model::builder()`): for a struct with a
/// field the caller must give, unless a field is called `build` (its setter
/// would be the builder's `build()`). `XBuilder` unless the API has a type of that name.
fn builder_name(s: &Struct, cx: &ModelsContext) -> Option<proc_macro2::Ident> {
    if !cx.asks_required(s) || s.fields.iter().any(|f| f.rust_name.bare() == "build") {
        return None;
    }
    [format!("{}Builder", s.rust_name), format!("{}ValueBuilder", s.rust_name)].into_iter().find(|n| !cx.names.contains(n)).map(|n| ident(&n))
}

/// How `model_setters!` stores an optional field: `opt`ional (an `Option`)
/// or `null`able (a `Nullable`); with the type of the value a setter takes.
fn field_kind(f: &Field) -> (proc_macro2::Ident, TokenStream) {
    let kind = if f.presence == Presence::OptionalNullable { "null" } else { "opt" };
    (quote::format_ident!("{kind}"), member_type(&f.ty, f.boxed))
}

/// `with_…` setters for the optional fields, through the runtime's `model_setters!`.
fn with_setters(s: &Struct) -> Option<TokenStream> {
    let optional: Vec<&Field> = s.fields.iter().filter(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable)).collect();
    if optional.is_empty() {
        return None;
    }
    let name = ident(&s.rust_name);
    let fields: std::collections::BTreeSet<&str> = s.fields.iter().map(|f| f.rust_name.bare()).collect();
    let setters = optional.iter().map(|f| {
        // `_01ai` → `with_01ai`, unless the struct also has a field `01ai`'s setter would name.
        let bare = f.rust_name.bare();
        let trimmed = bare.trim_start_matches('_');
        let stem = if trimmed.is_empty() || (trimmed != bare && fields.contains(trimmed)) { bare } else { trimmed };
        let setter = quote::format_ident!("with_{}", stem);
        let n = ident(&f.rust_name);
        let (kind, ty) = field_kind(f);
        quote!(#setter => #kind #n: #ty)
    });
    Some(quote!(crate::runtime::model_setters!(#name { #(#setters),* });))
}

fn field_def(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let ty = field_type(&f.ty, f.presence, f.boxed);
    let mut text = f.docs.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| format!("The `{}` property.", f.name));
    if let Some(value) = &f.const_value {
        text.push_str(&format!("\n\nAlways `{value}`."));
    }
    if f.presence == Presence::OptionalNullable {
        text.push_str("\n\nThree states: `Absent` (not sent), `Null` (sent as `null`) or a value.");
    }
    let docs = doc(&text);
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

/// `new(required fields…)`; the other fields start absent (constant tags at their value).
fn constructor(s: &Struct, cx: &ModelsContext) -> TokenStream {
    let name = ident(&s.rust_name);
    let given = |f: &Field| matches!(f.presence, Presence::Required | Presence::RequiredNullable) && cx.asked(f);
    let required: Vec<&Field> = s.fields.iter().filter(|f| given(f)).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.rust_name);
        let ty = field_type(&f.ty, f.presence, f.boxed);
        quote!(#n: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if given(f) {
            quote!(#n)
        } else {
            quote!(#n: ::core::default::Default::default())
        }
    });
    let additional = s.additional.as_ref().map(|_| quote!(additional_properties: ::core::default::Default::default(),));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            /// Creates the value from its required fields; optional fields start absent.
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #additional }
            }
        }
    }
}

/// An open enum, written by the runtime's `open_enum!`: one `Variant = "value"` per value.
fn enum_def(e: &Enum) -> TokenStream {
    let name = ident(&e.rust_name);
    let docs = doc_or(&[e.docs.as_deref()], &format!("The `{}` values.", e.name));
    let catch_all = ident(&e.catch_all);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = &v.value;
        quote!(#variant = #value)
    });
    quote! {
        crate::runtime::open_enum!(#docs #name, #catch_all { #(#variants),* });
    }
}

/// A constant tag, written by the runtime's `const_tag!`: a zero-sized type of one value.
fn const_def(e: &Enum) -> TokenStream {
    let name = ident(&e.rust_name);
    let docs = doc_or(&[e.docs.as_deref()], &format!("The `{}` value.", e.name));
    let value = e.variants.first().map(|v| v.value.as_str()).expect("a constant tag has one value (`analyse::constants`)");
    quote! {
        crate::runtime::const_tag!(#docs #name = #value);
    }
}

/// A union: tagged unions dispatch on the tag's value; untagged ones try each
/// variant in order. Both keep values this SDK does not know as raw JSON, in
/// the catch-all variant the IR names (an untagged union whose IR has none
/// already takes every value).
fn union_def(u: &Union, gate: &TokenStream) -> TokenStream {
    let name = ident(&u.rust_name);
    let docs = doc_or(&[u.docs.as_deref()], &format!("One of several shapes (`{}`).", u.name));
    let catch_all = u.catch_all.as_deref().map(ident);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<TokenStream> = u.variants.iter().map(|v| member_type(&v.ty, v.boxed)).collect();
    let variant_docs: Vec<String> = u
        .variants
        .iter()
        .map(|v| match (&u.tag, &v.tag_value) {
            (Some(tag), Some(value)) => format!(" `{tag}` is `{value}`."),
            _ => format!(" A `{}` value.", v.rust_name),
        })
        .collect();
    match (&u.tag, catch_all) {
        (Some(tag), Some(catch_all)) => {
            let values: Vec<&str> = u.variants.iter().map(|v| v.tag_value.as_deref().unwrap_or_default()).collect();
            let tag_doc = format!(" The `{tag}` property tells the variants apart; an unknown `{tag}` decodes into `{catch_all}`.");
            quote! {
                #docs
                ///
                #[doc = #tag_doc]
                #gate
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                // Variants hold decoded API objects of very different sizes; boxing
                // them all would cost an allocation per value for no gain here.
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#[doc = #variant_docs] #variants(#types),)*
                    /// A variant this version of the SDK does not know; kept as received.
                    #catch_all(::serde_json::Value),
                }
                #gate
                crate::runtime::tagged_union!(#name, #tag, #catch_all { #(#variants = #values),* });
            }
        }
        (Some(_), None) => unreachable!("analysis names the catch-all of every tagged union (`{}`)", u.pointer),
        (None, catch_all) => {
            let unknown = catch_all.map(|catch_all| {
                quote! {
                    /// A value that matches none of the variants; kept as received.
                    #catch_all(::serde_json::Value),
                }
            });
            quote! {
                #docs
                ///
                /// Decoding tries the variants in order and takes the first that fits.
                #gate
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#[doc = #variant_docs] #variants(#types),)*
                    #unknown
                }
            }
        }
    }
}
