//! Stage 1, load (continued): bundle a document split over several files into
//! one self-contained document, before anything else looks at it.
//!
//! A `$ref` may name another file (`paths/menu.yaml`), a node inside one
//! (`description.yml#/introduction`, `../schemas/User.yaml#/properties/id`) or,
//! from such a file, a node of that same file (`#/Pet`). Paths are relative to
//! the directory of the file that holds the `$ref`; fragments are JSON pointers
//! (`~0`, `~1` and percent-escapes decoded). URLs are refused: nothing is
//! fetched from the network.
//!
//! What a reference becomes depends on where it stands, so the walk knows the
//! kind of object it is in (schema, other OpenAPI object, name map, example
//! data, extension):
//! - a **schema** in another file becomes an entry of `components/schemas`
//!   (`definitions` in Swagger 2.0) and the reference points at it. The name
//!   is the pointer's last meaningful segment (`#/components/schemas/Pet` →
//!   `Pet`) or else the file name (`models/droplet.yml` → `droplet`); a name
//!   already taken (compared as Rust type names) gets a numeric suffix
//!   (`User2`) and a warning. A root `components/schemas/X: {$ref: file}` gives
//!   the file's schema the name `X` and is replaced by it. One file node is one
//!   component, whoever refers to it, so recursion across files (a cycle) is an
//!   ordinary internal `$ref` cycle;
//! - **anything else** (path items, operations, parameters, responses, a string
//!   where the spec expects a string, a whole `tags` list) is copied in place.
//!   A cycle through such objects cannot be copied and is an error;
//! - in **extensions** (`x-…`) and **example data**, a reference that cannot be
//!   resolved is left as it is with a warning (examples only follow references
//!   to `.yaml`/`.yml`/`.json` files: `$ref` is an ordinary key in data);
//! - a reference from another file back into the root document becomes an
//!   internal reference; internal references of the root document are untouched.
//!
//! Text files other than YAML and JSON (`description.md`) are read as strings.
//! Each file is read once. Errors name the file holding the reference and its
//! JSON pointer (or the file, line and column of a syntax error). Output depends
//! only on the files, never on hash order: components are added in the order
//! their first reference is met in a document-order walk.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{pointer_join, GenError, Warning};
use crate::{load, names};

/// Reads a file's text. [`bundle`] callers pass `std::fs::read_to_string`, or
/// their own reader (a spec as committed in git).
pub type Reader<'a> = &'a dyn Fn(&Path) -> io::Result<String>;

/// How many `$ref`s met while following one pointer before giving up.
const MAX_HOPS: usize = 64;
/// How deep references may copy other files into each other.
const MAX_INLINE_DEPTH: usize = 128;

/// Resolves every `$ref` of `doc` (read from `path`) that points into another
/// file; `read` reads the other files. A document without such references is
/// returned as it is.
pub fn bundle(doc: Value, path: &Path, read: Reader) -> Result<(Value, Vec<Warning>), GenError> {
    if !has_external_refs(&doc) {
        return Ok((doc, Vec::new()));
    }
    let mut doc = doc;
    let key = absolute(path);
    let root = File {
        display: path.to_path_buf(),
        rel: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        root_dir: key.parent().map(Path::to_path_buf).unwrap_or_default(),
        key: key.clone(),
        content: Content::Root,
    };
    let swagger2 = doc.get("swagger").is_some();
    let section: &'static [&'static str] = if swagger2 { &["definitions"] } else { &["components", "schemas"] };
    let mut bundler = Bundler {
        read,
        by_key: HashMap::from([(key, 0)]),
        files: vec![root],
        schemas_pointer: section.iter().fold(String::new(), |p, s| pointer_join(&p, s)),
        names: HashMap::new(),
        holders: HashMap::new(),
        queue: VecDeque::new(),
        slots: HashMap::new(),
        inlining: Vec::new(),
        cache: HashMap::new(),
        warnings: Vec::new(),
    };
    bundler.claim_root_schemas(&doc)?;
    bundler.walk(&mut doc, Ctx::Other, 0, "")?;
    let mut added = Vec::new();
    while let Some((name, target)) = bundler.queue.pop_front() {
        let mut schema = bundler.value_at(&target);
        bundler.walk(&mut schema, Ctx::Schema, target.file, &target.pointer)?;
        added.push((name, schema));
    }
    if !added.is_empty() {
        let mut holder = &mut doc;
        for key in section {
            let Value::Object(map) = holder else {
                return Err(GenError::at(format!("#{}", bundler.schemas_pointer), "cannot add the schemas of other files here: not a mapping"));
            };
            holder = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        }
        let Value::Object(schemas) = holder else {
            return Err(GenError::at(format!("#{}", bundler.schemas_pointer), "cannot add the schemas of other files here: not a mapping"));
        };
        schemas.extend(added);
    }
    Ok((doc, bundler.warnings))
}

