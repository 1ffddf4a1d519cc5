//! The step log at scale, on the host: the book kept as the journal grows writes the
//! lines a full recompute writes, at every prefix (requests in flight, answered out of
//! order, never answered, numbers sent again); another journal starts it again; the view
//! under a filter and a search, scanned a chunk at a time, is the full filter's; and the
//! window arithmetic of a list of fixed-height rows.

use phantom_de::engine::journal::{Event, RequestDone, RequestSent};
use phantom_de::report::logbook::{
    at_end, end_scroll_top, normalize_query, window, Change, LogBook, LogView,
};
use phantom_de::report::steplog::{log_lines, Filter, LineKind, LogLine};

#[path = "support/run_events.rs"]
mod run_events;
use run_events::interrupted_run;

/// A journal with `requests` requests of which several are in flight at once, answered
/// out of order, some never (the page was closed), and one number sent again after its
/// answer (as a resumed run might).
fn interleaved(requests: u32) -> Vec<Event> {
    let straight = interrupted_run(0.0, requests);
    let (head, pairs) = straight.split_at(2);
    let mut sent: Vec<RequestSent> = Vec::new();
    let mut done: Vec<RequestDone> = Vec::new();
    for e in pairs {
        match e {
            Event::RequestSent(s) => sent.push(s.clone()),
            Event::RequestDone(d) => done.push(d.clone()),
            _ => {}
        }
    }
    let mut events = head.to_vec();
    // Three in flight, answered last first; every seventh never answered.
    for (s, d) in sent.chunks(3).zip(done.chunks(3)) {
        events.extend(s.iter().cloned().map(Event::RequestSent));
        for d in d.iter().rev() {
            if d.no % 7 != 3 {
                events.push(Event::RequestDone(d.clone()));
            }
        }
    }
    if let Some(s) = sent.first() {
        events.push(Event::RequestSent(s.clone()));
    }
    events
}

fn book_of(events: &[Event]) -> Vec<LogLine> {
    let mut book = LogBook::new();
    book.sync(events);
    book.lines().cloned().collect()
}

#[test]
fn the_book_grown_an_event_at_a_time_writes_the_full_recompute_at_every_prefix() {
    let events = interleaved(40);
    let mut book = LogBook::new();
    for n in 0..=events.len() {
        book.sync(&events[..n]);
        let grown: Vec<LogLine> = book.lines().cloned().collect();
        assert_eq!(grown, log_lines(&events[..n]), "after {n} events");
        assert_eq!(book.len(), grown.len());
    }
    // Some lines were pending and hidden since; the never answered stay pending.
    assert!(book.positions() > book.len());
    let pending = book.lines().filter(|l| l.kind == LineKind::Pending).count();
    assert!(pending > 0);
}

#[test]
fn the_book_grown_in_uneven_batches_is_the_same() {
    let events = interleaved(60);
    let mut book = LogBook::new();
    let mut n = 0;
    let mut step = 1;
    while n < events.len() {
        n = (n + step).min(events.len());
        step = step * 3 % 11 + 1;
        let change = book.sync(&events[..n]);
        assert!(matches!(change, Change::Grew { .. }), "{change:?}");
        assert_eq!(
            book.lines().cloned().collect::<Vec<_>>(),
            log_lines(&events[..n])
        );
    }
    assert_eq!(book.sync(&events), Change::Unchanged);
}

#[test]
fn a_sync_says_which_lines_are_new_and_which_pending_lines_it_hid() {
    let events = interrupted_run(0.0, 2);
    let mut book = LogBook::new();
    // Run started, ramp started, request 0 sent.
    assert_eq!(
        book.sync(&events[..3]),
        Change::Grew {
            from: 0,
            hidden: vec![]
        }
    );
    assert_eq!(book.len(), 3);
    // Its answer hides the pending line (position 2) and appends its own (3).
    assert_eq!(
        book.sync(&events[..4]),
        Change::Grew {
            from: 3,
            hidden: vec![2]
        }
    );
    assert!(!book.is_live(2));
    assert_eq!(book.len(), 3);
    assert_eq!(book.line(3).map(|l| l.kind), Some(LineKind::Ok));
}

#[test]
fn another_journal_starts_the_book_again_with_new_keys() {
    let first = interrupted_run(0.0, 5);
    let mut book = LogBook::new();
    book.sync(&first);
    let key = book.key(0);
    // A new run: shorter, or as long but another; a file opened that shares the start
    // but not what the book read last.
    for other in [interrupted_run(0.0, 2), interrupted_run(1000.0, 5), {
        let mut e = interrupted_run(0.0, 6);
        e.swap(4, 6);
        e
    }] {
        assert_eq!(book.sync(&other), Change::Reset);
        assert_eq!(book.lines().cloned().collect::<Vec<_>>(), log_lines(&other));
        assert_ne!(book.key(0), key);
        book.sync(&first);
    }
    // The same journal grown is not another.
    let grown = interrupted_run(0.0, 6);
    book.sync(&grown[..first.len()]);
    assert!(matches!(book.sync(&grown), Change::Grew { .. }));
}

fn full_filter(events: &[Event], filter: Filter, query: &str) -> Vec<LogLine> {
    let query = normalize_query(query);
    log_lines(events)
        .into_iter()
        .filter(|l| filter.admits(l))
        .filter(|l| {
            let text = [
                l.time.as_str(),
                &l.timing,
                &l.action,
                &l.target,
                &l.outcome,
                &l.request_id,
            ]
            .join(" ")
            .to_lowercase();
            text.contains(&query)
        })
        .collect()
}

fn shown(book: &LogBook, view: &LogView) -> Vec<LogLine> {
    view.rows(0..view.len())
        .iter()
        .filter_map(|&at| book.line(at as usize).cloned())
        .collect()
}

