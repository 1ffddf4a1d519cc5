//! HTTP/1.1 on one connection, as the browser transport behaves: the request's head
//! written with the `Host` the endpoint signed for, the answer read whatever its status,
//! with its **reason phrase** kept (Phantom puts its error code there, and the
//! `http`-crate based clients do not expose it), redirects returned, never followed,
//! the [`MAX_ANSWER_BYTES`] cap applied to the declared length before the body is read
//! and while it is read, and one deadline for the whole exchange (the request's
//! timeout, as the page's `AbortController`). One request per connection
//! (`Connection: close`), so an answer is framed by its length, its chunks or the end
//! of the connection.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::api::transport::MAX_ANSWER_BYTES;
use crate::api::{HttpRequest, HttpResponse, TransportError};
use crate::sign::{Endpoint, UrlScheme};

/// The answer's head (status line and headers) is at most this large.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A connection the exchange runs over: plain TCP or TLS over TCP, with the socket at
/// hand for its timeouts.
pub trait Wire: Read + Write {
    /// The TCP socket underneath.
    fn socket(&self) -> &TcpStream;
}

impl Wire for TcpStream {
    fn socket(&self) -> &TcpStream {
        self
    }
}

impl Wire for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn socket(&self) -> &TcpStream {
        &self.sock
    }
}

/// The one deadline of an exchange: connect, TLS, request and the whole answer.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    at: Instant,
    timeout_ms: u32,
}

impl Deadline {
    /// `timeout_ms` from now.
    pub fn after(timeout_ms: u32) -> Self {
        Self {
            at: Instant::now() + Duration::from_millis(u64::from(timeout_ms)),
            timeout_ms,
        }
    }

    /// The time left, or the timeout error once none is.
    pub fn left(&self) -> Result<Duration, TransportError> {
        let left = self.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(TransportError::Timeout(self.timeout_ms))
        } else {
            Ok(left)
        }
    }

    /// Sets the socket's read and write timeouts to the time left.
    pub fn arm(&self, socket: &TcpStream) -> Result<(), TransportError> {
        let left = self.left()?;
        socket
            .set_read_timeout(Some(left))
            .and_then(|()| socket.set_write_timeout(Some(left)))
            .map_err(|e| TransportError::Network(format!("cannot set a timeout: {e}")))
    }

    /// An I/O error as the transport reports it: a timeout, a refused certificate (with
    /// what to do about it), or a network failure in `context`.
    pub fn error(&self, context: &str, e: &io::Error) -> TransportError {
        if matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ) {
            return TransportError::Timeout(self.timeout_ms);
        }
        let tls = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
        match tls {
            Some(rustls::Error::InvalidCertificate(why)) => TransportError::Network(format!(
                "TLS: the server's certificate is not trusted ({why:?}): pass --ca-file with its CA certificate, or --insecure to accept any certificate"
            )),
            Some(other) => TransportError::Network(format!("TLS: {other}")),
            None => TransportError::Network(format!("{context}: {e}")),
        }
    }
}

/// Where a request goes: from its absolute URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `https://`.
    pub tls: bool,
    /// The host to connect to (an IPv6 address without its brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The `Host` header: as the signer saw it (the port only when not the default).
    pub host_header: String,
    /// The request target, `/path?query`.
    pub path_and_query: String,
}

impl Target {
    /// Reads an absolute `http://` or `https://` URL; its authority is checked by the
    /// signer's own [`Endpoint::parse`], so the `Host` sent is the one signed.
    pub fn of(url: &str) -> Result<Self, TransportError> {
        let bad = |why: String| TransportError::Network(format!("cannot send to {url}: {why}"));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("not an absolute URL".into()))?;
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(split);
        let path_and_query = match tail.chars().next() {
            None => "/".to_string(),
            Some('?') => format!("/{tail}"),
            Some(_) => tail.to_string(),
        };
        let endpoint =
            Endpoint::parse(&format!("{scheme}://{authority}/")).map_err(|e| bad(e.to_string()))?;
        let host = endpoint.host();
        Ok(Self {
            tls: endpoint.scheme() == UrlScheme::Https,
            host: host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host)
                .to_string(),
            port: endpoint.effective_port(),
            host_header: endpoint.host_header(),
            path_and_query,
        })
    }
}

