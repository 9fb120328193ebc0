//! Prints a parsed file with prettyplease, except that the bodies of the
//! runtime's macros are laid out like the code around them.
//!
//! prettyplease prints a macro's tokens as one flowing paragraph
//! (`crate ::models::X`, `#[doc = "…"]` run together). The runtime macros the
//! generated code invokes take items as input (`operation_error! { pub enum … }`),
//! so their bodies are printed as items: each such macro is swapped for a
//! placeholder item, the file and each body are printed, and the placeholders
//! are replaced with the indented bodies.

use proc_macro2::{Group, Spacing, TokenStream, TokenTree};
use syn::{Item, MacroDelimiter};

/// The absolute paths emit writes (a schema may be called `String`) and the
/// prelude name each is, in `(std or core, module, name)` form.
const PRELUDE_PATHS: [(&str, &str, &str); 6] = [
    ("std", "boxed", "Box"),
    ("core", "convert", "Into"),
    ("core", "option", "Option"),
    ("core", "result", "Result"),
    ("std", "string", "String"),
    ("std", "vec", "Vec"),
];

/// `tokens` with `::std::string::String` and the other [`PRELUDE_PATHS`] written
/// as a person would (`String`), for the names in `free` (those no item of the
/// crate takes: `analyse::free_prelude_names`).
pub fn shorten_prelude_paths(tokens: TokenStream, free: &[&str]) -> TokenStream {
    if free.is_empty() {
        return tokens;
    }
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(name) = prelude_path_at(&tokens[i..], free) {
            out.push(TokenTree::Ident(proc_macro2::Ident::new(name, proc_macro2::Span::call_site())));
            i += 9;
            continue;
        }
        out.push(match &tokens[i] {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), shorten_prelude_paths(g.stream(), free));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// The prelude name when `tokens` start with `:: std :: string :: String` (or another of
/// [`PRELUDE_PATHS`]) whose name is free.
fn prelude_path_at(tokens: &[TokenTree], free: &[&str]) -> Option<&'static str> {
    let [TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Ident(root), TokenTree::Punct(c), TokenTree::Punct(d), TokenTree::Ident(module), TokenTree::Punct(e), TokenTree::Punct(f), TokenTree::Ident(name), ..] = tokens else {
        return None;
    };
    let colons = [a, b, c, d, e, f].iter().all(|p| p.as_char() == ':') && [a, c, e].iter().all(|p| p.spacing() == Spacing::Joint);
    if !colons {
        return None;
    }
    PRELUDE_PATHS.iter().find(|(r, m, n)| root == r && module == m && name == n && free.contains(n)).map(|(_, _, n)| *n)
}

/// The text of `file`, with item-shaped macro bodies laid out as items (at
/// the top level and in inline modules).
pub fn unparse(mut file: syn::File) -> String {
    let mut bodies = Vec::new();
    swap_macros(&mut file.items, &mut bodies);
    let mut text = prettyplease::unparse(&file);
    for (placeholder, path, body) in bodies {
        let Some(at) = text.find(&placeholder) else { continue };
        let indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        let mut block = format!("{path}! {{\n");
        for line in body.lines() {
            if !line.is_empty() {
                block.push_str(indent);
                block.push_str("    ");
            }
            block.push_str(line);
            block.push('\n');
        }
        block.push_str(indent);
        block.push('}');
        text.replace_range(at..at + placeholder.len(), &block);
    }
    text
}

/// Replaces each item-shaped macro among `items` (and in their inline modules)
/// with a placeholder item, noting the placeholder, the macro's path and its printed body.
fn swap_macros(items: &mut [Item], bodies: &mut Vec<(String, String, String)>) {
    for item in items {
        if let Item::Mod(m) = item
            && let Some((_, content)) = &mut m.content
        {
            swap_macros(content, bodies);
            continue;
        }
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
    use super::{shorten_prelude_paths, unparse};

    #[test]
    fn prelude_paths_are_written_bare_when_their_name_is_free() {
        let tokens = quote::quote! {
            pub struct S { a: ::std::string::String, b: ::core::option::Option<::std::vec::Vec<::std::string::String>>, c: crate::models::String }
            fn f(x: impl ::core::convert::Into<::std::string::String>) -> ::std::boxed::Box<u8> { m!(::std::string::String) }
        };
        let short = shorten_prelude_paths(tokens.clone(), &["Box", "Into", "Option", "Result", "String", "Vec"]).to_string();
        assert_eq!(
            short,
            "pub struct S { a : String , b : Option < Vec < String >> , c : crate :: models :: String } fn f (x : impl Into < String >) -> Box < u8 > { m ! (String) }"
        );
        // A model called `Option`: that path stays absolute.
        let kept = shorten_prelude_paths(tokens, &["String"]).to_string();
        assert!(kept.contains(":: core :: option :: Option < :: std :: vec :: Vec < String >>"), "{kept}");
    }

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
    fn macros_in_inline_modules_are_laid_out_at_their_depth() {
        let text = layout("pub mod m { m! { pub struct S; } }");
        assert_eq!(text, "pub mod m {\n    m! {\n        pub struct S;\n    }\n}\n");
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
