//! Stage 1, load (continued): apply OpenAPI Overlay 1.0 documents, so a
//! third-party spec can be fixed (a missing `operationId`, a bad name, a wrong
//! `nullable`) without editing it.
//!
//! An overlay is `overlay: 1.0.x`, `info` and a list of `actions`, each a
//! `target` (an RFC 9535 JSONPath, evaluated with `serde_json_path`) and either
//! `remove: true` (each selected node leaves the object or array holding it) or
//! an `update`:
//! - a selected **object** is merged with the update, which must be an object:
//!   keys only in the update are added, objects merge recursively, arrays are
//!   concatenated, anything else is replaced by the update's value;
//! - a selected **array** gets the update appended (each item of an update
//!   that is itself an array);
//! - a selected string, number, boolean or null is an error: target the object
//!   that holds it and update that key.
//!
//! Actions apply in order, each to the result of the ones before, on the
//! bundled document and before normalisation (so targets see the document as
//! written, with the schemas of other files under `components/schemas`).
//! A target that selects nothing is a warning; an invalid JSONPath or an
//! overlay of the wrong shape is an error naming the overlay file and the
//! action (`fix.yaml: actions[2]: …`).

use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use crate::error::{GenError, Warning};
use crate::load;

/// Reads the overlay at `path` and applies it to `doc`.
pub fn apply_file(doc: &mut Value, path: &Path) -> Result<Vec<Warning>, GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!("cannot read the overlay: {e}"),
    })?;
    let overlay = load::parse(&text, path)?;
    apply(doc, &overlay, path)
}

/// Applies the overlay document `overlay` (read from `path`, which names it in errors) to `doc`.
pub fn apply(doc: &mut Value, overlay: &Value, path: &Path) -> Result<Vec<Warning>, GenError> {
    let error = |location: String, message: String| GenError { file: path.to_path_buf(), location, message };
    match overlay.get("overlay") {
        Some(Value::String(version)) if version.starts_with("1.") => {}
        Some(Value::String(version)) => {
            return Err(error("overlay".into(), format!("unsupported Overlay version `{version}` (expected 1.0.x)")));
        }
        _ => return Err(error("overlay".into(), "not an Overlay document: the `overlay: 1.0.0` version field is missing".into())),
    }
    let actions = match overlay.get("actions") {
        Some(Value::Array(actions)) => actions,
        Some(_) => return Err(error("actions".into(), "must be a list of actions".into())),
        None => return Err(error("actions".into(), "missing: an overlay is a list of `actions`".into())),
    };
    let mut warnings = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let place = format!("actions[{i}]");
        let Some(action) = action.as_object() else {
            return Err(error(place, "an action must be a mapping with `target` and `update` or `remove`".into()));
        };
        let target = match action.get("target") {
            Some(Value::String(target)) => target,
            Some(_) => return Err(error(place, "`target` must be a JSONPath string".into())),
            None => return Err(error(place, "missing `target`".into())),
        };
        let remove = match action.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(_) => return Err(error(place, "`remove` must be true or false".into())),
        };
        if action.contains_key("copy") {
            return Err(error(place, "`copy` (Overlay 1.1) is not supported; use `update`".into()));
        }
        let update = action.get("update");
        if !remove && update.is_none() {
            warnings.push(Warning { pointer: format!("{}: {place}", path.display()), message: "has neither `update` nor `remove`: nothing to do".into(), degraded: false });
            continue;
        }
        let query = JsonPath::parse(target).map_err(|e| error(place.clone(), format!("invalid JSONPath `{target}`: {e}")))?;
        let selected: Vec<Vec<Step>> =
            query.query_located(doc).dedup().iter().map(|node| node.location().iter().map(Step::from).collect()).collect();
        if selected.is_empty() {
            warnings.push(Warning { pointer: format!("{}: {place}", path.display()), message: format!("target `{target}` matches nothing"), degraded: false });
            continue;
        }
        if remove {
            remove_all(doc, selected).map_err(|message| error(place, message))?;
        } else if let Some(update) = update {
            for location in &selected {
                let node = node_mut(doc, location).expect("a node the query just selected");
                update_node(node, update).map_err(|message| error(place.clone(), format!("{message} (at {})", pointer(location))))?;
            }
        }
    }
    Ok(warnings)
}

/// One step of a selected node's location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

impl From<&PathElement<'_>> for Step {
    fn from(element: &PathElement<'_>) -> Self {
        match element {
            PathElement::Name(name) => Step::Key(name.to_string()),
            PathElement::Index(index) => Step::Index(*index),
        }
    }
}

