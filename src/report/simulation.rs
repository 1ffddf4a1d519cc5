//! A dry run ([`crate::engine::simulate`]) as the page shows it: the live chart's lines
//! ([`Series`], drawn by [`DomainChart`]) with the decided capacity as the requested
//! line, plus the metric on its own scale, and the decisions as the live log writes
//! them. The planned line is what a live run of a policy journals as its schedule: only
//! the end, so a dry run's chart reads like the live one will.

use crate::engine::journal::Event;
use crate::engine::simulate::SimOutcome;

use super::chart::{DomainChart, Frame};
use super::decisions::decision_line;
use super::series::Series;
use super::steplog::LogLine;
use crate::settings::num::format_seconds;

/// At most this many metric points are drawn (about one per unit of the chart's width):
/// an hour at 1 s ticks has 3600.
pub const MAX_METRIC_POINTS: usize = 640;

/// The dry run's lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimulationSeries {
    /// Planned (the end's capacity), requested (the decided capacity) and running, as
    /// the live chart takes them.
    pub series: Series,
    /// The metric the policy saw, `(offset ms, value)`, thinned to at most
    /// [`MAX_METRIC_POINTS`]; empty without a metric.
    pub metric: Vec<(u64, f64)>,
}

fn ms(t_s: f64) -> u64 {
    if t_s.is_finite() && t_s > 0.0 {
        (t_s * 1000.0).round() as u64
    } else {
        0
    }
}

/// Keeps the first point and every point whose value differs from the previous one.
fn changes<V: PartialEq + Copy>(points: impl Iterator<Item = (u64, V)>) -> Vec<(u64, V)> {
    let mut out: Vec<(u64, V)> = Vec::new();
    for p in points {
        if out.last().is_none_or(|last| last.1 != p.1) {
            out.push(p);
        }
    }
    out
}

/// The lines of a dry run.
pub fn simulation_series(outcome: &SimOutcome) -> SimulationSeries {
    let points = &outcome.series;
    let mut s = Series::default();
    if let Some(last) = points.last() {
        s.planned = vec![(ms(last.t_s), last.decided)];
    }
    s.requested = changes(points.iter().map(|p| (ms(p.t_s), p.decided)));
    s.running = changes(points.iter().map(|p| (ms(p.t_s), p.running)));
    let metric = changes(
        points
            .iter()
            .filter_map(|p| p.metric.map(|m| (ms(p.t_s), m))),
    );
    SimulationSeries {
        series: s,
        metric: thin(metric, MAX_METRIC_POINTS),
    }
}

/// Every k-th point so at most `most` are left, the last always among them.
fn thin(points: Vec<(u64, f64)>, most: usize) -> Vec<(u64, f64)> {
    if points.len() <= most || most < 2 {
        return points;
    }
    let stride = points.len().div_ceil(most - 1);
    let last = points[points.len() - 1];
    let mut out: Vec<(u64, f64)> = points.into_iter().step_by(stride).collect();
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

/// The dry run's chart: the live chart's lines and the metric, scaled to its own range
/// (its labels on the right).
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationChart {
    /// Decided capacity (`requested`), running VMs and the plan's end.
    pub lines: DomainChart,
    /// The metric's step line; empty without a metric.
    pub metric: String,
    /// The metric's value at the top of the chart.
    pub metric_top_label: String,
    /// At the bottom (0, or the lowest value when it is below 0).
    pub metric_bottom_label: String,
}

impl SimulationChart {
    /// The chart of a dry run's lines; none without a single tick.
    pub fn of(s: &SimulationSeries) -> Option<Self> {
        let lines = DomainChart::of(&s.series)?;
        let f: Frame = DomainChart::FRAME;
        // The same horizontal scale as DomainChart::of.
        let t_end = s.series.last_offset_ms().max(1000) as f64;
        let t_max = t_end * 1.05;
        let x = |t: u64| f.left + (t as f64 / t_max) * (f.width - f.left - f.right);
        let lo = s.metric.iter().map(|p| p.1).fold(0.0_f64, f64::min);
        let hi = s.metric.iter().map(|p| p.1).fold(lo, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let y = |v: f64| f.baseline() - ((v - lo) / span) * (f.height - f.top - f.bottom);
        let mut metric = String::new();
        for (i, &(t, v)) in s.metric.iter().enumerate() {
            if i == 0 {
                metric.push_str(&format!("M{:.1},{:.1}", x(t), y(v)));
            } else {
                metric.push_str(&format!(" H{:.1} V{:.1}", x(t), y(v)));
            }
        }
        if !metric.is_empty() {
            metric.push_str(&format!(" H{:.1}", x(t_end as u64)));
        }
        let label = crate::engine::policy::builtin::metric::trim_number;
        Some(Self {
            lines,
            metric,
            metric_top_label: label(if hi > lo { hi } else { lo + 1.0 }),
            metric_bottom_label: label(lo),
        })
    }
}

/// The dry run's decisions as the live log writes them, in order.
pub fn simulation_lines(outcome: &SimOutcome) -> Vec<LogLine> {
    outcome
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Decision(d) => Some(decision_line(d)),
            _ => None,
        })
        .collect()
}

