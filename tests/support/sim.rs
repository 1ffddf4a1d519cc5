//! Starts the local Phantom-compatible endpoint (`phantom-sim`, built from this workspace)
//! on a free 127.0.0.1 port. It stops when the guard drops, and by itself after ten
//! minutes should the test process die.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running simulator.
pub struct Sim {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The simulator binary: `PHANTOM_SIM_BIN`, or `target/debug/phantom-sim`.
pub fn binary() -> String {
    std::env::var("PHANTOM_SIM_BIN").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target").to_string());
        format!("{target}/debug/phantom-sim")
    })
}

/// Starts the simulator with `args` (plus `--listen 127.0.0.1:0 --exit-after 600`).
pub fn start(args: &[&str]) -> Sim {
    let bin = binary();
    assert!(
        std::path::Path::new(&bin).exists(),
        "{bin} not found: build it with `cargo build -p phantom-sim` (scripts/test does)"
    );
    let mut child = Command::new(&bin)
        .args(["--listen", "127.0.0.1:0", "--exit-after", "600"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("phantom-sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("phantom-sim listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Sim { child, url }
}
