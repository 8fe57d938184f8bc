//! What changed between two factor sets, factor by factor, matched on the stable key.

use super::model::{Factor, FactorSet};
use crate::num::percent_change;
use rust_decimal::Decimal;

/// A factor present in only one of the two sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Only {
    /// Stable key.
    pub key: String,
    /// Label path.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Value, if published.
    pub kg_co2e: Option<Decimal>,
}

/// A factor whose label path or unit text changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relabelled {
    /// Stable key.
    pub key: String,
    /// Label before.
    pub from: String,
    /// Label after.
    pub to: String,
}

/// A factor whose value changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// Stable key.
    pub key: String,
    /// Label path in the newer set.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Value before (`None`: not published).
    pub from: Option<Decimal>,
    /// Value after (`None`: not published).
    pub to: Option<Decimal>,
    /// `to - from`, when both are published.
    pub change: Option<Decimal>,
    /// Change in percent of `from`, rounded to 2 places; `None` when `from` is zero or missing.
    pub percent: Option<Decimal>,
}

/// Everything that differs between two sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetDiff {
    /// Id of the older set.
    pub from: String,
    /// Id of the newer set.
    pub to: String,
    /// Factors only in the newer set.
    pub added: Vec<Only>,
    /// Factors only in the older set.
    pub removed: Vec<Only>,
    /// Factors whose labels changed.
    pub relabelled: Vec<Relabelled>,
    /// Factors whose value changed, largest relative change first.
    pub changed: Vec<Changed>,
    /// Factors identical in value.
    pub unchanged: usize,
}

impl SetDiff {
    /// Changed factors whose relative change exceeds `threshold` percent (either way); a
    /// factor that gained or lost its value counts as exceeding any threshold.
    pub fn over_threshold(&self, threshold: Decimal) -> Vec<&Changed> {
        self.changed
            .iter()
            .filter(|c| match (c.from, c.to, c.percent) {
                (Some(_), Some(_), Some(p)) => p.abs() > threshold,
                (Some(f), Some(t), None) => f != t, // from zero to non-zero
                _ => true,
            })
            .collect()
    }
}

fn only(f: &Factor) -> Only {
    Only {
        key: f.key.clone(),
        label: f.label(),
        unit: f.unit.name.to_string(),
        kg_co2e: f.kg_co2e,
    }
}

/// Compares `a` (older) with `b` (newer).
pub fn diff_sets(a: &FactorSet, b: &FactorSet) -> SetDiff {
    let mut d = SetDiff {
        from: a.id().to_string(),
        to: b.id().to_string(),
        ..SetDiff::default()
    };
    for fa in &a.factors {
        let Some(fb) = b.get(&fa.key).filter(|fb| fb.key == fa.key) else {
            d.removed.push(only(fa));
            continue;
        };
        let (la, lb) = (fa.label(), fb.label());
        if la != lb || fa.unit.name != fb.unit.name {
            d.relabelled.push(Relabelled {
                key: fa.key.clone(),
                from: format!("{la} ({})", fa.unit.name),
                to: format!("{lb} ({})", fb.unit.name),
            });
        }
        if fa.kg_co2e == fb.kg_co2e {
            d.unchanged += 1;
            continue;
        }
        let (change, percent) = match (fa.kg_co2e, fb.kg_co2e) {
            (Some(x), Some(y)) => (y.checked_sub(x), percent_change(x, y, 2)),
            _ => (None, None),
        };
        if change == Some(Decimal::ZERO) {
            d.unchanged += 1; // same value written with other trailing zeros
            continue;
        }
        d.changed.push(Changed {
            key: fa.key.clone(),
            label: lb,
            unit: fb.unit.name.to_string(),
            from: fa.kg_co2e,
            to: fb.kg_co2e,
            change,
            percent,
        });
    }
    for fb in &b.factors {
        if a.get(&fb.key).filter(|fa| fa.key == fb.key).is_none() {
            d.added.push(only(fb));
        }
    }
    // Largest relative change first; gained or lost values before any percentage; key breaks ties.
    d.changed.sort_by(|x, y| {
        let rank = |c: &Changed| match c.percent {
            Some(p) => (1, std::cmp::Reverse(p.abs())),
            None => (0, std::cmp::Reverse(Decimal::ZERO)),
        };
        rank(x).cmp(&rank(y)).then_with(|| x.key.cmp(&y.key))
    });
    d
}
