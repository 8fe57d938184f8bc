//! `ghg report nhs`: one or more inventory runs (their ledgers) to the tables an NHS trust
//! publishes: the Greener NHS summary (NHS Carbon Footprint and Footprint Plus by NHS category,
//! this year against the prior year and the baseline), the annual report's sustainability
//! tables (emissions by scope with the energy behind them, waste by disposal route, water, each
//! with its cost), intensities, and the sources. Built once as [`Table`]s; each output format
//! renders the same tables, so the XLSX, CSV, JSON and text agree figure for figure.

use crate::model::ledger::LedgerLine;
use crate::nhs::{NhsCategory, NhsFootprint};
use crate::num::{display_grouped, exact_string};
use crate::report::table::{self as text_table, Align};
use crate::units::{conversion, parse_unit, Dimension};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How a number is shown (and formatted in a spreadsheet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// tCO2e, two places.
    Tonnes,
    /// A quantity (kWh, tonnes, m3, GBP), no places beyond two.
    Quantity,
    /// A share, stored as a fraction, shown as a percentage.
    Share,
    /// An intensity, kg CO2e per unit, three places.
    Intensity,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// An exact number and how to show it.
    Num(Decimal, Format),
}

/// One table: a sheet of the workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Sheet name (at most 31 characters) and key in the JSON.
    pub name: &'static str,
    /// A sentence saying what the table holds.
    pub title: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows, as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// One run, as read from its output directory.
#[derive(Clone, Debug, Default)]
pub struct RunInput {
    /// The directory as named on the command line.
    pub name: String,
    /// Its ledger lines.
    pub ledger: Vec<LedgerLine>,
    /// Factor sets it used: id and title.
    pub factor_sets: Vec<(String, String)>,
    /// Its notes.
    pub notes: Vec<String>,
}

/// Denominators for intensities, as the user gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Denominators {
    /// Gross internal floor area, m2.
    pub floor_area_m2: Option<Decimal>,
    /// Staff, full-time equivalent.
    pub fte: Option<Decimal>,
    /// Beds.
    pub beds: Option<Decimal>,
    /// Operating expense, GBP.
    pub opex_gbp: Option<Decimal>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhsReport {
    /// Each run's label (its reporting year, or its directory) and role, oldest first.
    pub runs: Vec<(String, String, String)>,
    /// The tables, in sheet order.
    pub tables: Vec<Table>,
}

fn ov() -> Error {
    Error::overflow(Position::default(), "a report total")
}

fn add(a: &mut Decimal, b: Decimal) -> Result<()> {
    *a = a.checked_add(b).ok_or_else(ov)?;
    Ok(())
}

/// kg to tonnes, exactly.
fn tonnes(kg: Decimal) -> Decimal {
    let mut t = kg;
    if t.set_scale(t.scale() + 3).is_err() {
        t = kg / Decimal::ONE_THOUSAND;
    }
    t.normalize()
}

fn share(part: Decimal, whole: Decimal) -> Cell {
    match part.checked_div(whole) {
        Some(s) if !whole.is_zero() => Cell::Num(s.normalize(), Format::Share),
        _ => Cell::Empty,
    }
}

/// A run's label: its one reporting year, or its directory name.
fn label(run: &RunInput) -> String {
    let mut years: Vec<&str> = run
        .ledger
        .iter()
        .map(|l| l.reporting_year.as_str())
        .filter(|y| !y.is_empty())
        .collect();
    years.sort_unstable();
    years.dedup();
    match years.as_slice() {
        [one] => (*one).to_string(),
        _ => run.name.clone(),
    }
}

/// Lines in the NHS view (everything but biogenic CO2), location-based kg by category.
fn by_category(run: &RunInput) -> Result<BTreeMap<NhsCategory, Decimal>> {
    let mut out = BTreeMap::new();
    for l in &run.ledger {
        if l.scope == "outside" {
            continue;
        }
        let c = NhsCategory::parse(&l.nhs_category).ok_or_else(|| {
            Error::malformed(
                Position::new(&run.name, l.ledger_line, 0),
                format!(
                    "ledger line without an NHS category ({:?}); re-run it with this ghg",
                    l.nhs_category
                ),
            )
        })?;
        add(out.entry(c).or_insert(Decimal::ZERO), l.kg_co2e)?;
    }
    Ok(out)
}

