//! The Auto Scaling Query API: typed actions → parameters, XML → typed results, every
//! error shape → one typed error, and a client that signs, sends and retries over a
//! [`Transport`] and a [`Clock`]. Pure Rust except [`fetch`], the browser transport, and
//! [`ticker`], its sleeps on a timer worker.
//!
//! [`action`] holds the ten actions as types; [`request`] holds them as data
//! ([`Request`]) and [`Client::send`], the one place a [`Request`] is dispatched to its
//! action; [`client`] signs, sends and reads one action ([`Client::call`]).

pub mod action;
pub mod client;
pub mod clock;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
pub mod model;
pub mod probe;
pub mod profile;
pub mod request;
pub mod retry;
#[cfg(target_arch = "wasm32")]
pub mod sandbox;
#[cfg(target_arch = "wasm32")]
pub mod ticker;
pub mod transport;
pub mod xml;

pub use action::Action;
pub use client::{Attempt, Client, NextStep, Response};
pub use clock::Clock;
pub use error::{ApiError, ErrorClass};
pub use model::{AutoScalingGroup, AutoScalingInstance, Instance, LaunchConfiguration, Tag};
pub use probe::{test_connection, ConnectionReport};
pub use profile::{ClientConfig, Connection, Profile};
pub use request::{Answer, Request};
pub use retry::RetryPolicy;
pub use transport::{HttpRequest, HttpResponse, Transport, TransportError};
