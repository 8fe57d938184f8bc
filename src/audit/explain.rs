//! A figure back to what made it: each ledger line as input quantity, exact unit conversion,
//! factor and product, and the totals of `inventory.json` it rolls into.
//!
//! The kg CO2e is recomputed here the way the engine computes it (quantity x multiplier x
//! factor, then one division by the divisor if the conversion has one) and compared with the
//! ledger's, so an explanation that does not reproduce its figure says so.

pub use super::ledger::{read_ledger, LedgerLine};
use crate::model::ExactSum;
pub use crate::report::explain::{render_json, render_text};
use crate::report::inventory::CATEGORY_NAMES;
use crate::report::inventory_json::{InventoryJson, ScopeField};
use crate::units::{conversion, parse_unit};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Which ledger lines to explain; every filter given must match, none given means all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// An input row: file as named in the ledger, and line.
    pub line: Option<(String, u64)>,
    /// A factor: set id (any set if `None`) and key.
    pub factor: Option<(Option<String>, String)>,
    /// A site as written on the rows.
    pub site: Option<String>,
    /// A scope: `1`, `2`, `3`, `outside`.
    pub scope: Option<String>,
    /// A scope 3 category.
    pub category: Option<u8>,
}

impl Selection {
    /// True when the line passes every filter.
    pub fn matches(&self, l: &LedgerLine) -> bool {
        self.line
            .as_ref()
            .is_none_or(|(f, n)| &l.file == f && l.line == *n)
            && self.factor.as_ref().is_none_or(|(s, k)| {
                &l.factor_key == k && s.as_ref().is_none_or(|s| &l.factor_set == s)
            })
            && self.site.as_ref().is_none_or(|s| &l.site == s)
            && self
                .scope
                .as_ref()
                .is_none_or(|s| l.scope.eq_ignore_ascii_case(s))
            && self.category.is_none_or(|c| l.category == Some(c))
    }

    /// The filters in words, for headings.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((f, n)) = &self.line {
            parts.push(format!("input row {f}:{n}"));
        }
        if let Some((s, k)) = &self.factor {
            parts.push(match s {
                Some(s) => format!("factor {s}:{k}"),
                None => format!("factor {k}"),
            });
        }
        if let Some(s) = &self.scope {
            parts.push(format!("scope {s}"));
        }
        if let Some(c) = self.category {
            parts.push(format!("category {c}"));
        }
        if let Some(s) = &self.site {
            parts.push(format!("site {s:?}"));
        }
        if parts.is_empty() {
            "the whole inventory".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Where a factor is defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactorSource {
    /// The factor-set file, as the manifest names it.
    pub file: String,
    /// Line of the factor's `[[factor]]` header.
    pub line: u64,
    /// When the run's `--gwp` recomputed the factor: how (the gas, the GWP in the file and
    /// the one the run used), since the ledger's value then differs from the file's.
    pub gwp: Option<String>,
}

/// One ledger line, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The line.
    pub line: LedgerLine,
    /// Multiply the quantity by this to get the factor's unit...
    pub multiply_by: Option<Decimal>,
    /// ...and divide by this (one for every conversion between decimal units).
    pub divide_by: Option<Decimal>,
    /// The kg CO2e recomputed from quantity, conversion and factor.
    pub recomputed: Option<Decimal>,
    /// Where the factor is defined, when known.
    pub source: Option<FactorSource>,
}

impl Chain {
    /// True when the recomputed kg CO2e equals the ledger's.
    pub fn reproduced(&self) -> bool {
        self.recomputed == Some(self.line.kg_co2e)
    }
}

/// kg CO2e as the engine computes it: `quantity x multiply_by x factor`, then `/ divide_by`.
pub fn recompute(
    quantity: Decimal,
    multiply_by: Decimal,
    divide_by: Decimal,
    factor: Decimal,
) -> Option<Decimal> {
    let p = quantity.checked_mul(multiply_by)?.checked_mul(factor)?;
    if divide_by == Decimal::ONE {
        Some(p)
    } else {
        p.checked_div(divide_by)
    }
}

