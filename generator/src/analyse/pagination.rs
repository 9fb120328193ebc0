//! Pagination resolved into what the emitter prints. Lowering accepts
//! `x-speakeasy-pagination` only when it fits the operation; this resolves it
//! against the finished IR (after degraded types became untyped JSON) into a
//! [`PagingPlan`]: the page struct, its items and total or next-cursor fields,
//! and the builder's offset or cursor field. What cannot be resolved is
//! dropped here, with a warning, so emit never skips `into_pages` silently.

use crate::error::{pointer_join, Warning};
use crate::ir::{Api, NextPage, Operation, PaginationKind, PagingPlan, ParamLocation, TypeRef};

/// Resolves the pagination of every operation; drops, with a warning naming the
/// operation's extension, each one that does not have the shapes paging needs.
pub fn check(api: &mut Api, warnings: &mut Vec<Warning>) {
    let mut resolved = Vec::new();
    for (g, group) in api.groups.iter().enumerate() {
        for (o, op) in group.operations.iter().enumerate() {
            match resolve(api, op) {
                Ok(plan) => resolved.push((g, o, plan)),
                Err(why) => {
                    warnings.push(Warning::new(pointer_join(&op.pointer, "x-speakeasy-pagination"), format!("{why}; the operation returns single pages")));
                    resolved.push((g, o, None));
                }
            }
        }
    }
    for (g, o, plan) in resolved {
        let op = &mut api.groups[g].operations[o];
        match plan {
            Some(plan) => {
                if let Some(paging) = &mut op.pagination {
                    paging.plan = Some(plan);
                }
            }
            None => op.pagination = None,
        }
    }
}

/// The plan of `op`'s pagination (`None` when it has none), or why it has none.
fn resolve(api: &Api, op: &Operation) -> Result<Option<PagingPlan>, String> {
    let Some(paging) = &op.pagination else { return Ok(None) };
    let Some(TypeRef::Named(response)) = op.success.iter().find_map(|s| s.ty.as_ref()) else {
        return Err("the success response is not a named object".into());
    };
    let Some(page) = api.struct_def(response) else {
        return Err(format!("the success response `{response}` is not an object with fields"));
    };
    let Some((items, item)) = page.fields.iter().find(|f| f.name == paging.results_field).and_then(|f| match &f.ty {
        TypeRef::Array(item) => Some((f.clone(), (**item).clone())),
        _ => None,
    }) else {
        return Err(format!("the success response has no array field `{}`", paging.results_field));
    };
    let optional_query = |name: &str| op.params.iter().find(|p| p.name == name && p.location == ParamLocation::Query && !p.required);
    let next = match &paging.kind {
        PaginationKind::OffsetLimit { offset_param, total_field, .. } => {
            let Some((param, bits)) = optional_query(offset_param).and_then(|p| match p.ty {
                TypeRef::Integer { bits } => Some((p.rust_name.clone(), bits)),
                _ => None,
            }) else {
                return Err(format!("the offset `{offset_param}` is not an optional integer query parameter"));
            };
            let total = total_field.as_deref().and_then(|name| page.fields.iter().find(|f| f.name == name && matches!(f.ty, TypeRef::Integer { .. }))).cloned();
            NextPage::Offset { param, bits, total }
        }
        PaginationKind::Cursor { cursor_param, next_cursor_field } => {
            let Some(param) = optional_query(cursor_param).filter(|p| p.ty == TypeRef::String) else {
                return Err(format!("the cursor `{cursor_param}` is not an optional string query parameter"));
            };
            let Some(next) = page.fields.iter().find(|f| &f.name == next_cursor_field && f.ty == TypeRef::String) else {
                return Err(format!("the success response has no string field `{next_cursor_field}`"));
            };
            NextPage::Cursor { param_name: cursor_param.clone(), param: param.rust_name.clone(), next: next.clone() }
        }
    };
    Ok(Some(PagingPlan { page: response.clone(), items, item, next }))
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeDef, TypeRef};

    fn paged() -> Api {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "Paging", "version": "1" },
            "paths": { "/items": { "get": {
                "operationId": "listItems",
                "parameters": [
                    { "name": "offset", "in": "query", "schema": { "type": "integer" } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer" } },
                ],
                "x-speakeasy-pagination": {
                    "type": "offsetLimit",
                    "inputs": [{ "name": "offset", "in": "parameters", "type": "offset" }, { "name": "limit", "in": "parameters", "type": "limit" }],
                    "outputs": { "results": "$.data" },
                },
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Page" } } } } },
            } } },
            "components": { "schemas": {
                "Page": { "type": "object", "required": ["data"], "properties": { "data": { "type": "array", "items": { "type": "string" } } } },
            } },
        });
        let (api, warnings, _) = crate::lower_document(doc).expect("the document lowers");
        assert!(warnings.is_empty(), "{warnings:?}");
        api
    }

    #[test]
    fn pagination_that_fits_the_ir_is_kept_without_a_warning() {
        let mut api = paged();
        let mut warnings = Vec::new();
        super::check(&mut api, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let plan = api.groups[0].operations[0].pagination.as_ref().and_then(|p| p.plan.as_ref()).expect("resolved into a plan");
        assert_eq!(plan.page, "Page");
        assert_eq!(plan.items.name, "data");
        assert_eq!(plan.item, TypeRef::String);
        match &plan.next {
            crate::ir::NextPage::Offset { param, bits, total } => {
                assert_eq!((param.as_str(), *bits), ("offset", 64));
                assert!(total.is_none());
            }
            other => panic!("expected offset paging, got {other:?}"),
        }
    }

    #[test]
    fn pagination_the_emitter_could_not_print_is_dropped_with_a_warning_naming_the_extension() {
        let mut api = paged();
        // As if `Page` had degraded after the operation was lowered.
        for t in &mut api.types {
            if let TypeDef::Struct(s) = t {
                s.fields[0].ty = TypeRef::Any;
            }
        }
        let mut warnings = Vec::new();
        super::check(&mut api, &mut warnings);
        assert!(api.groups[0].operations[0].pagination.is_none());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].pointer, "#/paths/~1items/get/x-speakeasy-pagination");
        assert!(warnings[0].message.contains("`data`") && warnings[0].message.ends_with("the operation returns single pages"), "{}", warnings[0].message);
    }
}
