//! The year-on-year bridge: why emissions moved between two inventory runs, line by line.
//!
//! Lines of the two ledgers are matched on (scope, scope 3 category, site, factor key,
//! upstream-of key, the factor's unit), summing the quantity (in the factor's unit) and kg of
//! every ledger line with that key; so monthly rows of one meter become one line, and the
//! DESNZ factor keys, stable from 2016 to 2025, match a line across editions. A key in both
//! runs splits its change into:
//! - the activity effect: (quantity B - quantity A) x factor A, factor A being the one factor
//!   value of A's lines when they share one, else kg A / quantity A;
//! - the factor effect: the rest of the change, which is (factor B - factor A) x quantity B.
//!
//! A key only in A contributes -kg A, a key only in B +kg B. By construction the four parts add
//! exactly to kg B - kg A on every line. Totals (scope, category, site) sum their lines exactly
//! and round once past 28 significant digits, as inventory.json does, so they equal the runs'
//! own totals; a total's factor effect is its change minus its other parts, so every total adds
//! exactly too (it equals the sum of its lines' factor effects to the 28th significant digit).
//! Scope 2 is location-based; outside-of-scopes lines are left out, as from the totals.

use crate::model::ledger::LedgerLine;
use crate::model::ExactSum;
use crate::num::exact_string;
use crate::report::inventory_json::{InventoryJson, ScopeField};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What identifies a line in both runs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineKey {
    /// `1`, `2` or `3`.
    pub scope: String,
    /// Scope 3 category.
    pub category: Option<u8>,
    /// Site.
    pub site: String,
    /// Factor key.
    pub factor_key: String,
    /// For an upstream line, the factor it is upstream of.
    pub upstream_of: String,
    /// The factor's unit.
    pub unit: String,
}

/// The parts of a change, kg CO2e, exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// Emissions in run A.
    pub kg_a: Decimal,
    /// Emissions in run B.
    pub kg_b: Decimal,
    /// Change of quantity at A's factors.
    pub activity: Decimal,
    /// Change of factor at B's quantities.
    pub factor: Decimal,
    /// Lines only in A (minus their kg).
    pub only_a: Decimal,
    /// Lines only in B.
    pub only_b: Decimal,
}

impl Parts {
    /// kg B - kg A.
    pub fn change(&self) -> Option<Decimal> {
        self.kg_b.checked_sub(self.kg_a)
    }

    /// The four parts summed, which equals [`Parts::change`].
    pub fn sum_of_parts(&self) -> Option<Decimal> {
        self.activity
            .checked_add(self.factor)?
            .checked_add(self.only_a)?
            .checked_add(self.only_b)
    }
}

/// Parts of a total summed exactly (sums of 28-digit figures can need more digits).
#[derive(Default)]
struct Acc {
    kg_a: ExactSum,
    kg_b: ExactSum,
    activity: ExactSum,
    only_a: ExactSum,
    only_b: ExactSum,
}

impl Acc {
    fn add(&mut self, p: &Parts) -> Option<()> {
        self.kg_a.add(p.kg_a)?;
        self.kg_b.add(p.kg_b)?;
        self.activity.add(p.activity)?;
        self.only_a.add(p.only_a)?;
        self.only_b.add(p.only_b)
    }

    /// Each sum rounded once, as inventory.json rounds its totals (only past 28 significant
    /// digits); the factor effect of the total is the rest of its change, so the parts of
    /// every total add exactly to it.
    fn finish(&self) -> Option<Parts> {
        let kg_a = self.kg_a.value()?;
        let kg_b = self.kg_b.value()?;
        let activity = self.activity.value()?;
        let only_a = self.only_a.value()?;
        let only_b = self.only_b.value()?;
        let factor = kg_b
            .checked_sub(kg_a)?
            .checked_sub(activity)?
            .checked_sub(only_a)?
            .checked_sub(only_b)?;
        Some(Parts {
            kg_a,
            kg_b,
            activity,
            factor,
            only_a,
            only_b,
        })
    }
}

/// One matched line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeLine {
    /// Its key.
    pub key: LineKey,
    /// The factor's label (from B, else A).
    pub label: String,
    /// Quantity in A, in the factor's unit.
    pub quantity_a: Decimal,
    /// Quantity in B.
    pub quantity_b: Decimal,
    /// Its parts.
    pub parts: Parts,
}

