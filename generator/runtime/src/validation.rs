//! Checks of the API document's constraints on a value before it is sent.

use super::errors::ValidationError;
#[cfg(feature = "validate")]
use super::nullable::Nullable;

/// Names a field for an error message. A closure, so that a value that passes
/// its checks (the usual case) costs no string building.
pub type FieldPath<'a> = &'a dyn Fn() -> String;

/// Checks the constraints of the API document on a value before it is sent.
#[cfg(feature = "validate")]
pub trait Validate {
    /// `Err` names the first field that breaks a rule, and the rule.
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError>;
}

#[cfg(feature = "validate")]
impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.iter().enumerate().try_for_each(|(i, item)| item.validate(&|| format!("{}[{i}]", path())))
    }
}

#[cfg(feature = "validate")]
impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        T::validate(self, path)
    }
}

#[cfg(feature = "validate")]
impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

#[cfg(feature = "validate")]
impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
        self.as_option().map_or(Ok(()), |v| v.validate(path))
    }
}

/// A failed rule at `path`.
#[cfg(any(feature = "validate-length", feature = "validate-items", feature = "validate-range", feature = "validate-pattern", feature = "uuid"))]
fn invalid(path: FieldPath<'_>, rule: String) -> Result<(), ValidationError> {
    Err(ValidationError { field: path(), rule })
}

/// `minLength`/`maxLength`, counted in characters. The value never appears in the error.
#[cfg(feature = "validate-length")]
pub fn check_length(path: FieldPath<'_>, value: &str, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    let len = value.chars().count();
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minLength {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxLength {max}")),
        _ => Ok(()),
    }
}

/// `minItems`/`maxItems`.
#[cfg(feature = "validate-items")]
pub fn check_items(path: FieldPath<'_>, len: usize, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    match (min, max) {
        (Some(min), _) if len < min => invalid(path, format!("minItems {min}")),
        (_, Some(max)) if len > max => invalid(path, format!("maxItems {max}")),
        _ => Ok(()),
    }
}

/// `minimum`/`maximum` (exclusive when the flags say so).
#[cfg(feature = "validate-range")]
pub fn check_range(path: FieldPath<'_>, value: f64, min: Option<(f64, bool)>, max: Option<(f64, bool)>) -> Result<(), ValidationError> {
    if let Some((min, exclusive)) = min
        && (value < min || (exclusive && value == min))
    {
        return invalid(path, format!("{} {min}", if exclusive { "exclusiveMinimum" } else { "minimum" }));
    }
    if let Some((max, exclusive)) = max
        && (value > max || (exclusive && value == max))
    {
        return invalid(path, format!("{} {max}", if exclusive { "exclusiveMaximum" } else { "maximum" }));
    }
    Ok(())
}

/// `pattern`; the expression is compiled once per pattern.
#[cfg(feature = "validate-pattern")]
pub fn check_pattern(
    path: FieldPath<'_>,
    value: &str,
    pattern: &'static str,
    compiled: &'static std::sync::OnceLock<Option<regex_lite::Regex>>,
) -> Result<(), ValidationError> {
    // The generator checked that the pattern compiles; `None` would mean it could not be checked here.
    match compiled.get_or_init(|| regex_lite::Regex::new(pattern).ok()) {
        Some(re) if !re.is_match(value) => invalid(path, format!("pattern {pattern}")),
        _ => Ok(()),
    }
}

/// `format: uuid`: 32 hexadecimal digits in the 8-4-4-4-12 hyphenated form.
#[cfg(feature = "uuid")]
pub fn check_uuid(path: FieldPath<'_>, value: &str) -> Result<(), ValidationError> {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    if lengths_ok && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        invalid(path, "format uuid".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field() -> String {
        "body.name".to_string()
    }

    #[test]
    fn lengths_count_characters() {
        assert!(check_length(&field, &"é".repeat(3), Some(1), Some(3)).is_ok());
        let e = check_length(&field, &"é".repeat(4), None, Some(3)).unwrap_err();
        assert_eq!((e.field.as_str(), e.rule.as_str()), ("body.name", "maxLength 3"));
        assert_eq!(check_length(&field, "", Some(1), None).unwrap_err().rule, "minLength 1");
    }

    #[test]
    fn ranges_respect_exclusive_bounds() {
        assert!(check_range(&field, 1.0, Some((1.0, false)), Some((100.0, false))).is_ok());
        assert_eq!(check_range(&field, 1.0, Some((1.0, true)), None).unwrap_err().rule, "exclusiveMinimum 1");
        assert_eq!(check_range(&field, 101.0, None, Some((100.0, false))).unwrap_err().rule, "maximum 100");
    }

    #[test]
    fn items_and_patterns() {
        assert_eq!(check_items(&field, 0, Some(1), None).unwrap_err().rule, "minItems 1");
        assert_eq!(check_items(&field, 3, None, Some(2)).unwrap_err().rule, "maxItems 2");
        static RE: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
        assert!(check_pattern(&field, "ab12", "^[a-z0-9]+$", &RE).is_ok());
        assert_eq!(check_pattern(&field, "AB", "^[a-z0-9]+$", &RE).unwrap_err().rule, "pattern ^[a-z0-9]+$");
    }

    #[test]
    fn uuids_are_hyphenated_hex() {
        assert!(check_uuid(&field, "123e4567-e89b-12d3-a456-426614174000").is_ok());
        assert!(check_uuid(&field, "123E4567-E89B-12D3-A456-426614174000").is_ok());
        for bad in ["", "..", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", "123e4567-e89b-12d3-a456-4266141740000"] {
            assert_eq!(check_uuid(&field, bad).unwrap_err().rule, "format uuid", "{bad:?}");
        }
    }

    struct Short(&'static str);

    impl Validate for Short {
        fn validate(&self, path: FieldPath<'_>) -> Result<(), ValidationError> {
            check_length(path, self.0, None, Some(2))
        }
    }

    #[test]
    fn containers_name_the_failing_item() {
        let items = vec![Short("ok"), Short("long")];
        let e = items.validate(&|| "body.items".to_string()).unwrap_err();
        assert_eq!(e.field, "body.items[1]");
        assert!(Nullable::<Short>::Null.validate(&field).is_ok());
        assert!(Some(Box::new(Short("xyz"))).validate(&field).is_err());
    }
}