/// Whether any `$ref` (or discriminator mapping) of `value` names another file.
fn has_external_refs(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.get("$ref").and_then(Value::as_str).is_some_and(|r| !r.starts_with('#'))
                || map
                    .get("mapping")
                    .and_then(Value::as_object)
                    .is_some_and(|m| m.values().filter_map(Value::as_str).any(|v| !v.starts_with('#') && is_mapping_ref(v)))
                || map.values().any(has_external_refs)
        }
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// The `$ref` of an object that is nothing but a `$ref` to a string.
fn pure_ref(map: &Map<String, Value>) -> Option<&str> {
    if map.len() == 1 { map.get("$ref").and_then(Value::as_str) } else { None }
}

/// A discriminator mapping value that is a reference, not a schema name.
fn is_mapping_ref(value: &str) -> bool {
    value.contains('#') || value.contains('/') || is_file_like(value)
}

/// A reference whose file part is YAML or JSON.
fn is_file_like(reference: &str) -> bool {
    let file = reference.split('#').next().unwrap_or_default().to_ascii_lowercase();
    file.ends_with(".yaml") || file.ends_with(".yml") || file.ends_with(".json")
}

/// What kind of node the walk is in: decides what a `$ref` there becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ctx {
    /// An OpenAPI object other than a schema (or one the walk does not know).
    Other,
    /// A map from names to OpenAPI objects (`paths`, `responses`, `content`, …).
    Names,
    /// The Components Object.
    Components,
    /// A schema.
    Schema,
    /// A map from names to schemas (`properties`, `components/schemas`).
    Schemas,
    /// A Discriminator Object.
    Discriminator,
    /// A discriminator's `mapping`: values may be references.
    Mapping,
    /// Inside a specification extension: unresolvable references are left with a warning.
    Extension,
    /// Example data, defaults, enums: only references to YAML/JSON files are followed.
    Data,
}

impl Ctx {
    /// The context of the value under `key` of an object in this context.
    fn child(self, key: &str, value: &Value) -> Ctx {
        match self {
            Ctx::Data => Ctx::Data,
            Ctx::Extension => Ctx::Extension,
            Ctx::Names => Ctx::Other,
            Ctx::Schemas => Ctx::Schema,
            Ctx::Mapping => Ctx::Data,
            _ if key.starts_with("x-") => Ctx::Extension,
            Ctx::Components => match key {
                "schemas" => Ctx::Schemas,
                _ => Ctx::Names,
            },
            Ctx::Discriminator => match key {
                "mapping" => Ctx::Mapping,
                _ => Ctx::Data,
            },
            Ctx::Schema => match key {
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => Ctx::Schemas,
                "items" | "additionalProperties" | "not" | "contains" | "if" | "then" | "else" | "propertyNames"
                | "unevaluatedItems" | "unevaluatedProperties" | "additionalItems" | "contentSchema" | "allOf" | "anyOf"
                | "oneOf" | "prefixItems" => Ctx::Schema,
                "example" | "examples" | "default" | "enum" | "const" => Ctx::Data,
                "discriminator" => Ctx::Discriminator,
                _ => Ctx::Other,
            },
            Ctx::Other => match key {
                "schema" => Ctx::Schema,
                "example" | "default" | "enum" | "const" | "value" => Ctx::Data,
                "examples" if value.is_array() => Ctx::Data,
                "components" => Ctx::Components,
                // Swagger 2.0's schemas.
                "definitions" => Ctx::Schemas,
                "parameters" if value.is_object() => Ctx::Names,
                "paths" | "webhooks" | "responses" | "content" | "headers" | "links" | "callbacks" | "encoding" | "variables"
                | "examples" | "securitySchemes" | "securityDefinitions" | "scopes" | "requestBodies" | "pathItems" => Ctx::Names,
                _ => Ctx::Other,
            },
        }
    }

