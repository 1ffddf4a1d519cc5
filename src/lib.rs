//! Phantom Decision Engine: an autoscaling decision engine that runs in the browser.
//!
//! Layers, dependencies pointing down only:
//! * [`sign`]: canonical encoding, Signature V2 and V4 (AWS and Phantom dialects); pure.
//! * [`api`]: the Auto Scaling Query API: typed actions, XML, errors, client, retries.
//! * `ui` (wasm32 only): Leptos components.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod sign;

#[cfg(target_arch = "wasm32")]
pub mod ui;
