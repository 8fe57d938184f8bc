//! The DESNZ (BEIS, Defra) flat file to rows, one per factor: from the published workbook
//! (`.xls` or `.xlsx`, sheet "Factors by Category") or from its normalized CSV.
//!
//! The workbook is long: one row per factor and gas (`kg CO2e`, then `kg CO2`/`kg CO2e of CO2
//! per unit`, CH4, N2O), and up to 2021 the gas rows of one factor are not always adjacent.
//! Rows are grouped by (factor ID, label path) in order of first appearance, which is how the
//! normalized CSVs were made. Rows whose "GHG" cell is not a mass of gas (`kWh (Net CV)`,
//! `kWh (net)`, blank) are the SECR energy rows and are skipped; an unknown `kg ...` label or
//! a gas given twice for one label path stops the import with the sheet and row.

use crate::num::parse_decimal;
use crate::{Error, Position, Result};
use calamine::{Data, Range, Reader};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Cursor;

/// The worksheet holding the factors.
pub const SHEET: &str = "Factors by Category";

/// One factor of the flat file, as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesnzRow {
    /// CSV line or worksheet row (of the factor's first gas row), from 1.
    pub line: u64,
    /// DESNZ factor ID (from 2023), without the gas suffix; empty before 2023.
    pub factor_id: String,
    /// `Scope 1`, `Scope 2`, `Scope 3` or `Outside of Scopes`.
    pub scope: String,
    /// Level 1 to 4 labels.
    pub levels: [String; 4],
    /// Column text.
    pub column: String,
    /// Unit of measure as published (`kWh (Gross CV)`, `Litres`).
    pub unit: String,
    /// kg CO2e per unit.
    pub kg_co2e: Option<Decimal>,
    /// kg CO2e of CO2 per unit.
    pub co2: Option<Decimal>,
    /// kg CO2e of CH4 per unit.
    pub ch4: Option<Decimal>,
    /// kg CO2e of N2O per unit.
    pub n2o: Option<Decimal>,
    /// Text found where a number was expected (`kg_co2e: < 1`), `; `-separated.
    pub note: String,
}

/// What the workbook holds besides its factors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkbookInfo {
    /// The "Version:" on the front page (`1.01`), if found.
    pub version: Option<String>,
    /// SECR energy rows skipped (kWh per unit, not emissions).
    pub energy_rows: usize,
}

/// The text a spreadsheet number had when the normalized CSVs were made: 15 significant digits
/// (the precision `f64` carries faithfully), as an exact decimal without trailing zeros:
/// `0.1839968181812754` -> `0.183996818181275`, `9.655199999992272e-5` -> `0.0000965519999999227`.
pub fn float_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    // `{:.14e}` rounds the exact binary value to 15 significant digits, correctly rounded.
    let text = format!("{f:.14e}");
    parse_decimal(&text).ok().map(|d| d.normalize())
}

/// [`float_decimal`] as text, for labels that the workbook stores as numbers (`2020`, `0`).
fn float_label(f: f64) -> String {
    float_decimal(f).map_or_else(|| f.to_string(), |d| d.to_string())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gas {
    Total,
    Co2,
    Ch4,
    N2o,
}

impl Gas {
    /// The normalized CSV's column name, used in notes.
    fn column(self) -> &'static str {
        match self {
            Gas::Total => "kg_co2e",
            Gas::Co2 => "kg_co2e_co2",
            Gas::Ch4 => "kg_co2e_ch4",
            Gas::N2o => "kg_co2e_n2o",
        }
    }
}

/// The gas of a "GHG" / "GHG/Unit" cell; `Ok(None)` for the SECR energy rows.
fn gas_of(label: &str) -> std::result::Result<Option<Gas>, ()> {
    Ok(Some(match label {
        "kg CO2e" => Gas::Total,
        "kg CO2" | "kg CO2e of CO2" | "kg CO2e of CO2 per unit" => Gas::Co2,
        "kg CH4" | "kg CO2e of CH4" | "kg CO2e of CH4 per unit" => Gas::Ch4,
        "kg N2O" | "kg CO2e of N2O" | "kg CO2e of N2O per unit" => Gas::N2o,
        l if l.starts_with("kg ") => return Err(()),
        _ => return Ok(None),
    }))
}

