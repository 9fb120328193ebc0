//! `multipart/form-data` bodies (RFC 7578), built as bytes so that a retry can
//! resend them.
//!
//! Field names and file names are escaped as the HTML standard's multipart
//! encoding does (`"` → `%22`, CR → `%0D`, LF → `%0A`), so a name can neither
//! end its quoted string nor start a header of its own. A file's content type
//! must be a plain header value. The boundary is chosen when the body is
//! finished, and never occurs inside any part.

use std::fmt;

use bytes::Bytes;
#[cfg(feature = "multipart-text")]
use serde::Serialize;

use super::errors::RequestError;
#[cfg(feature = "multipart-file")]
use super::file::FileUpload;
#[cfg(feature = "multipart-text")]
use super::text::scalar_text;

/// The content type of a file part that declares none.
#[cfg(feature = "multipart-file")]
const DEFAULT_FILE_TYPE: &str = "application/octet-stream";

/// One part: its headers (ending with the blank line) and its content.
struct Part {
    head: String,
    content: Bytes,
}

/// Builds a `multipart/form-data` body as bytes, so that a retry can resend it.
///
/// Parts are added with [`Multipart::value`] and [`Multipart::file`];
/// [`Multipart::finish`] picks a boundary found in no part and returns the
/// content type and the body.
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

impl fmt::Debug for Multipart {
    /// The number of parts, not their contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart").field("parts", &self.parts.len()).finish()
    }
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Multipart::default()
    }

    #[cfg(feature = "multipart-text")]
    /// A text part named `name`: a string as itself, other JSON values as JSON
    /// text; `null` adds no part. `label` (`METHOD /path/template`) names the
    /// call in the error if `value` cannot be serialized.
    pub fn value<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        label: &str,
    ) -> Result<(), RequestError> {
        let value = serde_json::to_value(value).map_err(|e| {
            RequestError::new(label, format!("cannot encode the `{name}` part: {e}"))
        })?;
        if value.is_null() {
            return Ok(());
        }
        self.parts.push(Part {
            head: disposition(name, None) + "\r\n\r\n",
            content: Bytes::from(scalar_text(&value)),
        });
        Ok(())
    }

    #[cfg(feature = "multipart-file")]
    /// A file part named `name`, with the file's name and content type
    /// (`application/octet-stream` when it has none). Fails, naming the call
    /// `label` (`METHOD /path/template`), when the content type is not a valid
    /// header value (empty, not ASCII, or holding a control character such as
    /// CR or LF), rather than send a header the caller did not mean.
    pub fn file(&mut self, name: &str, file: &FileUpload, label: &str) -> Result<(), RequestError> {
        let content_type = file.content_type.as_deref().map(|t| t.trim_matches([' ', '\t'])).unwrap_or(DEFAULT_FILE_TYPE);
        if !is_header_value(content_type) {
            return Err(RequestError::new(
                label,
                format!("the content type of the `{name}` file is not a valid header value: {content_type:?}"),
            ));
        }
        self.parts.push(Part {
            head: format!(
                "{}\r\nContent-Type: {content_type}\r\n\r\n",
                disposition(name, Some(&file.file_name))
            ),
            content: file.bytes.clone(),
        });
        Ok(())
    }

    /// The content type (`multipart/form-data; boundary=...`) and the body.
    pub fn finish(self) -> (String, Bytes) {
        let boundary = pick_boundary(&self.parts, random_boundary);
        let size = self
            .parts
            .iter()
            .map(|p| boundary.len() + p.head.len() + p.content.len() + 6)
            .sum::<usize>()
            + boundary.len()
            + 6;
        let mut body = Vec::with_capacity(size);
        for part in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(part.head.as_bytes());
            body.extend_from_slice(&part.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        (format!("multipart/form-data; boundary={boundary}"), Bytes::from(body))
    }
}

/// The `Content-Disposition` line of a part (without its line ending).
fn disposition(name: &str, file_name: Option<&str>) -> String {
    let mut line = format!("Content-Disposition: form-data; name=\"{}\"", escape(name));
    if let Some(file_name) = file_name {
        line.push_str(&format!("; filename=\"{}\"", escape(file_name)));
    }
    line
}

