//! Activity data: CSV files of energy, travel, waste, water, refrigerant and spend rows, read
//! as raw records in fixed-size chunks. Turning a record into a typed row (and a bad one into a
//! reject with its reason) happens in the engine, in parallel. [`eric`] writes such CSVs from
//! the NHS's ERIC estates returns.

pub(crate) mod cells;
pub mod eric;
pub mod eric_layouts;
pub mod period;
pub mod read;
pub(crate) mod stream;
pub mod workbook;

pub use period::{Period, ReportingYear};
pub use read::{Chunk, ChunkReader, Input, PlainRecord};

use crate::num::{parse_decimal, NumError};
use crate::{Error, Result};
use rust_decimal::Decimal;

/// The fields a row may give, by their canonical names (as `--column FIELD=HEADER` names them).
pub const FIELDS: &[&str] = &[
    "activity",
    "quantity",
    "unit",
    "site",
    "site_name",
    "period",
    "ref",
    "supplier",
    "amount",
    "currency",
    "price_year",
    "market_factor",
    "factor_set",
    "nhs_category",
];

/// A wide-layout column: its header stands for an activity and a unit, its cells are
/// quantities (`Electricity (MWh)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WideColumn {
    /// Field index in the file.
    pub column: usize,
    /// The activity its cells are of.
    pub activity: String,
    /// Their unit.
    pub unit: String,
}

/// How the user says their files are laid out: `--column FIELD=HEADER` and
/// `--wide 'HEADER=ACTIVITY:UNIT'`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Field name to the header of the column that holds it.
    pub columns: Vec<(String, String)>,
    /// Header to (activity, unit) for wide layouts.
    pub wide: Vec<(String, String, String)>,
}

impl Layout {
    /// Reads `--column FIELD=HEADER` and `--wide 'HEADER=ACTIVITY:UNIT'` options.
    pub fn parse(columns: &[String], wide: &[String]) -> Result<Layout> {
        let mut out = Layout::default();
        for c in columns {
            let (field, header) = c.split_once('=').ok_or_else(|| {
                Error::usage(format!(
                    "--column {c:?}: expected FIELD=HEADER, such as activity=Type or quantity=Consumption"
                ))
            })?;
            let field = header_key(field);
            if !FIELDS.contains(&field.as_str()) {
                return Err(Error::usage(format!(
                    "--column {c:?}: {field:?} is not a field; fields are {}",
                    FIELDS.join(", ")
                )));
            }
            if out.columns.iter().any(|(f, _)| *f == field) {
                return Err(Error::usage(format!("--column {field}=... is given twice")));
            }
            out.columns.push((field, header.trim().to_string()));
        }
        for w in wide {
            let bad = || {
                Error::usage(format!(
                    "--wide {w:?}: expected 'HEADER=ACTIVITY:UNIT', such as 'Electricity (MWh)=electricity:MWh'"
                ))
            };
            let (header, rest) = w.split_once('=').ok_or_else(bad)?;
            let (activity, unit) = rest.rsplit_once(':').ok_or_else(bad)?;
            if header.trim().is_empty() || activity.trim().is_empty() || unit.trim().is_empty() {
                return Err(bad());
            }
            out.wide.push((
                header.trim().to_string(),
                activity.trim().to_string(),
                unit.trim().to_string(),
            ));
        }
        Ok(out)
    }
}

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
    /// Site name beside a site code, kept as a label.
    pub site_name: Option<usize>,
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
    /// The factor set a row is priced from, overriding the run's choice.
    pub factor_set: Option<usize>,
    /// NHS category overriding the default of the row's factor.
    pub nhs_category: Option<usize>,
    /// Header names not understood, kept to warn about them.
    pub ignored: Vec<String>,
    /// Header names given twice (an error when reading a file).
    pub duplicates: Vec<String>,
    /// Number of header fields: a row with more non-empty fields is rejected.
    pub width: usize,
    /// Wide layout: the columns whose headers name an activity and unit.
    pub wide: Vec<WideColumn>,
    /// Fields the reader adds after `width` to each record (a wide cell's activity, quantity,
    /// unit and column), not checked as extra fields.
    pub synthetic: usize,
    /// The file's decimal mark is a comma (`;`-separated files, as European Excel saves).
    pub decimal_comma: bool,
    /// Spend rows refused before reading, by line: credit notes that net below zero against
    /// the invoices of their supplier, category and period, with the reason.
    pub credit_rejects: std::collections::BTreeMap<u64, String>,
}