type PathKey = (String, String, [String; 4], String, String);

/// Collects gas rows into factors, in order of first appearance.
#[derive(Default)]
struct Grouper {
    rows: Vec<DesnzRow>,
    seen: Vec<[Option<u64>; 4]>,
    index: HashMap<PathKey, usize>,
}

impl Grouper {
    fn slot(&mut self, key: PathKey, line: u64) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let (factor_id, scope, levels, column, unit) = key.clone();
        self.rows.push(DesnzRow {
            line,
            factor_id,
            scope,
            levels,
            column,
            unit,
            kg_co2e: None,
            co2: None,
            ch4: None,
            n2o: None,
            note: String::new(),
        });
        self.seen.push([None; 4]);
        self.index.insert(key, self.rows.len() - 1);
        self.rows.len() - 1
    }
}

fn set_gas(row: &mut DesnzRow, gas: Gas, value: Option<Decimal>, note: Option<&str>) {
    let slot = match gas {
        Gas::Total => &mut row.kg_co2e,
        Gas::Co2 => &mut row.co2,
        Gas::Ch4 => &mut row.ch4,
        Gas::N2o => &mut row.n2o,
    };
    *slot = value;
    if let Some(n) = note {
        if !row.note.is_empty() {
            row.note.push_str("; ");
        }
        row.note.push_str(&format!("{}: {n}", gas.column()));
    }
}

/// Reads a workbook's "Factors by Category" sheet. `file` names the workbook in messages and
/// picks the format by extension (`.xls`, `.xlsx`; anything else is sniffed); `year` must be the
/// year in the value column's heading ("GHG Conversion Factor 2025").
pub fn read_workbook(file: &str, bytes: &[u8], year: u16) -> Result<(Vec<DesnzRow>, WorkbookInfo)> {
    let here = |line: u64, col: u64| Position::new(file, line, col);
    let open_err =
        |e: String| Error::malformed(here(0, 0), format!("cannot read the workbook: {e}"));
    let cursor = Cursor::new(bytes);
    let lower = file.to_ascii_lowercase();
    let mut wb: calamine::Sheets<Cursor<&[u8]>> = if lower.ends_with(".xls") {
        let wb: calamine::Xls<_> = calamine::open_workbook_from_rs(cursor)
            .map_err(|e: calamine::XlsError| open_err(e.to_string()))?;
        calamine::Sheets::Xls(wb)
    } else if lower.ends_with(".xlsx") {
        let wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(cursor)
            .map_err(|e: calamine::XlsxError| open_err(e.to_string()))?;
        calamine::Sheets::Xlsx(wb)
    } else {
        calamine::open_workbook_auto_from_rs(cursor).map_err(|e| open_err(e.to_string()))?
    };
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        return Err(Error::malformed(
            here(0, 0),
            format!(
                "no sheet named {SHEET:?}; the workbook has: {}",
                names.join(", ")
            ),
        ));
    }
    let version = if names.iter().any(|n| n == "Front page") {
        wb.worksheet_range("Front page")
            .ok()
            .and_then(|r| front_page_version(&r))
    } else {
        None
    };
    let range = wb
        .worksheet_range(SHEET)
        .map_err(|e| Error::malformed(here(0, 0), format!("sheet {SHEET:?}: {e}")))?;
    let (rows, energy_rows) = read_factor_sheet(file, &range, year)?;
    Ok((
        rows,
        WorkbookInfo {
            version,
            energy_rows,
        },
    ))
}

