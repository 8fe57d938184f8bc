//! ERIC estates returns (NHS Digital, 2013-14 to 2016-17) to activity rows: one organisation's
//! energy, water and waste per site, with the ERIC column as each row's `ref`. "Not
//! Applicable", "No Data Provided" and blanks are missing, never zero; every cell read is
//! accounted for in the [`Summary`].

use super::eric_layouts::{reason_by_unit, Col, Layout, Level, Use, LAYOUTS, TOPIC_WORDS};
use crate::num::{exact_string, parse_decimal};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One activity row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Activity name (an alias in `factors/aliases.toml`).
    pub activity: &'static str,
    /// Quantity, exactly as the return gives it.
    pub quantity: Decimal,
    /// `kWh`, `m3` or `tonnes`.
    pub unit: &'static str,
    /// ERIC site code.
    pub site: String,
    /// NHS financial year, `2016/17`.
    pub period: String,
    /// The ERIC column the quantity comes from.
    pub reference: &'static str,
}

/// A cell that was not imported, where it is and what it held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// File, line and column.
    pub pos: Position,
    /// ERIC site code.
    pub site: String,
    /// ERIC column.
    pub column: &'static str,
    /// The text in the cell.
    pub value: String,
}

/// A column of the file that is about energy, water or waste but is not written as rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotImported {
    /// Column header.
    pub column: String,
    /// Why.
    pub reason: &'static str,
}

/// A quantity kept out of the rows on purpose (CHP, exports, own renewables), summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memo {
    /// ERIC column.
    pub column: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Sum over the sites imported (missing cells left out).
    pub total: Decimal,
    /// Why it is not a row.
    pub reason: &'static str,
}

/// What an import read, wrote and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The layout, `ERIC 2016-17 site`.
    pub layout: String,
    /// Organisation code, as asked for.
    pub org: String,
    /// Organisation name as the file gives it.
    pub org_name: String,
    /// NHS financial year, `2016/17`.
    pub period: String,
    /// Sites read, in file order.
    pub sites: Vec<String>,
    /// Cells read in the columns the layout maps to rows.
    pub cells: u64,
    /// Activity rows written.
    pub rows: u64,
    /// Cells that held zero: reported, nothing to price, no row.
    pub zero: u64,
    /// Missing cells by what they held (`Not Applicable`, `No Data Provided`, `blank`).
    pub missing_by_kind: BTreeMap<String, u64>,
    /// Every missing cell.
    pub missing: Vec<Cell>,
    /// Negative cells, not written (`ghg inventory` refuses negative quantities).
    pub negative: Vec<Cell>,
    /// Cells in columns skipped on purpose that held a quantity above zero.
    pub skipped: Vec<(Cell, &'static str)>,
    /// Quantities summed but not written as rows.
    pub memos: Vec<Memo>,
    /// Energy, water and waste columns of the file not written as rows, with why.
    pub not_imported: Vec<NotImported>,
    /// Sites where the CHP fuel input is more than all the fuel consumed: a return to check.
    pub chp_over_fuel: Vec<String>,
    /// Columns of the year's layout the file lacks (a header cut down by hand).
    pub absent: Vec<&'static str>,
    /// Subtotal rows of the file (`R1A Result`, `Grand Total`), passed over.
    pub subtotal_rows: u64,
}

impl Summary {
    /// Missing cells in all.
    pub fn missing_count(&self) -> u64 {
        self.missing_by_kind.values().sum()
    }
}

/// The outcome of reading one ERIC file for one organisation.
#[derive(Clone, Debug)]
pub struct Import {
    /// The rows, site by site in file order, columns in the layout's order.
    pub rows: Vec<Row>,
    /// What was read and left out.
    pub summary: Summary,
    /// The SDU factor set of the return's year, to price a historic re-run with.
    pub sdu_set: String,
    /// Whether the file is per site, per trust or per PFI scheme.
    pub level: Level,
}

/// The header of the activity CSV written.
pub const CSV_HEADER: &str = "activity,quantity,unit,site,period,ref";

