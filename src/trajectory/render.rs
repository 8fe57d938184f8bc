//! A trajectory and a bridge to bytes: a table in tCO2e for people (rounded half away from
//! zero, only here), CSV and JSON with exact decimal strings in kg CO2e.

use super::baseline::SliceBase;
use super::bridge::{Bridge, Parts};
use super::macc::MaccTable;
use super::plan::{Intervention, Reduction};
use super::project::Projection;
use super::YearStyle;
use crate::num::{display_grouped, exact_string};
use crate::report::table::Table;
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// An inventory run's total for one year, shown against the projection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actual {
    /// The year it covers.
    pub year: u16,
    /// Its total, kg CO2e, location-based.
    pub kg: Decimal,
    /// The run directory, as named.
    pub run: String,
}

/// Everything a trajectory report shows.
#[derive(Clone, Debug)]
pub struct Report {
    /// The plan's title and file.
    pub plan: String,
    /// How years are named.
    pub style: YearStyle,
    /// Where the baseline came from.
    pub baseline_source: String,
    /// The baseline's slices.
    pub slices: Vec<SliceBase>,
    /// The plan's interventions.
    pub interventions: Vec<Intervention>,
    /// Where the grid projection comes from.
    pub grid_source: String,
    /// The projection.
    pub projection: Projection,
    /// Abatement costs.
    pub macc: MaccTable,
    /// Inventory runs of later years.
    pub actuals: Vec<Actual>,
    /// Notes on choices made.
    pub notes: Vec<String>,
}

/// kg to tonnes, exactly (moves the decimal point).
pub fn tonnes(kg: Decimal) -> Decimal {
    let mut t = kg;
    if t.set_scale(t.scale() + 3).is_err() {
        t = kg / Decimal::ONE_THOUSAND;
    }
    t
}

fn t2(kg: Decimal) -> String {
    display_grouped(tonnes(kg), 2)
}

fn s(v: Decimal) -> Value {
    Value::String(exact_string(v))
}

fn keyed(names: impl Iterator<Item = String>, values: &[Decimal]) -> Value {
    Value::Object(names.zip(values).map(|(n, v)| (n, s(*v))).collect())
}

