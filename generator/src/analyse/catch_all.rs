//! The catch-all variant of open enums and unions: the variant that keeps a
//! value this SDK does not know. It is `Unknown`, unless a known value or a
//! variant already has that name.

use crate::ir::{Api, TypeDef, TypeRef, Union};

/// The names tried in turn; the last is used when every one of them is taken.
const CANDIDATES: [&str; 4] = ["Unknown", "UnknownValue", "Other", "OtherValue"];
const LAST_RESORT: &str = "UnrecognisedValue";

/// Sets `catch_all` on every enum and union of `api`.
pub fn name_catch_alls(api: &mut Api) {
    for t in &mut api.types {
        match t {
            TypeDef::Enum(e) => e.catch_all = free_name(e.variants.iter().map(|v| v.rust_name.as_str())),
            TypeDef::Union(u) => u.catch_all = union_catch_all(u),
            TypeDef::Struct(_) => {}
        }
    }
}

/// A union's catch-all, or none for an untagged union that has a variant of
/// any JSON value: that variant takes every value another one refuses.
fn union_catch_all(u: &Union) -> Option<String> {
    if u.tag.is_none() && u.variants.iter().any(|v| v.ty == TypeRef::Any) {
        return None;
    }
    Some(free_name(u.variants.iter().map(|v| v.rust_name.as_str())))
}

/// The first candidate no name in `taken` uses.
fn free_name<'a>(taken: impl Iterator<Item = &'a str> + Clone) -> String {
    CANDIDATES.into_iter().find(|c| !taken.clone().any(|v| v == *c)).unwrap_or(LAST_RESORT).to_string()
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeDef};

    fn api(schemas: serde_json::Value) -> Api {
        crate::analyse::schemas_only("3.0.3", schemas).0
    }

    fn enum_catch_all(api: &Api, name: &str) -> String {
        match api.types.iter().find(|t| t.rust_name() == name) {
            Some(TypeDef::Enum(e)) => e.catch_all.clone(),
            other => panic!("{name} is not an enum: {other:?}"),
        }
    }

    fn union_catch_all(api: &Api, name: &str) -> Option<String> {
        match api.types.iter().find(|t| t.rust_name() == name) {
            Some(TypeDef::Union(u)) => u.catch_all.clone(),
            other => panic!("{name} is not a union: {other:?}"),
        }
    }

    #[test]
    fn enums_take_the_first_name_no_value_uses() {
        let api = api(serde_json::json!({
            "Plain": { "type": "string", "enum": ["a", "b"] },
            "HasUnknown": { "type": "string", "enum": ["unknown", "b"] },
            "HasAll": { "type": "string", "enum": ["unknown", "unknown_value", "other", "other_value"] },
        }));
        assert_eq!(enum_catch_all(&api, "Plain"), "Unknown");
        assert_eq!(enum_catch_all(&api, "HasUnknown"), "UnknownValue");
        assert_eq!(enum_catch_all(&api, "HasAll"), "UnrecognisedValue");
    }

    #[test]
    fn an_untagged_union_with_a_variant_of_any_value_has_none() {
        let api = api(serde_json::json!({
            "Thing": { "type": "object", "properties": { "x": { "type": "string" } } },
            "Unknown": { "type": "object", "properties": { "y": { "type": "string" } } },
            "Closed": { "oneOf": [{ "type": "string" }, {}] },
            "Open": { "oneOf": [{ "type": "string" }, { "$ref": "#/components/schemas/Thing" }] },
            "Taken": { "oneOf": [{ "type": "string" }, { "$ref": "#/components/schemas/Unknown" }] },
        }));
        assert_eq!(union_catch_all(&api, "Closed"), None);
        assert_eq!(union_catch_all(&api, "Open").as_deref(), Some("Unknown"));
        assert_eq!(union_catch_all(&api, "Taken").as_deref(), Some("UnknownValue"));
    }
}
