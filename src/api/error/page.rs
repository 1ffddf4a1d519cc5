//! How servers spell a failure: AWS's XML error documents, moto's two shapes, EC2-style
//! `<Response><Errors>`, Phantom's plain-text and HTML error pages (its code in the reason
//! phrase or the page's first line / title), and a redirect's status and `Location`
//! (straight, or as the same-origin proxy names it). All of them end as one [`ApiError`].

use super::super::transport::find_header;
use super::super::xml::Element;
use super::ApiError;

/// The standard reason phrase of a status: a reason equal to it carries no error code.
fn standard_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The page server's proxy (`scripts/lib/server.mjs`) answers an endpoint's redirect with
/// a 502 that names it in these headers. Passed on as a 3xx, the page's `fetch` (redirect:
/// manual) would get an opaque redirect, which hides status and target even when the
/// answer has no `Location`.
const PROXY_REDIRECT_STATUS: &str = "x-pde-redirect-status";
/// See [`PROXY_REDIRECT_STATUS`].
const PROXY_REDIRECT_LOCATION: &str = "x-pde-redirect-location";

/// The redirect a proxy's answer names, if it names one.
fn proxied_redirect(headers: &[(String, String)]) -> Option<ApiError> {
    let status = find_header(headers, PROXY_REDIRECT_STATUS)?
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|s| (300..400).contains(s))?;
    let location = find_header(headers, PROXY_REDIRECT_LOCATION).map(str::to_string);
    Some(ApiError::Redirect { status, location })
}

/// A request id from the headers AWS-style servers send.
pub(in crate::api) fn header_request_id(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| {
            n.eq_ignore_ascii_case("x-amzn-requestid") || n.eq_ignore_ascii_case("x-amz-request-id")
        })
        .map(|(_, v)| v.clone())
}

/// Longest message kept from a server's error page.
const MAX_MESSAGE: usize = 600;

/// Reads an error answer (any status outside 2xx) in every shape we know:
/// AWS `<ErrorResponse><Error>`, moto's `<ErrorResponse><Errors><Error>`, EC2-style
/// `<Response><Errors>`, Phantom's plain text and HTML (code in the reason phrase or in
/// the body's first line / title), and anything else as a bare status. A 3xx is a
/// redirect with its `Location`, and so is the same-origin proxy's 502 that names one.
pub fn parse_error_response(
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body: &str,
) -> ApiError {
    if let Some(redirect) = proxied_redirect(headers) {
        return redirect;
    }
    if (300..400).contains(&status) {
        let location = find_header(headers, "location").map(str::to_string);
        return ApiError::Redirect { status, location };
    }
    let header_id = header_request_id(headers);
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with("<?xml")
        || trimmed.starts_with("<ErrorResponse")
        || trimmed.starts_with("<Response")
    {
        if let Ok(root) = Element::parse(trimmed) {
            if let Some(error) = root.find("Error") {
                let code = error
                    .child_text("Code")
                    .filter(|c| !c.is_empty())
                    .map(str::to_string);
                let message = error.child_text("Message").unwrap_or_default();
                let request_id = root
                    .find("RequestId")
                    .or_else(|| root.find("RequestID"))
                    .map(|e| e.text.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .or(header_id);
                return ApiError::Service {
                    status,
                    code,
                    message: truncate(message),
                    request_id,
                };
            }
        }
    }
    // Phantom (CherryPy): the status line reads "400 IncompleteSignature"; HTTP/2 drops
    // the reason, so fall back to the body's "400 Code" line or <title>.
    let reason = reason.trim();
    let mut code =
        (!reason.is_empty() && reason != standard_reason(status)).then(|| reason.to_string());
    let (body_code, message) = if looks_like_html(trimmed) {
        html_error(trimmed)
    } else {
        text_error(trimmed)
    };
    if code.is_none() {
        code = body_code.filter(|c| c != standard_reason(status));
    }
    let message = if message.is_empty() && code.is_none() {
        standard_reason(status).to_string()
    } else {
        message
    };
    ApiError::Service {
        status,
        code,
        message: truncate(&message),
        request_id: header_id,
    }
}

fn looks_like_html(body: &str) -> bool {
    let head: String = body
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.contains("<html")
        || head.starts_with("<title")
        || head.starts_with("<h1")
}

/// "NNN Code words" → "Code words".
fn code_from_status_line(line: &str) -> Option<String> {
    let line = line.trim();
    let (num, rest) = line.split_once(' ')?;
    (num.len() == 3 && num.bytes().all(|b| b.is_ascii_digit()) && !rest.trim().is_empty())
        .then(|| rest.trim().to_string())
}

/// Phantom's plain-text error: status line, blank line, explanation, detail.
fn text_error(body: &str) -> (Option<String>, String) {
    let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    match code_from_status_line(first) {
        Some(code) => (Some(code), lines.collect::<Vec<_>>().join(" ")),
        None => (None, body.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// An HTML error page: the code from <title> (or <h1>/<h2>), the message from the first
/// <p> elements; tracebacks (<pre>) are left out.
fn html_error(body: &str) -> (Option<String>, String) {
    let title = between(body, "<title>", "</title>")
        .or_else(|| between(body, "<h2>", "</h2>"))
        .or_else(|| between(body, "<h1>", "</h1>"))
        .map(|t| strip_tags(&t));
    let code = title
        .as_deref()
        .and_then(code_from_status_line)
        .or(title.clone());
    let mut paragraphs = Vec::new();
    let mut rest = body;
    while let Some(start) = find_paragraph(rest) {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let inner = &after[open_end + 1..];
        let end = find_ci(inner, "</p>").unwrap_or(inner.len());
        let text = strip_tags(&inner[..end]);
        if !text.is_empty() {
            paragraphs.push(text);
        }
        rest = &inner[end..];
        if paragraphs.len() >= 3 {
            break;
        }
    }
    (code, paragraphs.join(" "))
}

/// The next `<p>` or `<p attr…>` (not `<pre>` or `<param>`).
fn find_paragraph(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<p") {
        let at = from + i;
        match lower.as_bytes().get(at + 2) {
            Some(b'>') | Some(b' ') | Some(b'\t') | Some(b'\n') => return Some(at),
            _ => from = at + 2,
        }
    }
    None
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

fn between(body: &str, open: &str, close: &str) -> Option<String> {
    let start = find_ci(body, open)? + open.len();
    let end = find_ci(&body[start..], close)? + start;
    Some(body[start..end].to_string())
}

/// Drops tags, decodes the common entities and collapses whitespace.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(MAX_MESSAGE).collect();
        t.push('…');
        t
    }
}
