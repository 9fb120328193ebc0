//! Machinery shared by every operation: secrets, tri-state fields, errors,
//! encodings, retries and the bounded HTTP transport. Written once, vendored
//! beside each generated crate as a crate of its own (`runtime/`, named
//! `<crate>-runtime`), which the generated crate uses as `crate::runtime`.
//!
//! A crate of its own, not a module, so that regenerating an API recompiles
//! only the API's code: the runtime changes only when the generator does.
//! Its items are `pub` for the generated crate, which re-exports the ones its
//! users see; everything else is internal to the SDK. Macros are
//! `#[macro_export]` and name this crate as `$crate`.
//!
//! Parts that only some APIs use are behind Cargo features (see `Cargo.toml`);
//! the generator cuts out the disabled ones when it vendors.
#![forbid(unsafe_code)]

#[cfg(feature = "operations")]
pub mod call;
// What the generator writes from the document (`RetryPolicy::default`, the `User-Agent`).
mod api;
pub mod errors;
pub mod hooks;
#[cfg(feature = "idempotency")]
pub mod idempotency;
#[cfg(feature = "models")]
pub mod model;
pub mod nullable;
pub use nullable::Nullable;
#[cfg(any(feature = "query", feature = "query-json"))]
pub mod query;
pub mod request;
#[cfg(feature = "operations")]
pub mod response;
pub mod retry;
pub mod secret;
pub mod tls;
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
// `testing` is the generated crate's own feature (kept as a cfg when vendored).
#[cfg(feature = "operations")]
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "operations")]
pub mod untyped;
#[cfg(any(feature = "form", feature = "query-json", feature = "wire-text", feature = "multipart-text"))]
pub mod text;

/// A value of an open enum that this version of the SDK does not know, as
/// received. Only the crate makes one (when decoding, or in `From<&str>`,
/// which gives the named variant for every known value), so the catch-all
/// variant never holds a known value and equality stays by value.
#[cfg(feature = "open-enum")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(pub(crate) String);

#[cfg(feature = "open-enum")]
impl UnknownValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For `open_enum!`, which expands in the generated crate: only for a value
    /// that no variant has.
    #[doc(hidden)]
    pub fn __unknown(value: String) -> Self {
        UnknownValue(value)
    }
}

#[cfg(feature = "open-enum")]
impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An open string enum: a variant per known value (documented by its wire
/// value), a catch-all variant holding an [`UnknownValue`], `KNOWN`,
/// `as_str`, `From<&str>` (which normalises: a known value never lands in the
/// catch-all), and the traits of `open_enum_traits!`. A macro so that each of
/// the (sometimes hundreds of) enums of an API is one line per value.
#[cfg(feature = "open-enum")]
// The macros' non-generic methods are `#[inline]`: compiled in the crates that
// use them, not for each of a large API's hundreds of types when it is built.
#[macro_export]
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident, $catch_all:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        ///
        /// Open: values added to the API later decode into the catch-all variant instead of failing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = ::core::concat!("`", $value, "`")] $variant, )*
            /// A value this version of the SDK does not know; kept as received.
            /// (`From<&str>` gives the named variant for every known value.)
            $catch_all($crate::UnknownValue),
        }

        impl $name {
            /// Every value this version of the SDK knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )*
                    $name::$catch_all(value) => value.as_str(),
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $( $value => $name::$variant, )*
                    other => $name::$catch_all($crate::UnknownValue::__unknown(::std::string::String::from(other))),
                }
            }
        }

        $crate::open_enum_traits!($name);
    };
}

