//! API change report: compares the IR of two versions of a document and
//! classifies every change for semver (breaking, additive, cosmetic), with JSON
//! pointers into both documents.

use serde::Serialize;

use crate::ir::{Api, Field, Operation, Param, TypeDef, TypeRef};

/// How a change affects code that uses the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Existing code may stop compiling or behave differently.
    Breaking,
    /// New things; existing code keeps working.
    Additive,
    /// Documentation only.
    Cosmetic,
}

/// One change between the old and the new document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Its classification.
    pub impact: Impact,
    /// What changed, in words (`field \`ByokKey.label\` removed`).
    pub what: String,
    /// Where it was in the old document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    /// Where it is in the new document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
}

/// All changes, breaking first, then additive, then cosmetic (document order within each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

/// The semver step a report calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Nothing changed in the API.
    None,
    /// Additions (0.x: patch).
    Additive,
    /// Breaking changes (0.x: minor).
    Breaking,
}

impl Report {
    fn push(&mut self, impact: Impact, what: String, old_pointer: Option<&str>, new_pointer: Option<&str>) {
        self.changes.push(Change { impact, what, old_pointer: old_pointer.map(str::to_string), new_pointer: new_pointer.map(str::to_string) });
    }

    /// Number of changes with this impact.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// The version step: breaking beats additive; cosmetic changes need none.
    pub fn bump(&self) -> Bump {
        if self.count(Impact::Breaking) > 0 {
            Bump::Breaking
        } else if self.count(Impact::Additive) > 0 {
            Bump::Additive
        } else {
            Bump::None
        }
    }

    /// One line: `2 additive, 1 breaking: field \`ByokKey.label\` removed`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no API changes".to_string();
        }
        let mut counts = Vec::new();
        for (impact, word) in [(Impact::Breaking, "breaking"), (Impact::Additive, "additive"), (Impact::Cosmetic, "cosmetic")] {
            let n = self.count(impact);
            if n > 0 {
                counts.push(format!("{n} {word}"));
            }
        }
        let breaking: Vec<&str> = self.changes.iter().filter(|c| c.impact == Impact::Breaking).map(|c| c.what.as_str()).take(3).collect();
        match breaking.as_slice() {
            [] => counts.join(", "),
            some => format!("{}: {}{}", counts.join(", "), some.join("; "), if self.count(Impact::Breaking) > 3 { "; …" } else { "" }),
        }
    }

    /// The full report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!("# API changes\n\n{}\n", self.summary());
        for (impact, title) in [(Impact::Breaking, "Breaking"), (Impact::Additive, "Additive"), (Impact::Cosmetic, "Cosmetic")] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if changes.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {title}\n\n"));
            for c in changes {
                let at = match (&c.old_pointer, &c.new_pointer) {
                    (Some(o), Some(n)) if o == n => format!(" (`{o}`)"),
                    (Some(o), Some(n)) => format!(" (old `{o}`, new `{n}`)"),
                    (Some(o), None) => format!(" (old `{o}`)"),
                    (None, Some(n)) => format!(" (new `{n}`)"),
                    (None, None) => String::new(),
                };
                out.push_str(&format!("- {}{at}\n", c.what));
            }
        }
        out
    }
}

/// `0.3.1` + breaking → `0.4.0`; + additive → `0.3.2` (0.x rules); 1.x and later: major/minor.
pub fn bump_version(version: &str, bump: Bump) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let (major, minor, patch) = (parts.first().copied().unwrap_or(0), parts.get(1).copied().unwrap_or(0), parts.get(2).copied().unwrap_or(0));
    match (bump, major) {
        (Bump::None, _) => version.to_string(),
        (Bump::Breaking, 0) => format!("0.{}.0", minor + 1),
        (Bump::Additive, 0) => format!("0.{minor}.{}", patch + 1),
        (Bump::Breaking, m) => format!("{}.0.0", m + 1),
        (Bump::Additive, m) => format!("{m}.{}.0", minor + 1),
    }
}

/// Compares two APIs.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut report = Report::default();
    operations(old, new, &mut report);
    types(old, new, &mut report);
    report.changes.sort_by_key(|c| c.impact);
    report
}

fn all_operations(api: &Api) -> Vec<&Operation> {
    api.groups.iter().flat_map(|g| g.operations.iter()).collect()
}

fn type_text(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "string".into(),
        TypeRef::Secret => "secret string".into(),
        TypeRef::Integer { bits } => format!("int{bits}"),
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Binary => "file".into(),
        TypeRef::Any => "any JSON".into(),
        TypeRef::Array(inner) => format!("array of {}", type_text(inner)),
        TypeRef::Map(inner) => format!("map of {}", type_text(inner)),
        TypeRef::Named(n) => n.clone(),
    }
}