/// The JSON pointer of a location, for messages.
fn pointer(location: &[Step]) -> String {
    let mut out = "#".to_string();
    for step in location {
        match step {
            Step::Key(key) => out = crate::error::pointer_join(&out, key),
            Step::Index(index) => out = crate::error::pointer_join(&out, &index.to_string()),
        }
    }
    out
}

fn node_mut<'v>(doc: &'v mut Value, location: &[Step]) -> Option<&'v mut Value> {
    location.iter().try_fold(doc, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get_mut(key),
        (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
        _ => None,
    })
}

/// Removes every selected node; the deepest and the last of an array first, so
/// the locations of the others stay valid.
fn remove_all(doc: &mut Value, mut selected: Vec<Vec<Step>>) -> Result<(), String> {
    selected.sort();
    for location in selected.iter().rev() {
        let Some((last, parent)) = location.split_last() else {
            return Err("the target is the whole document, which cannot be removed".into());
        };
        match (node_mut(doc, parent), last) {
            (Some(Value::Object(map)), Step::Key(key)) => {
                map.shift_remove(key);
            }
            (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                items.remove(*index);
            }
            // Inside a node removed already.
            _ => {}
        }
    }
    Ok(())
}

/// Applies `update` to one selected node.
fn update_node(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => {
            merge(target, update);
            Ok(())
        }
        (Value::Object(_), _) => Err("the target is an object, so `update` must be an object to merge into it".into()),
        (Value::Array(items), Value::Array(more)) => {
            items.extend(more.iter().cloned());
            Ok(())
        }
        (Value::Array(items), value) => {
            items.push(value.clone());
            Ok(())
        }
        (other, _) => Err(format!(
            "the target is {}; Overlay 1.0 updates objects and arrays: target the object that holds it and update that key",
            kind(other)
        )),
    }
}

/// Overlay merge: new keys are added, objects merge, arrays concatenate, the rest is replaced.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge(inner, more),
            (Some(Value::Array(items)), Value::Array(more)) => items.extend(more.iter().cloned()),
            (Some(slot), value) => *slot = value.clone(),
            (None, value) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: &mut Value, overlay: Value) -> Result<Vec<Warning>, GenError> {
        apply(doc, &overlay, Path::new("fix.yaml"))
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut doc = json!({"info": {"title": "A", "x": {"a": 1}}, "tags": [{"name": "one"}], "servers": []});
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.info", "update": {"title": "B", "x": {"b": 2}}},
            {"target": "$.tags", "update": {"name": "two"}},
            {"target": "$.tags", "update": [{"name": "three"}]},
        ]});
        assert!(run(&mut doc, overlay).unwrap().is_empty());
        assert_eq!(doc["info"], json!({"title": "B", "x": {"a": 1, "b": 2}}));
        assert_eq!(doc["tags"], json!([{"name": "one"}, {"name": "two"}, {"name": "three"}]));
    }

    #[test]
    fn remove_takes_every_selected_node() {
        let mut doc = json!({"paths": {"/a": {"get": {}, "delete": {}}, "/b": {"delete": {}}}, "list": [1, 2, 3, 4]});
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.paths.*.delete", "remove": true},
            {"target": "$.list[?@ > 1]", "remove": true},
        ]});
        run(&mut doc, overlay).unwrap();
        assert_eq!(doc, json!({"paths": {"/a": {"get": {}}, "/b": {}}, "list": [1]}));
    }

    #[test]
    fn problems_name_the_action() {
        let mut doc = json!({"info": {"title": "A"}});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.info", "update": {"title": "B"}},
            {"target": "$.nothing", "update": {"a": 1}},
            {"target": "$.info.title", "update": "C"},
        ]});
        let err = run(&mut doc, overlay).unwrap_err().to_string();
        assert!(err.starts_with("fix.yaml: actions[2]: the target is a string"), "{err}");
        let overlay = json!({"overlay": "1.0.0", "actions": [{"target": "$.nothing", "update": {"a": 1}}]});
        let warnings = run(&mut doc, overlay).unwrap();
        assert_eq!(warnings[0].to_string(), "warning: fix.yaml: actions[0]: target `$.nothing` matches nothing");
        let overlay = json!({"overlay": "1.0.0", "actions": [{"target": "$.info[", "remove": true}]});
        let err = run(&mut doc, overlay).unwrap_err().to_string();
        assert!(err.starts_with("fix.yaml: actions[0]: invalid JSONPath `$.info[`"), "{err}");
        let err = run(&mut doc, json!({"actions": []})).unwrap_err().to_string();
        assert!(err.contains("not an Overlay document"), "{err}");
    }
}