/// A bridge between two runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bridge {
    /// Every line, by key.
    pub lines: Vec<BridgeLine>,
    /// All lines.
    pub total: Parts,
    /// By scope (`1`, `2`, `3`).
    pub by_scope: BTreeMap<String, Parts>,
    /// By scope 3 category.
    pub by_category: BTreeMap<u8, Parts>,
    /// By site.
    pub by_site: BTreeMap<String, Parts>,
}

#[derive(Default)]
struct Gathered {
    quantity: ExactSum,
    kg: ExactSum,
    factor: Option<Option<Decimal>>,
    label: String,
}

struct Side {
    quantity: Decimal,
    kg: Decimal,
    /// The one factor value of every line, if they share one and kg = quantity x factor.
    factor: Option<Option<Decimal>>,
    label: String,
}

fn ov() -> Error {
    Error::overflow(Position::default(), "a bridge sum")
}

fn gather(lines: &[LedgerLine]) -> Result<BTreeMap<LineKey, Side>> {
    let mut out: BTreeMap<LineKey, Gathered> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.scope != "outside") {
        let key = LineKey {
            scope: l.scope.clone(),
            category: l.category,
            site: l.site.clone(),
            factor_key: l.factor_key.clone(),
            upstream_of: l.upstream_of.clone(),
            unit: l.converted_unit.clone(),
        };
        let s = out.entry(key).or_default();
        s.quantity.add(l.converted_quantity).ok_or_else(ov)?;
        s.kg.add(l.kg_co2e).ok_or_else(ov)?;
        let exact = l.converted_quantity.checked_mul(l.factor_value) == Some(l.kg_co2e);
        s.factor = match s.factor {
            None if exact => Some(Some(l.factor_value)),
            Some(Some(f)) if exact && f == l.factor_value => Some(Some(f)),
            _ => Some(None),
        };
        if s.label.is_empty() {
            s.label = l.factor_label.clone();
        }
    }
    out.into_iter()
        .map(|(k, g)| {
            Ok((
                k,
                Side {
                    quantity: g.quantity.value().ok_or_else(ov)?,
                    kg: g.kg.value().ok_or_else(ov)?,
                    factor: g.factor,
                    label: g.label,
                },
            ))
        })
        .collect()
}

/// The bridge from run A's ledger lines to run B's.
pub fn bridge(a: &[LedgerLine], b: &[LedgerLine]) -> Result<Bridge> {
    let mut sa = gather(a)?;
    let sb = gather(b)?;
    let mut lines = Vec::new();
    for (key, b) in sb {
        let line = match sa.remove(&key) {
            Some(a) => {
                let fa = match a.factor.flatten() {
                    Some(f) => Some(f),
                    None if a.quantity.is_zero() => None,
                    None => a.kg.checked_div(a.quantity),
                };
                let change = b.kg.checked_sub(a.kg).ok_or_else(ov)?;
                let activity = match fa {
                    Some(f) => b
                        .quantity
                        .checked_sub(a.quantity)
                        .and_then(|dq| dq.checked_mul(f))
                        .ok_or_else(ov)?,
                    // No quantity in A to price: the whole change is activity.
                    None => change,
                };
                BridgeLine {
                    label: if b.label.is_empty() { a.label } else { b.label },
                    quantity_a: a.quantity,
                    quantity_b: b.quantity,
                    parts: Parts {
                        kg_a: a.kg,
                        kg_b: b.kg,
                        activity,
                        factor: change.checked_sub(activity).ok_or_else(ov)?,
                        only_a: Decimal::ZERO,
                        only_b: Decimal::ZERO,
                    },
                    key,
                }
            }
            None => BridgeLine {
                key,
                label: b.label,
                quantity_a: Decimal::ZERO,
                quantity_b: b.quantity,
                parts: Parts {
                    kg_b: b.kg,
                    only_b: b.kg,
                    ..Parts::default()
                },
            },
        };
        lines.push(line);
    }
    for (key, a) in sa {
        lines.push(BridgeLine {
            key,
            label: a.label,
            quantity_a: a.quantity,
            quantity_b: Decimal::ZERO,
            parts: Parts {
                kg_a: a.kg,
                only_a: -a.kg,
                ..Parts::default()
            },
        });
    }
    lines.sort_by(|x, y| x.key.cmp(&y.key));
    let mut total = Acc::default();
    let mut by_scope: BTreeMap<String, Acc> = BTreeMap::new();
    let mut by_category: BTreeMap<u8, Acc> = BTreeMap::new();
    let mut by_site: BTreeMap<String, Acc> = BTreeMap::new();
    for l in &lines {
        total.add(&l.parts).ok_or_else(ov)?;
        by_scope
            .entry(l.key.scope.clone())
            .or_default()
            .add(&l.parts)
            .ok_or_else(ov)?;
        if let Some(c) = l.key.category {
            by_category
                .entry(c)
                .or_default()
                .add(&l.parts)
                .ok_or_else(ov)?;
        }
        by_site
            .entry(l.key.site.clone())
            .or_default()
            .add(&l.parts)
            .ok_or_else(ov)?;
    }
    fn done<K: Ord>(m: BTreeMap<K, Acc>) -> Result<BTreeMap<K, Parts>> {
        m.into_iter()
            .map(|(k, a)| Ok((k, a.finish().ok_or_else(ov)?)))
            .collect()
    }
    Ok(Bridge {
        lines,
        total: total.finish().ok_or_else(ov)?,
        by_scope: done(by_scope)?,
        by_category: done(by_category)?,
        by_site: done(by_site)?,
    })
}

