//! Factor sets and factors as text and JSON, for `ghg factors list` and `show`.

use crate::factors::{Factor, FactorSet};
use crate::num::exact_string;
use std::fmt::Write as _;

/// One factor as JSON, every value an exact decimal string.
pub fn factor_json(set: &FactorSet, f: &Factor) -> serde_json::Value {
    let gases: serde_json::Map<String, serde_json::Value> = f
        .gases
        .iter()
        .map(|(g, v)| (g.clone(), exact_string(*v).into()))
        .collect();
    serde_json::json!({
        "key": f.key,
        "id": f.id,
        "label": f.label(),
        "unit": f.unit.name,
        "kg_co2e": f.kg_co2e.map(exact_string),
        "scope": f.scope.as_str(),
        "category": f.category,
        "gases": gases,
        "gwp": f.gwp.as_ref().map(|g| serde_json::json!({
            "gas": g.gas,
            "value": exact_string(g.value),
            "basis": g.basis.to_string(),
        })),
        "upstream": f.upstream,
        "outside": f.outside,
        "note": f.note,
        "source": { "file": set.origin, "line": f.line },
    })
}

/// A set's header lines as `ghg factors show` prints them above its factors.
pub fn describe_set(set: &FactorSet, out: &mut String) {
    let h = &set.header;
    let _ = writeln!(out, "{}: {}", h.id, h.title);
    let _ = writeln!(out, "  publisher    {}", h.publisher);
    let _ = writeln!(out, "  edition      {} version {}", h.edition, h.version);
    let _ = writeln!(
        out,
        "  period       {} ({} to {})",
        h.period, h.valid_from, h.valid_to
    );
    let _ = writeln!(out, "  licence      {}", h.licence);
    let _ = writeln!(out, "  gwp          {}", h.gwp);
    let _ = writeln!(out, "  source       {} ({})", h.source_file, h.url);
    let _ = writeln!(out, "  source sha   {}", h.source_sha256);
    let _ = writeln!(out, "  factors      {}", set.factors.len());
    let _ = writeln!(out, "  file         {} (sha256 {})", set.origin, set.sha256);
}

/// A unit after "per": one of it (`per litre`, `per tonne`, `per item`).
fn per_one(unit: &str) -> &str {
    match unit {
        "litres" => "litre",
        "tonnes" => "tonne",
        "items" => "item",
        "miles" => "mile",
        "UK gallons" => "UK gallon",
        "cubic metres" => "cubic metre",
        "therms" => "therm",
        u => u,
    }
}

/// A factor as `ghg factors show` prints it.
pub fn describe_factor(set: &FactorSet, f: &Factor, out: &mut String) {
    let unit = per_one(f.unit.name);
    let value = match f.kg_co2e {
        Some(v) => format!("{} kg CO2e per {unit}", exact_string(v)),
        None => format!("no value published (per {unit})"),
    };
    let _ = writeln!(out, "{} {}", f.key, value);
    let _ = writeln!(out, "  set       {} ({})", set.id(), set.header.title);
    if let Some(id) = &f.id {
        let _ = writeln!(out, "  id        {id}");
    }
    let _ = writeln!(out, "  label     {}", f.label());
    let scope = match f.category {
        Some(c) => format!("{}, category {c}", f.scope),
        None => f.scope.to_string(),
    };
    let _ = writeln!(out, "  scope     {scope}");
    for (g, v) in &f.gases {
        let _ = writeln!(out, "  {g:<9} {} kg CO2e", exact_string(*v));
    }
    if let Some(g) = &f.gwp {
        let _ = writeln!(
            out,
            "  gwp       {} x GWP100 {} ({}); --gwp recomputes it",
            g.gas,
            exact_string(g.value),
            g.basis
        );
    }
    for u in &f.upstream {
        let linked = set
            .get(u)
            .and_then(|l| {
                l.kg_co2e
                    .map(|v| format!("{} ({} kg CO2e)", l.label(), exact_string(v)))
            })
            .unwrap_or_default();
        let _ = writeln!(out, "  upstream  {u} {linked}");
    }
    if !f.note.is_empty() {
        let _ = writeln!(out, "  note      {}", f.note);
    }
    let _ = writeln!(out, "  source    {}:{}", set.origin, f.line);
}
