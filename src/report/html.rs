//! `ghg report html`: one self-contained page (inline CSS and SVG, nothing fetched) with the
//! inventory, the NHS view, the trajectory, the year-on-year bridge and data quality, for a
//! board, an annual report and an auditor. Figures come from the runs' JSON and the other
//! reports' typed outputs; this module only lays them out and rounds them for display.

mod svg;

use crate::num::{display_grouped, exact_string, parse_decimal, percent_change};
use crate::report::greener_nhs::{display, Cell, NhsReport};
use crate::trajectory::bridge::{Bridge, Parts};
use crate::trajectory::render::tonnes;
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde_json::Value;
use std::fmt::Write as _;

/// Decimal places of tCO2e on the page (half away from zero, as `ghg report nhs`).
pub const TONNE_DP: u32 = 2;

/// One inventory run as the page shows it.
pub struct RunView {
    /// The directory as named on the command line.
    pub name: String,
    /// Its reporting year, `2016/17`, when its rows are of one year.
    pub year: Option<String>,
    /// Its inventory.json.
    pub inventory: Value,
    /// Its manifest.json.
    pub manifest: Value,
}

/// A factor set the run used, with where it comes from.
pub struct FactorSource {
    /// Set id.
    pub id: String,
    /// Title of the source publication.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Where it is published (shown as text, without its scheme, so the page links nowhere).
    pub url: String,
    /// Licence.
    pub licence: String,
    /// SHA-256 of the set file, as the manifest records it.
    pub sha256: String,
}

/// The trajectory section: the chart drawn by `ghg trajectory` and its exact figures.
pub struct TrajectoryView {
    /// The plan's title.
    pub plan: String,
    /// trajectory.svg as `ghg trajectory --out` writes it.
    pub svg: String,
    /// trajectory.csv: exact kg CO2e by year.
    pub csv: String,
    /// The trajectory's notes.
    pub notes: Vec<String>,
}

/// Everything the page shows.
pub struct Page<'a> {
    /// This year's run.
    pub run: &'a RunView,
    /// The run of the year before, when one was given.
    pub prior: Option<&'a RunView>,
    /// The Greener NHS summary and annual-report tables over all the runs given.
    pub nhs: Option<&'a NhsReport>,
    /// The bridge from the prior run to this one.
    pub bridge: Option<&'a Bridge>,
    /// The trajectory, with `--plan`.
    pub trajectory: Option<&'a TrajectoryView>,
    /// The factor sets of this run.
    pub sources: &'a [FactorSource],
}

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// kg CO2e to tCO2e as shown: 2 places, half away from zero, thousands grouped.
pub fn t_display(kg: Decimal) -> String {
    display_grouped(tonnes(kg), TONNE_DP)
}

/// A figure in a table cell: rounded tCO2e, the exact kg CO2e on hover.
fn t_cell(kg: Decimal, key: Option<&str>) -> String {
    let key = key.map_or(String::new(), |k| format!(" data-key=\"{}\"", esc(k)));
    format!(
        "<td class=\"n\"{key} title=\"{} kg CO2e exactly\">{}</td><td class=\"n x\">{}</td>",
        exact_string(kg),
        t_display(kg),
        exact_string(kg)
    )
}

/// A decimal written as a string at `pointer` in a run's JSON; `None` when absent.
fn dec_at(run: &RunView, doc: &Value, pointer: &str) -> Result<Option<Decimal>> {
    let Some(v) = doc.pointer(pointer) else {
        return Ok(None);
    };
    let text = v.as_str().unwrap_or_default();
    parse_decimal(text).map(Some).map_err(|e| {
        Error::bad_value(
            Position::new(format!("{}/inventory.json", run.name), 0, 0),
            pointer.trim_start_matches('/'),
            text,
            e.describe(),
        )
    })
}

fn inv(run: &RunView, pointer: &str) -> Result<Option<Decimal>> {
    dec_at(run, &run.inventory, pointer)
}

