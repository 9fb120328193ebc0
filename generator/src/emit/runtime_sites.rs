//! Where the runtime's sources have `cfg` attributes: for each node that has
//! one (an item, impl item, variant, field, field value, statement, match arm
//! or `let`), the predicate's text and the byte ranges of the attribute and of
//! the node, attributes and docs included.
//!
//! The generator's build script runs this over `generator/runtime/src` with syn,
//! so that codegen only evaluates the predicates (`emit::runtime`) instead of
//! parsing the runtime again for every crate.

use std::ops::Range;

use syn::spanned::Spanned;
use syn::visit::Visit;

/// One `cfg` attribute: its predicate (`feature = "sse"`, `any(...)`), its own
/// byte range and that of the node it is on.
pub type Site = (String, Range<usize>, Range<usize>);

/// The `cfg` sites of `source`, in source order, nested ones included.
pub fn sites(source: &str) -> syn::Result<Vec<Site>> {
    let file = syn::parse_file(source)?;
    let mut visitor = Sites(Vec::new());
    visitor.visit_file(&file);
    Ok(visitor.0)
}

struct Sites(Vec<Site>);

impl Sites {
    fn note(&mut self, attrs: &[syn::Attribute], node: proc_macro2::Span) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            if let syn::Meta::List(list) = &attr.meta {
                self.0.push((list.tokens.to_string(), attr.span().byte_range(), node.byte_range()));
            }
        }
    }
}

impl<'ast> Visit<'ast> for Sites {
    fn visit_item(&mut self, node: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match node {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        self.note(attrs, node.span());
        syn::visit::visit_item(self, node);
    }

    fn visit_impl_item(&mut self, node: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match node {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            _ => &[],
        };
        self.note(attrs, node.span());
        syn::visit::visit_impl_item(self, node);
    }

    fn visit_variant(&mut self, node: &'ast syn::Variant) {
        self.note(&node.attrs, node.span());
        syn::visit::visit_variant(self, node);
    }

    fn visit_field(&mut self, node: &'ast syn::Field) {
        self.note(&node.attrs, node.span());
        syn::visit::visit_field(self, node);
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        self.note(&node.attrs, node.span());
        syn::visit::visit_field_value(self, node);
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        let attrs: &[syn::Attribute] = match node {
            syn::Stmt::Expr(syn::Expr::If(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::Block(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::ForLoop(e), _) => &e.attrs,
            syn::Stmt::Expr(syn::Expr::MethodCall(e), _) => &e.attrs,
            _ => &[],
        };
        self.note(attrs, node.span());
        syn::visit::visit_stmt(self, node);
    }

    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        self.note(&node.attrs, node.span());
        syn::visit::visit_arm(self, node);
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        self.note(&node.attrs, node.span());
        syn::visit::visit_local(self, node);
    }
}