/// The trajectory as JSON, schema `ghg-trajectory/1`.
pub fn trajectory_json(r: &Report) -> Result<String> {
    let p = &r.projection;
    let st = r.style;
    let tnames = || p.targets.iter().map(|t| t.name.clone());
    let inames = || p.interventions.iter().cloned();
    let mut years = Vec::new();
    for row in p.reported() {
        let mut y = Map::new();
        y.insert("year".into(), Value::String(st.label(row.year)));
        y.insert("bau_kg".into(), s(row.bau_kg));
        y.insert("with_plan_kg".into(), s(row.with_plan_kg));
        y.insert("targets".into(), keyed(tnames(), &row.targets));
        y.insert("gap_kg".into(), keyed(tnames(), &row.gap_kg));
        y.insert("cumulative_kg".into(), s(row.cumulative_kg));
        y.insert(
            "cumulative_covered_kg".into(),
            keyed(tnames(), &row.cumulative_covered_kg),
        );
        y.insert("budget_kg".into(), keyed(tnames(), &row.budget_kg));
        y.insert("wedges_kg".into(), keyed(inames(), &row.wedges));
        y.insert("overlap_kg".into(), s(row.overlap_kg));
        let mut slices = Map::new();
        for (i, name) in p.slices.iter().enumerate() {
            slices.insert(
                name.clone(),
                json!({"bau_kg": exact_string(row.bau_by_slice[i]), "with_plan_kg": exact_string(row.plan_by_slice[i])}),
            );
        }
        y.insert("by_slice".into(), Value::Object(slices));
        let actual = r.actuals.iter().find(|a| a.year == row.year);
        y.insert("actual_kg".into(), actual.map_or(Value::Null, |a| s(a.kg)));
        years.push(Value::Object(y));
    }
    let last = p.reported().last();
    let mut budgets = Map::new();
    for (i, t) in p.targets.iter().enumerate() {
        if let Some(l) = last {
            budgets.insert(
                t.name.clone(),
                json!({
                    "from": st.label(p.base_year + 1),
                    "to": st.label(l.year),
                    "budget_kg": exact_string(l.budget_kg[i]),
                    "cumulative_kg": exact_string(l.cumulative_covered_kg[i]),
                    "over_budget_kg": exact_string(l.cumulative_covered_kg[i] - l.budget_kg[i]),
                }),
            );
        }
    }
    let targets: Vec<Value> = p
        .targets
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "source": t.source,
                "covers": t.covers.iter().map(|&i| p.slices[i].clone()).collect::<Vec<_>>(),
                "base_kg": exact_string(t.covers.iter().map(|&i| p.slice_base_kg[i]).sum()),
            })
        })
        .collect();
    let slices: Vec<Value> = r
        .slices
        .iter()
        .map(|sl| {
            json!({
                "name": sl.name,
                "base_kg": exact_string(sl.kg),
                "base_kwh": exact_string(sl.kwh),
                "ledger_lines": sl.lines,
                "growth_pct": exact_string(sl.spec.growth_pct),
                "factor_change_pct": exact_string(sl.spec.factor_change_pct),
                "grid": sl.spec.grid,
            })
        })
        .collect();
    let interventions: Vec<Value> = r
        .interventions
        .iter()
        .map(|i| {
            let (pct, kg) = match i.reduction {
                Reduction::Percent(p) => (Some(exact_string(p)), None),
                Reduction::AbsoluteKg(k) => (None, Some(exact_string(k))),
            };
            json!({
                "name": i.name,
                "slice": i.slice,
                "start": st.label(i.start),
                "end": i.end.map(|e| st.label(e)),
                "ramp_years": i.ramp_years,
                "reduction_pct": pct,
                "reduction_kg": kg,
                "lifetime_years": i.lifetime_years,
            })
        })
        .collect();
    let macc: Vec<Value> = r
        .macc
        .rows
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "start": st.label(m.start),
                "lifetime_years": m.lifetime_years,
                "tonnes_co2e": exact_string(m.tonnes),
                "pv_cost_gbp": exact_string(m.pv_gbp),
                "gbp_per_tco2e": m.gbp_per_tco2e.map(exact_string),
                "carbon_value_gbp_per_tco2e": m.carbon_value.map(exact_string),
                "below_carbon_value": match (m.gbp_per_tco2e, m.carbon_value) {
                    (Some(c), Some(v)) => Value::Bool(c <= v),
                    _ => Value::Null,
                },
            })
        })
        .collect();
    let v = json!({
        "schema": "ghg-trajectory/1",
        "unit": "kg CO2e",
        "plan": r.plan,
        "years_are": match st { YearStyle::Financial => "NHS financial years (April to March)", YearStyle::Calendar => "calendar years" },
        "base_year": st.label(p.base_year),
        "to": st.label(p.to),
        "baseline": {
            "source": r.baseline_source,
            "kg": exact_string(p.slice_base_kg.iter().sum()),
            "slices": slices,
        },
        "grid_projection": r.grid_source,
        "targets": targets,
        "interventions": interventions,
        "years": years,
        "budgets": budgets,
        "macc": {
            "price_year": r.macc.price_year,
            "price_index": "ONS CPI D7BT (factors/tables/deflators.toml)",
            "discount_rate_pct": exact_string(r.macc.discount_rate * Decimal::ONE_HUNDRED),
            "carbon_values": r.macc.carbon_values_source,
            "interventions": macc,
        },
        "actuals": r.actuals.iter().map(|a| json!({"year": st.label(a.year), "kg": exact_string(a.kg), "run": a.run})).collect::<Vec<_>>(),
        "notes": r.notes,
    });
    let mut out = serde_json::to_string_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// The trajectory as CSV: one row a year, exact kg CO2e.