fn operations(old: &Api, new: &Api, report: &mut Report) {
    let (old_ops, new_ops) = (all_operations(old), all_operations(new));
    for o in &old_ops {
        let Some(n) = new_ops.iter().find(|n| n.id == o.id) else {
            report.push(Impact::Breaking, format!("operation `{}` removed", o.id), Some(&o.pointer), None);
            continue;
        };
        let (op, op_ptr, old_ptr) = (&o.id, Some(n.pointer.as_str()), Some(o.pointer.as_str()));
        if o.method_name != n.method_name {
            report.push(Impact::Breaking, format!("operation `{op}` method renamed from `{}` to `{}`", o.method_name, n.method_name), old_ptr, op_ptr);
        }
        if o.http_method != n.http_method || o.path != n.path {
            report.push(Impact::Breaking, format!("operation `{op}` moved from `{} {}` to `{} {}`", o.http_method, o.path, n.http_method, n.path), old_ptr, op_ptr);
        }
        params(op, &o.params, &n.params, old_ptr, op_ptr, report);
        match (&o.body, &n.body) {
            (Some(a), Some(b)) if a.ty != b.ty => {
                report.push(Impact::Breaking, format!("operation `{op}` body type changed from {} to {}", type_text(&a.ty), type_text(&b.ty)), old_ptr, op_ptr)
            }
            (Some(a), Some(b)) if !a.required && b.required => report.push(Impact::Breaking, format!("operation `{op}` body became required"), old_ptr, op_ptr),
            (Some(_), None) => report.push(Impact::Breaking, format!("operation `{op}` no longer takes a body"), old_ptr, op_ptr),
            (None, Some(b)) => {
                let impact = if b.required { Impact::Breaking } else { Impact::Additive };
                report.push(impact, format!("operation `{op}` takes a body"), old_ptr, op_ptr);
            }
            _ => {}
        }
        let success = |op: &Operation| op.success.iter().find_map(|s| s.ty.clone());
        if success(o) != success(n) {
            let text = |t: Option<TypeRef>| t.map_or("nothing".to_string(), |t| type_text(&t));
            report.push(Impact::Breaking, format!("operation `{op}` returns {} instead of {}", text(success(n)), text(success(o))), old_ptr, op_ptr);
        }
        for e in &o.errors {
            match n.errors.iter().find(|x| x.status == e.status) {
                None => report.push(Impact::Breaking, format!("operation `{op}` error mapping `{}` removed", e.variant), old_ptr, op_ptr),
                Some(x) if x.ty != e.ty => report.push(Impact::Breaking, format!("operation `{op}` error `{}` body type changed", e.variant), old_ptr, op_ptr),
                Some(_) => {}
            }
        }
        for e in n.errors.iter().filter(|e| !o.errors.iter().any(|x| x.status == e.status)) {
            report.push(Impact::Additive, format!("operation `{op}` error mapping `{}` added", e.variant), old_ptr, op_ptr);
        }
        if o.summary != n.summary || o.description != n.description {
            report.push(Impact::Cosmetic, format!("operation `{op}` documentation changed"), old_ptr, op_ptr);
        }
    }
    for n in new_ops.iter().filter(|n| !old_ops.iter().any(|o| o.id == n.id)) {
        report.push(Impact::Additive, format!("operation `{}` added", n.id), None, Some(&n.pointer));
    }
}

fn params(op: &str, old: &[Param], new: &[Param], old_ptr: Option<&str>, new_ptr: Option<&str>, report: &mut Report) {
    for p in old {
        match new.iter().find(|n| n.name == p.name && n.location == p.location) {
            None => report.push(Impact::Breaking, format!("operation `{op}` parameter `{}` removed", p.name), old_ptr, new_ptr),
            Some(n) => {
                if !p.required && n.required {
                    report.push(Impact::Breaking, format!("operation `{op}` parameter `{}` became required", p.name), old_ptr, new_ptr);
                } else if p.required && !n.required {
                    report.push(Impact::Breaking, format!("operation `{op}` parameter `{}` became optional", p.name), old_ptr, new_ptr);
                }
                if p.ty != n.ty {
                    report.push(Impact::Breaking, format!("operation `{op}` parameter `{}` type changed from {} to {}", p.name, type_text(&p.ty), type_text(&n.ty)), old_ptr, new_ptr);
                }
                if p.docs != n.docs {
                    report.push(Impact::Cosmetic, format!("operation `{op}` parameter `{}` documentation changed", p.name), old_ptr, new_ptr);
                }
            }
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|p| p.name == n.name && p.location == n.location)) {
        let impact = if n.required { Impact::Breaking } else { Impact::Additive };
        let kind = if n.required { "required" } else { "optional" };
        report.push(impact, format!("operation `{op}` {kind} parameter `{}` added", n.name), old_ptr, new_ptr);
    }
}

