//! `settings::float::parse_f64` against the standard library's parser, bit for bit: what
//! the app reads (settings, traces, metrics, CSS heights), the hard cases of correct
//! rounding (halfway points, the subnormal edge, the largest finite values), and many
//! random decimal texts; plus the texts both refuse.

use phantom_de::settings::float::parse_f64;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// What `parse_f64` must give for `text`: std's value when it is finite, else `None`.
fn std_finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn check(text: &str) {
    let ours = parse_f64(text);
    let theirs = std_finite(text);
    assert_eq!(
        ours.map(f64::to_bits),
        theirs.map(f64::to_bits),
        "{text:?}: ours {ours:?}, std {theirs:?}"
    );
}

#[test]
fn what_the_app_reads() {
    for t in [
        "0",
        "1",
        "-1",
        "+1",
        "10",
        "0.5",
        "-0.5",
        ".5",
        "2.",
        "1000",
        "2.75",
        "0.001",
        "123.456",
        "33.5938",
        "512",
        "00012",
        "0.000",
        "-0",
        "-0.0",
        "1e3",
        "1E3",
        "1e-3",
        "4E+2",
        "1.5e2",
        "60",
        "3600",
        "86400",
        "0.1",
        "0.2",
        "0.3",
        "1.1",
        "9007199254740993",
        "3.14159265358979",
    ] {
        check(t);
    }
}

#[test]
fn refused_like_std() {
    for t in [
        "", "-", "+", ".", "-.", "e5", "1e", "1e+", "1e-", "1.2.3", "1,5", " 1", "1 ", "0x10",
        "1_000", "--1", "+-1", "1e5.5", "١", "inf", "-inf", "infinity", "NaN", "nan", "1e400",
        "-1e400", "1.8e308",
    ] {
        check(t);
        assert_eq!(parse_f64(t), None, "{t:?}");
    }
}

#[test]
fn hard_cases_of_rounding() {
    for t in [
        // The largest finite value, and the halfway point above it (rounds to infinity).
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.797693134862315807e308",
        "1.7976931348623159e308",
        // The smallest normal, the largest subnormal, the smallest subnormal and the
        // halfway points beside it.
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "1e-324",
        "3e-324",
        "1e-400",
        // Halfway between two doubles near 1 and 2^53: ties go to even.
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "9007199254740993",
        "9007199254740995",
        "9007199254740993.0000000000000000001",
        // Long texts and big exponents.
        "123456789012345678901234567890",
        "0.000000000000000000000000000000123456789012345678901234567890",
        "1e22",
        "1e23",
        "8.98846567431158e307",
        "7.2057594037927933e16",
        "5e-324",
        "2.225073858507201136057409796709131975934819546351645648e-308",
    ] {
        check(t);
    }
}

#[test]
fn many_random_texts_agree_with_std() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..30_000 {
        let mut t = String::new();
        if r.below(4) == 0 {
            t.push('-');
        }
        let most = if r.below(5) == 0 { 40 } else { 18 };
        let digits = 1 + r.below(most);
        let point = r.below(digits + 2);
        for i in 0..digits {
            if i == point {
                t.push('.');
            }
            // Runs of 9s and 0s reach the roundings' edges more often than uniform digits.
            let d = match r.below(6) {
                0 => 0,
                1 => 9,
                _ => r.below(10),
            };
            t.push(char::from(b'0' + d as u8));
        }
        if r.below(2) == 0 {
            let e = r.below(700) as i64 - 350;
            t.push_str(&format!("e{e}"));
        }
        check(&t);
    }
}

#[test]
fn a_very_long_text_is_read_without_delay() {
    let long = format!("0.{}1e5", "3".repeat(100_000));
    check(&long);
    let ones = "1".repeat(5_000);
    check(&ones);
    check(&format!("{ones}e-5000"));
}
