//! `cargo xtask bench-peer`: our generator side by side with the strongest Rust peer,
//! openapi-to-rust 0.23.0, on the same documents (the corpus, the BYOK spec and
//! OpenRouter's full document):
//! 1. codegen wall time of the whole process, release binary against release binary
//!    (`xtask codegen` against `openapi-to-rust generate`), output directory emptied
//!    before each run, median of N; and each process's peak memory (one more run under
//!    GNU time);
//! 2. generated Rust lines: ours without the vendored runtime crate `runtime/` (counted apart),
//!    theirs every `.rs` file;
//! 3. whether each side's crate compiles (`cargo check`, one workspace per side);
//! 4. for BYOK and the full document, the dev-profile rebuild of the generated crate
//!    alone (dependencies prebuilt, `src/lib.rs` touched, incremental compilation off
//!    so the crate is really compiled again), median of M, and rustc's peak memory
//!    in it (rustc run through a `RUSTC_WRAPPER` calling GNU time).
//!
//! The peer is installed with `cargo install` into `target/peer-tools` on first use
//! (never when `CI` is set). Every external command has a time limit; a spec the peer
//! (or we) cannot generate or compile is reported as such in the tables.
//!
//! A separate command rather than a flag of `bench`: its figures are a different
//! kind (two tools on many specs), and `bench.rs` stays untouched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::util::{self, file_name, in_root, list_files, median, workspace_root, BYOK_SPEC, FULL_SPEC};

/// The peer and its version.
const PEER: &str = "openapi-to-rust";
const PEER_VERSION: &str = "0.23.0";

/// Time limits of the external commands.
const INSTALL_LIMIT: Duration = Duration::from_secs(20 * 60);
const CODEGEN_LIMIT: Duration = Duration::from_secs(2 * 60);
/// A workspace check or a first build, dependencies included.
const DEPS_BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
/// One rebuild of one crate.
const BUILD_LIMIT: Duration = Duration::from_secs(5 * 60);

/// Compare our generator with openapi-to-rust 0.23.0 (re-runs itself as a release build).
///
/// For each corpus spec, the BYOK spec and OpenRouter's full document: whole-process codegen
/// time (median) and peak memory, generated lines, whether each crate compiles; for BYOK and
/// the full document, the dev rebuild time of the generated crate alone and rustc's peak
/// memory. Installs the peer into target/peer-tools first (not when CI is set). Prints
/// Markdown tables (ratios are ours / theirs).
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// Folder of specs to compare on (its *.yaml, *.yml and *.json) [default: ../shared/specs]
    #[arg(long, value_name = "DIR", default_value_os_t = in_root("../shared/specs"), hide_default_value = true)]
    corpus: PathBuf,
    /// Codegen runs per spec and side (the median is reported)
    #[arg(long, value_name = "N", default_value_t = 5)]
    runs: usize,
    /// Rebuilds per crate for BYOK and the full document (the median is reported)
    #[arg(long, value_name = "N", default_value_t = 3)]
    rebuilds: usize,
    /// Skip the rebuild measurements (the slow part)
    #[arg(long)]
    no_rebuild: bool,
    /// Where the crates, their workspaces and target directory go [default: target/peer-bench]
    #[arg(long, value_name = "DIR", default_value_os_t = in_root("target/peer-bench"), hide_default_value = true)]
    work: PathBuf,
}

/// One side: ours or theirs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    Ours,
    Theirs,
}

impl Side {
    fn dir(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }
}

/// What one side did with one spec.
#[derive(Default)]
struct Outcome {
    /// Median wall time of the whole codegen process; `Err` is why it failed.
    codegen: Option<Result<Duration, String>>,
    /// Peak memory of one codegen process, KiB.
    codegen_peak_kib: Option<u64>,
    lines: Option<LineCount>,
    /// `None`: not checked; `Some(Err)`: the first error or why it was not built.
    compiles: Option<Result<(), String>>,
    /// Median dev rebuild time and rustc's peak memory in KiB (the largest over the rebuilds).
    rebuild: Option<Result<(Duration, u64), String>>,
}

/// Rust lines of a generated crate (every line, blank and comment lines included, as `wc -l`).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct LineCount {
    /// `.rs` under `src/`.
    pub library: usize,
    /// `.rs` under `runtime/` (our vendored runtime, a crate beside the generated one).
    pub runtime: usize,
    /// `.rs` elsewhere (examples/, tests/).
    pub other: usize,
}

