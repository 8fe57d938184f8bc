//! `procurement.json` to bytes for a procurement lead and a board: a table (tCO2e, GBP and
//! shares rounded for display), one CSV of every table with exact figures, or an XLSX
//! workbook with a sheet per table (figures stored as numbers, formatted).

use crate::num::{display_grouped, parse_decimal};
use crate::report::table::{self as text_table, Align};
use crate::supply::metrics::{Bucket, Procurement, SupplierRow};
use crate::{Error, Result};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// One cell of a report table.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Text(String),
    /// GBP.
    Gbp(Decimal),
    /// kg CO2e, shown in tonnes.
    Kg(Decimal),
    /// Percent.
    Pct(Decimal),
    /// kg CO2e per GBP.
    Ratio(Decimal),
    Count(u64),
    Empty,
}

/// A table as shown: its title (the XLSX sheet name), headers and rows.
struct Table {
    title: &'static str,
    headers: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

fn dec(what: &str, text: &str) -> Result<Decimal> {
    parse_decimal(text).map_err(|_| {
        Error::usage(format!(
            "procurement.json: {what} {text:?} is not a decimal; was the file edited?"
        ))
    })
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "yes" } else { "no" }.into())
}

fn buckets(title: &'static str, first: &'static str, b: &[Bucket]) -> Result<Table> {
    let mut rows = Vec::new();
    for x in b {
        rows.push(vec![
            Cell::Text(x.name.clone()),
            Cell::Gbp(dec("spend_gbp", &x.spend_gbp)?),
            Cell::Pct(dec("spend_share_percent", &x.spend_share_percent)?),
            Cell::Kg(dec("kg_co2e", &x.kg_co2e)?),
            Cell::Pct(dec("emissions_share_percent", &x.emissions_share_percent)?),
            Cell::Count(x.rows),
        ]);
    }
    Ok(Table {
        title,
        headers: vec![
            first,
            "spend GBP",
            "% of spend",
            "tCO2e",
            "% of emissions",
            "rows",
        ],
        rows,
    })
}

fn suppliers(title: &'static str, list: &[SupplierRow], full: bool) -> Result<Table> {
    let mut rows = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let ratio = match &s.kg_co2e_per_gbp {
            Some(r) => Cell::Ratio(dec("kg_co2e_per_gbp", r)?),
            None => Cell::Empty,
        };
        let mut r = vec![
            Cell::Count(i as u64 + 1),
            Cell::Text(s.supplier_id.clone()),
            Cell::Text(s.name.clone()),
            Cell::Kg(dec("kg_co2e", &s.kg_co2e)?),
            Cell::Gbp(dec("spend_gbp", &s.spend_gbp)?),
            ratio,
            Cell::Text(s.tier.clone()),
            Cell::Text(s.crp.clone()),
        ];
        if full {
            r.remove(0);
            r.push(match s.local {
                Some(b) => yes_no(b),
                None => Cell::Empty,
            });
            r.push(yes_no(s.sme));
            r.push(yes_no(s.vcse));
            r.push(Cell::Count(s.rows));
        }
        rows.push(r);
    }
    let mut headers = vec![
        "rank",
        "supplier",
        "name",
        "tCO2e",
        "spend GBP",
        "kg CO2e/GBP",
        "tier",
        "CRP",
    ];
    if full {
        headers.remove(0);
        headers.extend(["local", "SME", "VCSE", "rows"]);
    }
    Ok(Table {
        title,
        headers,
        rows,
    })
}