/// Headers the transport sets itself; the request's own are not repeated.
const OWN_HEADERS: [&str; 5] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "user-agent",
];

/// The request line and headers, ready to write (the body follows).
pub fn request_head(
    request: &HttpRequest,
    target: &Target,
    user_agent: &str,
) -> Result<Vec<u8>, TransportError> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {user_agent}\r\nConnection: close\r\n",
        request.method.as_str(),
        target.path_and_query,
        target.host_header
    );
    if !request.body.is_empty() || request.method.as_str() == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
    }
    for (name, value) in &request.headers {
        if OWN_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            continue;
        }
        let breaks = |s: &str| s.contains(['\r', '\n']);
        if name.is_empty() || breaks(name) || breaks(value) || name.contains(':') {
            return Err(TransportError::Network(format!(
                "the header {name:?} cannot be sent (line break or ':' in it)"
            )));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    Ok(head.into_bytes())
}

/// Writes the request (head and body).
pub fn write_request<W: Wire>(
    wire: &mut W,
    head: &[u8],
    body: &[u8],
    deadline: &Deadline,
) -> Result<(), TransportError> {
    deadline.arm(wire.socket())?;
    wire.write_all(head)
        .and_then(|()| wire.write_all(body))
        .and_then(|()| wire.flush())
        .map_err(|e| deadline.error("sending the request", &e))
}

