//! `cargo xtask e2e-swagger2`: generates a crate from the Swagger 2.0 fixture
//! (`generator/tests/fixtures/swagger2/petstore-like.yaml`, converted to
//! OpenAPI 3.0 by the generator), adds the hand-written end-to-end test
//! `xtask/e2e/swagger2.rs`, and runs clippy with `-D warnings` and the tests
//! there: path, query, header, JSON, form and multipart requests against a
//! loopback mock.

use std::path::Path;

const USAGE: &str = "usage: cargo xtask e2e-swagger2 (no options)";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("unknown option `{other}`\n\n{USAGE}"));
    }
    let spec = root.join("generator/tests/fixtures/swagger2/petstore-like.yaml");
    // Under target/, which the workspace excludes, so the crate is its own package.
    let out = root.join("target/swagger2-greenhouse");
    let generated = crate::generate_into(&spec, &out, "greenhouse")?;
    let operations: usize = generated.api.groups.iter().map(|g| g.operations.len()).sum();
    println!("generated {} operations into {} ({} warnings)", operations, out.display(), generated.warnings.len());
    crate::full_e2e::lint_and_test(root, &out, "swagger2.rs")
}
