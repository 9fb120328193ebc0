//! What a spec change does to the generated crate's API, against git history:
//! `cargo xtask diff` prints the report; `cargo xtask codegen` prints its
//! summary, bumps the crate version and adds a CHANGELOG entry.
//!
//! Both compare with the committed state (`--base REV`, default `HEAD`): the
//! spec and the crate's version and changelog as committed there. So running
//! codegen twice gives the same version and changelog, and `--check` agrees.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::diff::{bump_version, diff, Report};
use generator::ir::Api;

use crate::util::{in_root, workspace_root, BYOK_SPEC};

const CHANGELOG_HEADER: &str = "# Changelog\n\nEntries are added by `cargo xtask codegen` when the API changes (see `cargo xtask diff`).\n";

/// A file as committed at `rev`, if it exists there.
fn git_show(root: &Path, rev: &str, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let output = Command::new("git").arg("-C").arg(root).arg("show").arg(format!("{rev}:{}", rel.to_string_lossy())).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The IR of `spec` as committed at `rev`; `None` when it is not in git there.
pub fn base_api(root: &Path, rev: &str, spec: &Path) -> Result<Option<Api>, String> {
    base_api_with(root, rev, spec, &Default::default())
}

/// [`base_api`] with load options: the files the spec refers to are read at
/// `rev` too; the overlays are today's (they fix the spec, they are not its history).
pub fn base_api_with(root: &Path, rev: &str, spec: &Path, options: &generator::LoadOptions) -> Result<Option<Api>, String> {
    // Normalised: `../x` outside the workspace is not in its git (and no `git show` is spawned).
    let spec = generator::bundle::absolute(spec);
    if git_show(root, rev, &spec).is_none() {
        return Ok(None);
    }
    let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let read = |path: &Path| git_show(root, rev, path).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, format!("not in git at {rev}")));
    let (doc, _) = generator::load::load_document_from(&spec, options, &read).map_err(|e| format!("{rev}:{name}: {e}"))?;
    let (api, _, _) = generator::lower_document(doc).map_err(|e| format!("{rev}:{name}: {e}"))?;
    Ok(Some(api))
}

/// Version and changelog for a crate written to `out`, from the committed ones and the report.
pub fn version_and_changelog(root: &Path, out: &Path, report: &Report) -> Option<(String, String)> {
    let out = generator::bundle::absolute(out);
    out.strip_prefix(root).ok()?;
    let manifest = git_show(root, "HEAD", &out.join("Cargo.toml"));
    let base_version = manifest
        .as_deref()
        .and_then(|m| m.lines().find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"'))).map(str::to_string))
        .unwrap_or_else(|| "0.1.0".to_string());
    let version = bump_version(&base_version, report.bump());
    let mut changelog = git_show(root, "HEAD", &out.join("CHANGELOG.md")).unwrap_or_else(|| CHANGELOG_HEADER.to_string());
    if !report.changes.is_empty() && version != base_version {
        let mut entry = format!("\n## {version}\n\n{}\n\n", report.summary());
        for change in &report.changes {
            entry.push_str(&format!("- {:?}: {}\n", change.impact, change.what).to_lowercase_first());
        }
        // Newest first, right after the header.
        let at = changelog.find("\n## ").unwrap_or(changelog.len());
        changelog.insert_str(at, entry.trim_end_matches('\n'));
        if !changelog.ends_with('\n') {
            changelog.push('\n');
        }
    }
    Some((version, changelog))
}

trait LowercaseFirst {
    fn to_lowercase_first(&self) -> String;
}

impl LowercaseFirst for String {
    /// `- Breaking: …` → `- breaking: …`.
    fn to_lowercase_first(&self) -> String {
        match self.strip_prefix("- ") {
            Some(rest) => {
                let mut chars = rest.chars();
                chars.next().map_or_else(String::new, |c| format!("- {}{}", c.to_lowercase(), chars.as_str()))
            }
            None => self.clone(),
        }
    }
}

/// What changed in the API since REV: breaking, additive, cosmetic.
///
/// Compares the IR of the spec as committed at REV with the working tree's and classifies every
/// change, with JSON pointers into both documents.
#[derive(clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// The git revision to compare with
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    base: String,
    /// How the report is printed
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// The spec, in the working tree and at REV [default: spec/byok.openapi.yaml]
    #[arg(long, value_name = "PATH", default_value_os_t = in_root(BYOK_SPEC), hide_default_value = true)]
    spec: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

pub fn run(args: Args) -> Result<(), String> {
    let (base, spec) = (&args.base, &args.spec);
    let old = base_api(&workspace_root(), base, spec)?.ok_or_else(|| format!("{} is not in git at {base}", spec.display()))?;
    let (new, _, _) = generator::lower_spec(spec).map_err(|e| e.to_string())?;
    let report = diff(&old, &new);
    match args.format {
        Format::Markdown => print!("{}", report.markdown()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?),
    }
    Ok(())
}
