//! The run report: one self-contained HTML document a person can send to someone who
//! opens it offline. A summary ([`super::summary`]), the live view's capacity chart as
//! inline SVG (the page's geometry, [`super::chart::DomainChart`]) and the full step log
//! as a table ([`super::steplog`]).
//!
//! What makes it safe to open anywhere: no `<script>`, nothing loaded (its
//! Content-Security-Policy allows inline styles and `data:` images only, and there is no
//! `src` or `href` at all), and every text escaped, server messages included. No
//! `scheme://` ever appears, not even inside a server's message: the `:` before `//` is
//! written as `&#58;`, which a browser shows as `:` but which no longer reads as an
//! address. What it holds is the journal (which never holds a credential) and the few
//! [`ReportFacts`], which have no field for one.

use crate::engine::journal::Event;

use super::chart::DomainChart;
use super::export::Download;
use super::facts::ReportFacts;
use super::figures::RunFigures;
use super::steplog::{log_lines, LogLine};
use super::summary::{problem_lines, summary_rows};

/// The report's styles: readable on screen and on paper, light and dark alike.
const STYLE: &str = "\
:root{color-scheme:light dark;font:14px/1.45 system-ui,sans-serif}\
body{margin:1.5rem auto;max-width:72rem;padding:0 1rem}\
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\
.muted{opacity:.7}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}\
dt{font-weight:600}dd{margin:0}\
.bad{color:#b3261e;font-weight:600}.good{color:#1e7a3e}\
svg{width:100%;max-width:48rem;height:auto;display:block}\
svg text{font-size:11px}\
table{border-collapse:collapse;width:100%;font-size:12px}\
th,td{border-bottom:1px solid #8884;padding:.15rem .4rem;text-align:left;vertical-align:top}\
td:first-child,td:nth-child(2){white-space:nowrap;font-variant-numeric:tabular-nums}\
thead th{position:sticky;top:0;background:Canvas}\
tr.failed td,tr.warn td{color:#b3261e}tr.cancelled td,tr.pending td{color:#a15c00}\
tr.step td{color:#2457c5}tr.info td{opacity:.8}tr.skipped td{opacity:.7}\
@media print{thead th{position:static}}";

/// `text` escaped for HTML text and attribute values; `:` before `//` written as
/// `&#58;`, so that no `http://` or `https://` remains (see the module's doc).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ':' if text[i + 1..].starts_with("//") => out.push_str("&#58;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped for HTML text outside attributes: `&`, `<` and the `:` of `://`.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            ':' if text[i + 1..].starts_with("//") => out.push_str("&#58;"),
            c => out.push(c),
        }
    }
    out
}

/// The run report of a journal (its last run, with every log line), with `facts`.
pub fn run_report(events: &[Event], facts: &ReportFacts) -> String {
    let figures = RunFigures::of(events);
    let lines = log_lines(events);
    let domain = figures.summary.domain.clone().unwrap_or_default();
    let started = figures
        .summary
        .started_ms
        .map(super::time::date_time)
        .unwrap_or_else(|| "no run".to_string());
    let mut html = String::with_capacity(4096 + lines.len() * 220);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n",
    );
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!(
        "<title>Run report: {}, {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&domain),
        escape(&started)
    ));
    html.push_str(&format!(
        "<header><h1>Run report: {}</h1><p class=\"muted\">Written {} by Phantom Decision \
         Engine from the run's journal. A plain page: no script, nothing loaded, no \
         credentials.</p></header>\n",
        escape(&domain),
        escape(&super::time::date_time(facts.written_ms))
    ));
    push_summary(&mut html, &figures, facts, &lines);
    push_chart(&mut html, &figures);
    push_log(&mut html, &lines);
    push_journal(&mut html, events);
    html.push_str("</body>\n</html>\n");
    html
}

/// The element id the report's journal is kept under.
const JOURNAL_ID: &str = "pde-journal";

/// The whole journal, so that the page can open the report again ("Open a run"): JSON in
/// a `<template>`, which a browser parses but never shows or runs. Escaped as little as
/// that needs (`&`, `<`, and the `:` of `://`, see [`escape`]): JSON is full of quotes,
/// and `&quot;` for each would nearly double the file.
fn push_journal(html: &mut String, events: &[Event]) {
    let journal = crate::engine::journal::Journal {
        events: events.to_vec(),
    };
    // A journal that cannot be written leaves the report without it (it still reads).
    if let Ok(json) = journal.to_json() {
        html.push_str(&format!(
            "<template id=\"{JOURNAL_ID}\">{}</template>\n",
            escape_text(&json)
        ));
    }
}

/// The journal JSON kept in a report [`run_report`] wrote, or `None` when `html` is not
/// one (or is one from before reports kept it).
pub fn journal_of_report(html: &str) -> Option<String> {
    let open = format!("<template id=\"{JOURNAL_ID}\">");
    let start = html.find(&open)? + open.len();
    let end = start + html[start..].find("</template>")?;
    Some(unescape(&html[start..end]))
}