/// The value after "Version:" on the front page.
fn front_page_version(range: &Range<Data>) -> Option<String> {
    for row in range.rows() {
        let mut cells = row.iter();
        while let Some(c) = cells.next() {
            if matches!(c, Data::String(s) if s.trim() == "Version:") {
                for next in cells.by_ref() {
                    match next {
                        Data::Float(f) => return Some(float_label(*f)),
                        Data::Int(i) => return Some(i.to_string()),
                        Data::String(s) if !s.trim().is_empty() => {
                            return Some(s.trim().to_string())
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    None
}

/// Column positions of the "Factors by Category" header.
struct Columns {
    id: Option<usize>,
    scope: usize,
    levels: [usize; 4],
    column: usize,
    unit: usize,
    ghg: usize,
    value: usize,
}

fn find_header(file: &str, range: &Range<Data>, year: u16) -> Result<(usize, Columns)> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate().take(60) {
        let texts: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::String(s) => s.trim().to_string(),
                _ => String::new(),
            })
            .collect();
        // The header row: "Scope" and the value column, whatever else it holds.
        if !(texts.iter().any(|t| t == "Scope")
            && texts.iter().any(|t| t.starts_with("GHG Conversion Factor")))
        {
            continue;
        }
        let line = u64::from(r0) + i as u64 + 1;
        let find = |names: &[&str]| texts.iter().position(|t| names.contains(&t.as_str()));
        let need = |names: &[&str]| {
            find(names).ok_or_else(|| {
                Error::malformed(
                    Position::new(file, line, 0),
                    format!(
                        "sheet {SHEET:?}, row {line}: unknown layout, no column headed {:?}; the header reads: {}",
                        names[0],
                        texts.iter().filter(|t| !t.is_empty()).cloned().collect::<Vec<_>>().join(" | ")
                    ),
                )
            })
        };
        let value = texts
            .iter()
            .position(|t| t.starts_with("GHG Conversion Factor"))
            .ok_or_else(|| {
                Error::malformed(
                    Position::new(file, line, 0),
                    format!("sheet {SHEET:?}, row {line}: unknown layout, no \"GHG Conversion Factor YEAR\" column"),
                )
            })?;
        let heading = &texts[value];
        if !heading.ends_with(&year.to_string()) {
            return Err(Error::malformed(
                Position::new(file, line, u64::from(c0) + value as u64 + 1),
                format!("sheet {SHEET:?}, row {line}: the value column is headed {heading:?}, not the year {year} asked for"),
            ));
        }
        let cols = Columns {
            id: find(&["ID"]),
            scope: need(&["Scope"])?,
            levels: [
                need(&["Level 1"])?,
                need(&["Level 2"])?,
                need(&["Level 3"])?,
                need(&["Level 4"])?,
            ],
            column: need(&["Column Text"])?,
            unit: need(&["UOM"])?,
            ghg: need(&["GHG", "GHG/Unit"])?,
            value,
        };
        return Ok((i, cols));
    }
    Err(Error::malformed(
        Position::new(file, 0, 0),
        format!("sheet {SHEET:?}: unknown layout, no header row with \"Scope\" and \"GHG Conversion Factor YEAR\" in the first 60 rows"),
    ))
}

fn read_factor_sheet(file: &str, range: &Range<Data>, year: u16) -> Result<(Vec<DesnzRow>, usize)> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (header, cols) = find_header(file, range, year)?;
    let mut g = Grouper::default();
    let mut energy_rows = 0usize;
    for (i, row) in range.rows().enumerate().skip(header + 1) {
        let line = u64::from(r0) + i as u64 + 1;
        let at = |col: usize| Position::new(file, line, u64::from(c0) + col as u64 + 1);
        let cell = |col: usize| row.get(col).unwrap_or(&Data::Empty);
        let text = |col: usize| -> Result<String> {
            match cell(col) {
                Data::Empty => Ok(String::new()),
                Data::String(s) => Ok(s.trim().to_string()),
                Data::Float(f) => Ok(float_label(*f)),
                Data::Int(n) => Ok(n.to_string()),
                other => Err(Error::malformed(
                    at(col),
                    format!("sheet {SHEET:?}, row {line}: unexpected cell {other:?} where a label belongs"),
                )),
            }
        };
        let ghg = text(cols.ghg)?;
        let gas = match gas_of(&ghg) {
            Ok(Some(g)) => g,
            Ok(None) => {
                if text(cols.scope)?.starts_with("Scope") {
                    energy_rows += 1;
                }
                continue;
            }
            Err(()) => {
                return Err(Error::malformed(
                    at(cols.ghg),
                    format!("sheet {SHEET:?}, row {line}: unknown gas {ghg:?}; expected kg CO2e, kg CO2, kg CH4, kg N2O or \"kg CO2e of <gas> per unit\""),
                ))
            }
        };
        let factor_id = match cols.id {
            Some(c) => {
                let id = text(c)?;
                match id.rsplit_once('_') {
                    Some((base, n)) if !base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base.to_string(),
                    _ => {
                        return Err(Error::malformed(
                            at(c),
                            format!("sheet {SHEET:?}, row {line}: ID {id:?} is not a DESNZ factor ID with a gas suffix (1_100_1000_15_1)"),
                        ))
                    }
                }
            }
            None => String::new(),
        };
        let key: PathKey = (
            factor_id,
            text(cols.scope)?,
            [
                text(cols.levels[0])?,
                text(cols.levels[1])?,
                text(cols.levels[2])?,
                text(cols.levels[3])?,
            ],
            text(cols.column)?,
            text(cols.unit)?,
        );
        let slot = g.slot(key, line);
        let gi = gas as usize;
        if let Some(first) = g.seen[slot][gi] {
            let r = &g.rows[slot];
            return Err(Error::malformed(
                at(cols.ghg),
                format!(
                    "sheet {SHEET:?}, row {line}: the label path {} / {} / {} matches two rows for {ghg} (rows {first} and {line})",
                    r.scope,
                    r.levels.iter().filter(|l| !l.is_empty()).cloned().collect::<Vec<_>>().join(" > "),
                    r.unit
                ),
            ));
        }
        g.seen[slot][gi] = Some(line);
        let (value, note) = match cell(cols.value) {
            Data::Empty => (None, None),
            Data::Float(f) => match float_decimal(*f) {
                Some(d) => (Some(d), None),
                None => {
                    return Err(Error::bad_value(
                        at(cols.value),
                        SHEET,
                        f.to_string(),
                        "a finite number",
                    ))
                }
            },
            Data::Int(n) => (Some(Decimal::from(*n)), None),
            Data::String(s) if s.trim().is_empty() => (None, None),
            Data::String(s) => match parse_decimal(s) {
                Ok(d) => (Some(d), None),
                Err(_) => (None, Some(s.trim().to_string())),
            },
            other => {
                return Err(Error::malformed(
                    at(cols.value),
                    format!(
                    "sheet {SHEET:?}, row {line}: unexpected cell {other:?} where a number belongs"
                ),
                ))
            }
        };
        set_gas(&mut g.rows[slot], gas, value, note.as_deref());
    }
    Ok((g.rows, energy_rows))
}

/// Reads a normalized CSV (`desnz_ghg_factors_YEAR.csv`: year, factor_id, scope, level1-4,
/// column_text, unit, ghg_unit, kg_co2e, kg_co2e_co2, kg_co2e_ch4, kg_co2e_n2o, value_note).
/// Every row must be for `year` and in kg CO2e.
pub fn read_csv(file: &str, bytes: &[u8], year: u16) -> Result<Vec<DesnzRow>> {
    const COLUMNS: [&str; 15] = [
        "year",
        "factor_id",
        "scope",
        "level1",
        "level2",
        "level3",
        "level4",
        "column_text",
        "unit",
        "ghg_unit",
        "kg_co2e",
        "kg_co2e_co2",
        "kg_co2e_ch4",
        "kg_co2e_n2o",
        "value_note",
    ];
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        Error::malformed(Position::new(file, line, 0), format!("not valid CSV: {e}"))
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let mut idx = [0usize; 15];
    for (slot, name) in idx.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                Error::malformed(
                    Position::new(file, 1, 0),
                    format!(
                        "no column {name:?}; a DESNZ normalized CSV has: {}",
                        COLUMNS.join(", ")
                    ),
                )
            })?;
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(idx[i]).unwrap_or("");
        let at = |i: usize| Position::new(file, line, idx[i] as u64 + 1);
        if get(0) != year.to_string() {
            return Err(Error::bad_value(
                at(0),
                "year",
                get(0),
                format!("{year}, the year asked for"),
            ));
        }
        if get(9) != "kg CO2e" {
            return Err(Error::bad_value(at(9), "ghg_unit", get(9), "kg CO2e"));
        }
        let num = |i: usize| -> Result<Option<Decimal>> {
            let v = get(i);
            if v.is_empty() {
                return Ok(None);
            }
            parse_decimal(v)
                .map(Some)
                .map_err(|e| Error::bad_value(at(i), COLUMNS[i], v, e.describe()))
        };
        rows.push(DesnzRow {
            line,
            factor_id: get(1).to_string(),
            scope: get(2).to_string(),
            levels: [
                get(3).to_string(),
                get(4).to_string(),
                get(5).to_string(),
                get(6).to_string(),
            ],
            column: get(7).to_string(),
            unit: get(8).to_string(),
            kg_co2e: num(10)?,
            co2: num(11)?,
            ch4: num(12)?,
            n2o: num(13)?,
            note: get(14).to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fd(f: f64) -> String {
        float_decimal(f).map(|d| d.to_string()).unwrap_or_default()
    }

    #[test]
    fn floats_keep_fifteen_significant_digits() {
        assert_eq!(fd(0.1839968181812754), "0.183996818181275");
        assert_eq!(fd(9.655199999992272e-5), "0.0000965519999999227");
        assert_eq!(fd(0.24761000000000002), "0.24761");
        assert_eq!(fd(0.14734999999999998), "0.14735");
        assert_eq!(fd(3033.3806711409397), "3033.38067114094");
        assert_eq!(fd(1.0), "1");
        assert_eq!(fd(2020.0), "2020");
        assert_eq!(fd(22800.0), "22800");
        assert_eq!(fd(6.907358273429812e-7), "0.000000690735827342981");
        assert_eq!(float_decimal(f64::NAN), None);
    }

    #[test]
    fn gas_labels_of_every_edition() {
        assert_eq!(gas_of("kg CO2e"), Ok(Some(Gas::Total)));
        assert_eq!(gas_of("kg CH4"), Ok(Some(Gas::Ch4)));
        assert_eq!(gas_of("kg CO2e of N2O"), Ok(Some(Gas::N2o)));
        assert_eq!(gas_of("kg CO2e of CO2 per unit"), Ok(Some(Gas::Co2)));
        assert_eq!(gas_of("kWh (Net CV)"), Ok(None));
        assert_eq!(gas_of("`"), Ok(None));
        assert_eq!(gas_of(""), Ok(None));
        assert_eq!(gas_of("kg HFC"), Err(()));
    }

    const CSV: &str = "year,factor_id,scope,level1,level2,level3,level4,column_text,unit,ghg_unit,kg_co2e,kg_co2e_co2,kg_co2e_ch4,kg_co2e_n2o,value_note\n\
2016,,Scope 1,Fuels,Gaseous fuels,CNG,,Energy - Gross CV,kWh (Gross CV),kg CO2e,0.183996818181275,0.18364527438694,0.000254991794335195,9.65519999999227e-05,\n\
2016,,Scope 1,Refrigerant & other,Other refrigerants,R1234yf,,,kg,kg CO2e,,,,,kg_co2e: < 1\n";

    #[test]
    fn csv_values_are_exact_including_exponents() {
        let rows = read_csv("t.csv", CSV.as_bytes(), 2016).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].kg_co2e.unwrap().to_string(), "0.183996818181275");
        assert_eq!(rows[0].n2o.unwrap().to_string(), "0.0000965519999999227");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].kg_co2e, None);
        assert_eq!(rows[1].note, "kg_co2e: < 1");
    }

    #[test]
    fn csv_of_another_year_or_bad_number_is_refused_with_its_line() {
        let e = read_csv("t.csv", CSV.as_bytes(), 2017)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.csv:2:1: year: \"2016\""), "{e}");
        let bad = CSV.replace("0.183996818181275", "0.18x");
        let e = read_csv("t.csv", bad.as_bytes(), 2016)
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.csv:2:11: kg_co2e: \"0.18x\""), "{e}");
    }
}
