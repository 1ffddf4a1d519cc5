//! The Simulation section's settings: the model a dry run plays, checked apart from the
//! rest (a bad model never blocks Run), each problem on its own field, each trace with
//! its own fields; the section round-trips through a settings file and is optional in
//! older ones; and the dry run's summary sentence.

use phantom_de::engine::policy::NoHost;
use phantom_de::engine::simulate::{
    simulate, MetricTrace, Pattern, SimModel, SimOutcome, SimPoint,
};
use phantom_de::engine::Plan;
use phantom_de::report::simulation::simulation_summary;
use phantom_de::settings::{
    export_json, import_json, Field, RampShape, Settings, SimulateField, TraceKind,
};

fn problems(s: &Settings) -> Vec<(String, String)> {
    match s.simulate.validated() {
        Ok(_) => Vec::new(),
        Err(e) => e
            .into_iter()
            .map(|e| (e.field.to_string(), e.message))
            .collect(),
    }
}

#[test]
fn the_defaults_are_a_sine_between_5_and_35_with_a_30_s_boot() {
    let v = Settings::tutorial_defaults()
        .simulate
        .validated()
        .expect("valid defaults");
    assert_eq!(v.boot_s, 30.0);
    assert_eq!(v.failure_rate_per_hour, 0.0);
    assert_eq!(v.seed, 1);
    assert_eq!(
        v.trace,
        MetricTrace::Pattern(Pattern::Sine {
            base: 20.0,
            amplitude: 15.0,
            period_s: 1200.0
        })
    );
}

#[test]
fn each_bad_value_is_named_by_its_own_field_and_never_blocks_run() {
    let mut s = Settings::tutorial_defaults();
    s.simulate.boot = "soon".into();
    s.simulate.failures_per_hour = "-1".into();
    s.simulate.seed = "1.5".into();
    s.simulate.sine_period = "0".into();
    let p = problems(&s);
    let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "simulate.boot",
            "simulate.failures_per_hour",
            "simulate.seed",
            "simulate.sine_period"
        ],
        "{p:?}"
    );
    assert!(p[0].1.starts_with("Boot time (seconds) "), "{}", p[0].1);
    // The rest of the settings do not see them.
    assert!(s
        .validate()
        .iter()
        .all(|e| !matches!(e.field, Field::Simulate(_))));
}

#[test]
fn only_the_chosen_traces_fields_are_checked_and_shown() {
    let mut s = Settings::tutorial_defaults();
    s.simulate.ramp_over = "x".into();
    s.simulate.values = "1 two 3".into();
    assert!(
        problems(&s).is_empty(),
        "the sine does not read the ramp's or the values' fields"
    );
    s.simulate.trace = TraceKind::Values;
    assert_eq!(
        problems(&s),
        [(
            "simulate.values".to_string(),
            "Value 2 is \"two\", not a number".to_string()
        )]
    );
    assert_eq!(
        s.simulate.fields(),
        [
            SimulateField::Boot,
            SimulateField::FailuresPerHour,
            SimulateField::Seed,
            SimulateField::Values,
            SimulateField::ValueEvery
        ]
    );
    s.simulate.values = "[3, 4.5, 6]".into();
    s.simulate.value_every = "30".into();
    let v = s.simulate.validated().expect("valid");
    assert_eq!(
        v.trace,
        MetricTrace::Values {
            every_s: 30.0,
            values: vec![3.0, 4.5, 6.0]
        }
    );
    s.simulate.trace = TraceKind::Spikes;
    s.simulate.spike_every = "60".into();
    s.simulate.spike_width = "60".into();
    assert_eq!(
        problems(&s),
        [(
            "simulate.spike_width".to_string(),
            "Each spike must be shorter than the time between spikes (or it never ends)"
                .to_string()
        )]
    );
    s.simulate.trace = TraceKind::None;
    assert_eq!(
        s.simulate.validated().expect("valid").trace,
        MetricTrace::None
    );
}