/// Explains one ledger line; `source(set, key)` finds where a factor is defined.
pub fn chain(line: &LedgerLine, source: &dyn Fn(&str, &str) -> Option<FactorSource>) -> Chain {
    let conv = parse_unit(&line.unit)
        .zip(parse_unit(&line.converted_unit))
        .and_then(|(from, to)| conversion(&from, &to).ok());
    // Deflated spend: the engine multiplies by I(factor year) and divides by I(price year).
    let conv = conv.and_then(|c| match (line.deflator_to, line.deflator_from) {
        (Some(to), Some(from)) => Some((c.num.checked_mul(to)?, c.den.checked_mul(from)?)),
        _ => Some((c.num, c.den)),
    });
    let recomputed = conv.and_then(|(m, d)| recompute(line.quantity, m, d, line.factor_value));
    Chain {
        line: line.clone(),
        multiply_by: conv.map(|c| c.0),
        divide_by: conv.map(|c| c.1),
        recomputed,
        source: source(&line.factor_set, &line.factor_key),
    }
}

/// A named total of `inventory.json` and its value, kg CO2e.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total {
    /// What it is (`scope 1`, `scope 3 category 6 Business travel`, `site "REF12"`, ...).
    pub name: String,
    /// Where it is in inventory.json, as a JSON pointer (shown to users; see [`TotalAt`]).
    pub pointer: String,
    /// Its value as inventory.json gives it.
    pub kg_co2e: Decimal,
}

/// A total of inventory.json, found through its types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotalAt {
    /// A headline scope figure.
    Totals(ScopeField),
    /// A scope 3 category, 1-15.
    Category(u8),
    /// A site's scope figure.
    Site(String, ScopeField),
    /// The NHS footprints' lines outside the GHG Protocol scopes.
    NhsOutsideGhgProtocol,
}

impl TotalAt {
    /// The JSON pointer that names it (RFC 6901: `~` and `/` in a site escaped).
    pub fn pointer(&self) -> String {
        match self {
            TotalAt::Totals(f) => format!("/totals_kg_co2e/{}", f.as_str()),
            TotalAt::Category(c) => format!("/totals_kg_co2e/scope_3_categories_kg_co2e/{c}"),
            TotalAt::Site(s, f) => format!(
                "/by_site/{}/{}",
                s.replace('~', "~0").replace('/', "~1"),
                f.as_str()
            ),
            TotalAt::NhsOutsideGhgProtocol => "/nhs_footprint_kg_co2e/outside_ghg_protocol".into(),
        }
    }

    /// Its value in `inv`, if `inv` has it.
    pub fn value(&self, inv: &InventoryJson) -> Option<Decimal> {
        match self {
            TotalAt::Totals(f) => Some(inv.totals_kg_co2e.get(*f)),
            TotalAt::Category(c) => inv.totals_kg_co2e.category(*c),
            TotalAt::Site(s, f) => inv.by_site.get(s).map(|t| t.get(*f)),
            TotalAt::NhsOutsideGhgProtocol => {
                Some(inv.nhs_footprint_kg_co2e.outside_ghg_protocol.0)
            }
        }
    }

    fn total(self, name: String, inv: &InventoryJson) -> Option<Total> {
        Some(Total {
            name,
            kg_co2e: self.value(inv)?,
            pointer: self.pointer(),
        })
    }
}

/// The totals of `inventory.json` a line rolls into, innermost first.
pub fn rolls_into(l: &LedgerLine, inventory: &InventoryJson) -> Vec<Total> {
    use ScopeField::*;
    let mut at: Vec<(String, TotalAt)> = Vec::new();
    match l.scope.as_str() {
        "1" => at.push(("scope 1".into(), TotalAt::Totals(Scope1))),
        "2" => {
            at.push((
                "scope 2 (location-based)".into(),
                TotalAt::Totals(Scope2Location),
            ));
            at.push((
                "scope 2 (market-based)".into(),
                TotalAt::Totals(Scope2Market),
            ));
        }
        "3" => {
            if let Some(c) = l.category {
                let name = CATEGORY_NAMES
                    .get(usize::from(c).wrapping_sub(1))
                    .copied()
                    .unwrap_or("");
                at.push((
                    format!("scope 3 category {c} ({name})"),
                    TotalAt::Category(c),
                ));
            }
            at.push(("scope 3".into(), TotalAt::Totals(Scope3)));
        }
        "nhs-only" => at.push((
            "NHS footprints only, outside the GHG Protocol scopes".into(),
            TotalAt::NhsOutsideGhgProtocol,
        )),
        _ => at.push(("outside of scopes".into(), TotalAt::Totals(OutsideOfScopes))),
    }
    if l.scope != "outside" && l.scope != "nhs-only" {
        at.push((
            format!("site {:?} total (location-based)", l.site),
            TotalAt::Site(l.site.clone(), TotalLocation),
        ));
        at.push((
            "total (location-based)".into(),
            TotalAt::Totals(TotalLocation),
        ));
        if l.scope == "2" {
            at.push(("total (market-based)".into(), TotalAt::Totals(TotalMarket)));
        }
    }
    at.into_iter()
        .filter_map(|(name, at)| at.total(name, inventory))
        .collect()
}

