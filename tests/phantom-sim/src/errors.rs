//! Phantom's error answers: a WebOb `WSGIHTTPException` whose title is the
//! AWS error code, so the status line reads `400 IncompleteSignature`; the
//! body is WebOb's HTML page when `Accept` has `html` or `*/*`, else text.

#[derive(Debug, Clone, PartialEq)]
pub struct PhantomError {
    pub status: u16,
    pub title: String,
    pub explanation: String,
    pub detail: String,
}

/// pyhantom `phantom_exceptions._error_lookup` (code → explanation, status).
fn lookup(code: &str) -> Option<(&'static str, u16)> {
    Some(match code {
        "IncompleteSignature" => ("The request signature does not conform to AWS standards.", 400),
        "InternalFailure" => (
            "The request processing has failed due to some unknown error, exception or failure.",
            500,
        ),
        "InvalidAction" => ("The action or operation requested is invalid.", 400),
        "InvalidClientTokenId" => (
            "The X.509 certificate or AWS Access Key ID provided does not exist in our records.",
            403,
        ),
        "InvalidParameterCombination" => (
            "Parameters that must not be used together were used together.",
            400,
        ),
        "InvalidParameterValue" => (
            "A bad or out-of-range value was supplied for the input parameter.",
            400,
        ),
        "InvalidQueryParameter" => (
            "AWS query string is malformed, does not adhere to AWS standards.",
            400,
        ),
        "MalformedQueryString" => ("The query string is malformed.", 404),
        "MissingAction" => ("The request is missing an action or operation parameter.", 400),
        "MissingAuthenticationToken" => (
            "Request must contain either a valid (registered) AWS Access Key ID or X.509 certificate.",
            403,
        ),
        "MissingParameter" => (
            "An input parameter that is mandatory for processing the request is not supplied.",
            400,
        ),
        "OptInRequired" => ("The AWS Access Key ID needs a subscription for the service.", 403),
        "RequestExpired" => (
            "Request is past expires date or the request date (either with 15 minute padding), or the request date occurs more than 15 minutes in the future.",
            400,
        ),
        "ServiceUnavailable" => (
            "The request has failed due to a temporary failure of the server.",
            503,
        ),
        "Throttling" => ("Request was denied due to request throttling.", 400),
        "AlreadyExists" => (
            "The named Auto Scaling group or launch configuration already exists.",
            400,
        ),
        "LimitExceeded" => (
            "The quota for capacity groups or launch configurations for this customer has already been reached.",
            400,
        ),
        "ResourceInUse" => (
            "This is returned when you cannot delete a launch configuration or Auto Scaling group because it is being used.",
            400,
        ),
        _ => return None,
    })
}

impl PhantomError {
    /// `PhantomAWSException(code, details=detail)`.
    pub fn aws(code: &str, detail: &str) -> PhantomError {
        match lookup(code) {
            Some((explanation, status)) => PhantomError {
                status,
                title: code.to_string(),
                explanation: explanation.to_string(),
                detail: detail.to_string(),
            },
            // pyhantom raises PhantomAWSException with free text in a few
            // places; the lookup then fails with a KeyError, which the
            // catch-all turns into InternalFailure carrying str(KeyError).
            None => PhantomError::internal(&format!("'{code}'")),
        }
    }

    /// `InternalFailure` with `details=str(ex)`.
    pub fn internal(detail: &str) -> PhantomError {
        PhantomError::aws("InternalFailure", detail)
    }

    /// `webob.exc.HTTPNotFound(detail)`.
    pub fn not_found(detail: &str) -> PhantomError {
        PhantomError {
            status: 404,
            title: "Not Found".to_string(),
            explanation: "The resource could not be found.".to_string(),
            detail: detail.to_string(),
        }
    }

    pub fn status_line(&self) -> String {
        format!("{} {}", self.status, self.title)
    }

    /// The error code a client reads: the title (for 404 "Not Found").
    pub fn code(&self) -> &str {
        &self.title
    }

    /// (content type, body) as WebOb 1.2.3 `generate_response` builds them.
    pub fn render(&self, accept: Option<&str>) -> (String, String) {
        let accept = accept.unwrap_or("");
        let html = (!accept.is_empty() && accept.contains("html")) || accept.contains("*/*");
        // body_template: "${explanation}<br /><br />\n${detail}\n${html_comment}\n"
        if html {
            let body = format!(
                "{}<br /><br />\n{}\n\n",
                html_escape(&self.explanation),
                html_escape(&self.detail)
            );
            let status = self.status_line();
            (
                "text/html; charset=UTF-8".to_string(),
                format!(
                    "<html>\n <head>\n  <title>{status}</title>\n </head>\n <body>\n  <h1>{status}</h1>\n  {body}\n </body>\n</html>"
                ),
            )
        } else {
            let body = format!("{}<br /><br />\n{}\n\n", self.explanation, self.detail);
            (
                "text/plain; charset=UTF-8".to_string(),
                format!("{}\n\n{}", self.status_line(), strip_tags(&body)),
            )
        }
    }
}

/// `cgi.escape(s, True)` then non-ASCII as `&#N;`.
fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 128 => out.push(c),
            c => out.push_str(&format!("&#{};", c as u32)),
        }
    }
    out
}

/// WebOb `strip_tags`: newlines to spaces, `<br…>` to newlines, comment
/// markers and other tags removed.
fn strip_tags(s: &str) -> String {
    let s = s.replace('\n', " ").replace('\r', "");
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("<!--") {
            rest = after;
            continue;
        }
        match tail.find('>') {
            Some(j) => {
                if tail.len() >= 3 && tail[..3].eq_ignore_ascii_case("<br") {
                    out.push('\n');
                }
                rest = &tail[j + 1..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("-->", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_body_matches_webob() {
        let e = PhantomError::aws("IncompleteSignature", "");
        let (ct, body) = e.render(None);
        assert_eq!(ct, "text/plain; charset=UTF-8");
        assert_eq!(
            body,
            "400 IncompleteSignature\n\nThe request signature does not conform to AWS standards.\n\n   "
        );
        let e = PhantomError::aws("InvalidParameterValue", "Name already in use");
        assert!(e
            .render(Some("text/plain"))
            .1
            .ends_with("\n\n Name already in use  "));
    }

    #[test]
    fn html_body_matches_webob() {
        let e = PhantomError::aws("MissingParameter", "parameter <X> missing");
        let (ct, body) = e.render(Some("*/*"));
        assert_eq!(ct, "text/html; charset=UTF-8");
        assert!(body.starts_with("<html>\n <head>\n  <title>400 MissingParameter</title>"));
        assert!(body.contains("<h1>400 MissingParameter</h1>"));
        assert!(body
            .contains("supplied.<br /><br />\nparameter &lt;X&gt; missing\n\n\n </body>\n</html>"));
    }

    #[test]
    fn unknown_code_becomes_internal_failure() {
        let e = PhantomError::aws("We cannot work with this type yet", "");
        assert_eq!(e.status_line(), "500 InternalFailure");
        assert_eq!(e.detail, "'We cannot work with this type yet'");
    }
}
