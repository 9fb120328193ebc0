//! `cargo xtask semver`: proof that the change report's verdicts hold for the Rust crates the
//! generator writes. For each fixture pair of `generator/tests/fixtures/diff/` (and the BYOK
//! spec against itself plus an additive overlay) it generates the old and the new crate into
//! `target/semver/<case>/{old,new}` and runs the pinned cargo-semver-checks
//! (`scripts/install-cargo-semver-checks.sh` installs it into `target/tools/`) on them: a pair the
//! change report calls non-breaking must show no semver violation, a breaking one at least one.
//! Where the break is one the tool has no lint for (the type of a field or a parameter), a
//! witness from `xtask/semver-witness/` (code using what changed) must compile against the old
//! crate and fail against the new one. Then it compiles our own code (`xtask/compat/`, written the way the generated README shows)
//! against the BYOK crate and the additive BYOK crate.
//!
//! What is expected of each pair is the table [`EXPECTATIONS`], kept equal to the change
//! report's classification by a unit test.
//!
//! The crates are versioned 1.0.0 (old) and 1.1.0 (new) and checked with `--release-type minor`:
//! a change that needs a new major version fails, an addition does not (for 0.x versions
//! cargo-semver-checks would accept anything in a 0.1 → 0.2 step). Every cargo command shares
//! `target/semver/target` and runs offline (`CARGO_NET_OFFLINE`): the dependencies are the
//! workspace's, already in Cargo's cache, and are compiled once for every case.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::generate::generate_config_into;
use crate::util::{in_root, workspace_root, BYOK_SPEC};

/// Generate each change-report fixture pair's old and new crate and check them with cargo-semver-checks.
///
/// For each pair of generator/tests/fixtures/diff/ (and spec/byok.openapi.yaml with and without
/// generator/tests/fixtures/semver/byok_additive.overlay.yaml) generates both crates into
/// target/semver/<case>/{old,new}, runs `cargo semver-checks check-release` on them and compares
/// with the expectation: non-breaking pairs show no violation, breaking pairs at least one (or,
/// for a type change the tool has no lint for, xtask/semver-witness/<case>.rs compiles against the
/// old crate and fails against the new). Then
/// compiles xtask/compat (our code, written as the generated README shows) against both BYOK crates.
/// Prints a table; fails on any mismatch, with the tool's output for that case. Install the pinned
/// tool first with scripts/install-cargo-semver-checks.sh.
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// Only this case (repeatable; the names of the table) [default: every case]
    #[arg(long = "case", value_name = "NAME")]
    cases: Vec<String>,
    /// Leave out the compilation of xtask/compat
    #[arg(long)]
    skip_compat: bool,
    /// The cargo-semver-checks binary [default: target/tools/bin/cargo-semver-checks]
    #[arg(long, value_name = "PATH", default_value_os_t = in_root(TOOL), hide_default_value = true)]
    tool: PathBuf,
}

/// Where `scripts/install-cargo-semver-checks.sh` puts the pinned tool.
const TOOL: &str = "target/tools/bin/cargo-semver-checks";

/// The change-report fixture pairs, relative to the workspace root.
const DIFF_FIXTURES: &str = "generator/tests/fixtures/diff";

/// The later, purely additive version of the BYOK API (an overlay on [`BYOK_SPEC`]).
const BYOK_ADDITIVE_OVERLAY: &str = "generator/tests/fixtures/semver/byok_additive.overlay.yaml";

/// The witnesses of the [`Expect::BreakingWitnessed`] cases, `<case>.rs`, relative to the workspace root.
const WITNESSES: &str = "xtask/semver-witness";

/// The case made of the BYOK spec (old) and the BYOK spec with [`BYOK_ADDITIVE_OVERLAY`] (new).
const BYOK_CASE: &str = "byok_additive";

/// One cargo command's limit (the first case also compiles the dependencies).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(1800);

/// What must be true of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// cargo-semver-checks reports no violation: code written against the old crate compiles
    /// against the new one.
    Compatible,
    /// cargo-semver-checks reports at least one violation that needs a new major version.
    Breaking,
    /// Breaking through a change cargo-semver-checks has no lint for (the type of a field or of a
    /// parameter; its verdict is shown, not judged): the witness `xtask/semver-witness/<case>.rs`,
    /// code that uses what changed, must compile against the old crate and fail against the new.
    BreakingWitnessed,
}

