//! A row's cells read and checked: each either gives a typed value or a reject naming the
//! field, the value and what was expected. The engine calls these for every row the fast path
//! does not take; what needs the row's factor (a contractual market factor) is checked there.

use super::{parse_amount, parse_amount_decimal_comma, Columns, Period};
use crate::nhs::NhsCategory;
use crate::units::Dimension;
use rust_decimal::Decimal;

pub(crate) struct RowReject {
    pub(crate) column: Option<usize>,
    pub(crate) value: String,
    pub(crate) reason: String,
}

pub(crate) fn reject(column: Option<usize>, value: &str, reason: impl Into<String>) -> RowReject {
    RowReject {
        column,
        value: value.to_string(),
        reason: reason.into(),
    }
}

pub(crate) fn field(rec: &csv::ByteRecord, col: Option<usize>) -> Result<&str, RowReject> {
    let Some(c) = col else { return Ok("") };
    let bytes = rec.get(c).unwrap_or(b"");
    std::str::from_utf8(bytes).map(str::trim).map_err(|_| {
        reject(
            Some(c),
            &String::from_utf8_lossy(bytes),
            "not valid UTF-8 text",
        )
    })
}

/// More fields than the header usually means an unquoted thousands separator
/// (`7_400_4000_5,kWh,1,234`): reading on would take 1 kWh for 1,234.
pub(crate) fn check_width(rec: &csv::ByteRecord, c: &Columns) -> Result<(), RowReject> {
    match rec
        .iter()
        .enumerate()
        .skip(c.width + c.synthetic)
        .find(|(_, f)| !f.trim_ascii().is_empty())
    {
        None => Ok(()),
        Some((i, extra)) => Err(reject(
            Some(i),
            &String::from_utf8_lossy(extra),
            format!(
                "the row has {} fields but the header has {}; quote a number with a \
                 thousands separator (\"1,234\")",
                rec.len(),
                c.width
            ),
        )),
    }
}

/// The row's period, if it gives one, and its text.
pub(crate) fn read_period<'r>(
    rec: &'r csv::ByteRecord,
    c: &Columns,
) -> Result<(Option<Period>, &'r str), RowReject> {
    let text = field(rec, c.period)?;
    if text.is_empty() {
        return Ok((None, text));
    }
    let p = Period::parse(text).ok_or_else(|| {
        reject(
            c.period,
            text,
            "not a period; expected 2024, 2024-05, 2024-05-31, 2024/25, Q1 2024/25 or an Excel date",
        )
    })?;
    Ok((Some(p), text))
}

/// A row's quantity and unit, each with the column it came from.
pub(crate) struct Quantity<'r> {
    pub(crate) qty: Decimal,
    pub(crate) col: Option<usize>,
    pub(crate) unit: &'r str,
    pub(crate) unit_col: Option<usize>,
}

/// The row's quantity, the column it came from, its unit and the column the unit came from:
/// `quantity` and `unit`, or for a spend row `amount` and `currency` (a pound sign is GBP). A
/// unit taken from a currency sign or the GBP default points at the number's column, so a
/// reject of it still names a real column.
pub(crate) fn read_quantity<'r>(
    rec: &'r csv::ByteRecord,
    c: &Columns,
) -> Result<Quantity<'r>, RowReject> {
    let qty_text = field(rec, c.quantity)?;
    let amount_text = field(rec, c.amount)?;
    let parse_amount = if c.decimal_comma {
        parse_amount_decimal_comma
    } else {
        parse_amount
    };
    let (qty, col, unit, unit_col) = if !qty_text.is_empty() || amount_text.is_empty() {
        let (q, sign) = parse_amount(qty_text).map_err(|e| {
            let what = if qty_text.is_empty() {
                "blank quantity"
            } else {
                "quantity is not a number"
            };
            reject(
                c.quantity.or(c.amount),
                qty_text,
                format!("{what}; expected {}", e.describe()),
            )
        })?;
        let unit = field(rec, c.unit)?;
        let (unit, unit_col) = match (unit.is_empty(), sign) {
            (false, _) => (unit, c.unit),
            (true, Some(cur)) => (cur, c.quantity.or(c.amount)),
            (true, None) => {
                return Err(reject(
                    c.unit,
                    "",
                    "empty unit; expected a unit such as kWh, litres or km",
                ))
            }
        };
        (q, c.quantity, unit, unit_col)
    } else {
        let (q, sign) = parse_amount(amount_text).map_err(|e| {
            reject(
                c.amount,
                amount_text,
                format!("amount is not a number; expected {}", e.describe()),
            )
        })?;
        let currency = field(rec, c.currency)?;
        let (unit, unit_col) = if !currency.is_empty() {
            (currency, c.currency)
        } else {
            (sign.unwrap_or("GBP"), c.amount)
        };
        // `amount` is money: a currency column saying kWh is a mistake, never energy.
        if let Some(u) = crate::units::parse_unit(unit) {
            if !matches!(u.dimension, Dimension::Gbp | Dimension::Usd) {
                return Err(reject(
                    unit_col,
                    unit,
                    format!(
                        "amount is money, but its currency {unit:?} is a unit of {}, not money; put \
             {amount_text} {unit} in the quantity and unit columns, or give a currency \
             (GBP, USD)",
                        u.dimension.base_name()
                    ),
                ));
            }
        }
        // A negative amount is a credit note, netted against its invoices (the reader has
        // refused any that net below zero).
        return Ok(Quantity {
            qty: q,
            col: c.amount,
            unit,
            unit_col,
        });
    };
    if qty.is_sign_negative() && !qty.is_zero() {
        return Err(reject(
            col,
            &qty.to_string(),
            "negative quantity; net corrections in the source data",
        ));
    }
    Ok(Quantity {
        qty,
        col,
        unit,
        unit_col,
    })
}

/// The row's `nhs_category`, if it gives one, overriding its factor's default.
pub(crate) fn read_nhs_category(
    rec: &csv::ByteRecord,
    c: &Columns,
) -> Result<Option<NhsCategory>, RowReject> {
    let text = field(rec, c.nhs_category)?;
    if text.is_empty() {
        return Ok(None);
    }
    NhsCategory::parse(text).map(Some).ok_or_else(|| {
        reject(
            c.nhs_category,
            text,
            format!(
                "unknown nhs_category; expected one of {} (or leave it empty for the default)",
                NhsCategory::valid_list()
            ),
        )
    })
}

/// What the row cost: its `amount` when it also gives a quantity (an energy or water bill), or
/// the quantity itself for a spend row; with its currency. Reported beside the figures, never
/// used in them.
pub(crate) fn read_cost<'r>(
    rec: &'r csv::ByteRecord,
    c: &Columns,
    qty_col: Option<usize>,
    qty: Decimal,
    unit: &'r str,
) -> Result<Option<(Decimal, &'r str)>, RowReject> {
    if qty_col.is_some() && qty_col == c.amount {
        return Ok(Some((qty, unit)));
    }
    let text = field(rec, c.amount)?;
    if text.is_empty() {
        return Ok(None);
    }
    let (v, sign) = parse_amount(text).map_err(|e| {
        reject(
            c.amount,
            text,
            format!(
                "amount (the row's cost) is not a number; expected {}",
                e.describe()
            ),
        )
    })?;
    let currency = field(rec, c.currency)?;
    let currency = if currency.is_empty() {
        sign.unwrap_or("GBP")
    } else {
        currency
    };
    Ok(Some((v, currency)))
}
