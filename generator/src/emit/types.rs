//! IR type references → Rust type tokens.
//!
//! Every path is absolute (`::std::string::String`, `crate::models::X`): these
//! tokens land in `models.rs` too, where a schema may be called `String` or `Vec`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Presence, TypeRef};
use crate::names::ident;

/// The Rust type of a value.
pub fn rust_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Secret => quote!(crate::SecretString),
        TypeRef::Integer { bits: 32 } => quote!(i32),
        TypeRef::Integer { .. } => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Binary => quote!(crate::FileUpload),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Array(item) => {
            let item = rust_type(item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) if **value == TypeRef::Any => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        TypeRef::Map(value) => {
            let value = rust_type(value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(crate::models::#name)
        }
    }
}

/// The Rust type of a field, wrapped for its presence; `boxed` breaks a
/// cycle of types that would otherwise contain themselves.
pub fn field_type(t: &TypeRef, presence: Presence, boxed: bool) -> TokenStream {
    let inner = rust_type(t);
    let inner = if boxed { quote!(::std::boxed::Box<#inner>) } else { inner };
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(::core::option::Option<#inner>),
        Presence::OptionalNullable => quote!(crate::Nullable<#inner>),
    }
}

/// Setter argument type and the conversion to the stored type, for ergonomic builders:
/// strings take `impl Into<String>`.
pub fn setter_arg(t: &TypeRef) -> (TokenStream, TokenStream) {
    match t {
        TypeRef::String => (quote!(impl ::core::convert::Into<::std::string::String>), quote!(.into())),
        TypeRef::Secret => (quote!(impl ::core::convert::Into<crate::SecretString>), quote!(.into())),
        other => (rust_type(other), quote!()),
    }
}

/// Fields (`(type, field)`) and union variants (`(union, variant)`) that must be
/// boxed: those whose type leads back to their owner through fields and
/// variants held inline (not through a `Vec` or map, which already allocate).
pub fn boxed_members(api: &crate::ir::Api) -> std::collections::BTreeSet<(String, String)> {
    use crate::ir::TypeDef;
    use std::collections::{BTreeMap, BTreeSet};
    let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for t in &api.types {
        let out = edges.entry(t.rust_name()).or_default();
        match t {
            TypeDef::Struct(s) => {
                for f in &s.fields {
                    if let TypeRef::Named(n) = &f.ty {
                        out.push((f.rust_name.as_str(), n.as_str()));
                    }
                }
            }
            TypeDef::Union(u) => {
                for v in &u.variants {
                    if let TypeRef::Named(n) = &v.ty {
                        out.push((v.rust_name.as_str(), n.as_str()));
                    }
                }
            }
            TypeDef::Enum(_) => {}
        }
    }
    let reaches = |from: &str, target: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            if node == target {
                return true;
            }
            if seen.insert(node) {
                stack.extend(edges.get(node).into_iter().flatten().map(|(_, to)| *to));
            }
        }
        false
    };
    let mut boxed = BTreeSet::new();
    for (owner, members) in &edges {
        for (member, to) in members {
            if reaches(to, owner) {
                boxed.insert((owner.to_string(), member.to_string()));
            }
        }
    }
    boxed
}
