//! The same signing vectors, signed inside headless Chromium: the wasm build must produce
//! byte-identical requests.
#![cfg(target_arch = "wasm32")]

#[path = "support/vectors.rs"]
mod vectors;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn botocore_vectors_sample_matches_in_the_browser() {
    let file = vectors::load(vectors::BOTOCORE);
    // Every 4th vector keeps the run short while covering every scheme and method.
    let failures = vectors::check_all(&file, 4);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[wasm_bindgen_test]
fn phantom_vectors_all_match_in_the_browser() {
    let file = vectors::load(vectors::PHANTOM);
    let failures = vectors::check_all(&file, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[wasm_bindgen_test]
fn signing_time_comes_from_the_browser_clock_without_panicking() {
    // SystemTime::now() panics on wasm32; the browser edge reads Date.now() instead.
    let now = phantom_de::sign::SigningTime::from_unix_millis(js_sys::Date::now());
    assert!(now.iso8601().starts_with("20"), "{now}");
}