/// The activity CSV: `activity,quantity,unit,site,period,ref`, one row per line.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::usage(format!("writing the activity CSV: {e}"));
    w.write_record(CSV_HEADER.split(',')).map_err(csv_err)?;
    for r in rows {
        let q = exact_string(r.quantity);
        w.write_record([
            r.activity,
            q.as_str(),
            r.unit,
            r.site.as_str(),
            r.period.as_str(),
            r.reference,
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::usage(format!("writing the activity CSV: {e}")))
}

/// The summary as JSON, for `--summary`: counts, every missing, negative and skipped cell,
/// memo totals and the columns not imported.
pub fn summary_json(imp: &Import) -> serde_json::Value {
    use serde_json::json;
    let s = &imp.summary;
    let cell = |c: &Cell| {
        json!({"file": c.pos.file, "line": c.pos.line, "column": c.pos.column,
               "site": c.site, "field": c.column, "value": c.value})
    };
    json!({
        "layout": s.layout,
        "org": s.org,
        "org_name": s.org_name,
        "period": s.period,
        "sites": s.sites,
        "cells": s.cells,
        "rows": s.rows,
        "zero": s.zero,
        "missing": s.missing_count(),
        "missing_by_kind": s.missing_by_kind,
        "missing_cells": s.missing.iter().map(cell).collect::<Vec<_>>(),
        "negative_cells": s.negative.iter().map(cell).collect::<Vec<_>>(),
        "skipped_cells": s.skipped.iter().map(|(c, r)| {
            let mut v = cell(c);
            v["reason"] = json!(r);
            v
        }).collect::<Vec<_>>(),
        "memos": s.memos.iter().map(|m| json!({"field": m.column, "unit": m.unit,
            "total": exact_string(m.total), "reason": m.reason})).collect::<Vec<_>>(),
        "not_imported": s.not_imported.iter().map(|n| json!({"field": n.column,
            "reason": n.reason})).collect::<Vec<_>>(),
        "chp_input_over_fuel": s.chp_over_fuel,
        "layout_columns_absent": s.absent,
        "subtotal_rows_passed_over": s.subtotal_rows,
        "factor_set_of_the_year": imp.sdu_set,
    })
}

/// Every activity name any layout may write, for checks that they resolve.
pub fn activities() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = LAYOUTS
        .iter()
        .flat_map(|l| l.cols.iter())
        .filter_map(|c| match c.to {
            Use::Rows(a) => Some(a),
            _ => None,
        })
        .flatten()
        .copied()
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A subtotal row of a spreadsheet export (`R1A Result`, `Grand Total`), not an organisation.
fn is_subtotal(code: &str) -> bool {
    code.ends_with(" Result") || code.eq_ignore_ascii_case("Grand Total")
}

/// The text of a missing cell, if it is one.
fn missing_kind(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        Some("blank")
    } else if t.eq_ignore_ascii_case("Not Applicable") {
        Some("Not Applicable")
    } else if t.eq_ignore_ascii_case("No Data Provided") {
        Some("No Data Provided")
    } else {
        None
    }
}

/// Picks the layout whose columns the header has; otherwise says which layout came closest
/// and what it lacks.
fn identify(
    file: &str,
    header: &[String],
    first_period: Option<&str>,
) -> Result<(&'static Layout, Vec<&'static str>)> {
    let has = |n: &str| header.iter().any(|h| h == n);
    let mut best: Option<(&Layout, Vec<&str>)> = None;
    for l in LAYOUTS {
        let lacking: Vec<&str> = l.required().filter(|n| !has(n)).collect();
        if lacking.is_empty() {
            return Ok((l, Vec::new()));
        }
        if best.as_ref().is_none_or(|(_, b)| lacking.len() < b.len()) {
            best = Some((l, lacking));
        }
    }
    // A site file cut down to some of its year's columns (a spreadsheet trimmed by hand): the
    // year comes from the period column; the layout's columns it lacks are named.
    let site_file = has("period") && has("Organisation Code") && has("Site Code");
    if let (true, Some(year)) = (site_file && !has("Scheme Name"), first_period) {
        let l = LAYOUTS
            .iter()
            .find(|l| l.level == Level::Site && l.year == year.trim());
        if let Some(l) = l.filter(|l| l.cols.iter().any(|c| has(c.name))) {
            let absent = l.cols.iter().map(|c| c.name).filter(|n| !has(n)).collect();
            return Ok((l, absent));
        }
    }
    let (l, lacking) = best.unwrap_or((&LAYOUTS[0], Vec::new()));
    let shown: Vec<String> = lacking.iter().take(5).map(|n| format!("{n:?}")).collect();
    Err(Error::malformed(
        Position::new(file, 1, 0),
        format!(
            "not an ERIC layout ghg knows (site, trust and PFI files of 2013-14 to 2016-17): the \
             header has {} columns; the nearest, {}, also needs {}{}. Pass the ERIC CSV as \
             NHS Digital publishes it",
            header.len(),
            l.describe(),
            shown.join(", "),
            if lacking.len() > 5 {
                format!(" and {} more", lacking.len() - 5)
            } else {
                String::new()
            }
        ),
    ))
}

