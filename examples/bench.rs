//! Native timings of the hot paths: one signature per scheme, and reading a 1,000-instance
//! DescribeAutoScalingGroups answer. Prints numbers; asserts nothing.
//!
//! ```sh
//! cargo run --release --example bench
//! ```

#[path = "../tests/support/big_answer.rs"]
mod big_answer;

use std::hint::black_box;
use std::time::Instant;

use phantom_de::api::action::DescribeAutoScalingGroups;
use phantom_de::api::client::read_response;
use phantom_de::api::HttpResponse;
use phantom_de::sign::{
    sign_query, Credentials, Endpoint, Method, QueryRequest, Scheme, SigningContext, SigningTime,
};

fn time_per_op(iterations: u32, mut f: impl FnMut()) -> f64 {
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
            start.elapsed().as_secs_f64() / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let endpoint = Endpoint::parse("https://svc.uc.futuregrid.org:8445/").expect("endpoint");
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .expect("credentials");
    let context = SigningContext {
        time: SigningTime::parse_iso8601("2026-01-02T03:04:05Z").expect("time"),
        region: "us-east-1".into(),
        service: "autoscaling".into(),
    };
    let params: Vec<(String, String)> = [
        ("Action", "CreateAutoScalingGroup"),
        ("Version", "2011-01-01"),
        ("AutoScalingGroupName", "my_domain"),
        ("LaunchConfigurationName", "my_launch_config@hotel"),
        ("MinSize", "0"),
        ("MaxSize", "0"),
        ("AvailabilityZones.member.1", "us-east-1"),
        ("Tags.member.1.Key", "PHANTOM_DEFINITION"),
        ("Tags.member.1.Value", "error_overflow_n_preserving"),
        ("Tags.member.2.Key", "clouds"),
        ("Tags.member.2.Value", "hotel:4,sierra:4"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    println!("{:<44} {:>12}", "operation (native, release)", "per op");
    for scheme in Scheme::ALL {
        let request = QueryRequest {
            method: Method::Post,
            endpoint: &endpoint,
            params: &params,
        };
        let secs = time_per_op(20_000, || {
            black_box(sign_query(scheme, black_box(request), &credentials, &context).ok());
        });
        println!(
            "{:<44} {:>9.2} µs",
            format!("sign {scheme} (11 params, POST)"),
            secs * 1e6
        );
    }
    let response = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body: big_answer::describe_groups_answer(1_000),
    };
    let secs = time_per_op(50, || {
        black_box(read_response::<DescribeAutoScalingGroups>(black_box(&response)).ok());
    });
    println!(
        "{:<44} {:>9.2} ms",
        format!(
            "parse DescribeAutoScalingGroups, 1,000 VMs ({} KB)",
            response.body.len() / 1024
        ),
        secs * 1e3
    );
}
