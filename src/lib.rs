//! Phantom Decision Engine: an autoscaling decision engine that runs in the browser.
//!
//! Layers, dependencies pointing down only:
//! * [`sign`]: canonical encoding, Signature V2 and V4 (AWS and Phantom dialects); pure.
//! * [`api`]: the Auto Scaling Query API: typed actions, XML, errors, client, retries.
//! * [`settings`]: what a person describes a run with, validated field by field; the
//!   settings file (JSON import/export). Pure.
//! * [`engine`]: the plan of a run, the exact requests in order, as data. Pure.
//! * [`report`]: what the page shows of a run, as data: the step log's lines, filter and
//!   downloads, the charts' geometry, the live view's counts and VM rows, the HTML run
//!   report. Pure.
//! * [`order`]: one sort for all of them (below every layer).
//! * `ui` (wasm32 only): Leptos components that render settings and reports.
//! * [`headless`] (native only): the same engine without a browser, the
//!   `phantom-de-run` binary's edge (native transport and clock, flags, output, signals).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod engine;
pub mod order;
pub mod report;
pub mod settings;
pub mod sign;

pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod headless;
#[cfg(target_arch = "wasm32")]
pub mod ui;
