//! Our signer against two independent oracles: botocore (randomized V2 and V4 vectors)
//! and a verifier written from PHANTOM.md (V2 SHA256/SHA1 and the Phantom V4 dialect).

#[path = "support/vectors.rs"]
mod vectors;

/// Every vector of `text` must match, there must be at least `min_total`, and at least
/// `min_each` for every listed (scheme, method) combination.
fn assert_vector_file(text: &str, min_total: usize, min_each: usize, schemes: &[&str]) {
    let file = vectors::load(text);
    let n = file.vectors.len();
    assert!(n >= min_total, "{}: only {n} vectors", file.generator);
    for scheme in schemes {
        for method in ["GET", "POST"] {
            let count = file
                .vectors
                .iter()
                .filter(|v| v.input.scheme == *scheme && v.input.method == method)
                .count();
            assert!(
                count >= min_each,
                "{}: only {count} for {scheme} {method}",
                file.generator
            );
        }
    }
    let failures = vectors::check_all(&file, 1);
    assert!(
        failures.is_empty(),
        "{} of {n} differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn botocore_vectors_match_exactly() {
    assert_vector_file(vectors::BOTOCORE, 300, 40, &["v2-hmac-sha256", "v4"]);
}

#[test]
fn phantom_dialect_vectors_match_exactly() {
    assert_vector_file(
        vectors::PHANTOM,
        30,
        5,
        &["v2-hmac-sha256", "v2-hmac-sha1", "v4-phantom"],
    );
}

#[test]
fn a_changed_input_changes_the_request() {
    // Guards against a harness that compares a vector with itself.
    let file = vectors::load(vectors::BOTOCORE);
    let mut vector = file.vectors.into_iter().next().expect("a vector");
    vector.input.secret_key.push('x');
    assert!(vectors::check(&vector).is_err());
}
