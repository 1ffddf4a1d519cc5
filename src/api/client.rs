//! The Auto Scaling client: signs, sends, reads the answer, retries what is safe to retry,
//! and corrects its clock once when the server says the signature is from another time.

use std::cell::{Cell, RefCell};

use crate::sign::{sign_query, Credentials, Method, QueryRequest, SigningContext, SigningTime};

use super::action::Action;
use super::clock::Clock;
use super::error::{header_request_id, parse_error_response, ApiError, ErrorClass};
use super::profile::ClientConfig;
use super::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use super::xml::Element;

/// The `Accept` header: no `html` and no `*/*`, so Phantom answers errors as plain text.
pub const ACCEPT: &str = "text/xml, application/xml, text/plain";

/// A successful answer: the typed result and the server's request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response<T> {
    /// The typed result.
    pub output: T,
    /// The request id, when the server gave one.
    pub request_id: Option<String>,
}

impl<T> Response<T> {
    /// The same answer with its result turned into another type.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            output: f(self.output),
            request_id: self.request_id,
        }
    }
}

/// What happens after a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Retry after waiting this long.
    RetryAfter(u64),
    /// Retry at once with the clock corrected by this many seconds.
    RetryWithClockOffset(i64),
    /// No more attempts: the error is final.
    GiveUp,
}

/// One attempt of a call, reported as it ends so a step log can show retries live.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The action name.
    pub action: &'static str,
    /// 1 for the first attempt.
    pub number: u32,
    /// When it was sent (ms since the epoch).
    pub started_ms: f64,
    /// How long it took.
    pub duration_ms: f64,
    /// HTTP status, when an answer came.
    pub status: Option<u16>,
    /// `None` on success.
    pub error: Option<ApiError>,
    /// What the client does next (`None` on success).
    pub next: Option<NextStep>,
}