/// The expectation of each case: the fixture pairs of `generator/tests/fixtures/diff/` by
/// folder name, and [`BYOK_CASE`]. It follows the change report (`cargo xtask diff`): what it
/// classes as breaking must break the crate's API, anything else must not.
pub const EXPECTATIONS: &[(&str, Expect)] = &[
    ("unchanged", Expect::Compatible),
    ("cosmetic", Expect::Compatible),
    ("additive", Expect::Compatible),
    (BYOK_CASE, Expect::Compatible),
    ("enum_value_removed", Expect::Breaking),
    ("error_mapping_removed", Expect::Breaking),
    ("field_becomes_required", Expect::BreakingWitnessed),
    ("field_removed", Expect::Breaking),
    // `Key.name`: `Nullable<String>` → `Option<String>`.
    ("nullable_becomes_non_nullable", Expect::BreakingWitnessed),
    ("operation_removed", Expect::Breaking),
    ("operation_renamed", Expect::Breaking),
    ("parameter_becomes_required", Expect::Breaking),
    // `Key.id`: `String` → `i64` (and so `Key::new`'s first parameter).
    ("type_changed", Expect::BreakingWitnessed),
    // `DirectCallerType`: a unit struct (constant tag) → an open enum.
    ("tag_gains_value", Expect::Breaking),
];

/// A pair to check: how to generate each side.
struct Case {
    name: String,
    /// The Cargo package name of both sides.
    crate_name: String,
    expect: Expect,
    old: generator::Config,
    new: generator::Config,
}

/// What cargo-semver-checks (and, for [`Expect::BreakingWitnessed`], the witness) said about a case.
struct Outcome {
    /// The lints that failed (each once, in the order reported).
    failed: Vec<String>,
    /// The tool did not finish its check (it failed to build a crate, or timed out).
    error: Option<String>,
    /// Its whole output.
    output: String,
    seconds: f64,
    /// The witness's result: compiles against the old crate, fails against the new (with the
    /// output of both checks).
    witness: Option<(bool, String)>,
}

impl Outcome {
    /// Whether the case is as `expect` says.
    fn matches(&self, expect: Expect) -> bool {
        match expect {
            Expect::BreakingWitnessed => self.witness.as_ref().is_some_and(|(holds, _)| *holds),
            _ => self.verdict() == Some(expect),
        }
    }

    /// What cargo-semver-checks concluded; `None` when it did not finish.
    fn verdict(&self) -> Option<Expect> {
        match (&self.error, self.failed.is_empty()) {
            (Some(_), _) => None,
            (None, true) => Some(Expect::Compatible),
            (None, false) => Some(Expect::Breaking),
        }
    }
}

