//! The [`Governor`], which holds every decision to the [`Rails`] a person chose
//! (whatever the policy says), decision by decision, remembering when capacity last
//! changed and which VMs it replaced.

use std::collections::{HashSet, VecDeque};

use super::decision::Decision;
use super::observation::Observation;
use crate::engine::journal::{Direction, InstanceState, RailNote};
use crate::settings::Rails;

/// A decision after the rails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Governed {
    /// The capacity to set now; `None`: no request (unchanged, held or cooling down).
    pub capacity: Option<u32>,
    /// The VMs to replace now.
    pub replace: Vec<String>,
    /// What the rails changed.
    pub notes: Vec<RailNote>,
}

/// Applies [`Rails`] to one decision after another.
#[derive(Clone, Debug)]
pub struct Governor {
    rails: Rails,
    last_change_ms: Option<f64>,
    replaced_at: VecDeque<f64>,
    replaced: HashSet<String>,
}

impl Governor {
    /// A governor that has seen no change yet (no cooldown runs at the start).
    pub fn new(rails: Rails) -> Self {
        Self {
            rails,
            last_change_ms: None,
            replaced_at: VecDeque::new(),
            replaced: HashSet::new(),
        }
    }

    /// The rails.
    pub fn rails(&self) -> &Rails {
        &self.rails
    }

    /// Holds `decision` to the rails at `now_ms`, the domain's capacity being `current`,
    /// and counts what it lets through as done: a capacity set now starts the cooldowns,
    /// a replacement counts in its window.
    pub fn govern(
        &mut self,
        now_ms: f64,
        current: u32,
        observation: &Observation,
        decision: &Decision,
    ) -> Governed {
        let mut notes = Vec::new();
        let capacity = decision
            .capacity
            .and_then(|asked| self.capacity(now_ms, current, asked, &mut notes));
        if capacity.is_some() {
            self.last_change_ms = Some(now_ms);
        }
        let replace = self.replacements(now_ms, observation, &decision.replace, &mut notes);
        Governed {
            capacity,
            replace,
            notes,
        }
    }

    fn capacity(
        &self,
        now_ms: f64,
        current: u32,
        asked: u32,
        notes: &mut Vec<RailNote>,
    ) -> Option<u32> {
        let r = &self.rails;
        let mut wanted = asked;
        if wanted < r.min {
            notes.push(RailNote::RaisedToMinimum { asked, min: r.min });
            wanted = r.min;
        }
        if wanted > r.max {
            notes.push(RailNote::LoweredToMaximum { asked, max: r.max });
            wanted = r.max;
        }
        if let Some(step) = r.max_change {
            let limited = if wanted > current {
                wanted.min(current.saturating_add(step))
            } else {
                wanted.max(current.saturating_sub(step))
            };
            if limited != wanted {
                notes.push(RailNote::ChangeLimited {
                    asked: wanted,
                    to: limited,
                    max_change: step,
                });
                wanted = limited;
            }
        }
        if wanted == current {
            return None;
        }
        let (direction, cooldown) = if wanted > current {
            (Direction::Up, r.up_cooldown_ms)
        } else {
            (Direction::Down, r.down_cooldown_ms)
        };
        if let Some(last) = self.last_change_ms {
            let since = now_ms - last;
            if since < cooldown as f64 {
                notes.push(RailNote::CoolingDown {
                    direction,
                    wanted,
                    remaining_ms: (cooldown as f64 - since).ceil() as u64,
                });
                return None;
            }
        }
        Some(wanted)
    }

    fn replacements(
        &mut self,
        now_ms: f64,
        observation: &Observation,
        asked: &[String],
        notes: &mut Vec<RailNote>,
    ) -> Vec<String> {
        let window = self.rails.replacement_window_ms as f64;
        while self
            .replaced_at
            .front()
            .is_some_and(|&at| now_ms - at >= window)
        {
            self.replaced_at.pop_front();
        }
        let mut chosen = Vec::new();
        let mut seen = HashSet::new();
        for id in asked {
            if !seen.insert(id.as_str()) {
                continue;
            }
            let replaceable = !id.is_empty()
                && !self.replaced.contains(id)
                && observation.instances.iter().any(|vm| {
                    vm.id == *id
                        && !matches!(
                            vm.state,
                            InstanceState::Terminating | InstanceState::Terminated
                        )
                });
            if replaceable {
                chosen.push(id.clone());
            } else {
                notes.push(RailNote::NotReplaced { id: id.clone() });
            }
        }
        let room = (self.rails.max_replacements as usize).saturating_sub(self.replaced_at.len());
        if chosen.len() > room {
            notes.push(RailNote::ReplacementsLimited {
                asked: u32::try_from(chosen.len()).unwrap_or(u32::MAX),
                allowed: u32::try_from(room).unwrap_or(u32::MAX),
            });
            chosen.truncate(room);
        }
        for id in &chosen {
            self.replaced_at.push_back(now_ms);
            self.replaced.insert(id.clone());
        }
        chosen
    }
}
