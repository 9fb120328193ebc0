//! Generating crates for the tasks: into a directory, the stale-file check, and
//! the lines that sum up what was generated.

use std::path::{Path, PathBuf};

use generator::ir::{Api, TypeDef};
use generator::{GeneratedFile, Generated};

use crate::util::list_files;

/// Generates `spec` into `out` (emptied first) as the crate `crate_name`; lowers once.
pub fn generate_into(spec: &Path, out: &Path, crate_name: &str) -> Result<Generated, String> {
    generate_config_into(&generator::Config::new(spec).crate_name(crate_name), out)
}

/// Runs `config` and writes the crate into `out` (emptied first).
pub fn generate_config_into(config: &generator::Config, out: &Path) -> Result<Generated, String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    let generated = config.generate().map_err(|e| e.to_string())?;
    generator::write_files(out, &generated.files).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(generated)
}

/// How many operations the API has, over all its groups.
pub fn operation_count(api: &Api) -> usize {
    api.groups.iter().map(|g| g.operations.len()).sum()
}

/// Files under `out` that differ from `files`, plus generated-looking files the
/// generator no longer writes (any `.rs` under `src/`: the generator owns `src/`,
/// except `src/custom/`, which is the user's).
pub fn stale_files(out: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = generator::changed_files(out, files).iter().map(|f| out.join(&f.path)).collect();
    let mut extra = Vec::new();
    list_files(&out.join("src"), &mut extra);
    // The vendored runtime's crate (`runtime/`) is the generator's too.
    list_files(&out.join("runtime").join("src"), &mut extra);
    // `src/custom/` is the user's: never stale.
    let custom = out.join(generator::emit::CUSTOM_DIR);
    for path in extra.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs") && !p.starts_with(&custom)) {
        if !files.iter().any(|f| out.join(&f.path) == path) {
            stale.push(path);
        }
    }
    stale.sort();
    stale
}

/// `cargo xtask codegen`'s summary line:
/// `generated openrouter-byok from byok.openapi.yaml: 5 operations, 18 models, 1 enums, 0 files written (7 unchanged), 0 warnings, 0 degraded, in 150 ms`.
pub fn print_summary(crate_name: &str, spec_name: &str, generated: &Generated, written: usize, millis: u128) {
    let count = |pred: fn(&TypeDef) -> bool| generated.api.types.iter().filter(|t| pred(t)).count();
    println!(
        "generated {} from {}: {} operations, {} models, {} enums, {} files written ({} unchanged), {} warnings, {} degraded, in {} ms",
        crate_name,
        spec_name,
        operation_count(&generated.api),
        count(|t| matches!(t, TypeDef::Struct(_))),
        count(|t| matches!(t, TypeDef::Enum(_))),
        written,
        generated.files.len() - written,
        generated.warnings.len(),
        generated.warnings.iter().filter(|w| w.degraded).count(),
        millis
    );
}

/// The line after a crate is generated for a test run:
/// `generated 42 operations into target/openrouter-full (3 warnings)`.
pub fn print_generated_into(out: &Path, generated: &Generated) {
    println!("generated {} operations into {} ({} warnings)", operation_count(&generated.api), out.display(), generated.warnings.len());
}
