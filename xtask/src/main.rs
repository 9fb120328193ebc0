//! Project tasks, run as `cargo xtask <command>`; `cargo xtask --help` lists them.
//! This file parses the command line and hands it to the command's module.

mod api_changes;
mod bench;
mod codegen;
mod contract;
mod corpus;
mod e2e;
mod generate;
mod semver;
mod peer_bench;
mod util;

// Codegen allocates many small token trees on several threads, where glibc's
// allocator spent a tenth of the time: with mimalloc the full OpenRouter document
// generates in 172 ms instead of 203, and keeper, a small one, in 6.6 ms
// instead of 7.8 (whole process, median of 5; BENCHMARKS.md §6).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Project tasks of the OpenAPI → Rust SDK generator.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Codegen(codegen::Args),
    Corpus(corpus::Args),
    #[command(name = "e2e-full")]
    E2eFull(e2e::FullArgs),
    /// Generate the Swagger 2.0 fixture and run clippy and its end-to-end tests on it.
    ///
    /// Generates generator/tests/fixtures/swagger2/petstore-like.yaml into target/swagger2-greenhouse,
    /// adds xtask/e2e/swagger2.rs and runs clippy -D warnings and the tests: path, query and header
    /// parameters, body, form and multipart bodies, a shared error response and a text response.
    #[command(name = "e2e-swagger2")]
    E2eSwagger2,
    /// Generate the security fixture and run clippy and its end-to-end tests on it.
    ///
    /// Generates generator/tests/fixtures/security/vault.yaml into target/security-vault, adds
    /// xtask/e2e/security.rs and runs clippy -D warnings and the tests against a mock: API keys in a
    /// header, the query and a cookie, HTTP basic and bearer, OAuth2 client credentials (one token
    /// fetch reused, shared by concurrent calls, fetched again after expiry), `security: []`,
    /// alternatives, and idempotency keys (the same key on every retry of a POST).
    #[command(name = "e2e-security")]
    E2eSecurity,
    Contract(contract::Args),
    /// The figures of BENCHMARKS.md (re-runs itself as a release build).
    ///
    /// Codegen time per stage, SDK overhead against raw reqwest, peak memory against an endless
    /// body, the generated crate's build time and dependency count; with `--tls`, instead, the
    /// cold build time and crate count of the generated crate with each TLS backend.
    Bench(bench::Args),
    Diff(api_changes::Args),
    Semver(semver::Args),
    #[command(name = "bench-peer")]
    BenchPeer(peer_bench::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Some(Command::Codegen(args)) => codegen::run(args),
        Some(Command::Corpus(args)) => corpus::run(args),
        Some(Command::E2eFull(args)) => e2e::run_full(args),
        Some(Command::E2eSwagger2) => e2e::run_swagger2(),
        Some(Command::E2eSecurity) => e2e::run_security(),
        Some(Command::Contract(args)) => contract::run(args),
        Some(Command::Bench(args)) => bench::run(args),
        Some(Command::Diff(args)) => api_changes::run(args),
        Some(Command::Semver(args)) => semver::run(args),
        Some(Command::BenchPeer(args)) => peer_bench::run(args),
        // No command: the list of commands, as `--help` prints it.
        None => Cli::command().print_help().map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
