//! The page skeleton, mounted in headless Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

#[path = "support/dom.rs"]
mod dom;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_app() -> web_sys::HtmlElement {
    let (root, handle) = dom::mount_app();
    handle.forget();
    root
}

#[wasm_bindgen_test]
fn app_shows_title_and_every_settings_section() {
    let root = mount_app();
    let h1 = root.query_selector("h1").expect("query").expect("an h1");
    assert_eq!(
        h1.text_content().as_deref(),
        Some("Phantom Decision Engine")
    );
    let legends = root.query_selector_all("fieldset legend").expect("query");
    let titles: Vec<String> = (0..legends.length())
        .filter_map(|i| legends.item(i).and_then(|n| n.text_content()))
        .collect();
    assert_eq!(
        titles,
        [
            "Endpoint",
            "Credentials",
            "Clouds",
            "Launch configuration",
            "Domain",
            "Ramp",
            "Simulation"
        ]
    );
}

#[wasm_bindgen_test]
fn run_button_is_disabled_with_a_visible_reason() {
    let root = mount_app();
    let button = root
        .query_selector("button[type=submit]")
        .expect("query")
        .expect("Run button");
    assert!(button.has_attribute("disabled"));
    let reason_id = button
        .get_attribute("aria-describedby")
        .expect("described by a reason");
    let reason = root
        .query_selector(&format!("#{reason_id}"))
        .expect("query")
        .expect("reason");
    assert!(!reason.text_content().unwrap_or_default().is_empty());
}
