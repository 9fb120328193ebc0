//! `src/runtime.rs`: the hand-written machinery every generated crate shares,
//! kept as real Rust in `generator/runtime/` and checked by parsing it here.

use proc_macro2::TokenStream;

use crate::error::GenError;

const RUNTIME: &str = include_str!("../../runtime/runtime.rs");

/// The runtime module as tokens.
pub fn runtime_rs() -> Result<TokenStream, GenError> {
    RUNTIME.parse().map_err(|e| GenError::at("", format!("internal error: runtime.rs does not tokenize: {e}")))
}
