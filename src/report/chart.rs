//! The geometry of the page's two SVG charts, both step lines of capacity over time:
//! the plan preview's planned capacity ([`PlanChart`]) and the live view's planned,
//! requested and running lines ([`DomainChart`]). Coordinates are SVG user units of a
//! fixed view box; `ui` only places what is computed here.

use crate::settings::num::format_seconds;

use super::series::Series;

/// A chart's view box and the margins around its drawing area, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// View box width.
    pub width: f64,
    /// View box height.
    pub height: f64,
    /// Left margin (room for the capacity labels).
    pub left: f64,
    /// Right margin.
    pub right: f64,
    /// Top margin.
    pub top: f64,
    /// Bottom margin (room for the time labels).
    pub bottom: f64,
}

impl Frame {
    /// The `viewBox` attribute.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", self.width, self.height)
    }

    /// The y of the time axis (capacity 0).
    pub fn baseline(&self) -> f64 {
        self.height - self.bottom
    }

    /// The x where the drawing area ends.
    pub fn right_edge(&self) -> f64 {
        self.width - self.right
    }
}

/// Maps `(ms, capacity)` into a frame's drawing area: `t_max` at the right edge,
/// `c_max` at the top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The frame drawn in.
    pub frame: Frame,
    /// The time at the right edge, ms.
    pub t_max: f64,
    /// The capacity at the top.
    pub c_max: f64,
}

impl Scale {
    /// The x of a time.
    pub fn x(&self, ms: u64) -> f64 {
        let f = &self.frame;
        f.left + (ms as f64 / self.t_max) * (f.width - f.left - f.right)
    }

    /// The y of a capacity.
    pub fn y(&self, capacity: u32) -> f64 {
        let f = &self.frame;
        f.height - f.bottom - (f64::from(capacity) / self.c_max) * (f.height - f.top - f.bottom)
    }

    /// A step line's SVG path: from the first point, horizontal to each next point's
    /// time, then vertical to its value; then horizontal to `end_x`.
    pub fn step_path(&self, points: &[(u64, u32)], end_x: f64) -> String {
        let mut d = String::new();
        for (i, (t, c)) in points.iter().enumerate() {
            let (x, y) = (self.x(*t), self.y(*c));
            if i == 0 {
                d.push_str(&format!("M{x:.1},{y:.1}"));
            } else {
                d.push_str(&format!(" H{x:.1} V{y:.1}"));
            }
        }
        d.push_str(&format!(" H{end_x:.1}"));
        d
    }
}

/// A label on an axis, at an x (time axis) or y (capacity axis).
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Where, along its axis.
    pub at: f64,
    /// Its text.
    pub label: String,
}

/// A step of the plan, drawn as a dot with a tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Its x.
    pub x: f64,
    /// Its y.
    pub y: f64,
    /// The tooltip: `3 at +20 s`.
    pub title: String,
}

/// The plan preview's chart of planned capacity.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanChart {
    /// Its frame.
    pub frame: Frame,
    /// The step line.
    pub path: String,
    /// The chart in words (its first 20 steps), for screen readers.
    pub aria_label: String,
    /// Capacity labels and grid lines.
    pub y_ticks: Vec<Tick>,
    /// Time labels.
    pub x_ticks: Vec<Tick>,
    /// One dot per step.
    pub points: Vec<Point>,
}

/// `3 at +20 s`: one step of a plan.
fn step_label(ms: u64, capacity: u32) -> String {
    format!("{capacity} at +{}", format_seconds(ms))
}

impl PlanChart {
    /// The plan preview's frame.
    pub const FRAME: Frame = Frame {
        width: 640.0,
        height: 180.0,
        left: 44.0,
        right: 12.0,
        top: 12.0,
        bottom: 28.0,
    };
    /// Steps named in the label; more would make it too long to listen to.
    const LABELLED_STEPS: usize = 20;

    /// The chart of a plan's `(offset ms, capacity)` list, in time order.
    pub fn of(schedule: &[(u64, u32)]) -> Self {
        let frame = Self::FRAME;
        let end = schedule.last().map_or(0, |s| s.0);
        let peak = schedule.iter().map(|s| s.1).max().unwrap_or(0);
        let scale = Scale {
            frame,
            t_max: (end.max(1) as f64) * 1.08,
            c_max: f64::from(peak.max(1)),
        };
        let mut label: Vec<String> = schedule
            .iter()
            .take(Self::LABELLED_STEPS)
            .map(|(t, c)| step_label(*t, *c))
            .collect();
        if schedule.len() > Self::LABELLED_STEPS {
            label.push(format!(
                "and {} more steps",
                schedule.len() - Self::LABELLED_STEPS
            ));
        }
        let y_ticks: Vec<u32> = if peak <= 4 {
            (0..=peak.max(1)).collect()
        } else {
            vec![0, peak / 2, peak]
        };
        let x_ticks: Vec<u64> = if end == 0 {
            vec![0]
        } else {
            vec![0, end / 2, end]
        };
        Self {
            frame,
            path: scale.step_path(schedule, frame.right_edge()),
            aria_label: format!("Planned capacity over time: {}", label.join(", ")),
            y_ticks: y_ticks
                .into_iter()
                .map(|c| Tick {
                    at: scale.y(c),
                    label: c.to_string(),
                })
                .collect(),
            x_ticks: x_ticks
                .into_iter()
                .map(|t| Tick {
                    at: scale.x(t),
                    label: format!("+{}", format_seconds(t)),
                })
                .collect(),
            points: schedule
                .iter()
                .map(|(t, c)| Point {
                    x: scale.x(*t),
                    y: scale.y(*c),
                    title: step_label(*t, *c),
                })
                .collect(),
        }
    }
}

/// The live view's chart: planned capacity, requested capacity and running instances.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainChart {
    /// Its frame.
    pub frame: Frame,
    /// The schedule's step line.
    pub planned: String,
    /// The ramp steps' step line (empty before the first step).
    pub requested: String,
    /// The running instances' step line (empty before the first look).
    pub running: String,
    /// The capacity at the top of the chart.
    pub peak_label: String,
    /// The time at the end of the lines: `90 s`.
    pub end_label: String,
}

impl DomainChart {
    /// The live view's frame.
    pub const FRAME: Frame = Frame {
        width: 640.0,
        height: 180.0,
        left: 36.0,
        right: 12.0,
        top: 12.0,
        bottom: 24.0,
    };

    /// The chart of a journal's series; none before a run has a schedule.
    pub fn of(s: &Series) -> Option<Self> {
        if s.planned.is_empty() {
            return None;
        }
        let frame = Self::FRAME;
        // At least a second wide, with some room after the last point.
        let t_end = s.last_offset_ms().max(1000);
        let scale = Scale {
            frame,
            t_max: t_end as f64 * 1.05,
            c_max: f64::from(s.peak().max(1)),
        };
        // Every line runs on to the latest point of any of them.
        let line = |points: &[(u64, u32)]| {
            if points.is_empty() {
                String::new()
            } else {
                scale.step_path(points, scale.x(t_end))
            }
        };
        Some(Self {
            frame,
            planned: line(&s.planned),
            requested: line(&s.requested),
            running: line(&s.running),
            peak_label: format!("{}", scale.c_max),
            end_label: format!("{:.0} s", t_end as f64 / 1000.0),
        })
    }
}