fn tables(p: &Procurement) -> Result<Vec<Table>> {
    let t = &p.totals;
    let summary = Table {
        title: "Summary",
        headers: vec!["measure", "value"],
        rows: vec![
            vec![Cell::Text("spend rows".into()), Cell::Count(t.rows)],
            vec![
                Cell::Text("spend (GBP)".into()),
                Cell::Gbp(dec("spend_gbp", &t.spend_gbp)?),
            ],
            vec![
                Cell::Text("emissions (tCO2e)".into()),
                Cell::Kg(dec("kg_co2e", &t.kg_co2e)?),
            ],
            vec![
                Cell::Text("spend with register suppliers (GBP)".into()),
                Cell::Gbp(dec("matched_spend_gbp", &t.matched_spend_gbp)?),
            ],
            vec![
                Cell::Text("spend not matched to the register (GBP)".into()),
                Cell::Gbp(dec("unmatched_spend_gbp", &t.unmatched_spend_gbp)?),
            ],
            vec![
                Cell::Text("hybrid upstream share".into()),
                Cell::Text(p.upstream_share.clone()),
            ],
        ],
    };
    let mut anchor = Table {
        title: "Anchor",
        headers: vec!["spend with", "spend GBP", "% of spend", "suppliers"],
        rows: Vec::new(),
    };
    for a in &p.anchor {
        anchor.rows.push(vec![
            Cell::Text(
                match a.name.as_str() {
                    "local" => "local suppliers",
                    "sme" => "SMEs",
                    "vcse" => "VCSEs",
                    other => other,
                }
                .into(),
            ),
            Cell::Gbp(dec("spend_gbp", &a.spend_gbp)?),
            Cell::Pct(dec("spend_share_percent", &a.spend_share_percent)?),
            Cell::Count(a.suppliers as u64),
        ]);
    }
    let mut unmatched = Table {
        title: "Unmatched",
        headers: vec!["supplier as written", "spend GBP", "tCO2e", "rows"],
        rows: Vec::new(),
    };
    for u in &p.unmatched {
        unmatched.rows.push(vec![
            Cell::Text(if u.supplier.is_empty() {
                "(no supplier named)".into()
            } else {
                u.supplier.clone()
            }),
            Cell::Gbp(dec("spend_gbp", &u.spend_gbp)?),
            Cell::Kg(dec("kg_co2e", &u.kg_co2e)?),
            Cell::Count(u.rows),
        ]);
    }
    Ok(vec![
        summary,
        buckets("By tier", "tier", &p.by_tier)?,
        anchor,
        buckets("By CRP", "Carbon Reduction Plan", &p.by_crp)?,
        suppliers("Top by emissions", &p.top_by_emissions, false)?,
        suppliers("Top by spend", &p.top_by_spend, false)?,
        suppliers("Top by kg per GBP", &p.top_by_intensity, false)?,
        unmatched,
        suppliers("Suppliers", &p.suppliers, true)?,
    ])
}

/// kg to tonnes, exactly (moving the decimal point).
fn tonnes(kg: Decimal) -> Decimal {
    kg.checked_div(Decimal::ONE_THOUSAND).unwrap_or(kg)
}

fn shown(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Gbp(v) => display_grouped(*v, 0),
        Cell::Kg(v) => display_grouped(tonnes(*v), 2),
        Cell::Pct(v) => display_grouped(*v, 1),
        Cell::Ratio(v) => display_grouped(*v, 3),
        Cell::Count(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// The report for people: each table with figures rounded half away from zero for display.
pub fn procurement_table(p: &Procurement) -> Result<String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Procurement: spend and emissions by supplier (register {}, {} suppliers)",
        p.register.file, p.register.suppliers
    );
    for t in tables(p)? {
        if t.rows.is_empty() && t.title != "Unmatched" {
            continue;
        }
        let _ = writeln!(out, "\n{}", t.title);
        if t.rows.is_empty() {
            let _ = writeln!(out, "(none: every spend row's supplier is in the register)");
            continue;
        }
        let cells: Vec<Vec<String>> =
            std::iter::once(t.headers.iter().map(|h| h.to_string()).collect())
                .chain(t.rows.iter().map(|r| r.iter().map(shown).collect()))
                .collect();
        let n = t.headers.len();
        // A column with any figure in it is right-aligned, its header too.
        let align: Vec<Align> = (0..n)
            .map(|i| {
                let text = t
                    .rows
                    .iter()
                    .all(|r| matches!(r.get(i), Some(Cell::Text(_) | Cell::Empty) | None));
                if text {
                    Align::Left
                } else {
                    Align::Right
                }
            })
            .collect();
        let mut table = text_table::Table::new(align);
        for r in cells {
            table.row(r);
        }
        out.push_str(&table.render());
    }
    let _ = writeln!(
        out,
        "\nFigures are rounded separately for display, so they may not add up; procurement.json has them exact."
    );
    for n in &p.notes {
        let _ = writeln!(out, "note: {n}");
    }
    Ok(out)
}