/// The headline rows: label, key on the page, kg this year, kg last year.
const HEADLINES: &[(&str, &str, &str)] = &[
    ("Scope 1", "scope_1", "/totals_kg_co2e/scope_1"),
    (
        "Scope 2 (location-based)",
        "scope_2_location",
        "/totals_kg_co2e/scope_2_location",
    ),
    (
        "Scope 2 (market-based)",
        "scope_2_market",
        "/totals_kg_co2e/scope_2_market",
    ),
    ("Scope 3", "scope_3", "/totals_kg_co2e/scope_3"),
    (
        "Total (location-based)",
        "total_location",
        "/totals_kg_co2e/total_location",
    ),
    (
        "Total (market-based)",
        "total_market",
        "/totals_kg_co2e/total_market",
    ),
    (
        "NHS Carbon Footprint",
        "carbon_footprint",
        "/nhs_footprint_kg_co2e/carbon_footprint",
    ),
    (
        "Footprint Plus beyond the Carbon Footprint",
        "footprint_plus",
        "/nhs_footprint_kg_co2e/footprint_plus",
    ),
];

const CSS: &str = r#"
:root{--ink:#1a1a1a;--muted:#555;--rule:#ccc;--band:#f3f3f3}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:62rem;padding:1rem;line-height:1.45;font-size:16px}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.25rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem}
p.lead,.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem}
.card{border:1px solid var(--rule);border-radius:6px;padding:.6rem .8rem}
.card .label{font-size:.9rem;color:var(--muted)}
.card .big{font-size:1.5rem;font-weight:700}
.card .sub{font-size:.8rem;color:var(--muted);word-break:break-all}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border-bottom:1px solid var(--rule);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:var(--band)}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.x{color:var(--muted);font-size:.8rem}
code{font-size:.8rem;word-break:break-all}
figure{margin:.5rem 0 1rem}
figure svg{width:100%;height:auto;max-width:34rem;display:block}
.scroll{overflow-x:auto}
figure.wide svg{max-width:none}
figcaption{font-size:.85rem;color:var(--muted)}
.missing{border-left:4px solid var(--rule);padding:.3rem .8rem;color:var(--muted)}
@media (max-width:40rem){body{padding:.6rem;font-size:15px}figure.wide svg{min-width:44rem}.card .big{font-size:1.3rem}td.x{display:none}th.x{display:none}}
@media print{
@page{size:A4;margin:14mm}
body{max-width:none;font-size:10.5pt;padding:0}
section,figure,table,.card{break-inside:avoid}
section.major{break-before:page}
h2,h3{break-after:avoid}
.wrap{overflow:visible}
td.x{display:table-cell}
}
"#;

/// The page as HTML text.
pub fn render(p: &Page) -> Result<String> {
    let mut h = String::new();
    let run = p.run;
    let year = run.year.clone().unwrap_or_else(|| run.name.clone());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Greenhouse gas inventory {y}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header><h1>Greenhouse gas inventory, {y}</h1>\n<p class=\"lead\">GHG Protocol scopes 1, \
         2 and 3 and the NHS Carbon Footprint, from the run in <code>{n}</code>. Figures are tCO2e \
         rounded to {TONNE_DP} decimal places, half away from zero; the exact kg CO2e, as in \
         inventory.json, is beside each one (hover, or the grey column) and in the tables.</p>\
         </header>\n",
        y = esc(&year),
        n = esc(&run.name),
    );
    headline(&mut h, p)?;
    scopes(&mut h, p)?;
    nhs_categories(&mut h, p)?;
    scope3(&mut h, p)?;
    sites(&mut h, p)?;
    trajectory(&mut h, p);
    bridge(&mut h, p);
    quality(&mut h, p)?;
    annual_tables(&mut h, p);
    factor_sets(&mut h, p);
    manifest(&mut h, p);
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

fn year_of(r: &RunView) -> String {
    r.year.clone().unwrap_or_else(|| r.name.clone())
}

fn missing(h: &mut String, text: &str) {
    let _ = writeln!(h, "<p class=\"missing\">{}</p>", esc(text));
}

