//! Numbers as the user typed them.
//!
//! A form field holds text, and "abc", "-3" or "2.5" must reach validation as they are so
//! the message can say exactly what is wrong. [`NumText`] keeps that text; in JSON it is
//! written as a number whenever it is one (`"max_vms": 4`), and import accepts a number
//! or a string.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text of a numeric field, unparsed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NumText(pub String);

impl NumText {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<u32> for NumText {
    fn from(n: u32) -> Self {
        Self(n.to_string())
    }
}

impl From<&str> for NumText {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

impl fmt::Display for NumText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `digits[.digits]` with an optional leading `-`: the only text written as a JSON float.
fn plain_decimal(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

impl Serialize for NumText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0.trim();
        if t == self.0 && t.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            if let Ok(i) = t.parse::<i64>() {
                // Only when the text is exactly the number (no leading zeros, no "+").
                if i.to_string() == t {
                    return s.serialize_i64(i);
                }
            }
        }
        if t == self.0 && plain_decimal(t) {
            if let Some(f) = super::float::parse_f64(t) {
                if f.to_string() == t {
                    return s.serialize_f64(f);
                }
            }
        }
        s.serialize_str(&self.0)
    }
}

struct NumTextVisitor;

impl Visitor<'_> for NumTextVisitor {
    type Value = NumText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumText, E> {
        Ok(NumText(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumText, E> {
        Ok(NumText(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumText, E> {
        Ok(NumText(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NumText, E> {
        Ok(NumText(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for NumText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumTextVisitor)
    }
}

/// Why a number field's text is not acceptable (the caller adds the field's label).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumError {
    /// Nothing typed.
    #[error("is required")]
    Empty,
    /// A minus sign.
    #[error("cannot be negative")]
    Negative,
    /// A fraction where a whole number is needed.
    #[error("must be a whole number")]
    Fraction,
    /// More than millisecond precision in a time.
    #[error("cannot be more precise than a millisecond (3 decimals)")]
    TooPrecise,
    /// Not a number at all (the text, shortened).
    #[error("must be a number, not \"{0}\"")]
    NotANumber(String),
    /// Above the limit.
    #[error("must be at most {0}")]
    TooLarge(String),
    /// Below the limit.
    #[error("must be at least {0}")]
    TooSmall(String),
}

fn shorten(t: &str) -> String {
    let mut s: String = t.chars().filter(|c| !c.is_control()).take(16).collect();
    if t.chars().count() > 16 {
        s.push('…');
    }
    s
}

/// Digits with at most one decimal point (no sign, no exponent, no `NaN`/`inf`).
fn unsigned_decimal(t: &str) -> bool {
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    (!whole.is_empty() || !frac.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a whole number in `min..=max`.
pub fn parse_int(text: &NumText, min: u32, max: u32) -> Result<u32, NumError> {
    let t = text.0.trim();
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    let body = t.strip_prefix('+').unwrap_or(t);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return match body.parse::<u64>() {
            Ok(n) if n > u64::from(max) => Err(NumError::TooLarge(max.to_string())),
            Ok(n) if n < u64::from(min) => Err(NumError::TooSmall(min.to_string())),
            Ok(n) => u32::try_from(n).map_err(|_| NumError::TooLarge(max.to_string())),
            // Only digits, yet not a u64: more than 20 digits.
            Err(_) => Err(NumError::TooLarge(max.to_string())),
        };
    }
    if t.strip_prefix('-').is_some_and(unsigned_decimal) {
        return Err(NumError::Negative);
    }
    if unsigned_decimal(body) {
        return Err(NumError::Fraction);
    }
    Err(NumError::NotANumber(shorten(t)))
}

/// Parses a time in seconds (up to 3 decimals) into milliseconds, in `0..=max_ms`.
pub fn parse_seconds_ms(text: &NumText, min_ms: u64, max_ms: u64) -> Result<u64, NumError> {
    let t = text.0.trim();
    let show = |ms: u64| format_seconds(ms);
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !whole.is_empty() && digits(whole) && digits(frac) && !(t.ends_with('.') && frac.is_empty())
    {
        if frac.len() > 3 {
            return Err(NumError::TooPrecise);
        }
        let max_s = max_ms / 1000;
        if whole.len() > 12 {
            return Err(NumError::TooLarge(show(max_ms)));
        }
        let secs: u64 = whole
            .parse()
            .map_err(|_| NumError::TooLarge(show(max_ms)))?;
        if secs > max_s + 1 {
            return Err(NumError::TooLarge(show(max_ms)));
        }
        let mut frac_ms: u64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            frac_ms += u64::from(b - b'0') * [100, 10, 1][i];
        }
        let ms = secs * 1000 + frac_ms;
        if ms > max_ms {
            return Err(NumError::TooLarge(show(max_ms)));
        }
        if ms < min_ms {
            return Err(NumError::TooSmall(show(min_ms)));
        }
        return Ok(ms);
    }
    if t.strip_prefix('-').is_some_and(unsigned_decimal) {
        return Err(NumError::Negative);
    }
    Err(NumError::NotANumber(shorten(t)))
}

/// Parses a finite decimal number (no exponent, no `NaN`/`inf`) in `min..=max`; returns
/// the trimmed text, which is what a tag carries.
pub fn parse_decimal(text: &NumText, min: f64, max: f64) -> Result<(f64, String), NumError> {
    let t = text.0.trim();
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    let body = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || body.ends_with('.') || t.len() > 24 {
        return Err(NumError::NotANumber(shorten(t)));
    }
    let v = super::float::parse_f64(t).ok_or_else(|| NumError::NotANumber(shorten(t)))?;
    if v > max {
        return Err(NumError::TooLarge(max.to_string()));
    }
    if v < min {
        return Err(if min == 0.0 {
            NumError::Negative
        } else {
            NumError::TooSmall(min.to_string())
        });
    }
    Ok((v, t.to_string()))
}

/// `90 s`, `2.5 s`, `2 min 30 s`, `1 h 5 min`, `7 d`: a duration for messages and tables.
pub fn format_seconds(ms: u64) -> String {
    let secs = ms / 1000;
    let rem = ms % 1000;
    if secs < 120 {
        return if rem == 0 {
            format!("{secs} s")
        } else {
            let frac = format!("{rem:03}");
            format!("{secs}.{} s", frac.trim_end_matches('0'))
        };
    }
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || rem > 0 {
        if rem == 0 {
            parts.push(format!("{s} s"));
        } else {
            let frac = format!("{rem:03}");
            parts.push(format!("{s}.{} s", frac.trim_end_matches('0')));
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        let p = |t: &str| parse_int(&NumText::from(t), 1, 1000);
        assert_eq!(p(" 4 "), Ok(4));
        assert_eq!(p(""), Err(NumError::Empty));
        assert_eq!(p("-1"), Err(NumError::Negative));
        assert_eq!(p("2.5"), Err(NumError::Fraction));
        assert_eq!(p("abc"), Err(NumError::NotANumber("abc".into())));
        assert_eq!(p("1001"), Err(NumError::TooLarge("1000".into())));
        assert_eq!(p("0"), Err(NumError::TooSmall("1".into())));
        assert_eq!(
            p("99999999999999999999999"),
            Err(NumError::TooLarge("1000".into()))
        );
        assert_eq!(p("NaN"), Err(NumError::NotANumber("NaN".into())));
    }

    #[test]
    fn seconds() {
        let p = |t: &str| parse_seconds_ms(&NumText::from(t), 0, 604_800_000);
        assert_eq!(p("10"), Ok(10_000));
        assert_eq!(p("2.5"), Ok(2_500));
        assert_eq!(p("0.001"), Ok(1));
        assert_eq!(p("0.0001"), Err(NumError::TooPrecise));
        assert_eq!(p("-3"), Err(NumError::Negative));
        assert_eq!(p("1e3"), Err(NumError::NotANumber("1e3".into())));
        assert_eq!(p("604801"), Err(NumError::TooLarge("7 d".into())));
        assert_eq!(p("5."), Err(NumError::NotANumber("5.".into())));
    }

    #[test]
    fn json_round_trip() {
        let v = serde_json::to_string(&[
            NumText::from("4"),
            NumText::from("0.5"),
            NumText::from("abc"),
            NumText::from("007"),
        ])
        .expect("serialize");
        assert_eq!(v, r#"[4,0.5,"abc","007"]"#);
        let back: Vec<NumText> = serde_json::from_str(&v).expect("parse");
        assert_eq!(back[0].as_str(), "4");
        assert_eq!(back[2].as_str(), "abc");
    }

    #[test]
    fn durations() {
        assert_eq!(format_seconds(90_000), "90 s");
        assert_eq!(format_seconds(2_500), "2.5 s");
        assert_eq!(format_seconds(150_000), "2 min 30 s");
        assert_eq!(format_seconds(604_800_000), "7 d");
    }
}
