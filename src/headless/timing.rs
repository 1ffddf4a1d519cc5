//! `--timing`: the figures the benchmark reports for the page, read from a run's journal:
//! setup latency (start → the ramp's time 0, i.e. launch configurations and domain
//! done) and the lateness of every timed step (when it fired minus when it was due).

use crate::engine::journal::Event;
use crate::engine::timing::whole_ms;

/// A run's timing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    /// From the run's start to the ramp's time 0, ms (`None` when the ramp never began).
    pub setup_ms: Option<u64>,
    /// Every timed step's lateness, in order, ms.
    pub lateness_ms: Vec<u64>,
}

impl Timing {
    /// The timing of `events`.
    pub fn of(events: &[Event]) -> Self {
        let started = events.iter().find_map(|e| match e {
            Event::RunStarted(s) => Some(s.at_ms),
            _ => None,
        });
        let ramp = events.iter().find_map(|e| match e {
            Event::RampStarted(r) => Some(r.at_ms),
            _ => None,
        });
        Self {
            setup_ms: started.zip(ramp).map(|(s, r)| whole_ms(r - s)),
            lateness_ms: events
                .iter()
                .filter_map(|e| match e {
                    Event::RampStep(s) => Some(s.lateness_ms),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The `p`-th percentile (0 < p ≤ 100, nearest rank) of the lateness.
    pub fn lateness_percentile(&self, p: u32) -> Option<u64> {
        let mut sorted = self.lateness_ms.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        let rank = (n * p as usize).div_ceil(100).clamp(1, n.max(1));
        sorted.get(rank - 1).copied()
    }

    /// The summary lines `--timing` prints.
    pub fn lines(&self) -> Vec<String> {
        let ms = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        vec![
            format!("timing: setup latency {} ms (start → ramp time 0)", ms(self.setup_ms)),
            format!(
                "timing: {} timed steps, lateness median / p95 / max / last step: {} / {} / {} / {} ms",
                self.lateness_ms.len(),
                ms(self.lateness_percentile(50)),
                ms(self.lateness_percentile(95)),
                ms(self.lateness_ms.iter().copied().max()),
                ms(self.lateness_ms.last().copied()),
            ),
        ]
    }
}
