//! The run report on the host: a journal made by the engine on the virtual clock against
//! the scripted Phantom becomes one HTML document with its summary figures, the chart's
//! three paths and one table row per log line; every text escaped (server messages with
//! markup and addresses), no script, no `http(s)://`, no element that loads anything
//! (checked by reading every tag), no credential; the facts hold only host and port;
//! the size of a 1,000-step run's report.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::rc::Rc;

use phantom_de::engine::journal::{Event, Journal};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::{OnStepFailure, Plan, RunOptions};
use phantom_de::report::facts::{EndpointAddress, ReportFacts};
use phantom_de::report::figures::{Lateness, RunFigures};
use phantom_de::report::html::{
    escape, journal_of_report, report_download, report_file_name, run_report,
};
use phantom_de::report::steplog::log_lines;
use phantom_de::settings::{RampShape, RampStep, Settings};
use scripted_phantom::{client, error, tutorial_settings, Server, SECRET};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

/// The journal of a run of `settings` against a scripted server set up by `script`.
fn journal_of(
    settings: &Settings,
    options: RunOptions,
    script: impl FnOnce(&Server),
) -> Vec<Event> {
    let clock = VirtualClock::new();
    let server = Server::new(clock.clone());
    script(&server);
    let plan = Plan::from_settings(settings).expect("valid settings");
    let client = client(settings, &server);
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let controls = RunControls::new();
    Sim::new(clock).run(async move {
        let mut on_event = |e: &Event| sink.borrow_mut().push(e.clone());
        run(&client, &plan, &options, &controls, &mut on_event).await
    });
    events.take()
}

fn monitored() -> RunOptions {
    RunOptions {
        monitor_interval_ms: 3_000,
        ..RunOptions::default()
    }
}

fn facts(settings: &Settings) -> ReportFacts {
    ReportFacts::of(settings, &settings.endpoint.url, EPOCH_MS + 3_600_000.0)
}

/// Whether `text` holds `http://` or `https://`, in any case (the regex `https?://`).
fn has_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("http://") || lower.contains("https://")
}

/// Every tag of the document (outside `<style>`), as (name, attribute names, closing),
/// checked to be balanced; panics on markup that does not read as ours.
fn tags(html: &str) -> Vec<(String, Vec<String>, bool)> {
    const VOID: [&str; 4] = ["meta", "line", "path", "!doctype"];
    let mut out = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("every tag closes") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let name = body
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        // Attribute names: the words before each `=`.
        let attrs: Vec<String> = body
            .split('"')
            .step_by(2)
            .filter_map(|part| part.trim_end().strip_suffix('='))
            .map(|a| {
                a.rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .collect();
        if name == "style" && !closing {
            let close = rest.find("</style>").expect("style closes");
            rest = &rest[close..];
        }
        if closing {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.as_str()),
                "unbalanced </{name}>"
            );
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            open.push(name.clone());
        }
        out.push((name, attrs, closing));
    }
    assert!(open.is_empty(), "left open: {open:?}");
    out
}

/// What any report must be: one document of known elements that loads nothing.
fn assert_self_contained(html: &str) {
    assert!(!html.to_ascii_lowercase().contains("<script"), "a script");
    assert!(
        !has_address(html),
        "an address: {}",
        &html[..html.len().min(400)]
    );
    const KNOWN: [&str; 29] = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "p", "section", "dl", "dt", "dd", "ul", "li", "svg", "line", "text", "path", "table",
        "thead", "tbody", "tr", "th", "td", "template",
    ];
    for (name, attrs, _) in tags(html) {
        assert!(KNOWN.contains(&name.as_str()), "element <{name}>");
        for a in attrs {
            assert!(
                !(a == "src" || a == "href" || a.starts_with("on") || a == "style"),
                "attribute {a} on <{name}>"
            );
        }
    }
    assert!(
        html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"")
    );
}

fn tbody_rows(html: &str) -> usize {
    let start = html.find("<tbody>").expect("a table body");
    let end = html.find("</tbody>").expect("the body ends");
    html[start..end].matches("<tr").count()
}

