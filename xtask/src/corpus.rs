//! `cargo xtask corpus DIR`: generates a crate for every spec in DIR (and each
//! `--spec PATH`), builds them all in one Cargo workspace, and prints a table of
//! what happened to each: the generator's coverage and the compiler's verdict.
//!
//! The crates live in one workspace so they share a lock file and compiled
//! dependencies: reqwest, tokio and serde are built once, not once per spec.
//! One `cargo clippy --keep-going` over the workspace checks them all, and the
//! JSON diagnostics it prints are attributed to crates by package id.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::generate::operation_count;
use crate::util::{file_name, in_root, list_files, workspace_root};

/// Generate a crate for each spec, build them all in one workspace and print a table.
///
/// The table gives each spec's OpenAPI version, operations, types, generation time, compile
/// result, warnings, skipped constructs (the generator's warnings) and degraded constructs.
#[derive(clap::Args)]
#[command(args_override_self = true)]
#[command(group(clap::ArgGroup::new("input").args(["dirs", "specs"]).required(true).multiple(true)))]
pub struct Args {
    /// Generate a crate for each *.yaml, *.yml and *.json file in DIR, and for each folder in it
    /// holding a spec split over files (root file openapi.yaml|yml|json, in the folder or in its
    /// openapi/ folder)
    #[arg(value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// One more spec to include (repeatable)
    #[arg(long = "spec", value_name = "PATH")]
    specs: Vec<PathBuf>,
    /// `cargo check` instead of `cargo clippy` (rustc warnings still count)
    #[arg(long)]
    check_only: bool,
    /// Where the crates and their workspace are written [default: target/corpus]
    // Under target/ so it is ignored by git and removed by `cargo clean`; not a
    // temporary directory, so the crates are there to read after a failure.
    #[arg(long, value_name = "DIR", default_value_os_t = in_root("target/corpus"), hide_default_value = true)]
    keep: PathBuf,
    /// Exit 0 even when a spec fails to generate or compile, or has warnings
    #[arg(long)]
    allow_failures: bool,
}

impl Args {
    /// The specs in the order they are reported: those of each DIR, then each `--spec`.
    fn all_specs(&self) -> Result<Vec<PathBuf>, String> {
        let mut specs = Vec::new();
        for dir in &self.dirs {
            specs.extend(specs_in(dir)?);
        }
        specs.extend(self.specs.iter().cloned());
        if specs.is_empty() {
            return Err("no spec to generate: give a DIR holding specs or --spec PATH".to_string());
        }
        Ok(specs)
    }

    /// Where the crates go, absolute: Cargo resolves the workspace members relative
    /// to the workspace file; an absolute path keeps the messages and the footnotes unambiguous.
    fn work_dir(&self) -> Result<PathBuf, String> {
        if self.keep.is_absolute() {
            return Ok(self.keep.clone());
        }
        Ok(std::env::current_dir().map_err(|e| e.to_string())?.join(&self.keep))
    }
}

