//! The library's entry point: what to generate (a spec, its overlays, which
//! operations) and the choices the spec does not make (crate name, version),
//! then [`Config::generate`] runs the pipeline once. xtask, the tests, the
//! corpus and the benchmarks all go through it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::emit::{self, EmitOptions};
use crate::error::{GenError, Warning};
use crate::ir::{Api, Filter};
use crate::load::LoadOptions;
use crate::{Generated, Timings};

/// A generation run, configured with chained setters.
///
/// ```no_run
/// let generated = generator::Config::new("spec/byok.openapi.yaml").crate_name("openrouter-byok").generate()?;
/// generator::write_files(std::path::Path::new("generated-sdk"), &generated.files).expect("written");
/// # Ok::<(), generator::GenError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    spec: PathBuf,
    load: LoadOptions,
    filter: Filter,
    crate_name: Option<String>,
    crate_version: Option<String>,
    spec_name: Option<String>,
    custom_module: bool,
}

impl Config {
    /// A run on the document at `spec` (its root file, for a document split over several).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Config { spec: spec.into(), load: LoadOptions::default(), filter: Filter::default(), crate_name: None, crate_version: None, spec_name: None, custom_module: false }
    }

    /// Applies an OpenAPI Overlay document after loading (in the order added).
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.load.overlays.push(path.into());
        self
    }

    /// Keeps only the operations `filter` selects (and the types they use).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// The Cargo package name (default: derived from `info.title`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// The crate version written into `Cargo.toml` (default `0.1.0`).
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.crate_version = Some(version.into());
        self
    }

    /// The spec name the `@generated` headers quote (default: the file name).
    pub fn spec_name(mut self, name: impl Into<String>) -> Self {
        self.spec_name = Some(name.into());
        self
    }

    /// The document this run reads.
    pub fn spec(&self) -> &Path {
        &self.spec
    }

    /// Load → (convert) → normalise → parse → lower → analyse, once; [`Lowered::emit`] finishes the run.
    /// Callers that need the IR before emitting (to compare it with an earlier
    /// version and pick the crate version) use this and then `emit`.
    pub fn lower(&self) -> Result<Lowered, GenError> {
        let (api, warnings, timings) = crate::lower_spec_with(&self.spec, &self.load)?;
        Ok(Lowered { api, warnings, timings })
    }

    /// The whole pipeline: the files to write, the IR, the warnings and the time of each stage.
    pub fn generate(&self) -> Result<Generated, GenError> {
        self.lower()?.emit(self)
    }

    /// Whether the crate has hand-written code in `src/custom/mod.rs` (which
    /// the generator never writes): `lib.rs` then declares `pub mod custom;`.
    pub fn custom_module(mut self, present: bool) -> Self {
        self.custom_module = present;
        self
    }

    /// The emit options of this run for `api`: the configured choices, the rest from the document.
    pub fn emit_options(&self, api: &Api) -> EmitOptions {
        let spec_name = self.spec_name.clone().unwrap_or_else(|| self.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let mut options = EmitOptions::for_api(api, &spec_name);
        if let Some(name) = &self.crate_name {
            options.crate_name = name.clone();
        }
        if let Some(version) = &self.crate_version {
            options.crate_version = version.clone();
        }
        options.custom_module = self.custom_module;
        options
    }
}

/// A lowered document: the analysed IR, what was worked around, and the time so far.
#[derive(Debug)]
pub struct Lowered {
    /// The analysed IR of the whole document (before filtering).
    pub api: Api,
    /// What the generator worked around.
    pub warnings: Vec<Warning>,
    /// Time spent in each stage so far.
    pub timings: Timings,
}

impl Lowered {
    /// Applies the run's filter and emits the files.
    pub fn emit(self, config: &Config) -> Result<Generated, GenError> {
        let Lowered { mut api, mut warnings, mut timings } = self;
        let options = config.emit_options(&api);
        if !config.filter.is_empty() {
            // The analysis stands for what the filter keeps (see `analyse::analyse`).
            api.filter(&config.filter);
            if api.groups.is_empty() {
                return Err(GenError::at("#/paths", format!("no operation matches the filter {:?}", config.filter)).in_file(&config.spec));
            }
        }
        let start = Instant::now();
        let ((files, emit_warnings), format) = emit::emit_timed(&api, &options).map_err(|e| e.in_file(&config.spec))?;
        warnings.extend(emit_warnings);
        // Emit builds and formats files on several threads: its wall time, and
        // the processor time formatting took within it.
        timings.push(("emit", start.elapsed()));
        timings.push(("format (cpu)", format));
        Ok(Generated { api, files, warnings, timings })
    }
}

#[cfg(test)]
mod tests {
    use super::Config;
    use crate::ir::Filter;

    fn byok() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/byok.openapi.yaml")
    }

    #[test]
    fn a_run_names_the_crate_from_the_title_unless_told_otherwise() {
        let generated = Config::new(byok()).generate().unwrap();
        let manifest = &generated.files.iter().find(|f| f.path == "Cargo.toml").unwrap().contents;
        assert!(manifest.contains("name = \"openrouter-byok\"") && manifest.contains("version = \"0.1.0\""), "{manifest}");

        let generated = Config::new(byok()).crate_name("byok-client").crate_version("2.3.4").generate().unwrap();
        let manifest = &generated.files.iter().find(|f| f.path == "Cargo.toml").unwrap().contents;
        assert!(manifest.contains("name = \"byok-client\"") && manifest.contains("version = \"2.3.4\""), "{manifest}");
    }

    #[test]
    fn lowering_once_then_emitting_gives_the_same_files_as_one_run() {
        let config = Config::new(byok());
        let lowered = config.lower().unwrap();
        assert_eq!(lowered.emit(&config).unwrap().files, config.generate().unwrap().files);
    }

    #[test]
    fn a_filter_that_keeps_nothing_is_an_error_naming_the_file() {
        let config = Config::new(byok()).filter(Filter { tags: vec!["nope".into()], operations: vec![] });
        let error = config.generate().unwrap_err().to_string();
        assert!(error.contains("byok.openapi.yaml") && error.contains("no operation matches"), "{error}");
    }
}
