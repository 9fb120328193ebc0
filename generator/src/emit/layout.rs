//! Prints a parsed file with prettyplease, except that the bodies of the
//! runtime's macros are laid out like the code around them.
//!
//! prettyplease prints a macro's tokens as one flowing paragraph
//! (`crate ::models::X`, `#[doc = "…"]` run together). The runtime macros the
//! generated code invokes take items as input (`operation_error! { pub enum … }`),
//! so their bodies are printed as items: each such macro is swapped for a
//! placeholder item, the file and each body are printed, and the placeholders
//! are replaced with the indented bodies. The macros that take a list of
//! fields (`model!`, `model_setters!`) still flow, but spaced as Rust is
//! written (`a: Vec<crate::models::X>`, not `a : Vec < crate ::models::X >`).

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

/// prettyplease's line width.
const MARGIN: usize = 89;

/// The macros whose input is a list of fields, printed by [`list_words`].
const LIST_MACROS: [&str; 2] = ["model", "model_setters"];

/// A macro swapped for a placeholder: its path and what it is printed as.
struct Swapped {
    placeholder: String,
    path: String,
    body: Body,
}

enum Body {
    /// `path! { items }`: the items, printed.
    Items(String),
    /// `path!(list);`: the list's words, flowed at the margin.
    List(Vec<String>),
}

/// The text of `file`, with item-shaped macro bodies laid out as items (at
/// the top level and in inline modules) and field lists spaced as Rust.
pub fn unparse(mut file: syn::File) -> String {
    let mut swapped = Vec::new();
    swap_macros(&mut file.items, &mut swapped);
    let mut text = prettyplease::unparse(&file);
    for Swapped { placeholder, path, body } in swapped {
        let Some(at) = text.find(&placeholder) else { continue };
        let indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        let block = match body {
            Body::Items(body) => items_block(&path, &body, indent),
            Body::List(words) => list_block(&path, &words, indent),
        };
        text.replace_range(at..at + placeholder.len(), &block);
    }
    text
}

/// `path! {`, the body's lines indented one level deeper, `}`.
fn items_block(path: &str, body: &str, indent: &str) -> String {
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
    block
}