pub fn run(args: Args) -> Result<(), String> {
    let root = workspace_root();
    if !args.tool.is_file() {
        return Err(format!(
            "{} is missing: install the pinned cargo-semver-checks with scripts/install-cargo-semver-checks.sh",
            args.tool.display()
        ));
    }
    let version = Command::new(&args.tool).args(["semver-checks", "--version"]).output().map_err(|e| format!("cannot run {}: {e}", args.tool.display()))?;
    println!("using {}", String::from_utf8_lossy(&version.stdout).trim());

    let mut cases = all_cases(&root)?;
    if !args.cases.is_empty() {
        for wanted in &args.cases {
            if !cases.iter().any(|c| &c.name == wanted) {
                let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
                return Err(format!("no case `{wanted}`; the cases are {}", names.join(", ")));
            }
        }
        cases.retain(|c| args.cases.contains(&c.name));
    }

    let work = root.join("target/semver");
    let target = work.join("target");
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut rows = Vec::new();
    for case in &cases {
        let dir = work.join(&case.name);
        for (side, config) in [("old", &case.old), ("new", &case.new)] {
            let out = dir.join(side);
            generate_config_into(config, &out).map_err(|e| format!("{}: {side}: {e}", case.name))?;
            // The project's lock file: the crate resolves, offline, to the versions already built.
            std::fs::write(out.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
        }
        println!("== {}: cargo semver-checks check-release", case.name);
        let mut outcome = semver_checks(&args.tool, &dir, &target)?;
        if case.expect == Expect::BreakingWitnessed {
            println!("== {}: the witness against the old and the new crate", case.name);
            outcome.witness = Some(check_witness(&root, case, &dir, &target, &lock)?);
        }
        rows.push((case, outcome));
    }

    let mut compat = Vec::new();
    if !args.skip_compat && cases.iter().any(|c| c.name == BYOK_CASE) {
        for (label, side) in [("compat vs spec/byok.openapi.yaml", "old"), ("compat vs + byok_additive overlay", "new")] {
            let sdk = work.join(BYOK_CASE).join(side);
            println!("== {label}: cargo check");
            compat.push((label, check_compat(&root, &sdk, &work.join("compat").join(side), &target, &lock)?));
        }
    }

    let mismatches = print_table(&rows, &compat);
    for (case, outcome) in &rows {
        if !outcome.matches(case.expect) {
            eprintln!("\n==== {} (expected {}): cargo-semver-checks output\n{}", case.name, expect_name(case.expect), outcome.output);
            if let Some((_, output)) = &outcome.witness {
                eprintln!("==== {}: the witness\n{output}", case.name);
            }
        }
    }
    for (label, (ok, output)) in &compat {
        if !ok {
            eprintln!("\n==== {label}: cargo check output\n{output}");
        }
    }
    if mismatches > 0 {
        return Err(format!("{mismatches} case(s) differ from the expectations (the table EXPECTATIONS in xtask/src/semver.rs)"));
    }
    Ok(())
}

/// Every case: the fixture folders (each must have an expectation) and the BYOK pair.
fn all_cases(root: &Path) -> Result<Vec<Case>, String> {
    let names = fixture_names(&root.join(DIFF_FIXTURES))?;
    check_table(&names)?;
    let mut cases = Vec::new();
    for name in names {
        let dir = root.join(DIFF_FIXTURES).join(&name);
        let crate_name = format!("semver-{}", name.replace('_', "-"));
        let side = |file: &str, version: &str| generator::Config::new(dir.join(file)).crate_name(crate_name.as_str()).crate_version(version);
        cases.push(Case {
            expect: expectation(&name).expect("checked"),
            old: side("old.yaml", "1.0.0"),
            new: side("new.yaml", "1.1.0"),
            crate_name,
            name,
        });
    }
    let byok = |version: &str| generator::Config::new(root.join(BYOK_SPEC)).crate_name("openrouter-byok").crate_version(version);
    cases.push(Case {
        name: BYOK_CASE.into(),
        crate_name: "openrouter-byok".into(),
        expect: expectation(BYOK_CASE).expect("in the table"),
        old: byok("1.0.0"),
        new: byok("1.1.0").overlay(root.join(BYOK_ADDITIVE_OVERLAY)),
    });
    Ok(cases)
}

/// The folders of `dir` (each an old/new pair), sorted.
fn fixture_names(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    Ok(names)
}

/// Every fixture pair has an expectation, and every expectation a pair (or is the BYOK case).
fn check_table(names: &[String]) -> Result<(), String> {
    let missing: Vec<&str> = names.iter().map(String::as_str).filter(|n| expectation(n).is_none()).collect();
    let stale: Vec<&str> = EXPECTATIONS.iter().map(|(n, _)| *n).filter(|n| *n != BYOK_CASE && !names.iter().any(|m| m == n)).collect();
    if missing.is_empty() && stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the table EXPECTATIONS in xtask/src/semver.rs does not match {DIFF_FIXTURES}: no expectation for [{}], no fixture for [{}]",
        missing.join(", "),
        stale.join(", ")
    ))
}

fn expectation(name: &str) -> Option<Expect> {
    EXPECTATIONS.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

fn expect_name(expect: Expect) -> &'static str {
    match expect {
        Expect::Compatible => "compatible",
        Expect::Breaking => "breaking",
        Expect::BreakingWitnessed => "breaking*",
    }
}

