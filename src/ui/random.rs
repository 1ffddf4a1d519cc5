//! Random bytes for ids (run ids, the tab id): `crypto.getRandomValues`, which every
//! browser offers in secure and insecure contexts alike. These ids only need to differ
//! between tabs and runs; they guard nothing, so when even that is missing (a browser
//! without Web Crypto) `Math.random` is good enough and nothing fails.

/// `N` random bytes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let from_crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !from_crypto {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// `N` random bytes as `2 × N` lowercase hex digits.
pub fn random_hex<const N: usize>() -> String {
    random_bytes::<N>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