/// Reads one answer: informational (1xx) heads skipped, a redirect returned as
/// [`TransportError::Redirect`], the cap applied, the body decoded as `Response.text()`
/// does (UTF-8, a leading BOM dropped, bad bytes replaced).
pub fn read_response<W: Wire>(
    wire: &mut W,
    deadline: &Deadline,
) -> Result<HttpResponse, TransportError> {
    let mut reader = Reader {
        wire,
        deadline,
        buf: Vec::new(),
    };
    let mut response = loop {
        let head = reader.head()?;
        let response = parse_head(&head)?;
        if (100..200).contains(&response.status) && response.status != 101 {
            continue;
        }
        break response;
    };
    if (300..400).contains(&response.status) {
        return Err(TransportError::Redirect {
            status: response.status,
            location: response.header("location").map(str::to_string),
        });
    }
    if response.header("content-length").is_some() && response.content_length().is_none() {
        return Err(TransportError::Network(format!(
            "the answer's Content-Length {:?} is not a number",
            response.header("content-length").unwrap_or_default()
        )));
    }
    // Refused by its declared length before a byte of the body is read.
    response.check_size()?;
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let bytes = if matches!(response.status, 204 | 304) {
        Vec::new()
    } else if chunked {
        reader.chunked()?
    } else if let Some(length) = response.content_length() {
        reader.exactly(length)?
    } else {
        reader.until_closed()?
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    response.body = String::from_utf8_lossy(text).into_owned();
    Ok(response)
}

/// The status line and headers.
fn parse_head(head: &[u8]) -> Result<HttpResponse, TransportError> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n").flat_map(|l| l.split('\n'));
    let status_line = lines.next().unwrap_or_default();
    let bad = || TransportError::Network(format!("not an HTTP answer: {:?}", preview(status_line)));
    let (version, rest) = status_line.split_once(' ').ok_or_else(bad)?;
    if !version.starts_with("HTTP/1.") {
        return Err(bad());
    }
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    let status: u16 = match code.parse() {
        Ok(s) if code.len() == 3 && (100..600).contains(&s) => s,
        _ => return Err(bad()),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            // An obsolete folded line continues the previous header.
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Ok(HttpResponse {
        status,
        reason: reason.trim().to_string(),
        headers,
        body: String::new(),
    })
}

fn preview(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Too large while reading: the cap was reached before the end.
fn cut_at_cap() -> TransportError {
    TransportError::TooLarge {
        limit: MAX_ANSWER_BYTES,
        size: None,
    }
}

/// A buffered reader over the wire that re-arms the deadline before every read.
struct Reader<'a, W: Wire> {
    wire: &'a mut W,
    deadline: &'a Deadline,
    /// Read but not yet consumed.
    buf: Vec<u8>,
}

impl<W: Wire> Reader<'_, W> {
    /// Reads more into the buffer; 0 at the end of the connection. A TLS peer that
    /// closes without `close_notify` ends the connection too (many servers do).
    fn fill(&mut self) -> Result<usize, TransportError> {
        self.deadline.arm(self.wire.socket())?;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.wire.read(&mut chunk) {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(self.deadline.error("reading the answer", &e)),
            }
        }
    }

    /// Takes the first `n` buffered bytes.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let rest = self.buf.split_off(n);
        std::mem::replace(&mut self.buf, rest)
    }

    /// The status line and headers, up to the empty line (consumed, not returned).
    fn head(&mut self) -> Result<Vec<u8>, TransportError> {
        let mut searched = 0;
        loop {
            // The earliest end of the head: CRLF CRLF, or (from a sloppy server) LF LF.
            let rest = &self.buf[searched..];
            let crlf = rest
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|i| (i, 4));
            let lf = rest.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
            let found = match (crlf, lf) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
            .map(|(i, len)| (searched + i, len));
            if let Some((at, len)) = found {
                let head = self.take(at);
                self.take(len);
                return Ok(head);
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(TransportError::Network(format!(
                    "the answer's head is over {MAX_HEAD_BYTES} bytes"
                )));
            }
            searched = self.buf.len().saturating_sub(3);
            if self.fill()? == 0 {
                return Err(TransportError::Network(if self.buf.is_empty() {
                    "the server closed the connection without an answer".to_string()
                } else {
                    format!("the answer ends inside its head ({} bytes)", self.buf.len())
                }));
            }
        }
    }

    /// Exactly `length` bytes (the declared length, already checked against the cap).
    fn exactly(&mut self, length: u64) -> Result<Vec<u8>, TransportError> {
        let length = usize::try_from(length).map_err(|_| cut_at_cap())?;
        while self.buf.len() < length {
            if self.fill()? == 0 {
                return Err(TransportError::Network(format!(
                    "the connection closed after {} of {length} bytes of the answer",
                    self.buf.len()
                )));
            }
        }
        Ok(self.take(length))
    }

    /// Everything until the connection ends, at most the cap.
    fn until_closed(&mut self) -> Result<Vec<u8>, TransportError> {
        loop {
            if self.buf.len() as u64 > MAX_ANSWER_BYTES {
                return Err(cut_at_cap());
            }
            if self.fill()? == 0 {
                return Ok(std::mem::take(&mut self.buf));
            }
        }
    }

    /// One line (without its line break), for the chunked framing.
    fn line(&mut self) -> Result<String, TransportError> {
        loop {
            if let Some(at) = self.buf.iter().position(|b| *b == b'\n') {
                let mut line = self.take(at + 1);
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(TransportError::Network(
                    "a chunk size line is too long".into(),
                ));
            }
            if self.fill()? == 0 {
                return Err(TransportError::Network(
                    "the connection closed inside a chunked answer".into(),
                ));
            }
        }
    }

    /// A chunked body, at most the cap in all.
    fn chunked(&mut self) -> Result<Vec<u8>, TransportError> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let size_text = line.split(';').next().unwrap_or_default().trim();
            let size = u64::from_str_radix(size_text, 16).map_err(|_| {
                TransportError::Network(format!("bad chunk size {:?}", preview(size_text)))
            })?;
            if size == 0 {
                // Trailers, up to the empty line (or the end of the connection).
                while !self.line().unwrap_or_default().is_empty() {}
                return Ok(body);
            }
            if body.len() as u64 + size > MAX_ANSWER_BYTES {
                return Err(cut_at_cap());
            }
            body.extend(self.exactly(size)?);
            if !self.line()?.is_empty() {
                return Err(TransportError::Network(
                    "a chunk does not end where its size says".into(),
                ));
            }
        }
    }
}
