//! The dry run's metric: none, numbers a person pasted (each held for a while), or a
//! generated pattern. Read at a tick's time since the policy's start, as the live run
//! reads its metric URL at the tick. It lives with the settings because it is what the
//! Simulation section's fields describe once valid; the dry run
//! ([`crate::engine::simulate`]) only reads it.

use std::f64::consts::TAU;

use serde::{Deserialize, Serialize};

/// Where the simulated metric comes from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MetricTrace {
    /// No metric: a policy that reads one holds, as it would with a source that never
    /// answers.
    #[default]
    None,
    /// Pasted numbers, `values[k]` from `k × every_s` on (a step line); the last one is
    /// held after the end. A zero, negative or non-finite `every_s` holds the first.
    Values {
        /// Seconds each value lasts.
        every_s: f64,
        /// The numbers, in time order.
        values: Vec<f64>,
    },
    /// A generated pattern.
    Pattern(Pattern),
}

/// A generated metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "kebab-case")]
pub enum Pattern {
    /// `base + amplitude × sin(2π t / period_s)`: a daily (or hourly) tide.
    Sine {
        /// The middle.
        base: f64,
        /// Half the swing.
        amplitude: f64,
        /// One full wave, s (not positive: flat at `base`).
        period_s: f64,
    },
    /// From `from` to `to` in a straight line over `over_s`, then `to`.
    Ramp {
        /// The start.
        from: f64,
        /// The end, held afterwards.
        to: f64,
        /// How long the climb takes, s (not positive: `to` at once).
        over_s: f64,
    },
    /// `base`, with `peak` for `width_s` at the start of every `every_s`: bursts.
    Spikes {
        /// Between spikes.
        base: f64,
        /// During one.
        peak: f64,
        /// A spike starts this often, s (not positive: no spikes).
        every_s: f64,
        /// Each lasts this long, s.
        width_s: f64,
    },
}

/// A pasted value that is not a number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// Nothing to read.
    #[error("Enter at least one number (separated by spaces, commas or new lines)")]
    Empty,
    /// A token that is not a finite number.
    #[error("Value {position} is \"{token}\", not a number")]
    NotANumber {
        /// The token as written (at most 40 characters of it).
        token: String,
        /// Its place in the list, from 1.
        position: usize,
    },
}

impl MetricTrace {
    /// Reads pasted numbers separated by spaces, commas, semicolons or new lines (a
    /// column copied from a spreadsheet, a JSON array's inside). The error names the
    /// first token that is not a finite number.
    pub fn parse_values(text: &str) -> Result<Vec<f64>, TraceError> {
        let text = text.trim();
        // A pasted JSON array: its brackets are not values.
        let text = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        let values = text
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .enumerate()
            .map(|(i, token)| match super::float::parse_f64(token) {
                Some(v) => Ok(v),
                None => Err(TraceError::NotANumber {
                    token: token.chars().take(40).collect(),
                    position: i + 1,
                }),
            })
            .collect::<Result<Vec<f64>, _>>()?;
        if values.is_empty() {
            return Err(TraceError::Empty);
        }
        Ok(values)
    }

    /// The metric at `t_s` seconds since the policy's start; `None` without one.
    pub fn at(&self, t_s: f64) -> Option<f64> {
        match self {
            MetricTrace::None => None,
            MetricTrace::Values { every_s, values } => {
                let last = values.len().checked_sub(1)?;
                let k = if every_s.is_finite() && *every_s > 0.0 && t_s > 0.0 {
                    // Whole intervals passed; a value's own start counts as its own.
                    ((t_s / every_s) + 1e-9).floor() as usize
                } else {
                    0
                };
                Some(values[k.min(last)])
            }
            MetricTrace::Pattern(p) => Some(p.at(t_s)),
        }
    }
}

impl Pattern {
    /// The pattern at `t_s`.
    pub fn at(&self, t_s: f64) -> f64 {
        match *self {
            Pattern::Sine {
                base,
                amplitude,
                period_s,
            } => {
                if period_s > 0.0 && period_s.is_finite() {
                    base + amplitude * (TAU * t_s / period_s).sin()
                } else {
                    base
                }
            }
            Pattern::Ramp { from, to, over_s } => {
                if over_s > 0.0 && t_s < over_s {
                    from + (to - from) * (t_s.max(0.0) / over_s)
                } else {
                    to
                }
            }
            Pattern::Spikes {
                base,
                peak,
                every_s,
                width_s,
            } => {
                if every_s > 0.0 && every_s.is_finite() && t_s.rem_euclid(every_s) < width_s {
                    peak
                } else {
                    base
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_held_then_the_last_stays() {
        let t = MetricTrace::Values {
            every_s: 10.0,
            values: vec![1.0, 2.0, 3.0],
        };
        assert_eq!(t.at(0.0), Some(1.0));
        assert_eq!(t.at(9.9), Some(1.0));
        assert_eq!(t.at(10.0), Some(2.0));
        assert_eq!(t.at(1e6), Some(3.0));
    }

    #[test]
    fn patterns() {
        let ramp = Pattern::Ramp {
            from: 0.0,
            to: 100.0,
            over_s: 100.0,
        };
        assert_eq!(ramp.at(50.0), 50.0);
        assert_eq!(ramp.at(500.0), 100.0);
        let spikes = Pattern::Spikes {
            base: 1.0,
            peak: 9.0,
            every_s: 60.0,
            width_s: 10.0,
        };
        assert_eq!(spikes.at(5.0), 9.0);
        assert_eq!(spikes.at(15.0), 1.0);
        assert_eq!(spikes.at(65.0), 9.0);
        let sine = Pattern::Sine {
            base: 10.0,
            amplitude: 5.0,
            period_s: 40.0,
        };
        assert!((sine.at(10.0) - 15.0).abs() < 1e-9);
        assert!((sine.at(30.0) - 5.0).abs() < 1e-9);
    }
}
