//! `src/runtime/`: the hand-written runtime crate (`generator/runtime`),
//! vendored into every generated crate. Its files are copied as written,
//! comments included (prettyplease cannot lay out `macro_rules!` bodies), with
//! one edit: items behind a Cargo feature the API does not use
//! (`#[cfg(feature = "sse")]`, …) are cut out, and the attribute is dropped from
//! the items kept, so a generated crate carries no dead code. The TLS features
//! and `testing` ([`CRATE_FEATURES`]) are the exception: they are Cargo features of
//! the generated crate too (`templates/Cargo.toml.j2`), so their `cfg`s are kept as
//! written. Test modules (`#[cfg(test)]`) are always cut.

use std::collections::BTreeSet;
use std::ops::Range;

use syn::spanned::Spanned;
use syn::visit::Visit;

/// The runtime's source files: the crate root (vendored as `mod.rs`) and its modules.
const FILES: &[(&str, &str)] = &[
    ("lib", include_str!("../../runtime/src/lib.rs")),
    ("body", include_str!("../../runtime/src/body.rs")),
    ("call", include_str!("../../runtime/src/call.rs")),
    ("errors", include_str!("../../runtime/src/errors.rs")),
    ("file", include_str!("../../runtime/src/file.rs")),
    ("hooks", include_str!("../../runtime/src/hooks.rs")),
    ("idempotency", include_str!("../../runtime/src/idempotency.rs")),
    ("multipart", include_str!("../../runtime/src/multipart.rs")),
    ("nullable", include_str!("../../runtime/src/nullable.rs")),
    ("oauth2", include_str!("../../runtime/src/oauth2.rs")),
    ("pagination", include_str!("../../runtime/src/pagination.rs")),
    ("path", include_str!("../../runtime/src/path.rs")),
    ("query", include_str!("../../runtime/src/query.rs")),
    ("request", include_str!("../../runtime/src/request.rs")),
    ("response", include_str!("../../runtime/src/response.rs")),
    ("retry", include_str!("../../runtime/src/retry.rs")),
    ("secret", include_str!("../../runtime/src/secret.rs")),
    ("sse", include_str!("../../runtime/src/sse.rs")),
    ("testing", include_str!("../../runtime/src/testing.rs")),
    ("text", include_str!("../../runtime/src/text.rs")),
    ("tls", include_str!("../../runtime/src/tls.rs")),
    ("transport", include_str!("../../runtime/src/transport.rs")),
    ("untyped", include_str!("../../runtime/src/untyped.rs")),
    ("validation", include_str!("../../runtime/src/validation.rs")),
];

/// The runtime's features that are the generated crate's own Cargo features
/// (the TLS backends and `testing`): their `cfg`s are kept as written.
const CRATE_FEATURES: &[&str] = &["rustls", "rustls-ring", "native-tls", "testing"];

/// The vendored runtime for an API that uses `features`: `(path under src/, contents)`.
pub fn runtime_files(features: &BTreeSet<&str>) -> Vec<(String, String)> {
    let root = strip(FILES[0].1, features);
    let mut files = vec![("runtime/mod.rs".to_string(), root.clone())];
    for (module, source) in &FILES[1..] {
        // A module whose `mod` line was cut is not part of this API's runtime.
        if root.contains(&format!("pub mod {module};")) {
            files.push((format!("runtime/{module}.rs"), strip(source, features)));
        }
    }
    files
}

