//! Witness for `field_becomes_required` (`Key.color`: optional → required): the field's type goes
//! from `Option<Color>` to `Color`, a change cargo-semver-checks 0.51 has no lint for (models are
//! built by name, so no constructor's parameter count changes), so this code, which compiles
//! against the old crate, must fail against the new one (`cargo xtask semver` checks both).
use semver_field_becomes_required::models::Key;

pub fn has_color(key: &Key) -> bool {
    key.color.is_some()
}
