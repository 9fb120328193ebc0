//! Lowering schemas into IR types: follows `$ref`s, merges `allOf`, hoists
//! inline objects and enums into named types, and names everything uniquely.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::error::{pointer_join, GenError, Warning};
use crate::ir::{Constraints, Enum, EnumVariant, Field, Presence, Struct, TypeDef, TypeRef};
use crate::names;
use crate::normalise::CONST_EXTENSION;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A schema or a reference to one, whatever box it came in.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// `$ref` target string.
    Ref(&'a str),
    /// An inline schema.
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// State of a component schema during lowering.
#[derive(Clone)]
enum Component {
    /// A named type whose name is reserved but whose body is not lowered yet.
    Reserved(String),
    /// Being lowered: a second visit means a `$ref` cycle (unless it is a named type).
    InProgress,
    /// Lowered.
    Done(TypeRef),
}

/// All named types of the API, built on demand as schemas are lowered.
pub struct TypeSpace<'a> {
    schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    components: HashMap<String, Component>,
    /// Rust type names in use (types, and later operation types).
    pub taken: BTreeSet<String>,
    /// Named types, in the order their names were reserved (document order
    /// for components); a slot is filled once the type's body is lowered.
    slots: Vec<Option<TypeDef>>,
    /// Slot index of each reserved Rust name.
    slot_of: HashMap<String, usize>,
    /// Warnings raised so far.
    pub warnings: Vec<Warning>,
}

/// What a property schema says beyond its type.
struct Annotations<'a> {
    nullable: bool,
    docs: Option<String>,
    sensitive: bool,
    deprecated: bool,
    innermost: Option<&'a Schema>,
}

