//! An explanation (`ghg explain`) as text or JSON: each line's chain from input quantity to kg
//! CO2e, the totals it rolls into, and the sums by factor. The explanation itself is built in
//! [`crate::audit::explain`]; this module only renders it.

use crate::audit::explain::{Chain, Explanation, Total};
use crate::num::exact_string;
use crate::report::table::{Align, Table};
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

fn chain_json(c: &Chain) -> Value {
    let l = &c.line;
    let mut m = Map::new();
    m.insert("file".into(), json!(l.file));
    m.insert("line".into(), json!(l.line));
    m.insert("ledger_line".into(), json!(l.ledger_line));
    m.insert("activity".into(), json!(l.activity));
    m.insert("quantity".into(), json!(exact_string(l.quantity)));
    m.insert("unit".into(), json!(l.unit));
    m.insert(
        "conversion".into(),
        json!({
            "from": l.unit,
            "to": l.converted_unit,
            "multiply_by": c.multiply_by.map(exact_string),
            "divide_by": c.divide_by.map(exact_string),
        }),
    );
    if let (Some(from), Some(to)) = (l.deflator_from, l.deflator_to) {
        m.insert(
            "deflation".into(),
            json!({
                "series": l.deflator,
                "price_year": l.price_year,
                "index_price_year": exact_string(from),
                "index_factor_year": exact_string(to),
            }),
        );
    }
    if let Some(mf) = l.market_factor {
        m.insert("market_factor".into(), json!(exact_string(mf)));
    }
    m.insert(
        "converted_quantity".into(),
        json!(exact_string(l.converted_quantity)),
    );
    m.insert("converted_unit".into(), json!(l.converted_unit));
    m.insert(
        "factor".into(),
        json!({
            "set": l.factor_set,
            "key": l.factor_key,
            "label": l.factor_label,
            "value": exact_string(l.factor_value),
            "unit": format!("kg CO2e per {}", l.converted_unit),
            "source": c.source.as_ref().map(|s| match &s.gwp {
                Some(g) => json!({"file": s.file, "line": s.line, "gwp": g}),
                None => json!({"file": s.file, "line": s.line}),
            }),
        }),
    );
    m.insert("kg_co2e".into(), json!(exact_string(l.kg_co2e)));
    m.insert(
        "kg_co2e_recomputed".into(),
        json!(c.recomputed.map(exact_string)),
    );
    m.insert("reproduced".into(), json!(c.reproduced()));
    m.insert("formula".into(), json!(formula(c)));
    m.insert("scope".into(), json!(l.scope));
    m.insert("category".into(), json!(l.category));
    m.insert(
        "kg_co2e_market".into(),
        json!(exact_string(l.kg_co2e_market)),
    );
    m.insert("market_basis".into(), json!(l.market_basis));
    m.insert("upstream_of".into(), json!(l.upstream_of));
    m.insert("site".into(), json!(l.site));
    m.insert("period".into(), json!(l.period));
    m.insert("ref".into(), json!(l.reference));
    m.insert("supplier".into(), json!(l.supplier));
    m.insert("quality".into(), json!(l.quality));
    m.insert("reporting_year".into(), json!(l.reporting_year));
    m.insert("nhs_category".into(), json!(l.nhs_category));
    m.insert("nhs_footprint".into(), json!(l.nhs_footprint));
    Value::Object(m)
}

fn total_json(t: &Total) -> Value {
    json!({"name": t.name, "pointer": t.pointer, "kg_co2e": exact_string(t.kg_co2e)})
}

