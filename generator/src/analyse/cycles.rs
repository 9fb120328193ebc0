//! Which struct fields and union variants are boxed: a type that holds itself,
//! directly or through other types held inline (`A { b: B }`, `B { a: Option<A> }`),
//! has no finite size, so one member on each such cycle must live behind a `Box`.
//!
//! A member `owner.m` of type `T` is boxed when `T` leads back to `owner`
//! through members held inline, i.e. when `owner` and `T` are in the same
//! strongly connected component of the graph whose edges are those members.
//! Only a member whose type is a named type itself is an edge: `Vec` and maps
//! already hold their items on the heap; `Option` and `Nullable` do not, so a
//! member of any presence is an edge. Every member on a cycle is boxed (not
//! just one per cycle), so the choice never depends on the order of the types.

use std::collections::BTreeMap;

use crate::ir::{Api, TypeDef, TypeRef};

/// Sets `boxed` on every struct field and union variant of `api`.
pub fn mark_boxed(api: &mut Api) {
    let component = components(api);
    let same = |owner: &str, ty: &TypeRef| match ty {
        TypeRef::Named(to) => component.get(to.as_str()).is_some_and(|c| component.get(owner) == Some(c)),
        _ => false,
    };
    let mut marks = Vec::with_capacity(api.types.len());
    for t in &api.types {
        let owner = t.rust_name();
        marks.push(match t {
            TypeDef::Struct(s) => s.fields.iter().map(|f| same(owner, &f.ty)).collect(),
            TypeDef::Union(u) => u.variants.iter().map(|v| same(owner, &v.ty)).collect(),
            TypeDef::Enum(_) => Vec::new(),
        });
    }
    for (t, marks) in api.types.iter_mut().zip(marks) {
        match t {
            TypeDef::Struct(s) => s.fields.iter_mut().zip(marks).for_each(|(f, boxed)| f.boxed = boxed),
            TypeDef::Union(u) => u.variants.iter_mut().zip(marks).for_each(|(v, boxed)| v.boxed = boxed),
            TypeDef::Enum(_) => {}
        }
    }
}

