//! Path parameters: each value stays exactly one path segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::errors::ValidationError;

/// Everything but the unreserved characters of RFC 3986 is escaped, `/` included.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A path parameter as one percent-encoded segment. `""`, `"."` and `".."`
/// are refused: after URL normalisation they would address another resource
/// (the collection, or the API root) instead of the one named.
pub fn path_segment(name: &'static str, value: &str) -> Result<String, ValidationError> {
    if matches!(value, "" | "." | "..") {
        let rule = if value.is_empty() { "a non-empty path segment" } else { "a path segment other than `.` and `..`" };
        return Err(ValidationError { field: name.to_string(), rule: rule.to_string() });
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_one_segment() {
        assert_eq!(path_segment("id", "abc-1.2_3~").unwrap(), "abc-1.2_3~");
        assert_eq!(path_segment("id", "a/b?c#d e").unwrap(), "a%2Fb%3Fc%23d%20e");
        assert_eq!(path_segment("id", "é").unwrap(), "%C3%A9");
        assert_eq!(path_segment("id", "...").unwrap(), "...");
    }

    #[test]
    fn empty_and_dot_segments_are_refused_naming_the_parameter() {
        for bad in ["", ".", ".."] {
            let e = path_segment("id", bad).unwrap_err();
            assert_eq!(e.field, "id", "{bad:?}");
        }
    }
}
