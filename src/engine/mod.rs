//! The decision engine's logic, pure: what a run will do ([`plan`]) and how its requests
//! look once signed ([`preview`]). The runner that executes a plan comes on top.

pub mod journal;
pub mod plan;
pub mod preview;
pub mod run;
pub mod stop;

pub use plan::{Condition, Phase, Plan, PlannedRequest};
pub use preview::{example_signing, SignedPreview, EXAMPLE_TIME};
