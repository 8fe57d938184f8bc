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

/// An exact sum of decimals. Terms are added as plain decimals while that is exact (the
/// result keeps the larger scale: `Decimal` only drops scale when it must round); otherwise the
/// running sum moves into a 256-bit count of 10^-28. Either way the value is exact, so the
/// representation never shows through equality or results.
///
/// The 256-bit part is boxed and made only when needed (rarely): an inventory keeps seven sums
/// per group and millions of groups at 100,000 sites, and an inline `I256` made each sum 48
/// bytes instead of 24.
#[derive(Clone, Debug, Default)]
pub struct ExactSum {
    fast: Decimal,
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

impl ExactSum {
    /// Zero.
    pub const ZERO: ExactSum = ExactSum {
        fast: Decimal::ZERO,
        big: None,
    };

    /// A sum of one term.
    pub fn of(d: Decimal) -> ExactSum {
        ExactSum { fast: d, big: None }
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

    /// The exact value of one decimal, in 10^-28.
    fn wide(d: Decimal) -> I256 {
        let m = I256::from(d.mantissa());
        // |mantissa| < 2^96 and 10^28 < 2^94, so the product fits in 191 bits.
        m * pow10_table()[(SCALE - d.scale()) as usize]
    }

    /// The whole exact value, in 10^-28; saturates only past about 10^48.
    fn total(&self) -> I256 {
        self.big().saturating_add(Self::wide(self.fast))
    }

    /// Adds a decimal; `None` only past about 10^48 kg.
    pub fn add(&mut self, d: Decimal) -> Option<()> {
        // The common cases without the general decimal addition (most gas parts and market
        // figures are zero; most terms share their scale). The decimal part's scale is never
        // read (values are normalised), so adding zero may leave it as it was.
        if d.is_zero() {
            return Some(());
        }
        if self.fast.is_zero() {
            self.fast = d;
            return Some(());
        }
        if self.fast.scale() == d.scale() {
            // Both mantissas are below 2^96, so their sum fits an i128.
            let m = self.fast.mantissa() + d.mantissa();
            if let Ok(r) = Decimal::try_from_i128_with_scale(m, d.scale()) {
                self.fast = r;
                return Some(());
            }
        }
        if let Some(r) = self.fast.checked_add(d) {
            if r.scale() == self.fast.scale().max(d.scale()) {
                self.fast = r;
                return Some(());
            }
        }
        let big = self
            .big()
            .checked_add(Self::wide(self.fast))?
            .checked_add(Self::wide(d))?;
        self.set_big(big);
        self.fast = Decimal::ZERO;
        Some(())
    }

    /// Adds `m x 10^-scale` (scale at most 28), an exact value the fast path computed in
    /// wide integers; `None` only past about 10^48 kg.
    pub fn add_scaled(&mut self, m: I256, scale: u32) -> Option<()> {
        // Most values fit a decimal: kept there, the sum stays cheap to add to and to read.
        if let Some(d) = i128::try_from(m)
            .ok()
            .and_then(|v| Decimal::try_from_i128_with_scale(v, scale).ok())
        {
            return self.add(d);
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
        self.add(other.fast)
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
            return Some(self.fast.normalize());
        }
        let mut m = self.big().checked_add(Self::wide(self.fast))?;
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
    fn terms_of_any_two_scales_add_exactly() {
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
                ExactSum::wide(a) + ExactSum::wide(b),
                "{a} + {b}"
            );
            if let Some(r) = a
                .checked_add(b)
                .filter(|r| r.scale() == a.scale().max(b.scale()))
            {
                assert_eq!(s.value(), Some(r.normalize()), "{a} + {b}");
            }
        }
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
