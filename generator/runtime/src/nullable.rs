//! Fields that are both optional and nullable: three states on the wire.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that is both optional and nullable has three states on the wire:
/// absent (leave unchanged), `null` (clear) and a value.
///
/// Build each state explicitly; there is deliberately no `From<Option<T>>`,
/// because whether `None` should mean "leave unchanged" or "clear" is the
/// caller's decision, and guessing wrong silently erases data:
///
/// ```text
/// let unchanged: Nullable<String> = Nullable::Absent;          // field not sent
/// let cleared: Nullable<String> = Nullable::Null;              // sent as `null`
/// let set: Nullable<String> = Nullable::Value("label".into()); // sent as a value
/// let maybe: Option<String> = None;
/// let unchanged_if_none = Nullable::absent_if_none(maybe.clone()); // Absent
/// let cleared_if_none = Nullable::null_if_none(maybe);             // Null
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The field is not sent (and was not received).
    #[default]
    Absent,
    /// The field is sent as an explicit `null`.
    Null,
    /// The field has a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `Some(v)` becomes `Value(v)`, `None` becomes `Absent` (the field is not sent).
    pub fn absent_if_none(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }

    /// `Some(v)` becomes `Value(v)`, `None` becomes `Null` (the field is sent as `null`).
    pub fn null_if_none(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }

    /// Whether the field is absent; used to omit it when serialising.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one, consuming the field.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    /// A value is always `Value`.
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// A present field is `Null` or `Value`; `#[serde(default)]` gives `Absent`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::null_if_none)
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        label: Nullable<String>,
    }

    #[test]
    fn three_states_serialise_distinctly() {
        let json = |label| serde_json::to_string(&Patch { label }).unwrap();
        assert_eq!(json(Nullable::Absent), "{}");
        assert_eq!(json(Nullable::Null), r#"{"label":null}"#);
        assert_eq!(json(Nullable::Value("x".into())), r#"{"label":"x"}"#);
    }

    #[test]
    fn three_states_deserialise_distinctly() {
        let read = |s: &str| serde_json::from_str::<Patch>(s).unwrap().label;
        assert_eq!(read("{}"), Nullable::Absent);
        assert_eq!(read(r#"{"label":null}"#), Nullable::Null);
        assert_eq!(read(r#"{"label":"x"}"#), Nullable::Value("x".to_string()));
    }

    #[test]
    fn none_is_absent_or_null_only_when_asked_for_by_name() {
        assert_eq!(Nullable::<u8>::absent_if_none(None), Nullable::Absent);
        assert_eq!(Nullable::<u8>::null_if_none(None), Nullable::Null);
        assert_eq!(Nullable::absent_if_none(Some(1)), Nullable::Value(1));
        assert_eq!(Nullable::null_if_none(Some(1)), Nullable::Value(1));
        // A value converts; an `Option` converts into `Nullable<Option<_>>`, never into a silent null.
        let from_value: Nullable<u8> = 3.into();
        assert_eq!(from_value, Nullable::Value(3));
    }
}
