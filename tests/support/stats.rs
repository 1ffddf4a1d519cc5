//! What the browser benchmarks print: the page's clock, medians and 95th percentiles.
#![allow(dead_code)]

/// `performance.now()`, in ms.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance")
        .now()
}

/// The median of `xs` (not empty).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The 95th percentile of `xs` (not empty).
pub fn p95(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[(xs.len() * 95).div_ceil(100).saturating_sub(1)]
}
