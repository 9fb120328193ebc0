//! Snapshots of every file the generator writes for the fixture specs (the
//! lowering fixtures, the Swagger 2.0 fixture and the multi-file fixture), as
//! `byok_generated_files` in `snapshots.rs` does for BYOK. Each fixture has a
//! folder `snapshots/fixtures/<fixture>/`: `files.snap` lists every generated path
//! (the vendored runtime's included, so cutting a feature shows) and one snapshot
//! per file except the runtime's copied sources (`runtime/src/*` but `api.rs`
//! are copies of generator/runtime, tested there). Review changes with `cargo insta review`;
//! `fixtures_compile.rs` proves the same files compile.

mod common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const SNAPSHOTS: &str = "snapshots/fixtures";

#[test]
fn fixture_generated_files() {
    let snapshot_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(SNAPSHOTS);
    let mut expected: BTreeSet<PathBuf> = BTreeSet::new();
    // Every snapshot is checked before failing, as `insta::glob!` does, so one
    // run shows (and `cargo insta review` offers) every change at once.
    let mut failed: Vec<String> = Vec::new();
    for fixture in common::fixtures() {
        let generated = fixture.generate();
        let mut snapshots: Vec<(String, String)> = Vec::new();
        let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
        snapshots.push(("files".to_string(), paths.join("\n")));
        for file in generated.files.iter().filter(|f| !generator::emit::is_runtime_copy(&f.path)) {
            snapshots.push((file.path.replace('/', "__"), file.contents.clone()));
        }

        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(format!("{SNAPSHOTS}/{}", fixture.name));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&fixture.spec);
        settings.bind(|| {
            for (name, contents) in &snapshots {
                expected.insert(snapshot_root.join(&fixture.name).join(format!("{name}.snap")));
                if !snapshot_matches(name, contents) {
                    failed.push(format!("{}/{name}", fixture.name));
                }
            }
        });
    }

    // A fixture renamed or removed, or a file the generator no longer writes,
    // leaves a snapshot nothing checks: it must go.
    let mut on_disk = Vec::new();
    common::list_files(&snapshot_root, &mut on_disk);
    let stale: Vec<String> = on_disk
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "snap") && !expected.contains(*p))
        .map(|p| p.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} fixture snapshot(s) differ (see above; `cargo insta review`): {}", failed.len(), failed.join(", "));
    assert!(stale.is_empty(), "stale snapshot file(s) no fixture produces any more, delete them:\n{}", stale.join("\n"));
}

/// Asserts one snapshot; false when it differs. insta prints the diff (and
/// writes the `.snap.new` file); the panic that would end the test is caught,
/// and its message (which names the snapshot again) is not printed.
fn snapshot_matches(name: &str, contents: &str) -> bool {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(|| insta::assert_snapshot!(name, contents)));
    std::panic::set_hook(hook);
    outcome.is_ok()
}