fn headline(h: &mut String, p: &Page) -> Result<()> {
    let prior_year = p
        .prior
        .map(|r| r.year.clone().unwrap_or_else(|| r.name.clone()));
    h.push_str("<section id=\"headline\"><h2>Headline figures</h2>\n<div class=\"cards\">\n");
    let mut rows = Vec::new();
    for (label, key, ptr) in HEADLINES {
        let Some(kg) = inv(p.run, ptr)? else { continue };
        let before = match p.prior {
            Some(r) => inv(r, ptr)?,
            None => None,
        };
        let change = before.and_then(|b| {
            percent_change(b, kg, 1).map(|pc| {
                format!(
                    "{}{}% on {}",
                    if pc > Decimal::ZERO { "+" } else { "" },
                    pc,
                    prior_year.as_deref().unwrap_or("the prior year")
                )
            })
        });
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\" data-key=\"{key}\" \
             title=\"{} kg CO2e exactly\">{} tCO2e</div><div class=\"sub\">{} kg CO2e exactly{}</div></div>",
            esc(label),
            exact_string(kg),
            t_display(kg),
            exact_string(kg),
            change.map_or(String::new(), |c| format!("<br>{}", esc(&c)))
        );
        rows.push((label, kg, before));
    }
    h.push_str("</div>\n");
    if let (Some(cf), Some(fp)) = (
        inv(p.run, "/nhs_footprint_kg_co2e/carbon_footprint")?,
        inv(p.run, "/nhs_footprint_kg_co2e/footprint_plus")?,
    ) {
        if let Some(all) = cf.checked_add(fp) {
            let _ = writeln!(
                h,
                "<p>NHS Carbon Footprint Plus (including the Carbon Footprint): \
                 <strong data-key=\"footprint_plus_total\" title=\"{} kg CO2e exactly\">{} tCO2e</strong> \
                 ({} kg CO2e exactly).</p>",
                exact_string(all),
                t_display(all),
                exact_string(all)
            );
        }
    } else {
        missing(
            h,
            "This run has no NHS Carbon Footprint figures (run ghg inventory from a version with \
             the NHS reporting view), so they are left out.",
        );
    }
    match p.prior {
        None => missing(
            h,
            "Only one year was given, so no change on the prior year is shown: add --actual \
             RUN_DIR with the previous year's run.",
        ),
        Some(_) => {
            let py = prior_year.unwrap_or_default();
            let _ = writeln!(
                h,
                "<div class=\"wrap\"><table><caption>Change on {py}</caption><tr><th>Figure</th>\
                 <th>{py}, tCO2e</th><th class=\"x\">kg CO2e</th><th>{ty}, tCO2e</th>\
                 <th class=\"x\">kg CO2e</th><th>Change</th></tr>",
                py = esc(&py),
                ty = esc(&year_of(p.run))
            );
            for (label, kg, before) in &rows {
                let b = before.map_or("<td></td><td></td>".to_string(), |b| t_cell(b, None));
                let c = before
                    .and_then(|b| percent_change(b, *kg, 1))
                    .map_or("n/a".to_string(), |c| format!("{c}%"));
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td>{b}{}<td class=\"n\">{c}</td></tr>",
                    esc(label),
                    t_cell(*kg, None)
                );
            }
            h.push_str("</table></div>\n");
        }
    }
    h.push_str("</section>\n");
    Ok(())
}

/// A bar chart with its table of exact figures.
fn chart_with_table(
    h: &mut String,
    id: &str,
    title: &str,
    desc: &str,
    items: &[(String, Decimal)],
    first_col: &str,
) {
    let bars: Vec<(String, Decimal)> = items
        .iter()
        .map(|(l, kg)| (l.clone(), tonnes(*kg)))
        .collect();
    let _ = writeln!(
        h,
        "<figure>{}<figcaption>{}</figcaption></figure>",
        svg::bars(id, title, desc, &bars, TONNE_DP),
        esc(desc)
    );
    let _ = writeln!(
        h,
        "<div class=\"wrap\"><table><tr><th>{}</th><th>tCO2e</th><th class=\"x\">kg CO2e (exact)</th></tr>",
        esc(first_col)
    );
    for (l, kg) in items {
        let _ = writeln!(h, "<tr><td>{}</td>{}</tr>", esc(l), t_cell(*kg, None));
    }
    h.push_str("</table></div>\n");
}

