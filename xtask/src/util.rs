//! What every task needs: where the workspace is, its specs, file names and
//! listings, and running `cargo`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The BYOK spec, relative to the workspace root.
pub const BYOK_SPEC: &str = "spec/byok.openapi.yaml";

/// OpenRouter's full document, relative to the workspace root (read in place from `shared/`).
pub const FULL_SPEC: &str = "../shared/upstream/openrouter.openapi.yaml";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// `relative` under the workspace root: the default of an option naming a path.
pub fn in_root(relative: &str) -> PathBuf {
    workspace_root().join(relative)
}

/// The last component of `path` (`byok.openapi.yaml`), or nothing.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every file under `dir`, recursively.
pub fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            list_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The `cargo` that built xtask, run in `dir`.
pub fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(dir);
    command
}

/// Runs a [`cargo`] command to its end; a failure names the command and its directory.
pub fn run_cargo(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        return Ok(());
    }
    let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let dir = command.get_current_dir().unwrap_or(Path::new("."));
    Err(format!("`cargo {}` failed in {}", args.join(" "), dir.display()))
}

/// The median; of an even count, the mean of the two middle values. `None` when empty.
pub fn median(values: &[Duration]) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}
