//! `cargo xtask codegen --check` passes on a fresh output, and names the stale
//! files once the spec changes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn check_detects_a_spec_edit_and_names_the_stale_files() {
    let dir = scratch("check");
    // Same file name as the real spec, so the generated headers match.
    let spec = dir.join("byok.openapi.yaml");
    let original = std::fs::read_to_string(root().join("spec/byok.openapi.yaml")).unwrap();
    std::fs::write(&spec, &original).unwrap();
    let out = dir.join("sdk");
    let (spec_arg, out_arg) = (spec.to_str().unwrap(), out.to_str().unwrap());

    let first = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.contains("5 operations"), "{summary}");
    // 8 of the crate, 21 of the runtime crate beside it (its Cargo.toml, api.rs and 19 vendored files).
    assert!(summary.contains("29 files written"), "{summary}");

    let clean = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg, "--check"]);
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stderr));

    // An edit to one description changes the models only.
    let sentence = "Always true; confirms the credential was removed.";
    assert!(original.contains(sentence), "the sentence to edit must exist in the spec");
    let edited = original.replacen(sentence, "Always true: the credential is gone.", 1);
    std::fs::write(&spec, edited).unwrap();
    let stale = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg, "--check"]);
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains(&format!("stale: {}", out.join("src/models.rs").display())), "{stderr}");
    assert!(!stderr.contains("src/byok.rs"), "only changed files are named: {stderr}");

    // The vendored runtime is checked like any generated file: a hand edit is stale.
    let transport = out.join("runtime/src/call.rs");
    let vendored = std::fs::read_to_string(&transport).unwrap();
    std::fs::write(&transport, vendored.replace("const PREFIX_KEPT: usize = 4096;", "const PREFIX_KEPT: usize = 1;")).unwrap();
    let edited_runtime = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg, "--check"]);
    assert!(!edited_runtime.status.success());
    assert!(String::from_utf8_lossy(&edited_runtime.stderr).contains("runtime/src/call.rs"));

    // A file the generator no longer writes is stale too, in either crate.
    std::fs::write(out.join("src/leftover.rs"), "// old").unwrap();
    std::fs::write(out.join("runtime/src/gone.rs"), "// old").unwrap();
    let leftover = xtask(&["codegen", "--spec", spec_arg, "--out", out_arg, "--check"]);
    let stderr = String::from_utf8_lossy(&leftover.stderr);
    assert!(stderr.contains("leftover.rs") && stderr.contains("gone.rs"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hand_written_code_in_src_custom_survives_regeneration() {
    let dir = scratch("custom");
    let out = dir.join("sdk");
    let out_arg = out.to_str().unwrap();
    let first = xtask(&["codegen", "--out", out_arg]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod custom"), "no module to declare yet: {lib}");

    let custom = out.join("src/custom");
    std::fs::create_dir_all(&custom).unwrap();
    let code = "//! Ours.\nimpl crate::Client {\n    /// Ours.\n    pub fn ours(&self) {}\n}\n";
    std::fs::write(custom.join("mod.rs"), code).unwrap();
    std::fs::write(custom.join("more.rs"), "// also ours").unwrap();
    // Before regenerating, `lib.rs` does not declare the module yet: that is the one stale file.
    let before = xtask(&["codegen", "--out", out_arg, "--check"]);
    let stderr = String::from_utf8_lossy(&before.stderr);
    assert!(!before.status.success() && stderr.contains("src/lib.rs") && !stderr.contains("src/custom"), "{stderr}");

    let again = xtask(&["codegen", "--out", out_arg]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::read_to_string(custom.join("mod.rs")).unwrap(), code, "kept as written");
    assert!(custom.join("more.rs").is_file(), "kept");
    assert!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap().contains("pub mod custom;"));
    let check = xtask(&["codegen", "--out", out_arg, "--check"]);
    assert!(check.status.success(), "src/custom is never stale: {}", String::from_utf8_lossy(&check.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn crate_name_option_renames_the_package() {
    let dir = scratch("name");
    let out = dir.join("sdk");
    let run = xtask(&["codegen", "--out", out.to_str().unwrap(), "--crate-name", "my-byok-client"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-byok-client\""), "{manifest}");
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("use my_byok_client::Client;"), "the README examples use the crate name");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_spec_fails_with_the_file_and_pointer() {
    // A `$ref` cycle no type can stand for is one of the few document-level failures.
    let spec = root().join("generator/tests/fixtures/invalid/ref_cycle.yaml");
    let dir = scratch("bad");
    let run = xtask(&["codegen", "--spec", spec.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("ref_cycle.yaml: #/components/schemas/A: $ref cycle"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_spec_wrong_in_one_place_generates_and_counts_the_degraded_spot() {
    let spec = root().join("generator/tests/fixtures/invalid/dangling_ref.yaml");
    let dir = scratch("degraded");
    let run = xtask(&["codegen", "--spec", spec.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    let (stdout, stderr) = (String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("warning: #/paths/~1a/get/responses/200/content/application~1json/schema: dangling $ref"), "{stderr}");
    assert!(stdout.contains("1 warnings, 1 degraded"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
