//! The Simulation section: the model of the domain a dry run plays the policy against
//! (how long a VM boots, how often one fails, the generator's seed) and the metric it
//! sees (pasted numbers or a generated pattern). Kept with the settings so a person's
//! model survives a reload and travels in an exported file; it never blocks Run (its
//! problems are checked apart, by [`SimulateSettings::validated`]).

use serde::{Deserialize, Serialize};

use super::field::SimulateField;
use super::NumText;

/// Where the simulated metric comes from, as the Metric trace select offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceKind {
    /// No metric: a policy that reads one holds.
    None,
    /// Numbers a person pasted, each held for a while.
    Values,
    /// A tide.
    #[default]
    Sine,
    /// A straight climb (or fall), then held.
    Ramp,
    /// A base with bursts.
    Spikes,
}

impl TraceKind {
    /// Every kind, in the select's order.
    pub const ALL: [TraceKind; 5] = [
        TraceKind::None,
        TraceKind::Values,
        TraceKind::Sine,
        TraceKind::Ramp,
        TraceKind::Spikes,
    ];

    /// The value the settings file and the select use.
    pub fn key(self) -> &'static str {
        match self {
            TraceKind::None => "none",
            TraceKind::Values => "values",
            TraceKind::Sine => "sine",
            TraceKind::Ramp => "ramp",
            TraceKind::Spikes => "spikes",
        }
    }

    /// What the select calls it.
    pub fn label(self) -> &'static str {
        match self {
            TraceKind::None => "No metric",
            TraceKind::Values => "Pasted numbers",
            TraceKind::Sine => "Sine wave",
            TraceKind::Ramp => "Ramp",
            TraceKind::Spikes => "Spikes",
        }
    }

    /// The kind whose [`TraceKind::key`] is `key`.
    pub fn from_key(key: &str) -> Option<TraceKind> {
        TraceKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// The Simulation section as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulateSettings {
    /// Seconds a VM is pending after it is started.
    pub boot: NumText,
    /// Failures per running VM per hour (0: none).
    pub failures_per_hour: NumText,
    /// The generator's seed: the same seed, the same failures.
    pub seed: NumText,
    /// The metric's source.
    pub trace: TraceKind,
    /// Pasted numbers (spaces, commas, semicolons or new lines between them).
    pub values: String,
    /// Seconds each pasted number lasts.
    pub value_every: NumText,
    /// Sine: the middle.
    pub sine_base: NumText,
    /// Sine: half the swing.
    pub sine_amplitude: NumText,
    /// Sine: one full wave, seconds.
    pub sine_period: NumText,
    /// Ramp: the start.
    pub ramp_from: NumText,
    /// Ramp: the end, held afterwards.
    pub ramp_to: NumText,
    /// Ramp: seconds the climb takes.
    pub ramp_over: NumText,
    /// Spikes: the value between spikes.
    pub spike_base: NumText,
    /// Spikes: the value during one.
    pub spike_peak: NumText,
    /// Spikes: seconds from one spike's start to the next.
    pub spike_every: NumText,
    /// Spikes: seconds each lasts.
    pub spike_width: NumText,
}

impl Default for SimulateSettings {
    /// A model that shows a metric policy doing something: VMs boot in 30 s, none
    /// fails, and the metric swings between 5 and 35 every 20 minutes (so with the
    /// default 10 per VM, between 1 and 4 VMs).
    fn default() -> Self {
        Self {
            boot: 30.into(),
            failures_per_hour: 0.into(),
            seed: 1.into(),
            trace: TraceKind::Sine,
            values: "10 20 40 30 10".to_string(),
            value_every: 120.into(),
            sine_base: 20.into(),
            sine_amplitude: 15.into(),
            sine_period: 1200.into(),
            ramp_from: 0.into(),
            ramp_to: 40.into(),
            ramp_over: 600.into(),
            spike_base: 5.into(),
            spike_peak: 40.into(),
            spike_every: 300.into(),
            spike_width: 60.into(),
        }
    }
}

impl SimulateSettings {
    /// The fields the form shows for the current trace, in form order (the trace
    /// select itself is shown apart).
    pub fn fields(&self) -> Vec<SimulateField> {
        use SimulateField as F;
        let mut out = vec![F::Boot, F::FailuresPerHour, F::Seed];
        out.extend_from_slice(match self.trace {
            TraceKind::None => &[],
            TraceKind::Values => &[F::Values, F::ValueEvery],
            TraceKind::Sine => &[F::SineBase, F::SineAmplitude, F::SinePeriod],
            TraceKind::Ramp => &[F::RampFrom, F::RampTo, F::RampOver],
            TraceKind::Spikes => &[F::SpikeBase, F::SpikePeak, F::SpikeEvery, F::SpikeWidth],
        });
        out
    }

    fn slot(&mut self, field: SimulateField) -> Option<&mut String> {
        use SimulateField as F;
        Some(match field {
            F::Boot => &mut self.boot.0,
            F::FailuresPerHour => &mut self.failures_per_hour.0,
            F::Seed => &mut self.seed.0,
            F::Trace => return None,
            F::Values => &mut self.values,
            F::ValueEvery => &mut self.value_every.0,
            F::SineBase => &mut self.sine_base.0,
            F::SineAmplitude => &mut self.sine_amplitude.0,
            F::SinePeriod => &mut self.sine_period.0,
            F::RampFrom => &mut self.ramp_from.0,
            F::RampTo => &mut self.ramp_to.0,
            F::RampOver => &mut self.ramp_over.0,
            F::SpikeBase => &mut self.spike_base.0,
            F::SpikePeak => &mut self.spike_peak.0,
            F::SpikeEvery => &mut self.spike_every.0,
            F::SpikeWidth => &mut self.spike_width.0,
        })
    }

    /// The text of `field`, as the form shows it (the trace: its key).
    pub fn text(&self, field: SimulateField) -> &str {
        use SimulateField as F;
        match field {
            F::Boot => self.boot.as_str(),
            F::FailuresPerHour => self.failures_per_hour.as_str(),
            F::Seed => self.seed.as_str(),
            F::Trace => self.trace.key(),
            F::Values => &self.values,
            F::ValueEvery => self.value_every.as_str(),
            F::SineBase => self.sine_base.as_str(),
            F::SineAmplitude => self.sine_amplitude.as_str(),
            F::SinePeriod => self.sine_period.as_str(),
            F::RampFrom => self.ramp_from.as_str(),
            F::RampTo => self.ramp_to.as_str(),
            F::RampOver => self.ramp_over.as_str(),
            F::SpikeBase => self.spike_base.as_str(),
            F::SpikePeak => self.spike_peak.as_str(),
            F::SpikeEvery => self.spike_every.as_str(),
            F::SpikeWidth => self.spike_width.as_str(),
        }
    }

    /// Sets `field` to `value` as typed (the trace: by key; an unknown key is ignored).
    pub fn set_text(&mut self, field: SimulateField, value: String) {
        if field == SimulateField::Trace {
            if let Some(kind) = TraceKind::from_key(&value) {
                self.trace = kind;
            }
        } else if let Some(slot) = self.slot(field) {
            *slot = value;
        }
    }
}
