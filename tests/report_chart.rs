//! The charts on the host: the series the live chart draws from a journal, and the
//! geometry of both SVG charts (paths, ticks, labels) for known schedules.

use phantom_de::engine::journal::{
    Event, InstanceCount, MonitorResult, MonitorSnapshot, RampStep, RunStarted, ScheduledStep,
    JOURNAL_VERSION,
};
use phantom_de::engine::Phase;
use phantom_de::engine::RunOptions;
use phantom_de::report::chart::{DomainChart, PlanChart, Tick};
use phantom_de::report::series::{series, Series};

/// The tutorial's ramp: 1, 2, 3, 4 VMs ten seconds apart, 0 at 90 s.
const TUTORIAL: [(u64, u32); 5] = [(0, 1), (10_000, 2), (20_000, 3), (30_000, 4), (90_000, 0)];

fn run_started(schedule: &[(u64, u32)]) -> Event {
    Event::RunStarted(RunStarted {
        version: JOURNAL_VERSION,
        at_ms: 0.0,
        domain: "my_domain".into(),
        launch_configurations: vec![],
        replace_existing: true,
        schedule: schedule
            .iter()
            .enumerate()
            .map(|(index, &(at_ms, capacity))| ScheduledStep {
                index,
                phase: if index + 1 == schedule.len() {
                    Phase::End
                } else {
                    Phase::Ramp
                },
                at_ms,
                capacity,
            })
            .collect(),
        delete_domain: false,
        planned_requests: schedule.len(),
        options: RunOptions::default(),
        policy: None,
    })
}

fn ramp_step(actual_offset_ms: u64, capacity: u32) -> Event {
    Event::RampStep(RampStep {
        index: 0,
        phase: Phase::Ramp,
        capacity,
        planned_offset_ms: actual_offset_ms,
        actual_offset_ms,
        lateness_ms: 0,
        superseded: vec![],
        at_ms: 0.0,
    })
}

fn count(cloud: &str, state: &str, count: u32) -> InstanceCount {
    InstanceCount::new(cloud, state, count)
}

fn look(offset_ms: u64, result: MonitorResult) -> Event {
    Event::Monitor(MonitorSnapshot {
        at_ms: 0.0,
        offset_ms,
        result,
    })
}

fn counted(offset_ms: u64, counts: Vec<InstanceCount>) -> Event {
    look(
        offset_ms,
        MonitorResult::Domain {
            desired_capacity: None,
            instances: counts.iter().map(|c| c.count).sum(),
            counts,
        },
    )
}

fn ticks(ticks: &[Tick]) -> Vec<(f64, &str)> {
    ticks.iter().map(|t| (t.at, t.label.as_str())).collect()
}

#[test]
fn series_follow_the_last_run_and_count_running_vms_of_both_dialects() {
    let events = [
        run_started(&[(0, 9)]),
        ramp_step(0, 9),
        run_started(&[(0, 1), (2000, 2), (5000, 0)]),
        ramp_step(3, 1),
        counted(
            2900,
            vec![
                count("hotel", "400-PENDING", 2),
                count("hotel", "600-RUNNING", 1),
            ],
        ),
        look(3400, MonitorResult::Missing),
        ramp_step(4000, 2),
        counted(
            3900,
            vec![
                count("hotel", "600-RUNNING", 2),
                count("us-east-1a", "InService", 1),
                count("us-east-1a", "Terminating", 4),
            ],
        ),
    ];
    let s = series(&events);
    assert_eq!(
        s,
        Series {
            planned: vec![(0, 1), (2000, 2), (5000, 0)],
            requested: vec![(3, 1), (4000, 2)],
            running: vec![(2900, 1), (3900, 3)],
        }
    );
    assert_eq!(s.last_offset_ms(), 5000);
    assert_eq!(s.peak(), 3);
    assert_eq!(series(&[]), Series::default());
}

#[test]
fn the_live_chart_draws_three_step_lines_to_the_latest_point() {
    let s = Series {
        planned: vec![(0, 1), (2000, 2), (5000, 0)],
        requested: vec![(3, 1), (4000, 2)],
        running: vec![(2900, 1), (3900, 3)],
    };
    let c = DomainChart::of(&s).expect("a chart");
    assert_eq!(c.planned, "M36.0,108.0 H261.5 V60.0 H599.8 V156.0 H599.8");
    assert_eq!(c.requested, "M36.3,108.0 H487.0 V60.0 H599.8");
    assert_eq!(c.running, "M363.0,108.0 H475.8 V12.0 H599.8");
    assert_eq!(c.peak_label, "3");
    assert_eq!(c.end_label, "5 s");
    assert_eq!(c.frame.view_box(), "0 0 640 180");
    assert_eq!(
        (
            c.frame.left,
            c.frame.top,
            c.frame.baseline(),
            c.frame.right_edge()
        ),
        (36.0, 12.0, 156.0, 628.0)
    );
}