/// `path!(words);` on one line when it fits, else the words flowed one level
/// deeper, as prettyplease flows a macro's tokens.
fn list_block(path: &str, words: &[String], indent: &str) -> String {
    let one_line = format!("{path}!({});", words.join(" "));
    if indent.len() + one_line.len() <= MARGIN {
        return one_line;
    }
    let inner = format!("{indent}    ");
    let mut block = format!("{path}!(\n");
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && inner.len() + line.len() + 1 + word.len() > MARGIN {
            block.push_str(&inner);
            block.push_str(&line);
            block.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    block.push_str(&inner);
    block.push_str(&line);
    block.push('\n');
    block.push_str(indent);
    block.push_str(");");
    block
}

/// Replaces each item-shaped macro among `items` (and in their inline modules),
/// and each list macro, with a placeholder item, noting how to print it.
fn swap_macros(items: &mut [Item], swapped: &mut Vec<Swapped>) {
    for item in items {
        if let Item::Mod(m) = item
            && let Some((_, content)) = &mut m.content
        {
            swap_macros(content, swapped);
            continue;
        }
        let Item::Macro(m) = item else { continue };
        if m.ident.is_some() || has_multiline_string(&m.mac.tokens) {
            continue;
        }
        let body = match m.mac.delimiter {
            MacroDelimiter::Brace(_) => match syn::parse2::<syn::File>(m.mac.tokens.clone()) {
                Ok(body) => Body::Items(prettyplease::unparse(&body)),
                Err(_) => continue,
            },
            MacroDelimiter::Paren(_) if m.mac.path.segments.last().is_some_and(|s| LIST_MACROS.iter().any(|l| s.ident == l)) => {
                Body::List(list_words(m.mac.tokens.clone()))
            }
            _ => continue,
        };
        let path = &m.mac.path;
        let path = quote::quote!(#path).to_string().replace(' ', "");
        let placeholder = quote::format_ident!("__laid_out_macro_{}", swapped.len());
        let attrs = std::mem::take(&mut m.attrs);
        *item = syn::parse_quote!(#(#attrs)* struct #placeholder;);
        swapped.push(Swapped { placeholder: format!("struct {placeholder};"), path, body });
    }
}

/// The words of a field list (`Model => Builder { req a: Vec<crate::models::X>, opt b: i64 = "b" }`)
/// as Rust is spaced: where a space goes, a line may break.
fn list_words(tokens: TokenStream) -> Vec<String> {
    let mut pieces = Vec::new();
    flatten(tokens, &mut pieces);
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<&str> = None;
    // A field's kind and name stay on the line of its type, and `=` on that of its key.
    let word_like = |p: &str| p.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    let mut keep = false;
    for (i, piece) in pieces.iter().enumerate() {
        let glued = match (previous, piece.as_str()) {
            (None, _) => false,
            (_, "," | ":" | ">" | ">>") => true,
            (Some(p), "::") => p.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '>') || p == "<",
            (Some(p), "<") => p.ends_with(|c: char| c.is_alphanumeric() || c == '_'),
            (Some("::" | "<" | "&" | "("), _) => true,
            (_, ")") => true,
            _ => false,
        };
        match words.last_mut() {
            Some(word) if glued => word.push_str(piece),
            Some(word) if keep => {
                word.push(' ');
                word.push_str(piece);
            }
            _ => words.push(piece.clone()),
        }
        keep = matches!(piece.as_str(), ":" | "=") || (word_like(piece) && pieces.get(i + 1).is_some_and(|next| word_like(next)));
        previous = Some(piece);
    }
    words
}

/// `tokens` as the texts of their tokens, groups opened and closed, and
/// joint punctuation (`::`, `=>`) kept together.
fn flatten(tokens: TokenStream, out: &mut Vec<String>) {
    let mut joint = false;
    for token in tokens {
        match token {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    out.push(open.to_string());
                }
                flatten(g.stream(), out);
                if !close.is_empty() {
                    out.push(close.to_string());
                }
                joint = false;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                match out.last_mut() {
                    // Only operators: `>` before `,` is joint too, but two tokens.
                    Some(last) if joint && matches!((last.as_str(), c), (":", ':') | ("=", '>') | ("-", '>') | (">", '>')) => last.push(c),
                    _ => out.push(c.to_string()),
                }
                joint = p.spacing() == Spacing::Joint;
            }
            other => {
                out.push(other.to_string());
                joint = false;
            }
        }
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
    fn field_lists_are_spaced_as_rust_and_flow_at_the_margin() {
        let short = layout(r#"crate::runtime::model!(Pet { req id: Vec<models::Id>, opt r#type: String = "type" });"#);
        assert_eq!(short, "crate::runtime::model!(Pet { req id: Vec<models::Id>, opt r#type: String = \"type\" });\n");
        let long = layout(
            r#"#[cfg(feature = "a")] crate::runtime::model!(Pet => PetBuilder { req id: String, opt tags: Vec<::std::collections::BTreeMap<String, ::serde_json::Value>>, null owner: crate::models::Owner, opt label: String = "the label" } additional_properties);"#,
        );
        assert_eq!(
            long,
            "#[cfg(feature = \"a\")]\ncrate::runtime::model!(\n    Pet => PetBuilder { req id: String,\n    opt tags: Vec<::std::collections::BTreeMap<String, ::serde_json::Value>>,\n    null owner: crate::models::Owner, opt label: String = \"the label\" }\n    additional_properties\n);\n"
        );
        // At the margin (89 columns, indent included) and one past it.
        let setters = layout("pub mod m { crate::runtime::model_setters!(Pet { with_a => opt a: i64, with_b => null b: Xxxx }); }");
        assert_eq!(setters, "pub mod m {\n    crate::runtime::model_setters!(Pet { with_a => opt a: i64, with_b => null b: Xxxx });\n}\n");
        let setters = layout("pub mod m { crate::runtime::model_setters!(Pet { with_a => opt a: i64, with_b => null b: Xxxxx }); }");
        assert_eq!(setters, "pub mod m {\n    crate::runtime::model_setters!(\n        Pet { with_a => opt a: i64, with_b => null b: Xxxxx }\n    );\n}\n");
    }

    #[test]
    fn other_macros_keep_prettyplease_layout() {
        // Not items, parentheses, or a string spanning lines: printed as prettyplease does.
        for source in ["m! { a => b }", "m!(pub struct S;);", "m! { #[doc = \"a\nb\"] pub struct S; }", "crate::runtime::open_enum!(E, Unknown { A = \"a\" });"] {
            let file: syn::File = syn::parse_str(source).expect("valid Rust");
            assert_eq!(layout(source), prettyplease::unparse(&file), "{source}");
        }
    }
}
