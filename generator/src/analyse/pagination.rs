//! Pagination the emitter can print. Lowering accepts `x-speakeasy-pagination`
//! only when it fits the operation; this checks the finished IR once more
//! (after degraded types became untyped JSON), against exactly what
//! `emit::operations::pagination` reads, so that emit never has to skip
//! `into_pages` silently: what does not fit is dropped here, with a warning.

use crate::error::{pointer_join, Warning};
use crate::ir::{Api, Operation, PaginationKind, ParamLocation, TypeRef};

/// Drops the pagination of every operation whose IR does not have the shapes
/// paging needs, with a warning naming the operation's extension.
pub fn check(api: &mut Api, warnings: &mut Vec<Warning>) {
    let mut dropped = Vec::new();
    for (g, group) in api.groups.iter().enumerate() {
        for (o, op) in group.operations.iter().enumerate() {
            if let Err(why) = fits(api, op) {
                dropped.push((g, o));
                warnings.push(Warning::new(pointer_join(&op.pointer, "x-speakeasy-pagination"), format!("{why}; the operation returns single pages")));
            }
        }
    }
    for (g, o) in dropped {
        api.groups[g].operations[o].pagination = None;
    }
}

/// Whether `op`'s pagination (if any) has what the emitter reads.
fn fits(api: &Api, op: &Operation) -> Result<(), String> {
    let Some(paging) = &op.pagination else { return Ok(()) };
    let Some(TypeRef::Named(response)) = op.success.iter().find_map(|s| s.ty.as_ref()) else {
        return Err("the success response is not a named object".into());
    };
    let Some(page) = api.struct_def(response) else {
        return Err(format!("the success response `{response}` is not an object with fields"));
    };
    if !page.fields.iter().find(|f| f.name == paging.results_field).is_some_and(|f| matches!(f.ty, TypeRef::Array(_))) {
        return Err(format!("the success response has no array field `{}`", paging.results_field));
    }
    let optional_query = |name: &str, fits: fn(&TypeRef) -> bool| {
        op.params.iter().find(|p| p.name == name && p.location == ParamLocation::Query && !p.required).is_some_and(|p| fits(&p.ty))
    };
    match &paging.kind {
        PaginationKind::OffsetLimit { offset_param, .. } if !optional_query(offset_param, |t| matches!(t, TypeRef::Integer { .. })) => {
            Err(format!("the offset `{offset_param}` is not an optional integer query parameter"))
        }
        PaginationKind::Cursor { cursor_param, .. } if !optional_query(cursor_param, |t| *t == TypeRef::String) => {
            Err(format!("the cursor `{cursor_param}` is not an optional string query parameter"))
        }
        PaginationKind::Cursor { next_cursor_field, .. } if !page.fields.iter().any(|f| &f.name == next_cursor_field && f.ty == TypeRef::String) => {
            Err(format!("the success response has no string field `{next_cursor_field}`"))
        }
        _ => Ok(()),
    }
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
        assert!(api.groups[0].operations[0].pagination.is_some());
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
