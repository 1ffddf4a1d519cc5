//! The decision engine, pure (no browser API; it runs over the client's `Transport` and
//! `Clock`), one room per part:
//!
//! * [`plan`]: what a run will do, the exact requests in order with their times;
//!   [`preview`]: how they look once signed.
//! * [`options`]: how a run behaves beyond its plan; [`resume`]: the plan that resumes
//!   an interrupted run.
//! * [`run`]: the runner, one file per part (setup, ramp and end, monitor, teardown);
//!   [`stop`]: the Stop button's handle.
//! * [`pursuit`]: a capacity (0) pursued until the server confirms it, with its backoff
//!   and its "Try now" / "Stop trying" handle: the run's teardown, a teardown by hand,
//!   and a teardown resumed after a reload.
//! * [`simulate`]: the dry run, a plan's policy on a virtual clock against a model of
//!   the domain (boot time, clouds, failures, a metric trace), sharing the live run's
//!   per-tick logic.
//! * [`settle`]: after the end, the watch until the domain shows the capacity asked for
//!   (or a warning).
//! * [`manual`]: the requests a person asks for outside a plan (list the VMs, terminate
//!   or replace one, scale to 0, test the connection).
//! * [`recovery`]: the small record of a run that tells whether it needs attention.
//! * [`journal`]: every happening as a typed event, its JSON and its summary;
//!   [`record`]: how one request is journaled; [`capacity`]: what a run left running.
//! * Shared below them (crate-private): `look` (one describe of a domain as a monitor
//!   result), `timing` (whole milliseconds, also for `report`; sleeping until a time),
//!   `wakers` (the handles' waiting tasks).
//!
//! Dependencies point down this list's reverse: `journal` knows nothing of `run`, and
//! no two files here import each other.

pub mod capacity;
pub mod journal;
mod look;
pub mod manual;
pub mod options;
pub mod plan;
pub mod policy;
pub mod preview;
pub mod pursuit;
pub mod record;
pub mod recovery;
pub mod resume;
pub mod run;
pub mod settle;
pub mod simulate;
pub mod stop;
pub(crate) mod timing;
mod wakers;

pub use capacity::{CapacityState, TeardownSkip};
pub use options::{OnStepFailure, Resume, RunOptions};
pub use plan::{Condition, Phase, Plan, PlannedPolicy, PlannedRequest};
pub use preview::{example_signing, SignedPreview, EXAMPLE_TIME};
pub use pursuit::{pursue_capacity, resume_teardown, Pursuit, TeardownControl};
pub use recovery::RecoveryRecord;
pub use resume::{resume_plan, ResumeProblem};
pub use run::RunControls;
pub use settle::Watch;
pub use stop::StopHandle;