/// `cargo semver-checks check-release` of `dir/new` against `dir/old`.
fn semver_checks(tool: &Path, dir: &Path, target: &Path) -> Result<Outcome, String> {
    let mut command = Command::new(tool);
    command
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(dir.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(dir.join("old"))
        .args(["--release-type", "minor", "--color", "never"])
        .current_dir(dir);
    offline(&mut command, target);
    let start = Instant::now();
    let (status, output) = run_bounded(&mut command, &dir.join("semver-checks.txt"))?;
    let failed = failed_lints(&output);
    let error = match status {
        None => Some(format!("timed out after {} s", COMMAND_TIMEOUT.as_secs())),
        Some(s) if !s.success() && failed.is_empty() => Some(format!("cargo-semver-checks failed ({s}) without reporting a lint")),
        Some(s) if s.success() && !failed.is_empty() => Some("cargo-semver-checks reported failed lints but succeeded".into()),
        _ => None,
    };
    Ok(Outcome { failed, error, output, seconds: start.elapsed().as_secs_f64(), witness: None })
}

/// The lints of the `--- failure <lint>: <description> ---` lines, each once.
fn failed_lints(output: &str) -> Vec<String> {
    let mut lints: Vec<String> = Vec::new();
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("--- failure ") else { continue };
        let lint = rest.split(':').next().unwrap_or(rest).trim().to_string();
        if !lints.contains(&lint) {
            lints.push(lint);
        }
    }
    lints
}

