# Sourced by every script: one place for paths and tool versions.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
PLAYWRIGHT_VERSION="1.65.1"
NPM_DIR="$ROOT/.tools/npm"
VENV="$ROOT/.venv"
# Project-local npm tools first (wasm-opt 132), then cargo's bin. Debian's wasm-opt 108
# breaks the page at start, so it must never come first.
export PATH="$NPM_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export PDE_NODE_MODULES="$NPM_DIR/node_modules"
export PYTHON="$VENV/bin/python"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_locked_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
