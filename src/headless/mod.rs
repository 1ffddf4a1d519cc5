//! The headless runner, `phantom-de-run`: the page's engine without a browser, for runs
//! that last longer than a laptop stays awake. A person designs and simulates a run in
//! the page, exports its settings, and runs the same file here: the same plan, the same
//! requests in the same order, the same teardown, the same journal.
//!
//! Native only (never built for wasm32), a front end beside `ui`: it reuses every layer
//! below (settings import and validation, `Plan::from_settings`,
//! `RunOptions::from_settings`, `api::Client`, `engine::run::run`, the step log's lines)
//! and adds only the edges a process needs, one file each:
//!
//! * [`args`]: flags and environment variables, as plain data.
//! * [`inputs`]: settings file + flags + environment → what a run needs, checked as the
//!   page checks before Run; [`shape`]: which shapes run headless; [`secret`]: the
//!   secret key, never shown.
//! * [`transport`] over [`http`] and [`tls`]: HTTP/1.1 and HTTPS, a thread per request,
//!   written in sending order ([`sequence`]);
//!   [`clock`]: the system clock with sleeps on timer threads; [`random`]: jitter.
//! * [`output`]: stdout's log (the page's text lines, or JSON events) and stderr's
//!   messages; [`progress`]: the terminal's progress line; [`recorder`]: the journal and
//!   its file.
//! * [`signals`]: SIGINT/SIGTERM → Stop, ignored, give up; [`exit`]: the exit status.
//! * [`plan_text`]: `--dry-run`'s plan; [`timing`]: `--timing`'s figures.
//! * [`drive`]: one run, start to end.
//!
//! This file is the program: read, check, then plan or run, and say how it ended.

pub mod args;
pub mod clock;
pub mod drive;
pub mod exit;
pub mod http;
pub mod inputs;
pub mod output;
pub mod plan_text;
pub mod progress;
pub mod random;
pub mod recorder;
pub mod secret;
pub mod sequence;
pub mod shape;
pub mod signals;
pub mod timing;
pub mod tls;
pub mod transport;

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::engine::journal::{RunEnd, RunReport};
use crate::report::steplog::end_text;
use crate::settings::io::MAX_IMPORT_BYTES;

use args::{parse_args, Args, Command, Environment, HELP};
use drive::Drive;
use exit::Exit;
use inputs::{apply_overrides, find_secret, prepare, read_engine, InputError, Prepared, Sources};
use output::{LogForm, Output};
use recorder::Recorder;
use secret::SecretText;
use timing::Timing;
use tls::TlsOptions;
use transport::NativeTransport;

