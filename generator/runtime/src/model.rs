//! Model structs' serde, builders and setters, written by `model!` and
//! `model_setters!` from one list of the struct's fields.
//!
//! Serde's derives write, for every struct, a field enum with three visitors,
//! a sequence visitor and a map visitor: about half the code of a large API's
//! crate, all of it type-checked and borrow-checked whenever the crate is
//! built. A model is only ever a JSON object, so `model!` writes the map
//! visitor alone, one line per field, and the rest is here, compiled once.
//! What is decoded, and the errors, are the derive's: unknown keys are
//! skipped (or kept, for a struct with a map of undeclared properties), a
//! repeated key is ``duplicate field `x` ``, an absent required field is
//! ``missing field `x` `` (an `Option` one is `None`), a non-object is
//! `expected struct X`.

use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
#[cfg(feature = "models-extra")]
use serde::ser::SerializeMap;
use serde::ser::{Serialize, SerializeStruct};

/// Serialize and Deserialize for a model struct, and its builder:
/// `model!(Model => ModelBuilder { req a: A, opt b: B, null c: C = "c-wire" } rest)`.
///
/// Each field is, on the wire and in the builder:
/// - `req`: required. Always written; absent on decode is an error. The
///   builder's `build()` names it when it was left unset.
/// - `nreq`: required and nullable, an `Option`. Always written (`null` for
///   `None`); absent decodes as `None`, like `null`. Optional in the builder.
/// - `opt`: optional, an `Option`. Written when `Some`; absent is `None`.
/// - `null`: optional and nullable, a `Nullable`: written unless `Absent`.
/// - `tag`: a constant tag (`const_tag!`), required on the wire; the builder
///   fills it (its `Default`), with no setter.
///
/// Types are the field's value type (`A`, not `Option<A>`): what a setter
/// takes. A field's key is its name, or the literal after `=`. The name after
/// the braces is a map of the undeclared properties: decoded from every other
/// key, written after the fields, and left empty by the builder.
///
/// Without `=> ModelBuilder` only serde is written. The builder is a setter per
/// field and `build()`, and `Model::builder()` gives one: a field the API adds
/// later breaks no caller (the structs are `#[non_exhaustive]`).
///
/// It expands in `models.rs`, beside the API's types, so paths are absolute.
/// Field names are local variables of the decoder; macro hygiene keeps them
/// apart from the decoder's own (`map`, `key`).
#[macro_export]
macro_rules! model {
    ($model:ident => $builder:ident { $($kind:ident $field:ident : $ty:ty $(= $wire:literal)?),* $(,)? } $($rest:ident)?) => {
        $crate::model!(@serialize $model { $($kind $field $(= $wire)?),* } $($rest)?);
        $crate::model!(@deserialize $model);

        impl<'de> $crate::model::DecodeMap<'de> for $model {
            const EXPECTING: &'static str = ::core::concat!("struct ", ::core::stringify!($model));

            // Decoded into the builder's slots and finished by `build()`: what to
            // do with each field once the object is read is compiled once, there,
            // not again in the decoder. The slots start as the builder's `Default`
            // (one call, not an expression per field: rustc's peak memory is
            // per-field code), with any constant tag cleared again, so that
            // `build()` reports a missing one.
            fn decode_map<A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::core::result::Result<$model, A::Error> {
                let mut slots = <$builder as ::core::default::Default>::default();
                $( $crate::model!(@clear $kind slots.$field); )*
                $( let mut $rest = ::core::default::Default::default(); )?
                while let ::core::option::Option::Some(key) = ::serde::de::MapAccess::next_key::<$crate::model::Key<'de>>(&mut map)? {
                    let step = match key.as_str() {
                        $( $crate::model!(@key $field $($wire)?) => {
                            $crate::model::decode::$kind(&mut map, &mut slots.$field, $crate::model!(@key $field $($wire)?))
                        } )*
                        _ => $crate::model!(@other map key $($rest)?),
                    };
                    step?;
                }
                match slots.build() {
                    ::core::result::Result::Ok(value) => ::core::result::Result::Ok($model { $( $rest, )? ..value }),
                    ::core::result::Result::Err(missing) => {
                        ::core::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field(missing.key()))
                    }
                }
            }
        }

        // Not `Clone`: a clone per field of every builder cost the full OpenRouter
        // crate 22 MiB of rustc's peak memory. To vary test data, clone the built
        // value, whose fields are public.
        #[doc = ::core::concat!("Builds a [`", ::core::stringify!($model), "`] field by field; get one from [`", ::core::stringify!($model), "::builder`].")]
        #[derive(Debug)]
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct $builder {
            $( $field: $crate::model!(@slot $kind $ty), )*
        }

        impl ::core::default::Default for $builder {
            /// Every field unset, but a constant tag, which has its one value.
            #[inline]
            fn default() -> Self {
                $builder { $( $field: $crate::model!(@unset $kind), )* }
            }
        }

        // A setter is named after its field, which may be `add` or `div`.
        #[allow(clippy::should_implement_trait)]
        impl $builder {
            $( $crate::model!(@setter $kind $field: $ty); )*

            /// The value, or which required field was left unset.
            #[inline]
            pub fn build(self) -> ::core::result::Result<$model, $crate::errors::MissingFieldError> {
                ::core::result::Result::Ok($model {
                    $( $field: $crate::model!(@build $kind self.$field, $model, $field, $crate::model!(@key $field $($wire)?)), )*
                    $( $rest: ::core::default::Default::default(), )?
                })
            }
        }

        impl $model {
            /// A builder that sets the fields one by one; `build()` checks that every required one is set.
            #[inline]
            pub fn builder() -> $builder {
                ::core::default::Default::default()
            }
        }
    };
    ($model:ident { $($kind:ident $field:ident : $ty:ty $(= $wire:literal)?),* $(,)? } $($rest:ident)?) => {
        $crate::model!(@serialize $model { $($kind $field $(= $wire)?),* } $($rest)?);
        $crate::model!(@deserialize $model);

        impl<'de> $crate::model::DecodeMap<'de> for $model {
            const EXPECTING: &'static str = ::core::concat!("struct ", ::core::stringify!($model));

            fn decode_map<A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::core::result::Result<$model, A::Error> {
                // Slots' types are inferred (from the struct's fields, through `take` and `give`).
                $( let mut $field = ::core::option::Option::None; )*
                $( let mut $rest = ::core::default::Default::default(); )?
                // One exit per loop and one after it, not one per field: each exit
                // drops every slot, so a `?` per field would be quadratic code.
                while let ::core::option::Option::Some(key) = ::serde::de::MapAccess::next_key::<$crate::model::Key<'de>>(&mut map)? {
                    let step = match key.as_str() {
                        $( $crate::model!(@key $field $($wire)?) => {
                            $crate::model::field(&mut map, &mut $field, $crate::model!(@key $field $($wire)?))
                        } )*
                        _ => $crate::model!(@other map key $($rest)?),
                    };
                    step?;
                }
                #[allow(unused_mut)] // a struct may have no required field
                let mut missing: ::core::option::Option<A::Error> = ::core::option::Option::None;
                $( let $field = $crate::model!(@take $kind $field, missing, $crate::model!(@key $field $($wire)?)); )*
                if let ::core::option::Option::Some(error) = missing {
                    return ::core::result::Result::Err(error);
                }
                ::core::result::Result::Ok($model {
                    $( $field: $crate::model!(@give $kind $field), )*
                    $( $rest, )?
                })
            }
        }
    };
    (@deserialize $model:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $model {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::model::deserialize(deserializer)
            }
        }
    };
    (@key $field:ident $wire:literal) => { $wire };
    (@key $field:ident) => { ::core::stringify!($field) };
    // Serialize as the derive does: a struct of the fields present (its length
    // counted first), or, with undeclared properties, a map of unknown length.
    // One call per field, named after its kind (`Writer::opt`), and no early
    // exit: the writer keeps the first error.
    (@serialize $model:ident { $($kind:ident $field:ident $(= $wire:literal)?),* }) => {
        impl ::serde::Serialize for $model {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let len = 0 $( + $crate::model::present::$kind(&self.$field) )*;
                let fields = ::serde::Serializer::serialize_struct(serializer, ::core::stringify!($model), len)?;
                let mut out = $crate::model::Writer::new($crate::model::AsStruct(fields));
                $( $crate::model::Writer::$kind(&mut out, $crate::model!(@key $field $($wire)?), &self.$field); )*
                out.end()
            }
        }
    };
    (@serialize $model:ident { $($kind:ident $field:ident $(= $wire:literal)?),* } $rest:ident) => {
        impl ::serde::Serialize for $model {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                let map = ::serde::Serializer::serialize_map(serializer, ::core::option::Option::None)?;
                let mut out = $crate::model::Writer::new($crate::model::AsMap(map));
                $( $crate::model::Writer::$kind(&mut out, $crate::model!(@key $field $($wire)?), &self.$field); )*
                for (key, value) in &self.$rest {
                    out.extra(key, value);
                }
                out.end()
            }
        }
    };
    (@other $map:ident $key:ident) => { $crate::model::skip(&mut $map) };
    (@other $map:ident $key:ident $rest:ident) => {
        $crate::model::extra(&mut $map, &mut $rest, $key)
    };
    (@take opt $slot:ident, $missing:ident, $key:expr) => { ::core::option::Option::unwrap_or_default($slot) };
    (@take null $slot:ident, $missing:ident, $key:expr) => { ::core::option::Option::unwrap_or_default($slot) };
    (@take $kind:ident $slot:ident, $missing:ident, $key:expr) => { $crate::model::required($slot, &mut $missing, $key) };
    (@give opt $value:ident) => { $value };
    (@give null $value:ident) => { $value };
    (@give $kind:ident $value:ident) => { $crate::model::given($value) };
    // The builder: a slot per field, a setter (none for a constant tag, which the
    // builder fills), and `build()`. A required nullable field's slot is an
    // `Option<Option<_>>`, so that the decoder tells `null` from absent, and a
    // second key from the first.
    (@slot nreq $ty:ty) => { ::core::option::Option<::core::option::Option<$ty>> };
    (@slot null $ty:ty) => { $crate::Nullable<$ty> };
    (@slot $kind:ident $ty:ty) => { ::core::option::Option<$ty> };
    (@setter tag $field:ident : $ty:ty) => {};
    (@setter $kind:ident $field:ident : $ty:ty) => {
        #[doc = ::core::concat!("Sets `", ::core::stringify!($field), "`.")]
        pub fn $field(mut self, value: impl ::core::convert::Into<$ty>) -> Self {
            self.$field = $crate::model!(@wrap $kind value.into());
            self
        }
    };
    (@wrap null $value:expr) => { $crate::Nullable::Value($value) };
    (@wrap nreq $value:expr) => { ::core::option::Option::Some(::core::option::Option::Some($value)) };
    (@wrap $kind:ident $value:expr) => { ::core::option::Option::Some($value) };
    // A `match`, not `ok_or_else`: no closure to compile for every required field.
    // A required field, or a constant tag (unset only in the decoder's slots).
    (@build req $slot:expr, $model:ident, $field:ident, $key:expr) => { $crate::model!(@require $slot, $model, $field, $key) };
    (@build tag $slot:expr, $model:ident, $field:ident, $key:expr) => { $crate::model!(@require $slot, $model, $field, $key) };
    (@require $slot:expr, $model:ident, $field:ident, $key:expr) => {
        match $slot {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => {
                return ::core::result::Result::Err($crate::errors::MissingFieldError::new(::core::stringify!($model), ::core::stringify!($field), $key));
            }
        }
    };
    (@build nreq $slot:expr, $model:ident, $field:ident, $key:expr) => { ::core::option::Option::flatten($slot) };
    (@build $kind:ident $slot:expr, $model:ident, $field:ident, $key:expr) => { $slot };
    // The decoder's start: a constant tag unset, so that a missing one is reported.
    (@clear tag $slot:expr) => { $slot = ::core::option::Option::None; };
    (@clear $kind:ident $slot:expr) => {};
    // The builder's start: nothing set, but a constant tag, which has its one value.
    (@unset tag) => { ::core::option::Option::Some(::core::default::Default::default()) };
    (@unset null) => { $crate::Nullable::Absent };
    (@unset $kind:ident) => { ::core::option::Option::None };
}