/// Undoes [`escape`].
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (entity, c) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#58;", ':'),
        ]
        .into_iter()
        .find(|(e, _)| rest.starts_with(e))
        .unwrap_or(("&", '&'));
        out.push(c);
        rest = &rest[entity.len()..];
    }
    out.push_str(rest);
    out
}

/// The summary as a definition list, then the problem lines.
fn push_summary(html: &mut String, figures: &RunFigures, facts: &ReportFacts, lines: &[LogLine]) {
    html.push_str("<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n<dl>\n");
    for row in summary_rows(figures, facts) {
        let class = if row.bad { " class=\"bad\"" } else { "" };
        html.push_str(&format!(
            "<dt>{}</dt><dd{class}>{}</dd>\n",
            escape(row.term),
            escape(&row.text)
        ));
    }
    html.push_str("</dl>\n");
    let (shown, more) = problem_lines(lines);
    if !shown.is_empty() {
        html.push_str("<h3>What went wrong</h3>\n<ul>\n");
        for l in shown {
            html.push_str(&format!(
                "<li>{} {}: {}</li>\n",
                escape(&l.time),
                escape(&l.action),
                escape(&l.outcome)
            ));
        }
        if more > 0 {
            html.push_str(&format!("<li>and {more} more: see the step log</li>\n"));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section>\n");
}

/// The live view's chart, drawn as the page draws it.
fn push_chart(html: &mut String, figures: &RunFigures) {
    html.push_str("<section aria-labelledby=\"chart\">\n<h2 id=\"chart\">Capacity</h2>\n");
    let Some(c) = DomainChart::of(&figures.series) else {
        html.push_str("<p class=\"muted\">No chart: the run has no schedule.</p>\n</section>\n");
        return;
    };
    let f = c.frame;
    let (left, top, base, right) = (f.left, f.top, f.baseline(), f.right_edge());
    html.push_str(&format!(
        "<svg class=\"domain-chart\" viewBox=\"{}\" role=\"img\" aria-label=\"Planned \
         capacity, requested capacity and running instances over time\">\n\
         <line class=\"axis\" x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" \
         stroke=\"currentColor\"/>\n\
         <line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" \
         stroke=\"currentColor\"/>\n\
         <text x=\"4\" y=\"{}\" fill=\"currentColor\">{}</text>\n\
         <text x=\"{right}\" y=\"{}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>\n",
        escape(&f.view_box()),
        top + 8.0,
        escape(&c.peak_label),
        f.height - 6.0,
        escape(&c.end_label)
    ));
    for (class, d, style) in [
        (
            "planned",
            &c.planned,
            "stroke=\"#8a94a3\" stroke-dasharray=\"4 3\"",
        ),
        ("requested", &c.requested, "stroke=\"#2457c5\""),
        ("running", &c.running, "stroke=\"#2e9e5b\""),
    ] {
        html.push_str(&format!(
            "<path class=\"{class}\" d=\"{}\" fill=\"none\" {style} stroke-width=\"2\"/>\n",
            escape(d)
        ));
    }
    html.push_str(
        "</svg>\n<p class=\"muted\">Dashed grey: planned capacity; blue: requested (ramp \
         steps); green: running instances. Time from the ramp's start.</p>\n</section>\n",
    );
}

/// Every log line as a table row.
fn push_log(html: &mut String, lines: &[LogLine]) {
    html.push_str(&format!(
        "<section aria-labelledby=\"log\">\n<h2 id=\"log\">Step log</h2>\n\
         <p class=\"muted\">{} lines; times in UTC.</p>\n\
         <table class=\"step-log\">\n<thead><tr><th>Time</th><th>Planned, lateness</th>\
         <th>Action</th><th>Target</th><th>Outcome</th><th>Request id</th></tr></thead>\n\
         <tbody>\n",
        lines.len()
    ));
    for l in lines {
        html.push_str(&format!(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            l.kind.class(),
            escape(&l.time),
            escape(&l.timing),
            escape(&l.action),
            escape(&l.target),
            escape(&l.outcome),
            escape(&l.request_id)
        ));
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

/// `phantom-de-report-<domain>-<YYYYMMDD-HHMMSS>.html`, the time the run's start (or,
/// without a run, `written_ms`); characters a file name should not hold become `_`.
pub fn report_file_name(events: &[Event], written_ms: f64) -> String {
    let summary = RunFigures::of(events).summary;
    let domain: String = summary
        .domain
        .unwrap_or_else(|| "run".to_string())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let at = summary.started_ms.unwrap_or(written_ms);
    let stamp = crate::sign::SigningTime::from_unix_millis(at.max(0.0))
        .amz_date()
        .replace('T', "-")
        .replace('Z', "");
    format!("phantom-de-report-{domain}-{stamp}.html")
}

/// "Download report": the report of `events` with `facts`, as a file.
pub fn report_download(events: &[Event], facts: &ReportFacts) -> Download {
    Download {
        file_name: report_file_name(events, facts.written_ms),
        mime: "text/html",
        text: run_report(events, facts),
    }
}
