//! Witness for `type_changed` (`Key.id`: string → integer): cargo-semver-checks 0.51 has no lint
//! for a field's or a parameter's type, so this code, which compiles against the old crate, must
//! fail against the new one (`cargo xtask semver` checks both).
use semver_type_changed::models::Key;

pub fn id_of(key: &Key) -> &String {
    &key.id
}

pub fn make(id: &str) -> Key {
    Key::builder().id(id).label("label").build().expect("every required field is set")
}