/// `source` without the items whose `cfg` is false for `features`.
fn strip(source: &str, features: &BTreeSet<&str>) -> String {
    let file = syn::parse_file(source).expect("the runtime's sources are valid Rust (checked by its own build)");
    let mut cuts = Cuts { features, ranges: Vec::new() };
    cuts.visit_file(&file);
    let mut ranges = cuts.ranges;
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for range in ranges {
        // A cut inside one already made (an attribute of a removed item) is covered.
        if range.start < at {
            continue;
        }
        let range = whole_lines(source, range);
        out.push_str(&source[at..range.start]);
        at = range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// Widens a cut to whole lines when it is alone on them, so no blank lines or
/// stray indentation are left behind.
fn whole_lines(source: &str, mut range: Range<usize>) -> Range<usize> {
    // A variant or field is followed by its separating comma, which goes with it.
    let rest = &source[range.end..];
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[spaces..].starts_with(',') {
        range.end += spaces + 1;
    }
    let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[range.end..].find('\n').map_or(source.len(), |i| range.end + i + 1);
    let alone = source[line_start..range.start].trim().is_empty() && source[range.end..line_end].trim().is_empty();
    if alone { line_start..line_end } else { range }
}

/// Collects the byte ranges to cut.
struct Cuts<'f> {
    features: &'f BTreeSet<&'f str>,
    ranges: Vec<Range<usize>>,
}

impl Cuts<'_> {
    /// Decides a node by its `cfg` attributes: `true` to keep (and look inside).
    fn keep(&mut self, attrs: &[syn::Attribute], node: proc_macro2::Span) -> bool {
        for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            let Ok(predicate) = attr.parse_args::<syn::Meta>() else { continue };
            match evaluate(&predicate, self.features) {
                Some(true) => self.ranges.push(attr.span().byte_range()),
                Some(false) => {
                    self.ranges.push(node.byte_range());
                    return false;
                }
                None => {}
            }
        }
        true
    }
}

