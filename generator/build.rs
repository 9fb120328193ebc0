//! Reads the runtime's sources (`runtime/src`) once, at build time: their text
//! and where their `cfg` attributes are, so that vendoring the runtime into a
//! crate only evaluates those against the API's features (see `emit::runtime`).

#[path = "src/emit/runtime_sites.rs"]
mod runtime_sites;

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut modules: Vec<String> = std::fs::read_dir(&dir)
        .expect("runtime/src is readable")
        .map(|entry| entry.expect("a runtime source").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().expect("a file name").to_string_lossy().into_owned())
        .collect();
    // The crate root first (it is vendored as `mod.rs`), then the modules by name.
    modules.sort_by_key(|m| (m != "lib", m.clone()));
    let mut out = String::from("&[\n");
    for module in modules {
        let path = dir.join(format!("{module}.rs"));
        println!("cargo::rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path).expect("a runtime source is readable");
        let sites = runtime_sites::sites(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        write!(out, "    ({module:?}, include_str!({:?}), &[", path.display().to_string()).unwrap();
        for (predicate, attr, node) in sites {
            write!(out, "({predicate:?}, {}..{}, {}..{}), ", attr.start, attr.end, node.start, node.end).unwrap();
        }
        out.push_str("]),\n");
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("runtime_sources.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
