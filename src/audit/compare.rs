//! One inventory under two factor sets: the change by scope, scope 3 category and site, and
//! the factors that drive it, largest absolute change first. This is also the figure a
//! base-year recalculation needs: the baseline as reported and as restated, side by side.
//!
//! A driver is a factor key whose contribution (location-based kg CO2e over every line that
//! uses it, upstream lines under their own keys) differs between the two runs. Factor keys
//! are stable across DESNZ editions, so a key names the same factor in both.

use crate::model::{value_of, Inventory, RowCounts};
use crate::num::percent_change;
pub use crate::report::compare::{render_json, render_text, to_json};
use crate::report::inventory::{Figures, CATEGORY_NAMES};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Percentages are rounded half away from zero to this many places.
pub const PERCENT_DP: u32 = 2;

/// One figure before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What the figure is.
    pub name: String,
    /// kg CO2e under the original set.
    pub original: Decimal,
    /// kg CO2e under the other set.
    pub restated: Decimal,
    /// `restated - original`, kg CO2e.
    pub kg: Decimal,
    /// Change in percent of the original, rounded; `None` when the original is zero.
    pub percent: Option<Decimal>,
}

impl Change {
    fn new(name: impl Into<String>, original: Decimal, restated: Decimal) -> Result<Change> {
        let kg = restated
            .checked_sub(original)
            .ok_or_else(|| Error::overflow(Position::default(), "a change"))?;
        Ok(Change {
            name: name.into(),
            original,
            restated,
            kg,
            percent: percent_change(original, restated, PERCENT_DP),
        })
    }
}

/// A factor whose contribution changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Driver {
    /// Factor key.
    pub key: String,
    /// Label path (from the restated set, else the original).
    pub label: String,
    /// Factor unit.
    pub unit: String,
    /// Factor value in the original set, if it has the key.
    pub original_factor: Option<Decimal>,
    /// Factor value in the other set, if it has the key.
    pub restated_factor: Option<Decimal>,
    /// Factor change in percent, rounded.
    pub factor_percent: Option<Decimal>,
    /// The contribution before and after.
    pub contribution: Change,
}

/// What a factor lookup gives: value, label and unit.
pub type FactorInfo = (Decimal, String, String);

/// Two inventories compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Name of the original factor set.
    pub original: String,
    /// Name of the other factor set.
    pub restated: String,
    /// Row counts of each run.
    pub rows: (RowCounts, RowCounts),
    /// Scope totals and grand totals.
    pub scopes: Vec<Change>,
    /// Scope 3 categories that are non-zero in either run.
    pub categories: Vec<Change>,
    /// Sites, total location-based.
    pub sites: Vec<Change>,
    /// Factors whose contribution changed, largest absolute kg change first.
    pub drivers: Vec<Driver>,
}

impl Comparison {
    /// The change in the location-based total.
    pub fn total(&self) -> Option<&Change> {
        self.scopes.iter().find(|c| c.name == "total_location")
    }
}

fn figures(inv: &Inventory) -> Result<Figures> {
    let h = inv
        .headline()
        .ok_or_else(|| Error::overflow(Position::default(), "a total"))?;
    Figures::of(&h)
}

