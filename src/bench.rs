//! What `scripts/bench` times, shared by the native example and the page: the request every
//! signing benchmark signs, and (wasm only) timing hooks exported to JavaScript (Trunk puts
//! them on `window.wasmBindings`), so signing and parsing are measured inside the real
//! release page. Only pure code is timed; nothing here touches the network.

/// The parameters every signing benchmark signs (the tutorial's CreateAutoScalingGroup).
pub const BENCH_PARAMS: [(&str, &str); 11] = [
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
];

/// The endpoint, credentials and time every signing benchmark uses.
pub const BENCH_ENDPOINT: &str = "https://svc.uc.futuregrid.org:8445/";
/// Access key ID of the benchmark.
pub const BENCH_ACCESS_KEY: &str = "AKIDEXAMPLE";
/// Secret of the benchmark (the AWS documentation's example secret).
pub const BENCH_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// Signing time of the benchmark.
pub const BENCH_TIME: &str = "2026-01-02T03:04:05Z";

#[cfg(target_arch = "wasm32")]
pub use browser::{pde_bench_parse, pde_bench_sign};

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::prelude::*;

    use super::{BENCH_ACCESS_KEY, BENCH_ENDPOINT, BENCH_PARAMS, BENCH_SECRET, BENCH_TIME};
    use crate::api::action::DescribeAutoScalingGroups;
    use crate::api::client::read_response;
    use crate::api::HttpResponse;
    use crate::sign::{
        sign_query, Credentials, Endpoint, Method, QueryRequest, Scheme, SigningContext,
        SigningTime,
    };

    fn now_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    /// Milliseconds per signature of the benchmark's CreateAutoScalingGroup request (11
    /// parameters, POST) in `scheme` (`v2-hmac-sha256`, `v2-hmac-sha1`, `v4`, `v4-phantom`),
    /// best of five rounds of `iterations`; `NaN` for an unknown scheme.
    #[wasm_bindgen]
    pub fn pde_bench_sign(scheme: &str, iterations: u32) -> f64 {
        let (Some(scheme), Ok(endpoint), Ok(credentials), Ok(time)) = (
            Scheme::parse(scheme),
            Endpoint::parse(BENCH_ENDPOINT),
            Credentials::new(BENCH_ACCESS_KEY, BENCH_SECRET, None),
            SigningTime::parse_iso8601(BENCH_TIME),
        ) else {
            return f64::NAN;
        };
        let context = SigningContext {
            time,
            region: "us-east-1".into(),
            service: "autoscaling".into(),
        };
        let params: Vec<(String, String)> = BENCH_PARAMS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let request = QueryRequest {
            method: Method::Post,
            endpoint: &endpoint,
            params: &params,
        };
        best_of_five(iterations, || {
            std::hint::black_box(sign_query(scheme, request, &credentials, &context).ok());
        })
    }

    /// Milliseconds per read of a DescribeAutoScalingGroups answer `xml`, best of five rounds.
    #[wasm_bindgen]
    pub fn pde_bench_parse(xml: &str, iterations: u32) -> f64 {
        let response = HttpResponse {
            status: 200,
            reason: "OK".into(),
            headers: vec![],
            body: xml.to_string(),
        };
        best_of_five(iterations, || {
            std::hint::black_box(read_response::<DescribeAutoScalingGroups>(&response).ok());
        })
    }

    fn best_of_five(iterations: u32, mut f: impl FnMut()) -> f64 {
        let iterations = iterations.max(1);
        for _ in 0..iterations / 10 {
            f();
        }
        (0..5)
            .map(|_| {
                let start = now_ms();
                for _ in 0..iterations {
                    f();
                }
                (now_ms() - start) / f64::from(iterations)
            })
            .fold(f64::INFINITY, f64::min)
    }
}
