//! The run history's limits as the person sets them: parsed field by field, stored, read
//! back (the defaults for anything that does not read), and the bounds pruning uses.

use phantom_de::report::history::{
    over_bounds_within, RunEntry, MAX_JOURNAL_CHARS, MAX_RUNS, MAX_STORED_JOURNAL_CHARS,
    STORED_BOUNDS,
};
use phantom_de::report::limits::{HistoryLimits, LimitField, MAX_LIMIT_MB, MAX_LIMIT_RUNS};

#[test]
fn the_defaults_are_the_stored_bounds() {
    let d = HistoryLimits::default();
    assert_eq!(d.runs, MAX_RUNS);
    assert_eq!(d.bounds(), STORED_BOUNDS);
    assert_eq!(d.bounds().chars, MAX_STORED_JOURNAL_CHARS);
    assert_eq!(d.text(), "at most 50 runs and 64 MB of logs");
    // localStorage keeps the person's count of runs but its own, smaller journal bound.
    let few = HistoryLimits { runs: 3, mb: 500 }.local_bounds();
    assert_eq!((few.runs, few.chars), (3, MAX_JOURNAL_CHARS));
}

#[test]
fn limits_parse_field_by_field() {
    assert_eq!(
        HistoryLimits::parse(" 10 ", "5"),
        Ok(HistoryLimits { runs: 10, mb: 5 })
    );
    assert_eq!(
        HistoryLimits::parse("0", "lots"),
        Err(vec![
            (
                LimitField::Runs,
                format!("from 1 to {MAX_LIMIT_RUNS}, not 0")
            ),
            (
                LimitField::Mb,
                format!("a whole number from 1 to {MAX_LIMIT_MB}, not \"lots\"")
            ),
        ])
    );
    assert_eq!(
        HistoryLimits::parse("501", "1"),
        Err(vec![(
            LimitField::Runs,
            "from 1 to 500, not 501".to_string()
        )])
    );
    assert!(HistoryLimits::parse("2.5", "1").is_err());
    assert!(HistoryLimits::parse("1", "1025").is_err());
    assert_eq!(
        HistoryLimits::parse("1", "1").map(|l| l.text()),
        Ok("at most 1 run and 1 MB of logs".to_string())
    );
}

#[test]
fn stored_limits_read_back_and_anything_else_is_the_default() {
    let l = HistoryLimits { runs: 7, mb: 3 };
    assert_eq!(HistoryLimits::read(Some(&l.to_json())), l);
    assert_eq!(HistoryLimits::read(None), HistoryLimits::default());
    for bad in [
        "",
        "{",
        "{\"runs\":0,\"mb\":3}",
        "{\"runs\":7}",
        "{\"runs\":7,\"mb\":99999}",
        "[]",
    ] {
        assert_eq!(
            HistoryLimits::read(Some(bad)),
            HistoryLimits::default(),
            "{bad}"
        );
    }
}

fn entry(i: usize, ended: bool) -> RunEntry {
    RunEntry {
        run_id: format!("run-{i}"),
        started_ms: 1_000.0 * i as f64,
        domain: "d".into(),
        endpoint: "127.0.0.1:1".into(),
        ended,
        finished: None,
    }
}

#[test]
fn lowered_limits_let_the_oldest_ended_runs_go_and_never_an_unfinished_one() {
    let index: Vec<RunEntry> = (0..6).map(|i| entry(i, i != 1)).collect();
    let two_runs = HistoryLimits { runs: 2, mb: 64 }.bounds();
    let gone = over_bounds_within(&index, |_| 10, "", two_runs);
    assert_eq!(gone, vec!["run-0", "run-2", "run-3", "run-4"]);
    // 1 MB of logs, each run's journal 600 KB: two do not fit; the unfinished run stays.
    let one_mb = HistoryLimits { runs: 50, mb: 1 }.bounds();
    let gone = over_bounds_within(&index, |_| 600 * 1024, "", one_mb);
    assert_eq!(gone, vec!["run-0", "run-2", "run-3", "run-4", "run-5"]);
}
