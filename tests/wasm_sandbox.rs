//! The custom policy's sandbox (`src/api/sandbox.rs`, `worker/policy.js`) in headless
//! Chromium: a person's `decide(observation)` answers, its faults (a throw with its line, a
//! syntax error, an endless loop, a malformed result, an oversized memory) are reported as
//! documented, and from inside the code the ways to the network, to storage, to other
//! contexts and back to the page are gone.
//!
//! The worker is served by `wasm-bindgen-test-runner` from the crate root at the release
//! page's relative URL ([`POLICY_WORKER_URL`]), so the real file is tested. The runner sends
//! no CSP with it: what is checked here is what the worker itself takes away, not the page
//! server's header behind it.
#![cfg(target_arch = "wasm32")]

use futures::future::{select, Either};
use phantom_de::api::sandbox::{Sandbox, SandboxFault, POLICY_WORKER_URL};
use phantom_de::engine::policy::decision::MAX_MEMORY_BYTES;
use phantom_de::engine::policy::{Decision, Observation, PolicyFault, PolicyHost};
use phantom_de::ui::runner::policy_host::BrowserHost;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A decision's limit where time does not matter.
const LIMIT_MS: u32 = 2_000;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance")
        .now()
}

/// An observation of nothing with `memory`, as the engine posts it.
fn observation(memory: Value) -> Observation {
    let mut observation = Observation::empty(12.0, 1_767_323_045_000.0);
    observation.desired = 2;
    observation.memory = memory;
    observation
}

async fn start(code: &str) -> Sandbox {
    match Sandbox::start(code).await {
        Ok(sandbox) => sandbox,
        Err(fault) => panic!("the sandbox did not start: {fault:?}"),
    }
}

async fn decide(sandbox: &Sandbox, memory: Value) -> Result<String, SandboxFault> {
    sandbox
        .decide(&observation(memory).to_json(), LIMIT_MS)
        .await
}

/// The page's own policy adapter: the code started through [`BrowserHost`], its answers
/// read by [`Decision::from_json`], as a run reads them.
async fn decide_as_run(code: &str, memory: Value) -> Result<Decision, PolicyFault> {
    let host = BrowserHost;
    let mut policy = host.start_custom(code, LIMIT_MS).await?;
    let observation = observation(memory);
    policy.decide(&observation).await
}

// ---- answers ----

const COUNTER: &str = "\
function decide(observation) {
  const seen = (observation.memory.seen || 0) + 1;
  return {
    capacity: observation.desired + 1,
    reason: `tick ${seen} at ${observation.elapsed_s} s`,
    memory: { seen },
  };
}";

#[wasm_bindgen_test]
async fn a_good_policy_answers_with_its_decision_as_json() {
    let sandbox = start(COUNTER).await;
    assert_eq!(sandbox.code(), COUNTER);
    let json = decide(&sandbox, json!({})).await.expect("a decision");
    let value: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        value,
        json!({ "capacity": 3, "reason": "tick 1 at 12 s", "memory": { "seen": 1 } })
    );
}

#[wasm_bindgen_test]
async fn memory_fed_back_round_trips_across_decisions() {
    let host = BrowserHost;
    let mut policy = host.start_custom(COUNTER, LIMIT_MS).await.expect("started");
    let mut memory = json!({});
    let mut reasons = Vec::new();
    for _ in 0..2 {
        let observation = observation(memory.clone());
        let decision = policy.decide(&observation).await.expect("a decision");
        assert_eq!(decision.capacity, Some(3));
        reasons.push(decision.reason);
        memory = decision.memory.expect("memory");
    }
    assert_eq!(reasons, ["tick 1 at 12 s", "tick 2 at 12 s"]);
    assert_eq!(memory, json!({ "seen": 2 }));
}

// ---- faults ----

#[wasm_bindgen_test]
async fn a_throw_is_reported_with_its_message_and_line() {
    let code = "\
// Line 1: a comment, so that the throw is not on decide's own line.
function decide(observation) {
  const n = observation.desired;
  if (n > 0) {
    throw new RangeError(`cannot scale ${n}`);
  }
  return { capacity: 0, reason: 'never here' };
}";
    let sandbox = start(code).await;
    let fault = decide(&sandbox, json!({})).await.expect_err("it throws");
    assert_eq!(
        fault,
        SandboxFault::Threw {
            message: "RangeError: cannot scale 2".into(),
            line: Some(5),
        }
    );
    assert_eq!(fault.line(), Some(5));
    assert_eq!(fault.to_string(), "line 5: RangeError: cannot scale 2");
    // The worker lives on: the next decision throws again, rather than finding nothing.
    let again = decide(&sandbox, json!({}))
        .await
        .expect_err("it throws again");
    assert_eq!(again.line(), Some(5));
}