/// Builds the report. Runs are ordered by label; the last is "this year", the one before it
/// the prior year, the first the baseline (with three or more runs).
pub fn build(mut runs: Vec<RunInput>, d: &Denominators) -> Result<NhsReport> {
    if runs.is_empty() {
        return Err(Error::usage("no run directory given"));
    }
    runs.sort_by_cached_key(label);
    let n = runs.len();
    let roles: Vec<(usize, &str)> = match n {
        1 => vec![(0, "this year")],
        2 => vec![(0, "prior year"), (1, "this year")],
        _ => vec![(0, "baseline"), (n - 2, "prior year"), (n - 1, "this year")],
    };
    let cats: Vec<BTreeMap<NhsCategory, Decimal>> =
        runs.iter().map(by_category).collect::<Result<_>>()?;
    let mut tables = vec![summary(&runs, &roles, &cats)?];
    let this = &runs[n - 1];
    tables.push(scopes(this)?);
    tables.push(consumption(
        this,
        "Energy",
        "Energy behind scope 1 and 2 emissions: quantity in the factor's unit, kWh where that is \
         energy, scope 1 and 2 tCO2e (their well-to-tank and T&D are scope 3) and cost",
        |l| l.scope == "1" || l.scope == "2",
        "kWh",
    )?);
    tables.push(consumption(
        this,
        "Waste",
        "Waste by disposal route: tonnes, tCO2e and cost",
        |l| l.nhs_category == NhsCategory::Waste.as_str(),
        "tonnes",
    )?);
    tables.push(consumption(
        this,
        "Water",
        "Water supplied and treated: m3, tCO2e and cost",
        |l| l.nhs_category == NhsCategory::Water.as_str(),
        "m3",
    )?);
    if let Some(t) = intensities(&cats[n - 1], this, d)? {
        tables.push(t);
    }
    tables.push(sources(&runs, &roles));
    Ok(NhsReport {
        runs: roles
            .iter()
            .map(|(i, role)| (label(&runs[*i]), role.to_string(), runs[*i].name.clone()))
            .collect(),
        tables,
    })
}