#[test]
fn paths_and_labels_are_stable_and_parse_back() {
    for f in SimulateField::ALL {
        let field = Field::Simulate(*f);
        let path = field.to_string();
        assert!(path.starts_with("simulate."), "{path}");
        assert_eq!(path.parse::<Field>(), Ok(field));
    }
    assert_eq!(
        Field::Simulate(SimulateField::Boot).label(),
        "Boot time (seconds)"
    );
    assert_eq!(
        Field::Simulate(SimulateField::Trace).label(),
        "Metric trace"
    );
}

#[test]
fn the_section_round_trips_and_older_files_without_it_still_import() {
    let mut s = Settings::tutorial_defaults();
    s.simulate.trace = TraceKind::Ramp;
    s.simulate.ramp_to = "90".into();
    s.simulate.set_text(SimulateField::Seed, "42".into());
    let text = export_json(&s).expect("exports");
    let back = import_json(&text).expect("imports");
    assert_eq!(back.simulate, s.simulate);
    // A file written before the section existed.
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value.as_object_mut().expect("object").remove("simulate");
    let old = import_json(&value.to_string()).expect("older file imports");
    assert_eq!(old.simulate, Settings::tutorial_defaults().simulate);
    // An unknown trace key leaves the trace as it was.
    let mut t = s.simulate.clone();
    t.set_text(SimulateField::Trace, "zigzag".into());
    assert_eq!(t.trace, TraceKind::Ramp);
}

#[test]
fn the_settings_model_drives_the_dry_run_on_the_plans_clouds() {
    let mut s = Settings::tutorial_defaults();
    s.ramp.shape = RampShape::FollowMetric;
    s.ramp.policy.every = "10".into();
    s.ramp.policy.run_for = "600".into();
    s.ramp.policy.up_cooldown = "0".into();
    s.ramp.policy.down_cooldown = "0".into();
    s.ramp.policy.max_capacity = "8".into();
    s.simulate.trace = TraceKind::Ramp;
    s.simulate.ramp_from = "0".into();
    s.simulate.ramp_to = "200".into();
    s.simulate.ramp_over = "300".into();
    let plan = Plan::from_settings(&s).expect("valid settings");
    let policy = plan.policy.as_ref().expect("a policy plan");
    let model = SimModel::of(
        &s.simulate.validated().expect("valid model"),
        &policy.clouds,
    );
    assert_eq!(model.clouds.len(), 2);
    let out = futures::executor::block_on(simulate(policy, 0, &model, &NoHost, 0.0));
    // 200 ÷ 10 per VM asks 20; the rails hold it at the maximum, 8 (the clouds' 4 + 4).
    assert_eq!(out.series.iter().map(|p| p.decided).max(), Some(8));
    assert_eq!(out.series.last().map(|p| p.decided), Some(0));
    assert_eq!(out.events.len(), 60);
    assert_eq!(out.vms_started, 8);
}

#[test]
fn the_summary_says_how_much_was_simulated_how_fast_and_how_it_ended() {
    let point = |t_s: f64, decided: u32| SimPoint {
        t_s,
        decided,
        running: decided,
        metric: None,
    };
    let done = SimOutcome {
        series: vec![point(0.0, 2), point(3600.0, 0)],
        end_s: 3600.0,
        vms_started: 1,
        ..SimOutcome::default()
    };
    assert_eq!(
        simulation_summary(&done, 5.06),
        "Simulated 1 h (0 decisions) in 5.1 ms: peak capacity 2, 1 VM started, no fault; completed at capacity 0."
    );
    let failed = SimOutcome {
        faults: 3,
        ended_by_faults: true,
        failure: Some("the policy gave no decision 3 times in a row".into()),
        end_s: 2.0,
        ..done.clone()
    };
    assert_eq!(
        simulation_summary(&failed, 12.4),
        "Simulated 2 s (0 decisions) in 12 ms: peak capacity 2, 1 VM started, 3 faults; failed (capacity 0, as a teardown): the policy gave no decision 3 times in a row."
    );
}
