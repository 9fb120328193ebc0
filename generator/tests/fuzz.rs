//! Property test: mutated specs never make the pipeline panic, and whatever
//! lowers is emitted as Rust that parses. Every stage must turn bad input into a
//! `GenError` or a warning. Seeds: our spec, the lowering fixtures (3.1 and 3.0
//! shapes), a Swagger 2.0 fixture and a multi-file fixture (one of its files
//! mutated at a time, read through an in-memory reader). The number of cases is
//! bounded (`PROPTEST_CASES` overrides it) so CI runs a short pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::{emit, lower_document, EmitOptions, LoadOptions};
use proptest::prelude::*;
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Seed documents: our spec and the lowering fixtures (3.1 and 3.0 shapes), loaded once.
fn seeds() -> &'static [Value] {
    static SEEDS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(load_seeds)
}

fn load_seeds() -> Vec<Value> {
    let mut paths = vec![root().join("spec/byok.openapi.yaml"), root().join("generator/tests/fixtures/swagger2/petstore-like.yaml")];
    let fixtures = root().join("generator/tests/fixtures/lowering");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixtures).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    paths.extend(entries);
    paths.iter().map(|p| generator::load::load(p).unwrap()).collect()
}

/// The multi-file fixture: every YAML file under it, parsed, by absolute path.
fn multi_file_seed() -> &'static BTreeMap<PathBuf, Value> {
    static FILES: std::sync::OnceLock<BTreeMap<PathBuf, Value>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = BTreeMap::new();
        let mut pending = vec![root().join("generator/tests/fixtures/multi_file")];
        while let Some(dir) = pending.pop() {
            for path in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.insert(path, serde_yaml::from_str::<Value>(&text).unwrap());
                }
            }
        }
        files
    })
}

/// Emission must succeed on whatever lowers: it fails only if the generator
/// produced Rust that does not parse.
fn emit_must_succeed(api: &generator::ir::Api) {
    let options = EmitOptions::for_api(api, "fuzz.yaml");
    if let Err(e) = emit::emit(api, &options) {
        panic!("a document that lowers must emit valid Rust: {e}");
    }
}

/// JSON pointers of every node, in a stable order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Replacement values that real documents get wrong.
fn replacement(kind: u8, other: &Value) -> Option<Value> {
    Some(match kind % 10 {
        0 => return None, // delete
        1 => Value::Null,
        2 => json!("x"),
        3 => json!(-1),
        4 => json!({}),
        5 => json!([]),
        6 => json!({ "$ref": "#/components/schemas/Nope" }),
        7 => json!({ "type": ["string", "integer", "null"] }),
        8 => json!({ "oneOf": [{ "$ref": "#/components/schemas/Nope" }, { "type": "null" }] }),
        _ => other.clone(),
    })
}

fn mutate(doc: &mut Value, edits: &[(usize, u8, usize)]) {
    for &(target, kind, source) in edits {
        let mut all = Vec::new();
        pointers(doc, String::new(), &mut all);
        let target = &all[target % all.len()];
        if target.is_empty() {
            continue;
        }
        let other = doc.pointer(&all[source % all.len()]).cloned().unwrap_or(Value::Null);
        let (parent, last) = target.rsplit_once('/').unwrap();
        let last = last.replace("~1", "/").replace("~0", "~");
        let Some(parent) = doc.pointer_mut(parent) else { continue };
        match (parent, replacement(kind, &other)) {
            (Value::Object(map), None) => {
                map.remove(&last);
            }
            (Value::Object(map), Some(v)) => {
                map.insert(last, v);
            }
            (Value::Array(items), None) => {
                if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                    items.remove(i);
                }
            }
            (Value::Array(items), Some(v)) => {
                if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *slot = v;
                }
            }
            _ => {}
        }
    }
}

proptest! {
    // 128 cases by default (a few seconds); `PROPTEST_CASES=5000` for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_specs_never_panic(seed in 0usize..64, edits in prop::collection::vec((0usize..100_000, 0u8..20, 0usize..100_000), 1..6)) {
        let seeds = seeds();
        let mut doc = seeds[seed % seeds.len()].clone();
        mutate(&mut doc, &edits);
        // Errors are fine; panics are not. Whatever lowers must emit.
        if let Ok((api, _, _)) = lower_document(doc) {
            emit_must_succeed(&api);
        }
    }

    #[test]
    fn mutated_multi_file_specs_never_panic(file in 0usize..64, edits in prop::collection::vec((0usize..100_000, 0u8..20, 0usize..100_000), 1..4)) {
        let mut files = multi_file_seed().clone();
        let target = files.keys().nth(file % files.len()).cloned().unwrap();
        mutate(files.get_mut(&target).unwrap(), &edits);
        // The other files as they are; the mutated one as JSON text (valid YAML).
        let read = |path: &Path| -> std::io::Result<String> {
            match files.get(path) {
                Some(value) => Ok(serde_json::to_string(value).unwrap()),
                None => std::fs::read_to_string(path),
            }
        };
        let root_file = root().join("generator/tests/fixtures/multi_file/openapi.yaml");
        if let Ok((doc, _)) = generator::load::load_document_from(&root_file, &LoadOptions::default(), &read)
            && let Ok((api, _, _)) = lower_document(doc)
        {
            emit_must_succeed(&api);
        }
    }
}
