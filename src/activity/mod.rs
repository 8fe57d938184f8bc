//! Activity data: CSV files of energy, travel, waste, water, refrigerant and spend rows, read
//! as raw records in fixed-size chunks. Turning a record into a typed row (and a bad one into a
//! reject with its reason) happens in the engine, in parallel.

pub mod period;
pub mod read;

pub use period::Period;
pub use read::{Chunk, ChunkReader, Input};

use crate::num::{parse_decimal, NumError};
use rust_decimal::Decimal;

/// The columns `ghg inventory` understands, found by header name (any case, any order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// Factor key, publisher ID or alias.
    pub activity: Option<usize>,
    /// Amount of activity.
    pub quantity: Option<usize>,
    /// Unit of the quantity.
    pub unit: Option<usize>,
    /// Site name or code.
    pub site: Option<usize>,
    /// Period: `2024`, `2024-05`, `2024-05-31`, `2024/25`.
    pub period: Option<usize>,
    /// Invoice or meter reference, carried to the ledger.
    pub reference: Option<usize>,
    /// Supplier, carried to the ledger.
    pub supplier: Option<usize>,
    /// Spend amount.
    pub amount: Option<usize>,
    /// Currency of the amount.
    pub currency: Option<usize>,
    /// Price year of the amount.
    pub price_year: Option<usize>,
    /// Contractual kg CO2e per kWh for market-based scope 2.
    pub market_factor: Option<usize>,
    /// Header names not understood, kept to warn about them.
    pub ignored: Vec<String>,
    /// Header names given twice; the first is read, the rest are kept to warn about them.
    pub duplicates: Vec<String>,
    /// Number of header fields: a row with more non-empty fields is rejected.
    pub width: usize,
}

/// A header name as compared: lower case, trimmed, spaces and hyphens as underscores.
fn header_key(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

impl Columns {
    /// Maps header names to columns. Names are matched case-insensitively after trimming
    /// (and a UTF-8 byte-order mark); a few common synonyms are accepted.
    pub fn from_header(names: &[&str]) -> Columns {
        let mut c = Columns {
            width: names.len(),
            ..Columns::default()
        };
        for (i, raw) in names.iter().enumerate() {
            let name = header_key(raw);
            let slot = match name.as_str() {
                "activity" | "factor" | "factor_key" | "factor_id" | "key" | "activity_key" => {
                    &mut c.activity
                }
                "quantity" | "qty" => &mut c.quantity,
                "unit" | "units" | "uom" | "unit_of_measure" => &mut c.unit,
                "site" | "site_code" | "site_name" | "location" => &mut c.site,
                "period" | "date" | "month" | "year" | "financial_year" | "fy"
                | "reporting_period" => &mut c.period,
                "ref" | "reference" | "invoice" | "invoice_number" | "meter" | "mpan" | "mprn" => {
                    &mut c.reference
                }
                "supplier" | "vendor" => &mut c.supplier,
                "amount" | "spend" | "value_gbp" | "net_amount" => &mut c.amount,
                "currency" => &mut c.currency,
                "price_year" => &mut c.price_year,
                "market_factor" => &mut c.market_factor,
                _ => {
                    if !raw.trim().is_empty() {
                        c.ignored.push(raw.trim().to_string());
                    }
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            } else {
                c.duplicates.push(raw.trim().to_string());
            }
        }
        c
    }

    /// Warnings about the header: columns not read, columns given twice.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.ignored.is_empty() {
            w.push(format!(
                "column(s) not used: {} (known: activity, quantity, unit, site, period, ref, \
                 supplier, amount, currency, price_year, market_factor)",
                self.ignored.join(", ")
            ));
        }
        if !self.duplicates.is_empty() {
            w.push(format!(
                "column(s) given twice, only the first read: {}",
                self.duplicates.join(", ")
            ));
        }
        w
    }

    /// True when a header row names the activity column, so it can be told from a title line.
    pub fn names_activity(names: &[&str]) -> bool {
        Columns::from_header(names).activity.is_some()
    }

    /// What is missing for the file to be read at all, if anything.
    pub fn missing(&self) -> Option<&'static str> {
        if self.activity.is_none() {
            return Some("an `activity` column (a factor key, publisher ID or alias)");
        }
        if self.quantity.is_none() && self.amount.is_none() {
            return Some("a `quantity` column (or `amount` for spend rows)");
        }
        if self.quantity.is_some() && self.unit.is_none() {
            return Some("a `unit` column beside `quantity`");
        }
        None
    }
}

