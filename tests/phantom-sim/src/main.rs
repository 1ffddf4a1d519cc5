//! phantom-sim: a local Phantom-compatible endpoint. See README.md and
//! `phantom-sim --help`.

mod actions;
mod auth;
mod cli;
mod clock;
mod errors;
mod failures;
mod faults;
mod http;
mod input;
mod model;
mod params;
mod server;
mod xml;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

fn fail(msg: &str) -> ! {
    eprintln!("phantom-sim: error: {msg}");
    std::process::exit(2);
}

fn main() {
    let opts = match cli::parse(std::env::args().skip(1).collect()) {
        Ok(cli::Parsed::Help) => {
            print!("{}", cli::HELP);
            return;
        }
        Ok(cli::Parsed::Run(o)) => *o,
        Err(e) => fail(&e),
    };
    if opts.credentials.is_empty() {
        eprintln!("phantom-sim: warning: no --credentials: every signed request fails InvalidClientTokenId");
    }
    let state = match &opts.state {
        Some(p) => server::load_state(p).unwrap_or_else(|e| fail(&e)),
        None => model::State::default(),
    };
    let seed = opts
        .seed
        .unwrap_or_else(|| (clock::real_now_us() as u64) ^ ((std::process::id() as u64) << 32));
    let listener = TcpListener::bind(opts.listen)
        .unwrap_or_else(|e| fail(&format!("cannot listen on {}: {e}", opts.listen)));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("cannot read the bound address: {e}")));

    if let Some(secs) = opts.exit_after {
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs_f64(secs));
            std::process::exit(0);
        });
    }
    if opts.exit_with_stdin {
        std::thread::spawn(|| {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            std::process::exit(0);
        });
    }

    let shared = Arc::new(server::Shared::new(opts, state, seed));
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "phantom-sim listening on http://{addr}");
        let _ = out.flush();
    }
    for conn in listener.incoming() {
        match conn {
            Ok(stream) => {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || server::serve_connection(shared, stream));
            }
            Err(e) => {
                eprintln!("phantom-sim: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
