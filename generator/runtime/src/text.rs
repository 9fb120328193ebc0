//! JSON values as the plain text of a query, form, multipart, path or header value.

#[cfg(feature = "wire-text")]
use serde::Serialize;

/// A JSON value as form or query text: strings bare, everything else as JSON.
pub fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A path or header value for a type without a string form of its own (a
/// union, an object): a string as itself, anything else as JSON text.
#[cfg(feature = "wire-text")]
pub fn wire_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).map(|v| scalar_text(&v)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_bare_and_the_rest_is_json() {
        assert_eq!(scalar_text(&serde_json::json!("a b")), "a b");
        assert_eq!(scalar_text(&serde_json::json!(3)), "3");
        assert_eq!(scalar_text(&serde_json::json!({"k": [1]})), r#"{"k":[1]}"#);
        assert_eq!(wire_text(&vec![1, 2]), "[1,2]");
        assert_eq!(wire_text(&"x"), "x");
    }
}
