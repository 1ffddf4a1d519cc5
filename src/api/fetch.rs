//! The browser transport: `fetch` with a per-request timeout (AbortController), redirects
//! never followed, answers over the size cap cut off while streaming, and cancellation
//! when the future is dropped; the browser clock, whose sleeps run on [`super::ticker`].

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult, Request,
    RequestCredentials, RequestInit, RequestRedirect, Response, ResponseType,
};

use super::clock::Clock;
use super::ticker::Ticker;
use super::transport::{HttpRequest, HttpResponse, Transport, TransportError, MAX_ANSWER_BYTES};

/// The browser's clock: `Date.now()`, and sleeps on the page's timer worker
/// ([`Ticker::shared`]: on time in a hidden tab, the page's timers when the worker is
/// unavailable; cancelled when dropped).
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
    async fn sleep(&self, ms: u64) {
        Ticker::shared().sleep(ms).await;
    }
}

/// Sends requests with the browser's `fetch`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

/// Aborts the fetch when dropped before it completed (Stop, or a dropped future).
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

fn js_message(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(value, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Whether `url` leaves the page's origin (only then can CORS block it).
fn is_cross_origin(url: &str) -> bool {
    if url.starts_with('/') && !url.starts_with("//") {
        return false;
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    !(url == origin || url.starts_with(&format!("{origin}/")))
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let network = |e: JsValue| TransportError::Network(js_message(&e));
        let controller = AbortController::new().map_err(network)?;
        let mut guard = AbortOnDrop(Some(controller.clone()));

        let headers = Headers::new().map_err(network)?;
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(network)?;
        }
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_headers(&headers);
        init.set_redirect(RequestRedirect::Manual);
        init.set_credentials(RequestCredentials::Omit);
        init.set_signal(Some(&controller.signal()));
        if !request.body.is_empty() {
            init.set_body(&JsValue::from_str(&request.body));
        }
        let js_request = Request::new_with_str_and_init(&request.url, &init).map_err(network)?;
        let window =
            web_sys::window().ok_or_else(|| TransportError::Network("no window".into()))?;

        let timeout = TimeoutFuture::new(request.timeout_ms);
        let fetched = JsFuture::from(window.fetch_with_request(&js_request));
        let (response, timeout) = match select(fetched, timeout).await {
            Either::Left((Ok(value), timeout)) => (value, timeout),
            Either::Left((Err(error), _)) => {
                guard.0 = None;
                let detail = js_message(&error);
                return Err(if is_cross_origin(&request.url) {
                    TransportError::Blocked(detail)
                } else {
                    TransportError::Network(detail)
                });
            }
            Either::Right(((), _)) => return Err(TransportError::Timeout(request.timeout_ms)),
        };
        let response: Response = response.dyn_into().map_err(|_| {
            TransportError::Network("fetch returned something other than a Response".into())
        })?;
        let mut head = HttpResponse {
            status: response.status(),
            reason: response.status_text(),
            headers: header_list(&response),
            body: String::new(),
        };
        // An opaque redirect (any 3xx, with or without `Location`) hides status and
        // headers: 0 and none. The same-origin proxy therefore passes a redirect on as a
        // 502 naming it, which the error page reader turns back into a redirect.
        if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&head.status) {
            guard.0 = None;
            return Err(TransportError::Redirect {
                status: head.status,
                location: head.header("location").map(str::to_string),
            });
        }
        // Refused by its declared length before a byte of the body is read; dropping the
        // guard aborts the download.
        head.check_size()?;
        let body = Box::pin(read_capped(&response));
        head.body = match select(body, timeout).await {
            Either::Left((result, _)) => result?,
            Either::Right(((), _)) => return Err(TransportError::Timeout(request.timeout_ms)),
        };
        guard.0 = None;
        Ok(head)
    }
}

fn header_list(response: &Response) -> Vec<(String, String)> {
    let mut list = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                list.push((name, value));
            }
        }
    }
    list
}

/// Reads the body chunk by chunk and stops at [`MAX_ANSWER_BYTES`], so a 50 MB answer is
/// cut at the cap instead of buffered whole (the caller's guard then aborts the rest).
/// Decoded like `Response.text()`: UTF-8, a leading BOM dropped, bad bytes replaced.
async fn read_capped(response: &Response) -> Result<String, TransportError> {
    let network = |e: JsValue| TransportError::Network(js_message(&e));
    let Some(stream) = response.body() else {
        return Ok(String::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let result: ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(network)?
            .unchecked_into();
        if result.get_done().unwrap_or(true) {
            break;
        }
        let chunk: Uint8Array = result
            .get_value()
            .dyn_into()
            .map_err(|_| TransportError::Network("the body stream gave no bytes".into()))?;
        let at = bytes.len();
        let len = chunk.length() as usize;
        if (at + len) as u64 > MAX_ANSWER_BYTES {
            return Err(TransportError::TooLarge {
                limit: MAX_ANSWER_BYTES,
                size: None,
            });
        }
        bytes.resize(at + len, 0);
        chunk.copy_to(&mut bytes[at..]);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(String::from_utf8_lossy(text).into_owned())
}
