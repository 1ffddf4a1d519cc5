//! The browser edge of the settings: `localStorage`, the settings file (download and
//! upload) and the page server's `/__pde/config.json`. No decisions here: what is valid
//! and what is written is decided by `settings`.
//!
//! [`runs`] keeps each run's recovery record under keys of its own (`report::history`)
//! and reads the journals of earlier versions; [`journals`] keeps the journals in
//! IndexedDB ([`idb`]), one record per event, appended by [`appender`] and kept within
//! bounds by [`prune`].

use std::time::Duration;

use futures::future::{select, Either};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::settings::{
    self, import_engines, parse_server_config, ImportError, ProxyOffer, Settings,
};

pub mod appender;
pub mod idb;
pub mod journals;
pub mod prune;
mod raw;
mod room;
pub mod runs;

/// Where the non-secret settings live.
pub const SETTINGS_KEY: &str = "pde.settings";
/// Where the secret key and session token live, only when the person asks to be
/// remembered on this device.
pub const SECRET_KEY: &str = "pde.secret";
/// The page server's description of its proxies.
pub const SERVER_CONFIG_URL: &str = "/__pde/config.json";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What was found in `localStorage` at start.
pub struct Loaded {
    /// The stored engines (one, from settings stored before several engines were), or
    /// the tutorial's one engine. Never empty.
    pub engines: Vec<Settings>,
    /// Whether settings were stored (a returning visitor).
    pub stored: bool,
    /// The remembered secret, if any.
    pub secret: Option<String>,
    /// A message when stored settings could not be used.
    pub problem: Option<String>,
}

/// The secret and token as remembered.
#[derive(Serialize, Deserialize)]
struct RememberedSecret {
    secret: String,
    #[serde(default)]
    session_token: String,
}

/// Reads the stored settings and, when remembered, the secret.
pub fn load() -> Loaded {
    let storage = local_storage();
    let text = storage
        .as_ref()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten());
    let (mut engines, stored, problem) = match text {
        None => (vec![Settings::tutorial_defaults()], false, None),
        Some(t) => match import_engines(&t) {
            Ok(s) => (s, true, None),
            Err(e) => (
                vec![Settings::tutorial_defaults()],
                false,
                Some(format!(
                    "The settings saved in this browser could not be used ({e}); the tutorial defaults are shown."
                )),
            ),
        },
    };
    let remembered = storage
        .as_ref()
        .and_then(|s| s.get_item(SECRET_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<RememberedSecret>(&t).ok());
    let secret = remembered.map(|r| {
        for settings in &mut engines {
            settings.credentials.remember_secret = true;
            settings.credentials.session_token = r.session_token.clone();
        }
        r.secret
    });
    Loaded {
        engines,
        stored,
        secret,
        problem,
    }
}

/// Saves every engine's non-secret settings. Returns false when the browser refuses.
pub fn save_settings(engines: &[Settings]) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    match settings::export_engines(engines) {
        Ok(text) => storage.set_item(SETTINGS_KEY, &text).is_ok(),
        Err(_) => false,
    }
}

/// Stores the secret and token (only called when "remember" is ticked).
pub fn remember_secret(secret: &str, session_token: &str) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    let value = RememberedSecret {
        secret: secret.to_string(),
        session_token: session_token.to_string(),
    };
    match serde_json::to_string(&value) {
        Ok(text) => storage.set_item(SECRET_KEY, &text).is_ok(),
        Err(_) => false,
    }
}

/// Removes the stored secret and token.
pub fn forget_secret() {
    if let Some(storage) = local_storage() {
        // Nothing useful to do when the browser refuses to remove an item.
        let _ = storage.remove_item(SECRET_KEY);
    }
}

/// Offers every engine's settings as a file download.
pub fn download_settings(engines: &[Settings]) -> Result<(), String> {
    let text = settings::export_engines(engines).map_err(|e| e.to_string())?;
    download_text(
        "phantom-decision-engine-settings.json",
        "application/json",
        &text,
    )
}

/// The file just chosen in the `<input type="file">` that `ev` came from, the input
/// cleared so that the same file can be chosen again later.
pub fn chosen_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    Some(file)
}