/// Chained `with_…` setters for the optional fields of a model that requests
/// send: `model_setters!(Model { with_b => opt b: B, with_c => null c: C })`,
/// for `Model::new(required…).with_b(…)`. Setters take the value type.
#[macro_export]
macro_rules! model_setters {
    ($model:ident { $($setter:ident => $kind:ident $field:ident : $ty:ty),* $(,)? }) => {
        // `with__x` keeps apart the fields `x` and `_x`, should a schema have both.
        #[allow(non_snake_case)]
        impl $model {
            $(
                #[doc = ::core::concat!("Sets `", ::core::stringify!($field), "`.")]
                pub fn $setter(mut self, value: impl ::core::convert::Into<$ty>) -> Self {
                    self.$field = $crate::model!(@wrap $kind value.into());
                    self
                }
            )*
        }
    };
}

/// How `model!` decodes a struct from the entries of a JSON object; the
/// visitor around it is [`deserialize`]'s, written once rather than per struct.
pub trait DecodeMap<'de>: Sized {
    /// What a value that is not an object is reported as expecting (`struct X`).
    const EXPECTING: &'static str;

    /// The struct from the object's entries.
    fn decode_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Deserializes a struct from a JSON object through its [`DecodeMap`].
pub fn deserialize<'de, T: DecodeMap<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct MapVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: DecodeMap<'de>> Visitor<'de> for MapVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::decode_map(map)
        }
    }

    deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
}

