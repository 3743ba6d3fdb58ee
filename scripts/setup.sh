#!/usr/bin/env bash
# Installs what building Tessera needs, skipping whatever is already there:
# the pinned Rust toolchain with the wasm target, cargo-leptos, wasm-bindgen (at the version in
# Cargo.lock) and wasm-opt (npm's binaryen). With --test, also Chromium, PostgreSQL and the
# end-to-end test packages and Schemathesis. Nothing is fetched from outside the Rust, npm, PyPI
# and Debian registries.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

if ! command -v rustup >/dev/null; then
  echo "rustup is needed: see https://rustup.rs" >&2
  exit 1
fi
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^$toolchain"; then
  say "installing Rust $toolchain"
  rustup toolchain install "$toolchain" --profile minimal -c clippy,rustfmt
fi
if ! rustup target list --installed --toolchain "$toolchain" | grep -q wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown --toolchain "$toolchain"
fi

# Release installs of the build tools without fat LTO: minutes instead of a quarter hour.
fast_install() { CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"; }

leptos_version=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$leptos_version"; then
  say "installing cargo-leptos $leptos_version (a few minutes, once)"
  fast_install --locked cargo-leptos --version "$leptos_version" --features no_downloads
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$bindgen_version"; then
  say "installing wasm-bindgen-cli $bindgen_version (about two minutes, once)"
  # Not --locked: its lock file names a webpki-roots release the registry no longer serves.
  fast_install wasm-bindgen-cli --version "$bindgen_version"
fi

if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if ! wasm-opt --version 2>/dev/null | grep -q "version 132"; then
  say "installing wasm-opt (npm binaryen@132)"
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --silent binaryen@132 >/dev/null
fi

if $for_tests; then
  apt_install chromium postgresql fonts-dejavu-core
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    say "installing the end-to-end test packages"
    (cd end2end && npm ci --no-audit --no-fund --silent)
  fi
  # From PyPI: Schemathesis for the API's schema tests, aiosmtpd the mail server the email tests send to.
  python_tools=("schemathesis==4.32.5" "aiosmtpd==1.4.6")
  if ! .tools/venv/bin/pip freeze 2>/dev/null | grep -qxF -e "${python_tools[0]}" || \
     ! .tools/venv/bin/pip freeze 2>/dev/null | grep -qxF -e "${python_tools[1]}"; then
    say "installing ${python_tools[*]} (PyPI) in .tools/venv"
    mkdir -p .tools
    [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv 2>/dev/null || { apt_install python3-venv && python3 -m venv .tools/venv; }
    .tools/venv/bin/pip install --quiet --disable-pip-version-check "${python_tools[@]}"
  fi
fi
say "ready"
