//! The dry run on its virtual clock: it decides as the live run does (the same plans as
//! `engine_policy.rs` give the same requests), follows a sine within the cooldowns,
//! waits for VMs to boot, fills clouds in rank order up to their maxima, replaces
//! failed VMs within the rails, runs a person's policy with memory (the metric from
//! the trace, never from the host), ends after the faults in a row as the live run
//! does, is the same for the same seed, and reads pasted numbers. And how fast: an hour
//! at 1 s ticks.

#[path = "support/scripted_policy.rs"]
mod scripted_policy;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use phantom_de::engine::journal::{DecisionMade, DecisionOutcome, Event, InstanceState, RailNote};
use phantom_de::engine::plan::PlannedPolicy;
use phantom_de::engine::policy::builtin::metric::vms_for;
use phantom_de::engine::policy::{
    CloudMax, Decide, Decision, MetricSpec, NoHost, Observation, PolicyFault, PolicyHost,
    PolicyKind, Rails, ValidPolicy, MAX_FAULTS_IN_A_ROW,
};
use phantom_de::engine::simulate::{
    simulate, MetricTrace, Pattern, SimModel, SimOutcome, TraceError,
};
use phantom_de::engine::Plan;
use phantom_de::report::decisions::decision_line;
use phantom_de::report::simulation::{simulation_lines, simulation_series, SimulationChart};
use phantom_de::settings::{RampShape, Settings};
use scripted_policy::{Script, Scripted};

/// 2026-01-02T03:04:05Z, as the live tests' virtual epoch.
const START_MS: f64 = 1_767_323_045_000.0;

// ---------------------------------------------------------------------------------------
// Plans and a host.

fn clouds(list: &[(&str, u32)]) -> Vec<CloudMax> {
    list.iter()
        .map(|(n, m)| CloudMax {
            name: n.to_string(),
            max: *m,
        })
        .collect()
}

fn rails(min: u32, max: u32) -> Rails {
    Rails {
        min,
        max,
        max_change: None,
        up_cooldown_ms: 0,
        down_cooldown_ms: 0,
        max_replacements: 100,
        replacement_window_ms: 60_000,
    }
}

fn plan(policy: PolicyKind, every_s: u64, run_for_s: u64, rails: Rails) -> PlannedPolicy {
    let metric = matches!(
        policy,
        PolicyKind::FollowMetric { .. } | PolicyKind::Custom { .. }
    )
    .then(|| MetricSpec {
        url: "/metrics/queue".into(),
        pointer: "/length".into(),
        max_age_ms: 30_000,
    });
    PlannedPolicy {
        policy: ValidPolicy {
            policy,
            every_ms: every_s * 1000,
            run_for_ms: run_for_s * 1000,
            rails,
            metric,
        },
        clouds: clouds(&[("hotel", 4), ("sierra", 4)]),
    }
}

fn model(trace: MetricTrace) -> SimModel {
    SimModel {
        boot_s: 0.0,
        clouds: clouds(&[("hotel", 4), ("sierra", 4)]),
        failure_rate_per_hour: 0.0,
        seed: 1,
        trace,
    }
}

fn keep(capacity: u32, stuck_after_s: u64) -> PolicyKind {
    PolicyKind::KeepHealthy {
        capacity,
        stuck_after_ms: stuck_after_s * 1000,
    }
}

fn custom() -> PolicyKind {
    PolicyKind::Custom {
        code: "function decide(o) { … }".into(),
        limit_ms: 250,
    }
}

/// A "sandbox" running a Rust closure; counts metric reads (there must be none).
struct Host {
    script: Script,
    seen: Rc<RefCell<Vec<Observation>>>,
    metric_reads: Cell<u32>,
}

impl Host {
    fn new(f: impl Fn(&Observation) -> Result<Decision, PolicyFault> + 'static) -> Self {
        Self {
            script: Rc::new(f),
            seen: Rc::default(),
            metric_reads: Cell::new(0),
        }
    }
}