/// The spec files directly in `dir`, and the root file of each folder in it that
/// holds a spec split over files, sorted by path. Anything else there (README.md,
/// notes) is not a spec and is left alone.
pub(crate) fn specs_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter_map(|path| {
            if path.is_dir() {
                return split_spec_root(&path);
            }
            path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json").then_some(path)
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// The root file of a spec split over the files of `folder`: `openapi.yaml`
/// (or `.yml`, `.json`) in the folder or in its `openapi/` folder (Redocly's layout).
fn split_spec_root(folder: &Path) -> Option<PathBuf> {
    [folder.to_path_buf(), folder.join("openapi")]
        .iter()
        .flat_map(|dir| ["openapi.yaml", "openapi.yml", "openapi.json"].map(|name| dir.join(name)))
        .find(|path| path.is_file())
}

/// How a spec is named in the table and its crate: the file name, except for a
/// root file named `openapi.*`, known by its folder (`redocly-starter/openapi/openapi.yaml`
/// → `redocly-starter`).
fn spec_label(spec: &Path) -> (String, String) {
    let file_name = file_name(spec);
    let stem = spec.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if stem != "openapi" {
        return (file_name, stem);
    }
    let absolute = std::path::absolute(spec).unwrap_or_else(|_| spec.to_path_buf());
    let folder = absolute.ancestors().skip(1).filter_map(Path::file_name).map(|n| n.to_string_lossy().into_owned()).find(|n| n != "openapi");
    match folder {
        Some(folder) => (format!("{folder}/"), folder),
        None => (file_name, stem),
    }
}

/// One spec's line in the table.
struct Row {
    /// The spec's file name, as shown in the table.
    spec: String,
    /// Cargo package name of its crate (`corpus-petstore`).
    crate_name: String,
    /// The generator's statistics, or its error (file: pointer: message).
    generated: Result<Stats, String>,
    /// Milliseconds `generator::generate` took (or until it failed).
    gen_ms: u128,
    /// Compiler diagnostics attributed to the crate; `None` when it was not built.
    diagnostics: Option<Diagnostics>,
}

struct Stats {
    openapi: String,
    operations: usize,
    types: usize,
    /// Warnings of the generator: constructs it could not express and worked around.
    skipped: usize,
    /// Of those, constructs it could not express at all: made untyped JSON
    /// (`serde_json::Value`), or a parameter or operation left out.
    degraded: usize,
}

/// What rustc and clippy said about one crate.
#[derive(Debug, Default, PartialEq)]
struct Diagnostics {
    /// One line per error (`error[E0412]: cannot find type … --> file:line:col`), in the order reported.
    errors: Vec<String>,
    rustc_warnings: usize,
    clippy_warnings: usize,
    /// Warning count per lint (`unused_imports`, `clippy::doc_markdown`), for the footnotes.
    lints: BTreeMap<String, usize>,
}

impl Diagnostics {
    fn warnings(&self) -> usize {
        self.rustc_warnings + self.clippy_warnings
    }
}

pub fn run(args: Args) -> Result<(), String> {
    let specs = args.all_specs()?;
    let work = args.work_dir()?;
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    let mut rows = Vec::new();
    let mut taken = BTreeSet::new();
    for spec in &specs {
        let row = generate_one(spec, &work, &mut taken);
        match &row.generated {
            Ok(_) => eprintln!("generated {} from {} in {} ms", row.crate_name, row.spec, row.gen_ms),
            Err(e) => eprintln!("generation failed for {}: {e}", row.spec),
        }
        rows.push(row);
    }

    let mut notes = Vec::new();
    let members: Vec<String> = rows.iter().filter(|r| r.generated.is_ok()).map(|r| r.crate_name.clone()).collect();
    if !members.is_empty() {
        let start = Instant::now();
        match build(&work, &members, args.check_only) {
            Ok(mut by_crate) => {
                for row in rows.iter_mut().filter(|r| r.generated.is_ok()) {
                    row.diagnostics = Some(by_crate.remove(&row.crate_name).unwrap_or_default());
                }
            }
            // Cargo gave up before compiling (a manifest or resolution error):
            // no crate has a verdict, and cargo's own words explain why.
            Err(e) => notes.push(format!("the build did not run: {e}")),
        }
        eprintln!("built {} crate(s) in {:.1} s", members.len(), start.elapsed().as_secs_f64());
    }

    let summary = print_report(&rows, &notes, &work);
    if summary.failed + summary.with_warnings > 0 && !args.allow_failures {
        return Err(format!(
            "{} spec(s) failed and {} have warnings (--allow-failures reports without failing)",
            summary.failed, summary.with_warnings
        ));
    }
    Ok(())
}

/// Generates the crate for `spec` into `work/<crate name>/`.
fn generate_one(spec: &Path, work: &Path, taken: &mut BTreeSet<String>) -> Row {
    let (label, stem) = spec_label(spec);
    // Two specs with one stem (`a.yaml`, `a.json`) must not share a directory.
    let base = format!("corpus-{}", kebab(&stem));
    let mut crate_name = base.clone();
    for n in 2.. {
        if taken.insert(crate_name.clone()) {
            break;
        }
        crate_name = format!("{base}-{n}");
    }
    // The whole pipeline, once, as `cargo xtask codegen` runs it.
    let start = Instant::now();
    let generated = generator::Config::new(spec).crate_name(crate_name.clone()).generate();
    let gen_ms = start.elapsed().as_millis();
    let generated = match generated {
        Err(e) => Err(e.to_string()),
        Ok(generated) => {
            let out = work.join(&crate_name);
            match sync_files(&out, &generated.files) {
                Err(e) => Err(format!("cannot write {}: {e}", out.display())),
                Ok(_) => Ok(Stats {
                    openapi: generated.api.openapi.clone(),
                    operations: operation_count(&generated.api),
                    types: generated.api.types.len(),
                    skipped: generated.warnings.len(),
                    degraded: generated.warnings.iter().filter(|w| w.degraded).count(),
                }),
            }
        }
    };
    Row { spec: label, crate_name, generated, gen_ms, diagnostics: None }
}

/// Makes `out` hold exactly `files`. Unchanged files are not rewritten: Cargo
/// goes by modification times, and checking the big crates is most of a run's
/// time, so a crate the generator emits identically is not checked again.
/// Files the generator no longer emits (an example for a removed operation) are
/// removed: the generator owns the whole directory.
fn sync_files(out: &Path, files: &[generator::GeneratedFile]) -> std::io::Result<()> {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| out.join(&f.path)).collect();
    let mut existing = Vec::new();
    list_files(out, &mut existing);
    for path in existing.iter().filter(|p| !wanted.contains(*p)) {
        std::fs::remove_file(path)?;
    }
    let changed: Vec<generator::GeneratedFile> = generator::changed_files(out, files).into_iter().cloned().collect();
    generator::write_files(out, &changed).map(drop)
}


/// `openrouter.openapi` → `openrouter-openapi`, `propolisServer` → `propolis-server`.
fn kebab(stem: &str) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && after_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            after_lower = !c.is_ascii_uppercase();
        } else {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            after_lower = false;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() { "spec".to_string() } else { out.to_string() }
}

