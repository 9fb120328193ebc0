//! Witness for `nullable_becomes_non_nullable` (`Key.name`: string or null → string): its type goes
//! from `Nullable<String>` to `Option<String>`, a change cargo-semver-checks 0.51 has no lint for,
//! so this code, which compiles against the old crate, must fail against the new one
//! (`cargo xtask semver` checks both).
use semver_nullable_becomes_non_nullable::models::Key;
use semver_nullable_becomes_non_nullable::Nullable;

pub fn clear_name(key: &mut Key) {
    key.name = Nullable::Null;
}
