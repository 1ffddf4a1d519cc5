//! The settings page in headless Chromium: inline messages next to their fields, Run
//! disabled with a reason, persistence through localStorage, the secret kept out of
//! storage unless remembered, and the plan preview.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

#[path = "support/dom.rs"]
mod dom;

wasm_bindgen_test_configure!(run_in_browser);

const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-test-secret";

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

/// Every key and value in localStorage, as one text.
fn storage_dump() -> String {
    let s = storage();
    let n = s.length().expect("length");
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .map(|k| {
            format!(
                "{k}={}\n",
                s.get_item(&k).ok().flatten().unwrap_or_default()
            )
        })
        .collect()
}

/// Mounts the app in a fresh div; dropping the handle unmounts it.
fn mount_app() -> (HtmlElement, impl Sized) {
    dom::mount_app()
}

fn unmount(root: HtmlElement, handle: impl Sized) {
    drop(handle);
    root.remove();
}

/// Lets effects and re-renders run.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(60).await;
}

fn find(root: &HtmlElement, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{selector} not found"))
}

fn try_find(root: &HtmlElement, selector: &str) -> Option<Element> {
    root.query_selector(selector).expect("valid selector")
}

fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(root, selector).dyn_into().expect("an input")
}

fn text(root: &HtmlElement, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn click(root: &HtmlElement, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("HtmlElement")
        .click();
}

/// Types `value` into a field as a person would (value, then a bubbling input event).
fn type_into(root: &HtmlElement, selector: &str, value: &str) {
    let el = input(root, selector);
    el.set_value(value);
    let ev = web_sys::Event::new("input").expect("event");
    ev.init_event_with_bubbles("input", true);
    el.dispatch_event(&ev).expect("dispatch");
}

fn run_button(root: &HtmlElement) -> Element {
    find(root, "button[type=submit]")
}

async fn fresh() -> (HtmlElement, impl Sized) {
    storage().clear().expect("clear");
    let mounted = mount_app();
    settle().await;
    mounted
}

async fn fill_required(root: &HtmlElement) {
    type_into(root, "#f-endpoint-url", "http://127.0.0.1:8445");
    type_into(root, "#f-credentials-access_key_id", "AKIDEXAMPLE");
    type_into(root, "#f-credentials-secret", SECRET);
    settle().await;
}

#[wasm_bindgen_test]
async fn field_errors_appear_next_to_their_field() {
    let (root, handle) = fresh().await;
    type_into(&root, "#f-endpoint-url", "svc.example.org:8445");
    settle().await;
    let url = input(&root, "#f-endpoint-url");
    let error = find(&root, "#f-endpoint-url-error");
    assert_eq!(
        error.text_content().as_deref(),
        Some("The URL must start with http:// or https://")
    );
    // Same field container as the input, and announced with it.
    let field = url.parent_element().expect("field");
    assert!(field.class_list().contains("field"));
    assert!(field.class_list().contains("invalid"));
    assert!(error
        .parent_element()
        .is_some_and(|p| p.is_same_node(Some(&field))));
    assert_eq!(url.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(url
        .get_attribute("aria-describedby")
        .unwrap_or_default()
        .split(' ')
        .any(|id| id == "f-endpoint-url-error"));

    type_into(&root, "#f-endpoint-url", "http://127.0.0.1:8445");
    settle().await;
    assert!(try_find(&root, "#f-endpoint-url-error").is_none());
    assert_eq!(url.get_attribute("aria-invalid").as_deref(), Some("false"));

    // A row field: the second cloud renamed to the first one's name.
    type_into(&root, "#f-clouds-1-name", "hotel");
    type_into(&root, "#f-clouds-0-max_vms", "-1");
    settle().await;
    assert_eq!(
        text(&root, "#f-clouds-1-name-error"),
        "hotel is already cloud 1; cloud names must be unique"
    );
    assert_eq!(
        text(&root, "#f-clouds-0-max_vms-error"),
        "Maximum VMs cannot be negative"
    );
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn run_is_disabled_with_the_reason_until_everything_is_valid() {
    let (root, handle) = fresh().await;
    let run = run_button(&root);
    assert!(run.has_attribute("disabled"));
    assert_eq!(
        run.get_attribute("aria-describedby").as_deref(),
        Some("run-reason")
    );
    let reason = text(&root, "#run-reason");
    assert!(
        reason.starts_with(
            "Run is disabled: fix 3 settings first (Phantom URL, Access key ID, Secret access key)"
        ),
        "{reason}"
    );

    fill_required(&root).await;
    assert!(!run.has_attribute("disabled"));
    assert_eq!(
        text(&root, "#run-reason"),
        "Ready: Run makes the requests of the plan below."
    );

    type_into(&root, "#f-ramp-peak", "9");
    settle().await;
    assert!(run.has_attribute("disabled"));
    assert_eq!(
        text(&root, "#run-reason"),
        "Run is disabled: fix 1 setting first (Peak)."
    );
    let link = find(&root, ".problems a");
    assert_eq!(link.get_attribute("href").as_deref(), Some("#f-ramp-peak"));
    assert_eq!(
        link.text_content().as_deref(),
        Some("Peak: The peak (9) is above the total of the clouds' maxima (8)")
    );
    // The plan is withheld while the ramp is invalid.
    assert!(try_find(&root, "table.plan").is_none());
    assert!(text(&root, "#plan-unavailable").contains("1 to fix"));
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn settings_survive_a_reload_through_local_storage() {
    let (root, handle) = fresh().await;
    type_into(&root, "#f-domain-name", "other_domain");
    click(&root, "#add-cloud");
    settle().await;
    type_into(&root, "#f-clouds-2-name", "alamo");
    type_into(&root, "#f-clouds-2-max_vms", "2");
    settle().await;
    let stored = storage()
        .get_item("pde.settings")
        .expect("readable")
        .expect("saved");
    assert!(stored.contains("\"other_domain\""), "{stored}");
    assert!(stored.contains("\"alamo\""), "{stored}");
    unmount(root, handle);

    let (root, handle) = mount_app();
    settle().await;
    assert_eq!(input(&root, "#f-domain-name").value(), "other_domain");
    assert_eq!(input(&root, "#f-clouds-2-name").value(), "alamo");
    assert_eq!(input(&root, "#f-clouds-2-max_vms").value(), "2");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn corrupt_stored_settings_fall_back_to_the_tutorial_with_a_notice() {
    storage().clear().expect("clear");
    storage()
        .set_item("pde.settings", "{\"version\": 7}")
        .expect("set");
    let (root, handle) = mount_app();
    settle().await;
    assert_eq!(input(&root, "#f-domain-name").value(), "my_domain");
    let notice = text(&root, "#notice");
    assert!(
        notice.contains("Settings version 7 is not supported"),
        "{notice}"
    );
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn the_secret_is_stored_only_when_remembered_and_forget_removes_it() {
    let (root, handle) = fresh().await;
    fill_required(&root).await;
    type_into(
        &root,
        "#f-credentials-session_token",
        "FQoGZXIvYXdzEXAMPLETOKEN",
    );
    settle().await;
    let dump = storage_dump();
    assert!(
        dump.contains("AKIDEXAMPLE"),
        "the settings are saved: {dump}"
    );
    assert!(
        !dump.contains(SECRET),
        "secret stored without being remembered"
    );
    assert!(
        !dump.contains("FQoGZXIvYXdzEXAMPLETOKEN"),
        "token stored without being remembered"
    );
    assert!(try_find(&root, "#remember-warning").is_none());

    click(&root, "#f-credentials-remember_secret");
    settle().await;
    assert!(storage_dump().contains(SECRET));
    assert!(text(&root, "#remember-warning").contains("stored unencrypted"));
    unmount(root, handle);

    // Remembered across a reload.
    let (root, handle) = mount_app();
    settle().await;
    assert_eq!(input(&root, "#f-credentials-secret").value(), SECRET);
    assert!(input(&root, "#f-credentials-remember_secret").checked());
    assert_eq!(
        input(&root, "#f-credentials-session_token").value(),
        "FQoGZXIvYXdzEXAMPLETOKEN"
    );

    // While remembered, a cleared field clears the store too.
    type_into(&root, "#f-credentials-secret", "");
    type_into(&root, "#f-credentials-session_token", "");
    settle().await;
    assert_eq!(storage().get_item("pde.secret").expect("readable"), None);
    type_into(&root, "#f-credentials-secret", SECRET);
    settle().await;
    assert!(storage_dump().contains(SECRET));

    click(&root, "#forget-secret");
    settle().await;
    let dump = storage_dump();
    assert!(!dump.contains(SECRET), "forget left the secret: {dump}");
    assert_eq!(storage().get_item("pde.secret").expect("readable"), None);
    assert_eq!(input(&root, "#f-credentials-secret").value(), "");
    assert!(!input(&root, "#f-credentials-remember_secret").checked());
    unmount(root, handle);

    // And it stays forgotten.
    let (root, handle) = mount_app();
    settle().await;
    assert_eq!(input(&root, "#f-credentials-secret").value(), "");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn the_preview_lists_the_tutorial_rounds_and_never_the_secret() {
    let (root, handle) = fresh().await;
    fill_required(&root).await;
    assert_eq!(
        dom::texts(&root, "table.plan tr.request .action"),
        [
            "CreateLaunchConfiguration",
            "CreateLaunchConfiguration",
            "DescribeAutoScalingGroups",
            "DeleteAutoScalingGroup",
            "DescribeAutoScalingGroups",
            "CreateAutoScalingGroup",
            "SetDesiredCapacity",
            "SetDesiredCapacity",
            "SetDesiredCapacity",
            "SetDesiredCapacity",
            "SetDesiredCapacity",
        ]
    );
    let whens = dom::texts(&root, "table.plan td.when");
    assert_eq!(&whens[6..], ["+0 s", "+10 s", "+20 s", "+30 s", "+90 s"]);
    // The setup's rounds: which requests go out together.
    assert_eq!(
        dom::texts(&root, "table.plan td.round"),
        ["1", "1", "1", "2", "3", "4", "", "", "", "", ""]
    );
    assert!(find(&root, "svg.chart")
        .get_attribute("aria-label")
        .unwrap_or_default()
        .contains("1 at +0 s, 2 at +10 s, 3 at +20 s, 4 at +30 s, 0 at +90 s"));

    // Row 6: CreateAutoScalingGroup, signed.
    let buttons = root
        .query_selector_all("table.plan tr.request button")
        .expect("buttons");
    let button: HtmlElement = buttons.item(5).expect("row 6").dyn_into().expect("button");
    button.click();
    settle().await;
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let debug = text(&root, ".signed pre.debug");
    assert!(
        debug.starts_with("scheme: v2-hmac-sha256\nstring to sign:\nPOST\n127.0.0.1:8445\n/\n"),
        "{debug}"
    );
    assert!(debug.contains("Tags.member.1.Value=error_overflow_n_preserving"));
    assert!(!root.inner_html().contains(SECRET));
    assert!(!storage_dump().contains(SECRET));
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn clouds_move_and_focus_follows_and_reset_restores_the_tutorial() {
    let (root, handle) = fresh().await;
    click(&root, "#cloud-1-up");
    settle().await;
    assert_eq!(input(&root, "#f-clouds-0-name").value(), "sierra");
    assert_eq!(input(&root, "#f-clouds-1-name").value(), "hotel");
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("cloud-0-down"));

    click(&root, "#cloud-0-remove");
    settle().await;
    assert!(try_find(&root, "#f-clouds-1-name").is_none());
    click(&root, "#cloud-0-remove");
    settle().await;
    assert_eq!(text(&root, "#f-clouds-error"), "Add at least one cloud");

    click(&root, "#reset-settings");
    settle().await;
    assert_eq!(input(&root, "#f-clouds-0-name").value(), "hotel");
    assert_eq!(input(&root, "#f-clouds-1-name").value(), "sierra");
    assert!(text(&root, "#notice").starts_with("Settings reset to the tutorial defaults"));
    unmount(root, handle);
}