fn summary(
    runs: &[RunInput],
    roles: &[(usize, &str)],
    cats: &[BTreeMap<NhsCategory, Decimal>],
) -> Result<Table> {
    let mut columns = vec!["NHS category".to_string(), "footprint".to_string()];
    for (i, role) in roles {
        let l = label(&runs[*i]);
        columns.push(format!("{role} {l} tCO2e"));
        columns.push(format!("{role} {l} share"));
    }
    // This year against the prior year and the baseline, as fractions (-0.05 is 5% lower).
    let this = roles.last().map_or(0, |(i, _)| *i);
    let against: Vec<(usize, &str)> = roles
        .iter()
        .rev()
        .skip(1)
        .map(|(i, role)| (*i, *role))
        .collect();
    for (_, role) in &against {
        columns.push(format!("change vs {role}"));
    }
    // Per run: Carbon Footprint, Footprint Plus (all of it, Carbon Footprint included), neither.
    let mut totals = Vec::new();
    for c in cats {
        let (mut cf, mut plus, mut neither) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for (cat, kg) in c {
            match cat.footprint() {
                Some(NhsFootprint::CarbonFootprint) => {
                    add(&mut cf, *kg)?;
                    add(&mut plus, *kg)?;
                }
                Some(NhsFootprint::FootprintPlus) => add(&mut plus, *kg)?,
                None => add(&mut neither, *kg)?,
            }
        }
        totals.push((cf, plus, neither));
    }
    let mut rows = Vec::new();
    let row = |name: &str, fp: &str, kg: &dyn Fn(usize) -> Decimal| -> Vec<Cell> {
        let mut r = vec![Cell::Text(name.to_string()), Cell::Text(fp.to_string())];
        for (i, _) in roles {
            let v = kg(*i);
            r.push(Cell::Num(tonnes(v), Format::Tonnes));
            r.push(share(v, totals[*i].1));
        }
        for (i, _) in &against {
            let (now, then) = (kg(this), kg(*i));
            r.push(match now.checked_sub(then) {
                Some(d) => share(d, then),
                None => Cell::Empty,
            });
        }
        r
    };
    let present = |cat: &NhsCategory| cats.iter().any(|c| c.contains_key(cat));
    for fp in [NhsFootprint::CarbonFootprint, NhsFootprint::FootprintPlus] {
        for cat in NhsCategory::ALL
            .iter()
            .filter(|c| c.footprint() == Some(fp) && present(c))
        {
            rows.push(row(cat.title(), fp.as_str(), &|i| {
                cats[i].get(cat).copied().unwrap_or_default()
            }));
        }
        match fp {
            NhsFootprint::CarbonFootprint => {
                rows.push(row("NHS Carbon Footprint", fp.as_str(), &|i| totals[i].0))
            }
            NhsFootprint::FootprintPlus => rows.push(row(
                "NHS Carbon Footprint Plus (including the Carbon Footprint)",
                fp.as_str(),
                &|i| totals[i].1,
            )),
        }
    }
    if totals.iter().any(|t| !t.2.is_zero()) {
        rows.push(row("Outside both NHS footprints", "", &|i| totals[i].2));
    }
    Ok(Table {
        name: "Greener NHS summary",
        title: "NHS Carbon Footprint and Footprint Plus by NHS category, tCO2e (location-based) \
                and share of the Footprint Plus"
            .to_string(),
        columns,
        rows,
    })
}

/// Quantity of a primary line in `unit` if its factor's unit converts to it exactly enough.
fn in_unit(l: &LedgerLine, unit: &str) -> Option<Decimal> {
    let from = parse_unit(&l.converted_unit)?;
    let to = parse_unit(unit)?;
    if from.dimension != to.dimension || matches!(from.dimension, Dimension::Gbp | Dimension::Usd) {
        return None;
    }
    let c = conversion(&from, &to).ok()?;
    l.converted_quantity.checked_mul(c.num)?.checked_div(c.den)
}

/// The GBP cost of a primary line, if the activity file gave one in GBP.
fn cost_gbp(l: &LedgerLine) -> Option<Decimal> {
    l.cost
        .filter(|_| l.cost_currency.eq_ignore_ascii_case("GBP"))
}

fn scopes(run: &RunInput) -> Result<Table> {
    let names = [
        ("1", "Scope 1"),
        ("2", "Scope 2 (location-based)"),
        ("2m", "Scope 2 (market-based)"),
        ("3", "Scope 3"),
        ("t", "Total (location-based)"),
    ];
    let mut kg: BTreeMap<&str, [Decimal; 3]> = BTreeMap::new();
    for l in &run.ledger {
        let keys: &[&str] = match l.scope.as_str() {
            "1" => &["1", "t"],
            "2" => &["2", "2m", "t"],
            "3" => &["3", "t"],
            _ => &[],
        };
        for k in keys {
            let e = kg.entry(k).or_insert([Decimal::ZERO; 3]);
            add(
                &mut e[0],
                if *k == "2m" {
                    l.kg_co2e_market
                } else {
                    l.kg_co2e
                },
            )?;
            if l.upstream_of.is_empty() {
                if let Some(q) = in_unit(l, "kWh").filter(|_| *k != "3") {
                    add(&mut e[1], q)?;
                }
                if let Some(c) = cost_gbp(l) {
                    add(&mut e[2], c)?;
                }
            }
        }
    }
    let rows = names
        .iter()
        .map(|(k, name)| {
            let [t, kwh, cost] = kg.get(k).copied().unwrap_or([Decimal::ZERO; 3]);
            vec![
                Cell::Text(name.to_string()),
                Cell::Num(tonnes(t), Format::Tonnes),
                if *k == "3" {
                    Cell::Empty
                } else {
                    Cell::Num(kwh.normalize(), Format::Quantity)
                },
                Cell::Num(cost.normalize(), Format::Quantity),
            ]
        })
        .collect();
    Ok(Table {
        name: "Emissions by scope",
        title: format!(
            "Greenhouse gas emissions by GHG Protocol scope, {}: tCO2e, the energy consumed \
             behind scopes 1 and 2 in kWh (fuels given in litres or mass are in the Energy \
             sheet), and cost where the activity file has an amount",
            label(run)
        ),
        columns: vec![
            "scope".into(),
            "tCO2e".into(),
            "energy kWh".into(),
            "cost GBP".into(),
        ],
        rows,
    })
}

