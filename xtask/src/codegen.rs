//! `cargo xtask codegen`: runs the generator on one spec and writes (or checks) the crate.

use std::path::PathBuf;
use std::time::Instant;

use generator::GeneratedFile;

use crate::api_changes;
use crate::generate::{print_summary, stale_files};
use crate::util::{file_name, in_root, workspace_root, BYOK_SPEC};

/// Generate the SDK crate from an OpenAPI document (default: the BYOK spec into generated-sdk/).
///
/// Before writing, compares the spec with the committed one (HEAD): the crate's version and
/// CHANGELOG.md follow the API changes. Prints the API changes since HEAD, a `warning: <JSON pointer>: ...` line for every construct
/// worked around, and one summary line.
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// The OpenAPI 3.0/3.1 or Swagger 2.0 document, YAML or JSON; `$ref`s to other files are
    /// followed [default: spec/byok.openapi.yaml]
    #[arg(long, value_name = "PATH", default_value_os_t = in_root(BYOK_SPEC), hide_default_value = true)]
    spec: PathBuf,
    /// An OpenAPI Overlay 1.0 document applied to the spec before generating (repeatable, in order)
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// Where the crate is written [default: generated-sdk]
    #[arg(long, value_name = "DIR", default_value_os_t = in_root("generated-sdk"), hide_default_value = true)]
    out: PathBuf,
    /// The Cargo package name [default: derived from the API title]
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// Only the operations with this tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Only the operation with this operationId (repeatable)
    #[arg(long = "operation", value_name = "ID")]
    operations: Vec<String>,
    /// Write nothing; fail and print `stale: <path>` for each file that differs from what would be written
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> Result<(), String> {
    let start = Instant::now();
    // Filled in rather than spelled out: the generator's option structs may grow.
    let mut load = generator::LoadOptions::default();
    load.overlays.extend(args.overlays.iter().cloned());
    let mut filter = generator::ir::Filter::default();
    filter.tags.extend(args.tags);
    filter.operations.extend(args.operations);
    let filtered = !filter.is_empty();
    let mut config = args.overlays.iter().fold(generator::Config::new(&args.spec), |c, o| c.overlay(o)).filter(filter);
    if let Some(name) = args.crate_name {
        config = config.crate_name(name);
    }
    // The user's own module, kept and declared when it is there.
    config = config.custom_module(args.out.join(generator::emit::CUSTOM_DIR).join("mod.rs").is_file());
    // Lowered once: the IR is compared with the committed spec's before emitting.
    let lowered = config.lower().map_err(|e| e.to_string())?;
    // What changed since the committed spec: the summary, the version step and the changelog.
    let root = workspace_root();
    let report = match api_changes::base_api_with(&root, "HEAD", &args.spec, &load)? {
        Some(old) if !filtered => Some(generator::diff::diff(&old, &lowered.api)),
        _ => None,
    };
    let release = report.as_ref().and_then(|r| api_changes::version_and_changelog(&root, &args.out, r));
    if let Some((version, _)) = &release {
        config = config.crate_version(version.clone());
    }
    let mut generated = lowered.emit(&config).map_err(|e| e.to_string())?;
    if let Some((_, changelog)) = release {
        generated.files.push(GeneratedFile { path: "CHANGELOG.md".into(), contents: changelog });
        generated.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if let Some(report) = &report {
        println!("API changes since HEAD: {}", report.summary());
    }
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }

    let stale = stale_files(&args.out, &generated.files);
    if args.check {
        if stale.is_empty() {
            println!("{} is up to date with {}", args.out.display(), args.spec.display());
            return Ok(());
        }
        for path in &stale {
            eprintln!("stale: {}", path.display());
        }
        return Err(format!(
            "{} file(s) in {} differ from what the generator writes; run `cargo xtask codegen`",
            stale.len(),
            args.out.display()
        ));
    }

    for path in &stale {
        if !generated.files.iter().any(|f| args.out.join(&f.path) == *path) {
            std::fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    let changed: Vec<GeneratedFile> = generated.files.iter().filter(|f| stale.contains(&args.out.join(&f.path))).cloned().collect();
    generator::write_files(&args.out, &changed).map_err(|e| format!("cannot write to {}: {e}", args.out.display()))?;
    let crate_name = config.emit_options(&generated.api).crate_name;
    print_summary(&crate_name, &file_name(&args.spec), &generated, changed.len(), start.elapsed().as_millis());
    Ok(())
}
