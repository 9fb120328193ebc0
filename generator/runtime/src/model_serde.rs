//! Serde for model structs, written by `model_serde!` instead of serde's
//! derives.
//!
//! The derives write, for every struct, a field enum with three visitors, a
//! sequence visitor and a map visitor: about half the code of a large API's
//! crate, all of it type-checked and borrow-checked whenever the crate is
//! built. A model is only ever a JSON object, so `model_serde!` writes the map
//! visitor alone, one line per field, and the rest is here, compiled once.
//! What is decoded, and the errors, are the derive's: unknown keys are
//! skipped (or kept, for a struct with a map of undeclared properties), a
//! repeated key is ``duplicate field `x` ``, an absent required field is
//! ``missing field `x` `` (an `Option` one is `None`), a non-object is
//! `expected struct X`.

use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// Serialize and Deserialize for a model struct:
/// `model_serde!(Model { req a, opt b, null c = "c-wire" } rest)`.
///
/// Each field is `req`uired (always written; absent on decode is an error,
/// or `None` for a required nullable `Option`), `opt`ional (an `Option`:
/// written when `Some`, absent decodes as `None`) or `null`able (a
/// `Nullable`: written unless `Absent`). Its key is the field's name, or the
/// literal after `=`. The name after the braces is a map of the undeclared
/// properties: decoded from every other key and written after the fields.
///
/// It expands in `models.rs`, beside the API's types, so paths are absolute.
/// Field names are local variables of the decoder; macro hygiene keeps them
/// apart from the decoder's own (`map`, `key`).
#[allow(unused_macros)] // invoked by generated code
macro_rules! model_serde {
    ($model:ident { $($kind:ident $field:ident $(= $wire:literal)?),* $(,)? } $($rest:ident)?) => {
        impl ::serde::Serialize for $model {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let mut map = ::serde::Serializer::serialize_map(serializer, ::core::option::Option::None)?;
                $( $crate::runtime::model_serde!(@write $kind map, $crate::runtime::model_serde!(@key $field $($wire)?), &self.$field); )*
                $( for (key, value) in &self.$rest {
                    ::serde::ser::SerializeMap::serialize_entry(&mut map, key, value)?;
                } )?
                ::serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $model {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct Fields;

                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = $model;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(::core::concat!("struct ", ::core::stringify!($model)))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<$model, A::Error> {
                        $( let mut $field = ::core::option::Option::None; )*
                        $( let mut $rest = ::core::default::Default::default(); )?
                        // One exit per loop and one after it, not one per field: each exit
                        // drops every slot, so a `?` per field would be quadratic code.
                        while let ::core::option::Option::Some(key) = ::serde::de::MapAccess::next_key::<$crate::runtime::model_serde::Key<'de>>(&mut map)? {
                            let step = match key.as_str() {
                                $( $crate::runtime::model_serde!(@key $field $($wire)?) => {
                                    $crate::runtime::model_serde::field(&mut map, &mut $field, $crate::runtime::model_serde!(@key $field $($wire)?))
                                } )*
                                _ => $crate::runtime::model_serde!(@other map key $($rest)?),
                            };
                            step?;
                        }
                        #[allow(unused_mut)] // a struct may have no required field
                        let mut missing: ::core::option::Option<A::Error> = ::core::option::Option::None;
                        $( let $field = $crate::runtime::model_serde!(@take $kind $field, missing, $crate::runtime::model_serde!(@key $field $($wire)?)); )*
                        if let ::core::option::Option::Some(error) = missing {
                            return ::core::result::Result::Err(error);
                        }
                        ::core::result::Result::Ok($model {
                            $( $field: $crate::runtime::model_serde!(@give $kind $field), )*
                            $( $rest, )?
                        })
                    }
                }

                ::serde::Deserializer::deserialize_map(deserializer, Fields)
            }
        }
    };
    (@key $field:ident $wire:literal) => { $wire };
    (@key $field:ident) => { ::core::stringify!($field) };
    (@write req $map:ident, $key:expr, $value:expr) => {
        ::serde::ser::SerializeMap::serialize_entry(&mut $map, $key, $value)?
    };
    (@write opt $map:ident, $key:expr, $value:expr) => {
        if ::core::option::Option::is_some($value) {
            ::serde::ser::SerializeMap::serialize_entry(&mut $map, $key, $value)?
        }
    };
    (@write null $map:ident, $key:expr, $value:expr) => {
        if !$crate::Nullable::is_absent($value) {
            ::serde::ser::SerializeMap::serialize_entry(&mut $map, $key, $value)?
        }
    };
    (@other $map:ident $key:ident) => { $crate::runtime::model_serde::skip(&mut $map) };
    (@other $map:ident $key:ident $rest:ident) => {
        $crate::runtime::model_serde::extra(&mut $map, &mut $rest, $key)
    };
    (@take req $slot:ident, $missing:ident, $key:expr) => { $crate::runtime::model_serde::required($slot, &mut $missing, $key) };
    (@take opt $slot:ident, $missing:ident, $key:expr) => { ::core::option::Option::unwrap_or_default($slot) };
    (@take null $slot:ident, $missing:ident, $key:expr) => { ::core::option::Option::unwrap_or_default($slot) };
    (@give req $value:ident) => { $crate::runtime::model_serde::given($value) };
    (@give opt $value:ident) => { $value };
    (@give null $value:ident) => { $value };
}
#[allow(unused_imports)] // used by generated code
pub(crate) use model_serde;

/// A key of a JSON object, borrowed from the input where it can be (no
/// allocation per key when decoding from bytes).
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes the value of the field `name` into `slot`; a second one is an error.
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

