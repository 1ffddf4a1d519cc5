//! `examples/tutorial-settings.json` is exactly what the page's Export settings writes for
//! the tutorial defaults (the settings module's own `export_json`), and the runner reads
//! it as it is. `PDE_WRITE_EXAMPLES=1 cargo test --test headless_example` rewrites it.

#![cfg(not(target_arch = "wasm32"))]

use phantom_de::headless::inputs::read_settings;
use phantom_de::settings::{export_json, Settings};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/tutorial-settings.json"
);

#[test]
fn the_example_is_the_pages_export_of_the_tutorial_defaults() {
    let exported = export_json(&Settings::tutorial_defaults()).expect("exports");
    if std::env::var_os("PDE_WRITE_EXAMPLES").is_some() {
        std::fs::write(PATH, &exported).expect("writes the example");
    }
    let shipped = std::fs::read_to_string(PATH).expect("examples/tutorial-settings.json exists");
    assert_eq!(
        shipped, exported,
        "examples/tutorial-settings.json differs from export_json(&Settings::tutorial_defaults()); \
         rewrite it with PDE_WRITE_EXAMPLES=1 cargo test --test headless_example"
    );
}

#[test]
fn the_runner_reads_the_example_as_it_is() {
    let text = std::fs::read_to_string(PATH).expect("example");
    let settings = read_settings(&text).expect("the runner reads the example");
    assert_eq!(settings, Settings::tutorial_defaults());
}
