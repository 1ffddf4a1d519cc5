//! Decimal text → `f64`, correctly rounded, without `str::parse::<f64>`.
//!
//! The standard library's parser carries about 10 KB of tables of powers of five (8 KB
//! of the page's gzip, issue 12). What the app reads is short and tame (a boot time, a
//! metric, a pasted trace, a CSS height), so [`parse_f64`] takes the exact fast path
//! for those (Clinger: at most 2^53 and a power of ten that is itself exact, one rounded
//! operation), and falls back to exact integer arithmetic for anything longer or larger.
//! Either way the result is the one `str::parse::<f64>` gives, bit for bit (host tests
//! compare the two), except that only finite values come back.

/// Exactly representable powers of ten.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `text` as `str::parse::<f64>` reads it — an optional sign, digits with an optional
/// point, an optional exponent (`1`, `-0.5`, `.5`, `2.`, `1e-3`, `+4E2`) — when the value
/// is finite; `None` for anything else (`inf` and `NaN` included, which every caller
/// refuses anyway).
pub fn parse_f64(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // The significant digits (leading zeros dropped) and the power of ten they are
    // scaled by: value = digits × 10^exp10.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut any = false;
    while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
        any = true;
        if !(digits.is_empty() && *d == b'0') {
            digits.push(d - b'0');
        }
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            any = true;
            if !(digits.is_empty() && *d == b'0') {
                digits.push(d - b'0');
            }
            exp10 -= 1;
            i += 1;
        }
    }
    if !any {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let minus = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // Far beyond any finite or non-zero value; saturating keeps it exact enough.
            e = (e * 10 + i64::from(d - b'0')).min(1_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 += if minus { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    let value = magnitude(&digits, exp10)?;
    Some(if negative { -value } else { value })
}

/// digits × 10^exp10, correctly rounded (half to even); `None` when it overflows.
fn magnitude(digits: &[u8], exp10: i64) -> Option<f64> {
    // Trailing zeros only scale.
    let mut digits = digits;
    let mut exp10 = exp10;
    while let Some((0, rest)) = digits.split_last() {
        digits = rest;
        exp10 += 1;
    }
    if digits.is_empty() {
        return Some(0.0);
    }
    let length = digits.len() as i64;
    // Below 10^-325 everything rounds to 0 (the smallest subnormal is 4.9e-324); from
    // 10^310 on everything overflows.
    if length + exp10 <= -325 {
        return Some(0.0);
    }
    if length + exp10 > 310 {
        return None;
    }
    // A value's rounding never needs more than about 770 significant digits (the longest
    // halfway point between two doubles has 767); the rest only says "a bit more".
    const KEEP: usize = 800;
    let (digits, exp10, sticky) = if digits.len() > KEEP {
        (&digits[..KEEP], exp10 + (digits.len() - KEEP) as i64, true)
    } else {
        (digits, exp10, false)
    };
    if digits.len() <= 15 {
        let m = digits.iter().fold(0u64, |m, d| m * 10 + u64::from(*d));
        // Clinger's fast path: both operands exact, so one correctly rounded operation.
        if (0..=22).contains(&exp10) {
            return finite(m as f64 * POW10[exp10 as usize]);
        }
        if (-22..0).contains(&exp10) {
            return Some(m as f64 / POW10[(-exp10) as usize]);
        }
    }
    exact(digits, exp10, sticky)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The slow path: the value as a fraction of big integers, divided to 66 bits and a
/// remainder, then rounded to the precision the exponent leaves (53 bits, fewer for a
/// subnormal). `sticky`: nonzero digits were dropped after `digits`.
fn exact(digits: &[u8], exp10: i64, sticky: bool) -> Option<f64> {
    let mut num = Big::from_digits(digits);
    let mut den = Big::one();
    if exp10 >= 0 {
        num.mul_pow10(exp10 as u32);
    } else {
        den.mul_pow10((-exp10) as u32);
    }
    // Scale by 2^s so that num / den lies in [2^65, 2^67): 66 bits or more of quotient.
    let s = 66 - (num.bits() as i64 - den.bits() as i64);
    if s > 0 {
        num.shl(s as u32);
    } else {
        den.shl((-s) as u32);
    }
    let (q, remainder) = num.div_small_quotient(&den);
    let inexact = remainder || sticky;
    let q_bits = 128 - q.leading_zeros() as i64;
    // value = q × 2^-s (+ a remainder); its binary exponent is that of q's top bit.
    let exponent = q_bits - 1 - s;
    if exponent > 1023 {
        return None;
    }
    // Mantissa bits the exponent leaves: 53, or fewer below 2^-1022 (down to 0).
    let precision = if exponent >= -1022 {
        53
    } else {
        (53 - (-1022 - exponent)).max(0)
    };
    if precision == 0 && exponent < -1075 {
        return Some(0.0);
    }
    let shift = (q_bits - precision) as u32;
    let mut mantissa = q >> shift;
    let rest = q & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rest > half || (rest == half && (inexact || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    // value = mantissa × 2^(shift − s), exactly representable by construction.
    let scale = shift as i64 - s;
    let value = (mantissa as f64) * pow2(scale)?;
    finite(value)
}

/// 2^x as an `f64`, for x from the smallest subnormal's exponent to the largest normal's.
fn pow2(x: i64) -> Option<f64> {
    if (-1022..=1023).contains(&x) {
        Some(f64::from_bits(((x + 1023) as u64) << 52))
    } else if (-1074..-1022).contains(&x) {
        Some(f64::from_bits(1u64 << (x + 1074)))
    } else {
        None
    }
}

/// An unsigned big integer, little-endian 32-bit limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut n = Big(vec![0]);
        for d in digits {
            n.mul_add(10, u32::from(*d));
        }
        n
    }

    /// self = self × m + a.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut e: u32) {
        while e >= 9 {
            self.mul_add(1_000_000_000, 0);
            e -= 9;
        }
        if e > 0 {
            self.mul_add(10u32.pow(e), 0);
        }
    }

    fn bits(&self) -> u32 {
        let top = self.0.iter().rposition(|l| *l != 0);
        top.map_or(0, |t| t as u32 * 32 + (32 - self.0[t].leading_zeros()))
    }

    fn shl(&mut self, n: u32) {
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn compare(&self, other: &Big) -> std::cmp::Ordering {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.trim();
        b.trim();
        a.0.len()
            .cmp(&b.0.len())
            .then_with(|| a.0.iter().rev().cmp(b.0.iter().rev()))
    }

    /// self − other, for self ≥ other.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    /// The quotient self / den, known to be below 2^127, and whether a remainder is left
    /// (schoolbook binary division, one bit at a time: this path is rare).
    fn div_small_quotient(&self, den: &Big) -> (u128, bool) {
        let mut rem = self.clone();
        let mut q = 0u128;
        let top = self.bits().saturating_sub(den.bits()) + 1;
        for bit in (0..top.min(127)).rev() {
            let mut d = den.clone();
            d.shl(bit);
            if rem.compare(&d) != std::cmp::Ordering::Less {
                rem.sub(&d);
                q |= 1u128 << bit;
            }
        }
        (q, rem.bits() > 0)
    }
}
