//! Wall-clock helpers: civil-date arithmetic, the formats Phantom writes
//! (`make_time`, RFC 1123 `Date`) and a re-implementation of the two
//! `strptime` patterns pyhantom parses request times with.

use std::time::{SystemTime, UNIX_EPOCH};

/// Real wall clock in milliseconds since the epoch.
pub fn real_now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(_) => 0,
    }
}

/// Real wall clock in microseconds since the epoch.
pub fn real_now_us() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i64,
        Err(_) => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn split_secs(secs: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7); // 1970-01-01 was a Thursday
    (y, mo, d, rem / 3600, (rem % 3600) / 60, rem % 60, weekday)
}

/// pyhantom `make_time`: `%Y-%m-%dT%H:%M:%S.%fZ` (microseconds).
pub fn make_time_us(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    let (y, mo, d, h, mi, s, _) = split_secs(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:06}Z")
}

/// What Describe shows for a stored `make_time` string: pyhantom parses it
/// back with `_get_time` (which drops the fraction) and formats it again,
/// so the microseconds always read `000000`.
pub fn describe_time(stored: &str) -> String {
    match parse_phantom_time(stored) {
        Ok(secs) => make_time_us(secs * 1_000_000),
        Err(_) => stored.to_string(),
    }
}

/// RFC 1123 date as CherryPy's `rfc822.formatdate` writes it.
pub fn http_date_ms(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, wd) = split_secs(ms.div_euclid(1000));
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[wd as usize],
        d,
        MONTHS[(mo - 1) as usize],
        y,
        h,
        mi,
        s
    )
}

#[derive(Clone, Copy)]
enum Tok {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Zone,
    Lit(u8),
}

/// Alternatives of Python 2.7's `_strptime` regexes, in their order.
fn alternatives(t: Tok) -> &'static [&'static str] {
    // Each pattern: 'd' any digit, other chars are classes written as
    // "[ab]" expanded below; we encode as small strings of per-char sets.
    match t {
        Tok::Year => &["dddd"],
        Tok::Month => &["1[0-2]", "0[1-9]", "[1-9]"],
        Tok::Day => &["3[01]", "[12]d", "0[1-9]", "[1-9]", " [1-9]"],
        Tok::Hour => &["2[0-3]", "[0-1]d", "d"],
        Tok::Minute => &["[0-5]d", "d"],
        Tok::Second => &["6[0-1]", "[0-5]d", "d"],
        Tok::Zone | Tok::Lit(_) => &[],
    }
}

/// Expand a tiny pattern ("1[0-2]", "[12]d", "dddd") into per-char sets.
fn pattern_sets(p: &str) -> Vec<Vec<u8>> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'd' => {
                out.push((b'0'..=b'9').collect());
                i += 1;
            }
            b'[' => {
                let mut set = Vec::new();
                i += 1;
                while b[i] != b']' {
                    if i + 2 < b.len() && b[i + 1] == b'-' && b[i + 2] != b']' {
                        set.extend(b[i]..=b[i + 2]);
                        i += 3;
                    } else {
                        set.push(b[i]);
                        i += 1;
                    }
                }
                i += 1;
                out.push(set);
            }
            c => {
                out.push(vec![c]);
                i += 1;
            }
        }
    }
    out
}

fn match_from(toks: &[Tok], s: &[u8], pos: usize, vals: &mut Vec<i64>) -> Option<usize> {
    let Some((&first, rest)) = toks.split_first() else {
        return Some(pos);
    };
    match first {
        Tok::Lit(c) => {
            if pos < s.len() && s[pos].eq_ignore_ascii_case(&c) {
                match_from(rest, s, pos + 1, vals)
            } else {
                None
            }
        }
        Tok::Zone => {
            for z in ["utc", "gmt"] {
                let end = pos + z.len();
                if end <= s.len() && s[pos..end].eq_ignore_ascii_case(z.as_bytes()) {
                    if let Some(e) = match_from(rest, s, end, vals) {
                        return Some(e);
                    }
                }
            }
            None
        }
        _ => {
            for alt in alternatives(first) {
                let sets = pattern_sets(alt);
                let end = pos + sets.len();
                if end > s.len() {
                    continue;
                }
                if sets
                    .iter()
                    .zip(&s[pos..end])
                    .all(|(set, c)| set.contains(c))
                {
                    let digits: String = s[pos..end]
                        .iter()
                        .filter(|c| c.is_ascii_digit())
                        .map(|&c| c as char)
                        .collect();
                    vals.push(digits.parse().unwrap_or(0));
                    if let Some(e) = match_from(rest, s, end, vals) {
                        return Some(e);
                    }
                    vals.pop();
                }
            }
            None
        }
    }
}

