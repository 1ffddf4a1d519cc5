//! Native timings of the hot paths: one signature per scheme, and reading a 1,000-instance
//! DescribeAutoScalingGroups answer. Prints numbers; asserts nothing.
//!
//! ```sh
//! cargo run --release --example bench                 # a table
//! cargo run --release --example bench -- --json       # one JSON object (scripts/bench)
//! cargo run --release --example bench -- --write-xml FILE   # the 1,000-instance answer
//! ```

#[path = "../tests/support/big_answer.rs"]
mod big_answer;

use std::hint::black_box;
use std::time::Instant;

use phantom_de::api::action::DescribeAutoScalingGroups;
use phantom_de::api::client::read_response;
use phantom_de::api::HttpResponse;
use phantom_de::bench::{BENCH_ACCESS_KEY, BENCH_ENDPOINT, BENCH_PARAMS, BENCH_SECRET, BENCH_TIME};
use phantom_de::sign::{
    sign_query, Credentials, Endpoint, Method, QueryRequest, Scheme, SigningContext, SigningTime,
};

fn time_per_op_ms(iterations: u32, mut f: impl FnMut()) -> f64 {
    // Warm up, then take the best of five rounds (the least disturbed by other load).
    for _ in 0..iterations / 10 {
        f();
    }
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed().as_secs_f64() * 1e3 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--write-xml") {
        let Some(path) = args.get(i + 1) else {
            eprintln!("bench: --write-xml needs a file");
            std::process::exit(2);
        };
        if let Err(e) = std::fs::write(path, big_answer::describe_groups_answer(1_000)) {
            eprintln!("bench: cannot write {path}: {e}");
            std::process::exit(2);
        }
        return;
    }
    let json = args.iter().any(|a| a == "--json");
    let endpoint = Endpoint::parse(BENCH_ENDPOINT).expect("endpoint");
    let credentials = Credentials::new(BENCH_ACCESS_KEY, BENCH_SECRET, None).expect("credentials");
    let context = SigningContext {
        time: SigningTime::parse_iso8601(BENCH_TIME).expect("time"),
        region: "us-east-1".into(),
        service: "autoscaling".into(),
    };
    let params: Vec<(String, String)> = BENCH_PARAMS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut results: Vec<(String, f64)> = Vec::new();
    for scheme in Scheme::ALL {
        let request = QueryRequest {
            method: Method::Post,
            endpoint: &endpoint,
            params: &params,
        };
        let ms = time_per_op_ms(20_000, || {
            black_box(sign_query(scheme, black_box(request), &credentials, &context).ok());
        });
        results.push((format!("sign_{scheme}"), ms));
    }
    let response = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body: big_answer::describe_groups_answer(1_000),
    };
    let ms = time_per_op_ms(50, || {
        black_box(read_response::<DescribeAutoScalingGroups>(black_box(&response)).ok());
    });
    results.push(("parse_1000_instances".into(), ms));
    if json {
        let fields: Vec<String> = results
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v:.6}"))
            .collect();
        println!("{{{}}}", fields.join(", "));
    } else {
        println!("{:<32} {:>12}", "operation (native, release)", "ms per op");
        for (name, ms) in results {
            println!("{name:<32} {ms:>12.4}");
        }
    }
}