pub fn trajectory_csv(r: &Report) -> Result<String> {
    let p = &r.projection;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "year",
        "bau_kg",
        "with_plan_kg",
        "actual_kg",
        "cumulative_kg",
        "overlap_kg",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    for t in &p.targets {
        header.push(format!("target_{}_kg", t.name));
        header.push(format!("gap_{}_kg", t.name));
        header.push(format!("budget_{}_kg", t.name));
    }
    for i in &p.interventions {
        header.push(format!("wedge_{i}_kg"));
    }
    let err = |e: csv::Error| Error::usage(format!("writing CSV: {e}"));
    w.write_record(&header).map_err(err)?;
    for row in p.reported() {
        let mut rec = vec![
            r.style.label(row.year),
            exact_string(row.bau_kg),
            exact_string(row.with_plan_kg),
            r.actuals
                .iter()
                .find(|a| a.year == row.year)
                .map_or(String::new(), |a| exact_string(a.kg)),
            exact_string(row.cumulative_kg),
            exact_string(row.overlap_kg),
        ];
        for t in 0..p.targets.len() {
            rec.push(exact_string(row.targets[t]));
            rec.push(exact_string(row.gap_kg[t]));
            rec.push(exact_string(row.budget_kg[t]));
        }
        rec.extend(row.wedges.iter().map(|w| exact_string(*w)));
        w.write_record(&rec).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::usage(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::usage(e.to_string()))
}

fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let mut t = Table::figures(header.len()).with_row(header.iter().cloned());
    for r in rows {
        t.row(r.iter().cloned());
    }
    out.push_str(&t.render());
}

