//! The native [`Transport`]: each request runs its blocking HTTP/1.1 exchange
//! ([`super::http`], over TCP or rustls) on a thread of its own and hands the answer back
//! through a oneshot channel, so the engine's thread never blocks: the setup's
//! concurrent requests go out together, as the page's do, and Stop is seen at once.
//! Dropping the future (Stop, a lost race) shuts the connection down, which ends the
//! thread's exchange; the answer, if any, is then nobody's.
//!
//! Timeouts, retries, clock correction and error reading are the shared client's
//! ([`crate::api::Client`]); this only moves bytes, like the browser's `fetch`.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::thread;

use futures::channel::oneshot;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::api::{HttpRequest, HttpResponse, Transport, TransportError};

use super::http::{read_response, request_head, write_request, Deadline, Target, Wire};
use super::sequence::{Sequence, Turn};

/// The `User-Agent` the runner sends.
pub const USER_AGENT: &str = concat!("phantom-de-run/", env!("CARGO_PKG_VERSION"));

/// Sends requests over HTTP/1.1 and HTTPS, one connection per request.
#[derive(Clone, Debug)]
pub struct NativeTransport {
    tls: Arc<ClientConfig>,
    sequence: Arc<Sequence>,
}

impl NativeTransport {
    /// A transport whose HTTPS connections use `tls` (see [`super::tls::client_config`]).
    pub fn new(tls: Arc<ClientConfig>) -> Self {
        Self {
            tls,
            sequence: Arc::default(),
        }
    }
}

/// The connection of a request in flight, for its cancellation.
#[derive(Debug, Default)]
struct Cancel {
    state: Mutex<CancelState>,
}

#[derive(Debug, Default)]
struct CancelState {
    cancelled: bool,
    socket: Option<TcpStream>,
}

impl Cancel {
    fn lock(&self) -> std::sync::MutexGuard<'_, CancelState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a handle of `socket` to shut it down; refuses when already cancelled.
    fn register(&self, socket: &TcpStream) -> Result<(), TransportError> {
        let mut state = self.lock();
        if state.cancelled {
            return Err(TransportError::Cancelled);
        }
        state.socket = socket.try_clone().ok();
        Ok(())
    }

    fn cancel(&self) {
        let mut state = self.lock();
        state.cancelled = true;
        if let Some(socket) = state.socket.take() {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Cancels the exchange when the request's future is dropped before its answer.
struct CancelOnDrop(Option<Arc<Cancel>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(cancel) = self.0.take() {
            cancel.cancel();
        }
    }
}

impl Transport for NativeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (answer, answered) = oneshot::channel();
        let cancel = Arc::new(Cancel::default());
        let mut guard = CancelOnDrop(Some(Arc::clone(&cancel)));
        let tls = Arc::clone(&self.tls);
        let sequence = Arc::clone(&self.sequence);
        let ticket = sequence.ticket();
        thread::Builder::new()
            .name("pde-request".into())
            .spawn(move || {
                let turn = Turn::new(&sequence, ticket);
                let _ = answer.send(send_blocking(&request, &tls, &cancel, turn));
            })
            .map_err(|e| TransportError::Network(format!("cannot start a request thread: {e}")))?;
        let result = answered.await.unwrap_or_else(|_| {
            Err(TransportError::Network(
                "the request thread ended without an answer".into(),
            ))
        });
        guard.0 = None;
        result
    }
}

/// One request, blocking: connect (every address of the host in turn), TLS for
/// `https://`, write (in its turn), read, all within the request's timeout.
fn send_blocking(
    request: &HttpRequest,
    tls: &Arc<ClientConfig>,
    cancel: &Cancel,
    turn: Turn<'_>,
) -> Result<HttpResponse, TransportError> {
    let deadline = Deadline::after(request.timeout_ms);
    let target = Target::of(&request.url)?;
    let head = request_head(request, &target, USER_AGENT)?;
    let socket = connect(&target, &deadline)?;
    cancel.register(&socket)?;
    let body = request.body.as_bytes();
    if target.tls {
        let name = ServerName::try_from(target.host.clone()).map_err(|e| {
            TransportError::Network(format!("{} cannot be checked by TLS: {e}", target.host))
        })?;
        let connection = ClientConnection::new(Arc::clone(tls), name)
            .map_err(|e| TransportError::Network(format!("TLS: {e}")))?;
        let mut stream = StreamOwned::new(connection, socket);
        // The handshake before the turn: only the writes wait for each other.
        deadline.arm(&stream.sock)?;
        while stream.conn.is_handshaking() {
            stream
                .conn
                .complete_io(&mut stream.sock)
                .map_err(|e| deadline.error("TLS handshake", &e))?;
        }
        exchange(stream, &head, body, &deadline, turn)
    } else {
        exchange(socket, &head, body, &deadline, turn)
    }
}

/// Writes in its turn, then reads the answer.
fn exchange<W: Wire>(
    mut wire: W,
    head: &[u8],
    body: &[u8],
    deadline: &Deadline,
    mut turn: Turn<'_>,
) -> Result<HttpResponse, TransportError> {
    turn.wait();
    let written = write_request(&mut wire, head, body, deadline);
    turn.written();
    written?;
    read_response(&mut wire, deadline)
}

fn connect(target: &Target, deadline: &Deadline) -> Result<TcpStream, TransportError> {
    let shown = format!("{}:{}", target.host, target.port);
    let addresses: Vec<SocketAddr> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| TransportError::Network(format!("cannot resolve {shown}: {e}")))?
        .collect();
    let mut last = None;
    for address in &addresses {
        match TcpStream::connect_timeout(address, deadline.left()?) {
            Ok(socket) => {
                let _ = socket.set_nodelay(true);
                return Ok(socket);
            }
            Err(e) => last = Some(deadline.error(&format!("cannot connect to {shown}"), &e)),
        }
    }
    Err(last.unwrap_or_else(|| TransportError::Network(format!("{shown} has no address"))))
}