/// One row of a consumption table, summed over the lines of one factor.
#[derive(Default)]
struct Consumed {
    label: String,
    scope: String,
    unit: String,
    quantity: Decimal,
    in_unit: Option<Decimal>,
    kg: Decimal,
    cost: Decimal,
}

fn consumption(
    run: &RunInput,
    name: &'static str,
    title: &str,
    keep: impl Fn(&LedgerLine) -> bool,
    unit: &str,
) -> Result<Table> {
    // By the factor of the row (an upstream line counts with the row it belongs to).
    let mut groups: BTreeMap<(String, String), Consumed> = BTreeMap::new();
    for l in run
        .ledger
        .iter()
        .filter(|l| keep(l) && l.scope != "outside")
    {
        let primary = l.upstream_of.is_empty();
        let key = if primary {
            &l.factor_key
        } else {
            &l.upstream_of
        };
        let e = groups
            .entry((l.factor_set.clone(), key.clone()))
            .or_default();
        add(&mut e.kg, l.kg_co2e)?;
        if primary {
            if e.label.is_empty() {
                e.label = l.factor_label.clone();
                e.scope = l.scope.clone();
                e.unit = l.converted_unit.clone();
            }
            add(&mut e.quantity, l.converted_quantity)?;
            if let Some(q) = in_unit(l, unit) {
                let mut v = e.in_unit.unwrap_or_default();
                add(&mut v, q)?;
                e.in_unit = Some(v);
            }
            if let Some(c) = cost_gbp(l) {
                add(&mut e.cost, c)?;
            }
        }
    }
    let mut ordered: Vec<Consumed> = groups.into_values().collect();
    ordered.sort_by(|a, b| (&a.label, &a.unit).cmp(&(&b.label, &b.unit)));
    let mut rows = Vec::new();
    let (mut t_unit, mut t_kg, mut t_cost) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for c in &ordered {
        add(&mut t_unit, c.in_unit.unwrap_or_default())?;
        add(&mut t_kg, c.kg)?;
        add(&mut t_cost, c.cost)?;
        rows.push(vec![
            Cell::Text(c.label.clone()),
            Cell::Text(c.scope.clone()),
            Cell::Num(c.quantity.normalize(), Format::Quantity),
            Cell::Text(c.unit.clone()),
            c.in_unit
                .map_or(Cell::Empty, |v| Cell::Num(v.normalize(), Format::Quantity)),
            Cell::Num(tonnes(c.kg), Format::Tonnes),
            Cell::Num(c.cost.normalize(), Format::Quantity),
        ]);
    }
    rows.push(vec![
        Cell::Text("Total".into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Num(t_unit.normalize(), Format::Quantity),
        Cell::Num(tonnes(t_kg), Format::Tonnes),
        Cell::Num(t_cost.normalize(), Format::Quantity),
    ]);
    Ok(Table {
        name,
        title: format!("{title}, {}", label(run)),
        columns: vec![
            if name == "Waste" {
                "disposal route".into()
            } else {
                "source".into()
            },
            "scope".into(),
            "quantity".into(),
            "unit".into(),
            unit.to_string(),
            "tCO2e".into(),
            "cost GBP".into(),
        ],
        rows,
    })
}

fn intensities(
    cats: &BTreeMap<NhsCategory, Decimal>,
    run: &RunInput,
    d: &Denominators,
) -> Result<Option<Table>> {
    let dens: Vec<(&str, Decimal)> = [
        ("kgCO2e per m2 floor area", d.floor_area_m2),
        ("kgCO2e per FTE", d.fte),
        ("kgCO2e per bed", d.beds),
        ("kgCO2e per GBP operating expense", d.opex_gbp),
    ]
    .into_iter()
    .filter_map(|(n, v)| Some((n, v?)))
    .collect();
    if dens.is_empty() {
        return Ok(None);
    }
    let (mut cf, mut plus, mut ghg) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (c, kg) in cats {
        match c.footprint() {
            Some(NhsFootprint::CarbonFootprint) => {
                add(&mut cf, *kg)?;
                add(&mut plus, *kg)?;
            }
            Some(NhsFootprint::FootprintPlus) => add(&mut plus, *kg)?,
            None => {}
        }
    }
    for l in &run.ledger {
        if matches!(l.scope.as_str(), "1" | "2" | "3") {
            add(&mut ghg, l.kg_co2e)?;
        }
    }
    let mut columns = vec!["measure".to_string(), "tCO2e".to_string()];
    columns.extend(dens.iter().map(|(n, _)| n.to_string()));
    let rows = [
        ("NHS Carbon Footprint", cf),
        ("NHS Carbon Footprint Plus", plus),
        ("GHG Protocol total (location-based)", ghg),
    ]
    .iter()
    .map(|(name, kg)| {
        let mut r = vec![
            Cell::Text(name.to_string()),
            Cell::Num(tonnes(*kg), Format::Tonnes),
        ];
        for (_, den) in &dens {
            r.push(match kg.checked_div(*den) {
                Some(v) => Cell::Num(v.normalize(), Format::Intensity),
                None => Cell::Empty,
            });
        }
        r
    })
    .collect();
    Ok(Some(Table {
        name: "Intensity",
        title: format!(
            "Emissions intensity, {} (denominators as given)",
            label(run)
        ),
        columns,
        rows,
    }))
}

fn sources(runs: &[RunInput], roles: &[(usize, &str)]) -> Table {
    let mut rows = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let role = roles.iter().find(|(j, _)| *j == i).map_or("", |(_, r)| *r);
        let l = label(run);
        for (id, title) in &run.factor_sets {
            rows.push(vec![
                Cell::Text(l.clone()),
                Cell::Text(role.to_string()),
                Cell::Text(run.name.clone()),
                Cell::Text("factor set".into()),
                Cell::Text(format!("{id}: {title}")),
            ]);
        }
        for n in &run.notes {
            rows.push(vec![
                Cell::Text(l.clone()),
                Cell::Text(role.to_string()),
                Cell::Text(run.name.clone()),
                Cell::Text("note".into()),
                Cell::Text(n.clone()),
            ]);
        }
    }
    Table {
        name: "Factor sets and notes",
        title: "The factor sets each run used and the notes it made".to_string(),
        columns: vec![
            "reporting year".into(),
            "role".into(),
            "run".into(),
            "what".into(),
            "text".into(),
        ],
        rows,
    }
}