/// The trajectory as a table for people, tCO2e to two places.
pub fn trajectory_table(r: &Report) -> String {
    let p = &r.projection;
    let st = r.style;
    let mut out = String::new();
    let base: Decimal = p.slice_base_kg.iter().sum();
    let _ = writeln!(
        out,
        "Trajectory{}, tCO2e: base year {} = {} ({})",
        if r.plan.is_empty() {
            String::new()
        } else {
            format!(" of {}", r.plan)
        },
        st.label(p.base_year),
        t2(base),
        r.baseline_source
    );
    let _ = writeln!(out);
    let has_actuals = !r.actuals.is_empty();
    let mut header: Vec<String> = vec!["year".into(), "BAU".into(), "with plan".into()];
    if has_actuals {
        header.push("actual".into());
    }
    header.extend(p.targets.iter().map(|t| t.name.clone()));
    let rows: Vec<Vec<String>> = p
        .reported()
        .iter()
        .map(|row| {
            let mut c = vec![st.label(row.year), t2(row.bau_kg), t2(row.with_plan_kg)];
            if has_actuals {
                c.push(
                    r.actuals
                        .iter()
                        .find(|a| a.year == row.year)
                        .map_or(String::new(), |a| t2(a.kg)),
                );
            }
            c.extend(row.targets.iter().map(|v| t2(*v)));
            c
        })
        .collect();
    table(&mut out, &header, &rows);
    if !p.targets.is_empty() {
        let _ = writeln!(
            out,
            "(a target's column is its level over the slices it covers: see Carbon budgets)"
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Gap to target (plan minus target over the target's slices; above zero: over), tCO2e"
        );
        let mut header: Vec<String> = vec!["year".into()];
        header.extend(p.targets.iter().map(|t| t.name.clone()));
        let rows: Vec<Vec<String>> = p
            .reported()
            .iter()
            .filter(|row| row.year > p.base_year)
            .map(|row| {
                let mut c = vec![st.label(row.year)];
                c.extend(row.gap_kg.iter().map(|v| t2(*v)));
                c
            })
            .collect();
        table(&mut out, &header, &rows);
        if let Some(last) = p.reported().last() {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Carbon budgets, {} to {}, tCO2e",
                st.label(p.base_year + 1),
                st.label(last.year)
            );
            let header: Vec<String> = ["target", "budget", "with plan", "over budget", "covers"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let rows: Vec<Vec<String>> = p
                .targets
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    vec![
                        t.name.clone(),
                        t2(last.budget_kg[i]),
                        t2(last.cumulative_covered_kg[i]),
                        t2(last.cumulative_covered_kg[i] - last.budget_kg[i]),
                        if t.covers.len() == p.slices.len() {
                            "all slices".to_string()
                        } else {
                            t.covers
                                .iter()
                                .map(|&i| p.slices[i].as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                    ]
                })
                .collect();
            table(&mut out, &header, &rows);
        }
    }
    if !p.interventions.is_empty() {
        if let Some(last) = p.reported().last() {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Interventions (applied in plan order on what remains of their slice), tCO2e"
            );
            let header: Vec<String> = vec![
                "intervention".into(),
                "slice".into(),
                "starts".into(),
                format!("cut in {}", st.label(last.year)),
                format!("cut to {}", st.label(last.year)),
            ];
            let mut rows: Vec<Vec<String>> = Vec::new();
            for (n, i) in r.interventions.iter().enumerate() {
                let total: Decimal = p.reported().iter().map(|row| row.wedges[n]).sum();
                rows.push(vec![
                    i.name.clone(),
                    i.slice.clone(),
                    st.label(i.start),
                    t2(last.wedges[n]),
                    t2(total),
                ]);
            }
            let overlap = p
                .reported()
                .iter()
                .try_fold(Decimal::ZERO, |a, row| a.checked_add(row.overlap_kg))
                .unwrap_or(Decimal::MAX);
            rows.push(vec![
                "overlap (not counted twice)".into(),
                String::new(),
                String::new(),
                t2(last.overlap_kg),
                t2(overlap),
            ]);
            table(&mut out, &header, &rows);
        }
    }
    if !r.macc.rows.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Abatement cost, GBP per tCO2e in {} prices, discounted at {}% a year",
            r.macc.price_year,
            exact_string(r.macc.discount_rate * Decimal::ONE_HUNDRED)
        );
        let header: Vec<String> = [
            "intervention",
            "lifetime tCO2e",
            "PV cost GBP",
            "GBP/tCO2e",
            "carbon value",
            "vs value",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows: Vec<Vec<String>> = r
            .macc
            .rows
            .iter()
            .map(|m| {
                vec![
                    m.name.clone(),
                    display_grouped(m.tonnes, 2),
                    display_grouped(m.pv_gbp, 0),
                    m.gbp_per_tco2e
                        .map_or("-".into(), |v| display_grouped(v, 2)),
                    m.carbon_value.map_or("-".into(), |v| display_grouped(v, 2)),
                    match (m.gbp_per_tco2e, m.carbon_value) {
                        (Some(c), Some(v)) if c <= v => "below".into(),
                        (Some(_), Some(_)) => "above".into(),
                        _ => "-".into(),
                    },
                ]
            })
            .collect();
        table(&mut out, &header, &rows);
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

fn parts_row(name: String, p: &Parts) -> Vec<String> {
    vec![
        name,
        t2(p.kg_a),
        t2(p.kg_b),
        t2(p.change().unwrap_or_default()),
        t2(p.activity),
        t2(p.factor),
        t2(p.only_a),
        t2(p.only_b),
    ]
}

const BRIDGE_HEAD: [&str; 8] = [
    "",
    "A",
    "B",
    "change",
    "activity",
    "factor",
    "only in A",
    "only in B",
];

/// The bridge as a table for people, tCO2e to two places.
pub fn bridge_table(b: &Bridge, name_a: &str, name_b: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Bridge from A = {name_a} to B = {name_b}, tCO2e (change = activity + factor + only in A + only in B)"
    );
    let mut blocks: Vec<(&str, Vec<(String, &Parts)>)> = vec![
        (
            "scope",
            b.by_scope
                .iter()
                .map(|(k, p)| (format!("scope {k}"), p))
                .collect(),
        ),
        (
            "category",
            b.by_category
                .iter()
                .map(|(k, p)| (format!("cat {k:>2}"), p))
                .collect(),
        ),
        (
            "site",
            b.by_site
                .iter()
                .map(|(k, p)| {
                    (
                        if k.is_empty() {
                            "(no site)".to_string()
                        } else {
                            k.clone()
                        },
                        p,
                    )
                })
                .collect(),
        ),
    ];
    blocks[0].1.push(("total".into(), &b.total));
    for (what, rows) in blocks {
        let _ = writeln!(out);
        let mut header: Vec<String> = BRIDGE_HEAD.iter().map(|s| s.to_string()).collect();
        header[0] = format!("by {what}");
        let rows: Vec<Vec<String>> = rows.into_iter().map(|(n, p)| parts_row(n, p)).collect();
        table(&mut out, &header, &rows);
    }
    out
}