fn types(old: &Api, new: &Api, report: &mut Report) {
    for o in &old.types {
        let Some(n) = new.types.iter().find(|n| n.rust_name() == o.rust_name()) else {
            report.push(Impact::Breaking, format!("type `{}` removed", o.rust_name()), Some(pointer_of(o)), None);
            continue;
        };
        let name = o.rust_name();
        let (old_ptr, new_ptr) = (Some(pointer_of(o)), Some(pointer_of(n)));
        match (o, n) {
            (TypeDef::Struct(a), TypeDef::Struct(b)) => {
                fields(name, &a.fields, &b.fields, a.pointer.as_str(), b.pointer.as_str(), report);
                if a.docs != b.docs {
                    report.push(Impact::Cosmetic, format!("type `{name}` documentation changed"), old_ptr, new_ptr);
                }
            }
            // A constant tag and an open enum are different Rust types (a unit struct, an enum).
            (TypeDef::Enum(a), TypeDef::Enum(b)) if a.constant != b.constant => {
                let kinds = |e: &crate::ir::Enum| if e.constant { "a constant" } else { "an open enum" };
                report.push(Impact::Breaking, format!("type `{name}` changed from {} to {}", kinds(a), kinds(b)), old_ptr, new_ptr);
            }
            (TypeDef::Enum(a), TypeDef::Enum(b)) => {
                for v in a.variants.iter().filter(|v| !b.variants.iter().any(|x| x.value == v.value)) {
                    report.push(Impact::Breaking, format!("enum value `{name}::{}` (`{}`) removed", v.rust_name, v.value), old_ptr, new_ptr);
                }
                for v in b.variants.iter().filter(|v| !a.variants.iter().any(|x| x.value == v.value)) {
                    report.push(Impact::Additive, format!("enum value `{name}::{}` (`{}`) added", v.rust_name, v.value), old_ptr, new_ptr);
                }
                if a.docs != b.docs {
                    report.push(Impact::Cosmetic, format!("type `{name}` documentation changed"), old_ptr, new_ptr);
                }
            }
            (TypeDef::Union(a), TypeDef::Union(b)) => {
                for v in a.variants.iter().filter(|v| !b.variants.iter().any(|x| x.rust_name == v.rust_name)) {
                    report.push(Impact::Breaking, format!("variant `{name}::{}` removed", v.rust_name), old_ptr, new_ptr);
                }
                for v in b.variants.iter().filter(|v| !a.variants.iter().any(|x| x.rust_name == v.rust_name)) {
                    report.push(Impact::Additive, format!("variant `{name}::{}` added", v.rust_name), old_ptr, new_ptr);
                }
            }
            _ => report.push(Impact::Breaking, format!("type `{name}` changed kind"), old_ptr, new_ptr),
        }
    }
    for n in new.types.iter().filter(|n| !old.types.iter().any(|o| o.rust_name() == n.rust_name())) {
        report.push(Impact::Additive, format!("type `{}` added", n.rust_name()), None, Some(pointer_of(n)));
    }
}

fn pointer_of(t: &TypeDef) -> &str {
    match t {
        TypeDef::Struct(s) => &s.pointer,
        TypeDef::Enum(e) => &e.pointer,
        TypeDef::Union(u) => &u.pointer,
    }
}

fn fields(owner: &str, old: &[Field], new: &[Field], old_base: &str, new_base: &str, report: &mut Report) {
    let at = |base: &str, f: &Field| crate::error::pointer_join(&crate::error::pointer_join(base, "properties"), &f.name);
    for f in old {
        let old_ptr = at(old_base, f);
        match new.iter().find(|n| n.name == f.name) {
            None => report.push(Impact::Breaking, format!("field `{owner}.{}` removed", f.rust_name), Some(&old_ptr), None),
            Some(n) => {
                let new_ptr = at(new_base, n);
                if f.ty != n.ty {
                    report.push(Impact::Breaking, format!("field `{owner}.{}` type changed from {} to {}", f.rust_name, type_text(&f.ty), type_text(&n.ty)), Some(&old_ptr), Some(&new_ptr));
                }
                if f.presence != n.presence {
                    // Every presence kind is its own Rust type (T, Option<T>, Nullable<T>).
                    report.push(Impact::Breaking, format!("field `{owner}.{}` changed from {:?} to {:?}", f.rust_name, f.presence, n.presence), Some(&old_ptr), Some(&new_ptr));
                }
                if f.docs != n.docs {
                    report.push(Impact::Cosmetic, format!("field `{owner}.{}` documentation changed", f.rust_name), Some(&old_ptr), Some(&new_ptr));
                }
            }
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|f| f.name == n.name)) {
        let required = matches!(n.presence, crate::ir::Presence::Required | crate::ir::Presence::RequiredNullable);
        let (impact, kind) = if required { (Impact::Breaking, "required") } else { (Impact::Additive, "optional") };
        report.push(impact, format!("{kind} field `{owner}.{}` added", n.rust_name), None, Some(&at(new_base, n)));
    }
}