/// The lines of one factor within a selection, summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactorSum {
    /// Set id.
    pub set: String,
    /// Factor key.
    pub key: String,
    /// Label path.
    pub label: String,
    /// Factor value.
    pub value: Decimal,
    /// Factor unit.
    pub unit: String,
    /// Converted quantity, summed.
    pub quantity: Decimal,
    /// kg CO2e, summed.
    pub kg_co2e: Decimal,
    /// Lines.
    pub lines: u64,
}

/// An explanation of a selection of ledger lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// What was selected, in words.
    pub selection: String,
    /// Every selected line, explained, in ledger order.
    pub chains: Vec<Chain>,
    /// The selection by factor, largest kg CO2e first.
    pub by_factor: Vec<FactorSum>,
    /// kg CO2e of the selection (location-based).
    pub kg_co2e: Decimal,
    /// kg CO2e of the selection (market-based).
    pub kg_co2e_market: Decimal,
    /// The totals of inventory.json the selection rolls into.
    pub totals: Vec<Total>,
    /// The total of inventory.json the selection is exactly, if it is one.
    pub equals: Option<Total>,
}

/// Explains the lines `sel` picks. `inventory` is inventory.json; `source` finds factors.
pub fn explain(
    lines: &[LedgerLine],
    sel: &Selection,
    inventory: &InventoryJson,
    source: &dyn Fn(&str, &str) -> Option<FactorSource>,
) -> Result<Explanation> {
    let ov = || Error::overflow(Position::default(), "the selection's total");
    let chains: Vec<Chain> = lines
        .iter()
        .filter(|l| sel.matches(l))
        .map(|l| chain(l, source))
        .collect();
    // Summed as the inventory sums (exactly), so a selection that is a total equals it.
    let mut kg = ExactSum::ZERO;
    let mut kg_market = ExactSum::ZERO;
    let mut sums: BTreeMap<(String, String), (FactorSum, ExactSum, ExactSum)> = BTreeMap::new();
    let mut totals: Vec<Total> = Vec::new();
    for c in &chains {
        let l = &c.line;
        if l.scope != "outside" && l.scope != "nhs-only" {
            kg.add(l.kg_co2e).ok_or_else(ov)?;
            kg_market.add(l.kg_co2e_market).ok_or_else(ov)?;
        }
        let (s, quantity, kg_sum) = sums
            .entry((l.factor_set.clone(), l.factor_key.clone()))
            .or_insert_with(|| {
                (
                    FactorSum {
                        set: l.factor_set.clone(),
                        key: l.factor_key.clone(),
                        label: l.factor_label.clone(),
                        value: l.factor_value,
                        unit: l.converted_unit.clone(),
                        quantity: Decimal::ZERO,
                        kg_co2e: Decimal::ZERO,
                        lines: 0,
                    },
                    ExactSum::ZERO,
                    ExactSum::ZERO,
                )
            });
        quantity.add(l.converted_quantity).ok_or_else(ov)?;
        kg_sum.add(l.kg_co2e).ok_or_else(ov)?;
        s.lines += 1;
        for t in rolls_into(l, inventory) {
            if !totals.iter().any(|x| x.pointer == t.pointer) {
                totals.push(t);
            }
        }
    }
    // Innermost first: category, scope, site, grand totals.
    let rank = |t: &Total| -> u8 {
        let p = t.pointer.as_str();
        if p.contains("scope_3_categories") {
            0
        } else if p.starts_with("/by_site/") {
            2
        } else if p.contains("/total_") {
            3
        } else {
            1
        }
    };
    totals.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.pointer.cmp(&b.pointer))
    });
    let mut by_factor = Vec::with_capacity(sums.len());
    for (mut s, quantity, kg_sum) in sums.into_values() {
        s.quantity = quantity.value().ok_or_else(ov)?;
        s.kg_co2e = kg_sum.value().ok_or_else(ov)?;
        by_factor.push(s);
    }
    by_factor.sort_by(|a, b| {
        b.kg_co2e
            .abs()
            .cmp(&a.kg_co2e.abs())
            .then_with(|| (&a.set, &a.key).cmp(&(&b.set, &b.key)))
    });
    let equals = exact_total(sel, inventory);
    Ok(Explanation {
        selection: sel.describe(),
        chains,
        by_factor,
        kg_co2e: kg.value().ok_or_else(ov)?,
        kg_co2e_market: kg_market.value().ok_or_else(ov)?,
        totals,
        equals,
    })
}