impl LineCount {
    fn all(&self) -> usize {
        self.library + self.runtime + self.other
    }
}

/// Counts the lines of every `.rs` file under `dir`.
pub fn count_lines(dir: &Path) -> LineCount {
    let mut files = Vec::new();
    list_files(dir, &mut files);
    let mut count = LineCount::default();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let lines = std::fs::read_to_string(path).map(|text| text.lines().count()).unwrap_or(0);
        let relative = path.strip_prefix(dir).unwrap_or(path);
        if relative.starts_with("runtime") {
            count.runtime += lines;
        } else if relative.starts_with("src") {
            count.library += lines;
        } else {
            count.other += lines;
        }
    }
    count
}

/// `ours / theirs`, two decimals and a ×; `-` when either is missing or theirs is zero.
pub fn ratio(ours: Option<f64>, theirs: Option<f64>) -> String {
    match (ours, theirs) {
        (Some(o), Some(t)) if t > 0.0 => format!("{:.2}×", o / t),
        _ => "-".to_string(),
    }
}

/// A Markdown table padded to read as plain text; `numeric` columns right-aligned.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let columns = header.len();
    let cell = |row: &[String], c: usize| row.get(c).cloned().unwrap_or_default();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let widths: Vec<usize> =
        (0..columns).map(|c| std::iter::once(&header).chain(rows).map(|r| cell(r, c).chars().count()).max().unwrap_or(0).max(3)).collect();
    let right = |c: usize| numeric.get(c).copied().unwrap_or(false);
    let line = |row: &[String]| {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                let text = cell(row, c);
                if right(c) { format!("{text:>w$}", w = widths[c]) } else { format!("{text:<w$}", w = widths[c]) }
            })
            .collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = line(&header);
    let rule: Vec<String> = (0..columns).map(|c| if right(c) { format!("{}:", "-".repeat(widths[c] + 1)) } else { "-".repeat(widths[c] + 2) }).collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// `1234` ms-ish durations as `0.57 s` or `12.3 ms`.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{:.1} ms", d.as_secs_f64() * 1e3) } else { format!("{:.2} s", d.as_secs_f64()) }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn thousands(lines: usize) -> String {
    if lines >= 10_000 { format!("{:.1}k", lines as f64 / 1000.0) } else { lines.to_string() }
}

/// How a process ended: its status, or killed at the time limit.
enum Ended {
    Exited(ExitStatus),
    TimedOut,
}

