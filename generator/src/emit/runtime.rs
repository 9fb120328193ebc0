//! `runtime/`: the hand-written runtime crate (`generator/runtime`), vendored
//! beside every generated crate as a crate of its own (`<crate>-runtime`, which
//! the generated crate uses as `crate::runtime`): regenerating an API then
//! recompiles the API's code, not the runtime's. Its files are copied as written,
//! comments included (prettyplease cannot lay out `macro_rules!` bodies), with
//! one edit: items behind a Cargo feature the API does not use
//! (`#[cfg(feature = "sse")]`, …) are cut out, and the attribute is dropped from
//! the items kept, so a generated crate carries no dead code. The TLS features
//! and `testing` ([`CRATE_FEATURES`]) are the exception: they are Cargo features of
//! the generated crate too (`templates/Cargo.toml.j2`), so their `cfg`s are kept as
//! written. Test modules (`#[cfg(test)]`) are always cut.

use std::collections::BTreeSet;
use std::ops::Range;

/// One `cfg` attribute of the runtime: its predicate, its byte range and that
/// of its node (see `runtime_sites`).
type Site = (&'static str, Range<usize>, Range<usize>);

/// The runtime's source files, the crate root first,
/// each with its `cfg` sites: read and parsed by the build script.
const FILES: &[(&str, &str, &[Site])] = include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));

/// The runtime's features that are the generated crate's own Cargo features
/// (the TLS backends and `testing`): their `cfg`s are kept as written.
const CRATE_FEATURES: &[&str] = &["rustls", "rustls-ring", "native-tls", "testing"];

/// The runtime file that emit writes from the document (`client::runtime_api_rs`)
/// in place of the source's, which holds what a document without extensions gets.
pub const API_FILE: &str = "runtime/src/api.rs";

/// The vendored runtime's sources for an API that uses `features`: `(path, contents)`,
/// paths from the generated crate's directory (`runtime/src/…`).
pub fn runtime_files(features: &BTreeSet<&str>) -> Vec<(String, String)> {
    let (_, root, sites) = &FILES[0];
    let root = strip(root, sites.iter().cloned(), features);
    let mut files = vec![("runtime/src/lib.rs".to_string(), root.clone())];
    for (module, source, sites) in &FILES[1..] {
        // A module whose `mod` line was cut is not part of this API's runtime.
        if root.contains(&format!("pub mod {module};")) || root.contains(&format!("\nmod {module};")) {
            files.push((format!("runtime/src/{module}.rs"), strip(source, sites.iter().cloned(), features)));
        }
    }
    files
}