/// Whether a field is written, by its kind: a model counts its fields before
/// writing them, as serde's derive does.
pub mod present {
    use crate::Nullable;

    /// Required: always written.
    #[inline]
    pub fn req<T>(_: &T) -> usize {
        1
    }

    /// Required and nullable: always written (`null` for `None`).
    #[inline]
    pub fn nreq<T>(_: &Option<T>) -> usize {
        1
    }

    /// A constant tag: always written.
    #[inline]
    pub fn tag<T>(_: &T) -> usize {
        1
    }

    /// Optional: written when `Some`.
    #[inline]
    pub fn opt<T>(value: &Option<T>) -> usize {
        value.is_some() as usize
    }

    /// Optional and nullable: written unless absent.
    #[inline]
    pub fn null<T>(value: &Nullable<T>) -> usize {
        !value.is_absent() as usize
    }
}

/// Where a model's fields go: a struct (`serialize_struct`), or a map when the
/// model keeps undeclared properties.
pub trait Sink {
    /// The serializer's output.
    type Ok;
    /// The serializer's error.
    type Error;
    /// Writes one field.
    fn put<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Self::Error>;
    /// Ends the struct or map.
    fn finish(self) -> Result<Self::Ok, Self::Error>;
}

/// The fields of a model written as a struct.
pub struct AsStruct<S>(pub S);