/// Reads an ERIC CSV (`bytes`, named `file` in messages) and returns the organisation's
/// rows, or the site's with `site`.
pub fn read(file: &str, bytes: &[u8], org: &str, site: Option<&str>) -> Result<Import> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::malformed(
            Position::new(file, 1, 1),
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark), not the UTF-8 \
             CSV NHS Digital publishes; save the ERIC file as CSV UTF-8",
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = rdr.records().peekable();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h
            .iter()
            .map(|f| f.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        Some(Err(e)) => return Err(csv_error(file, e)),
        None => {
            return Err(Error::malformed(
                Position::new(file, 1, 0),
                "the file is empty; expected an ERIC CSV with a header row",
            ))
        }
    };
    let first_period = match (records.peek(), header.iter().position(|h| h == "period")) {
        (Some(Ok(r)), Some(i)) => r.get(i).map(str::to_string),
        _ => None,
    };
    let (layout, absent) = identify(file, &header, first_period.as_deref())?;
    let col = |n: &str| header.iter().position(|h| h == n).unwrap_or(0);
    let (period_col, org_col) = (col("period"), col("Organisation Code"));
    let site_col = header.iter().position(|h| h == "Site Code");
    let scheme_col = header.iter().position(|h| h == "Scheme Name");
    let name_col = header.iter().position(|h| h == "Organisation Name");
    let period = layout.year.replacen('-', "/", 1);
    let mut summary = Summary {
        layout: layout.describe(),
        org: org.to_string(),
        period: period.clone(),
        not_imported: not_imported(&header, layout),
        absent,
        memos: layout
            .cols
            .iter()
            .filter_map(|c| match c.to {
                Use::Memo(reason) => Some(Memo {
                    column: c.name,
                    unit: c.unit,
                    total: Decimal::ZERO,
                    reason,
                }),
                _ => None,
            })
            .collect(),
        ..Summary::default()
    };
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(String, String), u64> = BTreeMap::new();
    let (mut found_org, mut found_site, mut last_line) = (false, false, 1);
    let mut orgs: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut org_sites: Vec<String> = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(file, e))?;
        let line = rec.position().map_or(0, csv::Position::line);
        last_line = line;
        // Every published ERIC file has as many cells in each row as in its header: a shorter
        // row is a file cut short or a row damaged by hand, and reading its missing cells as
        // blanks would turn figures into "missing" without a word.
        if rec.len() != header.len() {
            return Err(Error::malformed(
                Position::new(file, line, 0),
                format!(
                    "the row has {} cells but the header has {}; the file may be cut short or \
                     the row damaged (a comma or quote added or lost): download the ERIC file \
                     again or repair the row",
                    rec.len(),
                    header.len()
                ),
            ));
        }
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        // The 2015-16 site file is a pivot table export: "R1A Result" sums R1A's sites and
        // "Grand Total" sums everything. Reading them would count every site twice.
        if is_subtotal(cell(org_col)) {
            if cell(org_col).eq_ignore_ascii_case(org) {
                return Err(Error::bad_value(
                    Position::new(file, line, org_col as u64 + 1),
                    "Organisation Code",
                    org,
                    format!(
                        "an organisation code; this row is a subtotal of the rows above it, \
                         not an organisation{}",
                        cell(org_col)
                            .strip_suffix(" Result")
                            .map(|o| format!(" (use --org {o})"))
                            .unwrap_or_default()
                    ),
                ));
            }
            summary.subtotal_rows += 1;
            continue;
        }
        if !orgs.contains(cell(org_col)) {
            orgs.insert(cell(org_col).to_string());
        }
        if !cell(org_col).eq_ignore_ascii_case(org) {
            continue;
        }
        found_org = true;
        if let Some(n) = name_col {
            summary.org_name = cell(n).to_string();
        }
        if cell(period_col) != layout.year {
            return Err(Error::bad_value(
                Position::new(file, line, period_col as u64 + 1),
                "period",
                cell(period_col),
                format!(
                    "{}, the year of the {} layout this header has",
                    layout.year,
                    layout.describe()
                ),
            ));
        }
        let site_code = site_col.map_or(String::new(), |i| cell(i).to_string());
        org_sites.push(site_code.clone());
        if let (Some(want), Some(_)) = (site, site_col) {
            if !site_code.eq_ignore_ascii_case(want) {
                continue;
            }
        }
        found_site = true;
        if let Some(sc) = site_col {
            if site_code.is_empty() {
                return Err(Error::bad_value(
                    Position::new(file, line, sc as u64 + 1),
                    "Site Code",
                    "",
                    "the ERIC site code of the row (e.g. REF01); a row without one cannot be \
                     told from the others",
                ));
            }
            // A PFI file lists a site once per scheme; a site file once.
            let scheme = scheme_col.map_or(String::new(), |i| cell(i).to_string());
            if let Some(first) = seen.insert((site_code.clone(), scheme), line) {
                return Err(Error::bad_value(
                    Position::new(file, line, sc as u64 + 1),
                    "Site Code",
                    &site_code,
                    format!(
                        "each site once per organisation{}: {site_code} of {org} is also on line {first}; remove one of the two rows",
                        if scheme_col.is_some() { " and scheme" } else { "" }
                    ),
                ));
            }
            if !summary.sites.contains(&site_code) {
                summary.sites.push(site_code.clone());
            }
        }
        read_site(
            file,
            line,
            layout,
            &header,
            &rec,
            &site_code,
            &period,
            &mut rows,
            &mut summary,
        )?;
    }
    if last_line == 1 {
        return Err(Error::malformed(
            Position::new(file, 2, 0),
            "the file has a header but no rows; expected the rows of the organisations (the \
             file may be cut short: download the ERIC file again)",
        ));
    }
    if !found_org {
        return Err(Error::bad_value(
            Position::new(file, 0, org_col as u64 + 1),
            "Organisation Code",
            org,
            format!(
                "the code of an organisation in the file, as in its column {} (lines 2 to \
                 {last_line} hold {} organisations: {}{})",
                org_col + 1,
                orgs.len(),
                orgs.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if orgs.len() > 5 { ", ..." } else { "" }
            ),
        ));
    }
    if !found_site {
        let want = site.unwrap_or_default();
        return Err(Error::bad_value(
            Position::new(file, 0, site_col.map_or(0, |c| c as u64 + 1)),
            "Site Code",
            want,
            format!(
                "a site of {org} in the file ({}); leave out --site to import them all",
                org_sites.join(", ")
            ),
        ));
    }
    summary.rows = rows.len() as u64;
    let sdu_set = format!("nhs-sdu-{}", layout.year);
    Ok(Import {
        rows,
        summary,
        sdu_set,
        level: layout.level,
    })
}