impl<'a> TypeSpace<'a> {
    /// A type space over the document's component schemas.
    pub fn new(schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>) -> Self {
        TypeSpace { schemas, components: HashMap::new(), taken: BTreeSet::new(), slots: Vec::new(), slot_of: HashMap::new(), warnings: Vec::new() }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_string(), message: message.into() });
    }

    /// The named types, in order.
    pub fn into_types(self) -> (Vec<TypeDef>, Vec<Warning>) {
        (self.slots.into_iter().flatten().collect(), self.warnings)
    }

    fn push(&mut self, def: TypeDef) {
        match self.slot_of.get(def.rust_name()) {
            Some(&i) => self.slots[i] = Some(def),
            None => self.slots.push(Some(def)),
        }
    }

    /// Lowers every component schema, in document order. Component names are
    /// reserved first, so they win over names derived for inline schemas.
    pub fn lower_components(&mut self) -> Result<(), GenError> {
        let schemas = self.schemas;
        for (name, schema) in schemas {
            if let ReferenceOr::Item(schema) = schema
                && self.is_named(schema) {
                    let pointer = pointer_join("#/components/schemas", name);
                    let rust_name = self.reserve_name(name, &pointer);
                    self.components.insert(name.clone(), Component::Reserved(rust_name));
                }
        }
        for name in self.schemas.keys() {
            self.component(name, &pointer_join("#/components/schemas", name))?;
        }
        Ok(())
    }

    /// The example a schema (or the schema it refers to) gives, if any.
    pub fn example_of(&self, s: SchemaRef<'_>) -> Option<serde_json::Value> {
        let schema = match s {
            SchemaRef::Ref(r) => self.resolve(r, "").ok()?.1,
            SchemaRef::Item(s) => s,
        };
        schema.schema_data.example.clone()
    }

    /// Whether `name` is a struct (defined or still being lowered).
    pub fn is_struct(&self, name: &str) -> bool {
        match self.slot_of.get(name).and_then(|&i| self.slots[i].as_ref()) {
            Some(def) => matches!(def, TypeDef::Struct(_)),
            None => false,
        }
    }

    /// Whether `ty` is a struct with a field named `field`.
    pub fn has_field(&self, ty: &TypeRef, field: &str) -> bool {
        let TypeRef::Named(name) = ty else { return false };
        matches!(self.slot_of.get(name.as_str()).and_then(|&i| self.slots[i].as_ref()), Some(TypeDef::Struct(s)) if s.fields.iter().any(|f| f.name == field))
    }

    /// The struct `ty` names, once lowered (`None` for any other type).
    pub fn struct_of(&self, ty: &TypeRef) -> Option<&Struct> {
        let TypeRef::Named(name) = ty else { return None };
        match self.slot_of.get(name.as_str()).and_then(|&i| self.slots[i].as_ref()) {
            Some(TypeDef::Struct(s)) => Some(s),
            _ => None,
        }
    }

    /// Reserves a unique Rust type name, warning when the natural one was taken.
    pub fn reserve_name(&mut self, wanted: &str, pointer: &str) -> String {
        let natural = names::type_name(wanted);
        let name = names::unique(natural.clone(), &mut self.taken);
        if name != natural {
            self.warn(pointer, format!("the Rust name `{natural}` is already used; this type is named `{name}`"));
        }
        self.slot_of.insert(name.clone(), self.slots.len());
        self.slots.push(None);
        name
    }

    /// Follows a `$ref` to a component schema.
    fn resolve(&self, reference: &str, pointer: &str) -> Result<(&'a str, &'a Schema), GenError> {
        let name = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            GenError::at(pointer, format!("unsupported $ref `{reference}`: only local references to `{SCHEMA_PREFIX}…` are supported here"))
        })?;
        let name = name.replace("~1", "/").replace("~0", "~");
        let (key, schema) = self
            .schemas
            .get_key_value(name.as_str())
            .ok_or_else(|| GenError::at(pointer, format!("dangling $ref: `{reference}` does not exist in the document")))?;
        match schema {
            ReferenceOr::Item(s) => Ok((key.as_str(), s)),
            ReferenceOr::Reference { reference: next } => {
                // A component that only points to another one.
                let (_, s) = self.resolve(next, &pointer_join("#/components/schemas", key))?;
                Ok((key.as_str(), s))
            }
        }
    }

    /// The IR type of a component schema, lowering it the first time.
    fn component(&mut self, name: &str, pointer: &str) -> Result<TypeRef, GenError> {
        match self.components.get(name) {
            Some(Component::Done(t)) => return Ok(t.clone()),
            Some(Component::InProgress) => {
                return Err(GenError::at(pointer, format!("$ref cycle: the schema `{name}` refers back to itself without an object in between")));
            }
            Some(Component::Reserved(_)) | None => {}
        }
        let reserved = match self.components.get(name) {
            Some(Component::Reserved(n)) => Some(n.clone()),
            _ => None,
        };
        let (key, schema) = match &self.schemas[name] {
            ReferenceOr::Item(s) => (name, s),
            ReferenceOr::Reference { reference } => {
                self.components.insert(name.to_string(), Component::InProgress);
                let t = self.schema_ref(SchemaRef::Ref(reference), &pointer_join(pointer, "$ref"), name)?;
                self.components.insert(name.to_string(), Component::Done(t.clone()));
                return Ok(t);
            }
        };
        if self.is_named(schema) {
            // Named types may be recursive: publish the name before lowering the body.
            let rust_name = match reserved {
                Some(n) => n,
                None => self.reserve_name(key, pointer),
            };
            self.components.insert(name.to_string(), Component::Done(TypeRef::Named(rust_name.clone())));
            self.define(schema, pointer, rust_name.clone())?;
            Ok(TypeRef::Named(rust_name))
        } else {
            self.components.insert(name.to_string(), Component::InProgress);
            let t = self.schema(schema, pointer, key)?;
            self.components.insert(name.to_string(), Component::Done(t.clone()));
            Ok(t)
        }
    }

    /// Whether a schema becomes a named Rust type (struct or enum).
    fn is_named(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::Type(Type::String(s)) => is_string_enum(s) && !is_const(schema),
            SchemaKind::AllOf { all_of } => self.structural_members(all_of).len() > 1,
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => branches.len() > 1,
            SchemaKind::Any(a) => !a.properties.is_empty() || a.one_of.len() > 1 || a.any_of.len() > 1,
            _ => false,
        }
    }

    /// The IR type for a schema or reference; `hint` names hoisted inline types.
    pub fn schema_ref(&mut self, s: SchemaRef<'_>, pointer: &str, hint: &str) -> Result<TypeRef, GenError> {
        match s {
            SchemaRef::Ref(reference) => {
                let (name, _) = self.resolve(reference, pointer)?;
                self.component(name, &pointer_join("#/components/schemas", name))
            }
            SchemaRef::Item(schema) => self.schema(schema, pointer, hint),
        }
    }

    /// Adds a named type for `schema` under `rust_name`.
    fn define(&mut self, schema: &Schema, pointer: &str, rust_name: String) -> Result<(), GenError> {
        let docs = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let mut used = BTreeSet::new();
                let variants = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|value| EnumVariant { value: value.clone(), rust_name: names::unique(names::variant_name(value), &mut used) })
                    .collect();
                self.push(TypeDef::Enum(Enum { name: rust_name.clone(), rust_name, docs, variants, pointer: pointer.to_string() }));
            }
            SchemaKind::AllOf { all_of } => {
                let (fields, additional) = self.merge_all_of(all_of, pointer, &rust_name)?;
                let docs = docs.or_else(|| self.all_of_docs(all_of));
                self.push(TypeDef::Struct(Struct { name: rust_name.clone(), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.check_required(&o.properties, &o.required, pointer);
                let fields = self.fields(&o.properties, &o.required, pointer, &rust_name)?;
                let additional = self.additional(o.additional_properties.as_ref(), pointer, &rust_name)?;
                self.push(TypeDef::Struct(Struct { name: rust_name.clone(), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                let def = self.union(schema, branches, pointer, rust_name)?;
                self.push(TypeDef::Union(def));
            }
            SchemaKind::Any(a) if a.properties.is_empty() => {
                let branches = if a.one_of.len() > 1 { &a.one_of } else { &a.any_of };
                let def = self.union(schema, branches, pointer, rust_name)?;
                self.push(TypeDef::Union(def));
            }
            SchemaKind::Any(a) => {
                if !a.one_of.is_empty() || !a.any_of.is_empty() {
                    self.warn(pointer, "an object with both properties and oneOf/anyOf: only the properties are generated");
                }
                self.check_required(&a.properties, &a.required, pointer);
                let fields = self.fields(&a.properties, &a.required, pointer, &rust_name)?;
                let additional = self.additional(a.additional_properties.as_ref(), pointer, &rust_name)?;
                self.push(TypeDef::Struct(Struct { name: rust_name.clone(), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            _ => unreachable!("define is only called for named schemas"),
        }
        Ok(())
    }

    /// The IR type of an inline schema.
    fn schema(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Result<TypeRef, GenError> {
        if self.is_named(schema) {
            let rust_name = self.reserve_name(hint, pointer);
            self.define(schema, pointer, rust_name.clone())?;
            return Ok(TypeRef::Named(rust_name));
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => TypeRef::Secret,
                _ if schema.schema_data.write_only => TypeRef::Secret,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => {
                let bits = match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => 32,
                    _ => 64,
                };
                TypeRef::Integer { bits }
            }
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => TypeRef::Array(Box::new(self.items(a.items.as_ref(), pointer, hint)?)),
            SchemaKind::Type(Type::Object(o)) => TypeRef::Map(Box::new(
                self.additional(o.additional_properties.as_ref(), pointer, hint)?.unwrap_or(TypeRef::Any),
            )),
            SchemaKind::AllOf { all_of } => match self.structural_members(all_of).as_slice() {
                [] => TypeRef::Any,
                [(i, only)] => self.schema_ref(*only, &pointer_join(&pointer_join(pointer, "allOf"), &i.to_string()), hint)?,
                _ => unreachable!("several structural members make a named type"),
            },
            SchemaKind::Any(a) => match a.typ.as_deref() {
                Some("array") => TypeRef::Array(Box::new(self.items(a.items.as_ref(), pointer, hint)?)),
                Some("object") => TypeRef::Map(Box::new(
                    self.additional(a.additional_properties.as_ref(), pointer, hint)?.unwrap_or(TypeRef::Any),
                )),
                _ => TypeRef::Any,
            },
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => match branches.as_slice() {
                [] => TypeRef::Any,
                [only] => self.schema_ref(only.into(), &pointer_join(pointer, union_key(schema)), hint)?,
                _ => unreachable!("unions with several branches are named types"),
            },
            SchemaKind::Not { .. } => {
                self.warn(pointer, "`not` schemas cannot be expressed as a Rust type; the value is kept as untyped JSON");
                TypeRef::Any
            }
        })
    }

    fn items(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, pointer: &str, hint: &str) -> Result<TypeRef, GenError> {
        match items {
            Some(items) => self.schema_ref(items.into(), &pointer_join(pointer, "items"), &format!("{hint}Item")),
            None => Ok(TypeRef::Any),
        }
    }

    /// The type of extra properties; `None` when they are not allowed or not declared.
    fn additional(&mut self, ap: Option<&AdditionalProperties>, pointer: &str, hint: &str) -> Result<Option<TypeRef>, GenError> {
        match ap {
            None | Some(AdditionalProperties::Any(false)) => Ok(None),
            Some(AdditionalProperties::Any(true)) => Ok(Some(TypeRef::Any)),
            Some(AdditionalProperties::Schema(s)) => {
                let ptr = pointer_join(pointer, "additionalProperties");
                Ok(Some(self.schema_ref(s.as_ref().into(), &ptr, &format!("{hint}Value"))?))
            }
        }
    }

    /// Lowers the branches of a `oneOf`/`anyOf` into a union, finding its tag:
    /// the `discriminator`, or a property every branch fixes to its own constant.
    fn union(&mut self, schema: &Schema, branches: &[ReferenceOr<Schema>], pointer: &str, rust_name: String) -> Result<crate::ir::Union, GenError> {
        let key = union_key(schema);
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants = Vec::with_capacity(branches.len());
        let mut used = BTreeSet::new();
        for (i, branch) in branches.iter().enumerate() {
            let ptr = pointer_join(&pointer_join(pointer, key), &i.to_string());
            let hint = format!("{rust_name}{}", i + 1);
            let ty = self.schema_ref(branch.into(), &ptr, &hint)?;
            let tag_value = match (discriminator, branch) {
                (Some(d), ReferenceOr::Reference { reference }) => Some(
                    d.mapping
                        .iter()
                        .find(|(_, target)| *target == reference)
                        .map(|(value, _)| value.clone())
                        .unwrap_or_else(|| reference.rsplit('/').next().unwrap_or(reference).to_string()),
                ),
                _ => None,
            };
            let natural = match &tag_value {
                Some(value) => names::variant_name(value),
                None => kind_name(&ty),
            };
            let rust_variant = names::unique(natural, &mut used);
            variants.push(crate::ir::UnionVariant { rust_name: rust_variant, ty, tag_value });
        }
        let mut tag = discriminator.map(|d| d.property_name.clone());
        if tag.is_none() {
            // No discriminator: look for a property every branch fixes to a distinct constant.
            if let Some((property, values)) = self.common_const_property(&variants) {
                for (v, value) in variants.iter_mut().zip(values) {
                    v.tag_value = Some(value);
                }
                tag = Some(property);
            }
        }
        if let Some(tag) = &tag {
            if variants.iter().any(|v| v.tag_value.is_none() || !matches!(v.ty, TypeRef::Named(_))) {
                self.warn(pointer, format!("union tagged by `{tag}` has branches that are not objects; they are tried in order instead"));
                for v in &mut variants {
                    v.tag_value = None;
                }
                return Ok(crate::ir::Union { name: rust_name.clone(), rust_name, docs: schema.schema_data.description.clone(), tag: None, variants, pointer: pointer.to_string() });
            }
            // Tag values name the variants better than type names do.
            let mut used = BTreeSet::new();
            for v in &mut variants {
                v.rust_name = names::unique(names::variant_name(v.tag_value.as_deref().unwrap_or_default()), &mut used);
            }
        }
        Ok(crate::ir::Union { name: rust_name.clone(), rust_name, docs: schema.schema_data.description.clone(), tag, variants, pointer: pointer.to_string() })
    }

    /// A required property that each variant's struct fixes to its own constant string.
    fn common_const_property(&self, variants: &[crate::ir::UnionVariant]) -> Option<(String, Vec<String>)> {
        let structs: Vec<&Struct> = variants
            .iter()
            .map(|v| match &v.ty {
                TypeRef::Named(n) => self.slots.iter().flatten().find_map(|t| match t {
                    TypeDef::Struct(s) if &s.rust_name == n => Some(s),
                    _ => None,
                }),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let first = structs.first()?;
        'candidates: for field in &first.fields {
            let mut values = Vec::with_capacity(structs.len());
            for s in &structs {
                let Some(f) = s.fields.iter().find(|f| f.name == field.name) else { continue 'candidates };
                let value = match (&f.const_value, &f.ty) {
                    (Some(serde_json::Value::String(v)), _) => v.clone(),
                    (_, TypeRef::Named(n)) => match self.slots.iter().flatten().find(|t| t.rust_name() == n) {
                        Some(TypeDef::Enum(e)) if e.variants.len() == 1 => e.variants[0].value.clone(),
                        _ => continue 'candidates,
                    },
                    _ => continue 'candidates,
                };
                if values.contains(&value) {
                    continue 'candidates;
                }
                values.push(value);
            }
            return Some((field.name.clone(), values));
        }
        None
    }

    /// Members of an `allOf` that carry structure (not just a description or example).
    fn structural_members<'s>(&self, all_of: &'s [ReferenceOr<Schema>]) -> Vec<(usize, SchemaRef<'s>)> {
        all_of
            .iter()
            .enumerate()
            .filter(|(_, m)| match m {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(s) => !is_annotation_only(s),
            })
            .map(|(i, m)| (i, m.into()))
            .collect()
    }

    fn all_of_docs(&self, all_of: &[ReferenceOr<Schema>]) -> Option<String> {
        all_of.iter().find_map(|m| match m {
            ReferenceOr::Item(s) if is_annotation_only(s) => s.schema_data.description.clone(),
            _ => None,
        })
    }

    /// Merges the object members of an `allOf` into one field list.
    fn merge_all_of(&mut self, all_of: &[ReferenceOr<Schema>], pointer: &str, owner: &str) -> Result<(Vec<Field>, Option<TypeRef>), GenError> {
        let mut fields: Vec<Field> = Vec::new();
        let mut additional = None;
        // `required` applies to the merged object: a member may require a property another declares.
        let mut required = Vec::new();
        self.collect_required(all_of, pointer, &mut required)?;
        for (i, member) in self.structural_members(all_of) {
            let member_ptr = pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
            let (schema, schema_ptr) = match member {
                SchemaRef::Ref(r) => {
                    let (name, s) = self.resolve(r, &member_ptr)?;
                    (s, pointer_join("#/components/schemas", name))
                }
                SchemaRef::Item(s) => (s, member_ptr.clone()),
            };
            let (member_fields, member_additional) = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (
                    self.fields(&o.properties, &required, &schema_ptr, owner)?,
                    self.additional(o.additional_properties.as_ref(), &schema_ptr, owner)?,
                ),
                SchemaKind::Any(a) if a.typ.is_none() || a.typ.as_deref() == Some("object") => (
                    self.fields(&a.properties, &required, &schema_ptr, owner)?,
                    self.additional(a.additional_properties.as_ref(), &schema_ptr, owner)?,
                ),
                SchemaKind::AllOf { all_of } => self.merge_all_of(all_of, &schema_ptr, owner)?,
                _ => {
                    return Err(GenError::at(&member_ptr, "allOf member is not an object schema; only objects can be merged"));
                }
            };
            for field in member_fields {
                match fields.iter_mut().find(|f| f.name == field.name) {
                    // A later member may restate a property: the stricter presence wins.
                    Some(existing) => {
                        if matches!(field.presence, Presence::Required | Presence::RequiredNullable) {
                            existing.presence = field.presence;
                        }
                    }
                    None => fields.push(field),
                }
            }
            additional = additional.or(member_additional);
        }
        let mut taken = BTreeSet::new();
        for f in &mut fields {
            f.rust_name = names::unique(f.rust_name.clone(), &mut taken);
        }
        for name in &required {
            if !fields.iter().any(|f| &f.name == name) {
                self.warn(&pointer_join(pointer, "allOf"), format!("`{name}` is required but no member declares it; it is not generated"));
            }
        }
        Ok((fields, additional))
    }

    /// The `required` lists of every object member of an `allOf`, nested ones included.
    fn collect_required(&self, all_of: &[ReferenceOr<Schema>], pointer: &str, out: &mut Vec<String>) -> Result<(), GenError> {
        for (_, member) in self.structural_members(all_of) {
            let schema = match member {
                SchemaRef::Ref(r) => self.resolve(r, pointer)?.1,
                SchemaRef::Item(s) => s,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => out.extend(o.required.iter().cloned()),
                SchemaKind::Any(a) => out.extend(a.required.iter().cloned()),
                SchemaKind::AllOf { all_of } => self.collect_required(all_of, pointer, out)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn check_required(&mut self, properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, required: &[String], pointer: &str) {
        for name in required {
            if !properties.contains_key(name) {
                self.warn(&pointer_join(pointer, "required"), format!("`{name}` is required but not declared in `properties`; it is not generated"));
            }
        }
    }

    fn fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &str,
        owner: &str,
    ) -> Result<Vec<Field>, GenError> {
        let props_ptr = pointer_join(pointer, "properties");
        let mut taken = BTreeSet::new();
        let mut fields = Vec::with_capacity(properties.len());
        for (name, prop) in properties {
            let ptr = pointer_join(&props_ptr, name);
            let natural = names::value_name(name);
            let rust_name = names::unique(natural.clone(), &mut taken);
            if rust_name != natural {
                self.warn(&ptr, format!("the field name `{natural}` is already used in `{owner}`; this one is `{rust_name}`"));
            }
            let hint = format!("{owner}{}", names::type_name(name));
            let ty = self.schema_ref(prop.into(), &ptr, &hint)?;
            let notes = self.annotations(prop.into(), &ptr)?;
            let presence = match (required.iter().any(|r| r == name), notes.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let ty = if notes.sensitive && ty == TypeRef::String { TypeRef::Secret } else { ty };
            fields.push(Field {
                name: name.clone(),
                rust_name,
                sensitive: notes.sensitive || ty == TypeRef::Secret,
                ty,
                presence,
                docs: notes.docs,
                const_value: notes.innermost.and_then(const_value),
                constraints: self.checked(notes.innermost.map(constraints).unwrap_or_default(), &ptr),
                deprecated: notes.deprecated,
            });
        }
        Ok(fields)
    }

    /// Reads nullability, docs and secrecy through references and annotation-only `allOf`s.
    fn annotations<'s>(&self, s: SchemaRef<'s>, pointer: &str) -> Result<Annotations<'s>, GenError>
    where
        'a: 's,
    {
        let mut notes = Annotations { nullable: false, docs: None, sensitive: false, deprecated: false, innermost: None };
        let mut current = s;
        // Bounded: a chain longer than the component count is a cycle, reported elsewhere.
        for _ in 0..=self.schemas.len() {
            let schema = match current {
                SchemaRef::Ref(r) => self.resolve(r, pointer)?.1,
                SchemaRef::Item(s) => s,
            };
            let data = &schema.schema_data;
            notes.nullable |= data.nullable;
            notes.sensitive |= data.write_only
                || matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)));
            notes.deprecated |= data.deprecated;
            if notes.docs.is_none() {
                notes.docs = data.description.clone();
            }
            notes.innermost = Some(schema);
            match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => {
                    let members = self.structural_members(all_of);
                    if let [(_, only)] = members.as_slice() {
                        if notes.docs.is_none() {
                            notes.docs = self.all_of_docs(all_of);
                        }
                        current = *only;
                        continue;
                    }
                    break;
                }
                _ => break,
            }
        }
        Ok(notes)
    }

    /// Validation rules of a parameter or field schema (following references).
    pub fn constraints_of(&mut self, s: SchemaRef<'_>, pointer: &str) -> Result<Constraints, GenError> {
        let innermost = self.annotations(s, pointer)?.innermost;
        let mut c = innermost.map(constraints).unwrap_or_default();
        c.uuid = innermost.is_some_and(is_uuid);
        Ok(self.checked(c, pointer))
    }

    /// Drops a `pattern` the generated client could not compile (regex-lite
    /// syntax), with a warning, so the client never carries a broken check.
    fn checked(&mut self, mut c: Constraints, pointer: &str) -> Constraints {
        if let Some(pattern) = &c.pattern
            && let Err(e) = regex_lite::Regex::new(pattern) {
                self.warn(&pointer_join(pointer, "pattern"), format!("pattern `{pattern}` is not supported by the client's regex engine ({e}); it is not checked"));
                c.pattern = None;
            }
        if let Some(items) = c.items.take() {
            let items = self.checked(*items, &pointer_join(pointer, "items"));
            c.items = (!items.is_empty()).then(|| Box::new(items));
        }
        c
    }
}

/// `oneOf` or `anyOf`, for pointers into a union schema.
fn union_key(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::AnyOf { .. } => "anyOf",
        SchemaKind::Any(a) if a.one_of.is_empty() => "anyOf",
        _ => "oneOf",
    }
}

/// A variant name for a type that is not named: `String`, `Integer`, `StringArray`, …
fn kind_name(t: &TypeRef) -> String {
    match t {
        TypeRef::String | TypeRef::Secret => "String".into(),
        TypeRef::Integer { .. } => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Binary => "File".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Array(inner) => format!("{}Array", kind_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", kind_name(inner)),
        TypeRef::Named(n) => n.clone(),
    }
}

fn is_string_enum(s: &openapiv3::StringType) -> bool {
    s.enumeration.iter().any(Option::is_some)
}

fn is_const(schema: &Schema) -> bool {
    schema.schema_data.extensions.get(CONST_EXTENSION).is_some_and(|v| v == true)
}

fn const_value(schema: &Schema) -> Option<serde_json::Value> {
    if !is_const(schema) {
        return None;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.first().copied().flatten().map(serde_json::Value::Bool),
        SchemaKind::Type(Type::String(s)) => s.enumeration.first().cloned().flatten().map(serde_json::Value::String),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.first().copied().flatten().map(serde_json::Value::from),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.first().copied().flatten().map(serde_json::Value::from),
        SchemaKind::Any(a) => a.enumeration.first().cloned(),
        _ => None,
    }
}

/// A schema with nothing but annotations, as in `allOf: [{$ref}, {description}]`.
fn is_annotation_only(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default())
}

/// A string schema with `format: uuid`.
fn is_uuid(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if matches!(&s.format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid"))
}

fn constraints(schema: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length;
            c.max_length = s.max_length;
            c.pattern = s.pattern.clone();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items;
            c.max_items = a.max_items;
            if let Some(ReferenceOr::Item(items)) = &a.items {
                let inner = constraints(items);
                if !inner.is_empty() {
                    c.items = Some(Box::new(inner));
                }
            }
        }
        _ => {}
    }
    c
}