/// The explanation as JSON: exact decimals as strings.
pub fn render_json(e: &Explanation) -> Result<String> {
    let v = json!({
        "schema": "ghg-explain/1",
        "selection": e.selection,
        "lines": e.chains.iter().map(chain_json).collect::<Vec<_>>(),
        "by_factor": e.by_factor.iter().map(|f| json!({
            "set": f.set, "key": f.key, "label": f.label, "value": exact_string(f.value),
            "unit": f.unit, "quantity": exact_string(f.quantity), "kg_co2e": exact_string(f.kg_co2e),
            "lines": f.lines,
        })).collect::<Vec<_>>(),
        "kg_co2e": exact_string(e.kg_co2e),
        "kg_co2e_market": exact_string(e.kg_co2e_market),
        "rolls_into": e.totals.iter().map(total_json).collect::<Vec<_>>(),
        "equals": e.equals.as_ref().map(total_json),
    });
    let mut s = serde_json::to_string_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn formula(c: &Chain) -> String {
    let l = &c.line;
    let q = exact_string(l.quantity);
    let f = exact_string(l.factor_value);
    let kg = exact_string(l.kg_co2e);
    match (c.multiply_by, c.divide_by) {
        (Some(m), Some(d)) if m == Decimal::ONE && d == Decimal::ONE => format!("{q} x {f} = {kg}"),
        (Some(m), Some(d)) if d == Decimal::ONE => {
            format!("{q} x {} x {f} = {kg}", exact_string(m))
        }
        (Some(m), Some(d)) => format!(
            "{q} x {} x {f} / {} = {kg}",
            exact_string(m),
            exact_string(d)
        ),
        _ => format!("{} x {f} = {kg}", exact_string(l.converted_quantity)),
    }
}

/// The explanation for people: at most `limit` lines in full (0 for all), then the sums.
pub fn render_text(e: &Explanation, limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Explaining {}: {} ledger line{}",
        e.selection,
        e.chains.len(),
        if e.chains.len() == 1 { "" } else { "s" }
    );
    let shown = if limit == 0 {
        e.chains.len()
    } else {
        limit.min(e.chains.len())
    };
    for c in &e.chains[..shown] {
        let l = &c.line;
        let _ = writeln!(out);
        let mut head = format!(
            "{}:{}  {} {} {}",
            l.file,
            l.line,
            l.activity,
            exact_string(l.quantity),
            l.unit
        );
        if !l.upstream_of.is_empty() {
            head.push_str(&format!("  (upstream of {})", l.upstream_of));
        }
        let _ = writeln!(out, "{head}");
        let q = exact_string(l.quantity);
        let cq = exact_string(l.converted_quantity);
        match (c.multiply_by, c.divide_by) {
            (Some(m), Some(d)) if m == Decimal::ONE && d == Decimal::ONE => {
                let _ = writeln!(
                    out,
                    "  input      {q} {} (already in the factor's unit {})",
                    l.unit, l.converted_unit
                );
            }
            (Some(m), Some(d)) => {
                let ratio = if d == Decimal::ONE {
                    format!("x {}", exact_string(m))
                } else {
                    format!("x {} / {}", exact_string(m), exact_string(d))
                };
                let _ = writeln!(
                    out,
                    "  convert    {q} {} {ratio} = {cq} {}",
                    l.unit, l.converted_unit
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "  convert    {q} {} -> {cq} {} (ratio not from units alone)",
                    l.unit, l.converted_unit
                );
            }
        }
        if let (Some(from), Some(to)) = (l.deflator_from, l.deflator_to) {
            let _ = writeln!(
                out,
                "  deflate    x {} / {}: {} price index, {} prices to the factor's ({} -> {})",
                exact_string(to),
                exact_string(from),
                l.deflator,
                l.price_year,
                exact_string(from),
                exact_string(to)
            );
        }
        let _ = writeln!(
            out,
            "  factor     {} {} = {} kg CO2e per {}",
            l.factor_set,
            l.factor_key,
            exact_string(l.factor_value),
            l.converted_unit
        );
        if !l.factor_label.is_empty() {
            let _ = writeln!(out, "             {}", l.factor_label);
        }
        if let Some(s) = &c.source {
            let _ = writeln!(out, "             defined at {}:{}", s.file, s.line);
            if let Some(g) = &s.gwp {
                let _ = writeln!(out, "             {g}");
            }
        }
        let _ = writeln!(out, "  result     {} kg CO2e", formula(c));
        match c.recomputed {
            Some(_) if c.reproduced() => {}
            Some(r) => {
                let _ = writeln!(
                    out,
                    "  warning    recomputed {} kg CO2e differs from the ledger's {}",
                    exact_string(r),
                    exact_string(l.kg_co2e)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  warning    cannot recompute: units {:?} -> {:?} not convertible here",
                    l.unit, l.converted_unit
                );
            }
        }
        if l.market_basis == "contractual" {
            let _ = writeln!(
                out,
                "  market     {} kg CO2e (the row's contractual market_factor)",
                exact_string(l.kg_co2e_market)
            );
        }
        let cat = l
            .category
            .map(|c| format!(" category {c}"))
            .unwrap_or_default();
        let site = if l.site.is_empty() {
            "(no site)".to_string()
        } else {
            l.site.clone()
        };
        let _ = writeln!(
            out,
            "  counts in  scope {}{cat}, site {site}{}",
            l.scope,
            if l.period.is_empty() {
                String::new()
            } else {
                format!(", period {}", l.period)
            }
        );
        if !l.nhs_category.is_empty() {
            let _ = writeln!(
                out,
                "  NHS        {}{}",
                l.nhs_category,
                if l.nhs_footprint.is_empty() {
                    ", in neither NHS footprint".to_string()
                } else {
                    format!(", NHS {}", l.nhs_footprint)
                }
            );
        }
    }
    if shown < e.chains.len() {
        let _ = writeln!(
            out,
            "\n... and {} more lines (--limit 0 shows all; --format json lists them)",
            e.chains.len() - shown
        );
    }
    if e.chains.len() > 1 {
        let _ = writeln!(out, "\nBy factor");
        for f in &e.by_factor {
            let _ = writeln!(
                out,
                "  {} {}: {} {} x {} = {} kg CO2e ({} line{})  {}",
                f.set,
                f.key,
                exact_string(f.quantity),
                f.unit,
                exact_string(f.value),
                exact_string(f.kg_co2e),
                f.lines,
                if f.lines == 1 { "" } else { "s" },
                f.label
            );
        }
    }
    let _ = writeln!(
        out,
        "\nSelection total: {} kg CO2e (market-based {})",
        exact_string(e.kg_co2e),
        exact_string(e.kg_co2e_market)
    );
    if let Some(t) = &e.equals {
        let same = e.agrees();
        let _ = writeln!(
            out,
            "  = inventory.json {} {} kg CO2e{}",
            t.name,
            exact_string(t.kg_co2e),
            if same {
                ""
            } else {
                "  (DIFFERS: the ledger and inventory.json disagree)"
            }
        );
    }
    if !e.totals.is_empty() {
        let _ = writeln!(out, "Rolls into (inventory.json)");
        let mut t = Table::new([Align::Left, Align::Left]).indent("  ");
        for total in &e.totals {
            t.row([
                total.name.clone(),
                format!("{} kg CO2e", exact_string(total.kg_co2e)),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}
