//! An OpenAPI 3.0/3.1 → Rust client generator.
//!
//! The pipeline is a chain of small stages, each a module with one job:
//! [`load`] (YAML/JSON → value, [`bundle`]d into one document, [`overlay`]s
//! applied) → [`normalise`] (3.1 shapes → 3.0 shapes) →
//! typed parse (openapiv3) → [`lower`] (→ [`ir`]) → [`analyse`] (decisions
//! read off the whole IR, recorded in it) → [`emit`] (IR → files, deciding
//! nothing). [`Config`] is the entry point that runs them all.

pub mod analyse;
pub mod bundle;
pub mod config;
pub mod emit;
pub mod diff;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod normalise;
pub mod overlay;
pub mod swagger2;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use config::{Config, Lowered};
pub use emit::{EmitOptions, GeneratedFile};
pub use error::{GenError, Warning};
pub use load::LoadOptions;

/// Everything a generation run produced.
#[derive(Debug)]
pub struct Generated {
    /// The IR the files were emitted from.
    pub api: ir::Api,
    /// The files, with paths relative to the output directory, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// What the generator worked around.
    pub warnings: Vec<Warning>,
    /// Time spent in each stage.
    pub timings: Timings,
}

/// Time spent in each stage, in pipeline order.
pub type Timings = Vec<(&'static str, Duration)>;

/// Parses the document into the analysed IR (load → normalise → parse → lower → analyse).
pub fn lower_spec(path: &Path) -> Result<(ir::Api, Vec<Warning>, Timings), GenError> {
    lower_spec_with(path, &LoadOptions::default())
}

/// [`lower_spec`] with load options: overlays applied to the document before normalising.
pub fn lower_spec_with(path: &Path, options: &LoadOptions) -> Result<(ir::Api, Vec<Warning>, Timings), GenError> {
    let started = Instant::now();
    let (doc, mut warnings) = load::load_document(path, options)?;
    let load_time = started.elapsed();
    let (api, lower_warnings, mut timings) = lower_document(doc).map_err(|e| e.in_file(path))?;
    warnings.extend(lower_warnings);
    timings.insert(0, ("load", load_time));
    Ok((api, warnings, timings))
}

/// The stages after loading (Swagger 2.0 conversion → normalise → parse → lower → analyse) on an
/// untyped document. The IR it returns is complete: emit only prints it.
pub fn lower_document(mut doc: serde_json::Value) -> Result<(ir::Api, Vec<Warning>, Timings), GenError> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Timings| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let mut warnings = Vec::new();
    // Swagger 2.0 is converted to OpenAPI 3.0 first; the IR keeps the declared version, and
    // what the later stages report is mapped back to pointers in the 2.0 document.
    let (declared, source) = if swagger2::is_swagger(&doc) {
        let (converted, convert_warnings, source) = swagger2::convert_with_source_map(doc)?;
        (doc, warnings) = (converted, convert_warnings);
        lap("convert", &mut timings);
        ("2.0".to_string(), source)
    } else {
        (doc.get("openapi").and_then(|v| v.as_str()).unwrap_or_default().to_string(), swagger2::SourceMap::default())
    };
    let converted = warnings.len();
    let back = |e: GenError| source.error(e);
    let (_, normalise_warnings) = normalise::normalise(&mut doc).map_err(back)?;
    warnings.extend(normalise_warnings);
    lap("normalise", &mut timings);
    let spec = parse_typed(doc).map_err(back)?;
    lap("parse", &mut timings);
    let (mut api, lower_warnings) = lower::lower(&spec, &declared).map_err(back)?;
    lap("lower", &mut timings);
    warnings.extend(lower_warnings);
    // The one place the IR is completed; everything downstream (filter, emit,
    // snapshots, the change report) reads the analysed IR.
    warnings.extend(analyse::analyse(&mut api));
    lap("analyse", &mut timings);
    let later = warnings.split_off(converted);
    warnings.extend(later.into_iter().map(|w| source.warning(w)));
    Ok((api, warnings, timings))
}

/// Typed parse; a mismatch names the JSON pointer where it happened.
fn parse_typed(doc: serde_json::Value) -> Result<openapiv3::OpenAPI, GenError> {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc) {
        Ok(spec) => Ok(spec),
        Err(e) => {
            let pointer = pointer_of(e.path(), "#");
            // Flattened maps (paths, components) hide the failing entry from the
            // path tracker: parse their entries one by one to find it.
            let narrowed = match pointer.as_str() {
                "#/paths" => narrow::<openapiv3::PathItem>(&doc, "/paths"),
                "#/components" => ["schemas", "parameters", "responses", "requestBodies", "headers", "securitySchemes"]
                    .iter()
                    .find_map(|section| match *section {
                        "schemas" => narrow::<openapiv3::Schema>(&doc, "/components/schemas"),
                        "parameters" => narrow::<openapiv3::Parameter>(&doc, "/components/parameters"),
                        "responses" => narrow::<openapiv3::Response>(&doc, "/components/responses"),
                        "requestBodies" => narrow::<openapiv3::RequestBody>(&doc, "/components/requestBodies"),
                        "headers" => narrow::<openapiv3::Header>(&doc, "/components/headers"),
                        _ => narrow::<openapiv3::SecurityScheme>(&doc, "/components/securitySchemes"),
                    }),
                _ => None,
            };
            let (pointer, message) = narrowed.unwrap_or_else(|| (pointer, e.inner().to_string()));
            Err(GenError::at(pointer, format!("not a valid OpenAPI document here: {message}")))
        }
    }
}

/// Parses each entry of the map at `at` as `T`; returns the first failure's pointer and message.
fn narrow<T: serde::de::DeserializeOwned>(doc: &serde_json::Value, at: &str) -> Option<(String, String)> {
    let map = doc.pointer(at)?.as_object()?;
    map.iter().find_map(|(key, value)| {
        let base = error::pointer_join(&format!("#{at}"), key);
        if value.get("$ref").is_some() {
            return None;
        }
        serde_path_to_error::deserialize::<_, T>(value).err().map(|e| (pointer_of(e.path(), &base), e.inner().to_string()))
    })
}

fn pointer_of(path: &serde_path_to_error::Path, base: &str) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = base.to_string();
    for segment in path.iter() {
        let token = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        pointer = error::pointer_join(&pointer, &token);
    }
    pointer
}

/// The files whose contents differ from what is on disk under `out` (missing ones included).
pub fn changed_files<'f>(out: &Path, files: &'f [GeneratedFile]) -> Vec<&'f GeneratedFile> {
    files.iter().filter(|f| std::fs::read_to_string(out.join(&f.path)).ok().as_deref() != Some(f.contents.as_str())).collect()
}

/// Writes generated files under `out`, creating directories. Returns the paths written.
pub fn write_files(out: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.contents)?;
        written.push(path);
    }
    Ok(written)
}
