//! The crates generated for the fixture specs (see `common::fixtures`) compile
//! clippy-clean with `-D warnings`, every target (the contract tests compile to
//! nothing without their feature `contract`, as in `cargo xtask corpus`, which
//! checks the same crates in CI), with the feature `testing` on (the typed mocks). This makes a plain `cargo test` catch a
//! generator change that emits Rust that does not compile.
//!
//! The crates are written to `<target>/fixture-crates/`, one scratch Cargo
//! workspace (its own `[workspace]`, the project's lock file copied in), and
//! checked by one `cargo clippy --offline` with `CARGO_TARGET_DIR` set to the
//! target directory this test was built in: the dependencies (same versions as
//! the project's) are checked once and shared with the project's own builds,
//! e.g. `.ci/run`'s clippy of a crate generated outside the workspace. Cargo
//! holds no lock on the target directory while tests run, so the inner Cargo
//! does not wait for the outer one; it does wait for any other Cargo building
//! into the same directory, so the run is bounded by a timeout
//! (`FIXTURES_COMPILE_TIMEOUT_SECS`, default 900).
//!
//! After a failure the crates stay in `<target>/fixture-crates/` to read, and
//! Cargo's whole output is in `<target>/fixture-crates/cargo-output.txt`.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn fixture_crates_compile_without_warnings() {
    let target = target_dir();
    let work = target.join("fixture-crates");
    std::fs::create_dir_all(&work).unwrap();

    let fixtures = common::fixtures();
    let members: Vec<String> = fixtures.iter().map(common::Fixture::crate_name).collect();
    for fixture in &fixtures {
        sync_files(&work.join(fixture.crate_name()), &fixture.generate().files);
    }
    // Crates of fixtures that are gone (renamed, removed) are not members any more: remove them.
    let wanted: BTreeSet<&String> = members.iter().collect();
    for entry in std::fs::read_dir(&work).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name.starts_with("fixture-") && !wanted.contains(&name) {
            std::fs::remove_dir_all(entry.path()).unwrap();
        }
    }
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by generator/tests/fixtures_compile.rs: the crates of the fixture specs, checked together.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
        list.join("\n")
    );
    write_if_changed(&work.join("Cargo.toml"), &manifest);
    copy_lock_file(&work);

    let (status, output, elapsed) = run_cargo(&work, &target, &["--workspace", "--features", "testing"]);
    let log = work.join("cargo-output.txt");
    std::fs::write(&log, &output).unwrap();
    eprintln!("cargo clippy over {} fixture crates: {:.1} s", members.len(), elapsed.as_secs_f64());
    let hint = if output.contains("--offline") {
        "\n\na dependency is not in Cargo's cache (the test never goes to the network): run `cargo fetch` in the workspace once"
    } else {
        ""
    };
    let Some(status) = status else {
        panic!(
            "cargo clippy over the fixture crates did not finish within {} s and was killed \
             (another Cargo building into {}? a first build of the dependencies slower than that? \
             FIXTURES_COMPILE_TIMEOUT_SECS sets the limit); its output so far:\n{}",
            elapsed.as_secs(),
            target.display(),
            tail(&output, 40)
        );
    };
    // With `-D warnings` every rustc and clippy warning is an error: a generated
    // crate that does not compile cleanly fails cargo.
    let diagnostics: Vec<&str> = output.lines().filter(|l| is_diagnostic(l)).collect();
    assert!(
        status.success() && diagnostics.is_empty(),
        "the crates generated from the fixture specs do not compile cleanly ({status}); \
         paths are relative to {} (crate fixture-<name> is fixtures/lowering/<name>.yaml, \
         fixture-petstore-like the Swagger 2.0 fixture, fixture-multi-file the multi-file one); \
         Cargo's whole output: {}\n\n{}{hint}",
        work.display(),
        log.display(),
        if diagnostics.is_empty() { tail(&output, 40) } else { diagnostics.join("\n") }
    );
}

