//! `ledger.csv` read back: one line per input row and per upstream line, as `ghg inventory
//! --out` wrote it, for `explain` and other readers.

use crate::engine::LEDGER_HEADER;
use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One line of `ledger.csv`, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerLine {
    /// Line of ledger.csv it was read from, from 1 (the header is line 1).
    pub ledger_line: u64,
    /// Input file as named in the run.
    pub file: String,
    /// Line in that input, from 1.
    pub line: u64,
    /// The row's activity text.
    pub activity: String,
    /// The row's quantity.
    pub quantity: Decimal,
    /// The row's unit.
    pub unit: String,
    /// Factor set id.
    pub factor_set: String,
    /// Factor key.
    pub factor_key: String,
    /// Factor value, kg CO2e per converted unit.
    pub factor_value: Decimal,
    /// The quantity in the factor's unit.
    pub converted_quantity: Decimal,
    /// The factor's unit.
    pub converted_unit: String,
    /// kg CO2e (location-based for scope 2).
    pub kg_co2e: Decimal,
    /// `1`, `2`, `3` or `outside`.
    pub scope: String,
    /// Scope 3 category.
    pub category: Option<u8>,
    /// kg CO2e, market-based.
    pub kg_co2e_market: Decimal,
    /// How the market-based figure was found (scope 2).
    pub market_basis: String,
    /// For an upstream line, the factor it is upstream of.
    pub upstream_of: String,
    /// Site.
    pub site: String,
    /// Period.
    pub period: String,
    /// The row's reference.
    pub reference: String,
    /// The row's supplier.
    pub supplier: String,
    /// Data-quality tier.
    pub quality: String,
    /// The factor's label path.
    pub factor_label: String,
    /// The row's contractual kg CO2e per kWh, for a contractual market-based line.
    pub market_factor: Option<Decimal>,
    /// For deflated spend: the row's price year.
    pub price_year: String,
    /// For deflated spend: the price index series.
    pub deflator: String,
    /// For deflated spend: the index in the row's price year (the divisor)...
    pub deflator_from: Option<Decimal>,
    /// ...and in the factor's price year (the multiplier).
    pub deflator_to: Option<Decimal>,
    /// Reporting year (`2024/25`, `2024`); empty in ledgers written before it was recorded.
    pub reporting_year: String,
    /// NHS category; empty in older ledgers.
    pub nhs_category: String,
    /// NHS footprint (`carbon-footprint`, `footprint-plus`, or empty).
    pub nhs_footprint: String,
    /// What the row cost, on its primary line, if the activity file said.
    pub cost: Option<Decimal>,
    /// The cost's currency.
    pub cost_currency: String,
}

/// Reads `ledger.csv`; `name` names it in errors.
pub fn read_ledger(name: &str, bytes: &[u8]) -> Result<Vec<LedgerLine>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .map_err(|e| Error::malformed(Position::new(name, 1, 0), format!("not a ledger: {e}")))?
        .clone();
    let mut col = BTreeMap::new();
    // Columns after factor_label were added later: a ledger without them still reads.
    let required = LEDGER_HEADER
        .iter()
        .position(|c| *c == "factor_label")
        .map_or(LEDGER_HEADER.len(), |i| i + 1);
    for (n, want) in LEDGER_HEADER.iter().enumerate() {
        match header.iter().position(|h| h == *want) {
            Some(i) => {
                col.insert(*want, i);
            }
            None if n >= required => {}
            None => {
                return Err(Error::malformed(
                    Position::new(name, 1, 0),
                    format!("not a ledger written by ghg inventory: no column {want:?}"),
                ))
            }
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::malformed(
                Position::new(name, line, 0),
                format!("unreadable ledger line: {e}"),
            )
        })?;
        let ledger_line = rec.position().map_or(0, |p| p.line());
        let get = |c: &str| -> &str { col.get(c).and_then(|&i| rec.get(i)).unwrap_or("") };
        let num = |c: &str| -> Result<Decimal> {
            let v = get(c);
            let field = col.get(c).map_or(0, |&i| i as u64 + 1);
            parse_decimal(v).map_err(|e| {
                Error::bad_value(Position::new(name, ledger_line, field), c, v, e.describe())
            })
        };
        let int = |c: &str| -> Result<u64> {
            let v = get(c);
            v.parse::<u64>().map_err(|_| {
                let field = col.get(c).map_or(0, |&i| i as u64 + 1);
                Error::bad_value(
                    Position::new(name, ledger_line, field),
                    c,
                    v,
                    "a line number",
                )
            })
        };
        let opt_num = |c: &str| -> Result<Option<Decimal>> {
            if get(c).is_empty() {
                Ok(None)
            } else {
                num(c).map(Some)
            }
        };
        let category = match get("category") {
            "" => None,
            c => Some(c.parse::<u8>().map_err(|_| {
                Error::bad_value(
                    Position::new(name, ledger_line, 0),
                    "category",
                    c,
                    "1 to 15",
                )
            })?),
        };
        out.push(LedgerLine {
            ledger_line,
            file: get("file").to_string(),
            line: int("line")?,
            activity: get("activity").to_string(),
            quantity: num("quantity")?,
            unit: get("unit").to_string(),
            factor_set: get("factor_set").to_string(),
            factor_key: get("factor_key").to_string(),
            factor_value: num("factor_value")?,
            converted_quantity: num("converted_quantity")?,
            converted_unit: get("converted_unit").to_string(),
            kg_co2e: num("kg_co2e")?,
            scope: get("scope").to_string(),
            category,
            kg_co2e_market: num("kg_co2e_market")?,
            market_basis: get("market_basis").to_string(),
            upstream_of: get("upstream_of").to_string(),
            site: get("site").to_string(),
            period: get("period").to_string(),
            reference: get("ref").to_string(),
            supplier: get("supplier").to_string(),
            quality: get("quality").to_string(),
            factor_label: get("factor_label").to_string(),
            market_factor: opt_num("market_factor")?,
            price_year: get("price_year").to_string(),
            deflator: get("deflator").to_string(),
            deflator_from: opt_num("deflator_from")?,
            deflator_to: opt_num("deflator_to")?,
            reporting_year: get("reporting_year").to_string(),
            nhs_category: get("nhs_category").to_string(),
            nhs_footprint: get("nhs_footprint").to_string(),
            cost: opt_num("cost")?,
            cost_currency: get("cost_currency").to_string(),
        });
    }
    Ok(out)
}