/// `cargo check` of `xtask/semver-witness/<case>.rs` against `dir/old` (must compile) and
/// `dir/new` (must fail, in the witness: the new crate itself must compile).
fn check_witness(root: &Path, case: &Case, dir: &Path, target: &Path, lock: &[u8]) -> Result<(bool, String), String> {
    let source = root.join(WITNESSES).join(format!("{}.rs", case.name));
    let mut report = String::new();
    let mut holds = true;
    for side in ["old", "new"] {
        let out = dir.join(format!("witness-{side}"));
        std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!(
            "# Written by `cargo xtask semver`: {WITNESSES}/{}.rs against the {side} crate.\n\
             [package]\nname = \"semver-witness\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{} = {{ path = \"../{side}\" }}\n\n[workspace]\n",
            case.name, case.crate_name
        );
        std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        std::fs::copy(&source, out.join("src/lib.rs")).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        std::fs::write(out.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
        let mut command = Command::new(env!("CARGO"));
        command.args(["check", "--offline", "--color", "never", "--manifest-path"]).arg(out.join("Cargo.toml")).current_dir(&out);
        offline(&mut command, target);
        let (status, output) = run_bounded(&mut command, &out.join("cargo-check.txt"))?;
        let compiled = status.is_some_and(|s| s.success());
        let as_expected = if side == "old" { compiled } else { !compiled && witness_itself_failed(&output, &case.crate_name) };
        holds &= as_expected;
        let _ = writeln!(report, "-- against {side}: {}\n{output}", if compiled { "compiles" } else { "fails" });
    }
    Ok((holds, report))
}

/// The witness crate failed to compile, and the generated crate it uses did not.
fn witness_itself_failed(output: &str, crate_name: &str) -> bool {
    output.contains("could not compile `semver-witness`") && !output.contains(&format!("could not compile `{crate_name}`"))
}

/// `cargo check` of `xtask/compat` against the generated crate in `sdk`, in the scratch folder `out`.
fn check_compat(root: &Path, sdk: &Path, out: &Path, target: &Path, lock: &[u8]) -> Result<(bool, String), String> {
    let compat = root.join("xtask/compat");
    let manifest = std::fs::read_to_string(compat.join("Cargo.toml")).map_err(|e| format!("cannot read xtask/compat/Cargo.toml: {e}"))?;
    let manifest = point_dependency_at(&manifest, sdk)?;
    std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(compat.join("src/lib.rs"), out.join("src/lib.rs")).map_err(|e| format!("cannot copy xtask/compat/src/lib.rs: {e}"))?;
    std::fs::write(out.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    let mut command = Command::new(env!("CARGO"));
    command.args(["check", "--offline", "--color", "never", "--manifest-path"]).arg(out.join("Cargo.toml")).current_dir(out);
    offline(&mut command, target);
    let (status, output) = run_bounded(&mut command, &out.join("cargo-check.txt"))?;
    Ok((status.is_some_and(|s| s.success()), output))
}

/// `xtask/compat/Cargo.toml` with its dependency on the generated crate pointing at `sdk`.
fn point_dependency_at(manifest: &str, sdk: &Path) -> Result<String, String> {
    const COMMITTED: &str = "openrouter-byok = { path = \"../../generated-sdk\" }";
    if !manifest.contains(COMMITTED) {
        return Err(format!("xtask/compat/Cargo.toml must depend on the generated crate as `{COMMITTED}`"));
    }
    let path = sdk.to_string_lossy().replace('\\', "\\\\").replace('"', "\\\"");
    Ok(manifest.replace(COMMITTED, &format!("openrouter-byok = {{ path = \"{path}\" }}")))
}

/// Cargo without the network, building into the shared `target`.
fn offline(command: &mut Command, target: &Path) {
    command.env("CARGO_TARGET_DIR", target).env("CARGO_NET_OFFLINE", "true").env("CARGO_TERM_COLOR", "never");
}

/// Runs `command` with stdout and stderr into `log` (then read back), killed after
/// [`COMMAND_TIMEOUT`]; `None` as the status when it was.
fn run_bounded(command: &mut Command, log: &Path) -> Result<(Option<ExitStatus>, String), String> {
    let file = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let copy = file.try_clone().map_err(|e| e.to_string())?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(copy)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", command.get_program().to_string_lossy()))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if start.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = std::fs::read_to_string(log).unwrap_or_default();
    Ok((status, output))
}

/// Prints the results; returns how many rows differ from what was expected.
fn print_table(rows: &[(&Case, Outcome)], compat: &[(&str, (bool, String))]) -> usize {
    let mut table = String::new();
    let mut mismatches = 0;
    let _ = writeln!(table, "\n{:<34} {:<11} {:<11} {:<9} {:>7}  lints that failed", "case", "expected", "result", "", "time");
    for (case, outcome) in rows {
        let result = match (case.expect, &outcome.witness) {
            (Expect::BreakingWitnessed, Some((true, _))) => "breaking*",
            (Expect::BreakingWitnessed, _) => "witness!",
            _ => outcome.verdict().map_or("error", expect_name),
        };
        let ok = outcome.matches(case.expect);
        mismatches += usize::from(!ok);
        let mut lints = match &outcome.error {
            Some(error) => error.clone(),
            None if outcome.failed.is_empty() => "-".into(),
            None => outcome.failed.join(", "),
        };
        if case.expect == Expect::BreakingWitnessed {
            lints.push_str(if ok { " (witness: compiles against old, fails against new)" } else { " (witness: does not compile against old, or compiles against new)" });
        }
        let _ = writeln!(
            table,
            "{:<34} {:<11} {:<11} {:<9} {:>6.1}s  {}",
            case.name,
            expect_name(case.expect),
            result,
            if ok { "ok" } else { "MISMATCH" },
            outcome.seconds,
            lints
        );
    }
    for (label, (compiles, _)) in compat {
        mismatches += usize::from(!compiles);
        let result = if *compiles { "compiles" } else { "fails" };
        let _ = writeln!(table, "{label:<34} {:<11} {result:<11} {:<9}", "compiles", if *compiles { "ok" } else { "MISMATCH" });
    }
    let _ = writeln!(table, "breaking*: cargo-semver-checks has no lint for the change (a type); proved by the witness in {WITNESSES}/");
    print!("{table}");
    mismatches
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::diff::{diff, Bump};

    fn fixture(name: &str, side: &str) -> generator::ir::Api {
        generator::lower_spec(&in_root(DIFF_FIXTURES).join(name).join(side)).unwrap().0
    }

    #[test]
    fn every_fixture_pair_has_an_expectation() {
        let names = fixture_names(&in_root(DIFF_FIXTURES)).unwrap();
        check_table(&names).unwrap();
        assert!(names.len() >= 12, "{names:?}");
    }

    /// The table says what the change report says: breaking there, breaking here.
    #[test]
    fn expectations_follow_the_change_report() {
        for name in fixture_names(&in_root(DIFF_FIXTURES)).unwrap() {
            let bump = diff(&fixture(&name, "old.yaml"), &fixture(&name, "new.yaml")).bump();
            let expect = expectation(&name).unwrap();
            assert_eq!(expect != Expect::Compatible, bump == Bump::Breaking, "{name} is {expect:?}: the change report says {bump:?}");
        }
        let old = generator::lower_spec(&in_root(BYOK_SPEC)).unwrap().0;
        let mut load = generator::LoadOptions::default();
        load.overlays.push(in_root(BYOK_ADDITIVE_OVERLAY));
        let new = generator::lower_spec_with(&in_root(BYOK_SPEC), &load).unwrap().0;
        let report = diff(&old, &new);
        assert_eq!(report.bump(), Bump::Additive, "{}", report.markdown());
        assert_eq!(expectation(BYOK_CASE), Some(Expect::Compatible));
    }

    /// The additive BYOK version adds what must not break users: an optional field on a request
    /// model and on a response model, an enum value and an operation.
    #[test]
    fn byok_additive_overlay_adds_fields_a_value_and_an_operation() {
        let old = generator::lower_spec(&in_root(BYOK_SPEC)).unwrap().0;
        let mut load = generator::LoadOptions::default();
        load.overlays.push(in_root(BYOK_ADDITIVE_OVERLAY));
        let new = generator::lower_spec_with(&in_root(BYOK_SPEC), &load).unwrap().0;
        let report = diff(&old, &new).markdown();
        for expected in ["`CreateByokKeyRequest.note`", "`ByokKey.last_used_at`", "acme-cloud", "operation `getBYOKKeyUsage` added"] {
            assert!(report.contains(expected), "{expected} missing from:\n{report}");
        }
    }

    /// A witness for each case that needs one, and none for any other.
    #[test]
    fn witnesses_are_those_of_the_witnessed_cases() {
        let mut files: Vec<String> = std::fs::read_dir(in_root(WITNESSES)).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        files.sort();
        let mut wanted: Vec<String> = EXPECTATIONS.iter().filter(|(_, e)| *e == Expect::BreakingWitnessed).map(|(n, _)| format!("{n}.rs")).collect();
        wanted.sort();
        assert_eq!(files, wanted);
    }

    #[test]
    fn a_witness_must_fail_in_itself() {
        assert!(witness_itself_failed("error[E0308]: mismatched types\nerror: could not compile `semver-witness` (lib)", "semver-x"));
        assert!(!witness_itself_failed("error: could not compile `semver-x` (lib)", "semver-x"));
        assert!(!witness_itself_failed("    Finished `dev` profile", "semver-x"));
    }

    #[test]
    fn failed_lints_are_read_from_the_report() {
        let output = "\
     Checking semver-x v1.0.0 -> v1.1.0 (minor change)
--- failure enum_variant_missing: pub enum variant removed or renamed ---
Failed in:
  variant Color::Green, previously in file old/src/models.rs:40
--- failure constructible_struct_adds_field: externally-constructible struct adds field ---
--- failure enum_variant_missing: again ---
     Summary semver requires new major version: 2 major and 0 minor checks failed";
        assert_eq!(failed_lints(output), ["enum_variant_missing", "constructible_struct_adds_field"]);
        assert!(failed_lints("     Summary no semver update required").is_empty());
    }

    #[test]
    fn the_compat_manifest_points_at_the_generated_crate() {
        let manifest = std::fs::read_to_string(in_root("xtask/compat/Cargo.toml")).unwrap();
        let pointed = point_dependency_at(&manifest, Path::new("/tmp/x \"y\"/sdk")).unwrap();
        assert!(pointed.contains(r#"openrouter-byok = { path = "/tmp/x \"y\"/sdk" }"#), "{pointed}");
        assert!(point_dependency_at("[dependencies]\n", Path::new("/x")).is_err());
    }
}