/// A cell as shown to people: tCO2e and quantities to 2 places, intensities to 3, shares as
/// percentages to 1, rounded half away from zero.
pub fn display(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Num(v, Format::Tonnes | Format::Quantity) => display_grouped(*v, 2),
        Cell::Num(v, Format::Intensity) => display_grouped(*v, 3),
        Cell::Num(v, Format::Share) => {
            format!("{}%", display_grouped(*v * Decimal::ONE_HUNDRED, 1))
        }
    }
}

/// The report as text tables for people, figures rounded for display.
pub fn render_table(r: &NhsReport) -> String {
    let mut out = String::new();
    for t in &r.tables {
        let _ = writeln!(out, "{}\n{}", t.name, t.title);
        let mut cells: Vec<Vec<String>> = vec![t.columns.clone()];
        cells.extend(t.rows.iter().map(|row| row.iter().map(display).collect()));
        // Text columns read left to right; figures line up on the right.
        let text_col: Vec<bool> = (0..t.columns.len())
            .map(|i| {
                t.rows
                    .iter()
                    .all(|r| !matches!(r.get(i), Some(Cell::Num(..))))
            })
            .collect();
        let align: Vec<Align> = text_col
            .iter()
            .map(|&text| if text { Align::Left } else { Align::Right })
            .collect();
        let mut table = text_table::Table::new(align);
        for row in cells {
            table.row(row);
        }
        out.push_str(&table.render());
        out.push('\n');
    }
    out
}