impl Explanation {
    /// False when the selection is one of inventory.json's totals and the ledger lines do not
    /// add up to it exactly.
    pub fn agrees(&self) -> bool {
        self.equals
            .as_ref()
            .is_none_or(|t| t.kg_co2e == self.kg_co2e)
    }
}

/// The inventory.json total a selection made only of scope, category and site filters is.
fn exact_total(sel: &Selection, inventory: &InventoryJson) -> Option<Total> {
    use ScopeField::*;
    if sel.line.is_some() || sel.factor.is_some() {
        return None;
    }
    let (field, name) = match (sel.scope.as_deref(), sel.category) {
        (None, None) => (TotalLocation, "total (location-based)".to_string()),
        (Some("1"), None) => (Scope1, "scope 1".into()),
        (Some("2"), None) => (Scope2Location, "scope 2 (location-based)".into()),
        (Some("3"), None) => (Scope3, "scope 3".into()),
        (Some("3") | None, Some(c)) if sel.site.is_none() => {
            return TotalAt::Category(c).total(format!("scope 3 category {c}"), inventory)
        }
        _ => return None,
    };
    match &sel.site {
        Some(s) => TotalAt::Site(s.clone(), field).total(format!("site {s:?} {name}"), inventory),
        None => TotalAt::Totals(field).total(name, inventory),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::exact_string;

    const LEDGER: &str = "file,line,activity,quantity,unit,factor_set,factor_key,factor_value,converted_quantity,converted_unit,kg_co2e,scope,category,kg_co2e_market,market_basis,upstream_of,site,period,ref,supplier,quality,factor_label
a.csv,2,7_400_4000_5,3.6,GJ,s,7_400_4000_5,0.177,1000,kWh,177,2,,177,location-fallback,,A,,,,average-data,UK electricity
a.csv,3,x,100,MWh,s,g,0.18296,100000,kWh (Gross CV),18296,1,,18296,,,B,,,,average-data,Natural gas
";

    #[test]
    fn lines_reproduce_their_kg() {
        let lines = read_ledger("ledger.csv", LEDGER.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        for l in &lines {
            let c = chain(l, &|_, _| None);
            assert!(c.reproduced(), "{c:?}");
        }
        let c = chain(&lines[0], &|_, _| None);
        assert_eq!(
            (
                c.multiply_by.unwrap().to_string(),
                c.divide_by.unwrap().to_string()
            ),
            ("10000".into(), "36".into())
        );
    }

    #[test]
    fn selection_filters_and_exact_totals() {
        let lines = read_ledger("ledger.csv", LEDGER.as_bytes()).unwrap();
        let inv = InventoryJson::parse(
            "inventory.json",
            r#"{"schema": "ghg-inventory/1", "totals_kg_co2e": {"scope_1": "18296",
            "scope_2_location": "177", "scope_2_market": "177", "scope_3": "0",
            "total_location": "18473", "total_market": "18473", "outside_of_scopes": "0"}}"#,
        )
        .unwrap();
        let sel = Selection {
            scope: Some("1".into()),
            ..Selection::default()
        };
        let e = explain(&lines, &sel, &inv, &|_, _| None).unwrap();
        assert_eq!(e.chains.len(), 1);
        assert_eq!(exact_string(e.equals.as_ref().unwrap().kg_co2e), "18296");
        let all = explain(&lines, &Selection::default(), &inv, &|_, _| None).unwrap();
        assert_eq!(exact_string(all.kg_co2e), "18473");
        assert_eq!(all.by_factor[0].key, "g");
        let text = render_text(&all, 0);
        assert!(text.contains("3.6 GJ x 10000 / 36 = 1000 kWh"), "{text}");
    }

    #[test]
    fn a_ledger_without_its_columns_is_refused() {
        let err = read_ledger("x.csv", b"a,b\n1,2\n").unwrap_err();
        assert!(err.to_string().starts_with("x.csv:1:"), "{err}");
    }
}