/// The traits every open enum gets from its `as_str` and `From<&str>`:
/// `Display`, `FromStr` and serde. A macro so that each of the
/// (sometimes hundreds of) generated enums does not repeat them.
///
/// It expands in `models.rs`, beside types named after the API's schemas
/// (`Result`, `Option`, `S`), so every path is absolute and the enum is `Self`.
#[cfg(feature = "open-enum")]
#[macro_export]
macro_rules! open_enum_traits {
    ($name:ident) => {
        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            #[inline]
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

/// Query encoding for an open enum (or a `const_tag!`) sent as a query
/// parameter (by its wire value). Absolute paths, as in `open_enum_traits`.
#[cfg(all(any(feature = "open-enum", feature = "const-tag"), feature = "query"))]
#[macro_export]
macro_rules! open_enum_query {
    ($name:ident) => {
        impl $crate::query::ToQuery for $name {
            #[inline]
            fn push_query(&self, name: &'static str, out: &mut $crate::query::QueryPairs) {
                out.push((::std::borrow::Cow::Borrowed(name), ::std::string::String::from(self.as_str())));
            }
        }
    };
}

/// A constant tag: the one value a tagged union's variant has in its tag
/// property (`type: direct`), as a zero-sized type instead of an open enum
/// (the generator's `analyse::constants` says which enums these are).
/// `const_tag!(#[doc = "…"] DirectType = "direct")` writes a unit struct with
/// `VALUE` and `as_str`, `Default` (so builders and constructors fill fields
/// of it: the caller never writes the tag), and serde: it is written as its
/// value, and decodes from that value only.
///
/// Decoding is strict, and the property stays required on the wire: a value
/// of the struct that holds the tag is always the variant it names, also
/// decoded on its own (outside the union) or tried in turn by an untagged
/// union. An unknown tag is the union's business: it dispatches on the tag
/// before decoding a variant and keeps what it does not know in its
/// catch-all variant.
///
/// Each tag expands to a few lines; decoding goes through [`expect_const`],
/// compiled once per deserializer rather than once per tag.
#[cfg(feature = "const-tag")]
#[macro_export]
macro_rules! const_tag {
    ($(#[$meta:meta])* $name:ident = $value:literal) => {
        $(#[$meta])*
        ///
        #[doc = ::core::concat!("Always `", $value, "`: a constant, which [`Default`] gives.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl $name {
            /// The one value.
            pub const VALUE: &'static str = $value;

            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &'static str {
                $value
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str($value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::expect_const(deserializer, $value).map(|()| Self)
            }
        }
    };
}

/// Decodes the string `value` and nothing else (see `const_tag!`).
#[cfg(feature = "const-tag")]
pub fn expect_const<'de, D: serde::Deserializer<'de>>(deserializer: D, value: &'static str) -> Result<(), D::Error> {
    struct Expect(&'static str);

    impl serde::de::Visitor<'_> for Expect {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "the string `{}`", self.0)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
            if v == self.0 { Ok(()) } else { Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)) }
        }
    }

    deserializer.deserialize_str(Expect(value))
}

