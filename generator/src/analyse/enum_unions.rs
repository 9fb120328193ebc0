//! Unions of string enums (`oneOf: [{enum: [completed]}, {enum: [failed]}]`)
//! are one open enum of all their values.
//!
//! As a union tried in turn they would not work: the first variant, an open
//! enum, takes every string (an unknown one in its catch-all), so the later
//! variants were never chosen. One enum decodes each value to its own
//! variant, and is one type instead of one per branch. The branches' own
//! enums, when they were inline (defined inside the union's schema) and
//! nothing else names them, go; an enum of the components stays.

use std::collections::BTreeSet;

use crate::ir::{Api, Enum, EnumVariant, TypeDef, TypeRef};

/// Turns each untagged union whose every variant is a string enum into one enum.
pub fn merge_enum_unions(api: &mut Api) {
    let mut inline = BTreeSet::new();
    for i in 0..api.types.len() {
        let TypeDef::Union(u) = &api.types[i] else { continue };
        if u.tag.is_some() || u.variants.is_empty() {
            continue;
        }
        let branches: Option<Vec<&Enum>> = u
            .variants
            .iter()
            .map(|v| match (&v.ty, v.boxed) {
                (TypeRef::Named(n), false) => match api.type_def(n) {
                    Some(TypeDef::Enum(e)) => Some(e),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let Some(branches) = branches else { continue };
        let mut values = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut variants = Vec::new();
        for e in &branches {
            if e.pointer.starts_with(&format!("{}/", u.pointer)) {
                inline.insert(e.rust_name.clone());
            }
            for v in &e.variants {
                if values.insert(v.value.clone()) {
                    variants.push(EnumVariant { value: v.value.clone(), rust_name: crate::names::unique(v.rust_name.clone(), &mut names) });
                }
            }
        }
        let merged = Enum { name: u.name.clone(), rust_name: u.rust_name.clone(), docs: u.docs.clone(), variants, pointer: u.pointer.clone(), catch_all: String::new(), constant: false };
        api.types[i] = TypeDef::Enum(merged);
    }
    if inline.is_empty() {
        return;
    }
    // The inline branches nothing names any more.
    let named = api.named_types();
    api.types.retain(|t| !inline.contains(t.rust_name()) || named.contains(t.rust_name()));
    api.type_index = Default::default();
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeDef};

    fn api(schemas: serde_json::Value) -> Api {
        crate::analyse::schemas_only("3.1.0", schemas).0
    }

    fn values(api: &Api, name: &str) -> Vec<String> {
        match api.type_def(name) {
            Some(TypeDef::Enum(e)) => e.variants.iter().map(|v| format!("{}={}", v.rust_name, v.value)).collect(),
            other => panic!("{name} is not an enum: {other:?}"),
        }
    }

    #[test]
    fn a_union_of_string_enums_is_one_enum_of_their_values() {
        let api = api(serde_json::json!({
            "Status": { "oneOf": [
                { "type": "string", "enum": ["completed"] },
                { "type": "string", "enum": ["failed", "completed"] },
                { "$ref": "#/components/schemas/Pending" },
            ] },
            "Pending": { "type": "string", "enum": ["in_progress"] },
            // A string beside the enum: tried in turn, as before.
            "Loose": { "anyOf": [{ "$ref": "#/components/schemas/Pending" }, { "type": "string" }] },
        }));
        assert_eq!(values(&api, "Status"), ["Completed=completed", "Failed=failed", "InProgress=in_progress"]);
        assert_eq!(values(&api, "Pending"), ["InProgress=in_progress"], "a component enum stays");
        assert!(matches!(api.type_def("Loose"), Some(TypeDef::Union(_))));
        let names: Vec<&str> = api.types.iter().map(TypeDef::rust_name).collect();
        assert!(!names.iter().any(|n| n.starts_with("Status") && *n != "Status"), "the inline branches are gone: {names:?}");
        assert_eq!(api.type_def("Status").map(TypeDef::rust_name), Some("Status"));
    }
}