/// Why an uploaded file was not read.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file is larger than a settings file can be (checked before reading it).
    #[error("The file is {0} bytes; a settings file is at most 256 KB")]
    TooLarge(u64),
    /// The browser could not read it.
    #[error("The file could not be read")]
    Unreadable,
    /// It was read but is not acceptable.
    #[error("{0}")]
    Import(#[from] ImportError),
}

/// Reads and checks an uploaded settings file: its engines, in order.
pub async fn read_settings_file(file: web_sys::File) -> Result<Vec<Settings>, UploadError> {
    let size = file.size();
    if size > settings::io::MAX_IMPORT_BYTES as f64 {
        return Err(UploadError::TooLarge(size as u64));
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| UploadError::Unreadable)?
        .as_string()
        .ok_or(UploadError::Unreadable)?;
    Ok(import_engines(&text)?)
}

/// The largest run journal "Open a run" reads: a day-long run's journal is a few tens
/// of megabytes; anything larger is not one of ours.
pub const MAX_JOURNAL_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// Reads a journal file ("Download JSON" of the page, or `phantom-de-run --journal`).
pub async fn read_journal_file(
    file: web_sys::File,
) -> Result<crate::engine::journal::Journal, String> {
    let size = file.size();
    if size > MAX_JOURNAL_FILE_BYTES {
        return Err(format!(
            "the file is {} MB; a run journal is at most 64 MB",
            (size / 1_048_576.0).ceil()
        ));
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| "the file could not be read".to_string())?
        .as_string()
        .ok_or_else(|| "the file could not be read".to_string())?;
    // A report this app wrote keeps its run's journal.
    if text.trim_start().starts_with('<') {
        let json = crate::report::html::journal_of_report(&text).ok_or_else(|| {
            "the file is HTML but not a run report of this app (or one from before reports kept their journal)".to_string()
        })?;
        return crate::engine::journal::Journal::from_json(&json).map_err(|e| e.to_string());
    }
    crate::engine::journal::Journal::from_json(&text).map_err(|e| e.to_string())
}

/// Asks the page's server which proxies it offers. A 404, a failure, a malformed answer
/// or no answer within 3 s all mean none.
pub async fn fetch_server_offers() -> Vec<ProxyOffer> {
    let fetch = async {
        let window = web_sys::window()?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(SERVER_CONFIG_URL))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        Some(parse_server_config(&text))
    };
    let timeout = gloo_timers::future::sleep(Duration::from_secs(3));
    match select(Box::pin(fetch), Box::pin(timeout)).await {
        Either::Left((offers, _)) => offers.unwrap_or_default(),
        Either::Right(_) => Vec::new(),
    }
}

/// This page's Content-Security-Policy (from its `<meta>`) and its own origin.
pub fn page_policy() -> Option<(String, String)> {
    let window = web_sys::window()?;
    let policy = window
        .document()?
        .query_selector("meta[http-equiv=\"Content-Security-Policy\"]")
        .ok()??
        .get_attribute("content")?;
    let origin = window.location().origin().ok()?;
    Some((policy, origin))
}

/// Where the run journal lived before runs had keys of their own (it holds no credential:
/// see `engine::journal`); [`runs::load_runs`] moves it into a run.
pub const JOURNAL_KEY: &str = crate::report::history::LEGACY_JOURNAL_KEY;

/// Saves the run journal. Returns false when the browser refuses.
pub fn save_journal(journal: &crate::engine::journal::Journal) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    match journal.to_json() {
        Ok(text) => storage.set_item(JOURNAL_KEY, &text).is_ok(),
        Err(_) => false,
    }
}

/// Reads the stored run journal: `Ok(None)` when there is none.
pub fn load_journal() -> Result<Option<crate::engine::journal::Journal>, String> {
    let Some(text) = local_storage().and_then(|s| s.get_item(JOURNAL_KEY).ok().flatten()) else {
        return Ok(None);
    };
    crate::engine::journal::Journal::from_json(&text)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Offers `text` as a file download named `name` of type `mime`.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to create the file")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into()
        .map_err(|_| "no link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has started the download; the URL is no longer needed.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused to copy".to_string())
}