/// A money or quantity cell as people type it: `1234.5`, `1,234.50`, `£1,234.50`, `-£12`.
/// Thousands separators must sit between groups of three digits (`12,3` is refused: it may be a
/// decimal comma). Returns the value and whether it carried a currency sign (`£` or `$`).
pub fn parse_amount(text: &str) -> Result<(Decimal, Option<&'static str>), NumError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    // U+2212 is the minus sign word processors and some exports type for `-`.
    let minus;
    let t = if t.contains('\u{2212}') {
        minus = t.replace('\u{2212}', "-");
        minus.as_str()
    } else {
        t
    };
    let (neg_before, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, t),
    };
    let (currency, rest) = if let Some(r) = rest.strip_prefix('£') {
        (Some("GBP"), r)
    } else if let Some(r) = rest.strip_prefix('$') {
        (Some("USD"), r)
    } else {
        (None, rest)
    };
    let (neg_after, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = if neg_before || neg_after {
        rest
    } else {
        rest.strip_prefix('+').unwrap_or(rest)
    };
    // One sign at most: `--5`, `- -5` and `-£-5` are typing slips, not +5.
    if (neg_before && neg_after) || rest.starts_with(['-', '+']) {
        return Err(NumError::Invalid);
    }
    let neg = neg_before || neg_after;
    if !rest.contains(',') {
        let v = parse_decimal(rest)?;
        return Ok((if neg { -v } else { v }, currency));
    }
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return Err(NumError::Invalid);
    }
    let joined: String = groups.concat() + frac;
    let v = parse_decimal(&joined)?;
    Ok((if neg { -v } else { v }, currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn header_is_case_insensitive_and_order_free() {
        let c = Columns::from_header(&["\u{feff}Unit", " QUANTITY ", "Activity", "Site", "notes"]);
        assert_eq!(
            (c.unit, c.quantity, c.activity, c.site),
            (Some(0), Some(1), Some(2), Some(3))
        );
        assert_eq!(c.ignored, vec!["notes".to_string()]);
        let c = Columns::from_header(&[
            "Activity",
            "Quantity",
            "Unit",
            "Financial Year",
            "Site Name",
            "quantity",
        ]);
        assert_eq!((c.period, c.site), (Some(3), Some(4)));
        assert_eq!(c.duplicates, vec!["quantity".to_string()]);
        assert_eq!(c.warnings().len(), 1);
        assert_eq!(c.missing(), None);
        assert!(Columns::from_header(&["quantity", "unit"])
            .missing()
            .is_some());
    }

    #[test]
    fn amounts_as_people_type_them() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(
            parse_amount("£1,234.50").unwrap(),
            (d("1234.50"), Some("GBP"))
        );
        assert_eq!(parse_amount("1,234,567").unwrap(), (d("1234567"), None));
        assert_eq!(parse_amount("-£12").unwrap(), (d("-12"), Some("GBP")));
        assert_eq!(parse_amount(" 50000 ").unwrap(), (d("50000"), None));
        assert_eq!(parse_amount("12,3a"), Err(NumError::Invalid));
        assert_eq!(parse_amount("12,3"), Err(NumError::Invalid));
        assert_eq!(parse_amount("1,2345"), Err(NumError::Invalid));
        assert_eq!(parse_amount(""), Err(NumError::Empty));
        assert_eq!(parse_amount("£"), Err(NumError::Empty));
        assert_eq!(parse_amount("£-5").unwrap(), (d("-5"), Some("GBP")));
        assert_eq!(parse_amount("\u{2212}5").unwrap(), (d("-5"), None));
        assert_eq!(
            parse_amount("\u{2212}£1,200").unwrap(),
            (d("-1200"), Some("GBP"))
        );
    }

    #[test]
    fn two_signs_or_odd_spellings_are_refused_not_read_as_plus() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        for bad in [
            "--5",
            "- -5",
            "-£-5",
            "-+5",
            "+-5",
            "£--5",
            "\u{2212}-5",
            "-$-5",
            "++5",
            "NaN",
            "inf",
            "-inf",
            "(100)",
            "1.234,50",
            "\u{ff11}\u{ff10}\u{ff10}",
        ] {
            assert_eq!(parse_amount(bad), Err(NumError::Invalid), "{bad}");
        }
        assert_eq!(
            parse_amount(&"9".repeat(60)),
            Err(NumError::OutOfRange),
            "60 digits"
        );
        assert_eq!(parse_amount("1e30"), Err(NumError::OutOfRange));
        assert_eq!(
            parse_amount("1e28").unwrap().0,
            d("10000000000000000000000000000")
        );
        assert_eq!(parse_amount("+5").unwrap().0, d("5"));
        assert_eq!(parse_amount("- 5").unwrap().0, d("-5"));
    }
}