/// Runs `command` (in its own process group, so a time-out kills its children too) until it
/// ends or `limit` passes; returns how it ended and its wall time. Output goes where the
/// command says (files here, never pipes: a full pipe would stall the child).
fn run_limited(command: &mut Command, limit: Duration) -> Result<(Ended, Duration), String> {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok((Ended::Exited(status), started.elapsed()));
        }
        if started.elapsed() > limit {
            // The whole group: cargo's rustc children would outlive cargo.
            let _ = Command::new("kill").arg("-KILL").arg(format!("-{}", child.id())).status();
            let _ = child.wait();
            return Ok((Ended::TimedOut, started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The last `n` lines of a file, for an error message.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

/// Runs `command` with stdout and stderr into `log`; `Err` says why it failed.
fn run_logged(command: &mut Command, log: &Path, limit: Duration) -> Result<Duration, String> {
    let out = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    command.stdin(Stdio::null()).stdout(out).stderr(err);
    match run_limited(command, limit)? {
        (Ended::Exited(status), time) if status.success() => Ok(time),
        (Ended::Exited(status), _) => Err(format!("{status}: {}", tail(log, 3))),
        (Ended::TimedOut, _) => Err(format!("timed out after {} s", limit.as_secs())),
    }
}

pub fn run(args: Args) -> Result<(), String> {
    let root = workspace_root();
    // Timing a debug build of ours would be unfair: re-run from a release build.
    if cfg!(debug_assertions) {
        let forwarded: Vec<String> = std::env::args().skip(1).collect();
        return util::run_cargo(util::cargo(&root).args(["run", "--release", "--quiet", "-p", "xtask", "--"]).args(&forwarded))
            .map_err(|_| "the release bench-peer failed".to_string());
    }
    let work = std::path::absolute(&args.work).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let peer = install_peer(&root)?;
    let ours = std::env::current_exe().map_err(|e| e.to_string())?;

    let mut specs = crate::corpus::specs_in(&args.corpus)?;
    specs.push(root.join(BYOK_SPEC));
    specs.push(root.join(FULL_SPEC));
    let rebuilt: BTreeSet<PathBuf> = [root.join(BYOK_SPEC), root.join(FULL_SPEC)].into();

    // One row per spec: (spec, crate name, outcomes of both sides).
    let mut rows: Vec<(PathBuf, String, BTreeMap<Side, Outcome>)> = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("pb-{}", stem.split('.').next().unwrap_or(&stem).to_lowercase().replace('_', "-"));
        let mut outcomes = BTreeMap::new();
        for side in [Side::Ours, Side::Theirs] {
            let dir = work.join(side.dir()).join(&name);
            let outcome = generate(side, spec, &dir, &name, &ours, &peer, &work, args.runs);
            match &outcome.codegen {
                Some(Ok(t)) => eprintln!("{}: {} generated {} in {} (median of {})", file_name(spec), side.dir(), name, seconds(*t), args.runs),
                Some(Err(e)) => eprintln!("{}: {} failed: {e}", file_name(spec), side.dir()),
                None => {}
            }
            outcomes.insert(side, outcome);
        }
        rows.push((spec.clone(), name, outcomes));
    }

    // Does each crate compile: one `cargo check` per side over all its crates.
    let target = work.join("target");
    for side in [Side::Ours, Side::Theirs] {
        let members: Vec<String> =
            rows.iter().filter(|(_, _, o)| matches!(o[&side].codegen, Some(Ok(_)))).map(|(_, name, _)| name.clone()).collect();
        eprintln!("checking {} crate(s) of {} (dependencies first)...", members.len(), side.dir());
        let verdicts = check_workspace(&work.join(side.dir()), &members, &target);
        for (_, name, outcomes) in rows.iter_mut() {
            if members.contains(name) {
                let outcome = outcomes.get_mut(&side).expect("both sides");
                outcome.compiles = Some(match &verdicts {
                    Ok(v) => v.get(name).cloned().unwrap_or_else(|| Err("no verdict from cargo".to_string())),
                    Err(e) => Err(e.clone()),
                });
            }
        }
    }

    // The rebuild of the crate alone, for BYOK and the full document.
    if !args.no_rebuild {
        let wrapper = write_rss_wrapper(&work)?;
        for (spec, name, outcomes) in rows.iter_mut().filter(|(spec, _, _)| rebuilt.contains(spec)) {
            for side in [Side::Ours, Side::Theirs] {
                let outcome = outcomes.get_mut(&side).expect("both sides");
                if !matches!(outcome.compiles, Some(Ok(()))) {
                    outcome.rebuild = Some(Err("does not compile".to_string()));
                    continue;
                }
                eprintln!("{}: rebuilding {}'s crate {} times...", file_name(spec), side.dir(), args.rebuilds);
                outcome.rebuild = Some(rebuild(&work.join(side.dir()), name, &target, &wrapper, args.rebuilds));
            }
        }
    }

    print_tables(&rows, &args);
    Ok(())
}

/// The peer's binary, installed into `target/peer-tools` unless it is there already.
fn install_peer(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/peer-tools");
    let binary = tools.join("bin").join(PEER);
    if binary.is_file() {
        return Ok(binary);
    }
    if std::env::var_os("CI").is_some() {
        return Err(format!("{PEER} is not installed in {} and CI never installs it", tools.display()));
    }
    std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
    let log = tools.join("install.log");
    let install = |locked: bool| {
        let mut command = util::cargo(root);
        command.args(["install", "--version", PEER_VERSION, PEER, "--root"]).arg(&tools);
        if locked {
            command.arg("--locked");
        }
        eprintln!("installing {PEER} {PEER_VERSION} into {} (log: {})...", tools.display(), log.display());
        run_logged(&mut command, &log, INSTALL_LIMIT)
    };
    if let Err(locked) = install(true) {
        eprintln!("`cargo install --locked` failed ({locked}); trying again without --locked (dependencies resolved afresh)");
        install(false).map_err(|e| format!("cannot install {PEER} {PEER_VERSION}: {e}"))?;
    }
    Ok(binary)
}

/// Generates `spec` into `dir` `runs` times (emptied before each run) and once more under
/// GNU time for the peak memory; counts the lines and prepares the crate's manifest.
#[allow(clippy::too_many_arguments)]
fn generate(side: Side, spec: &Path, dir: &Path, name: &str, ours: &Path, peer: &Path, work: &Path, runs: usize) -> Outcome {
    let log = work.join(format!("{}-{name}-codegen.log", side.dir()));
    // Theirs writes a module; the crate around it is ours to write (after the runs).
    let out = match side {
        Side::Ours => dir.to_path_buf(),
        Side::Theirs => dir.join("src/generated"),
    };
    let command = |time_file: Option<&Path>| {
        let mut command = match time_file {
            Some(file) => {
                let mut c = Command::new("/usr/bin/time");
                c.args(["-f", "%M", "-o"]).arg(file);
                c.arg(match side {
                    Side::Ours => ours,
                    Side::Theirs => peer,
                });
                c
            }
            None => Command::new(match side {
                Side::Ours => ours,
                Side::Theirs => peer,
            }),
        };
        match side {
            Side::Ours => command.args(["codegen", "--crate-name", name, "--spec"]).arg(spec).arg("--out").arg(&out),
            Side::Theirs => command.arg("generate").arg(spec).arg("--output-dir").arg(&out),
        };
        command
    };
    let mut outcome = Outcome::default();
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let _ = std::fs::remove_dir_all(dir);
        match run_logged(&mut command(None), &log, CODEGEN_LIMIT) {
            Ok(time) => times.push(time),
            Err(e) => {
                outcome.codegen = Some(Err(e));
                return outcome;
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let time_file = work.join(format!("{}-{name}-codegen.time", side.dir()));
    if run_logged(&mut command(Some(&time_file)), &log, CODEGEN_LIMIT).is_ok() {
        outcome.codegen_peak_kib = std::fs::read_to_string(&time_file).ok().and_then(|t| t.lines().last()?.trim().parse().ok());
    }
    outcome.codegen = median(&times).map(Ok);
    outcome.lines = Some(count_lines(dir));
    if side == Side::Theirs
        && let Err(e) = peer_crate(dir, name)
    {
        outcome.codegen = Some(Err(e));
    }
    outcome
}

/// Makes a crate of the peer's module: a manifest with the dependencies it lists in
/// `REQUIRED_DEPS.toml` and a `src/lib.rs` declaring the module.
fn peer_crate(dir: &Path, name: &str) -> Result<(), String> {
    let generated = dir.join("src/generated");
    let deps = std::fs::read_to_string(generated.join("REQUIRED_DEPS.toml")).map_err(|e| format!("no REQUIRED_DEPS.toml: {e}"))?;
    // The fragment may or may not carry its own [dependencies] header.
    let deps = if deps.lines().any(|l| l.trim() == "[dependencies]") { deps } else { format!("[dependencies]\n{deps}") };
    let manifest = format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n{deps}\n");
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "pub mod generated;\n").map_err(|e| e.to_string())
}

/// `cargo check --workspace --keep-going` over `members` in `dir`; the verdict per crate.
fn check_workspace(dir: &Path, members: &[String], target: &Path) -> Result<BTreeMap<String, Result<(), String>>, String> {
    if members.is_empty() {
        return Ok(BTreeMap::new());
    }
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!("# Written by `cargo xtask bench-peer`.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n", list.join("\n"));
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| format!("cannot write the workspace file: {e}"))?;
    let messages = dir.join("check-messages.json");
    let stderr = dir.join("check-stderr.log");
    let mut command = util::cargo(dir);
    command.args(["check", "--workspace", "--keep-going", "--message-format=json"]).env("CARGO_TARGET_DIR", target);
    // The crates are generated afresh each run: incremental caches (3 GiB) would only fill the disk.
    command.env("CARGO_INCREMENTAL", "0");
    let out = std::fs::File::create(&messages).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(&stderr).map_err(|e| e.to_string())?;
    command.stdin(Stdio::null()).stdout(out).stderr(err);
    let (ended, _) = run_limited(&mut command, DEPS_BUILD_LIMIT)?;
    if let Ended::TimedOut = ended {
        return Err(format!("cargo check timed out after {} s", DEPS_BUILD_LIMIT.as_secs()));
    }
    let file = std::fs::File::open(&messages).map_err(|e| e.to_string())?;
    let (built, errors) = parse_check(BufReader::new(file).lines().map_while(Result::ok));
    let mut verdicts = BTreeMap::new();
    for member in members {
        let lib = member.replace('-', "_");
        let verdict = match errors.get(&lib) {
            Some((n, first)) => Err(format!("{n} error(s), first: {first}")),
            None if built.contains(&lib) => Ok(()),
            None => Err(format!("not built: {}", tail(&stderr, 2))),
        };
        verdicts.insert(member.clone(), verdict);
    }
    Ok(verdicts)
}

/// From cargo's JSON messages: the targets built, and per target its error count and first error.
pub fn parse_check(lines: impl Iterator<Item = String>) -> (BTreeSet<String>, BTreeMap<String, (usize, String)>) {
    let mut built = BTreeSet::new();
    let mut errors: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for line in lines {
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        let Some(target) = message["target"]["name"].as_str() else { continue };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                built.insert(target.to_string());
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let text = message["message"]["message"].as_str().unwrap_or_default();
                let entry = errors.entry(target.to_string()).or_insert_with(|| (0, text.to_string()));
                entry.0 += 1;
            }
            _ => {}
        }
    }
    (built, errors)
}