/// An Auto Scaling client over a [`Transport`] and a [`Clock`].
pub struct Client<T, C> {
    config: ClientConfig,
    credentials: Credentials,
    transport: T,
    clock: C,
    /// Seconds to add to the local clock when signing (learned from a clock-skew error).
    clock_offset: Cell<i64>,
    random: RefCell<Box<dyn FnMut() -> f64>>,
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// A client. `random` yields numbers in `[0, 1)` for backoff jitter (the browser
    /// passes `Math.random`, tests a fixed sequence).
    pub fn new(
        config: ClientConfig,
        credentials: Credentials,
        transport: T,
        clock: C,
        random: Box<dyn FnMut() -> f64>,
    ) -> Self {
        Self {
            config,
            credentials,
            transport,
            clock,
            clock_offset: Cell::new(0),
            random: RefCell::new(random),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The clock: the engine schedules with the same one.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The correction applied to the local clock when signing, in seconds.
    pub fn clock_offset_seconds(&self) -> i64 {
        self.clock_offset.get()
    }

    /// Signs, sends and reads `action`, retrying per the policy. `on_attempt` hears about
    /// every attempt as it ends.
    pub async fn call<A: Action>(
        &self,
        action: &A,
        on_attempt: &mut dyn FnMut(&Attempt),
    ) -> Result<Response<A::Output>, ApiError> {
        self.call_with(Call::of(action, A::parse), on_attempt).await
    }

    /// What [`Client::call`] does, for any action described by `call`: the one body the
    /// ten actions share. It is generic only over the result type, and [`Client::send`]
    /// reads every action into one type ([`super::request::Answer`]), so the page links it
    /// once instead of once per action (about 25 KB of `.wasm`, issue 12).
    pub(super) async fn call_with<O>(
        &self,
        call: Call<O>,
        on_attempt: &mut dyn FnMut(&Attempt),
    ) -> Result<Response<O>, ApiError> {
        let policy = self.config.retry;
        let mut number = 0;
        let mut clock_corrected = false;
        loop {
            number += 1;
            let started_ms = self.clock.now_ms();
            let (result, response) = self.attempt(&call, started_ms).await;
            let duration_ms = self.clock.now_ms() - started_ms;
            let report = |error: Option<ApiError>, next: Option<NextStep>| Attempt {
                action: call.name,
                number,
                started_ms,
                duration_ms,
                status: response.as_ref().map(|r| r.status),
                error,
                next,
            };
            let error = match result {
                Ok(output) => {
                    on_attempt(&report(None, None));
                    return Ok(output);
                }
                Err(error) => error.redact(self.credentials_secret()),
            };
            let next = match error.class() {
                ErrorClass::ClockSkew if !clock_corrected => {
                    let server = response.as_ref().and_then(HttpResponse::server_time);
                    match server {
                        Some(server) => {
                            let local = SigningTime::from_unix_millis(self.clock.now_ms());
                            NextStep::RetryWithClockOffset(
                                server.unix_seconds() - local.unix_seconds(),
                            )
                        }
                        None => NextStep::GiveUp,
                    }
                }
                ErrorClass::Retryable if call.repeatable && number < policy.max_attempts => {
                    let random = (self.random.borrow_mut())();
                    NextStep::RetryAfter(policy.backoff_ms(number, random))
                }
                _ => NextStep::GiveUp,
            };
            on_attempt(&report(Some(error.clone()), Some(next.clone())));
            match next {
                NextStep::RetryWithClockOffset(offset) => {
                    clock_corrected = true;
                    self.clock_offset.set(offset);
                }
                NextStep::RetryAfter(wait) => self.clock.sleep(wait).await,
                NextStep::GiveUp => return Err(error),
            }
        }
    }

    fn credentials_secret(&self) -> &str {
        self.credentials.secret_for_redaction()
    }

    /// One attempt: sign with the (corrected) clock, send, read.
    async fn attempt<O>(
        &self,
        call: &Call<O>,
        now_ms: f64,
    ) -> (Result<Response<O>, ApiError>, Option<HttpResponse>) {
        let context = SigningContext {
            time: SigningTime::from_unix_millis(now_ms).offset_by(self.clock_offset.get()),
            region: self.config.region.clone(),
            service: self.config.service.clone(),
        };
        let request = QueryRequest {
            method: self.config.profile.method_for(call.method),
            endpoint: &self.config.endpoint,
            params: &call.params,
        };
        let signed = match sign_query(self.config.scheme, request, &self.credentials, &context) {
            Ok(signed) => signed,
            Err(e) => return (Err(ApiError::Sign(e)), None),
        };
        let mut headers: Vec<(String, String)> = signed
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
            .cloned()
            .collect();
        headers.push(("Accept".to_string(), ACCEPT.to_string()));
        let http = HttpRequest {
            method: signed.method,
            url: self.config.connection.request_url(&signed),
            headers,
            body: signed.body.clone(),
            timeout_ms: self.config.timeout_ms,
        };
        match self.transport.send(http).await {
            Ok(response) => (
                read_response_with(&response, call.name, call.parse),
                Some(response),
            ),
            Err(error) => (Err(transport_error(error)), None),
        }
    }
}

/// One action as [`Client::call_with`] sends it: what it is called, its parameters, how
/// it is sent, whether it may be repeated, and how its answer is read.
pub(super) struct Call<O> {
    pub name: &'static str,
    pub params: Vec<(String, String)>,
    pub method: Method,
    pub repeatable: bool,
    pub parse: fn(&Element) -> Result<O, String>,
}

impl<O> Call<O> {
    /// `action`, its answer read by `parse`.
    pub fn of<A: Action>(action: &A, parse: fn(&Element) -> Result<O, String>) -> Self {
        Call {
            name: A::NAME,
            params: action.params(),
            method: action.method(),
            repeatable: action.repeatable(),
            parse,
        }
    }
}

/// Turns an answer into the typed result or the typed error.
pub fn read_response<A: Action>(response: &HttpResponse) -> Result<Response<A::Output>, ApiError> {
    read_response_with(response, A::NAME, A::parse)
}

/// [`read_response`] for the action called `name`, its result read by `parse`.
fn read_response_with<O>(
    response: &HttpResponse,
    name: &'static str,
    parse: fn(&Element) -> Result<O, String>,
) -> Result<Response<O>, ApiError> {
    response.check_size().map_err(transport_error)?;
    if !(200..300).contains(&response.status) {
        return Err(parse_error_response(
            response.status,
            &response.reason,
            &response.headers,
            &response.body,
        ));
    }
    let expected = format!("{name}Response");
    let unexpected = |detail: String| ApiError::UnexpectedResponse {
        status: response.status,
        expected: expected.clone(),
        detail,
    };
    let root = Element::parse(response.body.trim_start_matches('\u{feff}'))
        .map_err(|e| unexpected(format!("{e} (body starts {:?})", preview(&response.body))))?;
    // AWS and moto wrap the answer in `<ActionResponse>`; Phantom's
    // DescribeAutoScalingInstances uses a bare `<DescribeAutoScalingInstances>` root.
    if root.name != expected && root.name != name {
        if root.name == "ErrorResponse"
            || root.find("Error").is_some() && root.find("Code").is_some()
        {
            return Err(parse_error_response(
                response.status,
                &response.reason,
                &response.headers,
                &response.body,
            ));
        }
        return Err(unexpected(format!("the root element is <{}>", root.name)));
    }
    let output = parse(&root).map_err(unexpected)?;
    let request_id = root
        .find("RequestId")
        .map(|e| e.text.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| header_request_id(&response.headers));
    Ok(Response { output, request_id })
}

fn preview(body: &str) -> String {
    body.chars().take(60).collect()
}

fn transport_error(error: TransportError) -> ApiError {
    match error {
        TransportError::Timeout(ms) => ApiError::Timeout(ms),
        TransportError::Network(detail) => ApiError::Network(detail),
        TransportError::Blocked(detail) => ApiError::Blocked(detail),
        TransportError::Redirect { status, location } => ApiError::Redirect { status, location },
        TransportError::TooLarge { limit, size } => ApiError::TooLarge { limit, size },
        TransportError::Cancelled => ApiError::Cancelled,
    }
}