/// Reads one site's (or trust's) row of the return.
#[allow(clippy::too_many_arguments)]
fn read_site(
    file: &str,
    line: u64,
    layout: &Layout,
    header: &[String],
    rec: &csv::StringRecord,
    site: &str,
    period: &str,
    rows: &mut Vec<Row>,
    summary: &mut Summary,
) -> Result<()> {
    let mut fuel = Decimal::ZERO;
    let mut chp_input = None;
    for c in layout.cols {
        let Some(i) = header.iter().position(|h| h == c.name) else {
            continue;
        };
        let text = rec.get(i).unwrap_or("").trim();
        let pos = Position::new(file, line, i as u64 + 1);
        let here = |value: &str| Cell {
            pos: pos.clone(),
            site: site.to_string(),
            column: c.name,
            value: value.to_string(),
        };
        summary.cells += 1;
        if let Some(kind) = missing_kind(text) {
            *summary.missing_by_kind.entry(kind.to_string()).or_default() += 1;
            summary.missing.push(here(text));
            continue;
        }
        let q = parse_decimal(text).map_err(|e| {
            Error::bad_value(
                pos.clone(),
                c.name,
                text,
                format!(
                    "{} in {}, or Not Applicable or a blank when there is no figure",
                    e.describe(),
                    c.unit
                ),
            )
        })?;
        if q.is_sign_negative() && !q.is_zero() {
            summary.negative.push(here(text));
            continue;
        }
        if q.is_zero() {
            summary.zero += 1;
            continue;
        }
        match c.to {
            Use::Rows(activities) => {
                if matches!(
                    activities,
                    ["natural gas"] | ["fuel oil kwh"] | ["coal kwh"]
                ) {
                    fuel += q;
                }
                for &activity in activities {
                    rows.push(Row {
                        activity,
                        quantity: q,
                        unit: c.unit,
                        site: site.to_string(),
                        period: period.to_string(),
                        reference: c.name,
                    });
                }
            }
            Use::Memo(_) => {
                if let Some(m) = summary.memos.iter_mut().find(|m| m.column == c.name) {
                    m.total += q;
                }
                if c.name.contains("input to") {
                    chp_input = Some(q);
                }
            }
            Use::Skip(reason) => summary.skipped.push((here(text), reason)),
        }
    }
    if chp_input.is_some_and(|c| c > fuel) {
        summary.chp_over_fuel.push(site.to_string());
    }
    Ok(())
}

