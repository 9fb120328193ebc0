//! Client-side checks of the document's constraints (lengths, ranges, item
//! counts, patterns), emitted as code that runs before a request is sent.
//! Paths are absolute: the checks of a struct are emitted into `models.rs`,
//! where a schema may be called `Option` or `Result`.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

pub use crate::analyse::{needs_check, structs_to_validate};
use crate::ir::{Constraints, Presence, Struct, TypeRef};
use crate::names::ident;

/// Statements checking the variable `value` (of type `&T`) at the variable
/// `path` (a closure naming the field, called only when a check fails).
pub fn checks(ty: &TypeRef, c: &Constraints, path: &Ident, value: &Ident, validated: &BTreeSet<String>) -> TokenStream {
    let opt_usize = |v: Option<usize>| match v {
        Some(n) => {
            let n = Literal::usize_unsuffixed(n);
            quote!(::core::option::Option::Some(#n))
        }
        None => quote!(::core::option::Option::None),
    };
    match ty {
        TypeRef::String | TypeRef::Secret => {
            let text = if *ty == TypeRef::Secret { quote!(#value.expose()) } else { quote!(#value.as_str()) };
            let mut out = TokenStream::new();
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (opt_usize(c.min_length), opt_usize(c.max_length));
                out.extend(quote!(crate::runtime::validation::check_length(&#path, #text, #min, #max)?;));
            }
            if c.uuid {
                out.extend(quote!(crate::runtime::validation::check_uuid(&#path, #text)?;));
            }
            if let Some(pattern) = &c.pattern {
                out.extend(quote! {
                    {
                        static PATTERN: ::std::sync::OnceLock<::core::option::Option<::regex_lite::Regex>> = ::std::sync::OnceLock::new();
                        crate::runtime::validation::check_pattern(&#path, #text, #pattern, &PATTERN)?;
                    }
                });
            }
            out
        }
        TypeRef::Integer { .. } | TypeRef::Number => {
            if c.minimum.is_none() && c.maximum.is_none() {
                return TokenStream::new();
            }
            let bound = |v: Option<f64>, exclusive: bool| match v {
                Some(n) => {
                    let n = Literal::f64_unsuffixed(n);
                    quote!(::core::option::Option::Some((#n, #exclusive)))
                }
                None => quote!(::core::option::Option::None),
            };
            let (min, max) = (bound(c.minimum, c.exclusive_minimum), bound(c.maximum, c.exclusive_maximum));
            let number = if *ty == TypeRef::Number { quote!(*#value) } else { quote!(*#value as f64) };
            quote!(crate::runtime::validation::check_range(&#path, #number, #min, #max)?;)
        }
        TypeRef::Array(inner) => {
            let mut out = TokenStream::new();
            if c.min_items.is_some() || c.max_items.is_some() {
                let (min, max) = (opt_usize(c.min_items), opt_usize(c.max_items));
                out.extend(quote!(crate::runtime::validation::check_items(&#path, #value.len(), #min, #max)?;));
            }
            let item_constraints = c.items.as_deref().cloned().unwrap_or_default();
            if needs_check(inner, &item_constraints, validated) {
                let (item_path, item) = (format_ident!("item_path"), format_ident!("item"));
                let item_checks = checks(inner, &item_constraints, &item_path, &item, validated);
                out.extend(quote! {
                    for (i, #item) in #value.iter().enumerate() {
                        let #item_path = || ::std::format!("{}[{i}]", #path());
                        #item_checks
                    }
                });
            }
            out
        }
        TypeRef::Named(n) if validated.contains(n) => quote!(crate::runtime::validation::Validate::validate(#value, &#path)?;),
        _ => TokenStream::new(),
    }
}

/// `impl Validate` for a struct that has something to check.
pub fn validate_impl(s: &Struct, validated: &BTreeSet<String>) -> TokenStream {
    if !validated.contains(&s.rust_name) {
        return TokenStream::new();
    }
    let name = ident(&s.rust_name);
    let fields = s.fields.iter().filter(|f| needs_check(&f.ty, &f.constraints, validated)).map(|f| {
        let field = ident(&f.rust_name);
        let (field_path, value) = (format_ident!("field_path"), format_ident!("value"));
        let body = checks(&f.ty, &f.constraints, &field_path, &value, validated);
        let wire = &f.name;
        let inner = quote! {
            let #field_path = || ::std::format!("{}.{}", path(), #wire);
            #body
        };
        match f.presence {
            Presence::Required => quote!({ let #value = &self.#field; #inner }),
            Presence::Optional | Presence::RequiredNullable => quote!(if let ::core::option::Option::Some(#value) = &self.#field { #inner }),
            Presence::OptionalNullable => quote!(if let crate::Nullable::Value(#value) = &self.#field { #inner }),
        }
    });
    quote! {
        impl crate::runtime::validation::Validate for #name {
            fn validate(&self, path: crate::runtime::validation::FieldPath<'_>) -> ::core::result::Result<(), crate::ValidationError> {
                #(#fields)*
                ::core::result::Result::Ok(())
            }
        }
    }
}
