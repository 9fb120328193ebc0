//! `cargo xtask bench`: the figures of BENCHMARKS.md.
//! 1. codegen speed per stage (load, normalise, parse, lower, emit, format) for
//!    the BYOK spec and OpenRouter's full document, release build, one thread;
//! 2. SDK overhead: the generated client against raw reqwest on loopback
//!    (`generated-sdk/examples/overhead.rs`);
//! 3. bounded bodies: peak memory of a call against a server whose body never
//!    ends (`generated-sdk/examples/bounded_body.rs`);
//! 4. the generated crate's cost: its own cold build time (dependencies
//!    prebuilt) and the number of crates in its dependency tree.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use generator::{generate, EmitOptions};

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    // Timings of a debug build mean little: re-run this task from a release build.
    if cfg!(debug_assertions) {
        let status = Command::new(env!("CARGO"))
            .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench"])
            .args(args)
            .current_dir(root)
            .status()
            .map_err(|e| e.to_string())?;
        return if status.success() { Ok(()) } else { Err("the release bench failed".into()) };
    }
    println!("# codegen speed (release, one thread; median of N runs, ms)");
    for (spec, runs) in [(root.join("spec/byok.openapi.yaml"), 30), (root.join("../shared/upstream/openrouter.openapi.yaml"), 7)] {
        codegen_speed(&spec, runs)?;
    }
    println!("\n# SDK overhead (generated client vs raw reqwest, same request and decode, loopback)");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "--quiet", "-p", "openrouter-byok", "--example", "overhead"])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("the overhead benchmark failed".into());
    }
    println!("\n# bounded bodies (peak memory against a server whose body never ends)");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "--quiet", "-p", "openrouter-byok", "--example", "bounded_body"])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("the bounded-body benchmark failed".into());
    }
    println!("\n# generated crate cost");
    crate_cost(root)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn codegen_speed(spec: &Path, runs: usize) -> Result<(), String> {
    let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (api, _, _) = generator::lower_spec(spec).map_err(|e| e.to_string())?;
    let options = EmitOptions::for_api(&api, &name);
    let mut stages: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let generated = generate(spec, &options).map_err(|e| e.to_string())?;
        totals.push(started.elapsed());
        for (stage, time) in generated.timings {
            match stages.iter_mut().find(|(s, _)| *s == stage) {
                Some((_, times)) => times.push(time),
                None => stages.push((stage, vec![time])),
            }
        }
    }
    let cells: Vec<String> = stages.into_iter().map(|(stage, times)| format!("{stage} {:.1}", median(times).as_secs_f64() * 1e3)).collect();
    println!("{name:<26} total {:>7.1} ms  ({}; {runs} runs)", median(totals).as_secs_f64() * 1e3, cells.join(", "));
    Ok(())
}

fn crate_cost(root: &Path) -> Result<(), String> {
    let cargo = |args: &[&str]| {
        Command::new(env!("CARGO")).args(args).current_dir(root).output().map_err(|e| e.to_string())
    };
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
