//! The fixture specs whose generated crates are snapshotted (`fixture_snapshots.rs`)
//! and compiled (`fixtures_compile.rs`), and how each is generated, so both
//! tests see the same bytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::Generated;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One fixture spec and the crate generated from it.
pub struct Fixture {
    /// Stable name: the spec's file stem (`enums`, `petstore-like`), or the folder of a
    /// split spec (`multi_file`). Names the snapshots.
    pub name: String,
    /// The spec (for a split spec, its root file).
    pub spec: PathBuf,
}

impl Fixture {
    /// Cargo package name of the generated crate: `fixture-all-of-merge`.
    pub fn crate_name(&self) -> String {
        format!("fixture-{}", self.name.replace('_', "-"))
    }

    /// Runs the whole pipeline as `cargo xtask corpus` does (options derived from
    /// the document), with the crate named after the fixture so that every crate
    /// of the scratch workspace has its own name.
    pub fn generate(&self) -> Generated {
        generator::Config::new(&self.spec).crate_name(self.crate_name()).generate().unwrap_or_else(|e| panic!("{}: {e}", self.spec.display()))
    }
}

/// Every lowering fixture (`fixtures/lowering/*.{yaml,yml,json}`), every Swagger 2.0
/// fixture (`fixtures/swagger2/*`), every security fixture (`fixtures/security/*`)
/// and the multi-file fixture's root, in that order.
pub fn fixtures() -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    for folder in ["lowering", "swagger2", "security"] {
        let dir = fixtures_dir().join(folder);
        let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
            .collect();
        specs.sort();
        for spec in specs {
            let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
            fixtures.push(Fixture { name, spec });
        }
    }
    fixtures.push(Fixture { name: "multi_file".into(), spec: fixtures_dir().join("multi_file/openapi.yaml") });
    let mut names = BTreeSet::new();
    for fixture in &fixtures {
        assert!(names.insert(fixture.crate_name()), "two fixtures are named {}: rename one", fixture.name);
    }
    fixtures
}

/// The paths of the files under `dir`, recursively (none when it does not exist).
pub fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
