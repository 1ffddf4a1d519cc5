//! Numbers in `[0, 1)` for the client's backoff jitter (the page passes `Math.random`).
//! Only spreads retries out: seeded from the standard library's per-process random
//! hash keys, then xorshift64*; nothing here is used for anything secret.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A jitter source for [`crate::api::Client::new`].
pub fn jitter() -> Box<dyn FnMut() -> f64> {
    let mut state = RandomState::new().build_hasher().finish() | 1;
    Box::new(move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let x = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}
