//! The runs kept in the browser: keys, index bookkeeping, which runs to let go, and the
//! key of one domain on one server.

use phantom_de::report::history::{
    domain_key, eviction_order, index_json, is_run_id, over_bounds_within, parse_index,
    parse_part_key, part_key, remove, run_id_from, run_to_show, upsert, Candidate, RunEntry,
    RunPart, MAX_JOURNAL_CHARS, MAX_RUNS, MAX_STORED_JOURNAL_CHARS, STORED_BOUNDS,
};

use phantom_de::report::limits::HistoryLimits;

/// The runs to let go from `localStorage` under the default limits.
fn over_bounds(index: &[RunEntry], chars: impl Fn(&str) -> u64, keep: &str) -> Vec<String> {
    over_bounds_within(index, chars, keep, HistoryLimits::default().local_bounds())
}

fn entry(id: &str, started_ms: f64, ended: bool) -> RunEntry {
    RunEntry {
        run_id: id.to_string(),
        started_ms,
        domain: "dom".to_string(),
        endpoint: "https://svc.example.org:8445/".to_string(),
        ended,
        finished: None,
    }
}

fn ids(index: &[RunEntry]) -> Vec<&str> {
    index.iter().map(|e| e.run_id.as_str()).collect()
}

#[test]
fn part_keys_name_the_run_and_the_part_and_read_back() {
    assert_eq!(part_key("abc-1", RunPart::Journal), "pde.run.abc-1.journal");
    assert_eq!(
        part_key("abc-1", RunPart::Recovery),
        "pde.run.abc-1.recovery"
    );
    assert_eq!(
        parse_part_key("pde.run.abc-1.journal"),
        Some(("abc-1", RunPart::Journal))
    );
    assert_eq!(
        parse_part_key("pde.run.abc-1.recovery"),
        Some(("abc-1", RunPart::Recovery))
    );
    for other in [
        "pde.runs",
        "pde.journal",
        "pde.settings",
        "pde.run..journal",
        "pde.run.abc.notes",
        "pde.run.a.b.journal",
        "pde.run.ABC.journal",
        "pde.run.abc journal",
        "xpde.run.abc.journal",
    ] {
        assert_eq!(parse_part_key(other), None, "{other}");
    }
}

#[test]
fn run_ids_are_short_lowercase_and_dotless() {
    assert!(is_run_id("mabc123-00ff"));
    assert!(is_run_id(&"a".repeat(64)));
    for bad in ["", "A", "a.b", "a b", "ä", &"a".repeat(65)] {
        assert!(!is_run_id(bad), "{bad:?}");
    }
}

#[test]
fn generated_ids_carry_the_time_and_the_random_bytes() {
    let random = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xab, 0xff];
    let id = run_id_from(1_767_323_045_000.0, &random);
    assert_eq!(id, "mjwaid1k-00010203040506070809abff");
    assert!(is_run_id(&id));
    assert_eq!(id.len(), 33);
    // Later starts sort later (same number of base-36 digits until the year 2059).
    assert!(run_id_from(1_767_323_045_001.0, &random) > id);
    // No usable time still gives a valid id.
    for bad in [f64::NAN, -5.0, f64::INFINITY] {
        let id = run_id_from(bad, &random);
        assert!(is_run_id(&id), "{id}");
    }
}

#[test]
fn the_index_round_trips_and_upsert_replaces_in_place() {
    let mut index = vec![entry("a", 1.0, true), entry("b", 2.0, false)];
    upsert(&mut index, entry("c", 3.0, false));
    upsert(&mut index, entry("a", 1.0, false));
    assert_eq!(ids(&index), ["a", "b", "c"]);
    assert!(!index[0].ended);
    assert_eq!(parse_index(&index_json(&index)), index);
    // JSON has no NaN: such a start is kept as 0, so the entry reads back.
    upsert(&mut index, entry("d", f64::NAN, false));
    assert_eq!(parse_index(&index_json(&index))[3].started_ms, 0.0);
    index.pop();
    assert!(remove(&mut index, "b"));
    assert!(!remove(&mut index, "b"));
    assert_eq!(ids(&index), ["a", "c"]);
}

