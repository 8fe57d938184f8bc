//! An exact, order-independent sum of decimals.
//!
//! `Decimal + Decimal` rounds when the result needs more than 28 significant digits, so a long
//! sum of 20-decimal products could depend on the order of its terms, and with it on the row
//! order and the chunking. `ExactSum` adds every term as an integer count of 10^-28 in a 256-bit
//! integer: addition is then exact and associative, and the one rounding (if the exact total
//! has more than 28 significant digits) happens once, at the end, on the exact value.

use ethnum::I256;
use rust_decimal::{Decimal, RoundingStrategy};

const SCALE: u32 = 28;

/// An exact sum of decimals, in units of 10^-28.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExactSum(I256);

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
    pub const ZERO: ExactSum = ExactSum(I256::ZERO);

    /// The exact value of one decimal.
    pub fn of(d: Decimal) -> ExactSum {
        let m = I256::from(d.mantissa());
        // |mantissa| < 2^96 and 10^28 < 2^94, so the product fits in 191 bits.
        ExactSum(m * pow10_table()[(SCALE - d.scale()) as usize])
    }

    /// Adds a decimal; `None` only past about 10^48 kg.
    pub fn add(&mut self, d: Decimal) -> Option<()> {
        self.0 = self.0.checked_add(Self::of(d).0)?;
        Some(())
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &ExactSum) -> Option<()> {
        self.0 = self.0.checked_add(other.0)?;
        Some(())
    }

    /// True when zero.
    pub fn is_zero(&self) -> bool {
        self.0 == I256::ZERO
    }

    /// The sum as a decimal: exact when it has at most 28 significant digits (any realistic
    /// inventory), otherwise rounded half away from zero to the nearest representable value.
    /// `None` if the integer part alone exceeds a 96-bit decimal.
    pub fn value(&self) -> Option<Decimal> {
        let mut m = self.0;
        let mut scale = SCALE;
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        if let Some(d) = to_decimal(m, scale) {
            return Some(d);
        }
        // Too many digits: drop to the largest scale that fits, rounding once.
        while scale > 0 {
            let div = pow10_table()[1];
            let q = m / div;
            let r = m % div;
            let mut rounded = q;
            if r.abs() >= 5 {
                rounded += if m.is_negative() { -1 } else { 1 };
            }
            m = rounded;
            scale -= 1;
            if let Some(d) = to_decimal(m, scale) {
                return Some(
                    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero),
                );
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
