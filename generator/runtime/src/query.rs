//! Query parameters: scalars by their text, arrays and objects by their style.

use std::borrow::Cow;

#[cfg(feature = "query-json")]
use serde::Serialize;

#[cfg(feature = "query-json")]
use super::errors::RequestError;
use super::secret::SecretString;
#[cfg(feature = "query-json")]
use super::text::scalar_text;

/// Query pairs, not yet encoded.
pub type QueryPairs = Vec<(Cow<'static, str>, String)>;

/// Values that can be sent as query parameters.
pub trait ToQuery {
    /// Appends this value's pairs for the parameter `name`.
    fn push_query(&self, name: &'static str, out: &mut QueryPairs);
}

macro_rules! to_query_via_display {
    ($($t:ty),*) => {$(
        impl ToQuery for $t {
            fn push_query(&self, name: &'static str, out: &mut QueryPairs) {
                out.push((Cow::Borrowed(name), self.to_string()));
            }
        }
    )*};
}
to_query_via_display!(String, i32, i64, f64, bool);

impl ToQuery for SecretString {
    fn push_query(&self, name: &'static str, out: &mut QueryPairs) {
        out.push((Cow::Borrowed(name), self.expose().to_string()));
    }
}

impl<T: ToQuery> ToQuery for Option<T> {
    /// An unset optional parameter is left out.
    fn push_query(&self, name: &'static str, out: &mut QueryPairs) {
        if let Some(value) = self {
            value.push_query(name, out);
        }
    }
}

impl<T: ToQuery> ToQuery for Vec<T> {
    /// Arrays are exploded: `?tag=a&tag=b` (the OpenAPI default for query parameters).
    fn push_query(&self, name: &'static str, out: &mut QueryPairs) {
        for item in self {
            item.push_query(name, out);
        }
    }
}

/// Appends an array or object parameter by its JSON form, spelled as its
/// OpenAPI `style` says (`form`, `spaceDelimited`, `pipeDelimited`,
/// `deepObject`): exploded `form` repeats the name (arrays) or uses each key
/// (objects); unexploded styles join with `,`, ` ` or `|`; `deepObject` spells
/// `name[key]=value`.
#[cfg(feature = "query-json")]
pub fn push_query_json<T: Serialize>(
    name: &'static str,
    value: &T,
    style: &'static str,
    explode: bool,
    out: &mut QueryPairs,
    label: &str,
) -> Result<(), RequestError> {
    let value = serde_json::to_value(value).map_err(|e| RequestError::new(label, format!("cannot encode the `{name}` parameter: {e}")))?;
    let separator = match style {
        "spaceDelimited" => " ",
        "pipeDelimited" => "|",
        _ => ",",
    };
    match (&value, style) {
        (serde_json::Value::Object(map), "deepObject") => {
            for (key, v) in map {
                push_deep(&format!("{name}[{key}]"), v, out);
            }
        }
        (serde_json::Value::Object(map), _) if explode => {
            // Exploded form objects use their keys as parameter names.
            for (key, v) in map {
                out.push((Cow::Owned(key.clone()), scalar_text(v)));
            }
        }
        (serde_json::Value::Object(map), _) => {
            let joined: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect();
            out.push((Cow::Borrowed(name), joined.join(separator)));
        }
        (serde_json::Value::Array(items), _) if explode && style == "form" => {
            for item in items {
                out.push((Cow::Borrowed(name), scalar_text(item)));
            }
        }
        (serde_json::Value::Array(items), _) => {
            let joined: Vec<String> = items.iter().map(scalar_text).collect();
            out.push((Cow::Borrowed(name), joined.join(separator)));
        }
        (serde_json::Value::Null, _) => {}
        (other, _) => out.push((Cow::Borrowed(name), scalar_text(other))),
    }
    Ok(())
}

#[cfg(feature = "query-json")]
fn push_deep(key: &str, value: &serde_json::Value, out: &mut QueryPairs) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                push_deep(&format!("{key}[{k}]"), v, out);
            }
        }
        serde_json::Value::Null => {}
        other => out.push((Cow::Owned(key.to_string()), scalar_text(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(out: &QueryPairs) -> Vec<(String, String)> {
        out.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn scalars_and_exploded_arrays() {
        let mut out = Vec::new();
        5i64.push_query("limit", &mut out);
        vec!["a".to_string(), "b".to_string()].push_query("tag", &mut out);
        SecretString::new("k").push_query("key", &mut out);
        assert_eq!(pairs(&out), vec![p("limit", "5"), p("tag", "a"), p("tag", "b"), p("key", "k")]);
    }

    #[test]
    fn styles_follow_the_openapi_rules() {
        let run = |value: serde_json::Value, style, explode| {
            let mut out = Vec::new();
            push_query_json("f", &value, style, explode, &mut out, "GET /x").unwrap();
            pairs(&out)
        };
        let arr = serde_json::json!([1, 2]);
        assert_eq!(run(arr.clone(), "form", true), vec![p("f", "1"), p("f", "2")]);
        assert_eq!(run(arr.clone(), "form", false), vec![p("f", "1,2")]);
        assert_eq!(run(arr.clone(), "spaceDelimited", false), vec![p("f", "1 2")]);
        assert_eq!(run(arr, "pipeDelimited", false), vec![p("f", "1|2")]);
        let obj = serde_json::json!({"a": 1, "b": {"c": "x"}});
        assert_eq!(run(obj.clone(), "deepObject", true), vec![p("f[a]", "1"), p("f[b][c]", "x")]);
        assert_eq!(run(serde_json::json!({"a": 1}), "form", true), vec![p("a", "1")]);
        assert_eq!(run(serde_json::json!({"a": 1}), "form", false), vec![p("f", "a,1")]);
        assert_eq!(run(serde_json::Value::Null, "form", true), vec![]);
    }
}