/// Compares inventory `a` (under set `a_name`) with `b`. `factor(side, key)` gives a factor's
/// value, label and unit in the original (side 0) or other (side 1) run's sets.
pub fn compare(
    a_name: &str,
    a: &Inventory,
    b_name: &str,
    b: &Inventory,
    factor: &dyn Fn(usize, &str) -> Option<FactorInfo>,
) -> Result<Comparison> {
    let (fa, fb) = (figures(a)?, figures(b)?);
    let mut scopes = Vec::new();
    for (name, x, y) in [
        ("scope_1", fa.scope_1, fb.scope_1),
        ("scope_2_location", fa.scope_2_location, fb.scope_2_location),
        ("scope_2_market", fa.scope_2_market, fb.scope_2_market),
        ("scope_3", fa.scope_3, fb.scope_3),
        ("total_location", fa.total_location, fb.total_location),
        ("total_market", fa.total_market, fb.total_market),
    ] {
        scopes.push(Change::new(name, x, y)?);
    }
    let mut categories = Vec::new();
    for (i, (x, y)) in fa.categories.iter().zip(&fb.categories).enumerate() {
        if !x.is_zero() || !y.is_zero() {
            categories.push(Change::new(
                format!("{} {}", i + 1, CATEGORY_NAMES[i]),
                *x,
                *y,
            )?);
        }
    }
    let ov = || Error::overflow(Position::default(), "a site total");
    let sa = a.headline_by(|k| k.site.to_string()).ok_or_else(ov)?;
    let sb = b.headline_by(|k| k.site.to_string()).ok_or_else(ov)?;
    let mut site_names: Vec<&String> = sa.keys().chain(sb.keys()).collect();
    site_names.sort();
    site_names.dedup();
    let mut sites = Vec::new();
    for s in site_names {
        let t = |m: &BTreeMap<String, crate::model::Headline>| -> Result<Decimal> {
            match m.get(s) {
                Some(h) => Ok(Figures::of(h)?.total_location),
                None => Ok(Decimal::ZERO),
            }
        };
        sites.push(Change::new(s.clone(), t(&sa)?, t(&sb)?)?);
    }
    let contributions = |inv: &Inventory| -> Result<BTreeMap<String, Decimal>> {
        let mut sums: BTreeMap<String, crate::model::ExactSum> = BTreeMap::new();
        for (k, t) in &inv.groups {
            if matches!(
                k.class,
                crate::model::ScopeClass::Outside | crate::model::ScopeClass::NhsOnly
            ) {
                continue;
            }
            sums.entry(k.factor.to_string())
                .or_default()
                .merge(&t.kg)
                .ok_or_else(|| Error::overflow(Position::default(), "a factor's contribution"))?;
        }
        sums.into_iter()
            .map(|(k, s)| Ok((k, value_of(&s, "a factor's contribution")?)))
            .collect()
    };
    let (ca, cb) = (contributions(a)?, contributions(b)?);
    let mut keys: Vec<&String> = ca.keys().chain(cb.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut drivers = Vec::new();
    for key in keys {
        let x = ca.get(key).copied().unwrap_or(Decimal::ZERO);
        let y = cb.get(key).copied().unwrap_or(Decimal::ZERO);
        if x == y {
            continue;
        }
        let (oa, ob) = (factor(0, key), factor(1, key));
        let (label, unit) = ob
            .as_ref()
            .or(oa.as_ref())
            .map(|(_, l, u)| (l.clone(), u.clone()))
            .unwrap_or_default();
        let (va, vb) = (oa.map(|f| f.0), ob.map(|f| f.0));
        drivers.push(Driver {
            key: key.clone(),
            label,
            unit,
            original_factor: va,
            restated_factor: vb,
            factor_percent: va
                .zip(vb)
                .and_then(|(p, q)| percent_change(p, q, PERCENT_DP)),
            contribution: Change::new(key.clone(), x, y)?,
        });
    }
    drivers.sort_by(|p, q| {
        q.contribution
            .kg
            .abs()
            .cmp(&p.contribution.kg.abs())
            .then_with(|| p.key.cmp(&q.key))
    });
    Ok(Comparison {
        original: a_name.to_string(),
        restated: b_name.to_string(),
        rows: (a.rows, b.rows),
        scopes,
        categories,
        sites,
        drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExactSum, GroupKey, MarketBasis, Quality, ScopeClass, Totals};
    use std::str::FromStr;
    use std::sync::Arc;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn inv(set: &str, lines: &[(ScopeClass, &str, &str)]) -> Inventory {
        let mut i = Inventory::default();
        for (class, key, kg) in lines {
            let k = GroupKey {
                class: *class,
                site: Arc::from("A"),
                period: None,
                reporting_year: None,
                nhs_category: crate::nhs::NhsCategory::OutsideNhsFootprints,
                set: Arc::from(set),
                factor: Arc::from(*key),
                upstream_of: None,
                quality: Quality::AverageData,
                market: MarketBasis::NotApplicable,
            };
            let t = Totals {
                kg: ExactSum::of(d(kg)),
                kg_market: ExactSum::of(d(kg)),
                ..Totals::default()
            };
            i.groups.insert(k, t);
        }
        i
    }

    #[test]
    fn electricity_drives_the_change() {
        let a = inv(
            "a",
            &[
                (ScopeClass::Two, "e", "10352.5"),
                (ScopeClass::One, "g", "100"),
            ],
        );
        let b = inv(
            "b",
            &[
                (ScopeClass::Two, "e", "8850"),
                (ScopeClass::One, "g", "100"),
            ],
        );
        let f = |side: usize, key: &str| -> Option<FactorInfo> {
            (key == "e").then(|| {
                (
                    if side == 0 { d("0.20705") } else { d("0.177") },
                    "elec".into(),
                    "kWh".into(),
                )
            })
        };
        let c = compare("a", &a, "b", &b, &f).unwrap();
        assert_eq!(c.drivers.len(), 1);
        assert_eq!(c.drivers[0].factor_percent, Some(d("-14.51")));
        assert_eq!(c.drivers[0].contribution.kg, d("-1502.5"));
        let s2 = c
            .scopes
            .iter()
            .find(|s| s.name == "scope_2_location")
            .unwrap();
        assert_eq!(s2.percent, Some(d("-14.51")));
        assert!(render_text(&c, 0).contains("-14.51%"));
    }
}