fn scopes(h: &mut String, p: &Page) -> Result<()> {
    let mut items = Vec::new();
    for (label, _, ptr) in &HEADLINES[..4] {
        if let Some(kg) = inv(p.run, ptr)? {
            items.push((label.to_string(), kg));
        }
    }
    h.push_str("<section id=\"scopes\" class=\"major\"><h2>Emissions by scope</h2>\n");
    chart_with_table(
        h,
        "scopes",
        "Emissions by scope, tCO2e",
        "Horizontal bars, one per scope, length proportional to tCO2e; the figure is written at \
         the end of each bar and exactly in the table below.",
        &items,
        "Scope",
    );
    h.push_str("</section>\n");
    Ok(())
}

fn nhs_categories(h: &mut String, p: &Page) -> Result<()> {
    h.push_str("<section id=\"nhs\"><h2>Emissions by NHS category</h2>\n");
    let Some(cats) = p
        .run
        .inventory
        .get("by_nhs_category")
        .and_then(Value::as_object)
    else {
        missing(
            h,
            "This run has no NHS categories (no NHS axis in its inventory.json), so this chart \
             is left out.",
        );
        h.push_str("</section>\n");
        return Ok(());
    };
    let mut items = Vec::new();
    for (id, c) in cats {
        let title = c.get("title").and_then(Value::as_str).unwrap_or(id);
        let fp = c.get("nhs_footprint").and_then(Value::as_str).unwrap_or("");
        if let Some(kg) = inv(p.run, &format!("/by_nhs_category/{id}/kg_co2e"))? {
            if !kg.is_zero() {
                let fp = match fp {
                    "carbon-footprint" => " (Carbon Footprint)",
                    "footprint-plus" => " (Footprint Plus)",
                    _ => "",
                };
                items.push((format!("{title}{fp}"), kg));
            }
        }
    }
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chart_with_table(
        h,
        "nhscat",
        "Emissions by NHS category, tCO2e",
        "Horizontal bars, one per NHS category with emissions, largest first, each marked \
         Carbon Footprint or Footprint Plus.",
        &items,
        "NHS category",
    );
    h.push_str("</section>\n");
    Ok(())
}

fn scope3(h: &mut String, p: &Page) -> Result<()> {
    h.push_str("<section id=\"scope3\"><h2>Scope 3 by category</h2>\n");
    let mut items = Vec::new();
    let mut zero = Vec::new();
    for (i, name) in crate::report::inventory::CATEGORY_NAMES.iter().enumerate() {
        let n = i + 1;
        if let Some(kg) = inv(p.run, &format!("/scope_3_categories_kg_co2e/{n}"))? {
            if kg.is_zero() {
                zero.push(n.to_string());
            } else {
                items.push((format!("{n}. {name}"), kg));
            }
        }
    }
    if items.is_empty() {
        missing(
            h,
            "This run has no scope 3 emissions, so this chart is left out.",
        );
    } else {
        chart_with_table(
            h,
            "scope3",
            "Scope 3 emissions by GHG Protocol category, tCO2e",
            "Horizontal bars, one per scope 3 category with emissions, in category order.",
            &items,
            "Category",
        );
    }
    if !zero.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"muted\">Categories with no emissions in this run: {}.</p>",
            zero.join(", ")
        );
    }
    h.push_str("</section>\n");
    Ok(())
}

fn sites(h: &mut String, p: &Page) -> Result<()> {
    h.push_str("<section id=\"sites\" class=\"major\"><h2>By site</h2>\n");
    let Some(by_site) = p.run.inventory.get("by_site").and_then(Value::as_object) else {
        missing(h, "This run has no figures by site.");
        h.push_str("</section>\n");
        return Ok(());
    };
    let mut items = Vec::new();
    for site in by_site.keys() {
        let ptr = format!(
            "/by_site/{}/total_location",
            site.replace('~', "~0").replace('/', "~1")
        );
        if let Some(kg) = inv(p.run, &ptr)? {
            let label = if site.is_empty() {
                "(no site given)".to_string()
            } else {
                site.clone()
            };
            items.push((label, kg));
        }
    }
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chart_with_table(
        h,
        "sites",
        "Emissions by site, tCO2e (location-based)",
        "Horizontal bars, one per site, largest first; rows with no site (such as spend) are \
         shown as (no site given).",
        &items,
        "Site",
    );
    h.push_str("</section>\n");
    Ok(())
}

