//! The default NHS category of a factor: `factors/tables/nhs_categories.toml`, an ordered list
//! of rules, the first that matches a factor giving its category. The format is documented at
//! the top of that file.

use super::NhsCategory;
use crate::factors::load::LineIndex;
use crate::factors::{Factor, Scope};
use crate::{Error, Position, Result};
use serde::Deserialize;

/// One rule: every test it gives must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Prefix of the factor set id (`desnz-`, `defra-sic-`).
    pub set: Option<String>,
    /// Prefix of the factor key (`sic-21`, `naics-3254`, `anaesthetic-gases/`).
    pub key: Option<String>,
    /// Prefix of the label path (`Fuels > Liquid fuels > Diesel`), any case.
    pub label: Option<String>,
    /// Text anywhere in the label path, any case.
    pub contains: Option<String>,
    /// GHG Protocol scope: `1`, `2`, `3` or `outside`.
    pub scope: Option<Scope>,
    /// GHG Protocol scope 3 category.
    pub ghg_category: Option<u8>,
    /// The NHS category it gives.
    pub category: NhsCategory,
}

/// The ordered rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NhsMapping {
    /// Rules in file order.
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rule: Vec<toml::Spanned<RuleFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    set: Option<String>,
    key: Option<String>,
    label: Option<String>,
    contains: Option<String>,
    scope: Option<String>,
    ghg_category: Option<u8>,
    category: String,
    #[allow(dead_code)]
    why: Option<String>,
}

impl NhsMapping {
    /// The table shipped in the binary; empty (every line outside both NHS footprints) when
    /// the build ships none.
    pub fn shipped() -> Result<NhsMapping> {
        match crate::embedded::factor_file("tables/nhs_categories.toml") {
            Some(text) => NhsMapping::parse("factors/tables/nhs_categories.toml", text),
            None => Ok(NhsMapping::default()),
        }
    }