    /// Whether a failure to resolve is a warning (the node is left as it is) rather than an error.
    fn lenient(self) -> bool {
        matches!(self, Ctx::Extension | Ctx::Data)
    }
}

/// One file of the document.
struct File {
    /// The path as the user would write it (the root's as given, others joined to it).
    display: PathBuf,
    /// Absolute and lexically normalised: the file's identity.
    key: PathBuf,
    /// Relative to the root document's directory, with `/`: for warnings.
    rel: String,
    /// The root document's directory (only meaningful on the root).
    root_dir: PathBuf,
    content: Content,
}

enum Content {
    /// The root document, walked in place (never copied from).
    Root,
    /// A YAML or JSON file.
    Document(Value),
    /// Any other file: its text is the value.
    Text(String),
}

/// A node of a file: the file's index and a JSON pointer (`""` for the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Target {
    file: usize,
    pointer: String,
}

struct Bundler<'r> {
    read: Reader<'r>,
    files: Vec<File>,
    by_key: HashMap<PathBuf, usize>,
    /// `/components/schemas` or `/definitions`.
    schemas_pointer: String,
    /// The component name of each external schema.
    names: HashMap<Target, String>,
    /// Who holds each name, by Rust type name (`None`: a schema of the root document).
    holders: HashMap<String, (String, Option<Target>)>,
    /// Named external schemas still to copy into the components.
    queue: VecDeque<(String, Target)>,
    /// `components/schemas` entries that are a `$ref` to another file, by file and pointer:
    /// replaced by the schema, which takes the entry's name.
    slots: HashMap<(usize, String), String>,
    /// Targets being copied in place, innermost last: a repeat is a cycle.
    inlining: Vec<Target>,
    /// Targets already copied in place, walked: each is resolved once.
    cache: HashMap<(Target, Ctx), Value>,
    warnings: Vec<Warning>,
}