/// A header name as compared: lower case, trimmed, spaces and hyphens as underscores.
fn header_key(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

/// The canonical field a header names, if any.
fn field_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "activity" | "factor" | "factor_key" | "factor_id" | "key" | "activity_key" => "activity",
        "quantity" | "qty" => "quantity",
        "unit" | "units" | "uom" | "unit_of_measure" => "unit",
        "site" | "site_code" | "location" => "site",
        "site_name" => "site_name",
        "period" | "date" | "month" | "year" | "financial_year" | "fy" | "reporting_period" => {
            "period"
        }
        "ref" | "reference" | "invoice" | "invoice_number" | "meter" | "mpan" | "mprn" => "ref",
        "supplier" | "vendor" => "supplier",
        "amount" | "spend" | "value_gbp" | "net_amount" => "amount",
        "currency" => "currency",
        "price_year" => "price_year",
        "market_factor" => "market_factor",
        "factor_set" | "set" => "factor_set",
        "nhs_category" => "nhs_category",
        _ => return None,
    })
}

/// `Electricity (MWh)` to (`Electricity`, `MWh`) when the bracket holds a known unit.
pub fn wide_header(raw: &str) -> Option<(String, String)> {
    let t = raw.trim().trim_start_matches('\u{feff}').trim();
    let open = t.rfind('(')?;
    let inner = t[open + 1..].strip_suffix(')')?.trim();
    let name = t[..open].trim();
    if name.is_empty() || crate::units::parse_unit(inner).is_none() {
        return None;
    }
    Some((name.to_string(), inner.to_string()))
}

impl Columns {
    fn slot(&mut self, field: &str) -> Option<&mut Option<usize>> {
        Some(match field {
            "activity" => &mut self.activity,
            "quantity" => &mut self.quantity,
            "unit" => &mut self.unit,
            "site" => &mut self.site,
            "site_name" => &mut self.site_name,
            "period" => &mut self.period,
            "ref" => &mut self.reference,
            "supplier" => &mut self.supplier,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "price_year" => &mut self.price_year,
            "market_factor" => &mut self.market_factor,
            "factor_set" => &mut self.factor_set,
            "nhs_category" => &mut self.nhs_category,
            _ => return None,
        })
    }

    /// Maps header names to columns. Names are matched case-insensitively after trimming
    /// (and a UTF-8 byte-order mark); a few common synonyms are accepted.
    pub fn from_header(names: &[&str]) -> Columns {
        Columns::with_layout(names, &Layout::default())
    }

    /// As [`Columns::from_header`], with the user's `--column` and `--wide` choices first.
    /// Without an activity column, headers with a unit in brackets (`Gas (kWh)`) make a
    /// wide layout.
    pub fn with_layout(names: &[&str], layout: &Layout) -> Columns {
        let mut c = Columns {
            width: names.len(),
            ..Columns::default()
        };
        let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
        let mut taken = vec![false; names.len()];
        for (field, header) in &layout.columns {
            let want = header_key(header);
            if let Some(i) = keys.iter().position(|k| *k == want) {
                if let Some(slot) = c.slot(field) {
                    *slot = Some(i);
                    taken[i] = true;
                }
            }
        }
        for (header, activity, unit) in &layout.wide {
            let want = header_key(header);
            if let Some(i) = keys.iter().position(|k| *k == want) {
                c.wide.push(WideColumn {
                    column: i,
                    activity: activity.clone(),
                    unit: unit.clone(),
                });
                taken[i] = true;
            }
        }
        for (i, raw) in names.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let Some(field) = field_of(&keys[i]) else {
                if !raw.trim().is_empty() {
                    c.ignored.push(raw.trim().to_string());
                }
                continue;
            };
            let overridden = layout.columns.iter().any(|(f, _)| f == field);
            let Some(slot) = c.slot(field) else { continue };
            if overridden {
                c.ignored.push(raw.trim().to_string());
            } else if slot.is_none() {
                *slot = Some(i);
            } else {
                c.duplicates.push(raw.trim().to_string());
            }
        }
        if c.site.is_none() {
            c.site = c.site_name.take();
        }
        // No activity column: a column per activity, its unit in brackets.
        if c.activity.is_none() && c.quantity.is_none() && c.amount.is_none() {
            let mut still_ignored = Vec::new();
            for raw in std::mem::take(&mut c.ignored) {
                let i = names.iter().position(|n| n.trim() == raw);
                match (i, wide_header(&raw)) {
                    (Some(i), Some((activity, unit))) if !taken[i] => c.wide.push(WideColumn {
                        column: i,
                        activity,
                        unit,
                    }),
                    _ => still_ignored.push(raw),
                }
            }
            c.ignored = still_ignored;
            c.wide.sort_by_key(|w| w.column);
        }
        if !c.wide.is_empty() && c.activity.is_none() {
            // Each wide cell becomes a record with these fields added after the header's.
            c.activity = Some(c.width);
            c.quantity = Some(c.width + 1);
            c.unit = Some(c.width + 2);
            c.synthetic = 4;
        }
        c
    }

    /// Warnings about the header: columns not read.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.ignored.is_empty() {
            w.push(format!(
                "column(s) not used: {} (known: {}; name yours with --column FIELD=HEADER)",
                self.ignored.join(", "),
                FIELDS.join(", ")
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

/// The layouts `ghg inventory` reads, with an example, for a header that fits none.
pub const LAYOUTS_WANTED: &str = "a long layout (one row per activity: activity, quantity, unit; \
optional site, site_name, period, ref, supplier, market_factor, factor_set; for spend amount, \
currency, price_year), or a wide one (a column per activity with its unit in brackets, such as \
Site,Month,Electricity (MWh),Gas (kWh)). For example:\n  activity,quantity,unit\n  \
electricity,12000,kWh\n  natural gas,54000,kWh\nName your own columns with --column \
activity=Type --column quantity=Consumption, or map wide headers with --wide \
'Electricity (MWh)=electricity:MWh'";

/// A cell shown in a message: long cells cut, with their full length said.
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    const KEEP: usize = 200;
    if text.len() <= KEEP {
        return text.into();
    }
    let mut end = KEEP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &text[..end], text.len()).into()
}

