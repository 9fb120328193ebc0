//! Stage 1, load: read a YAML or JSON document into an untyped, order-preserving value,
//! resolve its `$ref`s into other files ([`crate::bundle`]) and apply overlays
//! ([`crate::overlay`]): [`load_document`].

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{GenError, Warning};

/// What the load stage does besides reading the spec.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// OpenAPI Overlay documents, applied in order to the bundled document.
    pub overlays: Vec<PathBuf>,
}

/// The load stage: reads the spec at `path`, bundles the files its `$ref`s name
/// into one document and applies `options.overlays`. Returns the document and
/// what was worked around (name collisions, overlay targets that match nothing).
pub fn load_document(path: &Path, options: &LoadOptions) -> Result<(Value, Vec<Warning>), GenError> {
    load_document_from(path, options, &|p: &Path| std::fs::read_to_string(p))
}

/// [`load_document`] with the spec's files read by `read` (called with absolute
/// paths), e.g. from a git revision; overlays are always read from disk.
pub fn load_document_from(path: &Path, options: &LoadOptions, read: crate::bundle::Reader) -> Result<(Value, Vec<Warning>), GenError> {
    let text = read(&crate::bundle::absolute(path)).map_err(|e| GenError {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!("cannot read the spec: {e}"),
    })?;
    let doc = parse(&text, path)?;
    let (mut doc, mut warnings) = crate::bundle::bundle(doc, path, read)?;
    for overlay in &options.overlays {
        warnings.extend(crate::overlay::apply_file(&mut doc, overlay)?);
    }
    Ok((doc, warnings))
}

/// Reads `path` and parses it as JSON (when it looks like JSON) or YAML.
/// A syntax error names the file, line and column.
pub fn load(path: &Path) -> Result<Value, GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!("cannot read the spec: {e}"),
    })?;
    parse(&text, path)
}

/// Parses document text; `path` only names the source in errors and picks the syntax.
/// The document must be a mapping.
pub fn parse(text: &str, path: &Path) -> Result<Value, GenError> {
    let value = parse_value(text, path)?;
    if !value.is_object() {
        return Err(GenError {
            file: path.to_path_buf(),
            location: "#".into(),
            message: "an OpenAPI document must be a mapping at the top level".into(),
        });
    }
    Ok(value)
}

/// Parses YAML or JSON text into any value (a file another one refers to may hold a list or a string).
pub fn parse_value(text: &str, path: &Path) -> Result<Value, GenError> {
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let located = |line: usize, column: usize, message: String| GenError {
        file: path.to_path_buf(),
        location: format!("line {line}, column {column}"),
        message,
    };
    let value: Value = if is_json {
        // serde_json is several times faster than a YAML parser on the same document.
        serde_json::from_str(text)
            .map_err(|e| located(e.line(), e.column(), format!("invalid JSON: {e}")))?
    } else {
        yaml_value(text).map_err(|e| match e.location() {
            Some(l) => located(l.line(), l.column(), format!("invalid YAML: {e}")),
            None => GenError {
                file: path.to_path_buf(),
                location: String::new(),
                message: format!("invalid YAML: {e}"),
            },
        })?
    };
    Ok(value)
}

/// YAML text into a JSON value, like `serde_yaml::from_str::<Value>`, except that an
/// integer beyond `i64`/`u64` (`-9223372036854776000`) becomes a float, as serde_json
/// reads it from JSON, instead of failing the whole document. Whether such a number
/// fits where it is used is for later stages to say (see `normalise`).
fn yaml_value(text: &str) -> Result<Value, serde_yaml::Error> {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    struct Lenient(Value);
    struct LenientVisitor;

    impl<'de> Deserialize<'de> for Lenient {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(LenientVisitor)
        }
    }

    impl<'de> Visitor<'de> for LenientVisitor {
        type Value = Lenient;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<Lenient, E> {
            Ok(Lenient(Value::Bool(v)))
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v)))
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v)))
        }
        fn visit_i128<E: Error>(self, v: i128) -> Result<Lenient, E> {
            Ok(Lenient(i64::try_from(v).map(Value::from).unwrap_or_else(|_| Value::from(v as f64))))
        }
        fn visit_u128<E: Error>(self, v: u128) -> Result<Lenient, E> {
            Ok(Lenient(u64::try_from(v).map(Value::from).unwrap_or_else(|_| Value::from(v as f64))))
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<Lenient, E> {
            // NaN and infinities have no JSON form (serde_json makes them null too).
            Ok(Lenient(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Lenient, E> {
            Ok(Lenient(Value::String(v.to_string())))
        }
        fn visit_string<E: Error>(self, v: String) -> Result<Lenient, E> {
            Ok(Lenient(Value::String(v)))
        }
        fn visit_unit<E: Error>(self) -> Result<Lenient, E> {
            Ok(Lenient(Value::Null))
        }
        fn visit_none<E: Error>(self) -> Result<Lenient, E> {
            Ok(Lenient(Value::Null))
        }
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Lenient, D::Error> {
            Lenient::deserialize(deserializer)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(Lenient(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Lenient(Value::Array(items)))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
            let mut object = serde_json::Map::new();
            while let Some((key, Lenient(value))) = map.next_entry::<String, Lenient>()? {
                object.insert(key, value);
            }
            Ok(Lenient(Value::Object(object)))
        }
    }

    serde_yaml::from_str::<Lenient>(text).map(|l| l.0)
}
