//! Entry point: mounts the app in the browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    phantom_de::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("phantom-de runs in the browser: start it with `scripts/serve`.");
    std::process::exit(2);
}
