//! Stage 1, load: read a YAML or JSON document into an untyped, order-preserving value.

use std::path::Path;

use serde_json::Value;

use crate::error::GenError;

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
pub fn parse(text: &str, path: &Path) -> Result<Value, GenError> {
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
        serde_yaml::from_str(text).map_err(|e| match e.location() {
            Some(l) => located(l.line(), l.column(), format!("invalid YAML: {e}")),
            None => GenError {
                file: path.to_path_buf(),
                location: String::new(),
                message: format!("invalid YAML: {e}"),
            },
        })?
    };
    if !value.is_object() {
        return Err(GenError {
            file: path.to_path_buf(),
            location: "#".into(),
            message: "an OpenAPI document must be a mapping at the top level".into(),
        });
    }
    Ok(value)
}