/// `source` without the nodes whose `cfg` is false for `features`; the `cfg`s
/// found true are dropped, the others (the crate's own features) kept.
fn strip<'p>(source: &str, sites: impl Iterator<Item = (&'p str, Range<usize>, Range<usize>)>, features: &BTreeSet<&str>) -> String {
    let mut ranges = Vec::new();
    for (predicate, attr, node) in sites {
        match Predicate::parse(predicate).and_then(|p| p.evaluate(features)) {
            Some(true) => ranges.push(attr),
            Some(false) => ranges.push(node),
            None => {}
        }
    }
    // A node's range starts where its attributes do, before any of its own.
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for range in ranges {
        // A cut inside one already made (an attribute of a removed node, a nested node) is covered.
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

/// A `cfg` predicate made of `feature = "…"`, `test`, `any`, `all` and `not`,
/// parsed from the text the build script recorded (token spacing: `any (feature = "x" , test)`).
#[derive(Debug, PartialEq)]
enum Predicate<'a> {
    Feature(&'a str),
    Test,
    Any(Vec<Predicate<'a>>),
    All(Vec<Predicate<'a>>),
    Not(Vec<Predicate<'a>>),
    /// Anything else: left as written.
    Other,
}

impl<'a> Predicate<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let (predicate, rest) = Self::parse_one(text)?;
        rest.trim().is_empty().then_some(predicate)
    }

    /// One predicate at the start of `text`, and what follows it.
    fn parse_one(text: &'a str) -> Option<(Self, &'a str)> {
        let text = text.trim_start();
        let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
        let (name, rest) = text.split_at(end);
        let rest = rest.trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start().strip_prefix('"')?;
            let close = value.find('"')?;
            let predicate = if name == "feature" { Predicate::Feature(&value[..close]) } else { Predicate::Other };
            return Some((predicate, &value[close + 1..]));
        }
        if let Some(mut args) = rest.strip_prefix('(') {
            let mut list = Vec::new();
            loop {
                args = args.trim_start();
                if let Some(after) = args.strip_prefix(')') {
                    let predicate = match name {
                        "any" => Predicate::Any(list),
                        "all" => Predicate::All(list),
                        "not" if list.len() == 1 => Predicate::Not(list),
                        _ => Predicate::Other,
                    };
                    return Some((predicate, after));
                }
                let (item, after) = Self::parse_one(args)?;
                list.push(item);
                args = after.trim_start();
                args = args.strip_prefix(',').unwrap_or(args);
            }
        }
        let predicate = if name == "test" { Predicate::Test } else { Predicate::Other };
        (!name.is_empty()).then_some((predicate, rest))
    }

    /// Its value for an API using `features`; `None` for what is left as
    /// written: the crate's own features and anything not understood.
    fn evaluate(&self, features: &BTreeSet<&str>) -> Option<bool> {
        match self {
            Predicate::Feature(f) if CRATE_FEATURES.contains(f) => None,
            Predicate::Feature(f) => Some(features.contains(f)),
            Predicate::Test => Some(false),
            Predicate::Any(list) => list.iter().map(|p| p.evaluate(features)).collect::<Option<Vec<_>>>().map(|v| v.contains(&true)),
            Predicate::All(list) => list.iter().map(|p| p.evaluate(features)).collect::<Option<Vec<_>>>().map(|v| !v.contains(&false)),
            Predicate::Not(list) => list[0].evaluate(features).map(|v| !v),
            Predicate::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `strip` of a source the build script has not seen: its sites found here.
    fn strip_source(source: &str, features: &BTreeSet<&str>) -> String {
        let sites = crate::emit::runtime_sites::sites(source).expect("valid Rust");
        strip(source, sites.iter().map(|(p, a, n)| (p.as_str(), a.clone(), n.clone())), features)
    }

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
        let without = strip_source(SAMPLE, &features(&[]));
        assert!(!without.contains("use c::d"), "{without}");
        assert!(!without.contains("B(u8)") && !without.contains("Only with x"), "{without}");
        assert!(!without.contains("either") && !without.contains("let v") && !without.contains("E::B"), "{without}");
        assert!(without.contains("pub fn without_x() {}") && !without.contains("cfg(not"), "{without}");
        assert!(without.contains("// A plain comment survives."), "{without}");
        assert!(!without.contains("mod tests"), "{without}");
        syn::parse_file(&without).expect("still Rust");

        let with = strip_source(SAMPLE, &features(&["x"]));
        assert!(with.contains("use c::d;") && with.contains("    B(u8),") && with.contains("pub fn either() {}"), "{with}");
        assert!(with.contains("let v = 1;") && with.contains("E::B(_) => {}"), "{with}");
        assert!(!with.contains("without_x") && !with.contains("#[cfg"), "{with}");
        syn::parse_file(&with).expect("still Rust");
    }

    #[test]
    fn tls_feature_cfgs_are_kept_as_written_whatever_the_api_uses() {
        let source = "#[cfg(feature = \"native-tls\")]\npub fn native() {}\n#[cfg(not(any(feature = \"rustls\", feature = \"rustls-ring\")))]\npub fn other() {}\n#[cfg(feature = \"x\")]\npub fn x() {}\n";
        for api in [features(&[]), features(&["x", "rustls", "native-tls"])] {
            let out = strip_source(source, &api);
            assert!(out.contains("#[cfg(feature = \"native-tls\")]\npub fn native() {}"), "{out}");
            assert!(out.contains("#[cfg(not(any(feature = \"rustls\", feature = \"rustls-ring\")))]\npub fn other() {}"), "{out}");
            assert_eq!(out.contains("pub fn x() {}"), api.contains("x"), "{out}");
        }
    }

    #[test]
    fn predicates_parse_from_the_recorded_token_text() {
        use Predicate::*;
        assert_eq!(Predicate::parse(r#"feature = "sse""#), Some(Feature("sse")));
        assert_eq!(Predicate::parse("test"), Some(Test));
        assert_eq!(
            Predicate::parse(r#"not (any (feature = "a" , all (feature = "b" , test) ,))"#),
            Some(Not(vec![Any(vec![Feature("a"), All(vec![Feature("b"), Test])])]))
        );
        assert_eq!(Predicate::parse(r#"target_os = "linux""#), Some(Other));
        assert_eq!(Predicate::parse("unix"), Some(Other));
        for broken in ["", r#"feature = "x"#, "any (test", "test)"] {
            assert_eq!(Predicate::parse(broken), None, "{broken}");
        }
        let on: BTreeSet<&str> = ["a"].into_iter().collect();
        assert_eq!(Predicate::parse(r#"any (feature = "a" , feature = "b")"#).unwrap().evaluate(&on), Some(true));
        assert_eq!(Predicate::parse(r#"all (feature = "a" , feature = "b")"#).unwrap().evaluate(&on), Some(false));
        assert_eq!(Predicate::parse(r#"not (feature = "a")"#).unwrap().evaluate(&on), Some(false));
        // The crate's own features, and what is not understood, are left as written.
        assert_eq!(Predicate::parse(r#"any (feature = "a" , feature = "testing")"#).unwrap().evaluate(&on), None);
        assert_eq!(Predicate::parse("unix").unwrap().evaluate(&on), None);
    }

    #[test]
    fn every_runtime_file_parses_and_the_full_feature_set_keeps_every_module() {
        for (name, source, _) in FILES {
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
            assert_eq!(count(&["rustls", "rustls-ring", "native-tls"]) > 0, path == "runtime/src/tls.rs", "{path}");
            assert_eq!(count(&["testing"]) > 0, path == "runtime/src/lib.rs", "{path}");
            assert!(!contents.contains("#[cfg(test)]"), "{path}");
            syn::parse_file(contents).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        let minimal = runtime_files(&BTreeSet::new());
        let names: Vec<&str> = minimal.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "runtime/src/lib.rs",
                "runtime/src/api.rs",
                "runtime/src/errors.rs",
                "runtime/src/hooks.rs",
                "runtime/src/nullable.rs",
                "runtime/src/request.rs",
                "runtime/src/retry.rs",
                "runtime/src/secret.rs",
                "runtime/src/tls.rs",
                "runtime/src/transport.rs"
            ]
        );
    }
}
