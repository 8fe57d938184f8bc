//! Exact numbers: the one decimal parser every value goes through, checked arithmetic, and
//! the one place figures are rounded for display.

use rust_decimal::{Decimal, RoundingStrategy};

pub use rust_decimal::Decimal as Dec;

/// Why a text is not an exact decimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumError {
    /// Nothing there.
    Empty,
    /// Not a decimal number.
    Invalid,
    /// Larger than a 96-bit decimal holds (about 7.9e28).
    OutOfRange,
    /// More decimal places than a 96-bit decimal holds exactly (28).
    TooPrecise,
    /// Reads as two different numbers (`1,234` where the comma may be a decimal mark).
    Ambiguous,
}

impl NumError {
    /// A short description for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            NumError::Empty => "a number, not an empty value",
            NumError::Invalid => "a decimal number such as 1204.5 or 9.6552e-05",
            NumError::OutOfRange => "a number smaller than 79,228,162,514,264,337,593,543,950,335",
            NumError::TooPrecise => "a number with at most 28 decimal places and 28 digits in all",
            NumError::Ambiguous => {
                "a number that reads one way only: this file separates fields with `;`, so its \
                 decimal mark is the comma (100,5 is 100.5 and 1.234,5 is 1234.5), and 1,234 or \
                 1.234 could be either a thousand or one; write 1234 or 1,234 as 1234 or 1.234,0"
            }
        }
    }
}

/// Parses a decimal exactly as written: `0.207074288590604` stays that decimal and
/// `9.65519999999227e-05` becomes `0.0000965519999999227`. Surrounding whitespace is ignored;
/// thousands separators, currency signs and letters are refused (callers that accept them
/// strip them first, on purpose).
///
/// ```
/// use ghg::num::{parse_decimal, NumError};
/// assert_eq!(parse_decimal("0.207074288590604").unwrap().to_string(), "0.207074288590604");
/// assert_eq!(parse_decimal("9.65519999999227e-05").unwrap().to_string(), "0.0000965519999999227");
/// assert_eq!(parse_decimal("12,3a"), Err(NumError::Invalid));
/// ```
pub fn parse_decimal(text: &str) -> Result<Decimal, NumError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(NumError::Empty);
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if !is_plain_decimal(mantissa) {
        return Err(NumError::Invalid);
    }
    let m = Decimal::from_str_exact(mantissa).map_err(|_| {
        let int_digits = mantissa
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches(['+', '-', '0'])
            .len();
        if int_digits > 28 {
            NumError::OutOfRange
        } else {
            NumError::TooPrecise
        }
    })?;
    let Some(exp) = exponent else {
        return Ok(m);
    };
    let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 3 {
        return Err(NumError::Invalid);
    }
    let e: i32 = exp.parse().map_err(|_| NumError::Invalid)?;
    scale_by_power_of_ten(m, e).ok_or(if e > 0 {
        NumError::OutOfRange
    } else {
        NumError::TooPrecise
    })
}

/// `[+-]digits[.digits]` with at least one digit.
fn is_plain_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut digits = 0;
    let mut dots = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// `m × 10^e` exactly, or `None` when the result does not fit.
fn scale_by_power_of_ten(m: Decimal, e: i32) -> Option<Decimal> {
    if e >= 0 {
        let mut v = m;
        for _ in 0..e {
            v = v.checked_mul(Decimal::TEN)?;
        }
        Some(v)
    } else {
        let new_scale = m.scale().checked_add(e.unsigned_abs())?;
        if new_scale > 28 {
            // Dropping trailing zeros may bring it into range; otherwise it cannot be exact.
            let n = m.normalize();
            let s = n.scale().checked_add(e.unsigned_abs())?;
            if s > 28 {
                return None;
            }
            let mut r = n;
            r.set_scale(s).ok()?;
            return Some(r);
        }
        let mut r = m;
        r.set_scale(new_scale).ok()?;
        Some(r)
    }
}

/// The shortest exact text of a decimal: no trailing zeros, no exponent (`8850.000` -> `8850`).
pub fn exact_string(v: Decimal) -> String {
    v.normalize().to_string()
}