/// Serde for a tagged union (the enum is written beside it):
/// `tagged_union!(Shape, "type", Unknown { Circle = "circle", Square = "square" })`.
/// A value is written as the variant it holds. Decoding reads the tag first: a
/// known tag decodes its variant (the tag stays in the object, as each
/// variant's struct declares it too), anything else is kept, as received, in
/// the catch-all variant. Paths are absolute, as in `open_enum_traits!`.
#[cfg(feature = "tagged-union")]
#[macro_export]
macro_rules! tagged_union {
    ($name:ident, $tag:literal, $catch_all:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(value) => ::serde::Serialize::serialize(value, serializer), )*
                    Self::$catch_all(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let decoded = match value.get($tag).and_then(::serde_json::Value::as_str) {
                    $( ::core::option::Option::Some($wire) => ::serde_json::from_value(value).map(Self::$variant), )*
                    _ => ::core::result::Result::Ok(Self::$catch_all(value)),
                };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}


#[cfg(test)]
mod open_enum_tests {
    crate::open_enum!(
        /// Colours, as the generator writes an enum.
        Colour, Unknown { Red = "red", DarkBlue = "dark-blue" }
    );
    crate::open_enum_query!(Colour);

    #[test]
    fn open_enums_round_trip_known_and_unknown_values() {
        let decoded: Vec<Colour> = serde_json::from_str(r#"["red","mauve"]"#).unwrap();
        assert_eq!(decoded[0], Colour::Red);
        assert!(matches!(&decoded[1], Colour::Unknown(v) if v.as_str() == "mauve"));
        assert_eq!(Colour::from("dark-blue"), Colour::DarkBlue, "a known value is never the catch-all");
        assert_eq!(Colour::KNOWN, &[Colour::Red, Colour::DarkBlue]);
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"["red","mauve"]"#);
        assert_eq!("mauve".parse::<Colour>().unwrap().to_string(), "mauve");
        let mut query = Vec::new();
        crate::query::ToQuery::push_query(&Colour::Red, "colour", &mut query);
        assert_eq!(query, vec![("colour".into(), "red".to_string())]);
    }
}

#[cfg(test)]
mod const_tag_tests {
    crate::const_tag!(
        /// The tag of a direct call, as the generator writes a constant.
        DirectType = "direct"
    );
    crate::open_enum_query!(DirectType);

    #[derive(Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
    struct Direct {
        r#type: DirectType,
        id: Option<String>,
    }

    #[test]
    fn a_constant_writes_its_value_and_reads_nothing_else() {
        assert_eq!(std::mem::size_of::<DirectType>(), 0);
        assert_eq!((DirectType::VALUE, DirectType.as_str()), ("direct", "direct"));
        assert_eq!(serde_json::to_string(&Direct::default()).unwrap(), r#"{"type":"direct","id":null}"#);
        let decoded: Direct = serde_json::from_str(r#"{"type":"direct","id":"a"}"#).unwrap();
        assert_eq!(decoded, Direct { r#type: DirectType, id: Some("a".into()) });
        // From a `serde_json::Value` too (as a tagged union decodes its variants).
        assert_eq!(serde_json::from_value::<DirectType>(serde_json::json!("direct")).unwrap(), DirectType);

        let wrong = serde_json::from_str::<Direct>(r#"{"type":"tool"}"#).unwrap_err().to_string();
        assert!(wrong.contains("invalid value: string \"tool\", expected the string `direct`"), "{wrong}");
        let absent = serde_json::from_str::<Direct>(r#"{"id":"a"}"#).unwrap_err().to_string();
        assert!(absent.contains("missing field `type`"), "{absent}");
        assert!(serde_json::from_str::<DirectType>("7").is_err());

        let mut query = Vec::new();
        crate::query::ToQuery::push_query(&DirectType, "type", &mut query);
        assert_eq!(query, vec![("type".into(), "direct".to_string())]);
    }
}

#[cfg(test)]
#[allow(dead_code)] // the constant's own methods are tested in `const_tag_tests`
mod tagged_union_tests {
    crate::const_tag!(
        /// The circle's tag.
        CircleKind = "circle"
    );

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Circle {
        kind: CircleKind,
        radius: f64,
    }

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Square {
        kind: String,
        side: f64,
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Shape {
        Circle(Circle),
        Square(Square),
        Unknown(serde_json::Value),
    }
    crate::tagged_union!(Shape, "kind", Unknown { Circle = "circle", Square = "square" });

    #[test]
    fn the_tag_picks_the_variant_and_an_unknown_tag_is_kept() {
        let shapes: Vec<Shape> = serde_json::from_str(r#"[{"kind":"circle","radius":1.5},{"side":2,"kind":"square"},{"kind":"hexagon","n":6},{"radius":1}]"#).unwrap();
        assert_eq!(shapes[0], Shape::Circle(Circle { kind: CircleKind, radius: 1.5 }));
        assert_eq!(shapes[1], Shape::Square(Square { kind: "square".into(), side: 2.0 }));
        assert_eq!(shapes[2], Shape::Unknown(serde_json::json!({"kind": "hexagon", "n": 6})));
        assert_eq!(shapes[3], Shape::Unknown(serde_json::json!({"radius": 1})), "no tag: kept as received");
        assert_eq!(serde_json::to_string(&shapes).unwrap(), r#"[{"kind":"circle","radius":1.5},{"kind":"square","side":2.0},{"kind":"hexagon","n":6},{"radius":1}]"#);
        let wrong = serde_json::from_str::<Shape>(r#"{"kind":"circle","radius":"big"}"#).unwrap_err().to_string();
        assert!(wrong.contains("invalid type: string \"big\", expected f64"), "{wrong}");
    }
}
