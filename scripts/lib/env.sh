# Sourced by every script: one place for paths and tool versions.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
TERSER_VERSION="5.51.4"
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

# Builds the release page (dist/). Its standard library is rebuilt from the rust-src
# component (scripts/setup installs it) with the page's own size settings, and a panic
# aborts at once instead of formatting a message first: the panic machinery's strings,
# locations and formatting code leave the .wasm (33 KB gzip, issue 12). Both are Leptos's
# own advice for small pages and are unstable flags; RUSTC_BOOTSTRAP lets the pinned
# stable toolchain take them, for this build only (host tests, clippy and the wasm tests
# build as before, with panic messages). RUSTFLAGS replaces .cargo/config.toml's wasm32
# rustflags, so `--cfg erase_components` is repeated here.
build_page() {
  RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort" \
    trunk build --release --locked "$@"
}
