//! The NHS view of an inventory: kg CO2e by NHS category and by NHS footprint, reconciled with
//! the GHG Protocol view. Every line counts once on each axis: a line in the GHG Protocol
//! totals is in the NHS Carbon Footprint, the Footprint Plus, or outside both; a line outside
//! the organisation's GHG Protocol scopes (patient and visitor travel, patients' inhaler use) is in an
//! NHS footprint only. So `carbon_footprint + footprint_plus + outside_nhs_footprints
//! - outside_ghg_protocol = total_location`, exactly. Biogenic CO2 is in neither view.

use crate::model::{value_of, ExactSum, GroupKey, Inventory, ScopeClass, Totals};
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

/// The NHS view's sums, a group at a time (see [`NhsFigures::of`]), for a pass over the groups
/// that sums other things too.
#[derive(Default)]
pub struct NhsSums {
    cf: ExactSum,
    plus: ExactSum,
    neither: ExactSum,
    nhs_only: ExactSum,
    ghg: ExactSum,
    /// By category: every line, the NHS-only part, and ledger lines.
    cats: BTreeMap<NhsCategory, (ExactSum, ExactSum, u64)>,
}

impl NhsSums {
    /// Adds one group; `None` on overflow.
    pub fn add(&mut self, k: &GroupKey, t: &Totals) -> Option<()> {
        if k.class == ScopeClass::Outside {
            return Some(());
        }
        match k.class.nhs_footprint(k.nhs_category) {
            Some(NhsFootprint::CarbonFootprint) => self.cf.merge(&t.kg),
            Some(NhsFootprint::FootprintPlus) => self.plus.merge(&t.kg),
            None => self.neither.merge(&t.kg),
        }?;
        let c = self.cats.entry(k.nhs_category).or_default();
        c.0.merge(&t.kg)?;
        c.2 += t.lines;
        if k.class == ScopeClass::NhsOnly {
            self.nhs_only.merge(&t.kg)?;
            c.1.merge(&t.kg)
        } else {
            self.ghg.merge(&t.kg)
        }
    }

    /// The figures.
    pub fn finish(self) -> Result<NhsFigures> {
        let mut by_category = BTreeMap::new();
        for (c, (kg, out, lines)) in self.cats {
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
            carbon_footprint: value_of(&self.cf, "the NHS Carbon Footprint")?,
            footprint_plus: value_of(&self.plus, "the NHS Carbon Footprint Plus")?,
            outside_nhs_footprints: value_of(
                &self.neither,
                "the lines outside both NHS footprints",
            )?,
            outside_ghg_protocol: value_of(&self.nhs_only, "the NHS-only lines")?,
            ghg_protocol_total: value_of(&self.ghg, "the GHG Protocol total")?,
            by_category,
        })
    }
}

impl NhsFigures {
    /// The NHS view of an inventory.
    pub fn of(inv: &Inventory) -> Result<NhsFigures> {
        let mut sums = NhsSums::default();
        for (k, t) in &inv.groups {
            sums.add(k, t).ok_or_else(|| {
                crate::Error::overflow(crate::Position::default(), "an NHS total")
            })?;
        }
        sums.finish()
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
