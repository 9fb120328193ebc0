//! Turning names from the document into valid, idiomatic Rust identifiers.

pub mod reserved;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves (strict and reserved keywords of the 2024 edition).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps ASCII letters and digits; everything else separates words.
fn ascii_words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// UpperCamelCase with a stand-in for empty names and a prefix for leading digits.
fn camel(name: &str, empty: &str, digit_prefix: &str) -> String {
    let camel = ascii_words(name).to_upper_camel_case();
    if camel.is_empty() {
        empty.to_string()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{camel}")
    } else if camel == "Self" {
        "Self_".to_string()
    } else {
        camel
    }
}

/// A type name: `BYOKKey` → `ByokKey`, `create-request` → `CreateRequest`.
pub fn type_name(name: &str) -> String {
    camel(name, "Unnamed", "Type")
}

/// An enum variant name: `amazon-bedrock` → `AmazonBedrock`, `1k` → `V1k`.
pub fn variant_name(value: &str) -> String {
    camel(value, "Empty", "V")
}

/// A field, parameter or method name: `workspace_id`, `type` → `r#type`.
pub fn value_name(name: &str) -> String {
    let snake = ascii_words(name).to_snake_case();
    let snake = if snake.is_empty() { "value".to_string() } else { snake };
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        // A name of only underscores and digits says nothing (clippy::just_underscores_and_digits):
        // spell a leading sign (`+1`, `-1` are GitHub's reaction names) or prefix `n`.
        match name.trim_start().chars().next() {
            Some('+') => format!("plus_{snake}"),
            Some('-') => format!("minus_{snake}"),
            _ if snake.chars().all(|c| c.is_ascii_digit() || c == '_') => format!("n{snake}"),
            _ => format!("_{snake}"),
        }
    } else if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A Rust identifier as the generator chose it, keeping its raw form: `r#type`
/// for a keyword, `workspace_id` otherwise. Serialises as written (`r#type`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RustName(String);

impl RustName {
    /// The name as written in code (`r#type`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name without a raw prefix (`type`): for file names, docs and comparisons with wire names.
    pub fn bare(&self) -> &str {
        self.0.strip_prefix("r#").unwrap_or(&self.0)
    }

    /// Whether it is a raw identifier (`r#type`).
    pub fn is_raw(&self) -> bool {
        self.0.starts_with("r#")
    }

    /// The identifier token.
    pub fn ident(&self) -> proc_macro2::Ident {
        ident(&self.0)
    }
}

impl From<String> for RustName {
    fn from(name: String) -> Self {
        RustName(name)
    }
}

impl std::ops::Deref for RustName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RustName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RustName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RustName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The identifier token for a name produced above (raw identifiers included).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// Makes `candidate` unique among `taken` by appending a number; records it.
pub fn unique(candidate: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    if taken.insert(candidate.clone()) {
        return candidate;
    }
    let base = candidate.trim_start_matches("r#").to_string();
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| taken.insert(c.clone()))
        .expect("an unused name exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_rust_conventions() {
        assert_eq!(type_name("BYOKKey"), "ByokKey");
        assert_eq!(type_name("CreateBYOKKeyRequest"), "CreateByokKeyRequest");
        assert_eq!(type_name("2fa-settings"), "Type2faSettings");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name(""), "Unnamed");
    }

    #[test]
    fn values_escape_keywords_and_digits() {
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("workspaceId"), "workspace_id");
        assert_eq!(value_name("1st"), "_1st");
        assert_eq!(value_name("+1"), "plus_1");
        assert_eq!(value_name("-1"), "minus_1");
        assert_eq!(value_name("200"), "n200");
        assert_eq!(value_name("HTTP-Referer"), "http_referer");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }

    #[test]
    fn variants_are_camel_case() {
        assert_eq!(variant_name("amazon-bedrock"), "AmazonBedrock");
        assert_eq!(variant_name("z-ai"), "ZAi");
        assert_eq!(variant_name("1024x1024"), "V1024x1024");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn unique_appends_a_number() {
        let mut taken = Default::default();
        assert_eq!(unique("Foo".into(), &mut taken), "Foo");
        assert_eq!(unique("Foo".into(), &mut taken), "Foo2");
        assert_eq!(unique("Foo".into(), &mut taken), "Foo3");
    }
}
