//! Files: bytes with a name and a content type, sent as multipart parts or
//! received where a schema says `format: binary`.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A file sent in a `multipart/form-data` body.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileUpload {
    /// The file name sent with the part (servers often infer the format from it).
    pub file_name: String,
    /// The part's content type (default `application/octet-stream`). It must be
    /// a valid header value: printable ASCII, without CR or LF.
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

    /// Sets the part's content type (checked when the file is added to a body).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FileUpload {
    /// The name, type and size, not the contents.
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
