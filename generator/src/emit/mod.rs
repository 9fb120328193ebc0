//! Stage 5, emit: the analysed IR → the files of a client crate. Rust is built
//! as tokens (quote) and formatted by prettyplease; `Cargo.toml` and `README.md`
//! come from the minijinja templates in `templates/`.
//!
//! Emit prints; it decides nothing. What the crate holds is in the IR (lowering
//! and [`crate::analyse::analyse`], e.g. which members are boxed and what the
//! catch-all variants are called), or is asked of [`crate::analyse`]'s pure
//! functions of the IR. An emitter that ever has to leave something out reports
//! it in the warnings [`emit`] returns, naming the pointer, like every stage.

mod client;
mod contract;
mod docs;
mod layout;
mod models;
mod operations;
mod runtime;
#[cfg(test)]
mod runtime_sites;
mod templates;
mod testing;
mod types;
mod validation;

use proc_macro2::TokenStream;

use crate::error::{GenError, Warning};
use crate::ir::Api;

/// Choices that are not in the spec.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Cargo package name of the generated crate.
    pub crate_name: String,
    /// Version written into its `Cargo.toml`.
    pub crate_version: String,
    /// Prefix of the environment variables `Client::from_env` reads (`OPENROUTER`).
    pub env_prefix: String,
    /// The spec file name, quoted in the `@generated` headers.
    pub spec_name: String,
    /// Whether `src/custom/mod.rs`, the user's own code, is there to declare.
    pub custom_module: bool,
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", …))]` for several: the
/// gate of an item only some tags' operations use (see `analyse::type_features`).
pub(crate) fn feature_gate(features: &std::collections::BTreeSet<String>) -> proc_macro2::TokenStream {
    if features.len() == 1 {
        let feature = features.iter().next();
        quote::quote!(#[cfg(feature = #feature)])
    } else {
        let features = features.iter();
        quote::quote!(#[cfg(any(#(feature = #features),*))])
    }
}

/// The gate of each group's items (`#[cfg(feature = "<tag>")]`), in group
/// order; nothing for a document with one group, whose crate has no tag features.
pub(crate) fn group_gates(api: &crate::ir::Api) -> Vec<Option<proc_macro2::TokenStream>> {
    let features = crate::analyse::tag_features(api);
    (0..api.groups.len()).map(|i| features.get(i).map(|f| quote::quote!(#[cfg(feature = #f)]))).collect()
}

/// Whether a generated file is one of the runtime's sources copied as written
/// (`runtime/src/…`, but `api.rs`, which is written from the document): what
/// snapshot tests leave to the runtime's own tests.
pub fn is_runtime_copy(path: &str) -> bool {
    path.starts_with("runtime/src/") && path != runtime::API_FILE
}

/// The folder of a generated crate that is the user's: codegen never writes,
/// removes or reports anything in it, and `lib.rs` declares `pub mod custom;`
/// when it has a `mod.rs`.
pub const CUSTOM_DIR: &str = "src/custom";

impl EmitOptions {
    /// Defaults derived from the document: `OpenRouter BYOK API` → crate
    /// `openrouter-byok`, environment prefix `OPENROUTER`.
    pub fn for_api(api: &Api, spec_name: &str) -> Self {
        let words: Vec<String> = api
            .title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let trimmed: Vec<&str> = words.iter().map(String::as_str).filter(|w| !matches!(*w, "api" | "openapi")).collect();
        let crate_name = match trimmed.join("-") {
            name if name.is_empty() => "api-client".to_string(),
            // Cargo names (and Rust identifiers) cannot start with a digit (`3.1 API`).
            name if name.starts_with(|c: char| c.is_ascii_digit()) => format!("api-{name}"),
            name => name,
        };
        let env_prefix = trimmed.first().map_or("API".to_string(), |w| w.to_ascii_uppercase());
        EmitOptions { crate_name, crate_version: "0.1.0".into(), env_prefix, spec_name: spec_name.to_string(), custom_module: false }
    }
}

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

thread_local! {
    /// Time spent formatting (syn parse + prettyplease) in this thread's current
    /// `emit`, the emit threads' time included: processor time, not wall time.
    static FORMAT_TIME: std::cell::Cell<std::time::Duration> = const { std::cell::Cell::new(std::time::Duration::ZERO) };
}

/// The files of a crate and what emit had to work around.
pub type Emitted = (Vec<GeneratedFile>, Vec<Warning>);

/// [`emit`], and the processor time spent formatting (summed over emit's threads).
pub fn emit_timed(api: &Api, options: &EmitOptions) -> Result<(Emitted, std::time::Duration), GenError> {
    FORMAT_TIME.with(|t| t.set(std::time::Duration::ZERO));
    let emitted = emit(api, options)?;
    Ok((emitted, FORMAT_TIME.with(std::cell::Cell::get)))
}

/// What one emit job produces: one file, or several (the runtime).
type JobOutput = Result<Vec<GeneratedFile>, GenError>;

/// Builds and formats some files of the crate; runs on any emit thread.
type Job<'a> = Box<dyn Fn() -> JobOutput + Sync + 'a>;

/// Emits every file of the crate, sorted by path, and the warnings of emit
/// (none today: everything it could leave out is decided, and warned about,
/// in lowering and analysis). `api` is analysed: from [`crate::lower_document`]
/// or [`crate::Config::lower`].
///
/// Files are independent, so they are built and formatted on several threads
/// (token streams are not `Send`, so each file is built where it is
/// formatted); the output does not depend on the number of threads.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Emitted, GenError> {
    let warnings = Vec::new();
    let features = crate::analyse::runtime_features(api);
    let crate_ident = options.crate_name.replace('-', "_");
    // One job a file (the runtime is one job), the largest first so that no
    // thread is left with one last. `models.rs` is most of a large crate: it is
    // built and formatted in pieces of consecutive types, joined in order
    // afterwards (prettyplease lays out each item on its own, so the pieces
    // join into the same text one file would give).
    let models = models::ModelsContext::new(api);
    // `String` for `::std::string::String` where no model takes the name.
    let free = &crate::analyse::free_prelude_names(api);
    let mut jobs: Vec<Job<'_>> = vec![Box::new(|| Ok(vec![piece(0, rust_text(models::models_head(), "src/models.rs", free)?)]))];
    for (i, types) in api.types.chunks(MODEL_TYPES_PER_JOB).enumerate() {
        let models = &models;
        jobs.push(Box::new(move || Ok(vec![piece(i + 1, rust_text(models::model_items(types, models), "src/models.rs", free)?)])));
    }
    jobs.push(Box::new(|| Ok(vec![rust_file("tests/contract.rs", contract::contract_rs(api, &crate_ident, &features), options, free)?])));
    jobs.push(Box::new(|| {
        let sources = runtime::runtime_files(&features);
        let mut files: Vec<GeneratedFile> = Vec::with_capacity(sources.len() + 1);
        for (path, contents) in sources {
            // The one runtime file written from the document rather than copied.
            files.push(if path == runtime::API_FILE {
                rust_file(&path, client::runtime_api_rs(api, options), options, free)?
            } else {
                GeneratedFile { path, contents: format!("{}{contents}", header(options)) }
            });
        }
        files.push(GeneratedFile { path: "runtime/Cargo.toml".into(), contents: templates::runtime_cargo_toml(api, options, &features)? });
        Ok(files)
    }));
    for group in &api.groups {
        let models = &models;
        jobs.push(Box::new(move || {
            let path = format!("src/{}.rs", group.module.bare());
            Ok(vec![rust_file(&path, operations::group_rs(api, group, models.validated()), options, free)?])
        }));
    }
    jobs.push(Box::new(|| Ok(vec![rust_file("src/client.rs", client::client_rs(api, options), options, free)?])));
    jobs.push(Box::new(|| Ok(vec![rust_file("src/testing.rs", testing::testing_rs(api, &features), options, free)?])));
    jobs.push(Box::new(|| Ok(vec![rust_file("src/lib.rs", client::lib_rs(api, &features, options), options, free)?])));
    jobs.push(Box::new(|| {
        Ok(vec![
            GeneratedFile { path: "Cargo.toml".into(), contents: templates::cargo_toml(api, options, &features)? },
            GeneratedFile { path: "README.md".into(), contents: templates::readme(api, options)? },
        ])
    }));
    let (pieces, mut files): (Vec<GeneratedFile>, Vec<GeneratedFile>) = run_jobs(&jobs)?.into_iter().partition(|f| f.path.starts_with(MODEL_PIECE));
    // Jobs come back in job order, so the pieces are in order.
    let mut contents = header(options);
    for p in pieces {
        contents.push_str(&p.contents);
    }
    files.push(GeneratedFile { path: "src/models.rs".into(), contents });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, warnings))
}

/// How many types one `models.rs` job builds and formats.
const MODEL_TYPES_PER_JOB: usize = 64;

/// The path prefix of a piece of `models.rs` while the jobs run.
const MODEL_PIECE: &str = "\0models-piece:";

/// Piece `index` of `models.rs`.
fn piece(index: usize, contents: String) -> GeneratedFile {
    GeneratedFile { path: format!("{MODEL_PIECE}{index:06}"), contents }
}

/// Runs `jobs` on up to `available_parallelism` threads (each takes the next
/// job until none is left) and adds the formatting time of every thread to
/// this thread's [`FORMAT_TIME`]. The first error, in job order, wins.
fn run_jobs(jobs: &[Job<'_>]) -> JobOutput {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(jobs.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(Vec<(usize, JobOutput)>, std::time::Duration)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    FORMAT_TIME.with(|t| t.set(std::time::Duration::ZERO));
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        done.push((i, job()));
                    }
                    (done, FORMAT_TIME.with(std::cell::Cell::get))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("an emit thread panicked")).collect()
    });
    let mut outcomes: Vec<(usize, JobOutput)> = Vec::with_capacity(jobs.len());
    for (done, format) in results {
        FORMAT_TIME.with(|t| t.set(t.get() + format));
        outcomes.extend(done);
    }
    outcomes.sort_by_key(|(i, _)| *i);
    let mut files = Vec::new();
    for (_, outcome) in outcomes {
        files.extend(outcome?);
    }
    Ok(files)
}