#[wasm_bindgen_test]
async fn an_error_in_a_helper_names_the_helper_s_line() {
    let code = "\
function helper(observation) {
  return observation.nothing.here;
}
function decide(observation) {
  return { capacity: helper(observation), reason: 'x' };
}";
    let sandbox = start(code).await;
    let fault = decide(&sandbox, json!({})).await.expect_err("it throws");
    let SandboxFault::Threw { message, line } = &fault else {
        panic!("not a throw: {fault:?}");
    };
    assert!(message.starts_with("TypeError: "), "{message}");
    assert_eq!(*line, Some(2), "the innermost frame: {fault:?}");
}

#[wasm_bindgen_test]
async fn a_thrown_value_that_is_not_an_error_is_shown_without_a_line() {
    let sandbox = start("function decide() { throw { why: 'plain' }; }").await;
    let fault = decide(&sandbox, json!({})).await.expect_err("it throws");
    assert_eq!(
        fault,
        SandboxFault::Threw {
            message: r#"threw {"why":"plain"}"#.into(),
            line: None,
        }
    );
}

#[wasm_bindgen_test]
async fn a_syntax_error_fails_the_start_with_its_line() {
    let code = "\
function decide(observation) {
  const a = 1;
  return { capacity: a,, reason: 'x' };
}";
    let fault = Sandbox::start(code).await.expect_err("it does not compile");
    let SandboxFault::Compile { message, line } = &fault else {
        panic!("not a compile fault: {fault:?}");
    };
    assert!(message.starts_with("SyntaxError: "), "{message}");
    assert_eq!(*line, Some(3), "{fault:?}");
    assert!(
        fault.to_string().starts_with("line 3: SyntaxError: "),
        "{fault}"
    );
}

#[wasm_bindgen_test]
async fn a_throw_at_the_top_level_fails_the_start_with_its_line() {
    let code = "\
const limits = { max: 4 };
const broken = limits.min.value;
function decide(observation) { return { capacity: 1, reason: 'x' }; }";
    let fault = Sandbox::start(code)
        .await
        .expect_err("its top level throws");
    assert!(
        matches!(&fault, SandboxFault::Compile { message, line: Some(2) } if message.starts_with("TypeError: ")),
        "{fault:?}"
    );
}

#[wasm_bindgen_test]
async fn code_without_decide_fails_the_start() {
    for code in [
        "function decied(observation) { return { capacity: 1, reason: 'x' }; }",
        "const decide = 3;",
        "",
    ] {
        let fault = Sandbox::start(code).await.expect_err(code);
        assert_eq!(
            fault,
            SandboxFault::Compile {
                message: "the code defines no function decide(observation)".into(),
                line: None,
            },
            "{code:?}"
        );
    }
}

/// Loops forever when its memory says `loop`; else answers with how many calls its worker
/// has seen (`calls` lives in the worker: it starts again at 1 only in a fresh one).
const LOOPS_WHEN_ASKED: &str = "\
let calls = 0;
function decide(observation) {
  calls += 1;
  if (observation.memory.loop) { for (;;) {} }
  return { capacity: 1, reason: `call ${calls}` };
}";

