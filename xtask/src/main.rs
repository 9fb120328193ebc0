//! Project tasks: `cargo xtask codegen [--spec PATH] [--overlay FILE]... [--out DIR] [--crate-name NAME] [--check]`.

mod api_changes;
mod bench;
mod contract;
mod corpus;
mod full_e2e;
mod swagger2_e2e;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::{EmitOptions, GeneratedFile};

const USAGE: &str = "usage: cargo xtask codegen [--spec PATH] [--overlay FILE]... [--out DIR] [--crate-name NAME] [--tag TAG]... [--operation ID]... [--check]

  --spec PATH        OpenAPI 3.0/3.1 document (default: spec/byok.openapi.yaml); $refs to other files are followed
  --overlay FILE     OpenAPI Overlay 1.0 document applied to the spec before generating (repeatable, in order)
  --out DIR          where the crate is written (default: generated-sdk)
  --crate-name NAME  Cargo package name (default: derived from the API title)
  --tag TAG          only the operations with this tag (repeatable)
  --operation ID     only the operation with this operationId (repeatable)
  --check            write nothing; fail and name each file that differs from what would be written

       cargo xtask corpus [DIR] [--spec PATH]... [--check-only] [--keep DIR] [--allow-failures]

  generates a crate for each spec, builds them all together and prints a table
  (`cargo xtask corpus --help` for the options)

       cargo xtask e2e-full [--spec PATH]

  generates OpenRouter's full document and runs clippy and xtask/e2e/ tests on it

       cargo xtask e2e-swagger2

  generates the Swagger 2.0 fixture and runs clippy and xtask/e2e/swagger2.rs on it

       cargo xtask contract [--full [--spec PATH]]

  contract tests of every operation against the Prism mock server (installed with npm)

       cargo xtask bench

  codegen speed per stage, SDK overhead against raw reqwest, generated crate cost

       cargo xtask diff [--base REV] [--format markdown|json] [--spec PATH]

  what changed in the API since REV (default HEAD): breaking, additive, cosmetic";

/// Generates `spec` into `out` (emptied first) as the crate `crate_name`; lowers once.
fn generate_into(spec: &Path, out: &Path, crate_name: &str) -> Result<generator::Generated, String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    let spec_name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (api, warnings, timings) = generator::lower_spec(spec).map_err(|e| e.to_string())?;
    let mut options = EmitOptions::for_api(&api, &spec_name);
    options.crate_name = crate_name.to_string();
    let generated = generator::emit_lowered(api, warnings, timings, &options, &Default::default()).map_err(|e| e.to_string())?;
    generator::write_files(out, &generated.files).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(generated)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("e2e-full") => full_e2e::run(&workspace_root(), &args[1..]),
        Some("e2e-swagger2") => swagger2_e2e::run(&workspace_root(), &args[1..]),
        Some("contract") => contract::run(&workspace_root(), &args[1..]),
        Some("bench") => bench::run(&workspace_root(), &args[1..]),
        Some("diff") => api_changes::run(&workspace_root(), &args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct CodegenArgs {
    spec: PathBuf,
    out: PathBuf,
    crate_name: Option<String>,
    filter: generator::ir::Filter,
    check: bool,
    load: generator::LoadOptions,
}

fn parse_codegen_args(args: &[String]) -> Result<CodegenArgs, String> {
    let root = workspace_root();
    let mut parsed = CodegenArgs {
        spec: root.join("spec/byok.openapi.yaml"),
        out: root.join("generated-sdk"),
        crate_name: None,
        filter: Default::default(),
        check: false,
        load: Default::default(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--spec" => parsed.spec = PathBuf::from(value("--spec")?),
            "--overlay" => parsed.load.overlays.push(PathBuf::from(value("--overlay")?)),
            "--out" => parsed.out = PathBuf::from(value("--out")?),
            "--crate-name" => parsed.crate_name = Some(value("--crate-name")?),
            "--tag" => parsed.filter.tags.push(value("--tag")?),
            "--operation" => parsed.filter.operations.push(value("--operation")?),
            "--check" => parsed.check = true,
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    Ok(parsed)
}

fn codegen(args: &[String]) -> Result<(), String> {
    let args = parse_codegen_args(args)?;
    let start = Instant::now();
    let spec_name = args.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (api, warnings, timings) = generator::lower_spec_with(&args.spec, &args.load).map_err(|e| e.to_string())?;
    let mut options = EmitOptions::for_api(&api, &spec_name);
    if let Some(name) = args.crate_name {
        options.crate_name = name;
    }
    // What changed since the committed spec: the summary, the version step and the changelog.
    let root = workspace_root();
    let report = match api_changes::base_api_with(&root, "HEAD", &args.spec, &args.load)? {
        Some(old) if args.filter.is_empty() => Some(generator::diff::diff(&old, &api)),
        _ => None,
    };
    let release = report.as_ref().and_then(|r| api_changes::version_and_changelog(&root, &args.out, r));
    if let Some((version, _)) = &release {
        options.crate_version = version.clone();
    }
    let mut generated = generator::emit_lowered(api, warnings, timings, &options, &args.filter).map_err(|e| format!("{}: {e}", args.spec.display()))?;
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

    let count = |pred: fn(&generator::ir::TypeDef) -> bool| generated.api.types.iter().filter(|t| pred(t)).count();
    let operations: usize = generated.api.groups.iter().map(|g| g.operations.len()).sum();
    println!(
        "generated {} from {}: {} operations, {} models, {} enums, {} files written ({} unchanged), {} warnings, {} degraded, in {} ms",
        options.crate_name,
        spec_name,
        operations,
        count(|t| matches!(t, generator::ir::TypeDef::Struct(_))),
        count(|t| matches!(t, generator::ir::TypeDef::Enum(_))),
        changed.len(),
        generated.files.len() - changed.len(),
        generated.warnings.len(),
        generated.warnings.iter().filter(|w| w.degraded).count(),
        start.elapsed().as_millis()
    );
    Ok(())
}

/// Files under `out` that differ from `files`, plus generated-looking files the
/// generator no longer writes (any `.rs` under `src/`: the generator owns `src/`).
fn stale_files(out: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = generator::changed_files(out, files).iter().map(|f| out.join(&f.path)).collect();
    let mut extra = Vec::new();
    list_files(&out.join("src"), &mut extra);
    for path in extra.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        if !files.iter().any(|f| out.join(&f.path) == path) {
            stale.push(path);
        }
    }
    stale.sort();
    stale
}

/// Every file under `dir`, recursively.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            list_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