fn trajectory(h: &mut String, p: &Page) {
    h.push_str("<section id=\"trajectory\" class=\"major\"><h2>Trajectory and targets</h2>\n");
    match p.trajectory {
        None => missing(
            h,
            "No plan was given, so the trajectory, targets and gap are left out: add --plan \
             plan.toml (see ghg trajectory).",
        ),
        Some(t) => {
            let _ = writeln!(
                h,
                "<p>Plan: {}. Business as usual, the plan's path and each target by year, with \
                 the inventory runs given drawn as actuals; the gap is the plan's path less the \
                 target.</p>\n<figure class=\"wide\"><div class=\"scroll\">{}</div><figcaption>Trajectory chart drawn by \
                 ghg trajectory (on a phone, scroll it sideways); the exact figures are in the \
                 table below.</figcaption></figure>",
                esc(&t.plan),
                svg::inline(&t.svg)
            );
            let _ = writeln!(
                h,
                "<details><summary>Exact figures by year (kg CO2e, as trajectory.csv)</summary>\
                 <div class=\"wrap\">{}</div></details>",
                csv_table(&t.csv)
            );
            for n in &t.notes {
                let _ = writeln!(h, "<p class=\"muted\">{}</p>", esc(n));
            }
        }
    }
    h.push_str("</section>\n");
}

/// CSV text as an HTML table (header row first).
fn csv_table(text: &str) -> String {
    let mut out = String::from("<table>");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (i, rec) in rdr.records().enumerate() {
        let Ok(rec) = rec else { continue };
        out.push_str("<tr>");
        for f in rec.iter() {
            if i == 0 {
                let _ = write!(out, "<th>{}</th>", esc(f));
            } else {
                let _ = write!(out, "<td class=\"n\">{}</td>", esc(f));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

fn bridge(h: &mut String, p: &Page) {
    h.push_str("<section id=\"bridge\"><h2>Year-on-year bridge</h2>\n");
    let (Some(b), Some(prior)) = (p.bridge, p.prior) else {
        missing(
            h,
            "Only one year was given, so the year-on-year bridge is left out: add --actual \
             RUN_DIR with the previous year's run.",
        );
        h.push_str("</section>\n");
        return;
    };
    let py = prior.year.clone().unwrap_or_else(|| prior.name.clone());
    let ty = p.run.year.clone().unwrap_or_else(|| p.run.name.clone());
    let t = &b.total;
    let steps: Vec<(String, Decimal, bool)> = vec![
        (py.clone(), t.kg_a, true),
        ("Activity".to_string(), t.activity, false),
        ("Factors".to_string(), t.factor, false),
        ("New lines".to_string(), t.only_b, false),
        ("Removed lines".to_string(), t.only_a, false),
        (ty.clone(), t.kg_b, true),
    ];
    let tsteps: Vec<(String, Decimal, bool)> = steps
        .iter()
        .map(|(l, kg, total)| (l.clone(), tonnes(*kg), *total))
        .collect();
    let _ = writeln!(
        h,
        "<p>From {} to {}: the change split into the activity effect (quantities changed at \
         {}'s factors), the factor effect (factors changed, at {}'s quantities), lines only in \
         {} (new) and lines only in {} (removed); the parts add exactly to the change.</p>\
         <figure>{}<figcaption>Waterfall: grey bars are the two years' totals (location-based, \
         scopes 1 to 3); increases are solid orange, decreases hatched blue.</figcaption></figure>",
        esc(&py),
        esc(&ty),
        esc(&py),
        esc(&ty),
        esc(&ty),
        esc(&py),
        svg::waterfall(
            "bridge",
            &format!("Bridge from {py} to {ty}, tCO2e"),
            "Waterfall chart of the change in emissions between the two years by effect.",
            &tsteps,
            TONNE_DP
        )
    );
    h.push_str(
        "<div class=\"wrap\"><table><tr><th>Step</th><th>tCO2e</th><th class=\"x\">kg CO2e (exact)</th></tr>\n",
    );
    // Keyed as `ghg bridge --format json` names them.
    let keys = [
        "kg_a",
        "activity_effect_kg",
        "factor_effect_kg",
        "only_in_b_kg",
        "only_in_a_kg",
        "kg_b",
    ];
    for ((l, kg, _), key) in steps.iter().zip(keys) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td>{}</tr>",
            esc(l),
            t_cell(*kg, Some(&format!("bridge.{key}")))
        );
    }
    h.push_str("</table></div>\n<h3>By scope</h3>\n");
    parts_table(h, b.by_scope.iter().map(|(s, p)| (format!("Scope {s}"), p)));
    h.push_str("</section>\n");
}

fn parts_table<'a>(h: &mut String, rows: impl Iterator<Item = (String, &'a Parts)>) {
    h.push_str(
        "<div class=\"wrap\"><table><tr><th></th><th>Before</th><th>Activity</th><th>Factors</th>\
         <th>New lines</th><th>Removed lines</th><th>After</th></tr>\n",
    );
    for (label, p) in rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(&label));
        for v in [p.kg_a, p.activity, p.factor, p.only_b, p.only_a, p.kg_b] {
            let _ = write!(
                h,
                "<td class=\"n\" title=\"{} kg CO2e exactly\">{}</td>",
                exact_string(v),
                t_display(v)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</table></div><p class=\"muted\">tCO2e; hover a figure for its exact kg CO2e.</p>\n",
    );
}