#[test]
fn the_live_chart_waits_for_a_schedule_and_lines_without_points_stay_empty() {
    assert_eq!(DomainChart::of(&Series::default()), None);
    let no_plan = Series {
        requested: vec![(0, 1)],
        ..Series::default()
    };
    assert_eq!(DomainChart::of(&no_plan), None);
    // A plan of one step at 0: the chart is a second wide, capacity 0 still has a scale.
    let c = DomainChart::of(&Series {
        planned: vec![(0, 0)],
        ..Series::default()
    })
    .expect("a chart");
    assert_eq!(c.planned, "M36.0,156.0 H599.8");
    assert_eq!((c.requested.as_str(), c.running.as_str()), ("", ""));
    assert_eq!((c.peak_label.as_str(), c.end_label.as_str()), ("1", "1 s"));
}

#[test]
fn the_plan_chart_of_the_tutorial() {
    let c = PlanChart::of(&TUTORIAL);
    assert_eq!(
        c.path,
        "M44.0,117.0 H104.1 V82.0 H164.2 V47.0 H224.2 V12.0 H584.7 V152.0 H628.0"
    );
    // The same words the browser test reads from the page.
    assert_eq!(
        c.aria_label,
        "Planned capacity over time: 1 at +0 s, 2 at +10 s, 3 at +20 s, 4 at +30 s, 0 at +90 s"
    );
    assert_eq!(
        ticks(&c.y_ticks),
        [
            (152.0, "0"),
            (117.0, "1"),
            (82.0, "2"),
            (47.0, "3"),
            (12.0, "4")
        ]
    );
    let x: Vec<(String, &str)> = c
        .x_ticks
        .iter()
        .map(|t| (format!("{:.3}", t.at), t.label.as_str()))
        .collect();
    assert_eq!(
        x,
        [
            ("44.000".to_string(), "+0 s"),
            ("314.370".to_string(), "+45 s"),
            ("584.741".to_string(), "+90 s"),
        ]
    );
    let points: Vec<String> = c
        .points
        .iter()
        .map(|p| format!("{:.1},{:.1} {}", p.x, p.y, p.title))
        .collect();
    assert_eq!(
        points,
        [
            "44.0,117.0 1 at +0 s",
            "104.1,82.0 2 at +10 s",
            "164.2,47.0 3 at +20 s",
            "224.2,12.0 4 at +30 s",
            "584.7,152.0 0 at +90 s",
        ]
    );
    assert_eq!(c.frame.view_box(), "0 0 640 180");
    assert_eq!(
        (c.frame.left, c.frame.baseline(), c.frame.right_edge()),
        (44.0, 152.0, 628.0)
    );
}

#[test]
fn a_long_plan_names_its_first_twenty_steps_and_ticks_peak_and_half() {
    let schedule: Vec<(u64, u32)> = (0..25).map(|i| (i * 60_000, 10 * i as u32)).collect();
    let c = PlanChart::of(&schedule);
    assert!(
        c.aria_label
            .starts_with("Planned capacity over time: 0 at +0 s, 10 at +60 s, 20 at +2 min, "),
        "{}",
        c.aria_label
    );
    assert!(
        c.aria_label.ends_with(", 190 at +19 min, and 5 more steps"),
        "{}",
        c.aria_label
    );
    assert_eq!(c.aria_label.matches(" at +").count(), 20);
    let labels: Vec<&str> = c.y_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["0", "120", "240"]);
    assert_eq!(c.y_ticks[2].at, c.frame.top);
    let labels: Vec<&str> = c.x_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["+0 s", "+12 min", "+24 min"]);
    assert_eq!(c.points.len(), 25);
}

#[test]
fn an_empty_plan_still_has_an_axis() {
    let c = PlanChart::of(&[]);
    assert_eq!(c.path, " H628.0");
    assert_eq!(c.aria_label, "Planned capacity over time: ");
    assert_eq!(ticks(&c.y_ticks), [(152.0, "0"), (12.0, "1")]);
    assert_eq!(ticks(&c.x_ticks), [(44.0, "+0 s")]);
    assert!(c.points.is_empty());
}
