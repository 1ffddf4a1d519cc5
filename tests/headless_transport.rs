//! The headless runner's native transport and clock against small servers on 127.0.0.1
//! that answer exactly what a test writes: the reason phrase kept (Phantom's error
//! code), chunked and length-framed bodies, 1xx skipped, redirects returned and never
//! followed, the 8 MiB cap by declared length and while reading, the timeout, a closed
//! port, cancellation when the future is dropped, writes in ticket order, and HTTPS
//! with a certificate that is trusted (`--ca-file`), not trusted, or accepted anyway
//! (`--insecure`).

#![cfg(not(target_arch = "wasm32"))]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use futures::future::{select, Either};
use phantom_de::api::transport::MAX_ANSWER_BYTES;
use phantom_de::api::{Clock, HttpRequest, Transport, TransportError};
use phantom_de::headless::clock::SystemClock;
use phantom_de::headless::sequence::{Sequence, Turn};
use phantom_de::headless::tls::{client_config, TlsOptions};
use phantom_de::headless::transport::NativeTransport;
use phantom_de::sign::Method;

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls")
}

fn transport(options: &TlsOptions) -> NativeTransport {
    NativeTransport::new(client_config(options).expect("TLS config"))
}

fn plain() -> NativeTransport {
    transport(&TlsOptions::default())
}

fn get(url: &str, timeout_ms: u32) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: url.to_string(),
        headers: vec![("Accept".into(), "text/plain".into())],
        body: String::new(),
        timeout_ms,
    }
}

/// Reads one request (head and a `Content-Length` body) from `stream`.
fn read_request(stream: &mut impl Read) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            if got.len() >= end + 4 + length {
                return got;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A server that answers each of `answers.len()` connections with its bytes, in turn,
/// and hands back what each request was.
fn serve(answers: Vec<Vec<u8>>) -> (String, thread::JoinHandle<Vec<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let handle = thread::spawn(move || {
        let mut requests = Vec::new();
        for answer in answers {
            let Ok((mut stream, _)) = listener.accept() else {
                break;
            };
            requests.push(read_request(&mut stream));
            let _ = stream.write_all(&answer);
        }
        requests
    });
    (url, handle)
}

#[test]
fn the_reason_phrase_headers_and_body_come_back_and_the_host_is_the_signed_one() {
    let (url, server) = serve(vec![b"HTTP/1.1 400 IncompleteSignature\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nDate: Tue, 24 Nov 2026 16:08:42 GMT\r\n\r\n\xEF\xBB\xBFbad  sign".to_vec()]);
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{url}/"),
        headers: vec![
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Host".into(), "ignored.example".into()),
        ],
        body: "Action=DescribeAutoScalingGroups".into(),
        timeout_ms: 5_000,
    };
    let answer = block_on(plain().send(request)).expect("answered");
    assert_eq!(answer.status, 400);
    assert_eq!(answer.reason, "IncompleteSignature");
    assert_eq!(answer.header("content-type"), Some("text/plain"));
    assert_eq!(answer.body, "bad  sign", "BOM dropped, as Response.text()");
    assert!(answer.server_time().is_some());
    let sent = String::from_utf8(server.join().expect("server").remove(0)).expect("text");
    let host = url.trim_start_matches("http://");
    assert!(sent.starts_with("POST / HTTP/1.1\r\n"), "{sent}");
    assert!(sent.contains(&format!("\r\nHost: {host}\r\n")), "{sent}");
    assert!(!sent.contains("ignored.example"), "{sent}");
    assert!(sent.contains("\r\nConnection: close\r\n"), "{sent}");
    assert!(sent.contains("\r\nContent-Length: 32\r\n"), "{sent}");
    assert!(
        sent.ends_with("\r\n\r\nAction=DescribeAutoScalingGroups"),
        "{sent}"
    );
}

#[test]
fn a_query_string_is_sent_as_the_request_target() {
    let (url, server) = serve(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()
    ]);
    let answer = block_on(plain().send(get(&format!("{url}/?Action=X&Version=1"), 5_000)))
        .expect("answered");
    assert_eq!((answer.status, answer.reason.as_str()), (200, "OK"));
    let sent = String::from_utf8(server.join().expect("server").remove(0)).expect("text");
    assert!(
        sent.starts_with("GET /?Action=X&Version=1 HTTP/1.1\r\n"),
        "{sent}"
    );
    assert!(
        !sent.contains("Content-Length"),
        "a GET carries no body: {sent}"
    );
}

