//! The browser's side of a policy ([`BrowserHost`]): the metric read with `fetch` (a
//! same-origin path through the page server's `/metrics/` proxy, or an absolute URL the
//! page's CSP allows), a person's code in the sandbox worker
//! ([`crate::api::sandbox`]: no storage, DOM, credentials or network; only the
//! observation goes in, never a key), and time-zone offsets from the browser's own
//! time-zone database (`Intl.DateTimeFormat`), which follows daylight-saving rules.

use futures::future::{select, Either, LocalBoxFuture};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::sandbox::{Sandbox, SandboxFault};
use crate::api::ticker::Ticker;
use crate::engine::policy::{Decide, Decision, Observation, PolicyFault, PolicyHost};

/// A metric read that takes longer than this counts as failed (the tick goes on).
const METRIC_TIMEOUT_MS: u64 = 5_000;

/// What the page gives policies.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserHost;

fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Fetches `url` and reads the number at `pointer`.
async fn fetch_metric(url: &str, pointer: &str) -> Result<f64, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_cache(web_sys::RequestCache::NoStore);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| format!("{url} could not be fetched: {}", js_text(&e)))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| js_text(&e))?)
        .await
        .map_err(|e| js_text(&e))?
        .as_string()
        .unwrap_or_default();
    read_pointer(&text, pointer)
}

/// The number at JSON `pointer` of `text`.
pub fn read_pointer(text: &str, pointer: &str) -> Result<f64, String> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the metric document is not JSON ({e})"))?;
    let value = doc
        .pointer(pointer)
        .ok_or_else(|| format!("the metric document has nothing at {pointer:?}"))?;
    match value {
        serde_json::Value::Number(n) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("the value at {pointer:?} is not a finite number")),
        serde_json::Value::String(s) => crate::settings::float::parse_f64(s.trim())
            .ok_or_else(|| format!("the value at {pointer:?} is {s:?}, not a number")),
        other => Err(format!("the value at {pointer:?} is {other}, not a number")),
    }
}

/// A person's policy in the sandbox.
struct Sandboxed {
    sandbox: Sandbox,
    limit_ms: u32,
}

fn fault(e: SandboxFault) -> PolicyFault {
    match e {
        SandboxFault::Compile { message, line } => PolicyFault::Compile { message, line },
        SandboxFault::Threw { message, line } => PolicyFault::Threw { message, line },
        SandboxFault::Malformed { message } => PolicyFault::Malformed { message },
        SandboxFault::TimedOut { limit_ms } => PolicyFault::TimedOut { limit_ms },
        SandboxFault::Unavailable { message } => PolicyFault::Unavailable { message },
    }
}

impl Decide for Sandboxed {
    fn decide<'a>(
        &'a mut self,
        observation: &'a Observation,
    ) -> LocalBoxFuture<'a, Result<Decision, PolicyFault>> {
        Box::pin(async move {
            let json = self
                .sandbox
                .decide(&observation.to_json(), self.limit_ms)
                .await
                .map_err(fault)?;
            Decision::from_json(&json)
        })
    }
}

impl PolicyHost for BrowserHost {
    fn read_metric<'a>(
        &'a self,
        url: &'a str,
        pointer: &'a str,
    ) -> LocalBoxFuture<'a, Result<f64, String>> {
        Box::pin(async move {
            let read = std::pin::pin!(fetch_metric(url, pointer));
            let ticker = Ticker::shared();
            let late = std::pin::pin!(ticker.sleep(METRIC_TIMEOUT_MS));
            match select(read, late).await {
                Either::Left((result, _)) => result,
                Either::Right(_) => Err(format!(
                    "{url} did not answer within {} s",
                    METRIC_TIMEOUT_MS / 1000
                )),
            }
        })
    }

    fn start_custom<'a>(
        &'a self,
        code: &'a str,
        limit_ms: u32,
    ) -> LocalBoxFuture<'a, Result<Box<dyn Decide + 'a>, PolicyFault>> {
        Box::pin(async move {
            let sandbox = Sandbox::start(code).await.map_err(fault)?;
            Ok(Box::new(Sandboxed { sandbox, limit_ms }) as Box<dyn Decide + 'a>)
        })
    }

    fn utc_offset_minutes(&self, zone: &str, utc_ms: f64) -> Option<i32> {
        zone_offset_minutes(zone, utc_ms)
    }
}

/// The offset of IANA `zone` at `utc_ms`: the zone's wall clock at that instant (from
/// `Intl.DateTimeFormat`'s parts) read as if it were UTC, minus the instant.
pub fn zone_offset_minutes(zone: &str, utc_ms: f64) -> Option<i32> {
    let options = Object::new();
    let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).ok();
    set("timeZone", zone)?;
    set("hourCycle", "h23")?;
    for part in ["year", "month", "day", "hour", "minute", "second"] {
        set(part, "numeric")?;
    }
    let locales = Array::of1(&"en-US".into());
    // An unknown zone makes the constructor throw a RangeError: construct it through
    // Reflect so that is an `Err`, not an exception through the wasm.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let class: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let format = Reflect::construct(&class, &Array::of2(&locales, &options)).ok()?;
    let format: js_sys::Intl::DateTimeFormat = format.unchecked_into();
    let parts = format.format_to_parts(&js_sys::Date::new(&utc_ms.into()));
    let mut fields = [0f64; 6];
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        // The parts between the numbers ("/", ", ", ":") are `literal`: skipped, not read
        // as numbers (reading them made every zone "unknown").
        let Some(i) = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind)
        else {
            continue;
        };
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        fields[i] = crate::settings::float::parse_f64(&value)?;
    }
    let [y, mo, d, h, mi, s] = fields;
    let local = js_sys::Date::utc(y, mo - 1.0)
        + (d - 1.0) * 86_400_000.0
        + h * 3_600_000.0
        + mi * 60_000.0
        + s * 1000.0;
    let whole_second = (utc_ms / 1000.0).floor() * 1000.0;
    Some(((local - whole_second) / 60_000.0).round() as i32)
}

/// The browser's own IANA time zone (`Europe/Paris`), for a schedule's default.
pub fn browser_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new());
    let options = format.resolved_options();
    Reflect::get(&options, &"timeZone".into()).ok()?.as_string()
}