fn exact(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Num(v, _) => exact_string(*v),
    }
}

/// The report as CSV: for each table a heading row (`table`, then its column names) and its
/// rows, each starting with the table's name; figures exact.
pub fn render_csv(r: &NhsReport) -> Result<String> {
    let err = |e: csv::Error| Error::usage(format!("writing CSV: {e}"));
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for t in &r.tables {
        let mut head = vec!["table".to_string()];
        head.extend(t.columns.iter().cloned());
        w.write_record(&head).map_err(err)?;
        for row in &t.rows {
            let mut rec = vec![t.name.to_string()];
            rec.extend(row.iter().map(exact));
            w.write_record(&rec).map_err(err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::usage(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::usage(e.to_string()))
}

/// The report as JSON: every table as rows of column name to value, figures exact decimal
/// strings (tCO2e, shares as fractions), empty cells null.
pub fn render_json(r: &NhsReport) -> Result<String> {
    let tables: Vec<Value> = r
        .tables
        .iter()
        .map(|t| {
            let rows: Vec<Value> = t
                .rows
                .iter()
                .map(|row| {
                    let m: Map<String, Value> = t
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| {
                            let v = match v {
                                Cell::Empty => Value::Null,
                                other => Value::String(exact(other)),
                            };
                            (c.clone(), v)
                        })
                        .collect();
                    Value::Object(m)
                })
                .collect();
            json!({"sheet": t.name, "title": t.title, "columns": t.columns, "rows": rows})
        })
        .collect();
    let runs: Vec<Value> = r
        .runs
        .iter()
        .map(|(label, role, dir)| json!({"reporting_year": label, "role": role, "run": dir}))
        .collect();
    let v = json!({
        "schema": "ghg-report-nhs/1",
        "unit": "tCO2e",
        "runs": runs,
        "tables": tables,
    });
    let mut s = serde_json::to_string_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// The report as an XLSX workbook: one sheet per table, numbers stored as numbers (the only
/// place they become binary floating point) with a display format, headings in bold.
pub fn render_xlsx(r: &NhsReport) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::usage(format!("writing XLSX: {e}"));
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let title = XFormat::new().set_italic();
    let fmt = |f: Format| match f {
        Format::Tonnes | Format::Quantity => XFormat::new().set_num_format("#,##0.00"),
        Format::Share => XFormat::new().set_num_format("0.0%"),
        Format::Intensity => XFormat::new().set_num_format("#,##0.000"),
    };
    for t in &r.tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name).map_err(err)?;
        for (c, name) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, name, &bold)
                .map_err(err)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let rr = i as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let cc = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string(rr, cc, s).map_err(err)?;
                    }
                    Cell::Num(v, f) => {
                        // The nearest double to the exact figure (parsing rounds correctly;
                        // Decimal::to_f64 may be one unit off in the last place).
                        let x: f64 = exact_string(*v).parse().map_err(|_| ov())?;
                        ws.write_number_with_format(rr, cc, x, &fmt(*f))
                            .map_err(err)?;
                    }
                }
            }
        }
        let note_row = t.rows.len() as u32 + 2;
        ws.write_string_with_format(note_row, 0, &t.title, &title)
            .map_err(err)?;
        ws.set_column_width(0, 44).map_err(err)?;
        for c in 1..t.columns.len() {
            ws.set_column_width(c as u16, 18).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
