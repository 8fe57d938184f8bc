//! The NHS axis of a ledger line, beside its GHG Protocol scope and category: the NHS category
//! (building energy, anaesthetic gases, medicines ...) and the NHS footprint it counts to (the
//! NHS Carbon Footprint or the Footprint Plus), as Greener NHS reports them. Each line's default
//! category comes from the shipped table `factors/tables/nhs_categories.toml`
//! ([`mapping::NhsMapping`]); an activity column `nhs_category` overrides it per row.

pub mod mapping;

pub use mapping::NhsMapping;

use std::fmt;

/// An NHS footprint: the NHS Carbon Footprint (emissions the NHS controls directly: scopes 1
/// and 2, and scope 3 energy well-to-tank and T&D, inhalers, business travel, waste, water) or
/// the NHS Carbon Footprint Plus (the rest of the NHS's scope 3: supply chain, commissioned
/// services, staff commuting, patient and visitor travel).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NhsFootprint {
    /// The NHS Carbon Footprint.
    CarbonFootprint,
    /// The NHS Carbon Footprint Plus.
    FootprintPlus,
}

impl NhsFootprint {
    /// `carbon-footprint` or `footprint-plus`, as ledgers and reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            NhsFootprint::CarbonFootprint => "carbon-footprint",
            NhsFootprint::FootprintPlus => "footprint-plus",
        }
    }

    /// The name Greener NHS uses.
    pub fn title(self) -> &'static str {
        match self {
            NhsFootprint::CarbonFootprint => "NHS Carbon Footprint",
            NhsFootprint::FootprintPlus => "NHS Carbon Footprint Plus",
        }
    }
}

macro_rules! categories {
    ($($variant:ident $name:literal $title:literal $footprint:ident $parent:expr;)*) => {
        /// An NHS category, as Greener NHS splits the NHS footprints.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum NhsCategory {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl NhsCategory {
            /// Every category, in reporting order.
            pub const ALL: &'static [NhsCategory] = &[$(NhsCategory::$variant),*];

            /// The spelling in ledgers, reports and the `nhs_category` column (kebab case).
            pub fn as_str(self) -> &'static str {
                match self { $(NhsCategory::$variant => $name),* }
            }

            /// The name for people.
            pub fn title(self) -> &'static str {
                match self { $(NhsCategory::$variant => $title),* }
            }

            /// The footprint the category counts to; `None` for lines in neither.
            pub fn footprint(self) -> Option<NhsFootprint> {
                match self { $(NhsCategory::$variant => $footprint),* }
            }

            /// The category a sub-category rolls up into (`other-supply-chain` for the
            /// supply-chain sub-categories).
            pub fn parent(self) -> Option<NhsCategory> {
                match self { $(NhsCategory::$variant => $parent),* }
            }
        }
    };
}

const CF: Option<NhsFootprint> = Some(NhsFootprint::CarbonFootprint);
const PLUS: Option<NhsFootprint> = Some(NhsFootprint::FootprintPlus);
const OSC: Option<NhsCategory> = Some(NhsCategory::OtherSupplyChain);

categories! {
    BuildingEnergy "building-energy" "Building energy" CF None;
    EnergyWttTd "energy-wtt-and-td" "Energy well-to-tank and T&D" CF None;
    AnaestheticGases "anaesthetic-gases" "Anaesthetic gases" CF None;
    Inhalers "inhalers" "Inhalers" CF None;
    InhalerUse "inhaler-use" "Inhaler use by patients (outside the organisation's scopes)" CF Some(NhsCategory::Inhalers);
    FleetAndLeasedVehicles "nhs-fleet-and-leased-vehicles" "NHS fleet and leased vehicles" CF None;
    BusinessTravel "business-travel" "Business travel" CF None;
    Waste "waste" "Waste" CF None;
    Water "water" "Water" CF None;
    MedicinesAndChemicals "medicines-and-chemicals" "Medicines and chemicals" PLUS None;
    MedicalEquipment "medical-equipment" "Medical equipment" PLUS None;
    NonMedicalEquipment "non-medical-equipment" "Non-medical equipment" PLUS None;
    OtherSupplyChain "other-supply-chain" "Other supply chain" PLUS None;
    FoodAndCatering "food-and-catering" "Food and catering (other supply chain)" PLUS OSC;
    Construction "construction" "Construction (other supply chain)" PLUS OSC;
    Freight "freight" "Freight (other supply chain)" PLUS OSC;
    BusinessServices "business-services" "Business services (other supply chain)" PLUS OSC;
    Ict "ict" "ICT (other supply chain)" PLUS OSC;
    CommissionedHealthServices "commissioned-health-services" "Commissioned health services" PLUS None;
    StaffCommuting "staff-commuting" "Staff commuting" PLUS None;
    PatientAndVisitorTravel "patient-and-visitor-travel" "Patient and visitor travel" PLUS None;
    OutsideNhsFootprints "outside-nhs-footprints" "Outside both NHS footprints" None None;
}

impl NhsCategory {
    /// Parses a category as written in the `nhs_category` column or the mapping table: the
    /// kebab-case name, in any case, with spaces or underscores for hyphens.
    pub fn parse(text: &str) -> Option<NhsCategory> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        NhsCategory::ALL.iter().copied().find(|c| c.as_str() == t)
    }

    /// Every spelling accepted, for error messages.
    pub fn valid_list() -> String {
        NhsCategory::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// True for what counts for the NHS but sits outside the organisation's GHG Protocol
    /// scopes: patients' and visitors' travel, and the propellant patients release using
    /// inhalers the organisation did not buy (prescribed ones, `inhaler-use`). Such lines are
    /// kept out of the GHG Protocol totals and reported apart. Inhalers the organisation buys
    /// (`inhalers`) stay in its scope 3.
    pub fn outside_ghg_scopes(self) -> bool {
        matches!(
            self,
            NhsCategory::PatientAndVisitorTravel | NhsCategory::InhalerUse
        )
    }
}

impl fmt::Display for NhsCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_footprints() {
        for c in NhsCategory::ALL {
            assert_eq!(NhsCategory::parse(c.as_str()), Some(*c));
        }
        assert_eq!(
            NhsCategory::parse("Building Energy"),
            Some(NhsCategory::BuildingEnergy)
        );
        assert_eq!(
            NhsCategory::parse("energy_wtt_and_td"),
            Some(NhsCategory::EnergyWttTd)
        );
        assert_eq!(NhsCategory::parse("energy"), None);
        assert_eq!(
            NhsCategory::Inhalers.footprint(),
            Some(NhsFootprint::CarbonFootprint)
        );
        assert_eq!(
            NhsCategory::StaffCommuting.footprint(),
            Some(NhsFootprint::FootprintPlus)
        );
        assert_eq!(NhsCategory::OutsideNhsFootprints.footprint(), None);
        assert_eq!(
            NhsCategory::Ict.parent(),
            Some(NhsCategory::OtherSupplyChain)
        );
    }
}
