//! Constant tags: which one-value string enums become zero-sized marker types
//! (the runtime's `const_tag!`) instead of open enums.
//!
//! The rule: a one-value enum is a constant when it is the type of a union's
//! tag property in a variant's struct: the `discriminator` (or the property
//! every variant fixes to its own value) of a tagged union, where its value
//! must be the variant's tag value; or, in a union decoded by trying each
//! variant, a property that several variants fix to one value each (the
//! tag it would have, were the values distinct or every variant an object).
//! Checked against every union that uses it.
//!
//! Why a tag never grows: its value names the variant. A later version that
//! adds a value adds a variant (another struct) to the union; it does not
//! give this struct's tag a second value (the union could not then tell
//! which struct to decode). So making it a constant costs no future
//! compatibility, and decoding it strictly makes a union that tries its
//! variants in turn pick the right one. Any other one-value enum
//! (`object: [list]`, `cache_control.type: [ephemeral]`) may well grow into
//! a real enum, which would change the type of its fields (a breaking
//! change), so it stays open. `const` string properties are not named types
//! (they are `String` fields), so the question does not arise for them.

use std::collections::BTreeMap;

use crate::ir::{Api, Enum, TypeDef, TypeRef};

/// Sets `constant` on the enums the rule above picks (and clears it on the others).
pub fn mark_constants(api: &mut Api) {
    // Whether each candidate fits every union that tags by it.
    let mut verdicts: BTreeMap<String, bool> = BTreeMap::new();
    for def in &api.types {
        let TypeDef::Union(u) = def else { continue };
        // Each variant's one-value enums, with the property and the variant's tag value.
        let mut fixed: Vec<(&str, &Enum, Option<&String>)> = Vec::new();
        for v in &u.variants {
            let TypeRef::Named(s) = &v.ty else { continue };
            for f in api.struct_def(s).map_or(&[][..], |s| &s.fields) {
                if let TypeRef::Named(e) = &f.ty
                    && let Some(TypeDef::Enum(e)) = api.type_def(e)
                    && u.tag.as_ref().is_none_or(|tag| tag == &f.name)
                {
                    fixed.push((&f.name, e, v.tag_value.as_ref()));
                }
            }
        }
        for &(property, e, tag_value) in &fixed {
            let one = e.variants.len() == 1;
            let fits = match &u.tag {
                Some(_) => one && Some(&e.variants[0].value) == tag_value,
                None => one && fixed.iter().filter(|(p, e, _)| *p == property && e.variants.len() == 1).count() > 1,
            };
            // An untagged union that does not tag by the property says nothing about it.
            if u.tag.is_some() || fits {
                *verdicts.entry(e.rust_name.clone()).or_insert(true) &= fits;
            }
        }
    }
    for def in &mut api.types {
        if let TypeDef::Enum(e) = def {
            e.constant = verdicts.get(&e.rust_name).copied().unwrap_or(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeDef};

    fn api(schemas: serde_json::Value) -> Api {
        crate::analyse::schemas_only("3.1.0", schemas).0
    }

    /// The enums of `api` that are constants, and those that stay open, by name.
    fn split(api: &Api) -> (Vec<&str>, Vec<&str>) {
        let mut out = (Vec::new(), Vec::new());
        for t in &api.types {
            if let TypeDef::Enum(e) = t {
                if e.constant { &mut out.0 } else { &mut out.1 }.push(e.rust_name.as_str());
            }
        }
        out.0.sort_unstable();
        out.1.sort_unstable();
        out
    }

    #[test]
    fn the_one_value_tags_of_union_variants_are_constants_and_other_one_value_enums_stay_open() {
        let api = api(serde_json::json!({
            // Tagged by a property every branch fixes to one value (no discriminator).
            "Caller": { "oneOf": [{ "$ref": "#/components/schemas/Direct" }, { "$ref": "#/components/schemas/Tool" }] },
            "Direct": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["direct"] } } },
            "Tool": {
                "type": "object",
                "required": ["type", "name"],
                "properties": { "type": { "$ref": "#/components/schemas/ToolType" }, "name": { "type": "string" } },
            },
            "ToolType": { "type": "string", "enum": ["tool"] },
            // A discriminator whose mapping sends a second value to `Tool`: its
            // tag type would have to hold both, so it stays open.
            "Mapped": {
                "oneOf": [{ "$ref": "#/components/schemas/Direct" }, { "$ref": "#/components/schemas/Tool" }],
                "discriminator": { "propertyName": "type", "mapping": { "direct": "#/components/schemas/Direct", "tool2": "#/components/schemas/Tool" } },
            },
            // One value, but no union tags by it: it may grow.
            "List": { "type": "object", "required": ["object"], "properties": { "object": { "type": "string", "enum": ["list"] } } },
            // Two values in a tag property: an ordinary open enum.
            "Wide": { "oneOf": [{ "$ref": "#/components/schemas/Either" }, { "$ref": "#/components/schemas/Direct" }], "discriminator": { "propertyName": "type", "mapping": { "direct": "#/components/schemas/Direct" } } },
            "Either": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["either", "or"] } } },
            // Tried in turn (a branch is a string): `type` would be its tag, `mode` is no tag.
            "Loose": { "oneOf": [{ "type": "string" }, { "$ref": "#/components/schemas/Alpha" }, { "$ref": "#/components/schemas/Beta" }] },
            "Alpha": {
                "type": "object",
                "properties": { "type": { "type": "string", "enum": ["alpha"] }, "mode": { "type": "string", "enum": ["fast"] } },
            },
            "Beta": { "type": "object", "properties": { "type": { "type": "string", "enum": ["beta"] } } },
        }));
        let (constant, open) = split(&api);
        assert_eq!(constant, ["AlphaType", "BetaType", "DirectType"]);
        assert_eq!(open, ["AlphaMode", "EitherType", "ListObject", "ToolType"]);
    }

    #[test]
    fn marking_twice_changes_nothing() {
        let mut api = api(serde_json::json!({
            "Caller": { "oneOf": [{ "$ref": "#/components/schemas/Direct" }, { "$ref": "#/components/schemas/Tool" }] },
            "Direct": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["direct"] } } },
            "Tool": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["tool"] } } },
        }));
        let before = split(&api).0.into_iter().map(str::to_string).collect::<Vec<_>>();
        super::mark_constants(&mut api);
        assert_eq!(split(&api).0, before);
        assert_eq!(before, ["DirectType", "ToolType"]);
    }
}