#[test]
fn the_view_scanned_in_chunks_as_the_journal_grows_is_the_full_filter_and_search() {
    let events = interleaved(50);
    for (filter, query) in [
        (Filter::All, ""),
        (Filter::Ok, ""),
        (Filter::All, "REQ-1"),
        (Filter::Ok, " req-2"),
        (Filter::All, "no answer recorded"),
        (Filter::Failed, "req-"),
        (Filter::All, "nothing matches this"),
    ] {
        let mut book = LogBook::new();
        let mut view = LogView::new(filter, query);
        for n in (0..=events.len()).step_by(5).chain([events.len()]) {
            let change = book.sync(&events[..n]);
            view.apply(&change);
            while !view.scan(&book, 7) {}
            assert_eq!(
                shown(&book, &view),
                full_filter(&events[..n], filter, query),
                "{filter:?} {query:?} after {n} events"
            );
        }
    }
}

#[test]
fn a_new_filter_or_search_starts_the_view_again() {
    let events = interrupted_run(0.0, 100);
    let mut book = LogBook::new();
    book.sync(&events);
    let mut view = LogView::new(Filter::All, "");
    assert!(view.scan(&book, usize::MAX));
    assert_eq!(view.len(), book.len());
    view.set(Filter::All, "  REQ-42 ");
    assert_eq!(view.query(), "req-42");
    assert!(view.is_empty());
    assert!(!view.scan(&book, 10), "10 lines of 102 are not all");
    while !view.scan(&book, 10) {}
    let found = shown(&book, &view);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].request_id, "req-42");
    // The same search again keeps what is scanned.
    view.set(Filter::All, "req-42");
    assert_eq!(view.len(), 1);
    // A reset of the book empties the view too.
    view.apply(&book.sync(&interrupted_run(5.0, 1)));
    assert!(view.is_empty());
}

#[test]
fn the_window_is_the_rows_in_view_and_the_overscan() {
    // 100,000 rows of 20 px in a 400 px viewport: 20 rows in view.
    assert_eq!(window(100_000, 0.0, 400.0, 20.0, 10), 0..30);
    assert_eq!(window(100_000, 1000.0, 400.0, 20.0, 10), 40..80);
    // Half a row scrolled: the row half in view counts.
    assert_eq!(window(100_000, 1010.0, 400.0, 20.0, 0), 50..71);
    // At the end, and past it.
    let end = end_scroll_top(100_000, 20.0, 400.0);
    assert_eq!(end, 1_999_600.0);
    assert_eq!(window(100_000, end, 400.0, 20.0, 10), 99_970..100_000);
    assert_eq!(window(100_000, 5e9, 400.0, 20.0, 10), 99_990..100_000);
    // Fewer rows than fit, none, and a row height not measured yet.
    assert_eq!(window(7, 0.0, 400.0, 20.0, 10), 0..7);
    assert_eq!(window(0, 0.0, 400.0, 20.0, 10), 0..0);
    assert_eq!(window(100, 0.0, 400.0, 0.0, 10), 0..20);
    assert_eq!(window(100, f64::NAN, 400.0, 20.0, 10), 0..20);
    assert_eq!(window(100, -50.0, 400.0, 20.0, 0), 0..20);
}

#[test]
fn the_end_is_followed_until_scrolled_away_from() {
    assert_eq!(end_scroll_top(10, 20.0, 400.0), 0.0);
    assert!(at_end(10, 20.0, 0.0, 400.0, 4.0));
    let end = end_scroll_top(1000, 20.0, 400.0);
    assert!(at_end(1000, 20.0, end, 400.0, 4.0));
    assert!(at_end(1000, 20.0, end - 3.0, 400.0, 4.0));
    assert!(!at_end(1000, 20.0, end - 40.0, 400.0, 4.0));
    // A new row below makes the old end not the end.
    assert!(!at_end(1001, 20.0, end, 400.0, 4.0));
}

#[test]
fn a_hundred_thousand_lines_are_kept_and_searched() {
    let events = interrupted_run(0.0, 50_000);
    let mut book = LogBook::new();
    book.sync(&events[..events.len() - 1]);
    let change = book.sync(&events);
    assert!(
        matches!(change, Change::Grew { from, ref hidden } if from + 1 == book.positions() && hidden.len() == 1)
    );
    assert_eq!(book.len(), 50_002);
    let mut view = LogView::new(Filter::All, "req-49999");
    while !view.scan(&book, 10_000) {}
    assert_eq!(view.len(), 1);
    assert_eq!(book_of(&events[..3]).len(), 3);
}

#[test]
fn a_journal_read_a_few_events_at_a_time_is_the_same_as_at_once() {
    let events = interleaved(80);
    let mut book = LogBook::new();
    let mut view = LogView::new(Filter::All, "req-");
    // Another journal first: the reading starts again, a few events per frame.
    book.sync(&interrupted_run(9.0, 3));
    let mut frames = 0;
    loop {
        let (change, done) = book.sync_some(&events, 13);
        if frames == 0 {
            assert_eq!(change, Change::Reset);
        }
        view.apply(&change);
        view.scan(&book, 5);
        frames += 1;
        if done {
            break;
        }
    }
    while !view.scan(&book, 5) {}
    assert_eq!(frames, events.len().div_ceil(13));
    assert_eq!(
        book.lines().cloned().collect::<Vec<_>>(),
        log_lines(&events)
    );
    assert_eq!(
        shown(&book, &view),
        full_filter(&events, Filter::All, "req-")
    );
    assert_eq!(book.sync_some(&events, 13), (Change::Unchanged, true));
}
