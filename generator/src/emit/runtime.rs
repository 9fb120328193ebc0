//! `src/runtime.rs`: the hand-written machinery every generated crate shares
//! (`generator/runtime/runtime.rs`). It is copied as written, comments included,
//! rather than re-formatted: it is not generated, and prettyplease cannot lay out
//! the bodies of its `macro_rules!`. A unit test checks that it parses.

/// The runtime module's source.
pub const RUNTIME: &str = include_str!("../../runtime/runtime.rs");

#[cfg(test)]
mod tests {
    #[test]
    fn runtime_parses_as_rust() {
        syn::parse_file(super::RUNTIME).expect("generator/runtime/runtime.rs is valid Rust");
    }
}