#[test]
fn the_tutorial_run_is_summed_up_charted_and_logged() {
    let settings = tutorial_settings();
    let events = journal_of(&settings, monitored(), |_| {});
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for expected in [
        "<dt>Domain</dt><dd>my_domain</dd>",
        "<dt>Engine</dt><dd>launch configuration my_launch_config on hotel (at most 4 VMs), sierra (at most 4 VMs): image hello-phantom.gz, m1.small</dd>",
        "<dt>Endpoint</dt><dd>svc.example.org:8445 (HTTPS)</dd>",
        "<dt>Profile and signing</dt><dd>Phantom, Signature V2, HmacSHA256</dd>",
        "<dt>Policy</dt><dd>error_overflow_n_preserving</dd>",
        "<dt>Ramp settings</dt><dd>start at 1, add 1 every 10 s up to 4; hold 60 s; then capacity 0</dd>",
        "<dt>Outcome</dt><dd>completed</dd>",
        "<dt>Started</dt><dd>2026-01-02 03:04:05.000 UTC</dd>",
        "<dt>Peak capacity</dt><dd>planned 4, requested 4, seen running 4</dd>",
        "<dt>Lateness of the timed steps</dt><dd>median 0 ms, p95 0 ms, max 0 ms (5 of 5 steps fired)</dd>",
        "<dt>Problems</dt><dd>none</dd>",
        "my_launch_config@hotel, my_launch_config@sierra",
    ] {
        assert!(html.contains(expected), "{expected} missing from the summary");
    }
    // To look at in a browser: target/tmp/tutorial-report.html.
    let file = concat!(env!("CARGO_TARGET_TMPDIR"), "/tutorial-report.html");
    std::fs::write(file, &html).expect("written");
    assert!(html.contains("<dt>Ended</dt><dd>2026-01-02 03:05:35.000 UTC</dd>"));
    assert!(html.contains("<dt>Duration</dt><dd>90 s</dd>"), "duration");
    // The chart: the page's three lines, each with points.
    for class in ["planned", "requested", "running"] {
        let at = html
            .find(&format!("<path class=\"{class}\" d=\"M"))
            .expect(class);
        assert!(html[at..].find("H").is_some());
    }
    // The log: one row per line, in order.
    let lines = log_lines(&events);
    assert_eq!(tbody_rows(&html), lines.len());
    let first = html.find("<td>Run started</td>").expect("the first line");
    let last = html.find("<td>Run finished</td>").expect("the last line");
    assert!(first < last);
    assert!(html.contains("<td>Ramp step 4</td><td>capacity 4</td>"));
    assert!(html.contains("<td>planned +30.000 s, late 0 ms</td>"));
    assert!(html.contains("5b4d1f0e-0000-4c1a-9d8e-"), "request ids");
}

#[test]
fn server_messages_are_escaped_and_addresses_broken() {
    let mut settings = tutorial_settings();
    settings.run.continue_on_failed_step = true;
    let message = "bad <b>capacity</b></table><script>alert(1)</script> see https://svc.example.org:8445/doc?x=1&y=2 or HTTP://x.test";
    let events = journal_of(
        &settings,
        RunOptions {
            on_step_failure: OnStepFailure::Continue,
            ..monitored()
        },
        |server| {
            let answers = (0..5)
                .map(|_| error(400, "Bad <Request>", message))
                .collect();
            server.script("SetDesiredCapacity:2", answers);
        },
    );
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    assert_eq!(
        html.matches("</table>").count(),
        1,
        "the server's </table> is text"
    );
    assert!(!html.contains("<b>"));
    assert!(html.contains("bad &lt;b&gt;capacity&lt;/b&gt;&lt;/table&gt;&lt;script&gt;"));
    assert!(html.contains("https&#58;//svc.example.org:8445/doc?x=1&amp;y=2 or HTTP&#58;//x.test"));
    assert!(html.contains("Bad &lt;Request&gt;"));
    assert!(html.contains("<dt>Problems</dt><dd class=\"bad\">1 failed request</dd>"));
    assert!(html.contains("<dd class=\"bad\">completed; 1 timed step failed</dd>"));
    assert!(html.contains("<h3>What went wrong</h3>"));
    assert_eq!(tbody_rows(&html), log_lines(&events).len());
}