/// Writes the workspace file, runs clippy (or check) over every member once, and
/// returns the diagnostics per package name. Cargo's JSON is kept in
/// `work/cargo-messages.json` for whoever wants the full text of each message.
fn build(work: &Path, members: &[String], check_only: bool) -> Result<BTreeMap<String, Diagnostics>, String> {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`: every generated crate, built together.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
        list.join("\n")
    );
    // Every member counts the workspace file among its inputs: rewriting it unchanged
    // would have Cargo check all the crates again.
    let path = work.join("Cargo.toml");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&path, manifest).map_err(|e| format!("cannot write the workspace file: {e}"))?;
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(work);
    // Keep-going: one crate that does not compile must not hide the verdict on the others.
    // With the feature `testing`: its module (typed mocks) is generated for every crate.
    command.args([if check_only { "check" } else { "clippy" }, "--workspace", "--features", "testing", "--keep-going", "--message-format=json"]);
    if !check_only {
        command.args(["--", "-W", "clippy::all"]);
    }
    // One target directory for every run, whatever --keep says: the dependencies
    // (several minutes to build on a small machine) are compiled once and reused.
    // Not the workspace's own target/debug: that would take Cargo's build lock
    // away from whoever is building the workspace meanwhile, and the two lock files
    // resolving differently would make each build invalidate the other's artifacts.
    command.env("CARGO_TARGET_DIR", workspace_root().join("target/corpus-target"));
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| format!("cannot run cargo: {e}"))?;

    // Cargo's progress ("Compiling reqwest …") goes on to our stderr as it comes,
    // so a long first build is visibly alive; its tail explains a failed build.
    let stderr = child.stderr.take().expect("piped");
    let stderr_tail = std::thread::spawn(move || {
        let mut tail: Vec<String> = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            tail.push(line);
        }
        tail
    });
    let mut messages = String::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(Result::ok) {
        messages.push_str(&line);
        messages.push('\n');
    }
    let status = child.wait().map_err(|e| format!("cargo did not finish: {e}"))?;
    let tail = stderr_tail.join().unwrap_or_default();
    let log = work.join("cargo-messages.json");
    if let Err(e) = std::fs::File::create(&log).and_then(|mut f| f.write_all(messages.as_bytes())) {
        eprintln!("cannot keep cargo's messages in {}: {e}", log.display());
    }

    let by_crate = parse_messages(&messages);
    // Cargo fails both when a crate has errors (attributed above) and when it
    // cannot start (no compiler message at all): only the second is a build failure.
    let any_error = by_crate.values().any(|d| !d.errors.is_empty());
    if !status.success() && !any_error {
        let errors: Vec<&str> = tail.iter().map(String::as_str).filter(|l| l.starts_with("error")).collect();
        let shown = if errors.is_empty() { tail.iter().rev().take(5).rev().map(String::as_str).collect() } else { errors };
        return Err(format!("cargo exited with {status}: {}", shown.join(" / ")));
    }
    Ok(by_crate)
}

/// Attributes each compiler message of Cargo's `--message-format=json` output to
/// its package, by name. Messages about dependencies do not occur (Cargo caps
/// their lints), so every name is a generated crate.
fn parse_messages(json_lines: &str) -> BTreeMap<String, Diagnostics> {
    let mut by_crate: BTreeMap<String, Diagnostics> = BTreeMap::new();
    // The same diagnostic comes once per target that compiles the file (lib and
    // lib test): count it once.
    let mut seen = BTreeSet::new();
    for line in json_lines.lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else { continue };
        if value["reason"] != "compiler-message" {
            continue;
        }
        let message = &value["message"];
        let level = message["level"].as_str().unwrap_or_default();
        if level != "error" && level != "warning" {
            continue; // notes, help, failure-note ("For more information about this error …")
        }
        let Some(package) = package_name(value["package_id"].as_str().unwrap_or_default()) else { continue };
        let rendered = message["rendered"].as_str().unwrap_or_default().to_string();
        if !seen.insert((package.clone(), rendered)) {
            continue;
        }
        let diagnostics = by_crate.entry(package).or_default();
        let code = message["code"]["code"].as_str().unwrap_or_default();
        if level == "error" {
            diagnostics.errors.push(one_line(message));
        } else {
            if code.starts_with("clippy::") {
                diagnostics.clippy_warnings += 1;
            } else {
                diagnostics.rustc_warnings += 1;
            }
            let lint = if code.is_empty() { "(no lint name)" } else { code };
            *diagnostics.lints.entry(lint.to_string()).or_default() += 1;
        }
    }
    by_crate
}

/// The package name in a Cargo package id, in either of its spellings:
/// `path+file:///w/corpus-x#0.1.0`, `path+file:///w/dir#corpus-x@0.1.0`
/// (Cargo 1.77+) or `corpus-x 0.1.0 (path+file:///w/corpus-x)` (before).
fn package_name(id: &str) -> Option<String> {
    if let Some((url, fragment)) = id.split_once('#') {
        let name = match fragment.split_once('@') {
            Some((name, _)) => name,
            None => url.trim_end_matches('/').rsplit('/').next()?,
        };
        return Some(name.to_string());
    }
    id.split_whitespace().next().filter(|n| !n.is_empty()).map(str::to_string)
}

/// `error[E0412]: cannot find type `Foo` in this scope --> corpus-x/src/models.rs:12:5`
fn one_line(message: &Value) -> String {
    let mut line = match message["code"]["code"].as_str() {
        Some(code) => format!("error[{code}]: {}", message["message"].as_str().unwrap_or_default()),
        None => format!("error: {}", message["message"].as_str().unwrap_or_default()),
    };
    let spans = message["spans"].as_array().map(Vec::as_slice).unwrap_or_default();
    if let Some(span) = spans.iter().find(|s| s["is_primary"] == true) {
        line.push_str(&format!(
            " --> {}:{}:{}",
            span["file_name"].as_str().unwrap_or_default(),
            span["line_start"],
            span["column_start"]
        ));
    }
    line
}

struct Summary {
    failed: usize,
    with_warnings: usize,
}

/// Prints the table, its footnotes and the closing count line; returns the counts.
fn print_report(rows: &[Row], notes: &[String], work: &Path) -> Summary {
    let mut footnotes: Vec<String> = notes.to_vec();
    let mut note = |text: String| {
        footnotes.push(text);
        format!("[{}]", footnotes.len())
    };
    let (mut clean, mut with_warnings, mut failed) = (0, 0, 0);
    let mut table = vec![["spec", "openapi", "ops", "types", "gen ms", "compile", "warnings", "skipped", "degraded"].map(String::from)];
    for row in rows {
        let gen_ms = row.gen_ms.to_string();
        let cells = match (&row.generated, &row.diagnostics) {
            (Err(e), _) => {
                failed += 1;
                let compile = format!("GENERATION FAILED {}", note(format!("{}: {e}", row.spec)));
                [&row.spec, "-", "-", "-", &gen_ms, &compile, "-", "-", "-"].map(String::from)
            }
            (Ok(stats), diagnostics) => {
                let (compile, warnings) = match diagnostics {
                    None => {
                        failed += 1;
                        // The reason is the first footnote, from `notes`.
                    ("NOT BUILT [1]".to_string(), "-".to_string())
                    }
                    Some(d) => {
                        let compile = if !d.errors.is_empty() {
                            failed += 1;
                            let first = note(format!("{}: {}", row.crate_name, d.errors[0]));
                            let plural = if d.errors.len() == 1 { "" } else { "s" };
                            format!("FAILED ({} error{plural}) {first}", d.errors.len())
                        } else if d.warnings() > 0 {
                            with_warnings += 1;
                            "ok".to_string()
                        } else {
                            clean += 1;
                            "ok".to_string()
                        };
                        // Which lints fire, so a warning count points at what to fix.
                        let warnings = if d.warnings() == 0 {
                            "0".to_string()
                        } else {
                            let lints: Vec<String> = d.lints.iter().map(|(lint, n)| format!("{lint} ×{n}")).collect();
                            format!("{} {}", d.warnings(), note(format!("{}: {}", row.crate_name, lints.join(", "))))
                        };
                        (compile, warnings)
                    }
                };
                [
                    row.spec.clone(),
                    stats.openapi.clone(),
                    stats.operations.to_string(),
                    stats.types.to_string(),
                    gen_ms,
                    compile,
                    warnings,
                    stats.skipped.to_string(),
                    stats.degraded.to_string(),
                ]
            }
        };
        table.push(cells);
    }

    // A Markdown table, padded so it also reads as plain text; numbers right-aligned.
    let numeric = [false, false, true, true, true, false, false, true, true];
    let widths: Vec<usize> = (0..numeric.len()).map(|c| table.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for (i, cells) in table.iter().enumerate() {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| if numeric[c] { format!("{cell:>w$}", w = widths[c]) } else { format!("{cell:<w$}", w = widths[c]) })
            .collect();
        println!("| {} |", padded.join(" | "));
        if i == 0 {
            let rule: Vec<String> =
                widths.iter().zip(numeric).map(|(w, n)| if n { format!("{}:", "-".repeat(w + 1)) } else { "-".repeat(w + 2) }).collect();
            println!("|{}|", rule.join("|"));
        }
    }
    if !footnotes.is_empty() {
        println!();
        for (i, text) in footnotes.iter().enumerate() {
            println!("[{}] {text}", i + 1);
        }
    }
    println!();
    println!("crates in {}, every compiler message in {}", work.display(), work.join("cargo-messages.json").display());
    println!("corpus: {} specs, {clean} compiled clean, {with_warnings} with warnings, {failed} failed", rows.len());
    Summary { failed, with_warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_attributed_to_their_crate() {
        // Trimmed from real `cargo clippy --message-format=json` output.
        let lines = r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.228","target":{"name":"serde"}}
{"reason":"compiler-message","package_id":"path+file:///w/corpus-petstore#0.1.0","target":{"name":"corpus_petstore"},"message":{"level":"warning","message":"unused import: `std::fmt`","code":{"code":"unused_imports"},"rendered":"warning: unused import 1","spans":[]}}
{"reason":"compiler-message","package_id":"path+file:///w/corpus-petstore#0.1.0","target":{"name":"corpus_petstore"},"message":{"level":"warning","message":"writing `&Vec` instead of `&[_]`","code":{"code":"clippy::ptr_arg"},"rendered":"warning: ptr_arg 1","spans":[]}}
{"reason":"compiler-message","package_id":"path+file:///w/corpus-petstore#0.1.0","target":{"name":"corpus_petstore"},"message":{"level":"warning","message":"writing `&Vec` instead of `&[_]`","code":{"code":"clippy::ptr_arg"},"rendered":"warning: ptr_arg 1","spans":[]}}
{"reason":"compiler-message","package_id":"path+file:///w/dir#corpus-nexus@0.1.0","target":{"name":"corpus_nexus"},"message":{"level":"error","message":"cannot find type `Foo` in this scope","code":{"code":"E0412"},"rendered":"error[E0412]: Foo","spans":[{"file_name":"corpus-nexus/src/models.rs","line_start":12,"column_start":5,"is_primary":true}]}}
{"reason":"compiler-message","package_id":"path+file:///w/dir#corpus-nexus@0.1.0","target":{"name":"corpus_nexus"},"message":{"level":"failure-note","message":"For more information about this error, try `rustc --explain E0412`.","code":null,"rendered":"","spans":[]}}
{"reason":"compiler-message","package_id":"corpus-keeper 0.1.0 (path+file:///w/corpus-keeper)","target":{"name":"corpus_keeper"},"message":{"level":"error","message":"expected one of `,` or `}`","code":null,"rendered":"error: expected","spans":[]}}
not json: Cargo prints nothing like this on stdout, but a stray line must not stop the count
{"reason":"build-finished","success":false}"#;
        let by_crate = parse_messages(lines);
        assert_eq!(by_crate.keys().collect::<Vec<_>>(), ["corpus-keeper", "corpus-nexus", "corpus-petstore"]);

        let petstore = &by_crate["corpus-petstore"];
        assert!(petstore.errors.is_empty());
        assert_eq!((petstore.rustc_warnings, petstore.clippy_warnings), (1, 1), "the repeated ptr_arg counts once");
        assert_eq!(petstore.lints, BTreeMap::from([("clippy::ptr_arg".to_string(), 1), ("unused_imports".to_string(), 1)]));

        let nexus = &by_crate["corpus-nexus"];
        assert_eq!(nexus.errors, ["error[E0412]: cannot find type `Foo` in this scope --> corpus-nexus/src/models.rs:12:5"]);
        assert_eq!(nexus.warnings(), 0);

        assert_eq!(by_crate["corpus-keeper"].errors, ["error: expected one of `,` or `}`"]);
    }

    #[test]
    fn crate_names_are_kebab_case() {
        assert_eq!(kebab("openrouter.openapi"), "openrouter-openapi");
        assert_eq!(kebab("propolis-server"), "propolis-server");
        assert_eq!(kebab("petStore_v2"), "pet-store-v2");
        assert_eq!(kebab("..."), "spec");
    }
}
