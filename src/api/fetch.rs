//! The browser transport: `fetch` with a per-request timeout (AbortController), redirects
//! never followed, and cancellation when the future is dropped.

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, Request, RequestCredentials, RequestInit, RequestRedirect, Response,
    ResponseType,
};

use super::clock::Clock;
use super::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// The browser's clock: `Date.now()` and `setTimeout` (cancelled when dropped).
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
    async fn sleep(&self, ms: u64) {
        TimeoutFuture::new(u32::try_from(ms).unwrap_or(u32::MAX)).await;
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
        if response.type_() == ResponseType::Opaqueredirect
            || (300..400).contains(&response.status())
        {
            guard.0 = None;
            return Err(TransportError::Redirect {
                status: response.status(),
                location: response.headers().get("location").ok().flatten(),
            });
        }
        let mut header_list = Vec::new();
        if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
            for entry in entries.flatten() {
                let pair = js_sys::Array::from(&entry);
                if let (Some(name), Some(value)) =
                    (pair.get(0).as_string(), pair.get(1).as_string())
                {
                    header_list.push((name, value));
                }
            }
        }
        let text = JsFuture::from(response.text().map_err(network)?);
        let body = match select(text, timeout).await {
            Either::Left((Ok(body), _)) => body.as_string().unwrap_or_default(),
            Either::Left((Err(error), _)) => {
                guard.0 = None;
                return Err(TransportError::Network(js_message(&error)));
            }
            Either::Right(((), _)) => return Err(TransportError::Timeout(request.timeout_ms)),
        };
        guard.0 = None;
        Ok(HttpResponse {
            status: response.status(),
            reason: response.status_text(),
            headers: header_list,
            body,
        })
    }
}