#[test]
fn escaping_covers_markup_quotes_and_every_scheme() {
    assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    assert_eq!(
        escape("https://h:1/p http:// ftp://x a:b //c"),
        "https&#58;//h:1/p http&#58;// ftp&#58;//x a:b //c"
    );
    assert_eq!(escape("ends with :"), "ends with :");
    assert_eq!(escape("é:// ü"), "é&#58;// ü");
}

#[test]
fn the_report_adds_no_credential_to_the_journal() {
    let settings = tutorial_settings();
    let leaky = "denied: Signature=c2lnbmF0dXJl AWSAccessKeyId=AKIDEXAMPLE token FQoGZXIvYXdz";
    let events = journal_of(&settings, monitored(), |server| {
        server.script(
            "SetDesiredCapacity:3",
            vec![error(403, "SignatureDoesNotMatch", leaky)],
        );
    });
    let journal = Journal {
        events: events.clone(),
    }
    .to_json()
    .expect("json");
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    assert!(!html.contains(SECRET) && !journal.contains(SECRET));
    assert!(!html.contains("Authorization"));
    // What the server said is in the journal, so the report shows it; nothing else.
    for word in ["c2lnbmF0dXJl", "AKIDEXAMPLE", "FQoGZXIvYXdz"] {
        assert!(
            !html.contains(word) || journal.contains(word),
            "{word} added"
        );
    }
    // Settings with every credential filled in, a user and a signature in the URL:
    // the facts keep host and port only.
    let mut s = tutorial_settings();
    s.credentials.access_key_id = "AKIDSECRETLOOKING".into();
    s.endpoint.url = "https://user:pa55@svc.example.org:8445/p?X-Amz-Signature=abc#frag".into();
    let f = ReportFacts::of(&s, &s.endpoint.url, EPOCH_MS);
    let seen = format!("{f:?}");
    for word in [
        "AKIDSECRETLOOKING",
        "user",
        "pa55",
        "Signature",
        "abc",
        "frag",
        "/p",
    ] {
        assert!(!seen.contains(word), "{word} in {seen}");
    }
    assert_eq!(f.endpoint.host_port, "svc.example.org:8445");
    let html = run_report(&events, &f);
    assert!(!html.contains("AKIDSECRETLOOKING") && !html.contains("pa55"));
}

#[test]
fn endpoint_addresses_are_host_and_port_only() {
    let a = EndpointAddress::of_url("https://svc.example.org:8445/");
    assert_eq!(
        (a.host_port.as_str(), a.transport),
        ("svc.example.org:8445", Some("HTTPS"))
    );
    let a = EndpointAddress::of_url("http://127.0.0.1/");
    assert_eq!(
        (a.host_port.as_str(), a.transport),
        ("127.0.0.1:80", Some("HTTP"))
    );
    let a = EndpointAddress::of_url("http://[::1]:9/x");
    assert_eq!(a.host_port, "[::1]:9");
    // Not a URL the signer takes: still cut to host and port.
    let a = EndpointAddress::of_url("https://me:secret@host.test:1/x?Signature=s");
    assert_eq!((a.host_port.as_str(), a.transport), ("host.test:1", None));
    assert_eq!(EndpointAddress::of_url("").host_port, "");
}

