#!/usr/bin/env bash
# Builds the portal (server, split WASM, styles) and compresses its static files, unless the
# sources are what the last build of the same kind was made from: then it says so and stops.
#   bash scripts/build.sh [--release]
# Expects the tools on PATH (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
flags=(--split)
compress=(--quick)
if [ "${1:-}" = "--release" ]; then
  profile=release
  flags+=(--release)
  compress=()
fi

# What the build is made from: every source file's content (not its time), and the kind of build.
fingerprint=$( {
  echo "$profile"
  git ls-files -z --cached --others --exclude-standard -- app frontend server style public migrations Cargo.toml Cargo.lock rust-toolchain.toml \
    | sort -z | xargs -0 sha256sum 2>/dev/null
} | sha256sum | cut -d' ' -f1)
# The stamp also names the binary the build made: `cargo test` or `cargo build` rebuild it without
# cargo-leptos's settings, and such a binary must not pass for the portal's.
stamp=target/site/.built-from
binary() { sha256sum "target/$profile/tessera" 2>/dev/null | cut -d' ' -f1; }
if [ -x "target/$profile/tessera" ] && [ -f target/site/pkg/.compressed ] \
  && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint $(binary)" ]; then
  echo "[build] the $profile portal is up to date"
  exit 0
fi

echo "[build] building the $profile portal (first time: several minutes)"
rm -rf target/site/pkg
cargo leptos build "${flags[@]}"
"./target/$profile/tessera" compress-assets target/site/pkg "${compress[@]}"
touch target/site/pkg/.compressed
echo "$fingerprint $(binary)" > "$stamp"