fn quality(h: &mut String, p: &Page) -> Result<()> {
    h.push_str("<section id=\"quality\" class=\"major\"><h2>Data quality</h2>\n");
    let total = inv(p.run, "/totals_kg_co2e/total_location")?.unwrap_or_default();
    if let Some(q) = p
        .run
        .inventory
        .get("by_data_quality")
        .and_then(Value::as_object)
    {
        let mut items = Vec::new();
        for k in q.keys() {
            if let Some(kg) = inv(p.run, &format!("/by_data_quality/{k}/total_location"))? {
                items.push((k.clone(), kg));
            }
        }
        h.push_str(
            "<p>Share of emissions (location-based) by the kind of data behind them: measured \
             activity priced with average factors is better than spend.</p>\n",
        );
        let bars: Vec<(String, Decimal)> = items
            .iter()
            .map(|(l, kg)| (l.clone(), tonnes(*kg)))
            .collect();
        let _ = writeln!(
            h,
            "<figure>{}<figcaption>Horizontal bars, one per data-quality type.</figcaption></figure>",
            svg::bars(
                "quality",
                "Emissions by data-quality type, tCO2e",
                "Horizontal bars of tCO2e by the kind of data behind them.",
                &bars,
                TONNE_DP
            )
        );
        h.push_str("<div class=\"wrap\"><table><tr><th>Data quality</th><th>tCO2e</th><th class=\"x\">kg CO2e (exact)</th><th>Share</th></tr>\n");
        for (k, kg) in &items {
            let share = if total.is_zero() {
                "n/a".to_string()
            } else {
                kg.checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|v| v.checked_div(total))
                    .map_or("n/a".to_string(), |s| format!("{}%", display_grouped(s, 1)))
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td>{}<td class=\"n\">{share}</td></tr>",
                esc(k),
                t_cell(*kg, None)
            );
        }
        h.push_str("</table></div>\n");
    } else {
        missing(
            h,
            "This run has no figures by data quality, so that chart is left out.",
        );
    }
    let rows = |k: &str| {
        p.run
            .inventory
            .pointer(&format!("/rows/{k}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let lines = p
        .run
        .inventory
        .pointer("/scope_2_market_basis/location_fallback_lines")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let fallback =
        inv(p.run, "/scope_2_market_basis/location_fallback_kg_co2e")?.unwrap_or_default();
    let _ = writeln!(
        h,
        "<div class=\"wrap\"><table><tr><th>Check</th><th>Value</th></tr>\
         <tr><td>Rows read</td><td class=\"n\" data-key=\"rows_read\">{}</td></tr>\
         <tr><td>Rows used</td><td class=\"n\" data-key=\"rows_used\">{}</td></tr>\
         <tr><td>Rows rejected (see rejects.csv)</td><td class=\"n\" data-key=\"rows_rejected\">{}</td></tr>\
         <tr><td>Scope 2 lines on the location-based fallback (no contractual factor)</td>\
         <td class=\"n\" data-key=\"location_fallback_lines\">{lines}</td></tr>\
         <tr><td>Market-based scope 2 on that fallback</td><td class=\"n\" title=\"{} kg CO2e exactly\">{} tCO2e</td></tr>\
         </table></div>",
        rows("read"),
        rows("used"),
        rows("rejected"),
        exact_string(fallback),
        t_display(fallback)
    );
    if let Some(notes) = p.run.inventory.get("notes").and_then(Value::as_array) {
        if !notes.is_empty() {
            h.push_str("<h3>Notes from the run</h3><ul>\n");
            for n in notes.iter().filter_map(Value::as_str) {
                let _ = writeln!(h, "<li>{}</li>", esc(n));
            }
            h.push_str("</ul>\n");
        }
    }
    h.push_str("</section>\n");
    Ok(())
}

fn annual_tables(h: &mut String, p: &Page) {
    h.push_str("<section id=\"annual\" class=\"major\"><h2>Annual-report tables</h2>\n");
    let Some(r) = p.nhs else {
        missing(h, "The NHS annual-report tables could not be built from these runs, so they are left out.");
        h.push_str("</section>\n");
        return;
    };
    h.push_str(
        "<p class=\"muted\">As ghg report nhs writes them (tCO2e and quantities to 2 places, \
         shares to 1); hover a figure for its exact value.</p>\n",
    );
    for t in &r.tables {
        let _ = writeln!(
            h,
            "<h3>{}</h3><div class=\"wrap\"><table><tr>{}</tr>",
            esc(&t.title),
            t.columns
                .iter()
                .map(|c| format!("<th>{}</th>", esc(c)))
                .collect::<String>()
        );
        for row in &t.rows {
            h.push_str("<tr>");
            for c in row {
                match c {
                    Cell::Num(v, _) => {
                        let _ = write!(
                            h,
                            "<td class=\"n\" title=\"{} exactly\">{}</td>",
                            exact_string(*v),
                            esc(&display(c))
                        );
                    }
                    _ => {
                        let _ = write!(h, "<td>{}</td>", esc(&display(c)));
                    }
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }
    h.push_str("</section>\n");
}

fn factor_sets(h: &mut String, p: &Page) {
    h.push_str("<section id=\"sources\"><h2>Factor sets used</h2>\n<div class=\"wrap\"><table><tr><th>Set</th><th>Source</th><th>Licence</th><th>Published at</th><th>SHA-256</th></tr>\n");
    for s in p.sources {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{} ({})</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&s.id),
            esc(&s.title),
            esc(&s.publisher),
            esc(&s.licence),
            esc(strip_scheme(&s.url)),
            esc(&s.sha256)
        );
    }
    h.push_str("</table></div>\n<p class=\"muted\">Addresses are shown as text, not links, so the page fetches nothing.</p></section>\n");
}

/// `https://www.gov.uk/x` to `www.gov.uk/x`.
fn strip_scheme(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

fn manifest(h: &mut String, p: &Page) {
    let m = &p.run.manifest;
    let _ = writeln!(
        h,
        "<section id=\"manifest\" class=\"major\"><h2>For the auditor: the manifest</h2>\n\
         <p>Every figure on this page comes from the run in <code>{n}</code>. Its manifest.json \
         records the SHA-256 of each input, factor set, table and output below; \
         <code>ghg verify {n}</code> re-runs the inventory and reports any that differ.</p>",
        n = esc(&p.run.name)
    );
    if let Some(g) = m.get("ghg") {
        let _ = writeln!(
            h,
            "<p>ghg {} (commit <code>{}</code>).</p>",
            esc(g.get("version").and_then(Value::as_str).unwrap_or("")),
            esc(g.get("commit").and_then(Value::as_str).unwrap_or(""))
        );
    }
    for (key, title) in [
        ("inputs", "Inputs"),
        ("factor_sets", "Factor sets"),
        ("tables", "Tables"),
        ("outputs", "Outputs"),
    ] {
        let Some(list) = m.get(key).and_then(Value::as_array) else {
            continue;
        };
        let _ = writeln!(
            h,
            "<h3>{title}</h3><div class=\"wrap\"><table><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr>"
        );
        for f in list {
            let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
                esc(&s("name")),
                f.get("bytes").and_then(Value::as_u64).unwrap_or(0),
                esc(&s("sha256"))
            );
        }
        h.push_str("</table></div>\n");
    }
    h.push_str("</section>\n");
}