/// Energy, water and waste columns in the header that no row is written for, with why.
fn not_imported(header: &[String], layout: &Layout) -> Vec<NotImported> {
    let mut out: Vec<NotImported> = Vec::new();
    for h in header {
        if out.iter().any(|n| &n.column == h) {
            continue;
        }
        let reason = match layout.cols.iter().find(|c: &&Col| c.name == h) {
            Some(c) => match c.to {
                Use::Rows(_) => continue,
                Use::Memo(r) | Use::Skip(r) => r,
            },
            None => {
                let l = h.to_lowercase();
                if !TOPIC_WORDS.iter().any(|w| l.contains(w)) {
                    continue;
                }
                reason_by_unit(h)
            }
        };
        out.push(NotImported {
            column: h.clone(),
            reason,
        });
    }
    out
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(file, io),
        csv::ErrorKind::Utf8 { pos, err } => Error::malformed(
            Position::new(file, pos.map_or(line, |p| p.line()), err.field() as u64 + 1),
            "not valid UTF-8 text (a Windows-1252 or Latin-1 file?); save the ERIC file as CSV UTF-8",
        ),
        other => Error::malformed(Position::new(file, line, 0), format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "period,Organisation Code,Organisation Name,Commissioning Region,Organisation Type,Site Code,Site Name,Site Type";

    fn site_file(rows: &[&str]) -> String {
        let l = &LAYOUTS[0];
        let mut h = HEAD.to_string();
        for c in l.cols {
            h.push(',');
            h.push_str(&format!("{:?}", c.name));
        }
        h.push_str(",Energy costs (all energy supplies) (£)\n");
        for r in rows {
            h.push_str(r);
            h.push('\n');
        }
        h
    }

    fn cells(values: &[&str]) -> String {
        let mut v: Vec<&str> = values.to_vec();
        v.resize(LAYOUTS[0].cols.len() + 1, "0");
        v.join(",")
    }

    #[test]
    fn rows_missing_zero_and_memo() {
        let a = format!(
            "2016-17,REF,ROYAL CORNWALL,X,Y,REF01,Treliske,Z,{}",
            cells(&["1000.5", "Not Applicable", "", "2000"])
        );
        let b = format!(
            "2016-17,RX1,OTHER,X,Y,RX101,Other,Z,{}",
            cells(&["7", "7", "7", "7"])
        );
        let text = site_file(&[&a, &b]);
        let imp = read("e.csv", text.as_bytes(), "ref", None).unwrap();
        let s = &imp.summary;
        assert_eq!(s.layout, "ERIC 2016-17 site");
        assert_eq!(s.sites, ["REF01"]);
        assert_eq!(imp.rows.len(), 2);
        assert_eq!(imp.rows[0].activity, "electricity");
        assert_eq!(imp.rows[0].quantity.to_string(), "1000.5");
        assert_eq!(imp.rows[0].period, "2016/17");
        assert_eq!(imp.rows[1].activity, "natural gas");
        assert_eq!(s.missing_by_kind["Not Applicable"], 1);
        assert_eq!(s.missing_by_kind["blank"], 1);
        assert_eq!(s.missing[0].pos, Position::new("e.csv", 2, 10));
        assert_eq!(s.cells, LAYOUTS[0].cols.len() as u64);
        assert_eq!(s.zero, s.cells - 4);
        assert!(s
            .not_imported
            .iter()
            .any(|n| n.column == "Energy costs (all energy supplies) (£)"
                && n.reason == "a cost, not a quantity"));
        assert_eq!(imp.sdu_set, "nhs-sdu-2016-17");
        let csv = String::from_utf8(to_csv(&imp.rows).unwrap()).unwrap();
        assert_eq!(
            csv.lines().nth(1),
            Some("electricity,1000.5,kWh,REF01,2016/17,Electricity consumed (kWh)")
        );
    }

    #[test]
    fn bad_files_name_file_line_and_column() {
        let a = format!("2016-17,REF,R,X,Y,REF01,T,Z,{}", cells(&["1"]));
        let text = site_file(&[&a, &a]);
        let e = read("e.csv", text.as_bytes(), "REF", None).unwrap_err();
        assert!(e.to_string().starts_with("e.csv:3:6: Site Code"), "{e}");
        assert!(e.to_string().contains("also on line 2"), "{e}");
        let e = read("e.csv", text.as_bytes(), "XYZ", None).unwrap_err();
        assert!(e.to_string().starts_with("e.csv: Organisation Code"), "{e}");
        let e = read("u.csv", b"a,b\n1,2\n", "REF", None).unwrap_err();
        assert!(
            e.to_string().starts_with("u.csv:1: not an ERIC layout"),
            "{e}"
        );
        let bad = format!("2016-17,REF,R,X,Y,REF01,T,Z,{}", cells(&["12O4"]));
        let e = read("e.csv", site_file(&[&bad]).as_bytes(), "REF", None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("e.csv:2:9: Electricity consumed (kWh): \"12O4\""),
            "{e}"
        );
        let sub = format!("2016-17,REF Result,,,,,,,{}", cells(&["1"]));
        let a = format!("2016-17,REF,R,X,Y,REF01,T,Z,{}", cells(&["1"]));
        let imp = read("e.csv", site_file(&[&a, &sub]).as_bytes(), "REF", None).unwrap();
        assert_eq!((imp.rows.len(), imp.summary.subtotal_rows), (1, 1));
        let e = read(
            "e.csv",
            site_file(&[&a, &sub]).as_bytes(),
            "REF Result",
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("(use --org REF)"), "{e}");
        let blank = format!("2016-17,REF,R,X,Y,,T,Z,{}", cells(&["1"]));
        let e = read("e.csv", site_file(&[&blank]).as_bytes(), "REF", None).unwrap_err();
        assert!(
            e.to_string().starts_with("e.csv:2:6: Site Code: \"\""),
            "{e}"
        );
        let neg = format!("2016-17,REF,R,X,Y,REF01,T,Z,{}", cells(&["-5"]));
        let imp = read("e.csv", site_file(&[&neg]).as_bytes(), "REF", None).unwrap();
        assert_eq!(imp.summary.negative.len(), 1);
        assert!(imp.rows.is_empty());
    }

    #[test]
    fn a_header_cut_down_to_some_columns_reads_by_its_period() {
        let text = format!(
            "{HEAD},Gas consumed (kWh),Electricity consumed (kWh)\n\
             2015-16,REF,R,X,Y,REF01,T,Z,20,10\n"
        );
        let imp = read("cut.csv", text.as_bytes(), "REF", None).unwrap();
        assert_eq!(imp.summary.layout, "ERIC 2015-16 site");
        assert_eq!(imp.rows.len(), 2);
        assert_eq!(imp.rows[0].activity, "electricity");
        assert_eq!(imp.rows[0].quantity, Decimal::from(10));
        assert!(imp.summary.absent.contains(&"Oil consumed (kWh)"));
        let other = text.replace("2015-16,", "2018-19,");
        let e = read("cut.csv", other.as_bytes(), "REF", None).unwrap_err();
        assert!(
            e.to_string().starts_with("cut.csv:1: not an ERIC layout"),
            "{e}"
        );
    }

    #[test]
    fn every_layout_column_is_unique() {
        for l in LAYOUTS {
            let mut names: Vec<&str> = l.required().collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{}", l.describe());
        }
    }
}
