//! `multipart/form-data` bodies, built as bytes so that a retry can resend them.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::errors::RequestError;
use super::retry::jitter_unit;
use super::text::scalar_text;

/// A file sent in a `multipart/form-data` body.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileUpload {
    /// The file name sent with the part (servers often infer the format from it).
    pub file_name: String,
    /// The part's content type (default `application/octet-stream`).
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Bytes,
}

impl FileUpload {
    /// A file from its name and bytes.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FileUpload {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the part's content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FileUpload {
    /// The name and size, not the contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Serialize for FileUpload {
    /// Outside multipart bodies a file is its raw bytes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> Deserialize<'de> for FileUpload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        Ok(FileUpload {
            bytes: Bytes::from(bytes),
            ..FileUpload::default()
        })
    }
}

/// Builds a `multipart/form-data` body as bytes, so that a retry can resend it.
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Self {
        let boundary = format!(
            "sdk-boundary-{:016x}",
            (jitter_unit() * u64::MAX as f64) as u64
        );
        Multipart {
            boundary,
            body: Vec::new(),
        }
    }

    fn header(&mut self, name: &str, file: Option<(&str, &str)>) {
        let name = name.replace('"', "%22");
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"",
                self.boundary
            )
            .as_bytes(),
        );
        if let Some((file_name, content_type)) = file {
            let file_name = file_name.replace('"', "%22");
            self.body.extend_from_slice(
                format!("; filename=\"{file_name}\"\r\nContent-Type: {content_type}").as_bytes(),
            );
        }
        self.body.extend_from_slice(b"\r\n\r\n");
    }

    /// A text part; JSON values other than strings are sent as JSON text.
    pub fn value<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        label: &str,
    ) -> Result<(), RequestError> {
        let value = serde_json::to_value(value)
            .map_err(|e| RequestError::new(label, format!("cannot encode the `{name}` part: {e}")))?;
        if value.is_null() {
            return Ok(());
        }
        self.header(name, None);
        self.body.extend_from_slice(scalar_text(&value).as_bytes());
        self.body.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// A file part.
    pub fn file(&mut self, name: &str, file: &FileUpload) {
        self.header(
            name,
            Some((
                &file.file_name,
                file.content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
            )),
        );
        self.body.extend_from_slice(&file.bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    pub fn finish(mut self) -> (String, Bytes) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            Bytes::from(self.body),
        )
    }
}