#[test]
fn an_unfinished_run_and_an_empty_journal_still_make_a_report() {
    let settings = tutorial_settings();
    let mut events = journal_of(&settings, monitored(), |_| {});
    let cut = events
        .iter()
        .position(|e| matches!(e, Event::RampStep(s) if s.index == 2))
        .expect("step 3");
    events.truncate(cut);
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    assert!(html.contains("<dt>Outcome</dt><dd>not finished when this report was written"));
    assert!(html.contains("<dt>Last event</dt>"));
    assert!(html.contains("(2 of 5 steps fired)"));
    assert_eq!(tbody_rows(&html), log_lines(&events).len());
    let empty = run_report(&[], &facts(&settings));
    assert_self_contained(&empty);
    assert!(empty.contains("<dt>Outcome</dt><dd>no run</dd>"));
    assert!(empty.contains("No chart"));
    assert_eq!(tbody_rows(&empty), 0);
}

#[test]
fn the_file_is_named_after_the_domain_and_the_start() {
    let settings = tutorial_settings();
    let events = journal_of(&settings, monitored(), |_| {});
    assert_eq!(
        report_file_name(&events, 0.0),
        "phantom-de-report-my_domain-20260102-030405.html"
    );
    assert_eq!(
        report_file_name(&[], EPOCH_MS),
        "phantom-de-report-run-20260102-030405.html"
    );
    let d = report_download(&events, &facts(&settings));
    assert_eq!(d.mime, "text/html");
    assert!(d.file_name.ends_with(".html"));
}

#[test]
fn lateness_figures_use_the_nearest_rank() {
    assert_eq!(Lateness::of(&[]), None);
    let l = Lateness::of(&[5, 1, 3]).expect("figures");
    assert_eq!((l.median_ms, l.p95_ms, l.max_ms, l.steps), (3, 5, 5, 3));
    let hundred: Vec<u64> = (1..=100).collect();
    let l = Lateness::of(&hundred).expect("figures");
    assert_eq!((l.median_ms, l.p95_ms, l.max_ms), (50, 95, 100));
}

#[test]
fn a_thousand_step_run_makes_a_report_of_measured_size() {
    let mut settings = tutorial_settings();
    settings.ramp.shape = RampShape::Steps;
    settings.ramp.steps = (0..1000).map(|i| RampStep::new(i, i % 8 + 1)).collect();
    settings.ramp.hold = 1.into();
    let events = journal_of(&settings, monitored(), |_| {});
    let figures = RunFigures::of(&events);
    assert_eq!(figures.steps_fired, 1001);
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    assert_eq!(tbody_rows(&html), log_lines(&events).len());
    assert!(html.contains("1000 explicit steps from 1 at +0 s to 8 at +16 min 39 s (highest 8)"));
    let journal = Journal { events }.to_json().expect("json");
    let kept = journal_of_report(&html).expect("the report keeps its journal");
    assert_eq!(kept, journal);
    println!(
        "a 1,000-step run: report {} bytes ({} log lines), journal {} bytes, report without its journal {} bytes",
        html.len(),
        tbody_rows(&html),
        journal.len(),
        html.len() - html.find("<template").map_or(0, |t| html.len() - t)
    );
}

#[test]
fn a_report_keeps_its_journal_so_the_page_can_open_it_again() {
    let settings = tutorial_settings();
    // A server message with every character the escaping changes, and an address.
    let odd = "bad <name> &amp; & \"quoted\" 'it' at http://x.test/a";
    let events = journal_of(&settings, monitored(), |server| {
        server.script(
            "SetDesiredCapacity:3",
            vec![error(400, "ValidationError", odd)],
        );
    });
    let html = run_report(&events, &facts(&settings));
    assert_self_contained(&html);
    let kept = journal_of_report(&html).expect("kept");
    assert!(
        kept.contains("http://x.test/a"),
        "the address reads back as the server sent it"
    );
    let back = Journal::from_json(&kept).expect("reads");
    assert_eq!(back.events, events);
    // The journal is inert: inside a <template>, after the log.
    let at = html
        .find("<template id=\"pde-journal\">")
        .expect("template");
    assert!(at > html.find("</table>").expect("the log"));
    // Not a report, or a report from before it kept its journal: nothing.
    assert_eq!(journal_of_report("<!DOCTYPE html><p>hello</p>"), None);
    let old = html[..at].to_string() + "</body></html>";
    assert_eq!(journal_of_report(&old), None);
}
