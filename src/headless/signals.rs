//! SIGINT and SIGTERM, counted ([`SignalCount`]): the first is Stop (the engine then
//! tears down as the run options say), the second is ignored with a message (the
//! teardown goes on until the server confirms capacity 0), the third gives up: "Stop
//! trying" is pressed, and unless the run ends by itself within [`GIVE_UP_GRACE`] (a
//! teardown waiting between attempts does, an attempt in flight may not) the journal is
//! written as it stands and the process exits at once with status 3, saying capacity
//! may be running.
//!
//! The signals are read on signal-hook's own thread (no code runs inside a signal
//! handler); the buttons it presses ([`RunControls`]) only wake the engine's tasks.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::engine::RunControls;

use super::exit::Exit;
use super::recorder::Recorder;

/// How long a run has to end by itself after the third signal.
pub const GIVE_UP_GRACE: Duration = Duration::from_millis(500);

/// What a signal does, by how many came before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalAction {
    /// The first: Stop.
    Stop,
    /// The second: ignored, with a message.
    Ignore,
    /// The third (and any later): give the teardown up and exit at once.
    GiveUp,
}

/// Counts the signals.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignalCount(u32);

impl SignalCount {
    /// One more signal arrived: what it does.
    pub fn arrived(&mut self) -> SignalAction {
        self.0 = self.0.saturating_add(1);
        match self.0 {
            1 => SignalAction::Stop,
            2 => SignalAction::Ignore,
            _ => SignalAction::GiveUp,
        }
    }
}

/// What the signal thread knows of the run.
#[derive(Clone, Debug)]
pub struct RunWatch {
    /// The run's buttons.
    pub controls: RunControls,
    /// The domain, for the messages.
    pub domain: String,
    /// The settings say to leave the VMs running after a stop.
    pub leave_running: bool,
    /// Set by the runner when a teardown starts.
    pub tearing_down: Arc<AtomicBool>,
    /// The journal, written before an exit at once.
    pub recorder: Arc<Mutex<Recorder>>,
}

/// The message for a signal, and what it presses.
pub fn message(action: SignalAction, name: &str, watch: &RunWatch) -> String {
    let tearing_down = watch.tearing_down.load(Ordering::SeqCst);
    match action {
        SignalAction::Stop if tearing_down => format!(
            "{name}: the teardown of {} is under way and goes on until the server confirms capacity 0; a third signal gives up (capacity may be running)",
            watch.domain
        ),
        SignalAction::Stop if watch.leave_running => format!(
            "{name}: stopping; the VMs of {} are left running, as the settings say",
            watch.domain
        ),
        SignalAction::Stop => format!(
            "{name}: stopping; capacity 0 for {} is pursued until the server confirms it (a second signal is ignored, a third exits at once)",
            watch.domain
        ),
        SignalAction::Ignore => format!(
            "{name} ignored: the run is stopping and its teardown goes on until the server confirms capacity 0; send a third to exit at once (capacity may be running)"
        ),
        SignalAction::GiveUp => format!(
            "{name}: giving up the teardown: capacity may be running on {}; check it (or run again) to bring it to 0",
            watch.domain
        ),
    }
}

/// Starts the thread that turns SIGINT and SIGTERM into Stop, a message, and a give-up.
pub fn listen(watch: RunWatch) -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    thread::Builder::new()
        .name("pde-signals".into())
        .spawn(move || {
            let mut count = SignalCount::default();
            for signal in signals.forever() {
                let name = if signal == SIGTERM {
                    "SIGTERM"
                } else {
                    "SIGINT"
                };
                let action = count.arrived();
                say(&message(action, name, &watch));
                match action {
                    SignalAction::Stop => {
                        watch.controls.stop.stop();
                    }
                    SignalAction::Ignore => {}
                    SignalAction::GiveUp => {
                        watch.controls.teardown.stop_trying();
                        thread::sleep(GIVE_UP_GRACE);
                        // Still here: the run did not end by itself.
                        let failure = watch
                            .recorder
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .flush();
                        if let Some(failure) = failure {
                            say(&format!("warning: {failure}"));
                        }
                        say("exiting now; capacity may be running");
                        std::process::exit(Exit::MayBeRunning.code());
                    }
                }
            }
        })?;
    Ok(())
}

/// A message on stderr from the signal thread (over the progress line, if any).
fn say(text: &str) {
    let mut stderr = io::stderr().lock();
    let clear = if stderr.is_terminal() {
        "\r\x1b[2K"
    } else {
        ""
    };
    let _ = writeln!(stderr, "{clear}phantom-de-run: {text}");
}