    /// Reads a mapping table, naming `file` in errors.
    pub fn parse(file: &str, text: &str) -> Result<NhsMapping> {
        let lines = LineIndex::new(text);
        let parsed: File = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((0, 0), |s| lines.line_col(s.start));
            Error::malformed(Position::new(file, line, col), e.message().to_string())
        })?;
        let mut rules = Vec::new();
        for r in parsed.rule {
            let (line, col) = lines.line_col(r.span().start);
            let pos = Position::new(file, line, col);
            let r = r.into_inner();
            let category = NhsCategory::parse(&r.category).ok_or_else(|| {
                Error::bad_value(
                    pos.clone(),
                    "category",
                    r.category.clone(),
                    format!("an NHS category: {}", NhsCategory::valid_list()),
                )
            })?;
            let scope = match r.scope.as_deref() {
                None => None,
                Some(s) => Some(match s {
                    "1" => Scope::One,
                    "2" => Scope::Two,
                    "3" => Scope::Three,
                    "outside" => Scope::Outside,
                    _ => {
                        return Err(Error::bad_value(pos, "scope", s, "1, 2, 3 or outside"));
                    }
                }),
            };
            rules.push(Rule {
                set: r.set,
                key: r.key,
                label: r.label.map(|l| l.to_lowercase()),
                contains: r.contains.map(|l| l.to_lowercase()),
                scope,
                ghg_category: r.ghg_category,
                category,
            });
        }
        Ok(NhsMapping { rules })
    }

    /// The default NHS category of a factor of set `set`: the first rule that matches, or
    /// outside both NHS footprints when none does.
    pub fn category(&self, set: &str, f: &Factor) -> NhsCategory {
        let label = f.label().to_lowercase();
        self.rules
            .iter()
            .find(|r| {
                r.set.as_deref().is_none_or(|p| set.starts_with(p))
                    && r.key.as_deref().is_none_or(|p| f.key.starts_with(p))
                    && r.label.as_deref().is_none_or(|p| label.starts_with(p))
                    && r.contains.as_deref().is_none_or(|p| label.contains(p))
                    && r.scope.is_none_or(|s| s == f.scope)
                    && r.ghg_category.is_none_or(|c| Some(c) == f.category)
            })
            .map_or(NhsCategory::OutsideNhsFootprints, |r| r.category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::Catalog;

    #[test]
    fn the_shipped_table_files_known_factors() {
        let m = NhsMapping::shipped().unwrap();
        let catalog = Catalog::discover(&[]).unwrap();
        let cat = |set: &str, key: &str| {
            let s = catalog.load(set).unwrap();
            m.category(s.id(), s.get(key).unwrap()).as_str()
        };
        assert_eq!(cat("desnz-2024", "7_400_4000_5"), "building-energy");
        assert_eq!(cat("desnz-2024", "1_100_1004_6"), "building-energy");
        assert_eq!(
            cat("desnz-2024", "1_101_1011_8"),
            "nhs-fleet-and-leased-vehicles"
        );
        assert_eq!(cat("desnz-2024", "13_402_4000_5"), "energy-wtt-and-td");
        assert_eq!(cat("desnz-2024", "17_404_4005_1"), "water");
        assert_eq!(cat("desnz-2024", "25_301_3074_9"), "business-travel");
        assert_eq!(cat("defra-sic-2022", "sic-21"), "medicines-and-chemicals");
        assert_eq!(cat("defra-sic-2022", "sic-56"), "food-and-catering");
        assert_eq!(
            cat("defra-sic-2022", "sic-86"),
            "commissioned-health-services"
        );
        assert_eq!(cat("epa-sc-1.3", "naics-325412"), "medicines-and-chemicals");
        assert_eq!(
            cat("nhs-sdu-2016-17", "anaesthetic-gases/desflurane"),
            "anaesthetic-gases"
        );
        assert_eq!(
            cat("nhs-sdu-2016-17", "sdu-trust/food-and-catering"),
            "food-and-catering"
        );
        assert_eq!(
            cat("nhs-sdu-2016-17", "clinical-waste/clinical-waste"),
            "waste"
        );
        assert_eq!(
            cat("nhs-sdu-2016-17", "liquid-fuels/diesel-direct"),
            "nhs-fleet-and-leased-vehicles"
        );
        assert_eq!(
            cat("nhs-sdu-2016-17", "gaseous-fuels/natural-gas"),
            "building-energy"
        );
    }

    #[test]
    fn every_shipped_factor_has_an_nhs_category() {
        let m = NhsMapping::shipped().unwrap();
        let catalog = Catalog::discover(&[]).unwrap();
        let mut unfiled = Vec::new();
        for e in catalog.entries() {
            let s = catalog.load(&e.id).unwrap();
            for f in &s.factors {
                // Totals are refused as activities; biogenic CO2 is in neither footprint.
                if !matches!(f.scope, Scope::Total | Scope::Outside)
                    && m.category(s.id(), f) == NhsCategory::OutsideNhsFootprints
                {
                    unfiled.push(format!("{} {} {}", s.id(), f.key, f.label()));
                }
            }
        }
        assert!(
            unfiled.is_empty(),
            "{} unfiled: {:#?}",
            unfiled.len(),
            &unfiled[..unfiled.len().min(30)]
        );
    }

    #[test]
    fn inhalers_and_anaesthetics_by_name() {
        let m = NhsMapping::shipped().unwrap();
        let text = r#"
[set]
id = "clin"

[[factor]]
key = "a"
scope = "3"
category = 1
labels = ["Salbutamol", "Ventolin Evohaler 100micrograms/dose inhaler"]
unit = "kg"
kg_co2e = "1"

[[factor]]
key = "b"
scope = "1"
labels = ["Desflurane", "250 mL bottle"]
unit = "kg"
kg_co2e = "1"
"#;
        let (set, _) = crate::factors::parse_set("t.toml", text);
        let cat = |k: &str| m.category("clin", set.get(k).unwrap());
        assert_eq!(cat("a"), NhsCategory::Inhalers);
        assert_eq!(cat("b"), NhsCategory::AnaestheticGases);
    }

    #[test]
    fn a_bad_category_names_its_line() {
        let e = NhsMapping::parse("t.toml", "[[rule]]\nkey = \"x\"\ncategory = \"energy\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.toml:1") && e.contains("building-energy"),
            "{e}"
        );
    }
}