#[test]
fn a_damaged_index_keeps_what_it_can() {
    assert!(parse_index("not json").is_empty());
    assert!(parse_index("{\"run_id\": \"a\"}").is_empty());
    let text = r#"[
        {"run_id": "a", "started_ms": 1},
        {"run_id": "BAD", "started_ms": 2},
        {"started_ms": 3},
        42,
        {"run_id": "b", "started_ms": null},
        {"run_id": "c", "started_ms": 4, "domain": "d", "endpoint": "e", "ended": true},
        {"run_id": "a", "started_ms": 5, "ended": true}
    ]"#;
    let index = parse_index(text);
    assert_eq!(ids(&index), ["a", "c"]);
    assert_eq!(index[0].started_ms, 5.0);
    assert!(index[0].ended);
    assert_eq!(index[0].domain, "");
    assert_eq!(index[1].domain, "d");
}

#[test]
fn only_ended_runs_are_let_go_oldest_first() {
    let index = vec![
        entry("new-ended", 30.0, true),
        entry("running", 5.0, false),
        entry("old-ended", 10.0, true),
        entry("same-time-first", 20.0, true),
        entry("same-time-second", 20.0, true),
        entry("current", 1.0, true),
    ];
    assert_eq!(
        eviction_order(&index, "current"),
        [
            "old-ended",
            "same-time-first",
            "same-time-second",
            "new-ended"
        ]
    );
}

#[test]
fn the_run_count_is_bounded_by_letting_the_oldest_ended_runs_go() {
    let mut index: Vec<RunEntry> = (0..MAX_RUNS + 3)
        .map(|i| entry(&format!("r{i}"), i as f64, i != 1))
        .collect();
    // r1 is unfinished: kept; r0, r2 and r3 go.
    assert_eq!(over_bounds(&index, |_| 10, "none"), ["r0", "r2", "r3"]);
    // The run being saved is never chosen.
    assert_eq!(over_bounds(&index, |_| 10, "r0"), ["r2", "r3", "r4"]);
    index.truncate(MAX_RUNS);
    assert!(over_bounds(&index, |_| 10, "none").is_empty());
}

#[test]
fn the_journal_total_is_bounded_and_unfinished_runs_may_exceed_it() {
    let index = vec![
        entry("old", 1.0, true),
        entry("big-running", 2.0, false),
        entry("mid", 3.0, true),
        entry("new", 4.0, true),
    ];
    let third = MAX_JOURNAL_CHARS / 3;
    let sizes = |id: &str| match id {
        "big-running" => third * 2,
        "old" | "mid" | "new" => third / 2 + 100,
        _ => 0,
    };
    // 2/3 + 3 × (1/6 + ε) is over: the oldest ended go until it fits.
    assert_eq!(over_bounds(&index, sizes, "none"), ["old", "mid"]);
    // Nothing ended to let go: the bound is exceeded rather than an obligation lost.
    let running = vec![entry("a", 1.0, false), entry("b", 2.0, false)];
    assert!(over_bounds(&running, |_| MAX_JOURNAL_CHARS, "none").is_empty());
}

