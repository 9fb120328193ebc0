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

/// The Rust type of a struct field or union variant: boxed when the analysis
/// says so (`boxed` in the IR: the member is on a cycle of types).
pub fn member_type(t: &TypeRef, boxed: bool) -> TokenStream {
    let inner = rust_type(t);
    if boxed { quote!(::std::boxed::Box<#inner>) } else { inner }
}

/// The Rust type of a field, boxed as the IR says and wrapped for its presence.
pub fn field_type(t: &TypeRef, presence: Presence, boxed: bool) -> TokenStream {
    let inner = member_type(t, boxed);
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
