//! Signing vectors shared by the host tests and the browser (wasm) tests.
#![allow(dead_code)]

use phantom_de::sign::input::{SentRequest, SigningInput};
use serde::Deserialize;

/// `tests/data/botocore_vectors.json`: signatures computed by botocore 1.44.8.
pub const BOTOCORE: &str = include_str!("../data/botocore_vectors.json");
/// `tests/data/phantom_vectors.json`: signatures computed by the independent verifier
/// `tests/oracles/phantom_verifier.py`, written from PHANTOM.md.
pub const PHANTOM: &str = include_str!("../data/phantom_vectors.json");

/// One vector file.
#[derive(Deserialize)]
pub struct VectorFile {
    pub generator: String,
    pub vectors: Vec<Vector>,
}

/// One vector: what to sign, the request the oracle expects, and what the oracle signed.
#[derive(Deserialize)]
pub struct Vector {
    pub name: String,
    pub input: SigningInput,
    pub expected: SentRequest,
    pub string_to_sign: String,
    #[serde(default)]
    pub canonical_request: Option<String>,
}

pub fn load(text: &str) -> VectorFile {
    serde_json::from_str(text).expect("vector file parses")
}

/// Signs `vector.input` and compares the request with the oracle's, field by field.
pub fn check(vector: &Vector) -> Result<(), String> {
    let signed = vector
        .input
        .sign()
        .map_err(|e| format!("{}: signing failed: {e}", vector.name))?;
    let sent = SentRequest::from(&signed);
    let mut problems = Vec::new();
    if sent != vector.expected {
        problems.push(format!(
            "request differs\n  ours:   {:?}\n  oracle: {:?}",
            sent, vector.expected
        ));
    }
    // The debug view must show exactly what was signed (it is only redacted when a
    // session token is present).
    if vector.input.session_token.is_none() {
        if signed.debug.string_to_sign != vector.string_to_sign {
            problems.push(format!(
                "string to sign differs\n  ours:   {:?}\n  oracle: {:?}",
                signed.debug.string_to_sign, vector.string_to_sign
            ));
        }
        if let (Some(ours), Some(theirs)) =
            (&signed.debug.canonical_request, &vector.canonical_request)
        {
            if ours != theirs {
                problems.push(format!(
                    "canonical request differs\n  ours:   {ours:?}\n  oracle: {theirs:?}"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", vector.name, problems.join("\n")))
    }
}

/// Checks every vector of a file (or every `step`-th one) and returns the failures.
pub fn check_all(file: &VectorFile, step: usize) -> Vec<String> {
    file.vectors
        .iter()
        .step_by(step.max(1))
        .filter_map(|v| check(v).err())
        .collect()
}
