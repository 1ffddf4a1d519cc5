//! What the live chart draws, from the journal: the run's schedule, the capacities its
//! ramp steps asked for, and the running instances the monitor counted (Phantom
//! `600-RUNNING` and AWS `InService` alike), each as a step line over ramp time.

use crate::engine::journal::{Event, InstanceState, MonitorResult};

/// The chart's three step lines, as `(offset ms from the ramp's start, value)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// The schedule of the run.
    pub planned: Vec<(u64, u32)>,
    /// What the ramp steps asked for, when they fired.
    pub requested: Vec<(u64, u32)>,
    /// Running instances as the monitor saw them.
    pub running: Vec<(u64, u32)>,
}

impl Series {
    /// The three lines' points together.
    fn points(&self) -> impl Iterator<Item = &(u64, u32)> {
        self.planned
            .iter()
            .chain(&self.requested)
            .chain(&self.running)
    }

    /// The latest offset of any point, ms (0 without points).
    pub fn last_offset_ms(&self) -> u64 {
        self.points().map(|p| p.0).max().unwrap_or(0)
    }

    /// The highest value of any point (0 without points).
    pub fn peak(&self) -> u32 {
        self.points().map(|p| p.1).max().unwrap_or(0)
    }
}

/// The series of a journal (its last run).
pub fn series(events: &[Event]) -> Series {
    let mut s = Series::default();
    for e in events {
        match e {
            Event::RunStarted(r) => {
                s = Series::default();
                s.planned = r.schedule.iter().map(|x| (x.at_ms, x.capacity)).collect();
            }
            Event::RampStep(r) => s.requested.push((r.actual_offset_ms, r.capacity)),
            Event::Monitor(m) => {
                if let MonitorResult::Domain { counts, .. } = &m.result {
                    let running = counts
                        .iter()
                        .filter(|c| c.category == InstanceState::Running)
                        .map(|c| c.count)
                        .sum();
                    s.running.push((m.offset_ms, running));
                }
            }
            _ => {}
        }
    }
    s
}