#[cfg(feature = "models-skip")]
/// Skips the value of a key no field has.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

#[cfg(feature = "models-extra")]
/// Decodes the value of an undeclared property into the struct's map of them.
pub fn extra<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, extra: &mut std::collections::BTreeMap<String, T>, key: Key<'de>) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.0.into_owned(), value);
    Ok(())
}

#[cfg(feature = "models-required")]
/// The value of a required field; when it was absent, what serde's derive
/// gives: `None` for an `Option`, ``missing field `name` `` for anything else,
/// kept in `missing` (the first such error) and `None` returned.
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(slot: Option<T>, missing: &mut Option<E>, name: &'static str) -> Option<T> {
    match slot {
        Some(value) => Some(value),
        None => match T::deserialize(Missing(name, std::marker::PhantomData)) {
            Ok(value) => Some(value),
            Err(error) => {
                missing.get_or_insert(error);
                None
            }
        },
    }
}

#[cfg(feature = "models-required")]
/// A required field's value, once no field is missing (see `required`).
#[inline]
pub fn given<T>(value: Option<T>) -> T {
    match value {
        Some(value) => value,
        None => unreachable!("the decoder returns the missing field's error before building the struct"),
    }
}

#[cfg(feature = "models-required")]
/// The deserializer of an absent field: `None` to an `Option`, an error to anything else.
struct Missing<E>(&'static str, std::marker::PhantomData<E>);

#[cfg(feature = "models-required")]
impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use crate::Nullable;
    use std::collections::BTreeMap;

    /// A model as the generator writes one (derives other than serde's stay).
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Pet {
        id: String,
        nickname: Option<String>,
        owner: Nullable<String>,
        born: Option<i64>,
        r#type: String,
    }
    crate::runtime::model_serde!(Pet { req id, opt nickname, null owner, req born, req r#type = "type" });

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Open {
        name: Option<String>,
        additional_properties: BTreeMap<String, serde_json::Value>,
    }
    crate::runtime::model_serde!(Open { opt name } additional_properties);

    /// The same structs with serde's derive, to compare with.
    mod derived {
        use crate::Nullable;

        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        pub struct Pet {
            id: String,
            #[serde(default)]
            nickname: Option<String>,
            #[serde(default)]
            owner: Nullable<String>,
            born: Option<i64>,
            r#type: String,
        }
    }

    #[test]
    fn fields_round_trip_by_presence() {
        let pet = Pet { id: "p1".into(), nickname: None, owner: Nullable::Null, born: None, r#type: "cat".into() };
        let json = serde_json::to_string(&pet).unwrap();
        assert_eq!(json, r#"{"id":"p1","owner":null,"born":null,"type":"cat"}"#, "an absent `opt` is not written, a required `Option` is");
        assert_eq!(serde_json::from_str::<Pet>(&json).unwrap(), pet);

        let full = r#"{"type":"dog","born":2019,"nickname":"Rex","owner":"ann","id":"p2","unknown":[1,{"a":2}]}"#;
        let pet: Pet = serde_json::from_str(full).unwrap();
        assert_eq!(pet, Pet { id: "p2".into(), nickname: Some("Rex".into()), owner: Nullable::Value("ann".into()), born: Some(2019), r#type: "dog".into() });
        // Through a `serde_json::Value` too, as tagged unions decode their variants.
        assert_eq!(serde_json::from_value::<Pet>(serde_json::from_str(full).unwrap()).unwrap(), pet);

        let sparse: Pet = serde_json::from_str(r#"{"id":"p3","type":"cat"}"#).unwrap();
        assert_eq!((sparse.nickname, sparse.owner, sparse.born), (None, Nullable::Absent, None), "absent optional fields take their default, a required Option is None");
    }

    #[test]
    fn errors_are_the_derives() {
        let cases = [
            r#"{"type":"cat"}"#,
            r#"{"id":"a","id":"b","type":"cat"}"#,
            r#"{"id":7,"type":"cat"}"#,
            r#"["p1"]"#,
            r#""p1""#,
            r#"{"id":"p1","type":"cat","owner":5}"#,
        ];
        for case in cases {
            let ours = serde_json::from_str::<Pet>(case).unwrap_err().to_string();
            let theirs = serde_json::from_str::<derived::Pet>(case).unwrap_err().to_string();
            // The derive accepts a sequence for a struct; a model is only ever an object.
            if case.starts_with('[') {
                assert_eq!(ours, "invalid type: sequence, expected struct Pet at line 1 column 0");
            } else {
                assert_eq!(ours, theirs, "{case}");
            }
        }
        assert!(serde_json::from_str::<Pet>(r#"{"type":"cat"}"#).unwrap_err().to_string().starts_with("missing field `id`"));
    }

    #[test]
    fn undeclared_properties_are_kept_and_written_after_the_fields() {
        let open: Open = serde_json::from_str(r#"{"x":1,"name":"n","y":{"z":true}}"#).unwrap();
        assert_eq!(open.name.as_deref(), Some("n"));
        assert_eq!(open.additional_properties.keys().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(serde_json::to_string(&open).unwrap(), r#"{"name":"n","x":1,"y":{"z":true}}"#);
        assert_eq!(serde_json::to_string(&Open::default()).unwrap(), "{}");
    }

    #[test]
    fn escaped_keys_are_matched_too() {
        let pet: Pet = serde_json::from_str(r#"{"\u0069d":"p1","type":"cat"}"#).unwrap();
        assert_eq!(pet.id, "p1");
    }
}
