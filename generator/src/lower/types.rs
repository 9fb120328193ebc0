//! Lowering schemas into IR types: follows `$ref`s (to components and to any
//! other place of the document), lowers `allOf` to what its members come to
//! (a merged struct, a union with shared fields, or the one member that
//! decides), hoists inline objects and enums into named types, and names
//! everything uniquely.
//!
//! One odd schema never stops the run: whatever cannot be expressed becomes
//! untyped JSON ([`TypeRef::Any`]) at that spot, with a degraded warning
//! naming its pointer. Only a `$ref` cycle with no type in between (`A: {$ref: B}`,
//! `B: {items: {$ref: A}}`) is fatal: no Rust type can stand for it.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, Discriminator, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::refs::{self, Node};
use crate::error::{pointer_join, GenError, Warning};
use crate::ir::{Constraints, Enum, EnumVariant, Field, Presence, Struct, TypeDef, TypeRef};
use crate::names;
use crate::normalise::CONST_EXTENSION;

/// Longest chain of references or nested `allOf`s followed (longer is a cycle).
const MAX_DEPTH: usize = 64;

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

/// A schema a `$ref` leads to.
struct Resolved<'a> {
    /// The component schema it is (`X` for `#/components/schemas/X`), if it is one.
    component: Option<&'a str>,
    /// Canonical pointer of the schema.
    pointer: String,
    /// A type name from its place (`XY` for `#/components/schemas/X/properties/y`).
    name: String,
    schema: &'a Schema,
}

/// What an `allOf` comes to.
#[derive(Debug, Clone, PartialEq)]
enum AllOfShape {
    /// No member carries structure: any JSON value.
    Empty,
    /// One member decides the type (the others only refine it): that member, by index.
    Alias(usize),
    /// Objects (and refinements), merged into one struct.
    Struct,
    /// One union (by index) and objects: a union whose object variants get the objects' fields.
    UnionWithFields(usize),
    /// Members no Rust type satisfies together; why.
    Conflict(String),
}

/// What one `allOf` member contributes, after following references.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Member {
    /// An object schema (properties, required, additionalProperties).
    Object,
    /// A `oneOf`/`anyOf` of several branches.
    Union,
    /// A value of one JSON type: `string` (enums too), `integer`, `number`, `boolean`, `array`.
    Value(&'static str),
    /// Constraints or annotations only (`minLength`, `not`, `format`).
    Refinement,
    /// Not resolvable (a dangling `$ref`, a cycle): left to the merge to report.
    Unknown,
}

/// Where a union's variants come from and what they say about themselves.
struct UnionOf<'d> {
    /// `oneOf` or `anyOf`, for pointers.
    key: &'static str,
    docs: Option<String>,
    discriminator: Option<&'d Discriminator>,
}

/// Object members of an `allOf` merged into each object variant of the union
/// beside them: the members with their pointers, and where the variant goes among them.
struct Shared<'s> {
    members: Vec<(String, SchemaRef<'s>)>,
    union_at: usize,
}

/// All named types of the API, built on demand as schemas are lowered.
pub struct TypeSpace<'a> {
    spec: &'a OpenAPI,
    schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    components: HashMap<String, Component>,
    /// Schemas reached by a `$ref` to a place that is not a component, by canonical pointer.
    deep: HashMap<String, Component>,
    /// Named types lowered inside such a schema, by pointer: the inline lowering at that place reuses them.
    deep_named: HashMap<String, TypeRef>,
    /// The first named type lowered inline at each pointer: references to that place reuse it.
    inline_named: HashMap<String, TypeRef>,
    /// How many schemas reached by such a `$ref` are being lowered.
    in_deep: usize,
    /// Nesting of `allOf` merges (a cycle through `allOf` would not end).
    merge_depth: usize,
    /// Set when a fatal error (a `$ref` cycle) is on its way up: nothing degrades it.
    fatal: Cell<bool>,
    /// Rust type names in use (types, and later operation types).
    pub taken: BTreeSet<String>,
    /// Named types, in the order their names were reserved (document order
    /// for components); a slot is filled once the type's body is lowered.
    slots: Vec<Option<TypeDef>>,
    /// Slot index of each reserved Rust name.
    slot_of: HashMap<String, usize>,
    /// Warnings raised so far.
    pub warnings: Vec<Warning>,
    /// How many `title`s of the document come to each Rust type name: a title
    /// names an inline type only when no other title comes to the same name.
    titles: HashMap<String, usize>,
}

/// What a property schema says beyond its type.
struct Annotations<'a> {
    nullable: bool,
    docs: Option<String>,
    sensitive: bool,
    deprecated: bool,
    innermost: Option<&'a Schema>,
    /// The other members of `allOf`s whose deciding member led to `innermost`:
    /// their constraints apply too (`allOf: [{type: string}, {maxLength: 8}]`).
    refinements: Vec<&'a Schema>,
}

impl Annotations<'_> {
    /// The validation rules of the innermost schema and its refinements.
    fn constraints(&self) -> Constraints {
        let mut c = self.innermost.map(constraints).unwrap_or_default();
        for r in &self.refinements {
            c.refine(&refinement_constraints(r));
        }
        c
    }
}

impl<'a> TypeSpace<'a> {
    /// A type space over the document (`schemas`: its component schemas).
    pub fn new(spec: &'a OpenAPI, schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>) -> Self {
        TypeSpace {
            spec,
            schemas,
            components: HashMap::new(),
            deep: HashMap::new(),
            deep_named: HashMap::new(),
            inline_named: HashMap::new(),
            in_deep: 0,
            merge_depth: 0,
            fatal: Cell::new(false),
            taken: BTreeSet::new(),
            slots: Vec::new(),
            slot_of: HashMap::new(),
            warnings: Vec::new(),
            titles: title_counts(spec),
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning::new(pointer, message));
    }

    /// Whether an error on its way up is fatal (a `$ref` cycle), rather than one to degrade.
    pub fn is_fatal(&self) -> bool {
        self.fatal.get()
    }

    /// A fatal error: a `$ref` cycle no Rust type can stand for.
    fn cycle(&self, pointer: &str, message: String) -> GenError {
        self.fatal.set(true);
        GenError::at(pointer, message)
    }

    /// Records that the schema at `pointer` became untyped JSON because of `e`.
    fn degrade(&mut self, pointer: &str, e: GenError) {
        let at = if e.location.is_empty() || e.location == pointer { String::new() } else { format!(" (at {})", e.location) };
        self.warnings.push(Warning::degraded(pointer, format!("{}{at}; this value is untyped JSON (serde_json::Value)", e.message)));
    }

