//! The seam between the client and the network: a [`Transport`] sends one HTTP request.
//! The browser implementation (`fetch`) lives at the edge in [`super::fetch`]; tests use
//! fakes or a native HTTP client.

use crate::sign::{Method, SigningTime};

/// The largest answer the client reads: 8 MiB. An Auto Scaling answer for a thousand
/// instances is about 300 KB, so anything near the cap is a wrong URL (a download, a web
/// page); reading it whole would freeze the page (a 50 MB answer took 1.2 s).
pub const MAX_ANSWER_BYTES: u64 = 8 * 1024 * 1024;

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
        find_header(&self.headers, name)
    }

    /// The server's clock from its `Date` header, when present and readable.
    pub fn server_time(&self) -> Option<SigningTime> {
        parse_http_date(self.header("date")?)
    }

    /// The body length the server declared (`Content-Length`), when present and readable.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.trim().parse().ok()
    }

    /// Refuses an answer larger than [`MAX_ANSWER_BYTES`], by its declared length (before
    /// a transport reads the body) or by the body read.
    pub fn check_size(&self) -> Result<(), TransportError> {
        let declared = self.content_length().unwrap_or(0);
        let read = u64::try_from(self.body.len()).unwrap_or(u64::MAX);
        match declared.max(read) {
            size if size > MAX_ANSWER_BYTES => Err(TransportError::TooLarge {
                limit: MAX_ANSWER_BYTES,
                size: Some(size),
            }),
            _ => Ok(()),
        }
    }
}

/// The first header named `name` (case-insensitive) in `headers`.
pub fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
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
    /// The answer is larger than [`MAX_ANSWER_BYTES`]: refused before being parsed.
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
        /// The answer's size when known (its `Content-Length`, or the body read); `None`
        /// when reading stopped at the cap.
        size: Option<u64>,
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
