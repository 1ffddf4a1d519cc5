//! Nothing panics on arbitrary bytes: every sample truncated at many points, random byte
//! soup, random mutations of valid answers, hostile nesting; and a 1,000-instance answer
//! parses correctly.

#[path = "support/big_answer.rs"]
mod big_answer;

use std::fs;

use phantom_de::api::action::{
    DescribeAutoScalingGroups, DescribeAutoScalingInstances, DescribeLaunchConfigurations,
    SetDesiredCapacity,
};
use phantom_de::api::client::read_response;
use phantom_de::api::error::parse_error_response;
use phantom_de::api::xml::Element;
use phantom_de::api::HttpResponse;

/// xorshift64*: deterministic, good enough to scatter test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Feeds `body` with several statuses to every reader; only panics count as failures.
fn exercise(body: &str) {
    for status in [200, 400, 403, 500] {
        let r = HttpResponse {
            status,
            reason: "X".into(),
            headers: vec![],
            body: body.to_string(),
        };
        let _ = read_response::<DescribeAutoScalingGroups>(&r);
        let _ = read_response::<DescribeLaunchConfigurations>(&r);
        let _ = read_response::<DescribeAutoScalingInstances>(&r);
        let _ = read_response::<SetDesiredCapacity>(&r);
        let _ = parse_error_response(status, "", &[], body);
    }
    let _ = Element::parse(body);
}

fn samples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/moto");
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "xml") {
            let text = fs::read_to_string(&path).expect("sample");
            let body = text.rfind("-->").map_or(text.as_str(), |i| &text[i + 3..]);
            out.push(body.trim().to_string());
        }
    }
    out
}

#[test]
fn truncated_samples_never_panic() {
    for body in samples() {
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let step = (chars.len() / 97).max(1);
        for &(i, _) in chars.iter().step_by(step) {
            exercise(&body[..i]);
        }
    }
}

#[test]
fn mutated_samples_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let alphabet: Vec<char> = "<>/&;=\"' \n#xX0123456789abcdefABCDEF:!?[]-é😀\u{0}"
        .chars()
        .collect();
    for body in samples() {
        for _ in 0..40 {
            let mut chars: Vec<char> = body.chars().collect();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[rng.below(alphabet.len())],
                    _ => chars.insert(at.min(chars.len()), alphabet[rng.below(alphabet.len())]),
                }
            }
            exercise(&chars.into_iter().collect::<String>());
        }
    }
}

#[test]
fn random_soup_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..3_000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
    let tags = [
        "<a>",
        "</a>",
        "<b/>",
        "&amp;",
        "&#x41;",
        "&#0;",
        "&nope;",
        "<![CDATA[x]]>",
        "<!--c-->",
        "<?pi?>",
        "text",
    ];
    for _ in 0..3_000 {
        let doc: String = (0..rng.below(30))
            .map(|_| tags[rng.below(tags.len())])
            .collect();
        exercise(&doc);
    }
}

#[test]
fn hostile_nesting_is_refused_not_overflowed() {
    let deep = "<a>".repeat(100_000);
    assert!(Element::parse(&deep).is_err());
    let deep_closed = format!("{}{}", "<a>".repeat(5_000), "</a>".repeat(5_000));
    assert!(Element::parse(&deep_closed)
        .unwrap_err()
        .contains("nested deeper"));
}

#[test]
fn a_thousand_instances_parse_correctly() {
    let body = big_answer::describe_groups_answer(1_000);
    let r = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body,
    };
    let groups = read_response::<DescribeAutoScalingGroups>(&r)
        .expect("parses")
        .output;
    let d = &groups[0];
    assert_eq!(d.instances.len(), 1_000);
    assert_eq!(d.instances[999].instance_id, "i-000003e7");
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.availability_zone == "sierra")
            .count(),
        334
    );
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.lifecycle_state == "600-RUNNING")
            .count(),
        250
    );
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.health_status == "Unhealthy")
            .count(),
        250
    );
}