/// Every table in one CSV with exact figures: a `table` column names the table, and each row
/// fills the columns that apply to it.
pub fn procurement_csv(p: &Procurement) -> Result<String> {
    let header = [
        "table",
        "name",
        "supplier_id",
        "spend_gbp",
        "spend_share_percent",
        "kg_co2e",
        "emissions_share_percent",
        "kg_co2e_per_gbp",
        "rows",
        "suppliers",
        "tier",
        "crp",
        "local",
        "sme",
        "vcse",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::usage(format!("writing CSV: {e}"));
    w.write_record(header).map_err(err)?;
    let t = &p.totals;
    let mut put = |r: [&str; 15]| w.write_record(r).map_err(err);
    let rows_s = t.rows.to_string();
    put([
        "total",
        "",
        "",
        &t.spend_gbp,
        "100",
        &t.kg_co2e,
        "100",
        "",
        &rows_s,
        "",
        "",
        "",
        "",
        "",
        "",
    ])?;
    for (table, list) in [("by_tier", &p.by_tier), ("by_crp", &p.by_crp)] {
        for b in list {
            let rows = b.rows.to_string();
            put([
                table,
                &b.name,
                "",
                &b.spend_gbp,
                &b.spend_share_percent,
                &b.kg_co2e,
                &b.emissions_share_percent,
                "",
                &rows,
                "",
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
    }
    for a in &p.anchor {
        let n = a.suppliers.to_string();
        put([
            "anchor",
            &a.name,
            "",
            &a.spend_gbp,
            &a.spend_share_percent,
            "",
            "",
            "",
            "",
            &n,
            "",
            "",
            "",
            "",
            "",
        ])?;
    }
    let yn = |b: bool| if b { "yes" } else { "no" };
    for (table, list) in [
        ("top_by_emissions", &p.top_by_emissions),
        ("top_by_spend", &p.top_by_spend),
        ("top_by_intensity", &p.top_by_intensity),
        ("supplier", &p.suppliers),
    ] {
        for s in list {
            let rows = s.rows.to_string();
            put([
                table,
                &s.name,
                &s.supplier_id,
                &s.spend_gbp,
                "",
                &s.kg_co2e,
                "",
                s.kg_co2e_per_gbp.as_deref().unwrap_or(""),
                &rows,
                "",
                &s.tier,
                &s.crp,
                s.local.map_or("", yn),
                yn(s.sme),
                yn(s.vcse),
            ])?;
        }
    }
    for u in &p.unmatched {
        let rows = u.rows.to_string();
        put([
            "unmatched",
            &u.supplier,
            "",
            &u.spend_gbp,
            "",
            &u.kg_co2e,
            "",
            "",
            &rows,
            "",
            "spend-based",
            "",
            "",
            "",
            "",
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| Error::usage(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::usage(e.to_string()))
}

/// The workbook: a sheet per table, figures as numbers with display formats (tCO2e to 2
/// places, GBP to 0, percentages to 1, kg per GBP to 3), and an `About` sheet with the
/// register and the notes. Numbers are the exact figures converted once to the nearest
/// spreadsheet double.
pub fn procurement_xlsx(p: &Procurement) -> Result<Vec<u8>> {
    use rust_decimal::prelude::ToPrimitive;
    use rust_xlsxwriter::{Format, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::usage(format!("writing XLSX: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let f_gbp = Format::new().set_num_format("#,##0");
    let f_t = Format::new().set_num_format("#,##0.00");
    let f_pct = Format::new().set_num_format("0.0");
    let f_ratio = Format::new().set_num_format("0.000");
    let num = |d: Decimal| -> Result<f64> {
        d.to_f64()
            .ok_or_else(|| Error::usage(format!("{d} does not fit a spreadsheet number")))
    };
    for t in tables(p)? {
        let ws = wb.add_worksheet();
        ws.set_name(t.title).map_err(xerr)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xerr)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(xerr)?;
                    }
                    Cell::Gbp(v) => {
                        ws.write_number_with_format(r, c, num(*v)?, &f_gbp)
                            .map_err(xerr)?;
                    }
                    Cell::Kg(v) => {
                        ws.write_number_with_format(r, c, num(tonnes(*v))?, &f_t)
                            .map_err(xerr)?;
                    }
                    Cell::Pct(v) => {
                        ws.write_number_with_format(r, c, num(*v)?, &f_pct)
                            .map_err(xerr)?;
                    }
                    Cell::Ratio(v) => {
                        ws.write_number_with_format(r, c, num(*v)?, &f_ratio)
                            .map_err(xerr)?;
                    }
                    Cell::Count(n) => {
                        ws.write_number(r, c, num(Decimal::from(*n))?)
                            .map_err(xerr)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.autofit();
    }
    let ws = wb.add_worksheet();
    ws.set_name("About").map_err(xerr)?;
    let mut lines = vec![
        format!(
            "Supplier register: {} ({} suppliers), SHA-256 {}",
            p.register.file, p.register.suppliers, p.register.sha256
        ),
        format!(
            "Units: tCO2e; spend in GBP as the rows give it; hybrid upstream share {}",
            p.upstream_share
        ),
    ];
    if let Some(l) = &p.local_area {
        lines.push(format!(
            "Local area ({}): local authorities {}; postcode areas {}",
            l.file,
            l.local_authorities.join(", "),
            l.postcode_areas.join(", ")
        ));
    }
    lines.extend(p.notes.iter().cloned());
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(i as u32, 0, l).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// The exact figures of procurement.json as written.
pub fn procurement_json(p: &Procurement) -> Result<String> {
    p.to_json()
}
