//! Signs one request described as JSON on stdin and prints it exactly as it would be sent.
//!
//! ```sh
//! cargo run --example sign < request.json
//! ```
//!
//! Input: `{"scheme": "v2-hmac-sha256" | "v2-hmac-sha1" | "v4" | "v4-phantom", "method":
//! "GET" | "POST", "url": "https://host:port/path", "params": [["Action", "…"], …],
//! "access_key": "…", "secret_key": "…", "session_token": null, "region": "us-east-1",
//! "service": "autoscaling", "time": "2026-01-02T03:04:05Z"}`.
//! Output: `{"method": "…", "url": "…", "headers": [["name", "value"], …], "body": "…"}`.
//! With `--debug`, the redacted canonical request and string to sign go to stderr.
//! A malformed input gets a one-line error on stderr and exit code 2.

use std::io::Read as _;
use std::process::ExitCode;

use phantom_de::sign::input::{SentRequest, SigningInput};

fn fail(message: &str) -> ExitCode {
    // One line, whatever the message holds.
    eprintln!("sign: {}", message.replace(['\n', '\r'], " "));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let debug = std::env::args().skip(1).any(|a| a == "--debug");
    let mut text = String::new();
    if let Err(err) = std::io::stdin().read_to_string(&mut text) {
        return fail(&format!("cannot read stdin: {err}"));
    }
    let input: SigningInput = match serde_json::from_str(&text) {
        Ok(input) => input,
        Err(err) => return fail(&format!("malformed input: {err}")),
    };
    let signed = match input.sign() {
        Ok(signed) => signed,
        Err(err) => return fail(&err.to_string()),
    };
    if debug {
        eprintln!("{}", signed.debug);
    }
    match serde_json::to_string(&SentRequest::from(&signed)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => fail(&format!("cannot write output: {err}")),
    }
}