impl PolicyHost for Host {
    fn read_metric<'a>(
        &'a self,
        _url: &'a str,
        _pointer: &'a str,
    ) -> LocalBoxFuture<'a, Result<f64, String>> {
        self.metric_reads.set(self.metric_reads.get() + 1);
        Box::pin(async { Ok(1e9) })
    }

    fn start_custom<'a>(
        &'a self,
        _code: &'a str,
        _limit_ms: u32,
    ) -> LocalBoxFuture<'a, Result<Box<dyn Decide + 'a>, PolicyFault>> {
        let made: Box<dyn Decide + 'a> = Box::new(Scripted {
            script: self.script.clone(),
            seen: self.seen.clone(),
        });
        Box::pin(async move { Ok(made) })
    }

    fn utc_offset_minutes(&self, zone: &str, _utc_ms: f64) -> Option<i32> {
        (zone == "UTC").then_some(0)
    }
}

fn run(plan: &PlannedPolicy, final_capacity: u32, model: &SimModel) -> SimOutcome {
    block_on(simulate(plan, final_capacity, model, &NoHost, START_MS))
}

fn decisions(o: &SimOutcome) -> Vec<&DecisionMade> {
    o.events
        .iter()
        .filter_map(|e| match e {
            Event::Decision(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// (seconds since the start, capacity) of every capacity the run would send, the
/// final one included (as `engine_policy.rs` lists the SetDesiredCapacity requests).
fn sets(o: &SimOutcome) -> Vec<(u64, u32)> {
    let mut v: Vec<(u64, u32)> = decisions(o)
        .iter()
        .filter_map(|d| match &d.outcome {
            DecisionOutcome::Decided { set: Some(c), .. } => Some((d.offset_ms / 1000, *c)),
            _ => None,
        })
        .collect();
    if let Some(last) = o.series.last() {
        v.push((last.t_s as u64, last.decided));
    }
    v
}

fn values(every_s: f64, values: &[f64]) -> MetricTrace {
    MetricTrace::Values {
        every_s,
        values: values.to_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// The same as the live run.

#[test]
fn a_plan_from_settings_decides_as_the_live_run_does() {
    // engine_policy.rs `capacity_follows_the_metric_and_ends_at_the_final_capacity`:
    // metric 0 until 20 s, 35 until 60 s, then 12 → requests (20, 4), (60, 2), (120, 0).
    let mut s = Settings::tutorial_defaults();
    s.endpoint.url = "https://svc.example.org:8445".into();
    s.credentials.access_key_id = "AKIDEXAMPLE".into();
    s.ramp.shape = RampShape::FollowMetric;
    let p = &mut s.ramp.policy;
    p.every = "5".into();
    p.run_for = "120".into();
    p.min_capacity = "0".into();
    p.max_capacity = "8".into();
    p.up_cooldown = "0".into();
    p.down_cooldown = "0".into();
    p.metric_per_vm = "10".into();
    p.metric_max_age = "30".into();
    let plan = Plan::from_settings(&s).expect("valid settings");
    let final_capacity = plan.schedule.last().map(|s| s.1).unwrap();
    let planned = plan.policy.expect("a policy plan");
    let trace = values(20.0, &[0.0, 35.0, 35.0, 12.0]);
    let out = run(&planned, final_capacity, &model(trace.clone()));
    assert_eq!(sets(&out), vec![(20, 4), (60, 2), (120, 0)]);
    assert_eq!(decisions(&out).len(), 24);
    assert!(out.failure.is_none());

    // `cooldowns_hold_changes_back_each_in_its_direction`: up 15 s, down 30 s.
    s.ramp.policy.up_cooldown = "15".into();
    s.ramp.policy.down_cooldown = "30".into();
    s.ramp.policy.run_for = "70".into();
    let planned = Plan::from_settings(&s).unwrap().policy.unwrap();
    let trace = values(
        5.0,
        &[0.0, 0.0, 40.0, 40.0, 10.0, 10.0, 10.0, 10.0, 10.0, 80.0],
    );
    let out = run(&planned, 0, &model(trace));
    assert_eq!(sets(&out), vec![(10, 4), (40, 1), (55, 8), (70, 0)]);

    // The log lines are the live run's.
    let lines = simulation_lines(&out);
    assert_eq!(lines.len(), 14);
    assert_eq!(lines[2].outcome, "set 4: metric 40 ÷ 10 per VM → 4");
    assert_eq!(
        lines[2].target,
        "desired 0, running 0, pending 0, failed 0, metric 40"
    );
    assert_eq!(lines[2].timing, "ramp time 10.000 s");
    assert!(
        lines[4].outcome.contains("[rails: "),
        "{}",
        lines[4].outcome
    );
}

// ---------------------------------------------------------------------------------------
// Follow a metric.

#[test]
fn follow_a_metric_follows_a_sine_within_the_cooldowns() {
    let mut r = rails(1, 8);
    r.up_cooldown_ms = 20_000;
    r.down_cooldown_ms = 60_000;
    let plan = plan(
        PolicyKind::FollowMetric {
            per_vm_milli: 10_000,
        },
        5,
        1800,
        r.clone(),
    );
    let trace = MetricTrace::Pattern(Pattern::Sine {
        base: 45.0,
        amplitude: 40.0,
        period_s: 600.0,
    });
    let out = run(&plan, 0, &model(trace.clone()));
    let mut prev = 0u32;
    let mut last_change: Option<f64> = None;
    let mut changes = 0;
    for p in &out.series[..out.series.len() - 1] {
        let target = vms_for(trace.at(p.t_s).unwrap(), 10_000).clamp(r.min, r.max);
        assert_eq!(p.metric, trace.at(p.t_s));
        let cooldown = if target > prev {
            r.up_cooldown_ms
        } else {
            r.down_cooldown_ms
        } as f64
            / 1000.0;
        let cooling = last_change.is_some_and(|c| p.t_s - c < cooldown);
        if p.decided != prev {
            assert_eq!(p.decided, target, "at {} s", p.t_s);
            assert!(!cooling, "changed during a cooldown at {} s", p.t_s);
            last_change = Some(p.t_s);
            changes += 1;
        } else if target != prev {
            assert!(cooling, "held without a cooldown at {} s", p.t_s);
        }
        prev = p.decided;
    }
    // Three waves: up and down more than a few times, and held back on the way.
    assert!(changes >= 12, "{changes} changes");
    let held = decisions(&out)
        .iter()
        .filter(|d| {
            matches!(&d.outcome, DecisionOutcome::Decided { rails, .. }
                if rails.iter().any(|r| matches!(r, RailNote::CoolingDown { .. })))
        })
        .count();
    assert!(held > 10, "{held} ticks held by a cooldown");
    assert_eq!(out.series.last().unwrap().decided, 0, "the final capacity");
}

#[test]
fn without_a_trace_follow_a_metric_holds_and_says_why() {
    let plan = plan(
        PolicyKind::FollowMetric { per_vm_milli: 1000 },
        5,
        10,
        rails(0, 8),
    );
    let out = run(&plan, 0, &model(MetricTrace::None));
    let lines = simulation_lines(&out);
    assert_eq!(
        lines[0].outcome,
        "hold: holding: no metric yet (the simulation has no metric trace)"
    );
    assert!(out
        .series
        .iter()
        .all(|p| p.decided == 0 && p.metric.is_none()));
}

// ---------------------------------------------------------------------------------------
// The model.

#[test]
fn boot_time_delays_running() {
    let plan = plan(keep(3, 600), 5, 120, rails(0, 8));
    let mut m = model(MetricTrace::None);
    m.boot_s = 30.0;
    let out = run(&plan, 0, &m);
    for p in &out.series[..out.series.len() - 1] {
        assert_eq!(p.decided, 3);
        let expected = if p.t_s < 30.0 { 0 } else { 3 };
        assert_eq!(p.running, expected, "at {} s", p.t_s);
    }
    let d = decisions(&out);
    assert_eq!(d[1].observed.pending, 3, "booting at 5 s");
    assert_eq!(d[6].observed.running, 3, "running at 30 s");
    // After the run length, the final capacity: nothing left running.
    let end = out.series.last().unwrap();
    assert_eq!((end.t_s, end.decided, end.running), (120.0, 0, 0));
}

#[test]
fn a_vm_stuck_booting_is_replaced() {
    // Boot takes 100 s, keep healthy replaces VMs pending for over 60 s: each VM is
    // replaced once it has been *seen* pending that long (first seen at the tick after
    // it started, as the live run's tracker counts), and none ever runs.
    let plan = plan(keep(1, 60), 10, 200, rails(0, 8));
    let mut m = model(MetricTrace::None);
    m.boot_s = 100.0;
    let out = run(&plan, 0, &m);
    let replaced: Vec<(u64, Vec<String>)> = decisions(&out)
        .iter()
        .filter_map(|d| match &d.outcome {
            DecisionOutcome::Decided { replace, .. } if !replace.is_empty() => {
                Some((d.offset_ms / 1000, replace.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        replaced,
        vec![(80, vec!["sim-1".into()]), (160, vec!["sim-2".into()])]
    );
    assert!(out.series.iter().all(|p| p.running == 0));
}

#[test]
fn clouds_fill_in_rank_order_up_to_their_maxima() {
    let host = Host::new(|o| {
        Ok(match o.elapsed_s as u64 {
            0 => Decision::set(5, "five"),
            10 => Decision::set(20, "more than the clouds hold"),
            20 => Decision::set(2, "two"),
            _ => Decision::hold("wait"),
        })
    });
    let mut p = plan(custom(), 5, 30, rails(0, 20));
    p.clouds = clouds(&[("hotel", 2), ("sierra", 3), ("india", 1)]);
    let mut m = model(MetricTrace::None);
    m.clouds = p.clouds.clone();
    block_on(simulate(&p, 0, &m, &host, START_MS));
    let seen = host.seen.take();
    let per_cloud = |o: &Observation| -> Vec<usize> {
        ["hotel", "sierra", "india"]
            .iter()
            .map(|c| o.instances.iter().filter(|vm| vm.cloud == *c).count())
            .collect()
    };
    assert_eq!(per_cloud(&seen[1]), vec![2, 3, 0], "5: rank order");
    assert_eq!(
        per_cloud(&seen[3]),
        vec![2, 3, 1],
        "20: all six the clouds hold"
    );
    assert_eq!(seen[3].desired, 20, "the desired capacity is what was set");
    assert_eq!(per_cloud(&seen[5]), vec![2, 0, 0], "2: lowest rank first");
    assert_eq!(seen[1].clouds, p.clouds);
    let ids: Vec<&str> = seen[1].instances.iter().map(|vm| vm.id.as_str()).collect();
    assert_eq!(ids, ["sim-1", "sim-2", "sim-3", "sim-4", "sim-5"]);
    assert_eq!(host.metric_reads.get(), 0);
}

#[test]
fn keep_healthy_replaces_failed_vms_within_its_rails() {
    // 4 VMs failing 3 times an hour each, booting for 20 s, for an hour.
    let mut m = model(MetricTrace::None);
    m.failure_rate_per_hour = 3.0;
    m.boot_s = 20.0;
    m.seed = 42;
    let plan_with = |max_replacements: u32, window_s: u64| {
        let mut r = rails(0, 8);
        r.max_replacements = max_replacements;
        r.replacement_window_ms = window_s * 1000;
        plan(keep(4, 600), 10, 3600, r)
    };
    let out = run(&plan_with(10, 60), 0, &m);
    let d = decisions(&out);
    let replaced: Vec<String> = d
        .iter()
        .flat_map(|d| match &d.outcome {
            DecisionOutcome::Decided { replace, .. } => replace.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert!(replaced.len() >= 5, "{replaced:?}");
    assert_eq!(out.vms_started, 4 + replaced.len() as u64);
    // Every failure is seen once, at the tick after it, and replaced there.
    let failed_ticks = d.iter().filter(|d| d.observed.failed > 0).count();
    assert_eq!(failed_ticks, replaced.len(), "a failed VM lasts one tick");
    assert!(out.series[..out.series.len() - 1]
        .iter()
        .all(|p| p.decided == 4 && p.running <= 4));
    // Capacity is never lowered to replace: the desired stays 4 throughout.
    assert!(d.iter().all(|d| d.observed.desired == 4 || d.tick == 0));

    // One replacement an hour: the rest stay failed and the rails say so.
    let limited = run(&plan_with(1, 3600), 0, &m);
    let d = decisions(&limited);
    let replaced: usize = d
        .iter()
        .map(|d| match &d.outcome {
            DecisionOutcome::Decided { replace, .. } => replace.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(replaced, 1);
    assert!(d.iter().any(|d| matches!(&d.outcome,
        DecisionOutcome::Decided { rails, .. }
            if rails.iter().any(|r| matches!(r, RailNote::ReplacementsLimited { allowed: 0, .. })))));
    assert!(d.last().unwrap().observed.failed >= 2);

    // No failures, no replacements.
    m.failure_rate_per_hour = 0.0;
    let calm = run(&plan_with(10, 60), 0, &m);
    assert_eq!(calm.vms_started, 4);
}

// ---------------------------------------------------------------------------------------
// A person's policy.

#[test]
fn a_custom_policy_keeps_its_memory_and_reads_the_trace_not_the_host() {
    let host = Host::new(|o| {
        let n = o.memory.get("n").and_then(|n| n.as_u64()).unwrap_or(0);
        let mut d = Decision::set(n as u32, format!("tick {n}, metric {:?}", o.metric));
        d.memory = Some(serde_json::json!({ "n": n + 1 }));
        Ok(d)
    });
    let p = plan(custom(), 5, 20, rails(0, 8));
    let out = block_on(simulate(
        &p,
        0,
        &model(values(5.0, &[7.0, 8.0, 9.0])),
        &host,
        START_MS,
    ));
    assert_eq!(sets(&out), vec![(5, 1), (10, 2), (15, 3), (20, 0)]);
    let seen = host.seen.take();
    let memories: Vec<String> = seen.iter().map(|o| o.memory.to_string()).collect();
    assert_eq!(memories, ["{}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"]);
    let metrics: Vec<Option<f64>> = seen.iter().map(|o| o.metric).collect();
    assert_eq!(metrics, [Some(7.0), Some(8.0), Some(9.0), Some(9.0)]);
    assert_eq!(seen[2].metric_age_s, Some(0.0));
    assert_eq!(seen[2].elapsed_s, 10.0);
    assert_eq!(seen[2].now_ms, START_MS + 10_000.0);
    assert_eq!(
        host.metric_reads.get(),
        0,
        "the host's metric is never read"
    );
    // Without a metric in the plan, the policy sees none (as live).
    let mut p = p;
    p.policy.metric = None;
    let host2 = Host::new(|_| Ok(Decision::hold("x")));
    let out = block_on(simulate(
        &p,
        0,
        &model(values(5.0, &[7.0])),
        &host2,
        START_MS,
    ));
    assert!(host2.seen.take().iter().all(|o| o.metric.is_none()));
    assert!(out.series.iter().all(|p| p.metric.is_none()));
}

#[test]
fn faults_in_a_row_end_the_simulation_as_they_end_the_run() {
    let host = Host::new(|o| match o.elapsed_s as u64 {
        0 => Ok(Decision::set(3, "start")),
        5 => Err(PolicyFault::TimedOut { limit_ms: 250 }),
        10 => Ok(Decision::set(3, "fine again")),
        _ => Err(PolicyFault::Threw {
            message: "TypeError: o.queue is undefined".into(),
            line: Some(4),
        }),
    });
    let p = plan(custom(), 5, 120, rails(0, 8));
    let out = block_on(simulate(&p, 2, &model(MetricTrace::None), &host, START_MS));
    assert!(out.ended_by_faults);
    assert_eq!(out.faults, 1 + MAX_FAULTS_IN_A_ROW);
    let reason = out.failure.clone().unwrap();
    assert!(reason.contains("3 times in a row"), "{reason}");
    assert!(reason.contains("line 4: decide threw"), "{reason}");
    assert_eq!(out.end_s, 25.0);
    assert_eq!(decisions(&out).len(), 6);
    // The teardown's 0, not the final capacity.
    assert_eq!(out.series.last().unwrap().decided, 0);
    let consecutive: Vec<u32> = decisions(&out)
        .iter()
        .filter_map(|d| match &d.outcome {
            DecisionOutcome::Fault { consecutive, .. } => Some(*consecutive),
            _ => None,
        })
        .collect();
    assert_eq!(consecutive, vec![1, 1, 2, 3]);
    let last = decision_line(decisions(&out)[5]);
    assert!(last
        .outcome
        .starts_with("no decision (3 in a row), holding: line 4"));
}

#[test]
fn a_custom_policy_without_a_sandbox_does_not_start() {
    let out = run(
        &plan(custom(), 5, 60, rails(0, 8)),
        0,
        &model(MetricTrace::None),
    );
    let reason = out.failure.unwrap();
    assert!(
        reason.starts_with("Custom policy could not start"),
        "{reason}"
    );
    assert!(out.series.is_empty() && out.events.is_empty());
}

#[test]
fn a_schedule_window_reads_the_start_time() {
    // START_MS is Friday 03:04:05 UTC; the window Fri 03:10–03:20 opens at 6 min.
    let plan = plan(
        PolicyKind::Schedule {
            zone: "UTC".into(),
            days: phantom_de::settings::Weekdays(1 << 4),
            from_min: 3 * 60 + 10,
            to_min: 3 * 60 + 20,
            inside: 4,
            outside: 1,
        },
        60,
        1800,
        rails(0, 8),
    );
    let out = run(&plan, 0, &model(MetricTrace::None));
    assert_eq!(sets(&out), vec![(0, 1), (360, 4), (960, 1), (1800, 0)]);
}

// ---------------------------------------------------------------------------------------
// Determinism and speed.

#[test]
fn the_same_seed_gives_the_same_simulation() {
    let mut m = model(MetricTrace::Pattern(Pattern::Spikes {
        base: 10.0,
        peak: 70.0,
        every_s: 300.0,
        width_s: 60.0,
    }));
    m.failure_rate_per_hour = 4.0;
    m.boot_s = 15.0;
    let p = plan(keep(6, 120), 5, 3600, rails(0, 8));
    let a = run(&p, 0, &m);
    let b = run(&p, 0, &m);
    assert_eq!(a, b);
    m.seed = 2;
    let c = run(&p, 0, &m);
    assert_ne!(a.events, c.events, "another seed, other failures");
}

#[test]
fn an_hour_at_one_second_ticks_is_fast() {
    let trace = MetricTrace::Pattern(Pattern::Sine {
        base: 40.0,
        amplitude: 35.0,
        period_s: 900.0,
    });
    let mut m = model(trace);
    m.failure_rate_per_hour = 2.0;
    m.boot_s = 30.0;
    let mut r = rails(0, 8);
    r.up_cooldown_ms = 30_000;
    r.down_cooldown_ms = 120_000;
    let follow = plan(
        PolicyKind::FollowMetric {
            per_vm_milli: 10_000,
        },
        1,
        3600,
        r,
    );
    let healthy = plan(keep(8, 300), 1, 3600, rails(0, 8));
    for (name, p) in [("follow a metric", follow), ("keep healthy", healthy)] {
        let started = Instant::now();
        let out = run(&p, 0, &m);
        let simulated = started.elapsed();
        let s = simulation_series(&out);
        let chart = SimulationChart::of(&s).expect("a chart");
        let lines = simulation_lines(&out);
        let total = started.elapsed();
        assert_eq!(out.events.len(), 3600);
        assert_eq!(lines.len(), 3600);
        assert!(!chart.lines.running.is_empty());
        println!(
            "{name}: 1 simulated hour at 1 s ticks in {:.1} ms ({:.1} ms with chart and log lines; {} VMs started)",
            simulated.as_secs_f64() * 1000.0,
            total.as_secs_f64() * 1000.0,
            out.vms_started
        );
    }
}

// ---------------------------------------------------------------------------------------
// Pasted numbers.

#[test]
fn pasted_numbers_are_read_and_a_bad_one_is_named() {
    assert_eq!(
        MetricTrace::parse_values("1, 2 3\n4.5;-6\r\n 1e2 "),
        Ok(vec![1.0, 2.0, 3.0, 4.5, -6.0, 100.0])
    );
    assert_eq!(MetricTrace::parse_values("[3, 4]"), Ok(vec![3.0, 4.0]));
    let e = MetricTrace::parse_values("10, 12, twelve, 14").unwrap_err();
    assert_eq!(
        e,
        TraceError::NotANumber {
            token: "twelve".into(),
            position: 3
        }
    );
    assert_eq!(e.to_string(), "Value 3 is \"twelve\", not a number");
    assert!(matches!(
        MetricTrace::parse_values("1 NaN"),
        Err(TraceError::NotANumber { position: 2, .. })
    ));
    assert!(matches!(
        MetricTrace::parse_values("1 inf"),
        Err(TraceError::NotANumber { .. })
    ));
    assert_eq!(MetricTrace::parse_values(" \n, "), Err(TraceError::Empty));
    assert_eq!(MetricTrace::parse_values(""), Err(TraceError::Empty));
}

#[test]
fn an_instance_state_in_the_model_reads_as_the_live_run_reads_it() {
    // Failed VMs are Phantom's 850-FAILED to the observation.
    let mut m = model(MetricTrace::None);
    m.failure_rate_per_hour = 3600.0; // about one a second
    let host = Host::new(|_| Ok(Decision::set(2, "two")));
    let p = plan(custom(), 5, 15, rails(0, 8));
    block_on(simulate(&p, 0, &m, &host, START_MS));
    let seen = host.seen.take();
    assert!(seen[2]
        .instances
        .iter()
        .all(|vm| vm.state == InstanceState::Failed));
    assert_eq!(seen[2].failed, 2);
    assert!(seen[2].instances[0].since_s >= 0.0);
}
