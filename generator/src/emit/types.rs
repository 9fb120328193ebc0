//! IR type references → Rust type tokens.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Presence, TypeRef};
use crate::names::ident;

/// The Rust type of a value.
pub fn rust_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(crate::SecretString),
        TypeRef::Integer { bits: 32 } => quote!(i32),
        TypeRef::Integer { .. } => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Array(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) if **value == TypeRef::Any => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Map(value) => {
            let value = rust_type(value);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(crate::models::#name)
        }
    }
}

/// The Rust type of a field, wrapped for its presence.
pub fn field_type(t: &TypeRef, presence: Presence) -> TokenStream {
    let inner = rust_type(t);
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(crate::Nullable<#inner>),
    }
}

/// Setter argument type and the conversion to the stored type, for ergonomic builders:
/// strings take `impl Into<String>`.
pub fn setter_arg(t: &TypeRef) -> (TokenStream, TokenStream) {
    match t {
        TypeRef::String => (quote!(impl Into<String>), quote!(.into())),
        TypeRef::Secret => (quote!(impl Into<crate::SecretString>), quote!(.into())),
        other => (rust_type(other), quote!()),
    }
}