/// One sentence on a dry run: how much was simulated, in how long, and what it did
/// ("Simulated 10 min (120 decisions) in 9 ms: peak capacity 4, 7 VMs started, no
/// fault; completed at capacity 0."). `took_ms` is the page's own time for it.
pub fn simulation_summary(outcome: &SimOutcome, took_ms: f64) -> String {
    let decisions = outcome
        .events
        .iter()
        .filter(|e| matches!(e, Event::Decision(_)))
        .count();
    let peak = outcome.series.iter().map(|p| p.decided).max().unwrap_or(0);
    let span = format_seconds(ms(outcome.end_s));
    let took = if took_ms < 10.0 {
        format!("{took_ms:.1} ms")
    } else {
        format!("{took_ms:.0} ms")
    };
    let faults = match outcome.faults {
        0 => "no fault".to_string(),
        1 => "1 fault".to_string(),
        n => format!("{n} faults"),
    };
    let end = match (&outcome.failure, outcome.series.last()) {
        (Some(reason), _) if outcome.ended_by_faults => {
            format!("failed (capacity 0, as a teardown): {reason}")
        }
        (Some(reason), _) => format!("failed: {reason}"),
        (None, Some(last)) => format!("completed at capacity {}", last.decided),
        (None, None) => "completed".to_string(),
    };
    format!(
        "Simulated {span} ({decisions} decision{}) in {took}: peak capacity {peak}, {} VM{} started, {faults}; {end}.",
        if decisions == 1 { "" } else { "s" },
        outcome.vms_started,
        if outcome.vms_started == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::simulate::SimPoint;

    fn point(t_s: f64, decided: u32, running: u32, metric: Option<f64>) -> SimPoint {
        SimPoint {
            t_s,
            decided,
            running,
            metric,
        }
    }

    #[test]
    fn lines_keep_only_changes_and_the_plan_is_its_end() {
        let outcome = SimOutcome {
            series: vec![
                point(0.0, 2, 0, Some(15.0)),
                point(5.0, 2, 0, Some(15.0)),
                point(10.0, 2, 2, Some(30.0)),
                point(15.0, 3, 2, Some(30.0)),
                point(20.0, 0, 3, Some(30.0)),
            ],
            ..SimOutcome::default()
        };
        let s = simulation_series(&outcome);
        assert_eq!(s.series.planned, vec![(20_000, 0)]);
        assert_eq!(s.series.requested, vec![(0, 2), (15_000, 3), (20_000, 0)]);
        assert_eq!(s.series.running, vec![(0, 0), (10_000, 2), (20_000, 3)]);
        assert_eq!(s.metric, vec![(0, 15.0), (10_000, 30.0)]);
        let c = SimulationChart::of(&s).unwrap();
        assert!(c.lines.requested.starts_with('M'));
        assert!(c.metric.starts_with('M'));
        assert_eq!(c.metric_top_label, "30");
        assert_eq!(c.metric_bottom_label, "0");
        // The metric's peak is at the top of the drawing area.
        assert!(c
            .metric
            .contains(&format!("V{:.1}", DomainChart::FRAME.top)));
    }

    #[test]
    fn a_long_metric_is_thinned_and_keeps_its_last_point() {
        let outcome = SimOutcome {
            series: (0..3600)
                .map(|t| point(f64::from(t), 1, 1, Some(f64::from(t))))
                .collect(),
            ..SimOutcome::default()
        };
        let s = simulation_series(&outcome);
        assert!(s.metric.len() <= MAX_METRIC_POINTS, "{}", s.metric.len());
        assert_eq!(s.metric.last(), Some(&(3_599_000, 3599.0)));
        assert_eq!(s.series.requested, vec![(0, 1)]);
    }

    #[test]
    fn no_ticks_no_chart() {
        let s = simulation_series(&SimOutcome::default());
        assert_eq!(SimulationChart::of(&s), None);
        assert!(simulation_lines(&SimOutcome::default()).is_empty());
    }
}
