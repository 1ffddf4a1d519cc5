//! The decision engine, pure (no browser API; it runs over the client's `Transport` and
//! `Clock`), one room per part:
//!
//! * [`plan`]: what a run will do, the exact requests in order with their times;
//!   [`preview`]: how they look once signed.
//! * [`options`]: how a run behaves beyond its plan; [`resume`]: the plan that resumes
//!   an interrupted run.
//! * [`run`]: the runner, one file per part (setup, ramp and end, monitor, teardown);
//!   [`stop`]: the Stop button's handle.
//! * [`manual`]: the requests a person asks for outside a plan (list the VMs, terminate
//!   or replace one, scale to 0, test the connection).
//! * [`journal`]: every happening as a typed event, its JSON and its summary;
//!   [`record`]: how one request is journaled; [`capacity`]: what a run left running.
//!
//! Dependencies point down this list's reverse: `journal` knows nothing of `run`, and
//! no two files here import each other.

pub mod capacity;
pub mod journal;
pub mod manual;
pub mod options;
pub mod plan;
pub mod preview;
pub mod record;
pub mod resume;
pub mod run;
pub mod stop;

pub use capacity::{CapacityState, TeardownSkip};
pub use options::{OnStepFailure, Resume, RunOptions};
pub use plan::{Condition, Phase, Plan, PlannedRequest};
pub use preview::{example_signing, SignedPreview, EXAMPLE_TIME};
pub use resume::{resume_plan, ResumeProblem};
pub use stop::StopHandle;
