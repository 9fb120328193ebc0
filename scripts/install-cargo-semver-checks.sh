#!/usr/bin/env bash
# Installs the pinned cargo-semver-checks into target/tools/bin (used by `cargo xtask semver`).
#
# The pin: 0.51.0 reads rustdoc JSON format v57 (what rustc 1.93 to 1.95 emit), v60 and v61;
# 0.45 and older stop at v56 and refuse rustc >= 1.93's output. A Rust update that changes
# the format needs a newer pin (the tool then fails with "unsupported rustdoc format vNN").
# Skips the build when the pinned version is already there; `cargo install --locked` builds
# with the tool's own lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

version="0.51.0"
root="target/tools"
bin="$root/bin/cargo-semver-checks"

if [[ -x "$bin" ]] && [[ "$("$bin" semver-checks --version 2>/dev/null)" == "cargo-semver-checks $version" ]]; then
    echo "cargo-semver-checks $version is installed in $root"
    exit 0
fi

start=$SECONDS
cargo install --locked --version "$version" --root "$root" cargo-semver-checks
echo "installed cargo-semver-checks $version into $root in $((SECONDS - start)) s"