/// A `RUSTC_WRAPPER` running rustc under GNU time, appending `<max RSS KiB> <command line>`
/// per rustc process to `$PEER_BENCH_RSS_LOG`: rustc's own peak, not cargo's.
fn write_rss_wrapper(work: &Path) -> Result<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let path = work.join("rustc-rss.sh");
    let script = "#!/bin/sh\n# Written by `cargo xtask bench-peer`: rustc under GNU time, its peak memory appended to a log.\nexec /usr/bin/time -a -o \"$PEER_BENCH_RSS_LOG\" -f '%M %C' \"$@\"\n";
    std::fs::write(&path, script).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The largest peak (KiB) of the rustc runs compiling crate `lib` in the wrapper's log.
pub fn peak_of(log: &str, lib: &str) -> Option<u64> {
    log.lines()
        .filter(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.windows(2).any(|w| w[0] == "--crate-name" && w[1] == lib)
        })
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .max()
}

/// Builds `name` in the workspace `dir` once (dependencies), then `times` times after
/// touching its `src/lib.rs`; the median time and rustc's peak memory.
fn rebuild(dir: &Path, name: &str, target: &Path, wrapper: &Path, times: usize) -> Result<(Duration, u64), String> {
    let rss_log = dir.join(format!("{name}-rustc-rss.log"));
    let build_log = dir.join(format!("{name}-build.log"));
    let build = |limit: Duration| {
        let mut command = util::cargo(dir);
        command
            .args(["build", "-p", name])
            .env("CARGO_TARGET_DIR", target)
            // Every rebuild compiles the whole crate again, as after a regeneration.
            .env("CARGO_INCREMENTAL", "0")
            .env("RUSTC_WRAPPER", wrapper)
            .env("PEER_BENCH_RSS_LOG", &rss_log);
        run_logged(&mut command, &build_log, limit)
    };
    build(DEPS_BUILD_LIMIT).map_err(|e| format!("first build: {e}"))?;
    let lib_rs = dir.join(name).join("src/lib.rs");
    let lib = name.replace('-', "_");
    let (mut durations, mut peak) = (Vec::new(), 0);
    for _ in 0..times.max(1) {
        let file = std::fs::File::options().append(true).open(&lib_rs).map_err(|e| e.to_string())?;
        file.set_modified(SystemTime::now()).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&rss_log);
        durations.push(build(BUILD_LIMIT)?);
        let log = std::fs::read_to_string(&rss_log).unwrap_or_default();
        let this = peak_of(&log, &lib).ok_or("the rebuild did not run rustc on the crate")?;
        peak = peak.max(this);
    }
    Ok((median(&durations).expect("at least one"), peak))
}