#[test]
fn one_domain_on_one_server_has_one_key_however_the_endpoint_is_written() {
    let key = "https://svc.example.org:8445 dom";
    for endpoint in [
        "https://svc.example.org:8445",
        "https://svc.example.org:8445/",
        " HTTPS://SVC.Example.ORG:8445/ ",
    ] {
        assert_eq!(domain_key(endpoint, "dom"), key, "{endpoint}");
    }
    assert_eq!(
        domain_key("https://svc.example.org:443/", " dom "),
        "https://svc.example.org dom"
    );
    assert_eq!(
        domain_key("http://127.0.0.1:80/phantom/", "d"),
        "http://127.0.0.1/phantom d"
    );
    // Different servers, paths, ports and names stay different; names keep their case.
    let distinct = [
        domain_key("https://svc.example.org:8445", "dom"),
        domain_key("https://svc.example.org:8446", "dom"),
        domain_key("http://svc.example.org:8445", "dom"),
        domain_key("https://svc.example.org:8445/other", "dom"),
        domain_key("https://svc.example.org:8445", "Dom"),
        domain_key("https://svc.example.org:8445", "dom 2"),
    ];
    for (i, a) in distinct.iter().enumerate() {
        for b in &distinct[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // An endpoint no run could use still gives a stable key.
    assert_eq!(domain_key(" Not A URL/ ", "d"), "not a url d");
}

fn candidate(started_ms: f64, needs_attention: bool, held_elsewhere: bool) -> Candidate {
    Candidate {
        started_ms,
        needs_attention,
        held_elsewhere,
    }
}

#[test]
fn the_newest_run_needing_attention_is_shown_before_a_newer_clean_one() {
    let runs = [
        candidate(1.0, true, false),
        candidate(3.0, false, false),
        candidate(2.0, true, false),
    ];
    assert_eq!(run_to_show(&runs), Some(2));
}

#[test]
fn without_obligations_the_newest_run_is_shown() {
    let runs = [candidate(5.0, false, false), candidate(3.0, false, false)];
    assert_eq!(run_to_show(&runs), Some(0));
}

#[test]
fn a_run_whose_domain_another_tab_holds_is_never_shown() {
    let runs = [candidate(1.0, false, false), candidate(9.0, true, true)];
    assert_eq!(run_to_show(&runs), Some(0));
    assert_eq!(run_to_show(&[candidate(9.0, true, true)]), None);
    assert_eq!(run_to_show(&[]), None);
}

#[test]
fn indexeddb_keeps_long_runs_the_local_bound_would_refuse() {
    // A run of 100,000 events is some 20 to 40 Mi characters: far over localStorage's
    // bound, within IndexedDB's.
    let index = vec![entry("long", 1.0, true), entry("next", 2.0, true)];
    let sizes = |_: &str| 25 * 1024 * 1024;
    assert!(over_bounds_within(&index, sizes, "none", STORED_BOUNDS).is_empty());
    assert_eq!(over_bounds(&index, sizes, "none"), ["long", "next"]);
    // A third one is over it: the oldest ended goes, an unfinished one never.
    let index = vec![
        entry("running", 0.0, false),
        entry("long", 1.0, true),
        entry("next", 2.0, true),
    ];
    assert_eq!(
        over_bounds_within(&index, sizes, "none", STORED_BOUNDS),
        ["long"]
    );
    const { assert!(3 * 25 * 1024 * 1024 > MAX_STORED_JOURNAL_CHARS) };
}

#[test]
fn the_history_lists_newest_first_with_outcome_duration_and_peak_and_only_ended_runs_deletable() {
    use phantom_de::report::history::{history_rows, RunDigest};
    let mut done = entry("r-1", 1_767_323_045_000.0, true);
    done.finished = Some(RunDigest {
        outcome: "completed".to_string(),
        finished_ms: 1_767_323_045_000.0 + 92_400.0,
        peak: 4,
    });
    let running = entry("r-2", 1_767_323_145_000.0, false);
    let old_ended = entry("r-0", 1_767_323_000_000.0, true);
    let rows = history_rows(&[old_ended, done, running]);
    let ids: Vec<&str> = rows.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, ["r-2", "r-1", "r-0"]);
    let r = &rows[1];
    assert_eq!(r.started, "2026-01-02 03:04:05.000 UTC");
    assert_eq!(r.endpoint, "svc.example.org:8445");
    assert_eq!(
        (r.outcome.as_str(), r.duration.as_str(), r.peak.as_str()),
        ("completed", "92.4 s", "4")
    );
    assert!(r.deletable);
    assert_eq!(
        (rows[0].outcome.as_str(), rows[0].deletable),
        ("not finished", false)
    );
    // An entry of an earlier version: ended, without a digest.
    assert_eq!(
        (rows[2].outcome.as_str(), rows[2].duration.as_str()),
        ("ended", "")
    );
}

#[test]
fn an_entry_without_a_digest_still_parses_and_one_with_it_round_trips() {
    use phantom_de::report::history::RunDigest;
    let old = r#"[{"run_id":"r-1","started_ms":1,"domain":"d","endpoint":"","ended":true}]"#;
    let parsed = parse_index(old);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].finished, None);
    let mut e = entry("r-2", 5.0, true);
    e.finished = Some(RunDigest {
        outcome: "stopped during ramp".into(),
        finished_ms: 9.0,
        peak: 2,
    });
    assert_eq!(parse_index(&index_json(&[e.clone()])), vec![e]);
}
