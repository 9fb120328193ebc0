//! Snapshot tests: the IR and every generated file for the BYOK spec, and the
//! IR of small fixture specs for each lowering feature. Review changes with
//! `cargo insta review`.

use std::path::{Path, PathBuf};

use generator::{lower_spec, Config};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn byok_spec() -> PathBuf {
    workspace_root().join("spec/byok.openapi.yaml")
}

/// The run as `cargo xtask codegen` makes it: the version is the committed
/// crate's (the xtask bumps it when the API changes).
fn byok_config() -> Config {
    let manifest = std::fs::read_to_string(workspace_root().join("generated-sdk/Cargo.toml")).unwrap();
    let version = manifest.lines().find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"'))).unwrap();
    // The committed crate has hand-written code in `src/custom/`, which codegen declares.
    let custom = workspace_root().join("generated-sdk/src/custom/mod.rs").is_file();
    Config::new(byok_spec()).crate_version(version).custom_module(custom)
}

#[test]
fn byok_ir() {
    let (api, warnings, _) = lower_spec(&byok_spec()).unwrap();
    assert!(warnings.is_empty(), "the BYOK spec should lower without warnings: {warnings:?}");
    insta::assert_yaml_snapshot!("byok_ir", api);
}

#[test]
fn byok_generated_files() {
    let generated = byok_config().generate().unwrap();
    let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "README.md",
            // The runtime, a crate of its own, without the modules BYOK does not use (sse, multipart, text, …).
            "runtime/Cargo.toml",
            "runtime/src/api.rs",
            "runtime/src/body.rs",
            "runtime/src/call.rs",
            "runtime/src/errors.rs",
            "runtime/src/hooks.rs",
            "runtime/src/lib.rs",
            "runtime/src/model.rs",
            "runtime/src/nullable.rs",
            "runtime/src/pagination.rs",
            "runtime/src/path.rs",
            "runtime/src/query.rs",
            "runtime/src/request.rs",
            "runtime/src/response.rs",
            "runtime/src/retry.rs",
            "runtime/src/secret.rs",
            // The mocks' machinery, compiled with the crate's feature `testing`.
            "runtime/src/testing.rs",
            "runtime/src/tls.rs",
            "runtime/src/transport.rs",
            "runtime/src/untyped.rs",
            "runtime/src/validation.rs",
            "src/byok.rs",
            "src/client.rs",
            "src/lib.rs",
            "src/models.rs",
            // Typed mocks, compiled with the crate's feature `testing`.
            "src/testing.rs",
            "tests/contract.rs",
        ]
    );
    // The runtime's sources are copies of generator/runtime (tested there) with the
    // unused features cut; snapshots cover what the generator writes itself (its
    // `Cargo.toml` and `api.rs` included).
    for file in generated.files.iter().filter(|f| !generator::emit::is_runtime_copy(&f.path)) {
        insta::assert_snapshot!(format!("byok_file__{}", file.path.replace('/', "__")), file.contents);
    }
}

#[test]
fn committed_sdk_matches_the_generator() {
    // The same check as `cargo xtask codegen --check`, so a plain `cargo test` catches drift too.
    let generated = byok_config().generate().unwrap();
    let out = workspace_root().join("generated-sdk");
    for file in &generated.files {
        let committed = std::fs::read_to_string(out.join(&file.path)).unwrap_or_default();
        assert!(committed == file.contents, "generated-sdk/{} is stale: run `cargo xtask codegen`", file.path);
    }
}

#[test]
fn generation_is_deterministic() {
    let config = Config::new(byok_spec());
    let first = config.generate().unwrap().files;
    let second = config.generate().unwrap().files;
    assert_eq!(first, second);
}

#[test]
fn lowering_fixtures() {
    insta::glob!("fixtures/lowering/*.yaml", |path| {
        let (api, warnings, _) = lower_spec(path).unwrap();
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        insta::assert_yaml_snapshot!(serde_json::json!({ "warnings": warnings, "api": api }));
    });
}

#[test]
fn fixtures_emit_parseable_rust() {
    // Every fixture must also survive emission (the emitter parses what it prints).
    insta::glob!("fixtures/lowering/*.yaml", |path| {
        Config::new(path).generate().unwrap();
    });
}

#[test]
fn swagger2_fixtures() {
    // Swagger 2.0 documents, converted to OpenAPI 3.0 and lowered: the IR, the
    // conversion's warnings, and proof that the crate emits.
    insta::glob!("fixtures/swagger2/*.yaml", |path| {
        let (api, warnings, _) = lower_spec(path).unwrap();
        assert_eq!(api.openapi, "2.0", "the IR records the declared version");
        Config::new(path).generate().unwrap();
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        // Named after the file even while the folder holds only one (insta's glob names by the common prefix).
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_suffix => name }, {
            insta::assert_yaml_snapshot!(serde_json::json!({ "warnings": warnings, "api": api }));
        });
    });
}

#[test]
fn security_fixtures() {
    // Security schemes and requirements: the IR (schemes, setters, each
    // operation's alternatives) and the warnings for what is not supported.
    insta::glob!("fixtures/security/*.yaml", |path| {
        let (api, warnings, _) = lower_spec(path).unwrap();
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_suffix => name }, {
            insta::assert_yaml_snapshot!(serde_json::json!({ "warnings": warnings, "api": api }));
        });
    });
}

#[test]
fn full_document_generation_is_deterministic() {
    // OpenRouter's full document, twice: same bytes. Output follows document
    // order on purpose (struct fields serialise in the documented order) and
    // never depends on hash-map iteration order, which differs between runs.
    let spec = workspace_root().join("../shared/upstream/openrouter.openapi.yaml");
    let config = Config::new(&spec);
    let first = config.generate().unwrap();
    let second = config.generate().unwrap();
    assert_eq!(first.files.len(), second.files.len());
    for (a, b) in first.files.iter().zip(&second.files) {
        assert!(a == b, "{} differs between two runs", a.path);
    }
    let operations: usize = first.api.groups.iter().map(|g| g.operations.len()).sum();
    assert_eq!(operations, 97, "every operation of the full document is generated");
}