/// The label of a spec in the tables.
fn label(spec: &Path) -> String {
    let root = workspace_root();
    if spec == root.join(BYOK_SPEC) {
        return format!("`{BYOK_SPEC}`");
    }
    if spec == root.join(FULL_SPEC) {
        return "OpenRouter full document".to_string();
    }
    file_name(spec)
}

fn print_tables(rows: &[(PathBuf, String, BTreeMap<Side, Outcome>)], args: &Args) {
    let mut notes: Vec<String> = Vec::new();
    let mut note = |text: String| {
        notes.push(text);
        format!("[{}]", notes.len())
    };
    let secs = |o: &Outcome| match &o.codegen {
        Some(Ok(t)) => Some(t.as_secs_f64()),
        _ => None,
    };
    let mut first = Vec::new();
    for (spec, name, outcomes) in rows {
        let (ours, theirs) = (&outcomes[&Side::Ours], &outcomes[&Side::Theirs]);
        let mut cells = vec![label(spec)];
        for outcome in [ours, theirs] {
            cells.push(match &outcome.codegen {
                Some(Ok(t)) => seconds(*t),
                Some(Err(e)) => format!("FAILED {}", note(format!("{name}: {e}"))),
                None => "-".to_string(),
            });
        }
        cells.push(ratio(secs(ours), secs(theirs)));
        for outcome in [ours, theirs] {
            cells.push(outcome.codegen_peak_kib.filter(|_| secs(outcome).is_some()).map(mib).unwrap_or_else(|| "-".to_string()));
        }
        let ours_lines = ours.lines.filter(|_| secs(ours).is_some());
        let theirs_lines = theirs.lines.filter(|_| secs(theirs).is_some());
        cells.push(ours_lines.map(|l| format!("{} (+{} runtime)", thousands(l.library), thousands(l.runtime))).unwrap_or_else(|| "-".to_string()));
        cells.push(theirs_lines.map(|l| thousands(l.all())).unwrap_or_else(|| "-".to_string()));
        cells.push(ratio(ours_lines.map(|l| l.library as f64), theirs_lines.map(|l| l.all() as f64)));
        for (outcome, which) in [(ours, "ours"), (theirs, "theirs")] {
            cells.push(match &outcome.compiles {
                Some(Ok(())) => "yes".to_string(),
                Some(Err(e)) => format!("no {}", note(format!("{name} ({which}): {e}"))),
                None => "-".to_string(),
            });
        }
        first.push(cells);
    }
    let header = [
        "spec",
        "codegen ours",
        "codegen theirs",
        "ratio",
        "peak ours",
        "peak theirs",
        "lines ours",
        "lines theirs",
        "ratio",
        "compiles ours",
        "compiles theirs",
    ];
    let numeric = [false, true, true, true, true, true, true, true, true, false, false];
    println!("## codegen, generated lines, compiles (ratio = ours / theirs; codegen median of {} runs)\n", args.runs);
    print!("{}", markdown_table(&header, &first, &numeric));

    if !args.no_rebuild {
        let mut second = Vec::new();
        for (spec, name, outcomes) in rows {
            let (ours, theirs) = (&outcomes[&Side::Ours], &outcomes[&Side::Theirs]);
            if ours.rebuild.is_none() && theirs.rebuild.is_none() {
                continue;
            }
            let pick = |o: &Outcome| match &o.rebuild {
                Some(Ok(r)) => Some(*r),
                _ => None,
            };
            let mut cells = vec![label(spec)];
            let mut shown = |o: &Outcome, which: &str, f: &dyn Fn((Duration, u64)) -> String| match &o.rebuild {
                Some(Ok(r)) => f(*r),
                Some(Err(e)) => format!("FAILED {}", note(format!("{name} rebuild ({which}): {e}"))),
                None => "-".to_string(),
            };
            let time_ours = shown(ours, "ours", &|(t, _)| seconds(t));
            let time_theirs = shown(theirs, "theirs", &|(t, _)| seconds(t));
            cells.extend([time_ours, time_theirs]);
            cells.push(ratio(pick(ours).map(|r| r.0.as_secs_f64()), pick(theirs).map(|r| r.0.as_secs_f64())));
            for o in [ours, theirs] {
                cells.push(pick(o).map(|r| mib(r.1)).unwrap_or_else(|| "-".to_string()));
            }
            cells.push(ratio(pick(ours).map(|r| r.1 as f64), pick(theirs).map(|r| r.1 as f64)));
            second.push(cells);
        }
        println!(
            "\n## dev rebuild of the generated crate alone (dependencies prebuilt, src/lib.rs touched, CARGO_INCREMENTAL=0; median of {}; rustc peak RSS)\n",
            args.rebuilds
        );
        let header = ["spec", "rebuild ours", "rebuild theirs", "ratio", "rustc peak ours", "rustc peak theirs", "ratio"];
        print!("{}", markdown_table(&header, &second, &[false, true, true, true, true, true, true]));
    }
    if !notes.is_empty() {
        println!();
        for (i, text) in notes.iter().enumerate() {
            println!("[{}] {text}", i + 1);
        }
    }
    println!("\ncrates in {}", args.work.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect::<Vec<_>>();
        assert_eq!(median(&ms(&[])), None);
        assert_eq!(median(&ms(&[30, 10, 20])), Some(Duration::from_millis(20)));
        assert_eq!(median(&ms(&[40, 10, 30, 20])), Some(Duration::from_millis(25)));
        assert_eq!(median(&ms(&[7])), Some(Duration::from_millis(7)));
    }

    #[test]
    fn lines_of_the_runtime_are_counted_apart() {
        let dir = std::env::temp_dir().join(format!("xtask-peer-bench-lines-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |path: &str, text: &str| {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("src/lib.rs", "mod a;\nmod b;\n");
        write("src/models.rs", "struct A;\n\nstruct B;\n");
        write("runtime/src/lib.rs", "pub mod call;\n");
        write("runtime/src/call.rs", "fn call() {\n}\n");
        // Not in runtime/: a name that only starts like it.
        write("src/runtime_extra.rs", "fn x() {}\n");
        write("examples/list.rs", "fn main() {}\n");
        write("Cargo.toml", "[package]\nname = \"x\"\n");
        write("src/README.md", "not rust\n");
        let count = count_lines(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(count, LineCount { library: 6, runtime: 3, other: 1 });
        assert_eq!(count.all(), 10);
    }

    #[test]
    fn tables_are_padded_markdown() {
        let rows = vec![vec!["petstore.yaml".to_string(), "12.5 ms".to_string(), ratio(Some(1.0), Some(4.0))], vec!["x".to_string(), "1.20 s".to_string(), ratio(Some(1.0), None)]];
        let table = markdown_table(&["spec", "time", "ratio"], &rows, &[false, true, true]);
        assert_eq!(
            table,
            "| spec          |    time | ratio |\n\
             |---------------|--------:|------:|\n\
             | petstore.yaml | 12.5 ms | 0.25× |\n\
             | x             |  1.20 s |     - |\n"
        );
        assert_eq!(ratio(Some(3.0), Some(0.0)), "-");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.50 s");
        assert_eq!(thousands(98_012), "98.0k");
        assert_eq!(thousands(4_210), "4210");
    }

    #[test]
    fn check_messages_give_a_verdict_per_target() {
        let lines = [
            r#"{"reason":"compiler-artifact","target":{"name":"serde"}}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"pb_petstore"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"pb_nexus"},"message":{"level":"warning","message":"unused"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"pb_nexus"},"message":{"level":"error","message":"cannot find type `Foo`"}}"#,
            r#"{"reason":"compiler-message","target":{"name":"pb_nexus"},"message":{"level":"error","message":"mismatched types"}}"#,
            "not json",
            r#"{"reason":"build-finished","success":false}"#,
        ];
        let (built, errors) = parse_check(lines.iter().map(|l| l.to_string()));
        assert!(built.contains("pb_petstore") && !built.contains("pb_nexus"));
        assert_eq!(errors["pb_nexus"], (2, "cannot find type `Foo`".to_string()));
    }

    #[test]
    fn rustc_peak_is_the_crates_own() {
        let log = "\
            51200 /rustc/bin/rustc - --crate-name ___ --print=file-names\n\
            1048576 /rustc/bin/rustc --crate-name serde --edition=2021 src/lib.rs\n\
            2097152 /rustc/bin/rustc --crate-name pb_full --edition=2024 src/lib.rs\n\
            Command exited with non-zero status 1\n\
            1900000 /rustc/bin/rustc --crate-name pb_full --edition=2024 src/lib.rs\n";
        assert_eq!(peak_of(log, "pb_full"), Some(2_097_152));
        assert_eq!(peak_of(log, "pb_byok"), None);
    }
}
