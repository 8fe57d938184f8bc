//! An exact, order-independent sum of decimals.
//!
//! `Decimal + Decimal` rounds when the result needs more than 28 significant digits, so a long
//! sum of 20-decimal products could depend on the order of its terms, and with it on the row
//! order and the chunking. `ExactSum` adds every term as an integer count of 10^-28 in a 256-bit
//! integer: addition is then exact and associative, and the one rounding (if the exact total
//! has more than 28 significant digits) happens once, at the end, on the exact value.

use ethnum::I256;
use rust_decimal::Decimal;

const SCALE: u32 = 28;

/// An exact sum of decimals. Terms are added as a 96-bit integer mantissa and a scale, as a
/// decimal holds them, while that is exact (the sum keeps the larger scale); otherwise the
/// running sum moves into a 256-bit count of 10^-28. Either way the value is exact, so the
/// representation never shows through equality or results.
///
/// The mantissa is kept as its parts (not a `Decimal`, whose every addition unpacks and
/// repacks them, nor an `i128`, which would align the sum to 16 bytes): a sum is 24 bytes,
/// and the 256-bit part is boxed and made only when needed (rarely), as an inventory keeps
/// seven sums per group and millions of groups at 100,000 sites.
#[derive(Clone, Debug, Default)]
pub struct ExactSum {
    /// The mantissa's low 64 bits.
    lo: u64,
    /// Its high bits: the mantissa is `hi x 2^64 + lo`, so within ±2^95.
    hi: i32,
    /// Digits after the point, at most 28.
    scale: u8,
    big: Option<Box<I256>>,
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        self.total() == other.total()
    }
}

impl Eq for ExactSum {}

fn pow10(n: u32) -> I256 {
    let mut p = I256::ONE;
    for _ in 0..n {
        p *= 10;
    }
    p
}

/// 10^0 ..= 10^28.
fn pow10_table() -> &'static [I256; 29] {
    static T: std::sync::OnceLock<[I256; 29]> = std::sync::OnceLock::new();
    T.get_or_init(|| std::array::from_fn(|i| pow10(i as u32)))
}