/// The program: the exit status for the command line `args` (without the program's
/// name) in the process's environment.
pub fn main_with<I: IntoIterator<Item = String>>(args: I) -> i32 {
    let command = match parse_args(args) {
        Ok(command) => command,
        Err(e) => {
            say(&e.to_string());
            return Exit::BadInput.code();
        }
    };
    match command {
        Command::Help => {
            let _ = io::stdout().write_all(HELP.as_bytes());
            0
        }
        Command::Version => {
            let _ = writeln!(io::stdout(), "phantom-de-run {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Run(args) => run_args(&args, &Environment::from_process()).code(),
    }
}

/// A line of the runner's own on stderr.
fn say(text: &str) {
    let _ = writeln!(io::stderr(), "phantom-de-run: {text}");
}

/// Reads the settings file (`-`: stdin), at most a little over the import's cap (the
/// import then says it is too large).
fn read_text(path: &Path) -> Result<String, InputError> {
    let shown = path.display().to_string();
    let limit = MAX_IMPORT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| InputError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| InputError::Read {
        path: shown,
        detail: "it is not UTF-8 text".into(),
    })
}

/// Everything up to the first request: the settings read and checked, the secret
/// found (not for a dry run), and where the endpoint and credentials came from.
fn check(args: &Args, env: &Environment) -> Result<(Prepared, Sources), InputError> {
    let mut settings = read_engine(&read_text(&args.settings)?, args.domain.as_deref())?;
    let mut sources = apply_overrides(&mut settings, args, env);
    let secret = if args.dry_run {
        None
    } else {
        let (secret, source) = find_secret(args, env, SecretText::read_file)?;
        sources.secret = source;
        secret
    };
    Ok((prepare(settings, secret.as_ref(), args.dry_run)?, sources))
}

/// Checks, then plans (`--dry-run`) or runs; the exit status.
pub fn run_args(args: &Args, env: &Environment) -> Exit {
    let (prepared, sources) = match check(args, env) {
        Ok(checked) => checked,
        Err(e) => {
            say(&e.to_string());
            say("nothing was sent");
            return Exit::BadInput;
        }
    };
    if args.dry_run {
        return dry_run(&prepared);
    }
    let tls_options = TlsOptions {
        insecure: args.insecure || env.insecure,
        ca_file: args.ca_file.clone(),
    };
    let tls = match tls::client_config(&tls_options) {
        Ok(tls) => tls,
        Err(e) => {
            say(&e);
            say("nothing was sent");
            return Exit::BadInput;
        }
    };
    let recorder = match &args.journal {
        Some(path) => Recorder::to_file(path),
        None => Ok(Recorder::in_memory()),
    };
    let recorder = match recorder {
        Ok(recorder) => Arc::new(Mutex::new(recorder)),
        Err(e) => {
            say(&e);
            say("nothing was sent");
            return Exit::BadInput;
        }
    };
    let (Some(config), Some(credentials)) = (prepared.config.clone(), prepared.credentials.clone())
    else {
        say("the endpoint or the credentials are missing; nothing was sent");
        return Exit::BadInput;
    };
    say(&starting(&prepared, &sources));
    if tls_options.insecure && config.endpoint.scheme() == crate::sign::UrlScheme::Https {
        say("warning: any TLS certificate is accepted (--insecure)");
    }
    let form = if args.json {
        LogForm::Json
    } else {
        LogForm::Text
    };
    let output = Output::new(form, !args.no_progress, Arc::clone(&recorder));
    let report = drive::drive(
        Drive {
            config,
            credentials,
            transport: NativeTransport::new(tls),
            plan: prepared.plan,
            options: prepared.options,
        },
        output,
        Arc::clone(&recorder),
    );
    let exit = Exit::of(&report);
    say(&ending(&report, exit));
    if args.timing {
        let recorder = recorder.lock().unwrap_or_else(|p| p.into_inner());
        for line in Timing::of(recorder.events()).lines() {
            say(&line);
        }
    }
    exit
}

/// The first line on stderr: what runs where, and where each value came from (the
/// access key ID is not secret; the secret is only said to be set).
fn starting(p: &Prepared, sources: &Sources) -> String {
    let s = &p.settings;
    format!(
        "running domain {} on {} (endpoint from the {}; access key {} from the {}; secret key from the {}); {} requests planned, {} timed steps; SIGINT or SIGTERM stops",
        p.plan.domain().unwrap_or_default(),
        s.endpoint.url.trim(),
        sources.url.label(),
        s.credentials.access_key_id,
        sources.access_key.label(),
        sources.secret.label(),
        p.plan.requests.len(),
        p.plan.schedule.len(),
    )
}

/// The last line on stderr: how the run ended and what that means for the capacity.
fn ending(report: &RunReport, exit: Exit) -> String {
    let end = end_text(&report.end);
    let teardown = report
        .teardown
        .as_ref()
        .map(|t| format!("; teardown: {}", t.label(0)))
        .unwrap_or_default();
    let running = match (exit, &report.end) {
        (Exit::MayBeRunning, _) => "; CAPACITY MAY BE RUNNING",
        (_, RunEnd::Completed) if report.capacity_may_be_running() => {
            "; the final capacity is running, as planned"
        }
        _ => "",
    };
    format!("run {end}{teardown}{running} (exit status {})", exit.code())
}

/// `--dry-run`: the plan on stdout, what a run would still need on stderr.
fn dry_run(p: &Prepared) -> Exit {
    let mut stdout = io::stdout().lock();
    for line in plan_text::plan_lines(&p.plan) {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = stdout.flush();
    for problem in &p.missing {
        say(&format!("a run would need {problem}"));
    }
    say("dry run: nothing was sent");
    Exit::Completed
}
