//! A comparison (`ghg compare`) as text or JSON: the change by scope, category and site, and
//! the factors that drive it. The comparison itself is made in [`crate::audit::compare`];
//! this module only renders it.

use crate::audit::compare::{Change, Comparison};
use crate::model::RowCounts;
use crate::num::exact_string;
use crate::report::table::{Align, Table};
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::fmt::Write as _;

fn pct(p: Option<Decimal>) -> Value {
    p.map_or(Value::Null, |p| Value::String(p.to_string()))
}

fn change_json(c: &Change) -> Value {
    json!({
        "name": c.name,
        "original_kg_co2e": exact_string(c.original),
        "restated_kg_co2e": exact_string(c.restated),
        "change_kg_co2e": exact_string(c.kg),
        "change_percent": pct(c.percent),
    })
}

/// The comparison as a JSON value: exact decimals and rounded percentages as strings.
pub fn to_json(c: &Comparison) -> Value {
    let rows = |r: &RowCounts| json!({"read": r.read, "used": r.used, "rejected": r.rejected});
    json!({
        "schema": "ghg-compare/1",
        "unit": "kg CO2e",
        "original": c.original,
        "restated": c.restated,
        "rows": {"original": rows(&c.rows.0), "restated": rows(&c.rows.1)},
        "totals": c.scopes.iter().map(change_json).collect::<Vec<_>>(),
        "scope_3_categories": c.categories.iter().map(change_json).collect::<Vec<_>>(),
        "by_site": c.sites.iter().map(change_json).collect::<Vec<_>>(),
        "drivers": c.drivers.iter().map(|d| json!({
            "factor_key": d.key,
            "label": d.label,
            "unit": d.unit,
            "original_factor": d.original_factor.map(exact_string),
            "restated_factor": d.restated_factor.map(exact_string),
            "factor_change_percent": pct(d.factor_percent),
            "original_kg_co2e": exact_string(d.contribution.original),
            "restated_kg_co2e": exact_string(d.contribution.restated),
            "change_kg_co2e": exact_string(d.contribution.kg),
            "change_percent": pct(d.contribution.percent),
        })).collect::<Vec<_>>(),
    })
}

/// The comparison as pretty JSON with a final newline.
pub fn render_json(c: &Comparison) -> Result<String> {
    let mut s =
        serde_json::to_string_pretty(&to_json(c)).map_err(|e| Error::usage(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn pct_text(p: Option<Decimal>) -> String {
    match p {
        Some(p) if p.is_sign_positive() && !p.is_zero() => format!("+{p}%"),
        Some(p) => format!("{p}%"),
        None => "n/a".to_string(),
    }
}

fn kg_text(d: Decimal) -> String {
    let s = crate::num::display_grouped(d, 2);
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{s}")
    } else {
        s
    }
}

fn table(out: &mut String, title: &str, rows: &[Change], a: &str, b: &str) {
    let mut t = vec![[
        title.to_string(),
        a.to_string(),
        b.to_string(),
        "change".into(),
        "%".into(),
    ]];
    for c in rows {
        t.push([
            c.name.clone(),
            crate::num::display_grouped(c.original, 2),
            crate::num::display_grouped(c.restated, 2),
            kg_text(c.kg),
            pct_text(c.percent),
        ]);
    }
    aligned(out, &t, false);
}

/// Text in columns: the first left-aligned, figures right-aligned, a final label column left.
fn aligned<const N: usize>(out: &mut String, rows: &[[String; N]], label_last: bool) {
    let mut align = vec![Align::Right; N];
    align[0] = Align::Left;
    if label_last {
        align[N - 1] = Align::Left;
    }
    let mut t = Table::new(align);
    for r in rows {
        t.row(r.iter().cloned());
    }
    out.push_str(&t.render());
}

/// The comparison for people, kg CO2e to two places; at most `top` drivers (0 for all).
pub fn render_text(c: &Comparison, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Inventory under {} (original) and {} (restated), kg CO2e\n",
        c.original, c.restated
    );
    table(&mut out, "total", &c.scopes, "original", "restated");
    if !c.categories.is_empty() {
        let _ = writeln!(out);
        table(
            &mut out,
            "scope 3 category",
            &c.categories,
            "original",
            "restated",
        );
    }
    if c.sites.len() > 1 || c.sites.iter().any(|s| !s.name.is_empty()) {
        let _ = writeln!(out);
        let sites: Vec<Change> = c
            .sites
            .iter()
            .map(|s| Change {
                name: if s.name.is_empty() {
                    "(no site)".into()
                } else {
                    s.name.clone()
                },
                ..s.clone()
            })
            .collect();
        table(
            &mut out,
            "site (total, location-based)",
            &sites,
            "original",
            "restated",
        );
    }
    let _ = writeln!(out, "\nDrivers, largest change first");
    if c.drivers.is_empty() {
        let _ = writeln!(out, "  none: every factor contributes the same");
    } else {
        let mut t = vec![[
            "factor".to_string(),
            "original factor".into(),
            "restated factor".into(),
            "factor %".into(),
            "kg change".into(),
            "label".into(),
        ]];
        let shown = if top == 0 {
            c.drivers.len()
        } else {
            top.min(c.drivers.len())
        };
        for d in &c.drivers[..shown] {
            let f = |v: Option<Decimal>| v.map_or("(none)".to_string(), exact_string);
            t.push([
                d.key.clone(),
                f(d.original_factor),
                f(d.restated_factor),
                pct_text(d.factor_percent),
                kg_text(d.contribution.kg),
                d.label.clone(),
            ]);
        }
        aligned(&mut out, &t, true);
        if shown < c.drivers.len() {
            let _ = writeln!(
                out,
                "  ... and {} more (--top 0 shows all)",
                c.drivers.len() - shown
            );
        }
    }
    let (ra, rb) = &c.rows;
    if ra.used != rb.used || ra.rejected != rb.rejected {
        let _ = writeln!(
            out,
            "\nnote: rows used differ ({} under {}, {} under {}): rows one set cannot price are not in its figures",
            ra.used, c.original, rb.used, c.restated
        );
    }
    out
}