impl<S: SerializeStruct> Sink for AsStruct<S> {
    type Ok = S::Ok;
    type Error = S::Error;

    #[inline]
    fn put<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }

    #[inline]
    fn finish(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

#[cfg(feature = "models-extra")]
/// The fields of a model with undeclared properties, written as a map.
pub struct AsMap<M>(pub M);

#[cfg(feature = "models-extra")]
impl<M: SerializeMap> Sink for AsMap<M> {
    type Ok = M::Ok;
    type Error = M::Error;

    #[inline]
    fn put<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    #[inline]
    fn finish(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

/// Writes a model's fields, one call each, named after the field's kind. The
/// first error is kept (and nothing more written) and returned by `end`: a
/// model's `serialize` has no exit per field, each of which would be a branch
/// and a drop of the serializer's state in every model.
pub struct Writer<W: Sink> {
    out: W,
    error: Option<W::Error>,
}

impl<W: Sink> Writer<W> {
    /// Starts writing to `out`.
    #[inline]
    pub fn new(out: W) -> Self {
        Writer { out, error: None }
    }

    #[inline]
    fn put<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        self.write(|out| out.put(key, value));
    }

    /// Runs `write` unless an earlier write failed, and keeps its error.
    #[inline]
    fn write(&mut self, write: impl FnOnce(&mut W) -> Result<(), W::Error>) {
        if self.error.is_none() {
            if let Err(error) = write(&mut self.out) {
                self.error = Some(error);
            }
        }
    }

    /// A required field.
    #[inline]
    pub fn req<T: Serialize>(&mut self, key: &'static str, value: &T) {
        self.put(key, value);
    }

    /// A required, nullable field (`null` for `None`).
    #[inline]
    pub fn nreq<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        self.put(key, value);
    }

    /// A constant tag.
    #[inline]
    pub fn tag<T: Serialize>(&mut self, key: &'static str, value: &T) {
        self.put(key, value);
    }

    /// An optional field, when set.
    #[inline]
    pub fn opt<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if value.is_some() {
            self.put(key, value);
        }
    }

    /// An optional, nullable field, unless absent.
    #[inline]
    pub fn null<T: Serialize>(&mut self, key: &'static str, value: &crate::Nullable<T>) {
        if !value.is_absent() {
            self.put(key, value);
        }
    }

    /// The output, or the first error.
    #[inline]
    pub fn end(self) -> Result<W::Ok, W::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.out.finish(),
        }
    }
}