#[test]
fn chunked_answers_and_informational_heads_are_read() {
    let (url, _server) = serve(vec![b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n".to_vec()]);
    let answer = block_on(plain().send(get(&url, 5_000))).expect("answered");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "hello, world");
}

#[test]
fn an_answer_without_length_ends_with_the_connection() {
    let (url, _server) = serve(vec![
        b"HTTP/1.0 500 InternalFailure\r\n\r\nno length here".to_vec()
    ]);
    let answer = block_on(plain().send(get(&url, 5_000))).expect("answered");
    assert_eq!(
        (answer.status, answer.reason.as_str()),
        (500, "InternalFailure")
    );
    assert_eq!(answer.body, "no length here");
}

#[test]
fn a_redirect_is_returned_and_not_followed() {
    let (url, server) = serve(vec![
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"
            .to_vec(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec(),
    ]);
    let error = block_on(plain().send(get(&url, 2_000))).expect_err("a redirect");
    assert_eq!(
        error,
        TransportError::Redirect {
            status: 302,
            location: Some("http://127.0.0.1:1/elsewhere".into())
        }
    );
    // Nothing followed it: unblock the server's second accept ourselves.
    let _ = TcpStream::connect(url.trim_start_matches("http://"));
    assert_eq!(server.join().expect("server").len(), 2);
}

#[test]
fn an_answer_over_the_cap_is_refused_by_its_declared_length() {
    let declared = MAX_ANSWER_BYTES + 1;
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n");
    let (url, _server) = serve(vec![head.into_bytes()]);
    let started = Instant::now();
    let error = block_on(plain().send(get(&url, 10_000))).expect_err("too large");
    assert_eq!(
        error,
        TransportError::TooLarge {
            limit: MAX_ANSWER_BYTES,
            size: Some(declared)
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5), "not read");
}

#[test]
fn an_answer_over_the_cap_is_cut_while_reading() {
    let mut answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    answer.resize(answer.len() + MAX_ANSWER_BYTES as usize + 1024, b'x');
    let (url, _server) = serve(vec![answer]);
    let error = block_on(plain().send(get(&url, 20_000))).expect_err("too large");
    assert_eq!(
        error,
        TransportError::TooLarge {
            limit: MAX_ANSWER_BYTES,
            size: None
        }
    );
}

#[test]
fn no_answer_in_time_is_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let _held = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accepts");
        thread::sleep(Duration::from_secs(3));
        drop(stream);
    });
    let started = Instant::now();
    let error = block_on(plain().send(get(&url, 300))).expect_err("times out");
    assert_eq!(error, TransportError::Timeout(300));
    assert!(started.elapsed() < Duration::from_millis(2_000));
}

#[test]
fn a_closed_port_is_a_network_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let error = block_on(plain().send(get(&format!("http://127.0.0.1:{port}/"), 2_000)))
        .expect_err("refused");
    assert!(
        matches!(&error, TransportError::Network(m) if m.contains("cannot connect")),
        "{error:?}"
    );
}

#[test]
fn dropping_the_request_closes_its_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let closed_after = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&closed_after);
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accepts");
        let _ = read_request(&mut stream);
        let started = Instant::now();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut byte = [0u8; 1];
        let eof = matches!(stream.read(&mut byte), Ok(0));
        *seen.lock().expect("lock") = Some((eof, started.elapsed()));
    });
    let transport = plain();
    block_on(async {
        let request = std::pin::pin!(transport.send(get(&url, 10_000)));
        let stop = std::pin::pin!(SystemClock.sleep(200));
        match select(request, stop).await {
            Either::Left((answer, _)) => panic!("no answer expected: {answer:?}"),
            Either::Right(((), _request)) => {}
        }
    });
    server.join().expect("server");
    let (eof, after) = closed_after
        .lock()
        .expect("lock")
        .expect("the server saw the end");
    assert!(eof, "the connection was closed");
    assert!(after < Duration::from_secs(2), "closed at once: {after:?}");
}

