//! The seam between the client and the network: a [`Transport`] sends one HTTP request.
//! The browser implementation (`fetch`) lives at the edge in [`super::fetch`]; tests use
//! fakes or a native HTTP client.

use crate::sign::{Method, SigningTime};

/// One HTTP request, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL (direct) or a same-origin path (proxy).
    pub url: String,
    /// Headers to set (`Host` is never among them: the browser sets it).
    pub headers: Vec<(String, String)>,
    /// Body (empty for GET).
    pub body: String,
    /// Give up after this many milliseconds.
    pub timeout_ms: u32,
}

/// One HTTP answer, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Reason phrase (empty over HTTP/2). Phantom puts its error code here.
    pub reason: String,
    /// Headers as received (names in any case).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The server's clock from its `Date` header, when present and readable.
    pub fn server_time(&self) -> Option<SigningTime> {
        parse_http_date(self.header("date")?)
    }
}

/// Why no answer came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// No answer within the timeout.
    Timeout(u32),
    /// The network failed (connection refused or reset, DNS, the proxy is down…).
    Network(String),
    /// The browser refused to let the page read the answer (most likely CORS).
    Blocked(String),
    /// A redirect, not followed.
    Redirect {
        /// Status (0 when hidden by the browser).
        status: u16,
        /// Target, when visible.
        location: Option<String>,
    },
    /// Cancelled by the caller.
    Cancelled,
}

/// Sends HTTP requests. Dropping the returned future cancels the request.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and returns the answer, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

impl<T: Transport> Transport for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// Parses an IMF-fixdate (`Tue, 24 Nov 2026 16:08:42 GMT`), the form servers send.
pub fn parse_http_date(text: &str) -> Option<SigningTime> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    if parts.next()? != "GMT" {
        return None;
    }
    SigningTime::parse_iso8601(&format!("{year:04}-{month:02}-{day:02}T{time}Z")).ok()
}
