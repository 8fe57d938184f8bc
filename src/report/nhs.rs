//! The NHS view of an inventory: kg CO2e by NHS category and by NHS footprint, reconciled with
//! the GHG Protocol view. Every line counts once on each axis: a line in the GHG Protocol
//! totals is in the NHS Carbon Footprint, the Footprint Plus, or outside both; a line outside
//! the organisation's GHG Protocol scopes (patient and visitor travel, patients' inhaler use) is in an
//! NHS footprint only. So `carbon_footprint + footprint_plus + outside_nhs_footprints
//! - outside_ghg_protocol = total_location`, exactly. Biogenic CO2 is in neither view.

use crate::model::{value_of, ExactSum, Inventory, ScopeClass};
use crate::nhs::{NhsCategory, NhsFootprint};
use crate::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One NHS category's figures, location-based kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategoryFigures {
    /// Every line of the category (in the GHG Protocol totals or NHS-only).
    pub kg: Decimal,
    /// The part outside the organisation's GHG Protocol scopes.
    pub outside_ghg_protocol: Decimal,
    /// Ledger lines.
    pub lines: u64,
}

/// The NHS view's totals, location-based kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NhsFigures {
    /// Lines counted to the NHS Carbon Footprint.
    pub carbon_footprint: Decimal,
    /// Lines counted to the NHS Carbon Footprint Plus.
    pub footprint_plus: Decimal,
    /// GHG Protocol lines in neither NHS footprint.
    pub outside_nhs_footprints: Decimal,
    /// NHS footprint lines outside the organisation's GHG Protocol scopes.
    pub outside_ghg_protocol: Decimal,
    /// The GHG Protocol total (location-based) the view reconciles to.
    pub ghg_protocol_total: Decimal,
    /// By NHS category, in reporting order; categories with no line are left out.
    pub by_category: BTreeMap<NhsCategory, CategoryFigures>,
}

impl NhsFigures {
    /// The NHS view of an inventory.
    pub fn of(inv: &Inventory) -> Result<NhsFigures> {
        let ov = || crate::Error::overflow(crate::Position::default(), "an NHS total");
        let mut cf = ExactSum::ZERO;
        let mut plus = ExactSum::ZERO;
        let mut neither = ExactSum::ZERO;
        let mut nhs_only = ExactSum::ZERO;
        let mut ghg = ExactSum::ZERO;
        let mut cats: BTreeMap<NhsCategory, (ExactSum, ExactSum, u64)> = BTreeMap::new();
        for (k, t) in &inv.groups {
            if k.class == ScopeClass::Outside {
                continue;
            }
            match k.class.nhs_footprint(k.nhs_category) {
                Some(NhsFootprint::CarbonFootprint) => cf.merge(&t.kg),
                Some(NhsFootprint::FootprintPlus) => plus.merge(&t.kg),
                None => neither.merge(&t.kg),
            }
            .ok_or_else(ov)?;
            let c = cats.entry(k.nhs_category).or_default();
            c.0.merge(&t.kg).ok_or_else(ov)?;
            c.2 += t.lines;
            if k.class == ScopeClass::NhsOnly {
                nhs_only.merge(&t.kg).ok_or_else(ov)?;
                c.1.merge(&t.kg).ok_or_else(ov)?;
            } else {
                ghg.merge(&t.kg).ok_or_else(ov)?;
            }
        }
        let mut by_category = BTreeMap::new();
        for (c, (kg, out, lines)) in cats {
            by_category.insert(
                c,
                CategoryFigures {
                    kg: value_of(&kg, "an NHS category total")?,
                    outside_ghg_protocol: value_of(&out, "an NHS category total")?,
                    lines,
                },
            );
        }
        Ok(NhsFigures {
            carbon_footprint: value_of(&cf, "the NHS Carbon Footprint")?,
            footprint_plus: value_of(&plus, "the NHS Carbon Footprint Plus")?,
            outside_nhs_footprints: value_of(&neither, "the lines outside both NHS footprints")?,
            outside_ghg_protocol: value_of(&nhs_only, "the NHS-only lines")?,
            ghg_protocol_total: value_of(&ghg, "the GHG Protocol total")?,
            by_category,
        })
    }

    /// Notes for the outputs on how the two views meet, when it matters.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let cf_scope3: Vec<&str> = self
            .by_category
            .keys()
            .filter(|c| {
                matches!(
                    c,
                    NhsCategory::EnergyWttTd | NhsCategory::Inhalers | NhsCategory::InhalerUse
                )
            })
            .map(|c| c.as_str())
            .collect();
        if !cf_scope3.is_empty() {
            notes.push(format!(
                "NHS view: {} (GHG Protocol scope 3) {} to the NHS Carbon Footprint",
                cf_scope3.join(" and "),
                if cf_scope3.len() == 1 {
                    "counts"
                } else {
                    "count"
                }
            ));
        }
        if !self.outside_ghg_protocol.is_zero()
            || self.by_category.keys().any(|c| c.outside_ghg_scopes())
        {
            notes.push(format!(
                "NHS view: {} kg CO2e of patient and visitor travel and inhaler use count to the NHS \
                 footprints but sit outside the organisation's GHG Protocol scopes, so outside its \
                 totals (scope \"nhs-only\" in the ledger); carbon_footprint + footprint_plus + \
                 outside_nhs_footprints - outside_ghg_protocol = total_location",
                crate::num::exact_string(self.outside_ghg_protocol)
            ));
        }
        notes
    }
}