    /// Names reserved for types whose definition failed (or that are not types,
    /// like group handles): references to them must become untyped JSON.
    pub fn undefined(&self) -> BTreeSet<String> {
        self.slot_of.iter().filter(|&(_, &i)| self.slots[i].is_none()).map(|(name, _)| name.clone()).collect()
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
            // Only fatal errors come back: anything else degraded in place.
            self.component(name, &pointer_join("#/components/schemas", name))?;
        }
        Ok(())
    }

    /// The example a schema (or the schema it refers to) gives, if any.
    pub fn example_of(&self, s: SchemaRef<'_>) -> Option<serde_json::Value> {
        let (schema, _) = self.deref(s, "")?;
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

    /// Reserves a name for an inline schema: its `title` when that is free and
    /// no other title of the document comes to the same name, else `hint`
    /// (made unique by [`Self::reserve_name`], with a warning, when taken).
    fn reserve_inline(&mut self, schema: Option<&Schema>, hint: &str, pointer: &str) -> String {
        let title = schema.and_then(|s| s.schema_data.title.as_deref()).map(names::type_name);
        match title {
            Some(title) if self.titles.get(&title) == Some(&1) && !self.taken.contains(&title) => self.reserve_name(&title, pointer),
            _ => self.reserve_name(hint, pointer),
        }
    }

    /// Follows a `$ref` to the schema it names: a component, or any place of
    /// the document that holds a schema (inside another schema, a parameter, a body…).
    fn resolve(&self, reference: &str, pointer: &str) -> Result<Resolved<'a>, GenError> {
        self.resolve_hops(reference, pointer, 0)
    }

    fn resolve_hops(&self, reference: &str, pointer: &str, hops: usize) -> Result<Resolved<'a>, GenError> {
        if hops > MAX_DEPTH {
            return Err(self.cycle(pointer, format!("$ref cycle: `{reference}` leads back to itself")));
        }
        let tokens = refs::tokens(reference).ok_or_else(|| {
            GenError::at(pointer, format!("unsupported $ref `{reference}`: only references inside the document are supported here"))
        })?;
        if let [components, schemas, name] = tokens.as_slice()
            && components == "components"
            && schemas == "schemas"
        {
            let (key, schema) = self
                .schemas
                .get_key_value(name.as_str())
                .ok_or_else(|| GenError::at(pointer, format!("dangling $ref: `{reference}` does not exist in the document")))?;
            let at = pointer_join("#/components/schemas", key);
            let schema = match schema {
                ReferenceOr::Item(s) => s,
                // A component that only points to another one.
                ReferenceOr::Reference { reference: next } => self.resolve_hops(next, &at, hops + 1)?.schema,
            };
            return Ok(Resolved { component: Some(key.as_str()), pointer: at, name: key.clone(), schema });
        }
        match refs::follow(self.spec, reference) {
            Ok(Node::Schema(SchemaRef::Item(schema))) => {
                Ok(Resolved { component: None, pointer: refs::pointer(&tokens), name: refs::type_name_for(&tokens), schema })
            }
            // The place holds a reference itself (`allOf: [{$ref: X}]`): follow it.
            Ok(Node::Schema(SchemaRef::Ref(next))) => self.resolve_hops(next, pointer, hops + 1),
            Ok(_) => Err(GenError::at(pointer, format!("$ref `{reference}` does not point to a schema"))),
            Err(message) => Err(GenError::at(pointer, message)),
        }
    }

    /// The component schema a reference names exactly (`#/components/schemas/X`), if it exists.
    fn component_name(&self, reference: &str) -> Option<&'a str> {
        match refs::tokens(reference)?.as_slice() {
            [components, schemas, name] if components == "components" && schemas == "schemas" => {
                self.schemas.get_key_value(name.as_str()).map(|(key, _)| key.as_str())
            }
            _ => None,
        }
    }

    /// The schema behind a member or branch, with its pointer (`None` when
    /// unresolvable: whoever lowers it reports why, so a cycle met here is not fatal yet).
    fn deref<'s>(&self, s: SchemaRef<'s>, pointer: &str) -> Option<(&'s Schema, String)>
    where
        'a: 's,
    {
        match s {
            SchemaRef::Ref(r) => {
                let fatal = self.fatal.get();
                let resolved = self.resolve(r, pointer).ok().map(|r| (r.schema, r.pointer));
                self.fatal.set(fatal);
                resolved
            }
            SchemaRef::Item(schema) => Some((schema, pointer.to_string())),
        }
    }

    /// The IR type of a schema reached by a `$ref` to a place that is not a
    /// component (`#/components/schemas/X/properties/y`), lowering it the first
    /// time under a name from its place; a named type lowered at that place
    /// inline is the same type.
    fn deep(&mut self, target: Resolved<'a>) -> Result<TypeRef, GenError> {
        let pointer = target.pointer;
        match self.deep.get(&pointer) {
            Some(Component::Done(t)) => return Ok(t.clone()),
            Some(Component::InProgress) => {
                return Err(self.cycle(&pointer, format!("$ref cycle: the schema at `{pointer}` refers back to itself without an object in between")));
            }
            Some(Component::Reserved(_)) | None => {}
        }
        if let Some(t) = self.inline_named.get(&pointer) {
            return Ok(t.clone());
        }
        self.in_deep += 1;
        let lowered = if self.is_named(target.schema) {
            let rust_name = self.reserve_name(&target.name, &pointer);
            let named = TypeRef::Named(rust_name.clone());
            // Published before the body, which may refer back to it.
            self.deep.insert(pointer.clone(), Component::Done(named.clone()));
            self.deep_named.insert(pointer.clone(), named.clone());
            self.define(target.schema, &pointer, rust_name).map(|()| named)
        } else {
            self.deep.insert(pointer.clone(), Component::InProgress);
            self.schema(target.schema, &pointer, &target.name)
        };
        self.in_deep -= 1;
        let t = match lowered {
            Ok(t) => t,
            Err(e) if !self.is_fatal() => {
                self.degrade(&pointer, e);
                TypeRef::Any
            }
            Err(e) => return Err(e),
        };
        self.deep.insert(pointer, Component::Done(t.clone()));
        Ok(t)
    }

    /// The IR type of a component schema, lowering it the first time. A
    /// schema that cannot be expressed becomes untyped JSON (degraded warning).
    fn component(&mut self, name: &str, pointer: &str) -> Result<TypeRef, GenError> {
        match self.components.get(name) {
            Some(Component::Done(t)) => return Ok(t.clone()),
            Some(Component::InProgress) => {
                return Err(self.cycle(pointer, format!("$ref cycle: the schema `{name}` refers back to itself without an object in between")));
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
            match self.define(schema, pointer, rust_name.clone()) {
                Ok(()) => Ok(TypeRef::Named(rust_name)),
                // The name stays reserved and undefined: references to it become untyped JSON too.
                Err(e) if !self.is_fatal() => {
                    self.degrade(pointer, e);
                    self.components.insert(name.to_string(), Component::Done(TypeRef::Any));
                    Ok(TypeRef::Any)
                }
                Err(e) => Err(e),
            }
        } else {
            self.components.insert(name.to_string(), Component::InProgress);
            let t = match self.schema(schema, pointer, key) {
                Ok(t) => t,
                Err(e) if !self.is_fatal() => {
                    self.degrade(pointer, e);
                    TypeRef::Any
                }
                Err(e) => return Err(e),
            };
            self.components.insert(name.to_string(), Component::Done(t.clone()));
            Ok(t)
        }
    }

    /// Whether a schema becomes a named Rust type (struct or enum).
    fn is_named(&self, schema: &Schema) -> bool {
        if let Some((members, _)) = all_of_members(schema) {
            return matches!(self.all_of_shape(&members), AllOfShape::Struct | AllOfShape::UnionWithFields(_));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::Type(Type::String(s)) => is_string_enum(s) && !is_const(schema),
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => branches.len() > 1,
            SchemaKind::Any(a) => !a.properties.is_empty() || a.one_of.len() > 1 || a.any_of.len() > 1,
            _ => false,
        }
    }

    /// The IR type for a schema or reference; `hint` names hoisted inline types.
    /// What cannot be expressed becomes [`TypeRef::Any`] here, with a degraded
    /// warning; only a fatal error (a `$ref` cycle) is returned.
    pub fn schema_ref(&mut self, s: SchemaRef<'_>, pointer: &str, hint: &str) -> Result<TypeRef, GenError> {
        // A component is lowered (and reported) once, where it is defined.
        let component = match s {
            SchemaRef::Ref(reference) => self.component_name(reference),
            SchemaRef::Item(_) => None,
        };
        let lowered = match s {
            _ if component.is_some() => {
                let name = component.unwrap_or_default();
                self.component(name, &pointer_join("#/components/schemas", name))
            }
            SchemaRef::Ref(reference) => match self.resolve(reference, pointer) {
                Ok(Resolved { component: Some(name), .. }) => self.component(name, &pointer_join("#/components/schemas", name)),
                Ok(target) => self.deep(target),
                Err(e) => Err(e),
            },
            SchemaRef::Item(schema) => self.schema(schema, pointer, hint),
        };
        match lowered {
            Err(e) if !self.is_fatal() => {
                self.degrade(pointer, e);
                Ok(TypeRef::Any)
            }
            other => other,
        }
    }

    /// Adds a named type for `schema` under `rust_name`.
    fn define(&mut self, schema: &Schema, pointer: &str, rust_name: String) -> Result<(), GenError> {
        let docs = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
        if let Some((members, declared)) = all_of_members(schema) {
            let docs = docs.or_else(|| self.all_of_docs(&members));
            if let AllOfShape::UnionWithFields(at) = self.all_of_shape(&members) {
                let mut def = self.union_with_fields(&members, declared, at, pointer, rust_name)?;
                def.docs = docs.or(def.docs);
                self.push(TypeDef::Union(def));
            } else {
                let (fields, additional) = self.merge_all_of(&members, declared, pointer, &rust_name)?;
                self.push(TypeDef::Struct(Struct { name: document_name(pointer, &rust_name), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            return Ok(());
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let mut used = BTreeSet::new();
                let variants = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|value| EnumVariant { value: value.clone(), rust_name: names::unique(names::variant_name(value), &mut used) })
                    .collect();
                self.push(TypeDef::Enum(Enum { name: document_name(pointer, &rust_name), rust_name, docs, variants, pointer: pointer.to_string(), catch_all: String::new(), constant: false }));
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.check_required(&o.properties, &o.required, pointer);
                let fields = self.fields(&o.properties, &o.required, pointer, &rust_name)?;
                let additional = self.additional(o.additional_properties.as_ref(), pointer, &rust_name)?;
                self.push(TypeDef::Struct(Struct { name: document_name(pointer, &rust_name), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                let def = self.union(&union_of(schema), branches, pointer, rust_name, None)?;
                self.push(TypeDef::Union(def));
            }
            SchemaKind::Any(a) if a.properties.is_empty() => {
                let branches = if a.one_of.len() > 1 { &a.one_of } else { &a.any_of };
                let def = self.union(&union_of(schema), branches, pointer, rust_name, None)?;
                self.push(TypeDef::Union(def));
            }
            SchemaKind::Any(a) => {
                if !a.one_of.is_empty() || !a.any_of.is_empty() {
                    self.warn(pointer, "an object with both properties and oneOf/anyOf: only the properties are generated");
                }
                self.check_required(&a.properties, &a.required, pointer);
                let fields = self.fields(&a.properties, &a.required, pointer, &rust_name)?;
                let additional = self.additional(a.additional_properties.as_ref(), pointer, &rust_name)?;
                self.push(TypeDef::Struct(Struct { name: document_name(pointer, &rust_name), rust_name, docs, fields, additional, pointer: pointer.to_string() }));
            }
            _ => unreachable!("define is only called for named schemas"),
        }
        Ok(())
    }

    /// The IR type of an inline schema.
    fn schema(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Result<TypeRef, GenError> {
        if self.is_named(schema) {
            // The same place reached by a `$ref` as well: one type.
            if let Some(t) = self.deep_named.get(pointer) {
                return Ok(t.clone());
            }
            if self.in_deep > 0
                && let Some(t) = self.inline_named.get(pointer)
            {
                return Ok(t.clone());
            }
            let rust_name = self.reserve_inline(Some(schema), hint, pointer);
            let named = TypeRef::Named(rust_name.clone());
            self.inline_named.entry(pointer.to_string()).or_insert_with(|| named.clone());
            if self.in_deep > 0 {
                self.deep_named.insert(pointer.to_string(), named.clone());
            }
            self.define(schema, pointer, rust_name)?;
            return Ok(named);
        }
        if let Some((members, declared)) = all_of_members(schema) {
            return match self.all_of_shape(&members) {
                AllOfShape::Empty => Ok(TypeRef::Any),
                AllOfShape::Alias(i) => self.schema_ref((&members[i]).into(), &member_pointer(pointer, i, declared), hint),
                AllOfShape::Conflict(why) => Err(GenError::at(pointer, why)),
                AllOfShape::Struct | AllOfShape::UnionWithFields(_) => unreachable!("these allOf shapes make a named type"),
            };
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
            SchemaKind::AllOf { .. } => unreachable!("allOf is lowered above"),
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
    /// With `shared` (the union is a member of an `allOf` beside objects), each
    /// object branch becomes a struct of its fields and the shared ones; other
    /// branches (strings, arrays…) stay as they are, as object keywords do not
    /// apply to them.
    fn union(&mut self, of: &UnionOf<'_>, branches: &[ReferenceOr<Schema>], pointer: &str, rust_name: String, shared: Option<&Shared<'_>>) -> Result<crate::ir::Union, GenError> {
        let key = of.key;
        let discriminator = of.discriminator;
        let mut variants = Vec::with_capacity(branches.len());
        let mut used = BTreeSet::new();
        let pointers: Vec<String> = (0..branches.len()).map(|i| pointer_join(&pointer_join(pointer, key), &i.to_string())).collect();
        let tags = self.branch_tags(discriminator, branches, &pointers);
        let suffixes = self.branch_suffixes(branches, &tags);
        for ((branch, ptr), suffix) in branches.iter().zip(&pointers).zip(suffixes) {
            let ptr = ptr.as_str();
            let hint = format!("{rust_name}{suffix}");
            let ty = match shared {
                Some(shared) if self.member_kind(branch.into(), 0) == Member::Object => self.merged_variant(branch.into(), ptr, shared, &hint)?,
                _ => self.schema_ref(branch.into(), ptr, &hint)?,
            };
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
            variants.push(crate::ir::UnionVariant { rust_name: natural, ty, tag_value, boxed: false });
        }
        let naturals: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
        for (v, name) in variants.iter_mut().zip(variant_names(&rust_name, &naturals)) {
            v.rust_name = names::unique(name, &mut used);
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
                return Ok(crate::ir::Union { name: document_name(pointer, &rust_name), rust_name, docs: of.docs.clone(), tag: None, variants, pointer: pointer.to_string(), catch_all: None });
            }
            // Tag values name the variants better than type names do.
            let mut used = BTreeSet::new();
            for v in &mut variants {
                v.rust_name = names::unique(names::variant_name(v.tag_value.as_deref().unwrap_or_default()), &mut used);
            }
        }
        Ok(crate::ir::Union { name: document_name(pointer, &rust_name), rust_name, docs: of.docs.clone(), tag, variants, pointer: pointer.to_string(), catch_all: None })
    }

    /// A struct of an object union branch's fields and the fields of the
    /// objects beside the union in an `allOf`, in the order of the `allOf`.
    fn merged_variant(&mut self, branch: SchemaRef<'_>, pointer: &str, shared: &Shared<'_>, hint: &str) -> Result<TypeRef, GenError> {
        let inline = match branch {
            SchemaRef::Item(schema) => Some(schema),
            SchemaRef::Ref(_) => None,
        };
        let rust_name = self.reserve_inline(inline, hint, pointer);
        let mut members = shared.members.clone();
        members.insert(shared.union_at, (pointer.to_string(), branch));
        let (fields, additional) = self.merge_members(&members, pointer, &rust_name)?;
        let docs = self.deref(branch, pointer).and_then(|(s, _)| s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()));
        self.push(TypeDef::Struct(Struct { name: document_name(pointer, &rust_name), rust_name: rust_name.clone(), docs, fields, additional, pointer: pointer.to_string() }));
        Ok(TypeRef::Named(rust_name))
    }

    /// An `allOf` of one union (member `at`) and objects: the union, with the
    /// objects' fields in each of its object variants.
    /// (`declared`: how many of `all_of` the document declares; see [`all_of_members`].)
    fn union_with_fields<'s>(&mut self, all_of: &'s [ReferenceOr<Schema>], declared: usize, at: usize, pointer: &str, rust_name: String) -> Result<crate::ir::Union, GenError>
    where
        'a: 's,
    {
        // Variants point into the union's branches; the union is the allOf's.
        let mut def = self.union_with_fields_at(all_of, declared, at, pointer, rust_name)?;
        def.pointer = pointer.to_string();
        def.name = document_name(pointer, &def.rust_name);
        Ok(def)
    }

    fn union_with_fields_at<'s>(&mut self, all_of: &'s [ReferenceOr<Schema>], declared: usize, at: usize, pointer: &str, rust_name: String) -> Result<crate::ir::Union, GenError>
    where
        'a: 's,
    {
        let mut members = Vec::new();
        let mut union_at = 0;
        for (i, member) in self.structural_members(all_of) {
            if i == at {
                union_at = members.len();
            } else {
                members.push((member_pointer(pointer, i, declared), member));
            }
        }
        // The union itself, through references and one-member wrappers; the
        // objects of an allOf it is nested in join the shared members.
        let mut current: SchemaRef<'s> = (&all_of[at]).into();
        let mut current_ptr = member_pointer(pointer, at, declared);
        for _ in 0..MAX_DEPTH {
            let (schema, ptr) = match current {
                SchemaRef::Ref(r) => {
                    let r = self.resolve(r, &current_ptr)?;
                    (r.schema, r.pointer)
                }
                SchemaRef::Item(s) => (s, current_ptr.clone()),
            };
            let next = match &schema.schema_kind {
                SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } if branches.len() > 1 => {
                    let of = UnionOf { discriminator: schema.schema_data.discriminator.as_ref(), ..union_of(schema) };
                    return self.union(&of, branches, &ptr, rust_name, Some(&Shared { members, union_at }));
                }
                SchemaKind::Any(a) if a.one_of.len() > 1 || a.any_of.len() > 1 => {
                    let branches = if a.one_of.len() > 1 { &a.one_of } else { &a.any_of };
                    return self.union(&union_of(schema), branches, &ptr, rust_name, Some(&Shared { members, union_at }));
                }
                SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } if branches.len() == 1 => {
                    Some((SchemaRef::from(&branches[0]), pointer_join(&pointer_join(&ptr, union_key(schema)), "0")))
                }
                SchemaKind::AllOf { all_of: inner } => match self.all_of_shape(inner) {
                    AllOfShape::Alias(i) => Some((SchemaRef::from(&inner[i]), pointer_join(&pointer_join(&ptr, "allOf"), &i.to_string()))),
                    AllOfShape::UnionWithFields(j) => {
                        let (before, after): (Vec<_>, Vec<_>) = self
                            .structural_members(inner)
                            .into_iter()
                            .filter(|(k, _)| *k != j)
                            .map(|(k, m)| (k, (pointer_join(&pointer_join(&ptr, "allOf"), &k.to_string()), m)))
                            .partition(|(k, _)| *k < j);
                        let before: Vec<_> = before.into_iter().map(|(_, m)| m).collect();
                        let count = before.len();
                        members.splice(union_at..union_at, before.into_iter().chain(after.into_iter().map(|(_, m)| m)));
                        union_at += count;
                        Some((SchemaRef::from(&inner[j]), pointer_join(&pointer_join(&ptr, "allOf"), &j.to_string())))
                    }
                    _ => None,
                },
                _ => None,
            };
            let Some((next, next_ptr)) = next else { break };
            current = next;
            current_ptr = next_ptr;
        }
        Err(GenError::at(&current_ptr, "this allOf member is not a union the other members can be merged into"))
    }

    /// What an `allOf` comes to, from what its members contribute:
    /// objects only → [`AllOfShape::Struct`]; one union and objects →
    /// [`AllOfShape::UnionWithFields`]; one member that decides (a lone member,
    /// a union or value among refinements, an enum beside a plain string) →
    /// [`AllOfShape::Alias`]; objects beside values, several unions, values of
    /// different types → [`AllOfShape::Conflict`].
    fn all_of_shape(&self, all_of: &[ReferenceOr<Schema>]) -> AllOfShape {
        self.shape_at(all_of, 0)
    }

    fn shape_at(&self, all_of: &[ReferenceOr<Schema>], depth: usize) -> AllOfShape {
        let members = self.structural_members(all_of);
        match members.as_slice() {
            [] => return AllOfShape::Empty,
            [(i, _)] => return AllOfShape::Alias(*i),
            _ => {}
        }
        let kinds: Vec<(usize, SchemaRef<'_>, Member)> = members.iter().map(|&(i, m)| (i, m, self.member_kind(m, depth + 1))).collect();
        let objects = kinds.iter().filter(|(_, _, k)| matches!(k, Member::Object | Member::Unknown)).count();
        let unions: Vec<usize> = kinds.iter().filter(|(_, _, k)| *k == Member::Union).map(|(i, _, _)| *i).collect();
        let values: Vec<(usize, SchemaRef<'_>, &str)> = kinds
            .iter()
            .filter_map(|&(i, m, k)| match k {
                Member::Value(t) => Some((i, m, t)),
                _ => None,
            })
            .collect();
        match (unions.as_slice(), values.as_slice()) {
            ([], []) if objects == 0 => AllOfShape::Empty,
            ([], []) => AllOfShape::Struct,
            ([union], []) if objects == 0 => AllOfShape::Alias(*union),
            ([union], []) => AllOfShape::UnionWithFields(*union),
            ([], [(_, _, first), ..]) if objects > 0 => AllOfShape::Conflict(format!("allOf of an object and a value of type `{first}`: no value is both")),
            ([], values) => {
                // `integer` is a `number`; otherwise every value must be of one type.
                let numeric = |t: &str| t == "integer" || t == "number";
                let first = values[0].2;
                if values.iter().any(|(_, _, t)| *t != first && !(numeric(t) && numeric(first))) {
                    let types: BTreeSet<&str> = values.iter().map(|(_, _, t)| *t).collect();
                    return AllOfShape::Conflict(format!("allOf of values of different types ({}): no value is all of them", types.into_iter().collect::<Vec<_>>().join(", ")));
                }
                // The most specific member decides: a named type (an enum), else an integer, else the first.
                let named = values.iter().find(|(_, m, _)| self.deref(*m, "").is_some_and(|(s, _)| self.is_named(s)));
                let integer = values.iter().find(|(_, _, t)| *t == "integer");
                AllOfShape::Alias(named.or(integer).unwrap_or(&values[0]).0)
            }
            _ => AllOfShape::Conflict("allOf of several unions, or of a union and a plain value, cannot be expressed as one Rust type".into()),
        }
    }

    /// What one `allOf` member contributes (see [`Member`]).
    fn member_kind(&self, m: SchemaRef<'_>, depth: usize) -> Member {
        if depth > MAX_DEPTH {
            return Member::Unknown;
        }
        let Some((schema, _)) = self.deref(m, "") else { return Member::Unknown };
        if let Some((members, _)) = all_of_members(schema) {
            return match self.shape_at(&members, depth + 1) {
                AllOfShape::Struct => Member::Object,
                AllOfShape::Alias(i) => self.member_kind((&members[i]).into(), depth + 1),
                AllOfShape::Empty => Member::Refinement,
                // A union with fields: the fields join those of the allOf it is in.
                AllOfShape::UnionWithFields(_) => Member::Union,
                AllOfShape::Conflict(_) => Member::Unknown,
            };
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_)) => Member::Object,
            SchemaKind::Type(Type::String(_)) => Member::Value("string"),
            SchemaKind::Type(Type::Integer(_)) => Member::Value("integer"),
            SchemaKind::Type(Type::Number(_)) => Member::Value("number"),
            SchemaKind::Type(Type::Boolean(_)) => Member::Value("boolean"),
            SchemaKind::Type(Type::Array(_)) => Member::Value("array"),
            SchemaKind::AllOf { .. } => unreachable!("allOf is classified above"),
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => match branches.as_slice() {
                [] => Member::Refinement,
                [only] => self.member_kind(only.into(), depth + 1),
                _ => Member::Union,
            },
            SchemaKind::Not { .. } => Member::Refinement,
            SchemaKind::Any(a) => {
                let objecty = !a.properties.is_empty()
                    || !a.required.is_empty()
                    || a.additional_properties.is_some()
                    || a.min_properties.is_some()
                    || a.max_properties.is_some()
                    || a.typ.as_deref() == Some("object");
                if objecty {
                    Member::Object
                } else if a.one_of.len() > 1 || a.any_of.len() > 1 {
                    Member::Union
                } else {
                    match a.typ.as_deref() {
                        Some("string") => Member::Value("string"),
                        Some("integer") => Member::Value("integer"),
                        Some("number") => Member::Value("number"),
                        Some("boolean") => Member::Value("boolean"),
                        Some("array") => Member::Value("array"),
                        _ => Member::Refinement,
                    }
                }
            }
        }
    }

    /// The tag of each union branch, for naming the types hoisted from it: the
    /// discriminator's mapping key for the branch (a `$ref` to it, or to its
    /// place), else the constant the branch gives the tag property. The tag
    /// property is the discriminator's, else the property most branches fix to
    /// a constant string (the first such on a tie). A branch that is itself one
    /// constant string (`enum: [always]`) is tagged by it.
    fn branch_tags(&self, discriminator: Option<&Discriminator>, branches: &[ReferenceOr<Schema>], pointers: &[String]) -> Vec<Option<String>> {
        let consts: Vec<Vec<(String, String)>> = branches.iter().map(|b| self.const_properties(b.into())).collect();
        let property = match discriminator {
            Some(d) => Some(d.property_name.clone()),
            None => {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for branch in &consts {
                    for (i, (name, _)) in branch.iter().enumerate() {
                        // A property `allOf` members restate counts once per branch.
                        if branch[..i].iter().any(|(n, _)| n == name) {
                            continue;
                        }
                        match counts.iter_mut().find(|(n, _)| n == name) {
                            Some((_, c)) => *c += 1,
                            None => counts.push((name, 1)),
                        }
                    }
                }
                // `max_by_key` keeps the last maximum; the first one is wanted.
                counts.iter().rev().max_by_key(|(_, c)| *c).map(|(n, _)| n.to_string())
            }
        };
        branches
            .iter()
            .zip(pointers)
            .zip(&consts)
            .map(|((branch, ptr), consts)| {
                let mapped = discriminator.and_then(|d| {
                    d.mapping.iter().find(|(_, target)| match branch {
                        ReferenceOr::Reference { reference } => *target == reference,
                        ReferenceOr::Item(_) => *target == ptr,
                    })
                });
                if let Some((key, _)) = mapped {
                    return Some(key.clone());
                }
                let own = property.as_ref().and_then(|p| consts.iter().find(|(n, _)| n == p)).map(|(_, v)| v.clone());
                own.or_else(|| match branch {
                    ReferenceOr::Item(schema) => const_string(schema),
                    ReferenceOr::Reference { .. } => None,
                })
            })
            .collect()
    }

    /// How the types hoisted from a union's branches are named: `{Union}{suffix}`,
    /// the suffix being the branch's `title` (when it cannot name the branch
    /// alone, see [`Self::reserve_inline`]), else its tag (discriminator mapping
    /// key or constant, `message` → `Message`), else what it is: `Object` (several untagged
    /// objects: each its first property no other of them declares), `Kind`
    /// (a string enum), `Union`, and nothing for an array or a map (whose items
    /// are `{Union}Item`). Two branches that still come to one name collide
    /// (a number and a warning).
    fn branch_suffixes(&self, branches: &[ReferenceOr<Schema>], tags: &[Option<String>]) -> Vec<String> {
        let mut suffixes: Vec<String> = branches
            .iter()
            .zip(tags)
            .map(|(branch, tag)| match (tag, branch) {
                (_, ReferenceOr::Item(Schema { schema_data: openapiv3::SchemaData { title: Some(title), .. }, .. })) => names::type_name(title),
                (Some(tag), _) => names::type_name(tag),
                (None, ReferenceOr::Reference { reference }) => names::type_name(refs::tokens(reference).and_then(|t| t.last().cloned()).as_deref().unwrap_or_default()),
                (None, ReferenceOr::Item(schema)) => self.kind_suffix(schema).to_string(),
            })
            .collect();
        let objects: Vec<usize> = (0..branches.len()).filter(|&i| tags[i].is_none() && matches!(branches[i], ReferenceOr::Item(_)) && suffixes[i] == "Object").collect();
        if objects.len() > 1 {
            let properties: Vec<Vec<String>> = objects.iter().map(|&i| self.property_names((&branches[i]).into())).collect();
            for (k, &i) in objects.iter().enumerate() {
                let own = properties[k].iter().find(|p| properties.iter().enumerate().all(|(j, other)| j == k || !other.contains(p)));
                if let Some(own) = own {
                    suffixes[i] = names::type_name(own);
                }
            }
        }
        suffixes
    }

    /// The names of a schema's properties, in order, through references and `allOf` members.
    fn property_names(&self, s: SchemaRef<'_>) -> Vec<String> {
        let mut names = Vec::new();
        self.each_property(s, 0, &mut |name, _| names.push(name.to_string()));
        names
    }

    /// The properties a schema fixes to one string (`const`, or an `enum` of one
    /// value), in order, through references and `allOf` members.
    fn const_properties(&self, s: SchemaRef<'_>) -> Vec<(String, String)> {
        let mut consts = Vec::new();
        self.each_property(s, 0, &mut |name, p| {
            if let Some(value) = self.deref(p.into(), "").and_then(|(p, _)| const_string(p)) {
                consts.push((name.to_string(), value));
            }
        });
        consts
    }

    /// Calls `f` with each property of a schema, through references and `allOf` members.
    fn each_property(&self, s: SchemaRef<'_>, depth: usize, f: &mut dyn FnMut(&str, &ReferenceOr<Box<Schema>>)) {
        let Some((schema, _)) = (depth <= MAX_DEPTH).then(|| self.deref(s, "")).flatten() else { return };
        if let Some((members, _)) = all_of_members(schema) {
            members.iter().for_each(|m| self.each_property(m.into(), depth + 1, f));
            return;
        }
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => &o.properties,
            SchemaKind::Any(a) => &a.properties,
            _ => return,
        };
        properties.iter().for_each(|(name, p)| f(name, p));
    }

    /// What an untagged inline union branch is (see [`Self::branch_suffixes`]);
    /// empty for what is not a named type itself (an array, a map, a plain value).
    fn kind_suffix(&self, schema: &Schema) -> &'static str {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => "Kind",
            SchemaKind::Any(a) if a.typ.as_deref() == Some("string") && a.all_of.is_empty() => "Kind",
            SchemaKind::Type(Type::Array(_)) => "",
            SchemaKind::Any(a) if a.typ.as_deref() == Some("array") && a.all_of.is_empty() => "",
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "",
            _ => match self.member_kind(SchemaRef::Item(schema), 0) {
                Member::Object => "Object",
                Member::Union => "Union",
                Member::Value("string") => "Kind",
                Member::Value(_) | Member::Refinement => "",
                Member::Unknown => "Value",
            },
        }
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
    /// (`declared`: how many of `all_of` the document declares; see [`all_of_members`].)
    fn merge_all_of(&mut self, all_of: &[ReferenceOr<Schema>], declared: usize, pointer: &str, owner: &str) -> Result<(Vec<Field>, Option<TypeRef>), GenError> {
        let members: Vec<(String, SchemaRef<'_>)> =
            self.structural_members(all_of).into_iter().map(|(i, m)| (member_pointer(pointer, i, declared), m)).collect();
        self.merge_members(&members, pointer, owner)
    }

    /// Merges object schemas (with their pointers) into one field list. A
    /// member that cannot be resolved keeps its properties as untyped JSON
    /// among the additional properties (degraded warning).
    fn merge_members(&mut self, members: &[(String, SchemaRef<'_>)], pointer: &str, owner: &str) -> Result<(Vec<Field>, Option<TypeRef>), GenError> {
        if self.merge_depth > MAX_DEPTH {
            return Err(self.cycle(pointer, "$ref cycle: this allOf contains itself".into()));
        }
        self.merge_depth += 1;
        let merged = self.merge_members_inner(members, pointer, owner);
        self.merge_depth -= 1;
        merged
    }

    fn merge_members_inner(&mut self, members: &[(String, SchemaRef<'_>)], pointer: &str, owner: &str) -> Result<(Vec<Field>, Option<TypeRef>), GenError> {
        let mut fields: Vec<Field> = Vec::new();
        let mut additional = None;
        // `required` applies to the merged object: a member may require a property another declares.
        let mut required = Vec::new();
        self.collect_required(members, &mut required, 0);
        for (member_ptr, member) in members {
            let (schema, schema_ptr) = match *member {
                SchemaRef::Ref(r) => match self.resolve(r, member_ptr) {
                    Ok(resolved) => (resolved.schema, resolved.pointer),
                    Err(e) if !self.is_fatal() => {
                        self.degrade(member_ptr, e);
                        additional = Some(TypeRef::Any);
                        continue;
                    }
                    Err(e) => return Err(e),
                },
                SchemaRef::Item(s) => (s, member_ptr.clone()),
            };
            let nested = all_of_members(schema);
            let (member_fields, member_additional) = match (&schema.schema_kind, &nested) {
                (_, Some((all_of, declared))) => self.merge_all_of(all_of, *declared, &schema_ptr, owner)?,
                (SchemaKind::Type(Type::Object(o)), None) => (
                    self.fields(&o.properties, &required, &schema_ptr, owner)?,
                    self.additional(o.additional_properties.as_ref(), &schema_ptr, owner)?,
                ),
                (SchemaKind::Any(a), None) if a.typ.is_none() || a.typ.as_deref() == Some("object") => (
                    self.fields(&a.properties, &required, &schema_ptr, owner)?,
                    self.additional(a.additional_properties.as_ref(), &schema_ptr, owner)?,
                ),
                _ => {
                    return Err(GenError::at(member_ptr, "allOf member is not an object schema; only objects can be merged"));
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
        let mut taken: BTreeSet<String> = names::reserved::STRUCT_FIELDS.iter().map(|f| f.to_string()).collect();
        for f in &mut fields {
            // Renamed by `fields` already when reserved; here only names two members share.
            f.rust_name = names::unique(f.rust_name.to_string(), &mut taken).into();
        }
        for name in &required {
            if !fields.iter().any(|f| &f.name == name) {
                self.warn(&pointer_join(pointer, "allOf"), format!("`{name}` is required but no member declares it; it is not generated"));
            }
        }
        Ok((fields, additional))
    }

    /// The `required` lists of every object member of an `allOf`, nested ones
    /// included (members that cannot be resolved are reported by the merge).
    fn collect_required(&self, members: &[(String, SchemaRef<'_>)], out: &mut Vec<String>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for (pointer, member) in members {
            let Some((schema, _)) = self.deref(*member, pointer) else { continue };
            if let Some((all_of, _)) = all_of_members(schema) {
                let nested: Vec<(String, SchemaRef<'_>)> = self.structural_members(&all_of).into_iter().map(|(_, m)| (String::new(), m)).collect();
                self.collect_required(&nested, out, depth + 1);
                continue;
            }
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => out.extend(o.required.iter().cloned()),
                SchemaKind::Any(a) => out.extend(a.required.iter().cloned()),
                _ => {}
            }
        }
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
        // Fields the emitter adds (`additional_properties`) are taken from the start.
        let mut taken: BTreeSet<String> = names::reserved::STRUCT_FIELDS.iter().map(|f| f.to_string()).collect();
        let mut fields = Vec::with_capacity(properties.len());
        for (name, prop) in properties {
            let ptr = pointer_join(&props_ptr, name);
            let natural = names::value_name(name);
            let rust_name = names::unique(natural.clone(), &mut taken);
            if rust_name != natural && names::reserved::STRUCT_FIELDS.contains(&natural.as_str()) {
                self.warn(&ptr, format!("the field name `{natural}` is one the generated struct has itself; this one is `{rust_name}`"));
            } else if rust_name != natural {
                self.warn(&ptr, format!("the field name `{natural}` is already used in `{owner}`; this one is `{rust_name}`"));
            }
            let hint = format!("{owner}{}", names::type_name(name));
            let ty = self.schema_ref(prop.into(), &ptr, &hint)?;
            let notes = self.annotations(prop.into(), &ptr);
            let presence = match (required.iter().any(|r| r == name), notes.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let ty = if notes.sensitive && ty == TypeRef::String { TypeRef::Secret } else { ty };
            let constraints = self.checked(notes.constraints(), &ptr);
            fields.push(Field {
                name: name.clone(),
                rust_name: rust_name.into(),
                sensitive: notes.sensitive || ty == TypeRef::Secret,
                ty,
                presence,
                docs: notes.docs,
                const_value: notes.innermost.and_then(const_value),
                constraints,
                deprecated: notes.deprecated,
                boxed: false,
            });
        }
        Ok(fields)
    }

    /// Reads nullability, docs and secrecy through references and `allOf`s
    /// with one deciding member (what cannot be resolved is reported elsewhere).
    fn annotations<'s>(&self, s: SchemaRef<'s>, pointer: &str) -> Annotations<'s>
    where
        'a: 's,
    {
        let mut notes = Annotations { nullable: false, docs: None, sensitive: false, deprecated: false, innermost: None, refinements: Vec::new() };
        let mut current = s;
        // Bounded: a chain that long is a cycle, reported elsewhere.
        for _ in 0..=MAX_DEPTH {
            let Some((schema, _)) = self.deref(current, pointer) else { break };
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
                    if let AllOfShape::Alias(i) = self.all_of_shape(all_of) {
                        if notes.docs.is_none() {
                            notes.docs = self.all_of_docs(all_of);
                        }
                        for (j, other) in self.structural_members(all_of) {
                            if let Some((s, _)) = (j != i).then(|| self.deref(other, pointer)).flatten() {
                                notes.refinements.push(s);
                            }
                        }
                        current = (&all_of[i]).into();
                        continue;
                    }
                    break;
                }
                // `{allOf: [{$ref: X}], maxLength: 3}`: X, refined by the schema's own keywords.
                SchemaKind::Any(a) if !a.all_of.is_empty() => {
                    let Some((members, declared)) = all_of_members(schema) else { break };
                    match self.all_of_shape(&members) {
                        AllOfShape::Alias(i) if i < declared => {
                            if notes.docs.is_none() {
                                notes.docs = self.all_of_docs(&a.all_of);
                            }
                            for (j, other) in self.structural_members(&a.all_of) {
                                if let Some((s, _)) = (j != i).then(|| self.deref(other, pointer)).flatten() {
                                    notes.refinements.push(s);
                                }
                            }
                            notes.refinements.push(schema);
                            current = (&a.all_of[i]).into();
                            continue;
                        }
                        _ => break,
                    }
                }
                _ => break,
            }
        }
        notes
    }

    /// Validation rules of a parameter or field schema (following references).
    pub fn constraints_of(&mut self, s: SchemaRef<'_>, pointer: &str) -> Constraints {
        let notes = self.annotations(s, pointer);
        let mut c = notes.constraints();
        c.uuid = notes.innermost.is_some_and(is_uuid);
        self.checked(c, pointer)
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

/// The key, docs and discriminator of a union schema.
fn union_of(schema: &Schema) -> UnionOf<'_> {
    UnionOf { key: union_key(schema), docs: schema.schema_data.description.clone(), discriminator: schema.schema_data.discriminator.as_ref() }
}

/// The members of an `allOf` schema, or of a schema with an `allOf` beside
/// other keywords (`{allOf: [{$ref: X}], properties: …}`, which is also what a
/// 3.1 `$ref` with sibling keywords becomes): its `allOf` plus, when its own
/// keywords say something about the type (properties, a union, a type other
/// than `object`), one member of them; constraints (`maxLength`, `enum`) and a
/// bare `type: object` only refine the `allOf` (see [`TypeSpace::annotations`]).
/// Also how many members the document declares: the own member is at the
/// schema's pointer ([`member_pointer`]).
fn all_of_members(schema: &Schema) -> Option<(Cow<'_, [ReferenceOr<Schema>]>, usize)> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some((Cow::Borrowed(all_of.as_slice()), all_of.len())),
        SchemaKind::Any(a) if !a.all_of.is_empty() => {
            let mut members = a.all_of.clone();
            let typed = !a.properties.is_empty()
                || !a.required.is_empty()
                || a.additional_properties.is_some()
                || a.min_properties.is_some()
                || a.max_properties.is_some()
                || a.one_of.len() > 1
                || a.any_of.len() > 1
                || a.items.is_some()
                || a.typ.as_deref().is_some_and(|t| t != "object");
            if typed {
                let own = AnySchema { all_of: Vec::new(), ..a.clone() };
                members.push(ReferenceOr::Item(Schema { schema_data: Default::default(), schema_kind: SchemaKind::Any(own) }));
            }
            Some((Cow::Owned(members), a.all_of.len()))
        }
        _ => None,
    }
}

/// The pointer of member `i` of the `allOf` at `pointer`, of which the document declares `declared`.
fn member_pointer(pointer: &str, i: usize, declared: usize) -> String {
    if i < declared { pointer_join(&pointer_join(pointer, "allOf"), &i.to_string()) } else { pointer.to_string() }
}

/// `oneOf` or `anyOf`, for pointers into a union schema.
fn union_key(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::AnyOf { .. } => "anyOf",
        SchemaKind::Any(a) if a.one_of.is_empty() => "anyOf",
        _ => "oneOf",
    }
}

/// Variant names without their union's name in front: inline branches are
/// named after the union (`ChatToolChoiceAuto`), so `ChatToolChoice::Auto`
/// rather than `ChatToolChoice::ChatToolChoiceAuto`. A name keeps its prefix
/// when the rest would not be a name of its own (empty, lower-case, `Self`) or
/// would be another variant's.
fn variant_names(union: &str, naturals: &[String]) -> Vec<String> {
    let shortened: Vec<Option<&str>> =
        naturals.iter().map(|name| name.strip_prefix(union).filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()) && *rest != "Self")).collect();
    let taken = |candidate: &str, at: usize| (0..naturals.len()).any(|i| i != at && (naturals[i] == candidate || shortened[i] == Some(candidate)));
    naturals
        .iter()
        .zip(&shortened)
        .enumerate()
        .map(|(i, (natural, short))| match short {
            Some(rest) if !taken(rest, i) => rest.to_string(),
            _ => natural.clone(),
        })
        .collect()
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

/// The one string a schema allows (`const`, or an `enum` of one value).
fn const_string(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        SchemaKind::Any(a) => match a.enumeration.as_slice() {
            [serde_json::Value::String(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// How many `title`s anywhere in the document come to each Rust type name.
fn title_counts(spec: &OpenAPI) -> HashMap<String, usize> {
    fn walk(value: &serde_json::Value, counts: &mut HashMap<String, usize>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(title)) = map.get("title") {
                    *counts.entry(names::type_name(title)).or_default() += 1;
                }
                map.values().for_each(|v| walk(v, counts));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, counts)),
            _ => {}
        }
    }
    let mut counts = HashMap::new();
    if let Ok(document) = serde_json::to_value(spec) {
        walk(&document, &mut counts);
    }
    counts
}

/// A schema with nothing but annotations, as in `allOf: [{$ref}, {description}]`.
fn is_annotation_only(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default())
}

/// The name a type has in the document: the key of a component schema
/// (`BYOKKey` for `#/components/schemas/BYOKKey`); an inline schema has none, so
/// it is known by the name derived for it (its Rust name).
fn document_name(pointer: &str, rust_name: &str) -> String {
    match pointer.strip_prefix("#/components/schemas/") {
        Some(key) if !key.contains('/') => key.replace("~1", "/").replace("~0", "~"),
        _ => rust_name.to_string(),
    }
}

/// A string schema with `format: uuid`.
fn is_uuid(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if matches!(&s.format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid"))
}

/// The validation rules a refinement (`{maxLength: 8}`, which has no type) or a typed schema states.
fn refinement_constraints(schema: &Schema) -> Constraints {
    let SchemaKind::Any(a) = &schema.schema_kind else { return constraints(schema) };
    Constraints {
        minimum: a.minimum,
        maximum: a.maximum,
        exclusive_minimum: a.exclusive_minimum.unwrap_or(false),
        exclusive_maximum: a.exclusive_maximum.unwrap_or(false),
        min_length: a.min_length,
        max_length: a.max_length,
        pattern: a.pattern.clone(),
        min_items: a.min_items,
        max_items: a.max_items,
        ..Constraints::default()
    }
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
