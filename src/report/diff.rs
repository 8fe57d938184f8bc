//! A factor-set diff to text or JSON.

use crate::factors::diff::SetDiff;
use crate::num::exact_string;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::fmt::Write as _;

fn opt(v: Option<Decimal>) -> String {
    v.map_or_else(|| "none".to_string(), exact_string)
}

fn opt_json(v: Option<Decimal>) -> Value {
    v.map_or(Value::Null, |d| Value::String(exact_string(d)))
}

/// The diff for a person: counts, then each section.
pub fn diff_text(d: &SetDiff, threshold: Option<Decimal>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {}: {} changed, {} added, {} removed, {} relabelled, {} unchanged",
        d.from,
        d.to,
        d.changed.len(),
        d.added.len(),
        d.removed.len(),
        d.relabelled.len(),
        d.unchanged
    );
    if !d.changed.is_empty() {
        let _ = writeln!(
            out,
            "\nchanged (kg CO2e per unit, largest relative change first):"
        );
        for c in &d.changed {
            let pct = c.percent.map_or_else(String::new, |p| {
                format!(
                    " ({}{}%)",
                    if p.is_sign_positive() && !p.is_zero() {
                        "+"
                    } else {
                        ""
                    },
                    p
                )
            });
            let _ = writeln!(
                out,
                "  {}  {} [{}]: {} -> {}{}",
                c.key,
                c.label,
                c.unit,
                opt(c.from),
                opt(c.to),
                pct
            );
        }
    }
    for (title, items) in [("added", &d.added), ("removed", &d.removed)] {
        if !items.is_empty() {
            let _ = writeln!(out, "\n{title}:");
            for o in items {
                let _ = writeln!(
                    out,
                    "  {}  {} [{}]: {}",
                    o.key,
                    o.label,
                    o.unit,
                    opt(o.kg_co2e)
                );
            }
        }
    }
    if !d.relabelled.is_empty() {
        let _ = writeln!(out, "\nrelabelled:");
        for r in &d.relabelled {
            let _ = writeln!(
                out,
                "  {}  {}\n  {}  -> {}",
                r.key,
                r.from,
                " ".repeat(r.key.len()),
                r.to
            );
        }
    }
    if let Some(t) = threshold {
        let over = d.over_threshold(t);
        let _ = writeln!(
            out,
            "\n{} change(s) exceed the threshold of {}%",
            over.len(),
            exact_string(t)
        );
    }
    out
}

/// The diff for CI jobs; decimals are exact strings.
pub fn diff_json(d: &SetDiff, threshold: Option<Decimal>) -> String {
    let changed: Vec<Value> = d
        .changed
        .iter()
        .map(|c| {
            json!({
                "key": c.key, "label": c.label, "unit": c.unit,
                "from": opt_json(c.from), "to": opt_json(c.to),
                "change": opt_json(c.change), "change_percent": opt_json(c.percent),
            })
        })
        .collect();
    let only = |items: &[crate::factors::diff::Only]| -> Vec<Value> {
        items
            .iter()
            .map(|o| json!({"key": o.key, "label": o.label, "unit": o.unit, "kg_co2e": opt_json(o.kg_co2e)}))
            .collect()
    };
    let relabelled: Vec<Value> = d
        .relabelled
        .iter()
        .map(|r| json!({"key": r.key, "from": r.from, "to": r.to}))
        .collect();
    let mut v = json!({
        "from": d.from,
        "to": d.to,
        "summary": {
            "changed": d.changed.len(), "added": d.added.len(), "removed": d.removed.len(),
            "relabelled": d.relabelled.len(), "unchanged": d.unchanged,
        },
        "changed": changed,
        "added": only(&d.added),
        "removed": only(&d.removed),
        "relabelled": relabelled,
    });
    if let Some(t) = threshold {
        let over: Vec<&str> = d.over_threshold(t).iter().map(|c| c.key.as_str()).collect();
        v["threshold_percent"] = Value::String(exact_string(t));
        v["over_threshold"] = json!(over);
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