/// The strongly connected component of each named type (Kosaraju, iterative):
/// two types share one when each leads to the other through inline members.
fn components(api: &Api) -> BTreeMap<&str, usize> {
    let index: BTreeMap<&str, usize> = api.types.iter().enumerate().map(|(i, t)| (t.rust_name(), i)).collect();
    let n = api.types.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, t) in api.types.iter().enumerate() {
        let members: Vec<&TypeRef> = match t {
            TypeDef::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeDef::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeDef::Enum(_) => Vec::new(),
        };
        for ty in members {
            if let TypeRef::Named(name) = ty
                && let Some(&to) = index.get(name.as_str())
            {
                out[from].push(to);
                into[to].push(from);
            }
        }
    }
    // Types in the order their depth-first search finishes.
    let mut finished = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for root in 0..n {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        let mut stack = vec![(root, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&to) = out[node].get(*next) {
                *next += 1;
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                finished.push(node);
                stack.pop();
            }
        }
    }
    // Walking the reversed edges from the last finished type collects exactly its component.
    let mut component = vec![usize::MAX; n];
    for (c, &root) in finished.iter().rev().enumerate() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = c;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &from in &into[node] {
                if component[from] == usize::MAX {
                    component[from] = c;
                    stack.push(from);
                }
            }
        }
    }
    index.into_iter().map(|(name, i)| (name, component[i])).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::ir::{Api, TypeDef, TypeRef};

    /// The IR of a document with these component schemas, analysed.
    fn api(schemas: serde_json::Value) -> Api {
        let (api, warnings) = crate::analyse::schemas_only("3.0.3", schemas);
        assert!(warnings.is_empty(), "{warnings:?}");
        api
    }

    /// `Owner.member` of every boxed struct field and union variant.
    fn boxed(api: &Api) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for t in &api.types {
            match t {
                TypeDef::Struct(s) => out.extend(s.fields.iter().filter(|f| f.boxed).map(|f| format!("{}.{}", s.rust_name, f.rust_name))),
                TypeDef::Union(u) => out.extend(u.variants.iter().filter(|v| v.boxed).map(|v| format!("{}.{}", u.rust_name, v.rust_name))),
                TypeDef::Enum(_) => {}
            }
        }
        out
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn object(properties: serde_json::Value, required: &[&str]) -> serde_json::Value {
        serde_json::json!({ "type": "object", "properties": properties, "required": required })
    }

    #[test]
    fn a_struct_that_holds_itself_is_boxed_whatever_its_presence() {
        let api = api(serde_json::json!({
            "Node": object(serde_json::json!({
                "name": { "type": "string" },
                "parent": { "$ref": "#/components/schemas/Node" },
                "next": { "$ref": "#/components/schemas/Node", "nullable": true },
                "last": { "$ref": "#/components/schemas/Node" },
            }), &["name", "last"]),
        }));
        // Required, optional (`Option`) and nullable (`Nullable`) alike: none of them allocates.
        assert_eq!(boxed(&api), set(&["Node.last", "Node.next", "Node.parent"]));
    }

    #[test]
    fn mutual_recursion_boxes_both_members_on_the_cycle_and_nothing_else() {
        let api = api(serde_json::json!({
            "A": object(serde_json::json!({ "b": { "$ref": "#/components/schemas/B" }, "leaf": { "$ref": "#/components/schemas/Leaf" } }), &["b"]),
            "B": object(serde_json::json!({ "a": { "$ref": "#/components/schemas/A" } }), &[]),
            "Leaf": object(serde_json::json!({ "x": { "type": "integer" } }), &[]),
            // Points into the cycle but is not on it.
            "Outside": object(serde_json::json!({ "a": { "$ref": "#/components/schemas/A" } }), &["a"]),
        }));
        assert_eq!(boxed(&api), set(&["A.b", "B.a"]));
    }

    #[test]
    fn a_longer_cycle_boxes_every_member_on_it() {
        let api = api(serde_json::json!({
            "A": object(serde_json::json!({ "b": { "$ref": "#/components/schemas/B" } }), &[]),
            "B": object(serde_json::json!({ "c": { "$ref": "#/components/schemas/C" } }), &[]),
            "C": object(serde_json::json!({ "a": { "$ref": "#/components/schemas/A" }, "b": { "$ref": "#/components/schemas/B" } }), &[]),
        }));
        assert_eq!(boxed(&api), set(&["A.b", "B.c", "C.a", "C.b"]));
    }

    #[test]
    fn recursion_through_a_union_boxes_the_variant_and_the_field() {
        let api = api(serde_json::json!({
            "Expr": { "oneOf": [
                { "type": "string" },
                { "$ref": "#/components/schemas/Sum" },
            ] },
            "Sum": object(serde_json::json!({
                "left": { "$ref": "#/components/schemas/Expr" },
                "right": { "$ref": "#/components/schemas/Expr" },
            }), &["left", "right"]),
        }));
        let boxed = boxed(&api);
        assert!(boxed.contains("Sum.left") && boxed.contains("Sum.right"), "{boxed:?}");
        let TypeDef::Union(expr) = api.types.iter().find(|t| t.rust_name() == "Expr").unwrap() else { panic!("Expr is a union") };
        let to_sum: Vec<bool> = expr.variants.iter().filter(|v| v.ty == TypeRef::Named("Sum".into())).map(|v| v.boxed).collect();
        assert_eq!(to_sum, [true]);
        assert!(expr.variants.iter().filter(|v| v.ty == TypeRef::String).all(|v| !v.boxed));
    }

    #[test]
    fn recursion_through_a_vec_or_a_map_needs_no_box() {
        let api = api(serde_json::json!({
            "Tree": object(serde_json::json!({
                "children": { "type": "array", "items": { "$ref": "#/components/schemas/Tree" } },
                "named": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/Tree" } },
            }), &["children"]),
            // Itself as the type of extra properties (a map).
            "Bag": { "type": "object", "properties": { "label": { "type": "string" } }, "additionalProperties": { "$ref": "#/components/schemas/Bag" } },
            // A cycle that goes through a `Vec` on one side only still needs no box.
            "Left": object(serde_json::json!({ "right": { "$ref": "#/components/schemas/Right" } }), &["right"]),
            "Right": object(serde_json::json!({ "lefts": { "type": "array", "items": { "$ref": "#/components/schemas/Left" } } }), &["lefts"]),
        }));
        assert_eq!(boxed(&api), BTreeSet::new());
    }

    #[test]
    fn filtering_keeps_every_cycle_of_the_kept_types_so_the_marks_stand() {
        // `Api::filter` keeps every type a kept type reaches, so a cycle through
        // a kept type is kept whole: the analysis need not run again after it.
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "Cycles", "version": "1" },
            "paths": {
                "/a": { "get": { "operationId": "getA", "tags": ["a"], "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/A" } } } } } } },
                "/c": { "get": { "operationId": "getC", "tags": ["c"], "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/C" } } } } } } },
            },
            "components": { "schemas": {
                "A": object(serde_json::json!({ "b": { "$ref": "#/components/schemas/B" } }), &[]),
                "B": object(serde_json::json!({ "a": { "$ref": "#/components/schemas/A" } }), &[]),
                "C": object(serde_json::json!({ "a": { "$ref": "#/components/schemas/A" }, "c": { "$ref": "#/components/schemas/C" } }), &[]),
            } },
        });
        let (mut api, _, _) = crate::lower_document(doc).unwrap();
        assert_eq!(boxed(&api), set(&["A.b", "B.a", "C.c"]));
        api.filter(&crate::ir::Filter { tags: vec!["a".into()], operations: vec![] });
        assert_eq!(boxed(&api), set(&["A.b", "B.a"]));
        let mut again = api.clone();
        super::mark_boxed(&mut again);
        assert_eq!(boxed(&again), boxed(&api));
    }
}