impl Bundler<'_> {
    /// Registers the root's schema names and adopts `X: {$ref: file}` entries as the file's
    /// name. The schemas may themselves be a `$ref` to an index file (`schemas: {$ref: _index.yaml}`).
    fn claim_root_schemas(&mut self, doc: &Value) -> Result<(), GenError> {
        let Some(Value::Object(section)) = doc.pointer(&self.schemas_pointer) else { return Ok(()) };
        let (file, base, section) = match pure_ref(section) {
            Some(reference) => {
                let at = self.schemas_pointer.clone();
                match self.resolve(reference, 0, &at)? {
                    Some(target) if target.file != 0 => match self.value_at(&target) {
                        Value::Object(index) => (target.file, target.pointer, index),
                        _ => return Ok(()),
                    },
                    _ => return Ok(()),
                }
            }
            None => (0, self.schemas_pointer.clone(), section.clone()),
        };
        for name in section.keys() {
            self.holders.entry(names::type_name(name)).or_insert_with(|| (name.clone(), None));
        }
        for (name, schema) in &section {
            let Some(reference) = schema.as_object().and_then(pure_ref) else { continue };
            let at = pointer_join(&base, name);
            if let Some(target) = self.resolve(reference, file, &at)?
                && target.file != 0
                && !self.names.contains_key(&target)
            {
                self.names.insert(target, name.clone());
                self.slots.insert((file, at), name.clone());
            }
        }
        Ok(())
    }

    /// Walks `value` (at `at` in file `file`), resolving the references it holds.
    fn walk(&mut self, value: &mut Value, ctx: Ctx, file: usize, at: &str) -> Result<(), GenError> {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, ctx, file, &pointer_join(at, &i.to_string()))?;
                }
            }
            Value::Object(map) if ctx == Ctx::Mapping => {
                for (key, target) in map.iter_mut() {
                    if let Value::String(reference) = target
                        && is_mapping_ref(reference)
                    {
                        let at = pointer_join(at, key);
                        if let Some(rewritten) = self.schema_reference(&reference.clone(), file, &at)? {
                            *reference = rewritten;
                        }
                    }
                }
            }
            Value::Object(map) => {
                let is_ref = match ctx {
                    Ctx::Other | Ctx::Schema | Ctx::Extension | Ctx::Data => map.get("$ref").is_some_and(Value::is_string),
                    // A whole map in another file (`paths: {$ref: paths/_index.yaml}`); a lone
                    // `$ref` key with a string value cannot be a path, a property or a component.
                    Ctx::Names | Ctx::Schemas | Ctx::Components => pure_ref(map).is_some(),
                    Ctx::Discriminator | Ctx::Mapping => false,
                };
                if is_ref {
                    return self.reference(value, ctx, file, at);
                }
                for (key, child) in map.iter_mut() {
                    let child_ctx = ctx.child(key, child);
                    self.walk(child, child_ctx, file, &pointer_join(at, key))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A `{$ref: …}` node: rewritten to an internal reference, or replaced by what it points at.
    fn reference(&mut self, node: &mut Value, ctx: Ctx, file: usize, at: &str) -> Result<(), GenError> {
        let reference = node["$ref"].as_str().unwrap_or_default().to_string();
        if ctx == Ctx::Data && !is_file_like(&reference) {
            return Ok(());
        }
        match self.reference_inner(node, ctx, file, at, &reference) {
            Err(e) if ctx.lenient() => {
                let place = self.place(file, at);
                let prefix = format!("$ref `{reference}`: ");
                let why = e.message.strip_prefix(&prefix).unwrap_or(&e.message);
                self.warnings.push(Warning { pointer: place, message: format!("$ref `{reference}` left as it is: {why}"), degraded: false });
                Ok(())
            }
            result => result,
        }
    }

    fn reference_inner(&mut self, node: &mut Value, ctx: Ctx, file: usize, at: &str, reference: &str) -> Result<(), GenError> {
        if ctx == Ctx::Schema {
            if let Some(target) = self.resolve(reference, file, at)?
                && target.file != 0
                && self.slots.get(&(file, at.to_string())).is_some_and(|slot| self.names.get(&target) == Some(slot))
            {
                // `components/schemas/X: {$ref: file}`: X becomes the file's schema.
                let mut schema = self.value_at(&target);
                self.walk(&mut schema, Ctx::Schema, target.file, &target.pointer)?;
                *node = schema;
                return Ok(());
            }
            if let Some(rewritten) = self.schema_reference(reference, file, at)? {
                node["$ref"] = Value::String(rewritten);
            }
            // Keywords beside the `$ref` (3.1) are walked like any schema's.
            if let Value::Object(map) = node {
                for (key, child) in map.iter_mut().filter(|(k, _)| *k != "$ref") {
                    let child_ctx = Ctx::Schema.child(key, child);
                    self.walk(child, child_ctx, file, &pointer_join(at, key))?;
                }
            }
            return Ok(());
        }
        let Some(target) = self.resolve(reference, file, at)? else { return Ok(()) };
        if target.file == 0 {
            node["$ref"] = Value::String(format!("#{}", target.pointer));
            return Ok(());
        }
        let mut content = self.inline(&target, ctx)?;
        // A 3.1 Reference Object's `summary` and `description` replace the target's.
        if let (Value::Object(content), Value::Object(node)) = (&mut content, &*node) {
            for key in ["summary", "description"] {
                if let Some(value) = node.get(key) {
                    content.insert(key.to_string(), value.clone());
                }
            }
        }
        *node = content;
        Ok(())
    }

    /// The internal reference that replaces a schema reference; `None` when it stays as it is.
    fn schema_reference(&mut self, reference: &str, file: usize, at: &str) -> Result<Option<String>, GenError> {
        let Some(target) = self.resolve(reference, file, at)? else { return Ok(None) };
        if target.file == 0 {
            return Ok(Some(format!("#{}", target.pointer)));
        }
        let name = self.schema_name(&target);
        Ok(Some(format!("#{}", pointer_join(&self.schemas_pointer, &name))))
    }

    /// The component name of an external schema, naming it on first sight.
    fn schema_name(&mut self, target: &Target) -> String {
        if let Some(name) = self.names.get(target) {
            return name.clone();
        }
        let wanted = self.natural_name(target);
        let mut name = wanted.clone();
        let mut taken_by = None;
        for n in 2.. {
            match self.holders.get(&names::type_name(&name)) {
                None => break,
                Some(holder) => {
                    taken_by.get_or_insert_with(|| holder.clone());
                    let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
                    name = format!("{wanted}{sep}{n}");
                }
            }
        }
        if let Some((other, other_target)) = taken_by {
            let by = match other_target {
                Some(t) => format!("the schema of `{}`", self.describe(&t)),
                None => "a schema of the root document".to_string(),
            };
            self.warnings.push(Warning {
                pointer: format!("#{}", pointer_join(&self.schemas_pointer, &name)),
                message: format!("the schema of `{}` is named `{name}`: `{other}` is {by}", self.describe(target)),
                degraded: false,
            });
        }
        self.holders.insert(names::type_name(&name), (name.clone(), Some(target.clone())));
        self.names.insert(target.clone(), name.clone());
        self.queue.push_back((name.clone(), target.clone()));
        name
    }

    /// The pointer's last segment that names something, else the file's name, as a component key.
    fn natural_name(&self, target: &Target) -> String {
        const STRUCTURAL: &[&str] = &[
            "properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not", "schema", "schemas", "content",
            "components", "definitions", "$defs", "prefixItems", "patternProperties",
        ];
        let segment = target
            .pointer
            .split('/')
            .collect::<Vec<_>>()
            .into_iter()
            .skip(1)
            .rev()
            .map(unescape)
            .find(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()) && !STRUCTURAL.contains(&s.as_str()) && !s.contains('/'));
        let raw = segment.unwrap_or_else(|| {
            let key = &self.files[target.file].key;
            key.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        });
        // Component keys allow `[A-Za-z0-9._-]`.
        let clean: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
        let clean = clean.trim_matches('_');
        if clean.is_empty() { "Schema".to_string() } else { clean.to_string() }
    }

    /// A copy of `target`'s node with its own references resolved (`ctx`: what it is).
    fn inline(&mut self, target: &Target, ctx: Ctx) -> Result<Value, GenError> {
        if let Some(done) = self.cache.get(&(target.clone(), ctx)) {
            return Ok(done.clone());
        }
        if let Some(start) = self.inlining.iter().position(|t| t == target) {
            let chain: Vec<String> = self.inlining[start..].iter().chain([target]).map(|t| self.describe(t)).collect();
            return Err(GenError {
                file: self.files[target.file].display.clone(),
                location: format!("#{}", target.pointer),
                message: format!(
                    "$ref cycle through objects that are not schemas: {}; only schemas may refer to themselves",
                    chain.join(" → ")
                ),
            });
        }
        if self.inlining.len() >= MAX_INLINE_DEPTH {
            return Err(GenError {
                file: self.files[target.file].display.clone(),
                location: format!("#{}", target.pointer),
                message: format!("$refs nested more than {MAX_INLINE_DEPTH} files deep"),
            });
        }
        let mut content = self.value_at(target);
        self.inlining.push(target.clone());
        let walked = self.walk(&mut content, ctx, target.file, &target.pointer);
        self.inlining.pop();
        walked?;
        self.cache.insert((target.clone(), ctx), content.clone());
        Ok(content)
    }

    /// A copy of the node `target` names (located: it exists).
    fn value_at(&self, target: &Target) -> Value {
        match &self.files[target.file].content {
            Content::Root => Value::Null,
            Content::Text(text) => Value::String(text.clone()),
            Content::Document(doc) => doc.pointer(&target.pointer).cloned().unwrap_or(Value::Null),
        }
    }

    /// Where `reference` (held at `at` in `file`) points; `None` for an internal reference of the root.
    fn resolve(&mut self, reference: &str, file: usize, at: &str) -> Result<Option<Target>, GenError> {
        if file == 0 && reference.starts_with('#') {
            return Ok(None);
        }
        let target = self.resolve_raw(reference, file, at)?;
        self.locate(target, reference, file, at).map(Some)
    }

    /// The file and pointer `reference` names, loading the file; the pointer is not checked yet.
    fn resolve_raw(&mut self, reference: &str, file: usize, at: &str) -> Result<Target, GenError> {
        let error = |this: &Self, message: String| GenError {
            file: this.files[file].display.clone(),
            location: format!("#{at}"),
            message: format!("$ref `{reference}`: {message}"),
        };
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if let Some(scheme) = url_scheme(path) {
            let message = if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                "remote references are not fetched (no network access); download the file and refer to it by a relative path"
            } else {
                "only relative or absolute file paths are supported"
            };
            return Err(error(self, message.to_string()));
        }
        let fragment = percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(error(self, "only JSON pointer fragments (`#/…`) are supported".to_string()));
        }
        let index = if path.is_empty() {
            file
        } else {
            let relative = PathBuf::from(percent_decode(path));
            let from = &self.files[file];
            let key = normalise(&from.key.parent().unwrap_or(Path::new("/")).join(&relative));
            let display = normalise(&from.display.parent().unwrap_or(Path::new("")).join(&relative));
            match self.by_key.get(&key) {
                Some(&index) => index,
                None => self.load(key, display).map_err(|e| match e {
                    LoadError::Read(e) => error(self, e),
                    LoadError::Parse(e) => e,
                })?,
            }
        };
        Ok(Target { file: index, pointer: fragment })
    }

    /// Reads and parses a file once.
    fn load(&mut self, key: PathBuf, display: PathBuf) -> Result<usize, LoadError> {
        let rel = relative(&self.files[0].root_dir, &key);
        let text = (self.read)(&key).map_err(|e| LoadError::Read(format!("cannot read `{rel}`: {e}")))?;
        let structured = key.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
        let content = if structured { Content::Document(load::parse_value(&text, &display).map_err(LoadError::Parse)?) } else { Content::Text(text) };
        self.files.push(File { display, key: key.clone(), rel, root_dir: PathBuf::new(), content });
        let index = self.files.len() - 1;
        self.by_key.insert(key, index);
        Ok(index)
    }

    /// Checks that `target` exists, following `$ref`s met on the way (`a.yaml#/properties/b/items`
    /// where `b` is itself a reference); returns where the node really is.
    fn locate(&mut self, mut target: Target, reference: &str, file: usize, at: &str) -> Result<Target, GenError> {
        for _ in 0..MAX_HOPS {
            if target.file == 0 {
                return Ok(target);
            }
            let step = match &self.files[target.file].content {
                Content::Root => return Ok(target),
                Content::Text(_) if target.pointer.is_empty() => return Ok(target),
                Content::Text(_) => Step::Missing("it is not YAML or JSON, so a fragment cannot point into it".to_string()),
                Content::Document(doc) => walk_pointer(doc, &target.pointer),
            };
            match step {
                Step::Found => return Ok(target),
                Step::Through { prefix, reference: inner, rest } => {
                    let via = self.resolve_raw(&inner, target.file, &prefix)?;
                    target = Target { file: via.file, pointer: format!("{}{rest}", via.pointer) };
                }
                Step::Missing(why) => {
                    let place = self.describe(&target);
                    return Err(GenError {
                        file: self.files[file].display.clone(),
                        location: format!("#{at}"),
                        message: format!("$ref `{reference}`: nothing at `{place}`: {why}"),
                    });
                }
            }
        }
        Err(GenError {
            file: self.files[file].display.clone(),
            location: format!("#{at}"),
            message: format!("$ref `{reference}`: more than {MAX_HOPS} $refs on the way: a $ref cycle?"),
        })
    }

    /// `file.yaml#/pointer`, relative to the root document's directory.
    fn describe(&self, target: &Target) -> String {
        let rel = &self.files[target.file].rel;
        if target.pointer.is_empty() { rel.clone() } else { format!("{rel}#{}", target.pointer) }
    }

    /// Where a warning is: `#/pointer` in the root document, `file.yaml#/pointer` elsewhere.
    fn place(&self, file: usize, at: &str) -> String {
        if file == 0 { format!("#{at}") } else { format!("{}#{at}", self.files[file].rel) }
    }
}

