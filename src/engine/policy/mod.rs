//! Policies: what decides a domain's capacity while a run goes on, instead of (or after)
//! a fixed schedule. The seed tutorial exists because people "want behaviours that
//! Phantom does not already provide"; a timed ramp is only its first example.
//!
//! At every tick (a chosen interval, at least 1 s, counted from the ramp's start so
//! ticks never drift) the runner looks at the domain and hands a policy an
//! [`Observation`]; the policy returns a [`Decision`] (a capacity or "hold", VMs to
//! replace, a reason, and memory for its next tick). The [`Governor`] then enforces the
//! rails whatever the policy said: minimum and maximum capacity, the largest change per
//! decision, separate scale-up and scale-down cooldowns, at most so many replacements
//! per window, and no request when nothing changes. After the run length the plan's
//! final capacity is set as for a ramp.
//!
//! The rooms: [`observation`] (what a policy sees, and how long each VM has been in its
//! state), [`decision`] (what it answers, and a custom policy's JSON answer read
//! safely), [`rails`] (the governor), [`builtin`] (follow a metric, schedule windows,
//! keep healthy), [`tick`] (what one tick does with an answer, shared by the live run
//! and the dry run). The policy a plan carries is the settings' [`ValidPolicy`]. A policy whose answer takes a
//! browser (a person's JavaScript in a sandbox, a metric read over the network, a
//! time zone's offset) reaches it through a [`PolicyHost`], so all of this is pure and
//! runs on the host's virtual clock in tests and in the dry run.

pub mod builtin;
pub mod decision;
pub mod host;
pub mod observation;
pub mod rails;
pub mod tick;

pub use crate::engine::journal::{Direction, RailNote};
pub use crate::settings::{MetricSpec, PolicyKind, Rails, ValidPolicy, Weekdays};
pub use builtin::decider_for;
pub use decision::{Decision, PolicyFault};
pub use host::{Decide, NoHost, PolicyHost};
pub use observation::{CloudMax, MetricReading, Observation, ObservedInstance, Tracker};
pub use rails::{Governed, Governor};
pub use tick::{Settled, Ticker, MAX_FAULTS_IN_A_ROW};