#[test]
fn a_sequence_lets_requests_write_in_ticket_order() {
    let sequence = Arc::new(Sequence::default());
    let tickets: Vec<u64> = (0..5).map(|_| sequence.ticket()).collect();
    let written = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = tickets
        .into_iter()
        .rev()
        .map(|ticket| {
            let sequence = Arc::clone(&sequence);
            let written = Arc::clone(&written);
            thread::spawn(move || {
                let mut turn = Turn::new(&sequence, ticket);
                turn.wait();
                written.lock().expect("lock").push(ticket);
                turn.written();
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    assert_eq!(*written.lock().expect("lock"), [0, 1, 2, 3, 4]);
}

#[test]
fn a_request_whose_predecessor_hangs_waits_only_briefly() {
    let sequence = Sequence::default();
    let _first = sequence.ticket();
    let second = sequence.ticket();
    let started = Instant::now();
    sequence.wait_turn(second);
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn a_dropped_sleep_does_not_hold_up_the_other() {
    let started = Instant::now();
    block_on(async {
        let long = std::pin::pin!(SystemClock.sleep(10_000));
        let short = std::pin::pin!(SystemClock.sleep(50));
        assert!(matches!(select(long, short).await, Either::Right(_)));
    });
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(50) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

/// An HTTPS server on 127.0.0.1 with the test certificate, answering every connection
/// with `answer` (until the test ends).
fn serve_tls(answer: &'static [u8]) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = tls_dir();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .expect("server.pem")
        .collect::<Result<_, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).expect("server.key");
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("address").port();
    thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(stream) = stream else { continue };
            let config = Arc::clone(&config);
            thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(connection) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(connection, stream);
                let _ = read_request(&mut tls);
                let _ = tls.write_all(answer);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

const TLS_ANSWER: &[u8] =
    b"HTTP/1.1 403 InvalidClientTokenId\r\nContent-Length: 9\r\n\r\nover TLS!";

#[test]
fn https_with_the_servers_ca_trusted_works_by_name_and_by_address() {
    let port = serve_tls(TLS_ANSWER);
    let transport = transport(&TlsOptions {
        insecure: false,
        ca_file: Some(tls_dir().join("ca.pem")),
    });
    for host in ["localhost", "127.0.0.1"] {
        let answer = block_on(transport.send(get(&format!("https://{host}:{port}/"), 5_000)))
            .unwrap_or_else(|e| panic!("{host}: {e:?}"));
        assert_eq!(
            (answer.status, answer.reason.as_str(), answer.body.as_str()),
            (403, "InvalidClientTokenId", "over TLS!")
        );
    }
}

#[test]
fn https_with_an_untrusted_certificate_is_refused_saying_what_to_do() {
    let port = serve_tls(TLS_ANSWER);
    let error = block_on(plain().send(get(&format!("https://localhost:{port}/"), 5_000)))
        .expect_err("not trusted");
    let TransportError::Network(message) = &error else {
        panic!("{error:?}");
    };
    assert!(message.contains("not trusted"), "{message}");
    assert!(
        message.contains("--ca-file") && message.contains("--insecure"),
        "{message}"
    );
}

#[test]
fn https_with_insecure_accepts_the_self_made_certificate() {
    let port = serve_tls(TLS_ANSWER);
    let transport = transport(&TlsOptions {
        insecure: true,
        ca_file: None,
    });
    let answer = block_on(transport.send(get(&format!("https://127.0.0.1:{port}/"), 5_000)))
        .expect("accepted");
    assert_eq!(answer.reason, "InvalidClientTokenId");
}

#[test]
fn a_ca_file_without_certificates_is_an_error() {
    let error = client_config(&TlsOptions {
        insecure: false,
        ca_file: Some(tls_dir().join("README.md")),
    })
    .expect_err("no certificate");
    assert!(error.contains("holds no certificate"), "{error}");
    let error = client_config(&TlsOptions {
        insecure: false,
        ca_file: Some(tls_dir().join("missing.pem")),
    })
    .expect_err("missing");
    assert!(error.contains("cannot read the CA file"), "{error}");
}
