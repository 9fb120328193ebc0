//! `cargo xtask bench`: the figures of BENCHMARKS.md.
//! 1. codegen speed per stage (load, normalise, parse, lower, emit, format) for
//!    the BYOK spec and OpenRouter's full document, release build (emit uses
//!    every core; its formatting time is processor time summed over threads);
//! 2. SDK overhead: the generated client against raw reqwest on loopback
//!    (`generated-sdk/examples/overhead.rs`);
//! 3. bounded bodies: peak memory of a call against a server whose body never
//!    ends (`generated-sdk/examples/bounded_body.rs`);
//! 4. the generated crate's cost: its own cold build time (dependencies
//!    prebuilt) and the number of crates in its dependency tree.
//!
//! `--tls` measures only the cost of each TLS backend instead: a cold `cargo
//! build` (dev profile) of the generated crate and its whole dependency tree in
//! a fresh target directory, once per backend, back to back.

use std::path::Path;
use std::time::{Duration, Instant};


use crate::util::{self, file_name, run_cargo, workspace_root, BYOK_SPEC, FULL_SPEC};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Only the TLS figures: for each backend of the generated crate (`rustls`, `rustls-ring`,
    /// `native-tls`), the cold dev build of its whole dependency tree in a fresh target directory
    /// under target/bench-tls, and the number of crates in that tree
    #[arg(long)]
    tls: bool,
}

pub fn run(args: Args) -> Result<(), String> {
    let root = workspace_root();
    if args.tls {
        return tls_cost(&root);
    }
    // Timings of a debug build mean little: re-run this task from a release build.
    if cfg!(debug_assertions) {
        return step(&root, &["run", "--release", "--quiet", "-p", "xtask", "--", "bench"], "the release bench failed");
    }
    println!("# codegen speed (release; emit on every core, format = its processor time; median of N runs, ms)");
    for (spec, runs) in [(root.join(BYOK_SPEC), 30), (root.join(FULL_SPEC), 7)] {
        codegen_speed(&spec, runs)?;
    }
    println!("\n# SDK overhead (generated client vs raw reqwest, same request and decode, loopback)");
    step(&root, &["run", "--release", "--quiet", "-p", "openrouter-byok", "--example", "overhead"], "the overhead benchmark failed")?;
    println!("\n# bounded bodies (peak memory against a server whose body never ends)");
    step(&root, &["run", "--release", "--quiet", "-p", "openrouter-byok", "--example", "bounded_body"], "the bounded-body benchmark failed")?;
    println!("\n# generated crate cost");
    crate_cost(&root)
}

/// Runs `cargo {args}` in `root`, its output shown; `failure` is the error when it fails.
fn step(root: &Path, args: &[&str], failure: &str) -> Result<(), String> {
    run_cargo(util::cargo(root).args(args)).map_err(|_| failure.to_string())
}


fn codegen_speed(spec: &Path, runs: usize) -> Result<(), String> {
    let name = file_name(spec);
    let config = generator::Config::new(spec);
    let mut stages: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let generated = config.generate().map_err(|e| e.to_string())?;
        totals.push(started.elapsed());
        for (stage, time) in generated.timings {
            match stages.iter_mut().find(|(s, _)| *s == stage) {
                Some((_, times)) => times.push(time),
                None => stages.push((stage, vec![time])),
            }
        }
    }
    let cells: Vec<String> = stages.into_iter().map(|(stage, times)| format!("{stage} {:.1}", util::median(&times).expect("every stage is timed in every run").as_secs_f64() * 1e3)).collect();
    println!("{name:<26} total {:>7.1} ms  ({}; {runs} runs)", util::median(&totals).expect("at least one run").as_secs_f64() * 1e3, cells.join(", "));
    Ok(())
}

fn crate_cost(root: &Path) -> Result<(), String> {
    let cargo = |args: &[&str]| util::cargo(root).args(args).output().map_err(|e| e.to_string());
    // Dependencies built first; then only the generated crate is rebuilt.
    let prepared = cargo(&["build", "--release", "-p", "openrouter-byok"])?;
    if !prepared.status.success() {
        return Err(String::from_utf8_lossy(&prepared.stderr).into_owned());
    }
    cargo(&["clean", "--release", "-p", "openrouter-byok"])?;
    let started = Instant::now();
    let built = cargo(&["build", "--release", "-p", "openrouter-byok"])?;
    let build_time = started.elapsed();
    if !built.status.success() {
        return Err(String::from_utf8_lossy(&built.stderr).into_owned());
    }
    let tree = cargo(&["tree", "-p", "openrouter-byok", "-e", "normal", "--prefix", "none", "--no-dedupe"])?;
    let mut crates: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    crates.sort();
    crates.dedup();
    println!("openrouter-byok cold build (release, dependencies prebuilt): {:.1} s", build_time.as_secs_f64());
    println!("crates in its normal dependency tree (itself included): {}", crates.len());
    Ok(())
}

/// The generated crate's TLS backends: the name and the cargo arguments that choose it.
const TLS_FLAVOURS: &[(&str, &[&str])] = &[
    ("rustls (aws-lc-rs, default)", &[]),
    ("rustls-ring", &["--no-default-features", "--features", "rustls-ring"]),
    ("native-tls", &["--no-default-features", "--features", "native-tls"]),
];

/// A cold dev build of openrouter-byok with each TLS backend, back to back, each in a fresh
/// target directory (sources already downloaded; versions from the lockfile).
fn tls_cost(root: &Path) -> Result<(), String> {
    let base = root.join("target/bench-tls");
    // The machine may be shared: the load before each build says how much it was.
    let load = || std::fs::read_to_string("/proc/loadavg").ok().and_then(|l| l.split_whitespace().next().map(str::to_string));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# TLS backends: cold `cargo build -p openrouter-byok` (dev profile), fresh target dir each, {cores} cores");
    println!("| backend | cold build | load average (1 min) before | crates, normal dependency tree | crates, with build dependencies |");
    println!("|---|---:|---:|---:|---:|");
    for (name, features) in TLS_FLAVOURS {
        let target = base.join(name.split_whitespace().next().unwrap_or(name));
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(|e| format!("cannot empty {}: {e}", target.display()))?;
        }
        let load_before = load().unwrap_or_else(|| "?".to_string());
        let started = Instant::now();
        let built = util::cargo(root)
            .args(["build", "--locked", "--quiet", "-p", "openrouter-byok"])
            .args(*features)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .map_err(|e| e.to_string())?;
        let build_time = started.elapsed();
        if !built.status.success() {
            return Err(format!("{name}: {}", String::from_utf8_lossy(&built.stderr)));
        }
        let normal = tree_size(root, "normal", features)?;
        let compiled = tree_size(root, "normal,build", features)?;
        println!("| {name} | {:.1} s | {load_before} | {normal} | {compiled} |", build_time.as_secs_f64());
        std::fs::remove_dir_all(&target).ok();
    }
    Ok(())
}

/// The number of distinct crates (by name, itself included) in openrouter-byok's dependency
/// tree along `edges`, with the cargo arguments `features`.
fn tree_size(root: &Path, edges: &str, features: &[&str]) -> Result<usize, String> {
    let tree = util::cargo(root)
        .args(["tree", "--locked", "-p", "openrouter-byok", "-e", edges, "--prefix", "none", "--no-dedupe"])
        .args(features)
        .output()
        .map_err(|e| e.to_string())?;
    if !tree.status.success() {
        return Err(String::from_utf8_lossy(&tree.stderr).into_owned());
    }
    let mut crates: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    crates.sort();
    crates.dedup();
    Ok(crates.len())
}