enum LoadError {
    /// Reading failed: the referring node is named.
    Read(String),
    /// The file is not valid YAML/JSON: the error names it, with line and column.
    Parse(GenError),
}

/// The outcome of following a pointer through a document.
enum Step {
    Found,
    /// A `$ref` at `prefix` stands where the pointer goes on with `rest`.
    Through { prefix: String, reference: String, rest: String },
    Missing(String),
}

fn walk_pointer(doc: &Value, pointer: &str) -> Step {
    let mut node = doc;
    let mut prefix = String::new();
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, raw) in tokens.iter().enumerate() {
        let token = unescape(raw);
        let next = match node {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => {
                if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                    let rest: String = tokens[i..].iter().map(|t| format!("/{t}")).collect();
                    return Step::Through { prefix, reference: reference.to_string(), rest };
                }
                return Step::Missing(format!("no `{token}` at `#{prefix}`"));
            }
        }
        prefix.push('/');
        prefix.push_str(raw);
    }
    Step::Found
}

/// `~1` → `/`, `~0` → `~` (RFC 6901).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The scheme of a URL (`https` in `https://…`); a one-letter "scheme" is a Windows drive.
fn url_scheme(path: &str) -> Option<&str> {
    let (scheme, _) = path.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Decodes `%XX` escapes (URI references); anything else is kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An absolute, lexically normalised path (`a/../b` is `b`, where
/// `std::path::absolute` keeps the `..`).
pub fn absolute(path: &Path) -> PathBuf {
    normalise(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` and folds `..` into the component before it, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `to` relative to the directory `from` (both absolute and normalised), with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_lexically() {
        assert_eq!(normalise(Path::new("a/b/../c/./d.yaml")), PathBuf::from("a/c/d.yaml"));
        assert_eq!(normalise(Path::new("../a/../../b")), PathBuf::from("../../b"));
        assert_eq!(normalise(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(relative(Path::new("/r/spec"), Path::new("/r/spec/paths/a.yaml")), "paths/a.yaml");
        assert_eq!(relative(Path::new("/r/spec"), Path::new("/r/common/b.yaml")), "../common/b.yaml");
    }

    /// Bundles `root` with the other files held in memory; returns the document,
    /// the warnings and how often each file was read.
    fn bundle_in_memory(root: Value, files: &[(&str, &str)]) -> (Value, Vec<String>, HashMap<String, usize>) {
        let reads = std::cell::RefCell::new(HashMap::new());
        let read = |path: &Path| {
            let name = path.strip_prefix("/spec").unwrap().to_string_lossy().into_owned();
            *reads.borrow_mut().entry(name.clone()).or_insert(0) += 1;
            files.iter().find(|(n, _)| *n == name).map(|(_, text)| text.to_string()).ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        };
        let (doc, warnings) = bundle(root, Path::new("/spec/openapi.yaml"), &read).unwrap();
        (doc, warnings.iter().map(ToString::to_string).collect(), reads.into_inner())
    }

    #[test]
    fn data_and_names_are_not_references() {
        let root = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {
                "default": {"$ref": "responses.yaml#/Error"},
                "200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"$ref": {"type": "string"}, "default": {"$ref": "s.yaml"}}},
                    "example": {"$ref": "refs/heads/main"},
                }}},
            }}}},
            "x-samples": {"$ref": "samples/missing.yaml"},
        });
        let files = [
            ("responses.yaml", "Error:\n  description: failed\n  content:\n    application/json:\n      schema:\n        $ref: s.yaml\n"),
            ("s.yaml", "type: string\n"),
        ];
        let (doc, warnings, reads) = bundle_in_memory(root, &files);
        let ok = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        // A property named `$ref` and example data holding a `$ref` key stay as they are.
        assert_eq!(ok["schema"]["properties"]["$ref"], serde_json::json!({"type": "string"}));
        assert_eq!(ok["example"], serde_json::json!({"$ref": "refs/heads/main"}));
        // A property named `default` is a schema; the `default` response is a response.
        assert_eq!(ok["schema"]["properties"]["default"]["$ref"], "#/components/schemas/s");
        assert_eq!(doc["paths"]["/a"]["get"]["responses"]["default"]["description"], "failed");
        assert_eq!(doc["components"]["schemas"]["s"], serde_json::json!({"type": "string"}));
        // An extension that cannot be resolved is left with a warning.
        assert_eq!(doc["x-samples"], serde_json::json!({"$ref": "samples/missing.yaml"}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("warning: #/x-samples: $ref `samples/missing.yaml` left as it is: cannot read `samples/missing.yaml`"), "{warnings:?}");
        // Each file is read once.
        assert_eq!(reads["s.yaml"], 1);
        assert_eq!(reads["responses.yaml"], 1);
    }

    #[test]
    fn swagger_2_schemas_go_to_definitions() {
        let root = serde_json::json!({
            "swagger": "2.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "models.json#/Pet"}}}}}},
        });
        let files = [("models.json", r##"{"Pet": {"type": "object", "properties": {"tag": {"$ref": "#/Tag"}}}, "Tag": {"type": "string"}}"##)];
        let (doc, _, _) = bundle_in_memory(root, &files);
        assert_eq!(doc["paths"]["/a"]["get"]["responses"]["200"]["schema"]["$ref"], "#/definitions/Pet");
        assert_eq!(doc["definitions"]["Pet"]["properties"]["tag"]["$ref"], "#/definitions/Tag");
        assert_eq!(doc["definitions"]["Tag"], serde_json::json!({"type": "string"}));
    }

    #[test]
    fn names_that_collide_get_suffixes_in_order() {
        let root = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "allOf": [{"$ref": "a/User.yaml"}, {"$ref": "b/User.yaml"}, {"$ref": "c/user.yaml"}],
            }}}}}}}},
        });
        let files = [("a/User.yaml", "type: object\n"), ("b/User.yaml", "type: string\n"), ("c/user.yaml", "type: integer\n")];
        let (doc, warnings, _) = bundle_in_memory(root, &files);
        let schemas: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["User", "User2", "user3"]);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("the schema of `b/User.yaml` is named `User2`: `User` is the schema of `a/User.yaml`"), "{warnings:?}");
    }

    #[test]
    fn references_decode() {
        assert_eq!(percent_decode("a%20b%7Bc%7D%zz"), "a b{c}%zz");
        assert_eq!(url_scheme("https://example.com/a.yaml"), Some("https"));
        assert_eq!(url_scheme("C:/specs/a.yaml"), None);
        assert_eq!(url_scheme("models/a.yaml"), None);
    }
}