/// A field or file name as the HTML standard escapes it in a multipart body:
/// `"`, CR and LF percent-encoded, everything else (`%` included) as is.
fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `value` can be sent as a part header value as is: non-empty,
/// printable ASCII, spaces and tabs.
#[cfg(feature = "multipart-file")]
fn is_header_value(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// A fresh boundary: 128 random bits in hex (45 characters in all, within the
/// 70 RFC 2046 allows, and of characters that need no quoting).
fn random_boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    // Each `RandomState` has its own keys, seeded randomly per thread.
    let word = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        hasher.write_u128(now.map_or(0, |d| d.as_nanos()));
        hasher.finish()
    };
    format!("sdk-boundary-{:016x}{:016x}", word(), word())
}

/// The first boundary from `next` found in no part (headers or content). A
/// random boundary collides only by chance, so this almost always takes one try;
/// checking makes the body correct even then.
fn pick_boundary(parts: &[Part], mut next: impl FnMut() -> String) -> String {
    loop {
        let boundary = next();
        let collides = parts.iter().any(|p| {
            contains(p.head.as_bytes(), boundary.as_bytes()) || contains(&p.content, boundary.as_bytes())
        });
        if !collides {
            return boundary;
        }
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let mut rest = haystack;
    while let Some(i) = rest.iter().position(|&b| b == first) {
        if rest[i..].starts_with(needle) {
            return true;
        }
        rest = &rest[i + 1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One part of a body read back: its header lines and its content.
    #[derive(Debug)]
    struct ParsedPart {
        headers: Vec<String>,
        content: Vec<u8>,
    }

    /// Splits a finished body on its boundary, checking the framing on the way.
    fn parse(content_type: &str, body: &[u8]) -> Vec<ParsedPart> {
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a multipart content type");
        assert!(!boundary.is_empty() && boundary.len() <= 70, "{boundary}");
        let close = format!("--{boundary}--\r\n");
        let body = body.strip_suffix(close.as_bytes()).expect("the closing delimiter ends the body");
        if body.is_empty() {
            return Vec::new();
        }
        let open = format!("--{boundary}\r\n");
        let body = body.strip_prefix(open.as_bytes()).expect("the body starts with a delimiter");
        let body = body.strip_suffix(b"\r\n").expect("the last part ends with CRLF");
        let delimiter = format!("\r\n--{boundary}\r\n");
        split(body, delimiter.as_bytes())
            .into_iter()
            .map(|part| {
                let end = part.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end with a blank line");
                let headers = std::str::from_utf8(&part[..end]).unwrap();
                ParsedPart {
                    headers: headers.split("\r\n").map(String::from).collect(),
                    content: part[end + 4..].to_vec(),
                }
            })
            .collect()
    }

    fn split<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
        let mut pieces = Vec::new();
        while let Some(i) = bytes.windows(delimiter.len()).position(|w| w == delimiter) {
            pieces.push(&bytes[..i]);
            bytes = &bytes[i + delimiter.len()..];
        }
        pieces.push(bytes);
        pieces
    }

    #[test]
    fn parts_read_back_with_their_names_types_and_bytes() {
        let mut form = Multipart::new();
        form.value("title", &"a \"quoted\"\r\nline", "POST /files").unwrap();
        form.value("count", &3, "POST /files").unwrap();
        form.value("tags", &vec!["x", "y"], "POST /files").unwrap();
        form.value("skipped", &Option::<u8>::None, "POST /files").unwrap();
        let binary: Vec<u8> = (0..=255).collect();
        form.file("upload", &FileUpload::new("report.pdf", binary.clone()).content_type("application/pdf"), "POST /files")
            .unwrap();
        form.file("raw", &FileUpload::new("", Bytes::new()), "POST /files").unwrap();
        let (content_type, body) = form.finish();
        let parts = parse(&content_type, &body);
        assert_eq!(parts.len(), 5, "{parts:?}");

        assert_eq!(parts[0].headers, ["Content-Disposition: form-data; name=\"title\""]);
        assert_eq!(parts[0].content, b"a \"quoted\"\r\nline", "values are sent unescaped");
        assert_eq!(parts[1].content, b"3");
        assert_eq!(parts[2].content, b"[\"x\",\"y\"]");
        assert_eq!(
            parts[3].headers,
            ["Content-Disposition: form-data; name=\"upload\"; filename=\"report.pdf\"", "Content-Type: application/pdf"]
        );
        assert_eq!(parts[3].content, binary);
        assert_eq!(
            parts[4].headers,
            ["Content-Disposition: form-data; name=\"raw\"; filename=\"\"", "Content-Type: application/octet-stream"]
        );
        assert!(parts[4].content.is_empty());
    }

    #[test]
    fn names_and_file_names_cannot_break_out_of_their_quotes() {
        let mut form = Multipart::new();
        let name = "a\"b\r\nContent-Type: text/html\r\n\r\nx";
        form.value(name, &"v", "POST /f").unwrap();
        form.file("f\"ile", &FileUpload::new("evil\".txt\r\nX-Injected: 1\n%22", "data"), "POST /f").unwrap();
        let (content_type, body) = form.finish();
        let parts = parse(&content_type, &body);
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0].headers,
            ["Content-Disposition: form-data; name=\"a%22b%0D%0AContent-Type: text/html%0D%0A%0D%0Ax\""]
        );
        assert_eq!(parts[0].content, b"v");
        assert_eq!(
            parts[1].headers,
            [
                "Content-Disposition: form-data; name=\"f%22ile\"; filename=\"evil%22.txt%0D%0AX-Injected: 1%0A%22\"",
                "Content-Type: application/octet-stream",
            ]
        );
        assert_eq!(parts[1].content, b"data");
    }

    #[test]
    fn invalid_content_types_are_refused() {
        for bad in ["text/plain\r\nX-Injected: 1", "text/plain\n", "a\rb", "", "  ", "text/plaïn", "a\0b", "a\x7fb"] {
            let mut form = Multipart::new();
            let file = FileUpload::new("f.txt", "x").content_type(bad);
            let error = form.file("f", &file, "POST /upload").unwrap_err();
            assert_eq!(error.request, "POST /upload");
            assert!(error.reason.contains("`f`"), "{}", error.reason);
            assert!(form.parts.is_empty(), "nothing was added for {bad:?}");
        }
        let mut form = Multipart::new();
        let file = FileUpload::new("f.txt", "x").content_type(" text/plain; charset=utf-8\t");
        form.file("f", &file, "POST /upload").unwrap();
        let (content_type, body) = form.finish();
        assert_eq!(parse(&content_type, &body)[0].headers[1], "Content-Type: text/plain; charset=utf-8");
    }

    #[test]
    fn the_boundary_never_occurs_in_a_part() {
        let mut form = Multipart::new();
        form.value("a", &"contains first-boundary inside", "POST /f").unwrap();
        form.value("second-boundary", &"x", "POST /f").unwrap();
        let mut candidates = ["first-boundary", "second-boundary", "third-boundary"].into_iter();
        let boundary = pick_boundary(&form.parts, || candidates.next().unwrap().to_string());
        assert_eq!(boundary, "third-boundary", "both the content and the headers are checked");

        // Random boundaries differ from one body to the next.
        let (first, _) = Multipart::new().finish();
        let (second, _) = Multipart::new().finish();
        assert_ne!(first, second);
        assert!(contains(b"abcabd", b"abd") && !contains(b"abcab", b"abd") && contains(b"x", b""));
    }

    #[test]
    fn an_empty_body_is_only_the_closing_delimiter() {
        let (content_type, body) = Multipart::new().finish();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(body, format!("--{boundary}--\r\n"));
        assert!(parse(&content_type, &body).is_empty());
    }

    #[test]
    fn debug_shows_no_contents() {
        let file = FileUpload::new("a.bin", vec![1u8, 2, 3]).content_type("application/x-secret");
        let debug = format!("{file:?}");
        assert_eq!(debug, "FileUpload { file_name: \"a.bin\", content_type: Some(\"application/x-secret\"), len: 3 }");
    }
}
