//! Request bodies: JSON and `application/x-www-form-urlencoded`.

use bytes::Bytes;
use serde::Serialize;

use super::errors::RequestError;

/// Encodes a JSON request body with the call's extra `fields` set on it (they
/// replace fields of the same name); `label` names the call in the error.
#[cfg(feature = "json-body")]
pub fn encode_json<T: Serialize>(body: &T, fields: &[(String, serde_json::Value)], label: &str) -> Result<(String, Bytes), RequestError> {
    let bytes = serde_json::to_vec(body).map_err(|e| encode_failed(label, e))?;
    let bytes = if fields.is_empty() { bytes } else { with_fields(&bytes, fields, label)? };
    Ok(("application/json".to_string(), Bytes::from(bytes)))
}

/// The request body of a call, as JSON with the call's extra fields (`body_field`).
#[cfg(feature = "json-body")]
impl super::request::CallOptions {
    /// Encodes `body` with [`encode_json`] and this call's extra fields.
    #[inline]
    pub fn json_body<T: Serialize>(&self, body: &T, label: &str) -> Result<(String, Bytes), RequestError> {
        encode_json(body, &self.body_fields, label)
    }
}

#[cfg(feature = "json-body")]
/// `json` (an encoded object) with `fields` set. Not generic: the body's type is
/// serialised once, to bytes, so its `Serialize` is compiled for one serializer only.
fn with_fields(json: &[u8], fields: &[(String, serde_json::Value)], label: &str) -> Result<Vec<u8>, RequestError> {
    let mut object = match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => return Err(RequestError::new(label, "extra body fields need a JSON object body")),
    };
    for (name, field) in fields {
        object.insert(name.clone(), field.clone());
    }
    serde_json::to_vec(&object).map_err(|e| encode_failed(label, e))
}

#[cfg(feature = "json-body")]
fn encode_failed(label: &str, e: serde_json::Error) -> RequestError {
    RequestError::new(label, format!("cannot encode the request body: {e}"))
}

/// Encodes an `application/x-www-form-urlencoded` body: one pair per top-level
/// field; nested values are sent as JSON text.
#[cfg(feature = "form")]
pub fn encode_form<T: Serialize>(body: &T, label: &str) -> Result<(String, Bytes), RequestError> {
    let value = serde_json::to_value(body).map_err(|e| RequestError::new(label, format!("cannot encode the request body: {e}")))?;
    let mut form = reqwest::Url::parse("http://form.invalid/").expect("a constant URL");
    {
        let mut pairs = form.query_pairs_mut();
        for (name, value) in value.as_object().into_iter().flatten() {
            if !value.is_null() {
                pairs.append_pair(name, &super::text::scalar_text(value));
            }
        }
    }
    Ok(("application/x-www-form-urlencoded".to_string(), Bytes::from(form.query().unwrap_or_default().to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn json_bodies_are_json() {
        let (content_type, bytes) = encode_json(&serde_json::json!({"a": 1}), &[], "POST /x").unwrap();
        assert_eq!(content_type, "application/json");
        assert_eq!(&bytes[..], br#"{"a":1}"#);
    }

    #[test]
    fn bodies_that_cannot_be_encoded_are_request_errors() {
        // JSON object keys must be strings.
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1);
        let error = encode_json(&map, &[], "POST /x").unwrap_err();
        assert_eq!(error.request, "POST /x");
        assert!(error.reason.starts_with("cannot encode the request body"), "{error}");
    }

    #[test]
    fn extra_fields_are_set_on_json_objects_only() {
        let extra = [("b".to_string(), serde_json::json!([true])), ("a".to_string(), serde_json::json!(2))];
        let (_, bytes) = encode_json(&serde_json::json!({"a": 1}), &extra, "POST /x").unwrap();
        assert_eq!(&bytes[..], br#"{"a":2,"b":[true]}"#);
        let error = encode_json(&serde_json::json!([1]), &extra, "POST /x").unwrap_err();
        assert_eq!(error.reason, "extra body fields need a JSON object body");
    }

    #[test]
    fn forms_are_percent_encoded_and_skip_nulls() {
        let body = serde_json::json!({"gone": null, "n": 2, "name": "a b&c", "nested": {"k": 1}});
        let (content_type, bytes) = encode_form(&body, "POST /x").unwrap();
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(std::str::from_utf8(&bytes).unwrap(), "n=2&name=a+b%26c&nested=%7B%22k%22%3A1%7D");
    }
}
