//! A small HTTP/1.1 server side: request parsing with keep-alive,
//! `Content-Length` and chunked bodies, `Expect: 100-continue`; responses
//! always carry `Content-Length`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Raw path as sent (before `?`).
    pub path: String,
    /// Raw query string as sent (after the first `?`, without it).
    pub query: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Case-insensitive header lookup; the last occurrence wins.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn keep_alive(&self) -> bool {
        let conn = self.header("Connection").unwrap_or("").to_ascii_lowercase();
        if self.version == "HTTP/1.0" {
            conn.split(',').any(|t| t.trim() == "keep-alive")
        } else {
            !conn.split(',').any(|t| t.trim() == "close")
        }
    }
}

pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, reason: &str, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            reason: reason.to_string(),
            headers: vec![("Content-Type".to_string(), content_type.to_string())],
            body,
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
}

#[derive(Debug)]
pub enum ReadError {
    /// Connection closed cleanly before a request started.
    Closed,
    Io,
    /// Malformed request: answer 400 and close.
    Bad(String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

fn read_line(
    r: &mut BufReader<TcpStream>,
    budget: &mut usize,
) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(ReadError::Bad("header section too large".into()));
    }
    *budget -= n;
    if buf.last() != Some(&b'\n') {
        return Err(ReadError::Bad("unexpected end of request".into()));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Read one request. `Ok(None)`-like clean closes come back as `Closed`.
pub fn read_request(r: &mut BufReader<TcpStream>, w: &mut TcpStream) -> Result<Request, ReadError> {
    let mut budget = MAX_HEADER_BYTES;
    // Skip empty lines before a request line (RFC 9112 §2.2 leniency).
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Err(ReadError::Closed),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(format!("malformed request line {line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad(format!("unsupported version {version:?}")));
    }
    // Absolute-form targets keep only their path and query.
    let target = match target.find("://") {
        Some(i) => {
            let rest = &target[i + 3..];
            match rest.find('/') {
                Some(j) => &rest[j..],
                None => "/",
            }
        }
        None => target,
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(ReadError::Bad("unexpected end of headers".into()));
        };
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(ReadError::Bad(format!("malformed header line {l:?}")));
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };
    let chunked = req
        .header("Transfer-Encoding")
        .map(|v| v.to_ascii_lowercase().contains("chunked"))
        .unwrap_or(false);
    let length = match req.header("Content-Length") {
        Some(v) if !chunked => Some(
            v.trim()
                .parse::<usize>()
                .map_err(|_| ReadError::Bad(format!("bad Content-Length {v:?}")))?,
        ),
        _ => None,
    };
    if length.unwrap_or(0) > MAX_BODY_BYTES {
        return Err(ReadError::Bad("body too large".into()));
    }
    let expects = req
        .header("Expect")
        .map(|v| v.eq_ignore_ascii_case("100-continue"))
        .unwrap_or(false);
    if expects && (chunked || length.unwrap_or(0) > 0) {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    if chunked {
        req.body = read_chunked(r)?;
    } else if let Some(n) = length {
        let mut body = vec![0u8; n];
        r.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(req)
}

fn read_chunked(r: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut budget = MAX_HEADER_BYTES;
    loop {
        let Some(line) = read_line(r, &mut budget)? else {
            return Err(ReadError::Bad("unexpected end of chunked body".into()));
        };
        let size_str = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_str, 16)
            .map_err(|_| ReadError::Bad(format!("bad chunk size {size_str:?}")))?;
        if size == 0 {
            // Trailers until the blank line.
            loop {
                match read_line(r, &mut budget)? {
                    None => return Ok(body),
                    Some(l) if l.is_empty() => return Ok(body),
                    Some(_) => {}
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(ReadError::Bad("body too large".into()));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Bad("chunk not followed by CRLF".into()));
        }
    }
}

/// Write a response; `head_only` omits the body (HEAD) but keeps the length.
pub fn write_response(
    w: &mut TcpStream,
    resp: &Response,
    close: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, resp.reason);
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}
