//! Host-side edge for integration tests: the client runs over the headless runner's own
//! native transport and clock (`phantom_de::headless`), so the tests against the
//! simulator and moto exercise the transport the product ships; [`send_blocking`] is a
//! small blocking HTTP/1.1 exchange for the simulator's control endpoints and raw IAM
//! calls, which are not Auto Scaling requests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use phantom_de::api::{HttpRequest, HttpResponse, TransportError};

// Not every test file uses both.
#[allow(unused_imports)]
pub use phantom_de::headless::clock::SystemClock;
#[allow(unused_imports)]
pub use phantom_de::headless::transport::NativeTransport;

/// The product's native transport with the default TLS settings (the tests talk plain
/// HTTP to 127.0.0.1).
pub fn transport() -> NativeTransport {
    let tls = phantom_de::headless::tls::client_config(&Default::default())
        .expect("the default TLS configuration builds");
    NativeTransport::new(tls)
}

/// `http://host:port/path?query` → (authority, host, port, path and query).
fn split_url(url: &str) -> Result<(String, String, u16, String), TransportError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| TransportError::Network(format!("only http:// URLs: {url}")))?;
    let (authority, target) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse()
                .map_err(|_| TransportError::Network("bad port".into()))?,
        ),
        None => (authority, 80),
    };
    Ok((
        authority.to_string(),
        host.to_string(),
        port,
        target.to_string(),
    ))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        body = &body[line_end + 2..];
        if size == 0 || size > body.len() {
            break;
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or_default();
    }
    out
}

/// Sends one request and reads the whole answer (the connection is closed after it).
pub fn send_blocking(
    request: &HttpRequest,
    host_header: Option<&str>,
) -> Result<HttpResponse, TransportError> {
    let (authority, host, port, target) = split_url(&request.url)?;
    let timeout = Duration::from_millis(u64::from(request.timeout_ms));
    let deadline = Instant::now() + timeout;
    let addr = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| TransportError::Network(e.to_string()))?
        .next()
        .ok_or_else(|| TransportError::Network("no address".into()))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| TransportError::Network(e.to_string()))?;
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method.as_str(),
        host_header.unwrap_or(&authority),
        request.body.len()
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            TransportError::Timeout(request.timeout_ms)
        }
        _ => TransportError::Network(e.to_string()),
    };
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(request.body.as_bytes()).map_err(io)?;
    let _ = stream.shutdown(Shutdown::Write);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(TransportError::Timeout(request.timeout_ms));
        }
        stream.set_read_timeout(Some(left)).map_err(io)?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) => return Err(io(e)),
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            TransportError::Network(format!("incomplete answer ({} bytes)", raw.len()))
        })?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| TransportError::Network(format!("bad status line {status_line:?}")))?;
    let reason = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(HttpResponse {
        status,
        reason,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
