//! Browser-test helpers shared by the `wasm_*` tests: mount the app into a fresh element,
//! and read texts out of the DOM.
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Mounts the whole app into a new `<div>` appended to `<body>`; returns the element and
/// the mount handle (drop it to unmount).
pub fn mount_app() -> (
    HtmlElement,
    leptos::mount::UnmountHandle<impl leptos::tachys::view::Mountable>,
) {
    let root = new_root();
    let handle = leptos::mount::mount_to(root.clone(), phantom_de::ui::App);
    (root, handle)
}

/// The text of every element matching `selector` under `root`, in document order.
pub fn texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).expect("query");
    (0..nodes.length())
        .filter_map(|i| nodes.item(i).and_then(|n| n.text_content()))
        .collect()
}

/// A new `<div>` appended to `<body>`, to mount into.
pub fn new_root() -> HtmlElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root: HtmlElement = document
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("HtmlElement");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    root
}

/// Chooses `value` in the `<select>` matching `selector` under `root`, with the `change`
/// event a person's choice sends.
pub fn choose(root: &HtmlElement, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = root
        .query_selector(selector)
        .expect("query")
        .expect("the select")
        .dyn_into()
        .expect("select");
    select.set_value(value);
    let event = web_sys::Event::new("change").expect("event");
    select.dispatch_event(&event).expect("dispatch");
}