fn parts_json(p: &Parts) -> Value {
    json!({
        "kg_a": exact_string(p.kg_a),
        "kg_b": exact_string(p.kg_b),
        "change_kg": exact_string(p.change().unwrap_or_default()),
        "activity_effect_kg": exact_string(p.activity),
        "factor_effect_kg": exact_string(p.factor),
        "only_in_a_kg": exact_string(p.only_a),
        "only_in_b_kg": exact_string(p.only_b),
    })
}

/// The bridge as JSON, schema `ghg-bridge/1`.
pub fn bridge_json(b: &Bridge, name_a: &str, name_b: &str) -> Result<String> {
    let lines: Vec<Value> = b
        .lines
        .iter()
        .map(|l| {
            let mut v = parts_json(&l.parts);
            if let Value::Object(m) = &mut v {
                m.insert("scope".into(), json!(l.key.scope));
                m.insert("category".into(), json!(l.key.category));
                m.insert("site".into(), json!(l.key.site));
                m.insert("factor_key".into(), json!(l.key.factor_key));
                m.insert("upstream_of".into(), json!(l.key.upstream_of));
                m.insert("unit".into(), json!(l.key.unit));
                m.insert("label".into(), json!(l.label));
                m.insert("quantity_a".into(), s(l.quantity_a));
                m.insert("quantity_b".into(), s(l.quantity_b));
            }
            v
        })
        .collect();
    let group = |m: Vec<(String, &Parts)>| -> Value {
        Value::Object(m.into_iter().map(|(k, p)| (k, parts_json(p))).collect())
    };
    let v = json!({
        "schema": "ghg-bridge/1",
        "unit": "kg CO2e",
        "a": name_a,
        "b": name_b,
        "matched_on": ["scope", "category", "site", "factor_key", "upstream_of", "unit"],
        "total": parts_json(&b.total),
        "by_scope": group(b.by_scope.iter().map(|(k, p)| (k.clone(), p)).collect()),
        "by_category": group(b.by_category.iter().map(|(k, p)| (k.to_string(), p)).collect()),
        "by_site": group(b.by_site.iter().map(|(k, p)| (k.clone(), p)).collect()),
        "lines": lines,
    });
    let mut out = serde_json::to_string_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// The bridge as CSV: one row per matched line, exact kg CO2e.
pub fn bridge_csv(b: &Bridge) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::usage(format!("writing CSV: {e}"));
    w.write_record([
        "scope",
        "category",
        "site",
        "factor_key",
        "upstream_of",
        "unit",
        "label",
        "quantity_a",
        "quantity_b",
        "kg_a",
        "kg_b",
        "change_kg",
        "activity_effect_kg",
        "factor_effect_kg",
        "only_in_a_kg",
        "only_in_b_kg",
    ])
    .map_err(err)?;
    for l in &b.lines {
        let p = &l.parts;
        w.write_record([
            l.key.scope.clone(),
            l.key.category.map_or(String::new(), |c| c.to_string()),
            l.key.site.clone(),
            l.key.factor_key.clone(),
            l.key.upstream_of.clone(),
            l.key.unit.clone(),
            l.label.clone(),
            exact_string(l.quantity_a),
            exact_string(l.quantity_b),
            exact_string(p.kg_a),
            exact_string(p.kg_b),
            exact_string(p.change().unwrap_or_default()),
            exact_string(p.activity),
            exact_string(p.factor),
            exact_string(p.only_a),
            exact_string(p.only_b),
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::usage(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::usage(e.to_string()))
}