/// Totals of one side of the bridge that differ from that run's `inventory.json`:
/// (total's name, the bridge's figure, inventory.json's figure). Empty when all agree.
pub fn disagreements(
    bridge: &Bridge,
    side_a: bool,
    inventory: &InventoryJson,
) -> Vec<(String, Decimal, Option<Decimal>)> {
    let pick = |p: &Parts| if side_a { p.kg_a } else { p.kg_b };
    let totals = &inventory.totals_kg_co2e;
    let mut want: Vec<(String, Decimal, Option<Decimal>)> = vec![(
        "total_location".into(),
        pick(&bridge.total),
        Some(totals.total_location.0),
    )];
    for (scope, field) in [
        ("1", ScopeField::Scope1),
        ("2", ScopeField::Scope2Location),
        ("3", ScopeField::Scope3),
    ] {
        let ours = bridge.by_scope.get(scope).map_or(Decimal::ZERO, pick);
        want.push((field.as_str().into(), ours, Some(totals.get(field))));
    }
    for c in 1..=15u8 {
        let ours = bridge.by_category.get(&c).map_or(Decimal::ZERO, pick);
        let theirs = inventory
            .scope_3_categories_kg_co2e
            .get(&c.to_string())
            .map(|k| k.0);
        want.push((format!("scope 3 category {c}"), ours, theirs));
    }
    for (site, figures) in inventory.by_site.iter() {
        let ours = bridge.by_site.get(site).map_or(Decimal::ZERO, pick);
        want.push((
            format!("site {site:?}"),
            ours,
            Some(figures.total_location.0),
        ));
    }
    want.into_iter()
        .filter(|(_, ours, theirs)| Some(*ours) != *theirs)
        .collect()
}

/// Exact text of a figure.
pub fn kg(v: Decimal) -> String {
    exact_string(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Ledger lines of scope 2 electricity, read back through the ledger reader so the test
    /// follows the ledger's columns: (site, key, kWh, factor).
    fn lines(rows: &[(&str, &str, &str, &str)]) -> Vec<LedgerLine> {
        use crate::model::ledger::{LedgerRecord, LEDGER_HEADER};
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(LEDGER_HEADER).unwrap();
        for (site, key, q, f) in rows {
            let kg = (d(q) * d(f)).to_string();
            let rec = LedgerRecord {
                file: "e.csv",
                line: "2",
                activity: "electricity",
                quantity: q,
                converted_quantity: q,
                unit: "kWh",
                converted_unit: "kWh",
                factor_set: "s",
                factor_key: key,
                factor_value: f,
                kg_co2e: &kg,
                kg_co2e_market: &kg,
                scope: "2",
                site,
                period: "2024/25",
                factor_label: "UK electricity",
                ..LedgerRecord::default()
            };
            w.write_record(rec.fields()).unwrap();
        }
        crate::model::ledger::read_ledger("ledger.csv", &w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn activity_and_factor_effects_add_to_the_change() {
        let a = lines(&[("A", "elec", "1000", "0.2"), ("B", "elec", "50", "0.2")]);
        let b = lines(&[("A", "elec", "900", "0.15"), ("C", "elec", "10", "0.15")]);
        let br = bridge(&a, &b).unwrap();
        let site_a = &br.by_site["A"];
        assert_eq!(site_a.activity, d("-20")); // -100 kWh x 0.2
        assert_eq!(site_a.factor, d("-45")); // -0.05 x 900
        assert_eq!(br.by_site["B"].only_a, d("-10"));
        assert_eq!(br.by_site["C"].only_b, d("1.5"));
        assert_eq!(br.total.change(), Some(d("-73.5")));
        assert_eq!(br.total.sum_of_parts(), br.total.change());
    }
}