/// The `@generated` line every Rust file starts with.
fn header(options: &EmitOptions) -> String {
    format!(
        "// @generated by openapi-rust-generator from {}. Do not edit by hand: change the spec or the generator and run `cargo xtask codegen`.\n\n",
        options.spec_name
    )
}

/// Formats tokens as a Rust file with the `@generated` header.
fn rust_file(path: &str, tokens: TokenStream, options: &EmitOptions, free: &[&str]) -> Result<GeneratedFile, GenError> {
    let contents = format!("{}{}", header(options), rust_text(tokens, path, free)?);
    Ok(GeneratedFile { path: path.to_string(), contents })
}

/// Formats tokens as Rust text (syn parse + prettyplease, see [`layout`]); `path` names the file in errors.
/// `free`: the prelude names written bare ([`layout::shorten_prelude_paths`]).
fn rust_text(tokens: TokenStream, path: &str, free: &[&str]) -> Result<String, GenError> {
    let started = std::time::Instant::now();
    let file: syn::File = syn::parse2(layout::shorten_prelude_paths(tokens, free))
        .map_err(|e| GenError::at("", format!("internal error: the generator produced invalid Rust for {path}: {e}")))?;
    let text = layout::unparse(file);
    FORMAT_TIME.with(|t| t.set(t.get() + started.elapsed()));
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::EmitOptions;

    fn options_for(title: &str) -> EmitOptions {
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": title, "version": "1"}, "paths": {}});
        let (api, _, _) = crate::lower_document(doc).expect("a minimal document lowers");
        EmitOptions::for_api(&api, "spec.yaml")
    }

    #[test]
    fn crate_names_come_from_the_title_and_never_start_with_a_digit() {
        assert_eq!(options_for("OpenRouter BYOK API").crate_name, "openrouter-byok");
        assert_eq!(options_for("3.1.0").crate_name, "api-3-1-0");
        assert_eq!(options_for("API").crate_name, "api-client");
    }
}