/// 10^0 ..= 10^9, the powers whose product with a 96-bit mantissa cannot overflow an i128.
const SMALL_POW10: [i128; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// `m x 10^n`, if it fits an i128 (`m` below 2^96 in size).
#[inline]
fn scaled_up(m: i128, n: u32) -> Option<i128> {
    match SMALL_POW10.get(n as usize) {
        // Below 2^96 x 2^30: no overflow, and no overflow check.
        Some(&p) => Some(m * p),
        None => m.checked_mul(10i128.checked_pow(n)?),
    }
}

impl ExactSum {
    /// Zero.
    pub const ZERO: ExactSum = ExactSum {
        lo: 0,
        hi: 0,
        scale: 0,
        big: None,
    };

    /// A sum of one term.
    pub fn of(d: Decimal) -> ExactSum {
        let mut s = ExactSum::ZERO;
        // A single decimal is far inside the 256-bit part's range.
        let _ = s.add(d);
        s
    }

    /// The mantissa of the plain part.
    #[inline]
    fn mantissa(&self) -> i128 {
        i128::from(self.hi) << 64 | i128::from(self.lo)
    }

    /// Sets the plain part, if `m` fits it.
    #[inline]
    fn set(&mut self, m: i128, scale: u32) -> bool {
        match i32::try_from(m >> 64) {
            Ok(hi) => {
                (self.lo, self.hi, self.scale) = (m as u64, hi, scale as u8);
                true
            }
            Err(_) => false,
        }
    }

    /// The 256-bit part (zero when there is none).
    fn big(&self) -> I256 {
        self.big.as_deref().copied().unwrap_or(I256::ZERO)
    }

    /// Sets the 256-bit part, dropping the box when it is zero.
    fn set_big(&mut self, v: I256) {
        match &mut self.big {
            _ if v == I256::ZERO => self.big = None,
            Some(b) => **b = v,
            None => self.big = Some(Box::new(v)),
        }
    }

    /// The exact value of `m x 10^-scale` (|m| below 2^96, scale at most 28), in 10^-28.
    fn wide(m: i128, scale: u32) -> I256 {
        // |m| < 2^96 and 10^28 < 2^94, so the product fits in 191 bits.
        I256::from(m) * pow10_table()[(SCALE - scale) as usize]
    }

    /// The whole exact value, in 10^-28; saturates only past about 10^48.
    fn total(&self) -> I256 {
        (self.big()).saturating_add(Self::wide(self.mantissa(), u32::from(self.scale)))
    }

    /// Adds a decimal; `None` only past about 10^48 kg.
    #[inline]
    pub fn add(&mut self, d: Decimal) -> Option<()> {
        if d.is_zero() {
            return Some(());
        }
        self.add_parts(d.mantissa(), d.scale())
    }

    /// Adds `m x 10^-scale` (|m| below 2^96, scale at most 28).
    #[inline]
    fn add_parts(&mut self, m: i128, scale: u32) -> Option<()> {
        let (own, own_scale) = (self.mantissa(), u32::from(self.scale));
        if own == 0 && self.set(m, scale) {
            return Some(());
        }
        // Both at the larger scale: exact, and kept when it fits the plain part.
        let sum = if own_scale == scale {
            // Both below 2^96 in size: the sum fits an i128.
            Some((own + m, scale))
        } else if own_scale > scale {
            scaled_up(m, own_scale - scale).and_then(|m| Some((own.checked_add(m)?, own_scale)))
        } else {
            scaled_up(own, scale - own_scale).and_then(|o| Some((o.checked_add(m)?, scale)))
        };
        if let Some((v, s)) = sum {
            if self.set(v, s) {
                return Some(());
            }
        }
        let big = self
            .big()
            .checked_add(Self::wide(own, own_scale))?
            .checked_add(Self::wide(m, scale))?;
        self.set_big(big);
        self.set(0, 0);
        Some(())
    }

    /// Adds `m x 10^-scale` (scale at most 28), an exact value the fast path computed in
    /// wide integers; `None` only past about 10^48 kg.
    pub fn add_scaled(&mut self, m: I256, scale: u32) -> Option<()> {
        // Most values fit the plain part: kept there, the sum stays cheap to add to and read.
        if let Some(v) = i128::try_from(m)
            .ok()
            .filter(|v| v.unsigned_abs() < 1 << 96)
        {
            if scale <= SCALE {
                return self.add_parts(v, scale);
            }
        }
        let p = pow10_table().get(SCALE.checked_sub(scale)? as usize)?;
        let big = self.big().checked_add(m.checked_mul(*p)?)?;
        self.set_big(big);
        Some(())
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &ExactSum) -> Option<()> {
        if other.big.is_some() {
            let big = self.big().checked_add(other.big())?;
            self.set_big(big);
        }
        let m = other.mantissa();
        if m == 0 {
            return Some(());
        }
        self.add_parts(m, u32::from(other.scale))
    }

    /// True when zero.
    pub fn is_zero(&self) -> bool {
        self.total() == I256::ZERO
    }

    /// The sum as a decimal: exact when it has at most 28 significant digits (any realistic
    /// inventory), otherwise rounded half away from zero to the nearest representable value.
    /// `None` if the integer part alone exceeds a 96-bit decimal.
    pub fn value(&self) -> Option<Decimal> {
        if self.big.is_none() {
            return to_decimal(I256::from(self.mantissa()), u32::from(self.scale))
                .map(|d| d.normalize());
        }
        let mut m = (self.big()).checked_add(Self::wide(self.mantissa(), u32::from(self.scale)))?;
        let mut scale = SCALE;
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        if let Some(d) = to_decimal(m, scale) {
            return Some(d);
        }
        // Too many digits: round the exact value once, half away from zero, at the largest
        // scale that fits (rounding digit by digit could round twice).
        for k in 1..=scale {
            let div = pow10_table()[k as usize];
            let (q, r) = (m / div, m % div);
            let q = if r.abs() * 2 >= div {
                q + if m.is_negative() { -1 } else { 1 }
            } else {
                q
            };
            if let Some(d) = to_decimal(q, scale - k) {
                return Some(d);
            }
        }
        None
    }
}

fn to_decimal(m: I256, scale: u32) -> Option<Decimal> {
    let v = i128::try_from(m).ok()?;
    Decimal::try_from_i128_with_scale(v, scale).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn terms_of_any_two_scales_add_and_merge_exactly() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let term = |next: &mut dyn FnMut() -> u64| {
            let r = next();
            // Mantissas up to the 96-bit limit, and small ones; either sign; any scale.
            let m = match r % 3 {
                0 => i128::from(next() % 1_000_000),
                1 => i128::from(next()) << 32 | i128::from(next() >> 32),
                _ => (1i128 << 96) - 1 - i128::from(next() % 1000),
            };
            let m = if r & 8 == 0 { m } else { -m };
            Decimal::from_i128_with_scale(m, ((r >> 8) % 29) as u32)
        };
        for _ in 0..50_000 {
            let (a, b) = (term(&mut next), term(&mut next));
            let mut s = ExactSum::of(a);
            s.add(b).unwrap();
            assert_eq!(
                s.total(),
                ExactSum::wide(a.mantissa(), a.scale()) + ExactSum::wide(b.mantissa(), b.scale()),
                "{a} + {b}"
            );
            // Merged either way round, or added as a scaled wide integer, the same.
            let mut t = ExactSum::of(b);
            t.merge(&ExactSum::of(a)).unwrap();
            assert_eq!(t.total(), s.total(), "{b} merge {a}");
            let mut u = ExactSum::of(a);
            u.add_scaled(I256::from(b.mantissa()), b.scale()).unwrap();
            assert_eq!(u.total(), s.total(), "{a} + scaled {b}");
            if let Some(r) = a
                .checked_add(b)
                .filter(|r| r.scale() == a.scale().max(b.scale()))
            {
                assert_eq!(s.value(), Some(r.normalize()), "{a} + {b}");
            }
        }
    }

    #[test]
    fn a_sum_is_24_bytes() {
        // Seven a group, and millions of groups with many sites.
        assert_eq!(std::mem::size_of::<ExactSum>(), 24);
    }

    #[test]
    fn sums_exactly() {
        let mut s = ExactSum::ZERO;
        for v in ["18296.00000", "5141.64", "0.1", "-0.1"] {
            s.add(d(v)).unwrap();
        }
        assert_eq!(s.value().unwrap().to_string(), "23437.64");
    }

    #[test]
    fn order_does_not_matter_where_decimal_addition_would_round() {
        // Plain Decimal addition loses the tiny terms once the big one is added first.
        let terms = [
            d("1000000000000"),
            d("0.0000000000000000123456789"),
            d("0.0000000000000000123456789"),
        ];
        let mut a = ExactSum::ZERO;
        let mut b = ExactSum::ZERO;
        for t in terms {
            a.add(t).unwrap();
        }
        for t in terms.iter().rev() {
            b.add(*t).unwrap();
        }
        assert_eq!(a, b);
        assert_eq!(a.value(), b.value());
    }

    #[test]
    fn a_sum_too_long_for_a_decimal_rounds_once() {
        // 1e12 + 4.49e-17 needs 30 digits; rounded once it is 1e12, not ...0001 as rounding
        // digit by digit (4.49 -> 4.5 -> 5) would give.
        let mut s = ExactSum::ZERO;
        s.add(d("1000000000000")).unwrap();
        s.add(d("0.0000000000000000449")).unwrap();
        assert_eq!(s.value().unwrap().normalize().to_string(), "1000000000000");
    }

    #[test]
    fn extremes_do_not_panic() {
        let mut s = ExactSum::ZERO;
        for _ in 0..1000 {
            s.add(Decimal::MAX).unwrap();
        }
        assert_eq!(s.value(), None);
        let mut t = ExactSum::ZERO;
        t.add(Decimal::MIN).unwrap();
        assert_eq!(t.value(), Some(Decimal::MIN));
    }
}