#[cfg(feature = "models-extra")]
impl<M: SerializeMap> Writer<AsMap<M>> {
    /// An undeclared property.
    #[inline]
    pub fn extra<T: Serialize>(&mut self, key: &str, value: &T) {
        self.write(|out| out.0.serialize_entry(key, value));
    }
}

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

/// The decoder of a field read into a builder's slot, by the field's kind: the
/// value into an `Option` slot (`null` too, into a required nullable field's
/// `Option<Option<_>>`), or into a `Nullable`; a second key is an error.
pub mod decode {
    pub use super::field as nreq;
    pub use super::field as opt;
    pub use super::field as req;
    pub use super::field as tag;
    use serde::de::{self, Deserialize, MapAccess};

    /// An optional nullable field: `null` or the value.
    pub fn null<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut crate::Nullable<T>, name: &'static str) -> Result<(), A::Error> {
        if !slot.is_absent() {
            return Err(<A::Error as de::Error>::duplicate_field(name));
        }
        *slot = map.next_value()?;
        Ok(())
    }
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
#[allow(dead_code)] // the constant's own methods are tested in `const_tag_tests`
mod tests {
    use crate::Nullable;
    use std::collections::BTreeMap;

    /// A model as the generator writes one (derives other than serde's stay).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Pet {
        pub id: String,
        pub nickname: Option<String>,
        pub owner: Nullable<String>,
        pub born: Option<i64>,
        pub r#type: String,
    }
    crate::model!(Pet => PetBuilder { req id: String, opt nickname: String, null owner: String, nreq born: i64, req r#type: String = "type" });

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Open {
        name: Option<String>,
        additional_properties: BTreeMap<String, serde_json::Value>,
    }
    crate::model!(Open { opt name: String } additional_properties);

    crate::const_tag!(
        /// A tag, as the generator writes one.
        BoxKind = "box"
    );

    #[derive(Debug, Clone, PartialEq)]
    pub struct Boxed {
        pub kind: BoxKind,
        pub size: i64,
        pub label: Option<String>,
        pub additional_properties: BTreeMap<String, serde_json::Value>,
    }
    crate::model!(Boxed => BoxedBuilder { tag kind: BoxKind, req size: i64, opt label: String } additional_properties);
    crate::model_setters!(Boxed { with_label => opt label: String });

    /// A value that cannot be written, to see a model's `serialize` stop at the first error.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Unwritable;

    impl serde::Serialize for Unwritable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot write this"))
        }
    }

    impl<'de> serde::Deserialize<'de> for Unwritable {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(deserializer).map(|_| Unwritable)
        }
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Halting {
        first: String,
        broken: Option<Unwritable>,
        last: String,
    }
    crate::model!(Halting { req first: String, opt broken: Unwritable, req last: String });

    #[derive(Debug, Clone, PartialEq, Default)]
    struct HaltingOpen {
        broken: Unwritable,
        additional_properties: BTreeMap<String, serde_json::Value>,
    }
    crate::model!(HaltingOpen { req broken: Unwritable } additional_properties);

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
            // Decoded through the builder's slots: a repeated key of each kind, the wire key of a missing field.
            r#"{"id":"p1","type":"cat","born":null,"born":1}"#,
            r#"{"id":"p1","type":"cat","owner":null,"owner":"x"}"#,
            r#"{"id":"p1","type":"cat","nickname":"a","nickname":"b"}"#,
            r#"{"id":"p1","born":1}"#,
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

    #[test]
    fn builders_fill_tags_and_name_the_missing_field() {
        let boxed = Boxed::builder().size(3).label("small").build().unwrap();
        assert_eq!(boxed, Boxed { kind: BoxKind, size: 3, label: Some("small".into()), additional_properties: BTreeMap::new() });
        assert_eq!(serde_json::to_string(&boxed.clone().with_label("s")).unwrap(), r#"{"kind":"box","size":3,"label":"s"}"#);
        let missing = Boxed::builder().label("x").build().unwrap_err().to_string();
        assert!(missing.contains("Boxed") && missing.contains("size"), "{missing}");

        let pet = Pet::builder().id("p1").r#type("cat").owner("ann").build().unwrap();
        assert_eq!((pet.born, pet.nickname, pet.owner), (None, None, Nullable::Value("ann".to_string())), "a required nullable field is optional to the builder");
        assert!(Pet::builder().id("p1").build().is_err(), "`type` is required");
    }

    #[test]
    fn a_constant_tag_is_required_and_checked_when_decoding() {
        let boxed: Boxed = serde_json::from_str(r#"{"kind":"box","size":3,"extra":true}"#).unwrap();
        assert_eq!((boxed.size, boxed.additional_properties.len()), (3, 1));
        let missing = serde_json::from_str::<Boxed>(r#"{"size":3}"#).unwrap_err().to_string();
        assert!(missing.starts_with("missing field `kind`"), "the builder fills a tag, the decoder does not: {missing}");
        assert!(serde_json::from_str::<Boxed>(r#"{"kind":"bag","size":3}"#).is_err(), "a tag holds its one value");
        let repeated = serde_json::from_str::<Boxed>(r#"{"kind":"box","kind":"box","size":3}"#).unwrap_err().to_string();
        assert!(repeated.starts_with("duplicate field `kind`"), "{repeated}");
    }

    #[test]
    fn the_first_error_while_writing_is_returned_and_nothing_after_it_is_written() {
        let fine = Halting { first: "a".into(), broken: None, last: "z".into() };
        assert_eq!(serde_json::to_string(&fine).unwrap(), r#"{"first":"a","last":"z"}"#);

        let broken = Halting { broken: Some(Unwritable), ..fine };
        let mut out = Vec::new();
        let error = serde::Serialize::serialize(&broken, &mut serde_json::Serializer::new(&mut out)).unwrap_err();
        assert_eq!(error.to_string(), "cannot write this");
        let written = String::from_utf8(out).unwrap();
        assert!(written.contains(r#""first":"a""#) && !written.contains("last"), "stopped at the error: {written}");

        let open = HaltingOpen { broken: Unwritable, additional_properties: BTreeMap::from([("later".to_string(), serde_json::json!(1))]) };
        let mut out = Vec::new();
        let error = serde::Serialize::serialize(&open, &mut serde_json::Serializer::new(&mut out)).unwrap_err();
        assert_eq!(error.to_string(), "cannot write this");
        assert!(!String::from_utf8(out).unwrap().contains("later"), "undeclared properties after the error are not written");
    }
}
