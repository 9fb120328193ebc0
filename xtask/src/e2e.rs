//! End-to-end runs of generated crates outside the workspace: `cargo xtask e2e-full`
//! (OpenRouter's full OpenAPI document) and `cargo xtask e2e-swagger2` (the Swagger 2.0
//! fixture `generator/tests/fixtures/swagger2/petstore-like.yaml`, converted to OpenAPI 3.0
//! by the generator). Each generates its crate under `target/`, adds a hand-written test
//! from `xtask/e2e/`, and runs clippy with `-D warnings` and the tests there against
//! loopback mocks: for the full document one operation of each body kind (JSON,
//! multipart, server-sent events, binary); for Swagger 2.0 path, query, header, JSON,
//! form and multipart requests; `cargo xtask e2e-security` does the same for the security
//! fixture `generator/tests/fixtures/security/vault.yaml`: every kind of security scheme,
//! per-operation requirements, OAuth2 token reuse, expiry and single-flight, and
//! idempotency keys.

use std::path::{Path, PathBuf};

use crate::generate::{generate_into, print_generated_into};
use crate::util::{self, in_root, run_cargo, workspace_root, FULL_SPEC};

/// Generate OpenRouter's full document and run clippy and its end-to-end tests on it.
///
/// Generates the document into target/openrouter-full, adds xtask/e2e/openrouter_full.rs and runs
/// clippy -D warnings and the tests: JSON, multipart upload, server-sent events and a binary
/// download against loopback mocks.
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct FullArgs {
    /// The full document [default: ../shared/upstream/openrouter.openapi.yaml]
    #[arg(long, value_name = "PATH", default_value_os_t = in_root(FULL_SPEC), hide_default_value = true)]
    spec: PathBuf,
}

pub fn run_full(args: FullArgs) -> Result<(), String> {
    generate_lint_and_test(&args.spec, "openrouter-full", "openrouter-full", "openrouter_full.rs")
}

pub fn run_swagger2() -> Result<(), String> {
    let spec = in_root("generator/tests/fixtures/swagger2/petstore-like.yaml");
    generate_lint_and_test(&spec, "swagger2-greenhouse", "greenhouse", "swagger2.rs")
}

pub fn run_security() -> Result<(), String> {
    let spec = in_root("generator/tests/fixtures/security/vault.yaml");
    generate_lint_and_test(&spec, "security-vault", "vault", "security.rs")
}

/// Generates `spec` as `crate_name` into `target/{dir}` (the workspace excludes target/,
/// so the crate is its own package), copies the hand-written test `xtask/e2e/{test}`
/// into it and runs clippy with `-D warnings` and the tests there.
fn generate_lint_and_test(spec: &Path, dir: &str, crate_name: &str, test: &str) -> Result<(), String> {
    let root = workspace_root();
    let out = root.join("target").join(dir);
    let generated = generate_into(spec, &out, crate_name)?;
    print_generated_into(&out, &generated);

    let source = root.join("xtask/e2e").join(test);
    std::fs::create_dir_all(out.join("tests")).map_err(|e| e.to_string())?;
    std::fs::copy(&source, out.join("tests").join(test)).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;

    // The workspace's target directory: dependencies built for the workspace are reused.
    let target = root.join("target");
    // Then with the `testing` module (typed mocks), whose README example runs as a doctest.
    let steps = [
        &["clippy", "--all-targets", "--", "-D", "warnings"][..],
        &["clippy", "--all-targets", "--features", "testing", "--", "-D", "warnings"][..],
        &["test", "--features", "testing"][..],
    ];
    for step in steps {
        println!("== cargo {}", step.join(" "));
        run_cargo(util::cargo(&out).args(step).env("CARGO_TARGET_DIR", &target))?;
    }
    Ok(())
}