/// Rounds half away from zero to `dp` places, as the spreadsheets users compare against do,
/// and keeps the trailing zeros (`3` -> `3.00`). The only place figures are rounded.
///
/// ```
/// use ghg::num::{parse_decimal, round_for_display};
/// assert_eq!(round_for_display(parse_decimal("2.675").unwrap(), 2).to_string(), "2.68");
/// assert_eq!(round_for_display(parse_decimal("3").unwrap(), 2).to_string(), "3.00");
/// ```
pub fn round_for_display(v: Decimal, dp: u32) -> Decimal {
    let mut r = v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// Rounded for display with thousands separators: `1234567.891` at 2 dp -> `1,234,567.89`.
pub fn display_grouped(v: Decimal, dp: u32) -> String {
    let s = round_for_display(v, dp).to_string();
    let (sign, body) = match s.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", s.as_str()),
    };
    let (int, frac) = match body.find('.') {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

/// Percentage change from `old` to `new`, rounded half away from zero to `dp` places;
/// `None` when `old` is zero.
pub fn percent_change(old: Decimal, new: Decimal, dp: u32) -> Option<Decimal> {
    if old.is_zero() {
        return None;
    }
    let diff = new.checked_sub(old)?;
    let ratio = diff.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(old)?;
    Some(round_for_display(ratio, dp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn plain_decimals_are_read_exactly() {
        assert_eq!(
            parse_decimal("0.207074288590604").unwrap().to_string(),
            "0.207074288590604"
        );
        assert_eq!(parse_decimal(" 0.50 ").unwrap().to_string(), "0.50");
        assert_eq!(parse_decimal("-12").unwrap(), d("-12"));
        assert_eq!(parse_decimal("+.5").unwrap(), d("0.5"));
    }

    #[test]
    fn exponent_notation_converts_exactly() {
        assert_eq!(
            parse_decimal("9.65519999999227e-05").unwrap().to_string(),
            "0.0000965519999999227"
        );
        assert_eq!(
            parse_decimal("6.90735827342981e-07").unwrap().to_string(),
            "0.000000690735827342981"
        );
        assert_eq!(parse_decimal("1.5E+3").unwrap(), d("1500"));
        assert_eq!(parse_decimal("9e-05").unwrap(), d("0.00009"));
    }

    #[test]
    fn junk_is_refused() {
        for bad in [
            "12,3a", "1,234", "£5", "1.2.3", "e5", "1e", "1e+", "nan", "inf", "--1",
        ] {
            assert_eq!(parse_decimal(bad), Err(NumError::Invalid), "{bad}");
        }
        assert_eq!(parse_decimal("  "), Err(NumError::Empty));
        assert_eq!(parse_decimal("1e9999"), Err(NumError::Invalid));
        assert_eq!(parse_decimal("1e999"), Err(NumError::OutOfRange));
        assert_eq!(parse_decimal("1e40"), Err(NumError::OutOfRange));
        assert_eq!(
            parse_decimal("0.12345678901234567890123456789012"),
            Err(NumError::TooPrecise)
        );
        assert_eq!(parse_decimal("1e-30"), Err(NumError::TooPrecise));
        assert_eq!(
            parse_decimal("123456789012345678901234567890"),
            Err(NumError::OutOfRange)
        );
    }

    #[test]
    fn odd_spellings_are_refused_or_exact() {
        for bad in [
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "\u{2212}5",
            "\u{ff15}",
            "--5",
            "- -5",
            "+-5",
            "(100)",
            "1.234,50",
            "1_000",
            "0x10",
        ] {
            assert_eq!(parse_decimal(bad), Err(NumError::Invalid), "{bad}");
        }
        assert_eq!(parse_decimal(&"9".repeat(60)), Err(NumError::OutOfRange));
        assert_eq!(parse_decimal("1e30"), Err(NumError::OutOfRange));
        assert_eq!(
            parse_decimal("-1e28").unwrap(),
            d("-10000000000000000000000000000")
        );
        assert_eq!(
            parse_decimal(&format!("0.{}1", "0".repeat(27))).unwrap(),
            d("0.0000000000000000000000000001")
        );
    }

    #[test]
    fn display_rounds_half_away_from_zero() {
        assert_eq!(round_for_display(d("2.675"), 2).to_string(), "2.68");
        assert_eq!(round_for_display(d("-2.675"), 2).to_string(), "-2.68");
        assert_eq!(round_for_display(d("3"), 2).to_string(), "3.00");
        assert_eq!(display_grouped(d("1234567.891"), 2), "1,234,567.89");
        assert_eq!(display_grouped(d("-999.995"), 2), "-1,000.00");
        assert_eq!(display_grouped(d("12"), 0), "12");
    }

    #[test]
    fn exact_string_drops_trailing_zeros() {
        assert_eq!(exact_string(d("8850.000")), "8850");
        assert_eq!(exact_string(d("23437.64000")), "23437.64");
    }

    #[test]
    fn percent_change_of_uk_electricity() {
        assert_eq!(
            percent_change(d("0.20705"), d("0.177"), 2)
                .unwrap()
                .to_string(),
            "-14.51"
        );
        assert_eq!(percent_change(Decimal::ZERO, d("1"), 2), None);
    }
}
