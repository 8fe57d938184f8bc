//! `ledger.csv`: its columns, defined once for the engine that writes it and the readers
//! (`explain`, `merge`, `trajectory`, `bridge`, reports), and its lines read back typed.

use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Defines ledger.csv's columns once: the header, and a record with a field per column that
/// the engine writes and [`read_ledger`] reads, so writer and reader cannot disagree.
macro_rules! ledger_columns {
    ($($(#[$doc:meta])* $field:ident = $name:literal,)*) => {
        /// Header of ledger.csv: one line per input row and per upstream line. The first
        /// twelve columns are the contract, in its order; later columns only ever
        /// get added.
        pub const LEDGER_HEADER: &[&str] = &[$($name),*];

        /// One ledger.csv record as text, a field per column in column order.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct LedgerRecord<'a> {
            $($(#[$doc])* pub $field: &'a str,)*
        }

        impl<'a> LedgerRecord<'a> {
            /// The fields in column order, for `csv::Writer::write_record`.
            pub fn fields(&self) -> [&'a str; LEDGER_COLUMNS] {
                [$(self.$field),*]
            }

            /// A record from a column lookup by header name (`""` for a column absent from
            /// an older ledger).
            pub fn from_columns(get: impl Fn(&str) -> &'a str) -> Self {
                LedgerRecord { $($field: get($name),)* }
            }

            /// A record from its cells in [`LEDGER_HEADER`] order: `next` is called once per
            /// column, first to last (fields are evaluated in the order written), so a reader
            /// that has matched the header once needs no lookup by name per line.
            pub fn from_cells_in_order(mut next: impl FnMut() -> &'a str) -> Self {
                LedgerRecord { $($field: next(),)* }
            }
        }
    };
}

ledger_columns! {
    /// Input file as named in the run.
    file = "file",
    /// Line in that input, from 1.
    line = "line",
    /// The row's activity text.
    activity = "activity",
    /// The row's quantity.
    quantity = "quantity",
    /// The row's unit.
    unit = "unit",
    /// Factor set id (or `supplier` for a supplier's own figures).
    factor_set = "factor_set",
    /// Factor key.
    factor_key = "factor_key",
    /// Factor value, kg CO2e per converted unit.
    factor_value = "factor_value",
    /// The quantity in the factor's unit.
    converted_quantity = "converted_quantity",
    /// kg CO2e (location-based for scope 2).
    kg_co2e = "kg_co2e",
    /// `1`, `2`, `3`, `outside` or `nhs-only`.
    scope = "scope",
    /// Scope 3 category.
    category = "category",
    /// The factor's unit.
    converted_unit = "converted_unit",
    /// kg CO2e, market-based.
    kg_co2e_market = "kg_co2e_market",
    /// How the market-based figure was found (scope 2).
    market_basis = "market_basis",
    /// For an upstream line, the factor it is upstream of.
    upstream_of = "upstream_of",
    /// Site.
    site = "site",
    /// Period.
    period = "period",
    /// The row's reference.
    reference = "ref",
    /// The row's supplier.
    supplier = "supplier",
    /// Data-quality tier of the factor set.
    quality = "quality",
    /// The factor's label path.
    factor_label = "factor_label",
    /// The row's contractual kg CO2e per kWh, on a contractual line.
    market_factor = "market_factor",
    /// For deflated spend: the row's price year.
    price_year = "price_year",
    /// For deflated spend: the price index series.
    deflator = "deflator",
    /// For deflated spend: the index in the row's price year.
    deflator_from = "deflator_from",
    /// For deflated spend: the index in the factor's price year.
    deflator_to = "deflator_to",
    /// The row's supply-chain tier.
    tier = "tier",
    /// How the line was computed.
    method = "method",
    /// The register supplier the row names.
    supplier_id = "supplier_id",
    /// The site's name.
    site_name = "site_name",
    /// Reporting year.
    reporting_year = "reporting_year",
    /// NHS category.
    nhs_category = "nhs_category",
    /// NHS footprint.
    nhs_footprint = "nhs_footprint",
    /// What the row cost, on its primary line.
    cost = "cost",
    /// The cost's currency.
    cost_currency = "cost_currency",
    /// On a line priced from a supplier's own figures: the set of the spend factor it stands
    /// in for (the line's group is that factor's, so `ghg merge` can replay it).
    spend_factor_set = "spend_factor_set",
    /// ...that spend factor's key...
    spend_factor_key = "spend_factor_key",
    /// ...and the row's quantity in that factor's unit, deflated as that factor is: what the
    /// line adds to its group's quantity (the spend factor's, counted once).
    spend_quantity = "spend_quantity",
}

/// Columns in ledger.csv.
pub const LEDGER_COLUMNS: usize = LEDGER_HEADER.len();

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
    /// Supply-chain tier; empty in older ledgers.
    pub tier: String,
    /// How the line was computed; empty in older ledgers.
    pub method: String,
    /// The register supplier the row names.
    pub supplier_id: String,
    /// The site's name.
    pub site_name: String,
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
    /// On a supplier-priced line, the spend factor's set; empty otherwise and in older
    /// ledgers.
    pub spend_factor_set: String,
    /// On a supplier-priced line, the spend factor's key.
    pub spend_factor_key: String,
    /// On a supplier-priced line, the quantity it adds to its group.
    pub spend_quantity: Option<Decimal>,
}

/// Reads `ledger.csv`; `name` names it in errors.
pub fn read_ledger(name: &str, bytes: &[u8]) -> Result<Vec<LedgerLine>> {
    let mut out = Vec::new();
    for_each_ledger_line(name, bytes, |l| {
        out.push(l);
        Ok(())
    })?;
    Ok(out)
}

/// Reads a ledger line by line from `from`, handing each to `f`: a ledger of any size in
/// constant memory (how `ghg merge` replays its parts). Stops at the first error, `f`'s or the
/// ledger's.
pub fn for_each_ledger_line(
    name: &str,
    from: impl std::io::Read,
    mut f: impl FnMut(LedgerLine) -> Result<()>,
) -> Result<()> {
    // Records end at a line feed: csv counts lines wrongly when "\r\n" ends them (a ledger
    // saved again by a spreadsheet), and the carriage return left on a record's last field is
    // taken off below.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_reader(from);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::malformed(Position::new(name, 1, 0), format!("not a ledger: {e}")))?
        .iter()
        .map(|h| h.strip_suffix('\r').unwrap_or(h).to_string())
        .collect();
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
    // Each LEDGER_HEADER column's place in this file's header, found once.
    let order: Vec<Option<usize>> = LEDGER_HEADER.iter().map(|c| col.get(c).copied()).collect();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(Error::malformed(
                    Position::new(name, line, 0),
                    format!("unreadable ledger line: {e}"),
                ));
            }
        }
        // A line with nothing on it but a carriage return is a blank line.
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        let ledger_line = rec.position().map_or(0, |p| p.line());
        if rec.len() != header.len() {
            return Err(Error::malformed(
                Position::new(name, ledger_line, 0),
                format!(
                    "unreadable ledger line: {} fields, but the header has {}",
                    rec.len(),
                    header.len()
                ),
            ));
        }
        let last = rec.len().saturating_sub(1);
        let mut cells = order.iter();
        let r = LedgerRecord::from_cells_in_order(|| {
            let i = cells.next().copied().flatten();
            let v = i.and_then(|i| rec.get(i)).unwrap_or("");
            if i == Some(last) {
                v.strip_suffix('\r').unwrap_or(v)
            } else {
                v
            }
        });
        let at =
            |c: &str| Position::new(name, ledger_line, col.get(c).map_or(0, |&i| i as u64 + 1));
        let num = |c: &str, v: &str| -> Result<Decimal> {
            parse_decimal(v).map_err(|e| Error::bad_value(at(c), c, v, e.describe()))
        };
        let opt_num = |c: &str, v: &str| -> Result<Option<Decimal>> {
            if v.is_empty() {
                Ok(None)
            } else {
                num(c, v).map(Some)
            }
        };
        let category = match r.category {
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
        let line = r
            .line
            .parse::<u64>()
            .map_err(|_| Error::bad_value(at("line"), "line", r.line, "a line number"))?;
        f(LedgerLine {
            ledger_line,
            file: r.file.to_string(),
            line,
            activity: r.activity.to_string(),
            quantity: num("quantity", r.quantity)?,
            unit: r.unit.to_string(),
            factor_set: r.factor_set.to_string(),
            factor_key: r.factor_key.to_string(),
            factor_value: num("factor_value", r.factor_value)?,
            converted_quantity: num("converted_quantity", r.converted_quantity)?,
            converted_unit: r.converted_unit.to_string(),
            kg_co2e: num("kg_co2e", r.kg_co2e)?,
            scope: r.scope.to_string(),
            category,
            kg_co2e_market: num("kg_co2e_market", r.kg_co2e_market)?,
            market_basis: r.market_basis.to_string(),
            upstream_of: r.upstream_of.to_string(),
            site: r.site.to_string(),
            period: r.period.to_string(),
            reference: r.reference.to_string(),
            supplier: r.supplier.to_string(),
            quality: r.quality.to_string(),
            factor_label: r.factor_label.to_string(),
            market_factor: opt_num("market_factor", r.market_factor)?,
            price_year: r.price_year.to_string(),
            deflator: r.deflator.to_string(),
            deflator_from: opt_num("deflator_from", r.deflator_from)?,
            deflator_to: opt_num("deflator_to", r.deflator_to)?,
            tier: r.tier.to_string(),
            method: r.method.to_string(),
            supplier_id: r.supplier_id.to_string(),
            site_name: r.site_name.to_string(),
            reporting_year: r.reporting_year.to_string(),
            nhs_category: r.nhs_category.to_string(),
            nhs_footprint: r.nhs_footprint.to_string(),
            cost: opt_num("cost", r.cost)?,
            cost_currency: r.cost_currency.to_string(),
            spend_factor_set: r.spend_factor_set.to_string(),
            spend_factor_key: r.spend_factor_key.to_string(),
            spend_quantity: opt_num("spend_quantity", r.spend_quantity)?,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_fields_are_in_header_order() {
        // Each field filled with its own column's name comes back as the header.
        let r = LedgerRecord::from_columns(|c| LEDGER_HEADER.iter().find(|h| **h == c).unwrap());
        assert_eq!(r.fields().as_slice(), LEDGER_HEADER);
        assert_eq!(r.reference, "ref");
        let mut names = LEDGER_HEADER.iter();
        let r = LedgerRecord::from_cells_in_order(|| names.next().unwrap());
        assert_eq!(r.fields().as_slice(), LEDGER_HEADER);
        assert_eq!(LEDGER_COLUMNS, 39);
    }

    /// A scope 2 electricity line of `a.csv` (2.5 kWh x 0.2), the other columns empty.
    fn electricity(line: &'static str) -> LedgerRecord<'static> {
        LedgerRecord {
            file: "a.csv",
            line,
            quantity: "2.50",
            unit: "kWh",
            converted_quantity: "2.5",
            converted_unit: "kWh",
            factor_value: "0.2",
            kg_co2e: "0.5",
            kg_co2e_market: "0.5",
            scope: "2",
            ..LedgerRecord::default()
        }
    }

    /// ledger.csv's text: the header, then the records.
    fn ledger_text(records: &[LedgerRecord<'_>]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(LEDGER_HEADER).unwrap();
        for r in records {
            w.write_record(r.fields()).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    /// A ledger saved again with "\r\n" line ends (and a blank line) reads as the one
    /// written: the same values, and each line numbered as a text editor shows it.
    #[test]
    fn a_ledger_with_crlf_line_ends_reads_the_same_lines() {
        let rec = |line| LedgerRecord {
            spend_quantity: "7.25",
            ..electricity(line)
        };
        let lf = ledger_text(&[rec("7"), rec("8")]);
        let crlf = lf.replace('\n', "\r\n").replacen("\r\n", "\r\n\r\n", 2);
        let (a, b) = (
            read_ledger("ledger.csv", lf.as_bytes()).unwrap(),
            read_ledger("ledger.csv", crlf.as_bytes()).unwrap(),
        );
        assert_eq!(a.len(), 2);
        assert_eq!(
            a[0].spend_quantity.map(|q| q.to_string()),
            Some("7.25".into())
        );
        assert_eq!((a[0].ledger_line, a[1].ledger_line), (2, 3));
        // A blank line after the header and after the first record move each down.
        assert_eq!((b[0].ledger_line, b[1].ledger_line), (3, 5));
        let values =
            |l: &LedgerLine| (l.line, l.kg_co2e, l.spend_quantity, l.cost_currency.clone());
        assert_eq!(
            a.iter().map(values).collect::<Vec<_>>(),
            b.iter().map(values).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_written_record_reads_back_as_its_line() {
        let rec = LedgerRecord {
            tier: "average-data",
            site_name: "Main",
            cost: "12",
            ..electricity("7")
        };
        let lines = read_ledger("ledger.csv", ledger_text(&[rec]).as_bytes()).unwrap();
        let l = &lines[0];
        assert_eq!((l.ledger_line, l.file.as_str(), l.line), (2, "a.csv", 7));
        assert_eq!(l.quantity.to_string(), "2.50");
        assert_eq!(l.kg_co2e.to_string(), "0.5");
        assert_eq!(
            (l.tier.as_str(), l.site_name.as_str()),
            ("average-data", "Main")
        );
        assert_eq!(l.cost.map(|c| c.to_string()), Some("12".into()));
        assert_eq!(l.market_factor, None);
    }
}