/// A cell of a file whose decimal mark is the comma (`;`-separated, as European Excel saves
/// CSV): `100,5` is 100.5 and `1.234,50` is 1234.5. A text that reads two ways (`1,234`,
/// `1.234`: a thousand or one) is refused rather than guessed: never a silent 1000x. An amount
/// with a pound or dollar sign is read the UK way (`£1,000` is a thousand pounds).
pub fn parse_amount_decimal_comma(text: &str) -> Result<(Decimal, Option<&'static str>), NumError> {
    let t = text.trim();
    // A pound or dollar sign says the number is written the UK or US way (`£1,000.50`).
    if t.contains(['£', '$']) {
        return parse_amount(t);
    }
    let digits_after = |s: &str, mark: char| {
        s.rsplit_once(mark)
            .map(|(_, b)| b.len() == 3 && b.bytes().all(|c| c.is_ascii_digit()))
    };
    let (commas, dots) = (t.matches(',').count(), t.matches('.').count());
    let swapped = match (commas, dots) {
        (0, 0) => t.to_string(),
        (1, 0) if digits_after(t, ',') == Some(true) => return Err(NumError::Ambiguous),
        (1, 0) => t.replace(',', "."),
        (0, 1) if digits_after(t, '.') == Some(true) => return Err(NumError::Ambiguous),
        (0, _) => t.to_string(),
        (1, _) => {
            // 1.234,50: dots group thousands in threes before the comma.
            let (int, frac) = t.split_once(',').unwrap_or((t, ""));
            let body = int.trim_start_matches(|c: char| !c.is_ascii_digit());
            let groups: Vec<&str> = body.split('.').collect();
            let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups[1..].iter().all(|g| g.len() == 3);
            if !ok {
                return Err(NumError::Invalid);
            }
            format!("{}.{frac}", int.replace('.', ""))
        }
        _ => return Err(NumError::Invalid),
    };
    parse_amount(&swapped)
}

/// A money or quantity cell as people type it: `1234.5`, `1,234.50`, `£1,234.50`, `-£12`,
/// and the accountants' negative `(£1,200.00)`.
/// Thousands separators must sit between groups of three digits (`12,3` is refused: it may be a
/// decimal comma). Returns the value and whether it carried a currency sign (`£` or `$`).
pub fn parse_amount(text: &str) -> Result<(Decimal, Option<&'static str>), NumError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        let inner = inner.trim();
        if inner.starts_with(['-', '(', '+', '\u{2212}']) {
            return Err(NumError::Invalid);
        }
        let (v, cur) = parse_amount(inner)?;
        return Ok((-v, cur));
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
        assert!(c.warnings().is_empty());
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
        assert_eq!(
            parse_amount("(£1,200.00)").unwrap(),
            (d("-1200.00"), Some("GBP"))
        );
        assert_eq!(parse_amount("(15)").unwrap(), (d("-15"), None));
        assert_eq!(parse_amount("(-15)"), Err(NumError::Invalid));
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

    #[test]
    fn decimal_comma_files_never_read_a_thousand_for_one() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let p = |s: &str| parse_amount_decimal_comma(s).map(|(v, _)| v);
        assert_eq!(p("100,5"), Ok(d("100.5")));
        assert_eq!(p("1.234,50"), Ok(d("1234.50")));
        assert_eq!(p("12.345.678,9"), Ok(d("12345678.9")));
        assert_eq!(p("1234"), Ok(d("1234")));
        assert_eq!(p("0,25"), Ok(d("0.25")));
        assert_eq!(p("1,234"), Err(NumError::Ambiguous));
        assert_eq!(p("1.234"), Err(NumError::Ambiguous));
        assert_eq!(p("12.34,5"), Err(NumError::Invalid));
        assert_eq!(p("1,2,3"), Err(NumError::Invalid));
        assert_eq!(p("£1,000"), Ok(d("1000")));
    }
}