fn compile(fmt: &str) -> Vec<Tok> {
    let b = fmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 1 < b.len() {
            out.push(match b[i + 1] {
                b'Y' => Tok::Year,
                b'm' => Tok::Month,
                b'd' => Tok::Day,
                b'H' => Tok::Hour,
                b'M' => Tok::Minute,
                b'S' => Tok::Second,
                _ => Tok::Zone,
            });
            i += 2;
        } else {
            out.push(Tok::Lit(b[i]));
            i += 1;
        }
    }
    out
}

/// Python 2.7 `datetime.strptime(s, fmt)` for the formats pyhantom uses,
/// returning epoch seconds (the zone is always UTC/GMT) or Python's message.
pub fn py_strptime(s: &str, fmt: &str) -> Result<i64, String> {
    let toks = compile(fmt);
    let bytes = s.as_bytes();
    let mut vals = Vec::new();
    let Some(end) = match_from(&toks, bytes, 0, &mut vals) else {
        return Err(format!("time data '{s}' does not match format '{fmt}'"));
    };
    if end != bytes.len() {
        return Err(format!(
            "unconverted data remains: {}",
            String::from_utf8_lossy(&bytes[end..])
        ));
    }
    let (y, mo, d, h, mi, sec) = (vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if y < 1 {
        return Err(format!("year is out of range: {y}"));
    }
    if d > mdays[(mo - 1) as usize] {
        return Err("day is out of range for month".to_string());
    }
    if sec > 59 {
        return Err("second must be in 0..59".to_string());
    }
    Ok(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec)
}

/// pyhantom `_get_time`: `Z` becomes `UTC`, anything from the first `.` on
/// becomes `UTC`, then `%Y-%m-%dT%H:%M:%S%Z`.
pub fn parse_phantom_time(s: &str) -> Result<i64, String> {
    let mut t = s.replace('Z', "UTC");
    if let Some(i) = t.find('.') {
        t.truncate(i);
        t.push_str("UTC");
    }
    py_strptime(&t, "%Y-%m-%dT%H:%M:%S%Z")
}

/// `X-Amz-Date` as pyhantom reads it: `Z` becomes `UTC`, then
/// `%Y%m%dT%H%M%S%Z`.
pub fn parse_amz_date(s: &str) -> Result<i64, String> {
    py_strptime(&s.replace('Z', "UTC"), "%Y%m%dT%H%M%S%Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strptime_like_python() {
        assert_eq!(parse_phantom_time("1970-01-01T00:00:10Z"), Ok(10));
        assert_eq!(parse_phantom_time("1970-1-2T0:0:1Z"), Ok(86401));
        assert_eq!(parse_phantom_time("1970-01-01T00:00:10.123Z"), Ok(10));
        assert_eq!(parse_phantom_time("1970-01-01T00:00:10.5+01:00"), Ok(10));
        assert_eq!(parse_phantom_time("1970-01-01T00:00:10gmt"), Ok(10));
        assert_eq!(
            parse_phantom_time("2024-01-01T00:00:00+00:00").unwrap_err(),
            "time data '2024-01-01T00:00:00+00:00' does not match format '%Y-%m-%dT%H:%M:%S%Z'"
        );
        assert_eq!(
            parse_phantom_time("2024-01-01T00:00:00ZZ").unwrap_err(),
            "unconverted data remains: UTC"
        );
        assert_eq!(
            parse_phantom_time("2024-02-30T00:00:00Z").unwrap_err(),
            "day is out of range for month"
        );
        assert_eq!(
            parse_phantom_time("2024-01-01T00:00:60Z").unwrap_err(),
            "second must be in 0..59"
        );
        assert_eq!(parse_amz_date("19700101T000010Z"), Ok(10));
    }

    #[test]
    fn formats() {
        assert_eq!(make_time_us(1_500_000), "1970-01-01T00:00:01.500000Z");
        assert_eq!(http_date_ms(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            describe_time("2024-03-05T01:02:03.456789Z"),
            "2024-03-05T01:02:03.000000Z"
        );
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(civil_from_days(11017), (2000, 3, 1));
    }
}