/// A crate of a document with several tags builds with any one tag's feature
/// alone (its operations and the types they use), warning-free too.
#[test]
fn each_tag_of_a_fixture_builds_alone() {
    let target = target_dir();
    let fixture = common::fixtures().into_iter().find(|f| f.name == "reserved_names").expect("the reserved_names fixture");
    let (api, _, _) = generator::lower_spec(&fixture.spec).unwrap();
    let tags = generator::analyse::tag_features(&api);
    assert!(tags.len() >= 3, "the fixture should have several tags: {tags:?}");
    let single = target.join("fixture-single-tag");
    std::fs::create_dir_all(&single).unwrap();
    sync_files(&single.join(fixture.crate_name()), &fixture.generate().files);
    write_if_changed(&single.join("Cargo.toml"), &format!("[workspace]\nresolver = \"3\"\nmembers = [\"{}\"]\n", fixture.crate_name()));
    copy_lock_file(&single);
    for tag in &tags {
        let features = format!("rustls,testing,{tag}");
        let (status, output, _) = run_cargo(&single, &target, &["--no-default-features", "--features", &features]);
        let diagnostics: Vec<&str> = output.lines().filter(|l| is_diagnostic(l)).collect();
        assert!(
            status.is_some_and(|s| s.success()) && diagnostics.is_empty(),
            "{} with only the feature `{tag}` does not build cleanly:\n{}",
            fixture.crate_name(),
            if diagnostics.is_empty() { tail(&output, 40) } else { diagnostics.join("\n") }
        );
    }
}

/// The target directory this test binary was built in (`<target>/debug/deps/<test>`),
/// so the inner Cargo shares the project's compiled dependencies whatever
/// `CARGO_TARGET_DIR` or `build.target-dir` says; `<workspace>/target` otherwise.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    match deps.parent().and_then(Path::parent) {
        Some(target) if deps.file_name().is_some_and(|n| n == "deps") => target.to_path_buf(),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target"),
    }
}

/// Makes `dir` hold exactly `files`, rewriting only files whose contents
/// changed: Cargo goes by modification times, so an unchanged crate is not checked again.
fn sync_files(dir: &Path, files: &[generator::GeneratedFile]) {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    let mut existing = Vec::new();
    common::list_files(dir, &mut existing);
    for path in existing.iter().filter(|p| !wanted.contains(*p)) {
        std::fs::remove_file(path).unwrap();
    }
    for file in files {
        write_if_changed(&dir.join(&file.path), &file.contents);
    }
}

/// Writes through a temporary file and a rename, so a Cargo of a concurrent run
/// never reads a half-written file, nor one test another's.
/// The temporary file is in the scratch workspace's root, out of the crates'
/// folders that `sync_files` empties of files it did not write.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Unique per write: the tests of this file write from several threads of one process.
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = target_dir().join("fixture-crates");
    std::fs::create_dir_all(&scratch).unwrap();
    let temporary = scratch.join(format!(".write-{}-{n}", std::process::id()));
    std::fs::write(&temporary, contents).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

/// The project's `Cargo.lock`, so the crates resolve to the versions already
/// downloaded and compiled (no registry access). Cargo then drops the entries the
/// fixtures do not use; it is copied again only when the project's lock file is newer.
fn copy_lock_file(work: &Path) {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("Cargo.lock");
    let ours = work.join("Cargo.lock");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&ours).is_none() || modified(&ours) < modified(&project) {
        write_if_changed(&ours, &std::fs::read_to_string(&project).unwrap());
    }
}

/// Runs `cargo clippy` over the scratch workspace: the exit status (`None` when it
/// was killed at the timeout), everything it printed, and how long it took.
fn run_cargo(work: &Path, target: &Path, selection: &[&str]) -> (Option<std::process::ExitStatus>, String, Duration) {
    let timeout = std::env::var("FIXTURES_COMPILE_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(900);
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(work)
        .arg("clippy")
        .args(selection)
        .args(["--all-targets", "--keep-going"])
        .args(["--message-format", "short", "--color", "never", "--offline"])
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot run {}: {e}", env!("CARGO")));
    // Both pipes are drained as the output comes (a full pipe would stall Cargo),
    // into one buffer that is readable even if Cargo has to be killed.
    let output = Arc::new(Mutex::new(Vec::new()));
    let readers: Vec<_> = [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
        .into_iter()
        .map(|mut pipe| {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut chunk = [0; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                    output.lock().unwrap().extend_from_slice(&chunk[..n]);
                }
            })
        })
        .collect();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            readers.into_iter().for_each(|r| r.join().unwrap());
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(timeout) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    (status, output, started.elapsed())
}

/// A compiler message in `--message-format short` (`fixture-x/src/lib.rs:3:5: error: …`),
/// or Cargo's own error or warning.
fn is_diagnostic(line: &str) -> bool {
    line.starts_with("error") || line.starts_with("warning") || line.contains(": error") || line.contains(": warning")
}

fn tail(output: &str, lines: usize) -> String {
    let all: Vec<&str> = output.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
