//! `cargo xtask e2e-full`: generates a crate from OpenRouter's full OpenAPI
//! document, adds the hand-written end-to-end test (`xtask/e2e/`), and runs
//! clippy with `-D warnings` and the tests there: one operation of each body
//! kind (JSON, multipart, server-sent events, binary) against a loopback mock.

use std::path::{Path, PathBuf};
use std::process::Command;


const USAGE: &str = "usage: cargo xtask e2e-full [--spec PATH]

  --spec PATH  the full document (default: ../shared/upstream/openrouter.openapi.yaml)";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut spec = root.join("../shared/upstream/openrouter.openapi.yaml");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--spec" => spec = PathBuf::from(it.next().ok_or_else(|| format!("--spec needs a value\n\n{USAGE}"))?),
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    // Under target/, which the workspace excludes, so the crate is its own package.
    let out = root.join("target/openrouter-full");
    let generated = crate::generate_into(&spec, &out, "openrouter-full")?;
    let operations: usize = generated.api.groups.iter().map(|g| g.operations.len()).sum();
    println!("generated {} operations into {} ({} warnings)", operations, out.display(), generated.warnings.len());

    lint_and_test(root, &out, "openrouter_full.rs")
}

/// Copies the hand-written test `xtask/e2e/{test}` into the generated crate at
/// `out` and runs clippy with `-D warnings` and the tests there.
pub(crate) fn lint_and_test(root: &Path, out: &Path, test: &str) -> Result<(), String> {
    let source = root.join("xtask/e2e").join(test);
    std::fs::create_dir_all(out.join("tests")).map_err(|e| e.to_string())?;
    std::fs::copy(&source, out.join("tests").join(test)).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;

    // The workspace's target directory: dependencies built for the workspace are reused.
    let target = root.join("target");
    for step in [&["clippy", "--all-targets", "--", "-D", "warnings"][..], &["test"][..]] {
        println!("== cargo {}", step.join(" "));
        let status = Command::new(env!("CARGO"))
            .args(step)
            .current_dir(out)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("`cargo {}` failed in {}", step.join(" "), out.display()));
        }
    }
    Ok(())
}
