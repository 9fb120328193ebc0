//! Errors and warnings that point at the spec: every one names the file and,
//! where the problem is inside the document, the JSON pointer of the node.

use std::fmt;
use std::path::PathBuf;

/// A problem that stops generation.
#[derive(Debug)]
pub struct GenError {
    /// The spec file the problem is in (empty for problems not tied to a file).
    pub file: PathBuf,
    /// Where in the file: a JSON pointer (`#/paths/~1byok/get`) or `line L, column C`.
    pub location: String,
    /// What is wrong, in words.
    pub message: String,
}

impl GenError {
    /// An error at a JSON pointer of the document.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        GenError { file: PathBuf::new(), location: pointer.into(), message: message.into() }
    }

    /// Attaches the spec file name, keeping one already set.
    pub fn in_file(mut self, file: &std::path::Path) -> Self {
        if self.file.as_os_str().is_empty() {
            self.file = file.to_path_buf();
        }
        self
    }
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.as_os_str().is_empty(), self.location.is_empty()) {
            (false, false) => write!(f, "{}: {}: {}", self.file.display(), self.location, self.message),
            (false, true) => write!(f, "{}: {}", self.file.display(), self.message),
            (true, false) => write!(f, "{}: {}", self.location, self.message),
            (true, true) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for GenError {}

/// Something the generator could not express faithfully but worked around.
/// Warnings are never silent: the CLI prints each one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// JSON pointer of the node concerned.
    pub pointer: String,
    /// What was done instead.
    pub message: String,
    /// Whether the lowering could not express the node at all and fell back:
    /// the value became untyped JSON (`serde_json::Value`), or a parameter or
    /// operation was left out. Without the fallback the whole run would fail.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub degraded: bool,
}

impl Warning {
    /// A warning about a construct that was worked around.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning { pointer: pointer.into(), message: message.into(), degraded: false }
    }

    /// A construct the lowering could not express: it became untyped JSON or was left out.
    pub fn degraded(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning { pointer: pointer.into(), message: message.into(), degraded: true }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.pointer, self.message)
    }
}

/// Appends a reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_join(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