/// The value of a `cfg` predicate made of `feature = "…"`, `test`, `any`,
/// `all` and `not`; `None` for anything else, a TLS feature included (left as written).
fn evaluate(meta: &syn::Meta, features: &BTreeSet<&str>) -> Option<bool> {
    match meta {
        syn::Meta::Path(p) if p.is_ident("test") => Some(false),
        syn::Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if CRATE_FEATURES.contains(&s.value().as_str()) => None,
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(features.contains(s.value().as_str())),
            _ => None,
        },
        syn::Meta::List(list) => {
            let args = list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated).ok()?;
            let values: Option<Vec<bool>> = args.iter().map(|m| evaluate(m, features)).collect();
            let values = values?;
            if list.path.is_ident("any") {
                Some(values.iter().any(|v| *v))
            } else if list.path.is_ident("all") {
                Some(values.iter().all(|v| *v))
            } else if list.path.is_ident("not") && values.len() == 1 {
                Some(!values[0])
            } else {
                None
            }
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Cuts<'_> {
    fn visit_item(&mut self, node: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match node {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if self.keep(attrs, node.span()) {
            syn::visit::visit_item(self, node);
        }
    }

    fn visit_impl_item(&mut self, node: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match node {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            _ => &[],
        };
        if self.keep(attrs, node.span()) {
            syn::visit::visit_impl_item(self, node);
        }
    }

    fn visit_variant(&mut self, node: &'ast syn::Variant) {
        if self.keep(&node.attrs, node.span()) {
            syn::visit::visit_variant(self, node);
        }
    }

    fn visit_field(&mut self, node: &'ast syn::Field) {
        if self.keep(&node.attrs, node.span()) {
            syn::visit::visit_field(self, node);
        }
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        if self.keep(&node.attrs, node.span()) {
            syn::visit::visit_field_value(self, node);
        }
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        let attrs: &[syn::Attribute] = match node {
            syn::Stmt::Expr(syn::Expr::If(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::Block(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::ForLoop(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::MethodCall(e), _) => &e.attrs,
            _ => &[],
        };
        if self.keep(attrs, node.span()) {
            syn::visit::visit_stmt(self, node);
        }
    }

    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        if self.keep(&node.attrs, node.span()) {
            syn::visit::visit_arm(self, node);
        }
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        if self.keep(&node.attrs, node.span()) {
            syn::visit::visit_local(self, node);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"//! Docs.
use a::b;
#[cfg(feature = "x")]
use c::d;

/// Kept.
pub enum E {
    /// Always.
    A,
    /// Only with x.
    #[cfg(feature = "x")]
    B(u8),
}

#[cfg(any(feature = "x", feature = "y"))]
pub fn either() {}

impl E {
    // A plain comment survives.
    #[cfg(not(feature = "x"))]
    pub fn without_x() {}
    pub fn f(&self) {
        #[cfg(feature = "x")]
        let v = 1;
        match self {
            #[cfg(feature = "x")]
            E::B(_) => {}
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {}
"#;

    fn features(list: &[&'static str]) -> BTreeSet<&'static str> {
        list.iter().copied().collect()
    }

    #[test]
    fn disabled_items_are_cut_with_their_docs_and_enabled_ones_lose_the_attribute() {
        let without = strip(SAMPLE, &features(&[]));
        assert!(!without.contains("use c::d"), "{without}");
        assert!(!without.contains("B(u8)") && !without.contains("Only with x"), "{without}");
        assert!(!without.contains("either") && !without.contains("let v") && !without.contains("E::B"), "{without}");
        assert!(without.contains("pub fn without_x() {}") && !without.contains("cfg(not"), "{without}");
        assert!(without.contains("// A plain comment survives."), "{without}");
        assert!(!without.contains("mod tests"), "{without}");
        syn::parse_file(&without).expect("still Rust");

        let with = strip(SAMPLE, &features(&["x"]));
        assert!(with.contains("use c::d;") && with.contains("    B(u8),") && with.contains("pub fn either() {}"), "{with}");
        assert!(with.contains("let v = 1;") && with.contains("E::B(_) => {}"), "{with}");
        assert!(!with.contains("without_x") && !with.contains("#[cfg"), "{with}");
        syn::parse_file(&with).expect("still Rust");
    }

    #[test]
    fn tls_feature_cfgs_are_kept_as_written_whatever_the_api_uses() {
        let source = "#[cfg(feature = \"native-tls\")]\npub fn native() {}\n#[cfg(not(any(feature = \"rustls\", feature = \"rustls-ring\")))]\npub fn other() {}\n#[cfg(feature = \"x\")]\npub fn x() {}\n";
        for api in [features(&[]), features(&["x", "rustls", "native-tls"])] {
            let out = strip(source, &api);
            assert!(out.contains("#[cfg(feature = \"native-tls\")]\npub fn native() {}"), "{out}");
            assert!(out.contains("#[cfg(not(any(feature = \"rustls\", feature = \"rustls-ring\")))]\npub fn other() {}"), "{out}");
            assert_eq!(out.contains("pub fn x() {}"), api.contains("x"), "{out}");
        }
    }

    #[test]
    fn every_runtime_file_parses_and_the_full_feature_set_keeps_every_module() {
        for (name, source) in FILES {
            syn::parse_file(source).unwrap_or_else(|e| panic!("runtime/src/{name}.rs: {e}"));
        }
        let manifest = include_str!("../../runtime/Cargo.toml");
        let features = &manifest[manifest.find("[features]").expect("a [features] table")..];
        let features = &features[..features.find("\n[").unwrap_or(features.len())];
        let all: BTreeSet<&str> = features
            .lines()
            .filter(|l| !l.starts_with("default") && !l.starts_with('#'))
            .filter_map(|l| l.split_once(" = [").map(|(name, _)| name))
            .collect();
        let files = runtime_files(&all);
        assert_eq!(files.len(), FILES.len(), "{:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
        for (path, contents) in &files {
            // Only the TLS features and `testing`, the generated crate's own, keep their cfgs.
            let count = |features: &[&str]| features.iter().map(|f| contents.matches(&format!("feature = \"{f}\"")).count()).sum::<usize>();
            assert_eq!(contents.matches("feature = \"").count(), count(CRATE_FEATURES), "{path}");
            assert_eq!(count(&["rustls", "rustls-ring", "native-tls"]) > 0, path == "runtime/tls.rs", "{path}");
            assert_eq!(count(&["testing"]) > 0, path == "runtime/mod.rs", "{path}");
            assert!(!contents.contains("#[cfg(test)]"), "{path}");
            syn::parse_file(contents).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        let minimal = runtime_files(&BTreeSet::new());
        let names: Vec<&str> = minimal.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["runtime/mod.rs", "runtime/errors.rs", "runtime/hooks.rs", "runtime/nullable.rs", "runtime/request.rs", "runtime/retry.rs", "runtime/secret.rs", "runtime/tls.rs", "runtime/transport.rs"]);
    }
}
