//! Spec prose → rustdoc attributes that render well and raise no rustdoc warnings.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` lines for `text` (prettyplease prints them as `///`).
pub fn doc(text: &str) -> TokenStream {
    let lines: Vec<String> = sanitise(text).lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect();
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = ...]` lines: documentation of the enclosing module.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines: Vec<String> = sanitise(text).lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect();
    quote! { #(#![doc = #lines])* }
}

/// Doc lines from the first present text, or `fallback`.
pub fn doc_or(texts: &[Option<&str>], fallback: &str) -> TokenStream {
    let text = texts.iter().flatten().find(|t| !t.trim().is_empty()).copied().unwrap_or(fallback);
    doc(text)
}

/// Makes spec Markdown safe for rustdoc: code fences become `text` blocks (not
/// doctests), bare URLs get angle brackets, and `[x]` that is not a link is escaped.
pub fn sanitise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    let mut previous_is_list_item = false;
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Tabs render unpredictably in rustdoc (clippy::tabs_in_doc_comments).
        let expanded;
        let line = if line.contains('\t') {
            expanded = line.replace('\t', "    ");
            expanded.trim_end()
        } else {
            line.trim_end()
        };
        if line.trim_start().starts_with("```") {
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            // A plain line right after a list item would be a lazy continuation
            // of it (clippy::doc_lazy_continuation): start a paragraph instead.
            if !line.is_empty() && !line.starts_with(char::is_whitespace) && !is_list_item(line) && previous_is_list_item {
                out.push('\n');
            }
            out.push_str(&sanitise_line(line));
        }
        previous_is_list_item = !in_fence && (is_list_item(line) || (previous_is_list_item && line.starts_with(char::is_whitespace) && !line.trim().is_empty()));
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

/// A Markdown list item: `- x`, `* x`, `+ x` or `1. x` (after any indentation).
fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") || (digits > 0 && line[digits..].starts_with(". "))
}

fn sanitise_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().take(8).collect();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        if (rest.starts_with("http://") || rest.starts_with("https://")) && !matches!(prev, Some('(' | '<' | '"' | '\'' | '=')) {
            let end = chars[i..].iter().position(|c| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'')).map_or(chars.len(), |p| i + p);
            let mut url_end = end;
            while url_end > i && matches!(chars[url_end - 1], '.' | ',' | ';' | ':' | '!' | '?') {
                url_end -= 1;
            }
            out.push('<');
            out.extend(&chars[i..url_end]);
            out.push('>');
            i = url_end;
            continue;
        }
        if c == '[' {
            if let Some(close) = chars[i..].iter().position(|&c| c == ']').map(|p| i + p)
                && chars.get(close + 1) == Some(&'(') {
                    out.push(c);
                    i += 1;
                    continue;
                }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' && chars.get(i + 1) != Some(&'(') {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitise;

    #[test]
    fn bare_urls_get_angle_brackets() {
        assert_eq!(sanitise("see https://openrouter.ai/docs."), "see <https://openrouter.ai/docs>.");
        assert_eq!(sanitise("[docs](https://x.y/z)"), "[docs](https://x.y/z)");
    }

    #[test]
    fn fences_are_not_doctests() {
        assert_eq!(sanitise("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
        assert_eq!(sanitise("```json\n{}"), "```text\n{}\n```");
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(sanitise("| a\t| b |"), "| a    | b |");
        assert_eq!(sanitise("```\n\tx\n```"), "```text\n    x\n```");
    }

    #[test]
    fn a_line_after_a_list_starts_a_paragraph() {
        assert_eq!(sanitise("- a\n- b\nThen c."), "- a\n- b\n\nThen c.");
        assert_eq!(sanitise("1. a\n  more a\nThen c."), "1. a\n  more a\n\nThen c.");
        assert_eq!(sanitise("- a\n\nThen c."), "- a\n\nThen c.");
        assert_eq!(sanitise("Plain\ntext."), "Plain\ntext.");
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(sanitise("a [b] c"), "a \\[b\\] c");
        assert_eq!(sanitise("`[b]`"), "`[b]`");
    }
}
