//! `cargo xtask contract`: contract tests against Stoplight Prism.
//!
//! Installs the pinned Prism from `xtask/prism/` (npm ci, lockfile committed),
//! starts it on loopback with request validation against the spec, waits until
//! it answers, runs the contract tests the generator wrote into the crate
//! (`tests/contract.rs`, feature `contract`), and always stops it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::generate::generate_into;
use crate::util::{self, in_root, run_cargo, workspace_root, BYOK_SPEC, FULL_SPEC};

/// Contract tests of every operation against the Prism mock server (installed with npm).
///
/// Runs the generated contract tests of generated-sdk/ (feature `contract`) against Prism
/// validating every request against spec/byok.openapi.yaml, and always stops Prism.
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// Also OpenRouter's full document (JSON-body operations), generated into target/contract-full
    #[arg(long)]
    full: bool,
    /// With --full: the full document [default: ../shared/upstream/openrouter.openapi.yaml]
    #[arg(long, value_name = "PATH", default_value_os_t = in_root(FULL_SPEC), hide_default_value = true)]
    spec: PathBuf,
}

/// A running Prism; stopped when dropped, whatever happens to the tests.
struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(args: Args) -> Result<(), String> {
    let root = workspace_root();
    let prism_bin = install_prism(&root)?;

    {
        let prism = start_prism(&prism_bin, &root.join(BYOK_SPEC))?;
        println!("== contract tests of generated-sdk against Prism at {}", prism.url);
        run_cargo(util::cargo(&root).args(["test", "-p", "openrouter-byok", "--features", "contract", "--test", "contract"]).env("CONTRACT_BASE_URL", &prism.url))?;
    }
    if args.full {
        let out = root.join("target/contract-full");
        generate_into(&args.spec, &out, "contract-full")?;
        let prism = start_prism(&prism_bin, &args.spec)?;
        println!("== contract tests of the full document against Prism at {}", prism.url);
        run_cargo(
            util::cargo(&out)
                .args(["test", "--features", "contract", "--test", "contract"])
                .env("CONTRACT_BASE_URL", &prism.url)
                .env("CARGO_TARGET_DIR", root.join("target")),
        )?;
    }
    Ok(())
}

/// `npm ci` into `xtask/prism` unless the pinned version is already there.
fn install_prism(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("xtask/prism");
    let bin = dir.join("node_modules/.bin/prism");
    if !bin.exists() {
        println!("== installing Prism (npm ci in {})", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("cannot run npm (Node.js is needed for Prism): {e}"))?;
        if !status.success() || !bin.exists() {
            return Err(format!("npm ci failed in {}", dir.display()));
        }
    }
    Ok(bin)
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Starts Prism in mock mode (it validates every request against the spec) and
/// waits until its port accepts connections.
fn start_prism(bin: &Path, spec: &Path) -> Result<Prism, String> {
    let port = free_port()?;
    let log = std::env::temp_dir().join(format!("prism-{port}.log"));
    let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let child = Command::new(bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(Stdio::from(log_file.try_clone().map_err(|e| e.to_string())?))
        .stderr(Stdio::from(log_file))
        .spawn()
        .map_err(|e| format!("cannot start Prism: {e}"))?;
    let mut prism = Prism { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = prism.child.try_wait() {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("Prism exited ({status}) before answering:\n{output}"));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(prism);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    prism.child.kill().ok();
    Err(format!("Prism did not answer on port {port} within 120 s (log: {})", log.display()))
}
