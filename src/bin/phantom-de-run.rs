//! `phantom-de-run SETTINGS.json`: runs the settings the page exports without a browser
//! (see `phantom_de::headless` and `--help`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(phantom_de::headless::main_with(std::env::args().skip(1)));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
