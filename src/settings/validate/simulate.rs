//! The Simulation section: valid, it is the model a dry run plays
//! ([`ValidSimulation`]). Checked apart from the rest of the settings: a half-typed
//! model never blocks Run, and a valid run never needs a model.

use serde::Serialize;

use crate::settings::field::SimulateField;
use crate::settings::num::parse_decimal;
use crate::settings::trace::{MetricTrace, Pattern};
use crate::settings::{NumText, SimulateSettings, TraceKind};

use super::check::{num_message, Check};
use super::FieldError;

/// The longest boot time, s (a day: longer is a VM that never boots).
const MAX_BOOT_S: u64 = 86_400;
/// At most this many failures per VM per hour (one a second).
const MAX_FAILURES_PER_HOUR: f64 = 3_600.0;
/// A metric value's magnitude.
const MAX_METRIC: f64 = 1e12;
/// Pasted numbers, at most.
pub const MAX_TRACE_VALUES: usize = 100_000;
/// A pattern's durations, s (a year).
const MAX_PATTERN_S: u64 = 366 * 86_400;

/// The dry run's model, checked and typed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidSimulation {
    /// A VM is pending this long, s.
    pub boot_s: f64,
    /// Failures per running VM per hour.
    pub failure_rate_per_hour: f64,
    /// The generator's seed.
    pub seed: u64,
    /// The metric.
    pub trace: MetricTrace,
}

fn decimal(c: &mut Check, field: SimulateField, text: &NumText, min: f64, max: f64) -> Option<f64> {
    parse_decimal(text, min, max)
        .map(|(v, _)| v)
        .map_err(|e| c.add(field, num_message(field.label(), &e)))
        .ok()
}

fn secs(c: &mut Check, field: SimulateField, text: &NumText, min_ms: u64) -> Option<f64> {
    c.secs(field, field.label(), text, min_ms, MAX_PATTERN_S * 1000)
        .map(|ms| ms as f64 / 1000.0)
}

fn trace(s: &SimulateSettings, c: &mut Check) -> Option<MetricTrace> {
    use SimulateField as F;
    let m = MAX_METRIC;
    Some(match s.trace {
        TraceKind::None => MetricTrace::None,
        TraceKind::Values => {
            let values = match MetricTrace::parse_values(&s.values) {
                Ok(v) if v.len() > MAX_TRACE_VALUES => {
                    c.add(
                        F::Values,
                        format!(
                            "Paste at most {MAX_TRACE_VALUES} numbers (these are {})",
                            v.len()
                        ),
                    );
                    None
                }
                Ok(v) => Some(v),
                Err(e) => {
                    c.add(F::Values, e.to_string());
                    None
                }
            };
            let every_s = secs(c, F::ValueEvery, &s.value_every, 1000);
            MetricTrace::Values {
                every_s: every_s?,
                values: values?,
            }
        }
        TraceKind::Sine => {
            let base = decimal(c, F::SineBase, &s.sine_base, -m, m);
            let amplitude = decimal(c, F::SineAmplitude, &s.sine_amplitude, 0.0, m);
            let period_s = secs(c, F::SinePeriod, &s.sine_period, 1000);
            MetricTrace::Pattern(Pattern::Sine {
                base: base?,
                amplitude: amplitude?,
                period_s: period_s?,
            })
        }
        TraceKind::Ramp => {
            let from = decimal(c, F::RampFrom, &s.ramp_from, -m, m);
            let to = decimal(c, F::RampTo, &s.ramp_to, -m, m);
            let over_s = secs(c, F::RampOver, &s.ramp_over, 0);
            MetricTrace::Pattern(Pattern::Ramp {
                from: from?,
                to: to?,
                over_s: over_s?,
            })
        }
        TraceKind::Spikes => {
            let base = decimal(c, F::SpikeBase, &s.spike_base, -m, m);
            let peak = decimal(c, F::SpikePeak, &s.spike_peak, -m, m);
            let every_s = secs(c, F::SpikeEvery, &s.spike_every, 1000);
            let width_s = secs(c, F::SpikeWidth, &s.spike_width, 0);
            if let (Some(every), Some(width)) = (every_s, width_s) {
                if width >= every {
                    c.add(
                        F::SpikeWidth,
                        "Each spike must be shorter than the time between spikes (or it never ends)",
                    );
                }
            }
            MetricTrace::Pattern(Pattern::Spikes {
                base: base?,
                peak: peak?,
                every_s: every_s?,
                width_s: width_s?,
            })
        }
    })
}

impl SimulateSettings {
    /// The model, or every problem with the fields the current trace shows.
    pub fn validated(&self) -> Result<ValidSimulation, Vec<FieldError>> {
        use SimulateField as F;
        let mut c = Check::default();
        let boot_s = c
            .secs(F::Boot, F::Boot.label(), &self.boot, 0, MAX_BOOT_S * 1000)
            .map(|ms| ms as f64 / 1000.0);
        let failures = decimal(
            &mut c,
            F::FailuresPerHour,
            &self.failures_per_hour,
            0.0,
            MAX_FAILURES_PER_HOUR,
        );
        let seed = c.int(F::Seed, F::Seed.label(), &self.seed, 0, u32::MAX);
        let trace = trace(self, &mut c);
        let valid = (|| {
            Some(ValidSimulation {
                boot_s: boot_s?,
                failure_rate_per_hour: failures?,
                seed: u64::from(seed?),
                trace: trace?,
            })
        })();
        c.finish(valid)
    }
}
