//! Which settings this runner runs: every built-in shape of the Ramp section (today the
//! tutorial ramp and explicit steps). A shape that needs the browser (a custom
//! JavaScript policy runs in the page's sandbox) is refused naming the page as its
//! place, and so is a shape this build does not know at all (a file from a newer page),
//! before anything is sent.
//!
//! A new shape is one match arm in [`check_runnable`]: `Ok(())` when the engine runs it
//! without a browser, `Err(Refusal::PageOnly { .. })` when it needs the page.

use serde_json::Value;

use crate::settings::{RampShape, Settings};

/// Why the runner does not run these settings (exit status 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A shape that only the page can run.
    #[error(
        "{what} runs only in the page (it needs the browser's sandbox): import these settings in the page and run them there; phantom-de-run runs the built-in shapes"
    )]
    PageOnly {
        /// The shape, as the page's Shape select names it.
        what: &'static str,
    },
    /// A shape name this build does not know (a newer page's export?).
    #[error(
        "the ramp shape \"{name}\" is not one this phantom-de-run knows (it runs the tutorial ramp and explicit steps); a policy that needs the browser, such as a custom JavaScript policy, runs in the page: import the settings there, or use a phantom-de-run as new as the page"
    )]
    UnknownShape {
        /// The name in the file (shortened).
        name: String,
    },
}

/// Refuses a file whose `ramp.shape` names no shape this build knows, with a message
/// of its own (the import would only say "unknown variant").
pub fn refuse_unknown_shape(file: &Value) -> Result<(), Refusal> {
    let Some(shape) = file.get("ramp").and_then(|r| r.get("shape")) else {
        return Ok(());
    };
    if serde_json::from_value::<RampShape>(shape.clone()).is_ok() {
        return Ok(());
    }
    let name: String = match shape {
        Value::String(s) => s.chars().filter(|c| !c.is_control()).take(60).collect(),
        other => other.to_string().chars().take(60).collect(),
    };
    Err(Refusal::UnknownShape { name })
}

/// Whether the runner runs the settings' shape.
pub fn check_runnable(settings: &Settings) -> Result<(), Refusal> {
    match settings.ramp.shape {
        RampShape::Tutorial | RampShape::Steps | RampShape::KeepHealthy => Ok(()),
        RampShape::FollowMetric => Ok(()),
        // The zone's offsets come from the browser's time-zone database; here only UTC.
        RampShape::Schedule if is_utc(&settings.ramp.policy.zone) => Ok(()),
        RampShape::Schedule => Err(Refusal::PageOnly {
            what: "A schedule in a time zone other than UTC",
        }),
        RampShape::Custom => Err(Refusal::PageOnly {
            what: "A custom policy",
        }),
    }
}

/// Whether `zone` names UTC.
fn is_utc(zone: &str) -> bool {
    matches!(zone.trim(), "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT")
}
