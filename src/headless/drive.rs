//! One run, as the page drives it (`ui/runner/drive.rs`) minus the browser: the shared
//! client over the native transport and clock, [`crate::engine::run::run`] with the
//! page's plan and options and fresh [`RunControls`], every event to the output and
//! the journal, the signals wired to Stop and "Stop trying", and the progress line
//! redrawn meanwhile. The engine's futures run on `futures::executor::block_on` on this
//! thread; requests and sleeps wake it from their own threads.

use std::cell::RefCell;
use std::convert::Infallible;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use futures::future::{select, Either};

use crate::api::{Client, ClientConfig, Clock};
use crate::engine::journal::{Event, RunReport};
use crate::engine::run::run;
use crate::engine::{Plan, RunControls, RunOptions};
use crate::sign::Credentials;

use super::clock::SystemClock;
use super::output::Output;
use super::random::jitter;
use super::recorder::Recorder;
use super::signals::{listen, RunWatch};
use super::transport::NativeTransport;

/// How often the progress line is redrawn (and the journal file caught up).
pub const TICK_MS: u64 = 250;

/// Everything a run needs.
pub struct Drive {
    /// The client's configuration (direct connection).
    pub config: ClientConfig,
    /// The credentials.
    pub credentials: Credentials,
    /// The transport.
    pub transport: NativeTransport,
    /// The plan.
    pub plan: Plan,
    /// The options.
    pub options: RunOptions,
}

/// Runs `drive` to its end, telling `output` every event; returns the report.
pub fn drive(drive: Drive, output: Output, recorder: Arc<Mutex<Recorder>>) -> RunReport {
    let client = Client::new(
        drive.config,
        drive.credentials,
        drive.transport,
        SystemClock,
        jitter(),
    );
    let controls = RunControls::new();
    let tearing_down = Arc::new(AtomicBool::new(false));
    let output = RefCell::new(output);
    let watch = RunWatch {
        controls: controls.clone(),
        domain: drive.plan.domain().unwrap_or_default(),
        leave_running: drive.options.leave_running,
        tearing_down: Arc::clone(&tearing_down),
        recorder,
    };
    if let Err(e) = listen(watch) {
        output.borrow_mut().message(&format!(
            "warning: signals cannot be caught ({e}): SIGINT ends the process without a teardown"
        ));
    }
    let mut on_event = |event: &Event| {
        if matches!(event, Event::TeardownStarted(_)) {
            tearing_down.store(true, Ordering::SeqCst);
        }
        output.borrow_mut().event(event);
    };
    let report = block_on(async {
        let running = pin!(run(
            &client,
            &drive.plan,
            &drive.options,
            &controls,
            &mut on_event
        ));
        let ticking = pin!(ticks(&output));
        match select(running, ticking).await {
            Either::Left((report, _)) => report,
            Either::Right((never, _)) => match never {},
        }
    });
    output.borrow_mut().finish();
    report
}

/// Redraws the progress line (and catches the journal file up) until dropped.
async fn ticks(output: &RefCell<Output>) -> Infallible {
    loop {
        output.borrow_mut().tick(SystemClock.now_ms());
        SystemClock.sleep(TICK_MS).await;
    }
}
