//! Prints a parsed file with prettyplease, except that the bodies of the
//! runtime's macros are laid out like the code around them.
//!
//! prettyplease prints a macro's tokens as one flowing paragraph
//! (`crate ::models::X`, `#[doc = "…"]` run together). The runtime macros the
//! generated code invokes take items as input (`operation_error! { pub enum … }`),
//! so their bodies are printed as items: each such macro is swapped for a
//! placeholder item, the file and each body are printed, and the placeholders
//! are replaced with the indented bodies.

use proc_macro2::{TokenStream, TokenTree};
use syn::{Item, MacroDelimiter};

/// The text of `file`, with item-shaped macro bodies laid out as items.
pub fn unparse(mut file: syn::File) -> String {
    let mut bodies = Vec::new();
    for item in &mut file.items {
        let Item::Macro(m) = item else { continue };
        if !matches!(m.mac.delimiter, MacroDelimiter::Brace(_)) || m.ident.is_some() || has_multiline_string(&m.mac.tokens) {
            continue;
        }
        let Ok(body) = syn::parse2::<syn::File>(m.mac.tokens.clone()) else { continue };
        let path = m.mac.path.clone();
        let placeholder = quote::format_ident!("__laid_out_macro_{}", bodies.len());
        let attrs = std::mem::take(&mut m.attrs);
        *item = syn::parse_quote!(#(#attrs)* struct #placeholder;);
        let path = quote::quote!(#path).to_string().replace(' ', "");
        bodies.push((format!("struct {placeholder};"), path, prettyplease::unparse(&body)));
    }
    let mut text = prettyplease::unparse(&file);
    for (placeholder, path, body) in bodies {
        let mut block = format!("{path}! {{\n");
        for line in body.lines() {
            if !line.is_empty() {
                block.push_str("    ");
            }
            block.push_str(line);
            block.push('\n');
        }
        block.push('}');
        text = text.replacen(&placeholder, &block, 1);
    }
    text
}

/// Whether a string literal in `tokens` spans lines: indenting its lines would
/// change its value, so such a macro keeps prettyplease's layout.
fn has_multiline_string(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Group(g) => has_multiline_string(&g.stream()),
        TokenTree::Literal(l) => l.to_string().contains('\n'),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::unparse;

    fn layout(source: &str) -> String {
        unparse(syn::parse_str(source).expect("valid Rust"))
    }

    #[test]
    fn item_shaped_macro_bodies_are_laid_out_as_items() {
        let text = layout(
            r#"#[cfg(feature = "a")] crate::runtime::m! { #[doc = " Docs."] pub enum E { #[doc = " One."] A(crate::models::X), B } } fn f() {}"#,
        );
        assert_eq!(
            text,
            "#[cfg(feature = \"a\")]\ncrate::runtime::m! {\n    /// Docs.\n    pub enum E {\n        /// One.\n        A(crate::models::X),\n        B,\n    }\n}\nfn f() {}\n"
        );
    }

    #[test]
    fn other_macros_keep_prettyplease_layout() {
        // Not items, parentheses, or a string spanning lines: printed as prettyplease does.
        for source in ["m! { a => b }", "m!(pub struct S;);", "m! { #[doc = \"a\nb\"] pub struct S; }"] {
            let file: syn::File = syn::parse_str(source).expect("valid Rust");
            assert_eq!(layout(source), prettyplease::unparse(&file), "{source}");
        }
    }
}