#[wasm_bindgen_test]
async fn an_endless_loop_times_out_and_the_next_decision_runs_in_a_fresh_worker() {
    let sandbox = start(LOOPS_WHEN_ASKED).await;
    assert_eq!(
        decide(&sandbox, json!({})).await.as_deref(),
        Ok(r#"{"capacity":1,"reason":"call 1"}"#)
    );
    let limit_ms = 300;
    let looping = observation(json!({ "loop": true })).to_json();
    let began = now();
    let fault = sandbox.decide(&looping, limit_ms).await;
    let elapsed = now() - began;
    assert_eq!(fault, Err(SandboxFault::TimedOut { limit_ms }));
    assert!(
        elapsed >= f64::from(limit_ms) - 5.0,
        "answered after {elapsed} ms, before the limit"
    );
    assert!(
        elapsed < f64::from(limit_ms) + 2_000.0,
        "answered after {elapsed} ms (limit {limit_ms} ms, restart included)"
    );
    // Call 1 again: the looping worker was replaced by one with the code compiled afresh.
    assert_eq!(
        decide(&sandbox, json!({})).await.as_deref(),
        Ok(r#"{"capacity":1,"reason":"call 1"}"#)
    );
}

#[wasm_bindgen_test]
async fn a_decision_abandoned_by_its_caller_stops_the_worker_and_the_next_one_runs() {
    let sandbox = start(LOOPS_WHEN_ASKED).await;
    let looping = observation(json!({ "loop": true })).to_json();
    {
        let decision = std::pin::pin!(sandbox.decide(&looping, 60_000));
        let give_up = std::pin::pin!(gloo_timers::future::TimeoutFuture::new(200));
        assert!(matches!(select(decision, give_up).await, Either::Right(_)));
    }
    let began = now();
    let next = decide(&sandbox, json!({})).await;
    assert_eq!(next.as_deref(), Ok(r#"{"capacity":1,"reason":"call 1"}"#));
    assert!(
        now() - began < 2_000.0,
        "the next decision waited for the loop"
    );
}

#[wasm_bindgen_test]
async fn a_result_that_is_not_a_decision_is_malformed() {
    // Checked in Rust (`Decision::from_json`), on the JSON the worker passed on.
    let code = "\
function decide(observation) {
  switch (observation.memory.case) {
    case 'no capacity': return { reason: 'forgot' };
    case 'fraction': return { capacity: 2.5, reason: 'half' };
    case 'negative': return { capacity: -1, reason: 'less' };
    case 'text': return '3';
    case 'capacity as text': return { capacity: '3', reason: 'x' };
    case 'no reason': return { capacity: 3 };
    case 'memory list': return { capacity: 3, reason: 'x', memory: [1] };
  }
}";
    for (case, says) in [
        ("no capacity", "the result has no capacity"),
        (
            "fraction",
            "capacity 2.5 is not a whole number of at least 0",
        ),
        (
            "negative",
            "capacity -1 is not a whole number of at least 0",
        ),
        (
            "text",
            "decide returned a string, not an object { capacity, reason }",
        ),
        (
            "capacity as text",
            "capacity is a string, not a whole number",
        ),
        ("no reason", "the result has no reason (a string)"),
        ("memory list", "memory is a list, not an object"),
    ] {
        let fault = decide_as_run(code, json!({ "case": case }))
            .await
            .expect_err(case);
        assert_eq!(
            fault,
            PolicyFault::Malformed {
                message: says.into()
            },
            "{case}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_result_that_is_not_json_is_malformed_in_the_worker() {
    let code = "\
function decide(observation) {
  const cycle = { capacity: 1, reason: 'x' };
  cycle.memory = cycle;
  switch (observation.memory.case) {
    case 'nothing': return undefined;
    case 'promise': return Promise.resolve({ capacity: 1, reason: 'later' });
    case 'cycle': return cycle;
    case 'function': return () => 1;
    case 'bigint': return { capacity: 1n, reason: 'x' };
    case 'huge': return { capacity: 1, reason: 'x'.repeat(2 * 1024 * 1024) };
  }
}";
    let sandbox = start(code).await;
    for (case, says) in [
        ("nothing", "decide returned nothing (undefined)"),
        ("promise", "decide returned a promise"),
        ("cycle", "the result cannot be written as JSON (TypeError: "),
        (
            "function",
            "decide returned a function, which cannot be written as JSON",
        ),
        (
            "bigint",
            "the result cannot be written as JSON (TypeError: ",
        ),
        ("huge", "more than 1048576"),
    ] {
        let fault = decide(&sandbox, json!({ "case": case })).await;
        assert!(
            matches!(&fault, Err(SandboxFault::Malformed { message }) if message.contains(says)),
            "{case}: {fault:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_memory_over_the_limit_is_refused() {
    let code = "\
function decide(observation) {
  const size = observation.memory.size;
  return { capacity: 1, reason: 'x', memory: { size, pad: 'x'.repeat(size) } };
}";
    let under = MAX_MEMORY_BYTES - 100;
    let kept = decide_as_run(code, json!({ "size": under }))
        .await
        .expect("a memory under the limit is kept");
    assert_eq!(
        kept.memory
            .as_ref()
            .and_then(|m| m["pad"].as_str())
            .map(str::len),
        Some(under)
    );
    let fault = decide_as_run(code, json!({ "size": MAX_MEMORY_BYTES }))
        .await
        .expect_err("over the limit");
    assert_eq!(
        fault,
        PolicyFault::Malformed {
            message: format!("memory is over {MAX_MEMORY_BYTES} bytes as JSON")
        }
    );
}

#[wasm_bindgen_test]
async fn a_missing_worker_script_is_unavailable() {
    let fault = Sandbox::start_at("worker/no-such-policy.js", COUNTER)
        .await
        .expect_err("no worker");
    assert!(
        matches!(&fault, SandboxFault::Unavailable { .. }),
        "{fault:?}"
    );
}

// ---- isolation ----

/// The names `worker/policy.js` promises to take away (its `SEALED` list), read from the
/// file itself so that the test follows the list.
fn sealed_names() -> Vec<String> {
    let source = include_str!("../worker/policy.js");
    let start = source
        .find("const SEALED = [")
        .expect("worker/policy.js has a SEALED list");
    let list = &source[start..];
    let list = &list[..list.find("];").expect("the SEALED list ends")];
    list.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .flat_map(|line| line.split('\'').skip(1).step_by(2))
        .map(str::to_owned)
        .collect()
}

/// Runs `body` (the body of a function in `decide`, returning a JSON-able report) after
/// `top` in a sandbox and returns the report (passed back as the decision's memory).
async fn probe(top: &str, body: &str) -> Value {
    let code = format!(
        "{top}\nfunction decide(observation) {{\n  const report = (() => {{ {body} }})();\n  return {{ capacity: 0, reason: 'probe', memory: {{ report }} }};\n}}"
    );
    let sandbox = start(&code).await;
    let json = decide(&sandbox, json!({}))
        .await
        .expect("the probe answers");
    let decision = Decision::from_json(&json).expect("a decision");
    decision
        .memory
        .map(|mut memory| memory["report"].take())
        .unwrap_or_default()
}

/// For a name: where the code can reach it, by the bare name (its `typeof`, written out:
/// eval is gone too), on `self`, anywhere on the global's prototype chain, or after deleting
/// it from `self` (the pin must hold).
const REACHABLE: &str = "\
function reachable(name, bare) {
  const found = [];
  if (bare !== 'undefined') found.push('bare name');
  if (self[name] !== undefined) found.push('self');
  for (let o = Object.getPrototypeOf(self); o !== null; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d && (d.get || d.value !== undefined)) found.push(`prototype ${o.constructor && o.constructor.name}`);
  }
  try { delete self[name]; } catch (e) {}
  try { if (self[name] !== undefined) found.push('after delete'); } catch (e) { found.push('after delete threw'); }
  return found;
}";

/// The body of a probe reporting `reachable` for each of `names` that is reachable at all.
fn reach(names: &[String]) -> String {
    let bare: Vec<String> = names
        .iter()
        .map(|name| format!("{name:?}: typeof {name}"))
        .collect();
    format!(
        "const bare = {{ {} }}; const out = {{}}; for (const name of Object.keys(bare)) {{ const f = reachable(name, bare[name]); if (f.length) out[name] = f; }} return out;",
        bare.join(", ")
    )
}

#[wasm_bindgen_test]
async fn the_sealed_list_covers_the_ways_out_the_issue_names() {
    let sealed = sealed_names();
    for name in [
        "fetch",
        "XMLHttpRequest",
        "WebSocket",
        "EventSource",
        "importScripts",
        "indexedDB",
        "caches",
        "Worker",
        "SharedWorker",
        "BroadcastChannel",
        "navigator",
        "postMessage",
    ] {
        assert!(sealed.iter().any(|s| s == name), "{name} not in {sealed:?}");
    }
}

#[wasm_bindgen_test]
async fn every_sealed_name_is_out_of_the_code_s_reach() {
    let sealed = sealed_names();
    assert!(sealed.len() > 30, "{sealed:?}");
    // Not sealed because a worker never has them; checked all the same.
    let mut names = sealed.clone();
    names.extend(
        [
            "localStorage",
            "sessionStorage",
            "document",
            "window",
            "opener",
            "parent",
        ]
        .map(String::from),
    );
    let report = probe(REACHABLE, &reach(&names)).await;
    assert_eq!(report, json!({}), "reachable from the code");
}

#[wasm_bindgen_test]
async fn the_probe_sees_what_is_left_to_the_code() {
    // The control for the test above: the same probe finds what the worker leaves, on the
    // global itself (and gone once deleted) or on a prototype (still there).
    let names = ["Math", "console", "addEventListener"].map(String::from);
    let report = probe(REACHABLE, &reach(&names)).await;
    assert_eq!(
        report,
        json!({
            "Math": ["bare name", "self"],
            "console": ["bare name", "self"],
            "addEventListener": ["bare name", "self", "prototype EventTarget", "after delete"],
        })
    );
}

#[wasm_bindgen_test]
async fn the_ways_out_fail_when_tried() {
    let report = probe(
        "",
        "\
const tried = {};
const attempt = (name, f) => { try { f(); tried[name] = 'ran'; } catch (e) { tried[name] = e.name; } };
attempt('fetch', () => fetch('/'));
attempt('self.fetch', () => self.fetch('/'));
attempt('XMLHttpRequest', () => new XMLHttpRequest());
attempt('WebSocket', () => new WebSocket('ws://127.0.0.1:9/'));
attempt('EventSource', () => new EventSource('/'));
attempt('importScripts', () => importScripts('/x.js'));
attempt('indexedDB', () => indexedDB.open('pde'));
attempt('caches', () => caches.open('pde'));
attempt('Worker', () => new Worker('worker/policy.js'));
attempt('BroadcastChannel', () => new BroadcastChannel('pde'));
attempt('navigator.sendBeacon', () => navigator.sendBeacon('/', 'x'));
attempt('navigator.locks', () => navigator.locks.request('pde', () => {}));
attempt('postMessage', () => postMessage({ kind: 'result', id: 0, json: '{}' }));
attempt('self.postMessage', () => self.postMessage({ kind: 'result', id: 0, json: '{}' }));
attempt('prototype postMessage', () => Object.getPrototypeOf(self).postMessage.call(self, {}));
attempt('localStorage', () => localStorage.getItem('x'));
attempt('document', () => document.cookie);
attempt('URL.createObjectURL', () => URL.createObjectURL(new Blob(['x'])));
return tried;",
    )
    .await;
    let Value::Object(tried) = report else {
        panic!("{report}");
    };
    assert_eq!(tried.len(), 18);
    for (name, outcome) in &tried {
        assert!(
            matches!(outcome.as_str(), Some("TypeError" | "ReferenceError")),
            "{name}: {outcome}"
        );
    }
}

#[wasm_bindgen_test]
async fn code_that_uses_import_is_refused_with_its_line() {
    // `import()` is syntax: it cannot be deleted, and with no CSP (as here) it loads any URL.
    for (code, line) in [
        (
            "function decide(observation) {\n  const m = 1;\n  import('data:text/javascript,export default 1');\n  return { capacity: m, reason: 'x' };\n}",
            3,
        ),
        (
            "function decide(observation) {\n  return { capacity: 1, reason: 'x' };\n}\nimport/* spaced */ ('/worker/ticker.js');",
            4,
        ),
        ("// import nothing\nfunction decide() { return { capacity: 1, reason: 'x' }; }", 1),
    ] {
        let fault = Sandbox::start(code).await.expect_err(code);
        assert!(
            matches!(&fault, SandboxFault::Compile { message, line: Some(l) }
                if message.starts_with("the code may not use import") && *l == line),
            "{code:?}: {fault:?}"
        );
    }
    // A word that merely contains it is fine.
    start("function decide() { const important = 1; return { capacity: important, reason: 'imports: none' }; }").await;
}

#[wasm_bindgen_test]
async fn no_string_can_be_compiled_into_code_at_run_time() {
    // Else `import` could be assembled from pieces and run. 'compiled': the way works.
    let report = probe(
        "",
        "\
const tried = {};
const attempt = (name, f) => {
  try {
    const r = f();
    tried[name] = r === 42 || typeof r === 'function' ? 'compiled' : 'not code';
  } catch (e) { tried[name] = e.name; }
};
attempt('eval', () => eval('6 * 7'));
attempt('self.eval', () => (0, self.eval)('6 * 7'));
attempt('Function', () => Function('return 6 * 7'));
attempt('new Function', () => new Function('return 6 * 7'));
[function () {}, async function () {}, function* () {}, async function* () {}, () => {}].forEach((f, i) => {
  attempt(`constructor ${i}`, () => f.constructor('return 6 * 7'));
  attempt(`prototype constructor ${i}`, () => Object.getPrototypeOf(f).constructor('return 6 * 7'));
});
attempt('setTimeout text', () => setTimeout('self.leaked = 42'));
attempt('setInterval text', () => setInterval('self.leaked = 42'));
attempt('self.setTimeout text', () => self.setTimeout('self.leaked = 42'));
const control = typeof setTimeout(() => {}, 0);
return { tried, control };",
    )
    .await;
    assert_eq!(
        report["control"], "number",
        "timers with a function still run"
    );
    let Value::Object(tried) = &report["tried"] else {
        panic!("{report}");
    };
    assert_eq!(tried.len(), 17);
    for (name, outcome) in tried {
        assert_ne!(outcome, "compiled", "{name}");
    }
}

#[wasm_bindgen_test]
async fn the_page_s_globals_are_not_visible_inside() {
    let window = web_sys::window().expect("window");
    js_sys::Reflect::set(
        &window,
        &JsValue::from_str("pdeSandboxCanary"),
        &JsValue::from_str("secret-canary"),
    )
    .expect("set");
    let report = probe(
        "",
        "\
return {
  bare: typeof pdeSandboxCanary,
  self: typeof self.pdeSandboxCanary,
  global: Object.getOwnPropertyNames(globalThis).filter((n) => /canary|pde/i.test(n)),
  observation: Object.keys(observation).sort(),
};",
    )
    .await;
    assert_eq!(report["bare"], "undefined");
    assert_eq!(report["self"], "undefined");
    assert_eq!(report["global"], json!([]));
    // Only the observation came in, and it carries no credentials.
    let mut fields: Vec<String> = serde_json::to_value(observation(json!({})))
        .expect("JSON")
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    fields.sort();
    assert_eq!(report["observation"], json!(fields));
    let _ =
        js_sys::Reflect::delete_property(&window.into(), &JsValue::from_str("pdeSandboxCanary"));
}

#[wasm_bindgen_test]
async fn the_code_cannot_take_over_the_worker_s_messages() {
    // At its top level and at every decision the code tries to hear the page's messages in
    // place of the worker, to stop them reaching it, and to answer itself.
    let top = "\
let heard = 0;
const hijack = () => {
  const swallow = (event) => { if (event.isTrusted) heard += 1; event.stopImmediatePropagation(); event.preventDefault(); };
  self.onmessage = swallow;
  addEventListener('message', swallow, true);
  addEventListener('message', swallow);
  try { self.postMessage = () => {}; } catch (e) {}
  try { Object.defineProperty(self, 'postMessage', { value: () => {} }); } catch (e) {}
  // A forged decision, dispatched at the worker's own listener.
  try { dispatchEvent(new MessageEvent('message', { data: { kind: 'decide', id: 99, observation: {} } })); } catch (e) {}
};
hijack();";
    let code = format!(
        "{top}\nfunction decide(observation) {{\n  hijack();\n  return {{ capacity: observation.memory.n, reason: 'kept', memory: {{ heard }} }};\n}}"
    );
    let sandbox = start(&code).await;
    for n in 1..=3 {
        let json = decide(&sandbox, json!({ "n": n }))
            .await
            .expect("the worker still answers");
        let decision = Decision::from_json(&json).expect("a decision");
        assert_eq!(decision.capacity, Some(n), "{json}");
        // Its listeners did hear each earlier message of the page (the attempt is real),
        // after the worker: they could neither stop one reaching it nor answer in its place.
        let heard = decision.memory.as_ref().and_then(|m| m["heard"].as_u64());
        assert_eq!(heard, Some(u64::from(n - 1)), "{json}");
    }
}

#[wasm_bindgen_test]
async fn the_worker_is_served_where_the_page_expects_it() {
    assert_eq!(POLICY_WORKER_URL, "worker/policy.js");
    let window = web_sys::window().expect("window");
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(POLICY_WORKER_URL))
        .await
        .expect("fetched");
    let response: web_sys::Response = wasm_bindgen::JsCast::dyn_into(response).expect("a response");
    assert!(response.ok(), "HTTP {}", response.status());
}
