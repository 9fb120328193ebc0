//! Machinery shared by every operation: secrets, tri-state fields, errors,
//! encodings, retries and the bounded HTTP transport. Written once, vendored
//! into each generated crate as `src/runtime/`.
//!
//! Modules refer to each other through `super::`, never `crate::`, so that the
//! same files compile here (where this is the crate root) and as a module of a
//! generated crate. Parts that only some APIs use are behind Cargo features
//! (see `Cargo.toml`); the generator cuts out the disabled ones when it vendors.
#![forbid(unsafe_code)]

#[cfg(feature = "operations")]
pub mod call;
pub mod errors;
pub mod hooks;
#[cfg(feature = "idempotency")]
pub mod idempotency;
pub mod nullable;
#[cfg(any(feature = "query", feature = "query-json"))]
pub mod query;
pub mod request;
#[cfg(feature = "operations")]
pub mod response;
pub mod retry;
pub mod secret;
pub mod transport;
#[cfg(any(
    feature = "validate",
    feature = "validate-length",
    feature = "validate-items",
    feature = "validate-range",
    feature = "validate-pattern",
    feature = "uuid"
))]
pub mod validation;
#[cfg(any(feature = "json-body", feature = "form"))]
pub mod body;
#[cfg(feature = "file-upload")]
pub mod file;
#[cfg(feature = "multipart")]
pub mod multipart;
#[cfg(any(feature = "path-params", feature = "uuid"))]
pub mod path;
#[cfg(any(feature = "pagination", feature = "cursor-pagination"))]
pub mod pagination;
#[cfg(feature = "auth-oauth2")]
pub mod oauth2;
#[cfg(feature = "sse")]
pub mod sse;
#[cfg(any(feature = "form", feature = "query-json", feature = "wire-text", feature = "multipart-text"))]
pub mod text;

/// The traits every open enum gets from its `as_str` and `From<&str>`:
/// `Display`, `FromStr` and serde. A macro so that each of the
/// (sometimes hundreds of) generated enums does not repeat them.
///
/// It expands in `models.rs`, beside types named after the API's schemas
/// (`Result`, `Option`, `S`), so every path is absolute and the enum is `Self`.
#[cfg(feature = "open-enum")]
#[allow(unused_macros)] // invoked by generated code, and here only by tests
macro_rules! open_enum_traits {
    ($name:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, ::core::convert::Infallible> {
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(&value))
            }
        }
    };
}
#[cfg(feature = "open-enum")]
#[allow(unused_imports)] // used by generated code, and here only by tests
pub(crate) use open_enum_traits;

/// Query encoding for an open enum sent as a query parameter (by its wire value).
/// Absolute paths, as in `open_enum_traits`.
#[cfg(all(feature = "open-enum", feature = "query"))]
#[allow(unused_macros)] // invoked by generated code, and here only by tests
macro_rules! open_enum_query {
    ($name:ident) => {
        impl $crate::runtime::query::ToQuery for $name {
            fn push_query(&self, name: &'static str, out: &mut $crate::runtime::query::QueryPairs) {
                out.push((::std::borrow::Cow::Borrowed(name), ::std::string::String::from(self.as_str())));
            }
        }
    };
}
#[cfg(all(feature = "open-enum", feature = "query"))]
#[allow(unused_imports)] // used by generated code, and here only by tests
pub(crate) use open_enum_query;

/// In a generated crate this module is `crate::runtime`; the tests of this
/// crate see it under the same path, so the macro above expands the same way.
#[cfg(test)]
mod runtime {
    pub use super::query;
}

#[cfg(test)]
mod open_enum_tests {
    /// An open enum as the generator writes one.
    #[derive(Debug, Clone, PartialEq)]
    enum Colour {
        Red,
        Unknown(String),
    }

    impl Colour {
        fn as_str(&self) -> &str {
            match self {
                Colour::Red => "red",
                Colour::Unknown(other) => other,
            }
        }
    }

    impl From<&str> for Colour {
        fn from(value: &str) -> Self {
            match value {
                "red" => Colour::Red,
                other => Colour::Unknown(other.to_string()),
            }
        }
    }

    crate::open_enum_traits!(Colour);
    crate::open_enum_query!(Colour);

    #[test]
    fn open_enums_round_trip_known_and_unknown_values() {
        let decoded: Vec<Colour> = serde_json::from_str(r#"["red","mauve"]"#).unwrap();
        assert_eq!(decoded, vec![Colour::Red, Colour::Unknown("mauve".into())]);
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"["red","mauve"]"#);
        assert_eq!("mauve".parse::<Colour>().unwrap().to_string(), "mauve");
        let mut query = Vec::new();
        crate::query::ToQuery::push_query(&Colour::Red, "colour", &mut query);
        assert_eq!(query, vec![("colour".into(), "red".to_string())]);
    }
}
