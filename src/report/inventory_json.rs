//! `inventory.json` as types: what `ghg inventory` writes and what `explain`, `merge`,
//! `trajectory` and the reports read back, so a field is named in one place.
//!
//! The bytes are fixed by the `ghg-inventory/1` contract (README, "JSON schema"): fields in
//! this order, exact decimals as normalised strings, maps in the order written. Fields added
//! to the schema after its first release default when absent, so every `ghg-inventory/1`
//! directory stays readable.

use crate::num::{exact_string, parse_decimal};
use crate::{Error, Position, Result};
use rust_decimal::Decimal;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The `schema` value of every inventory.json this build writes and reads.
pub const SCHEMA: &str = "ghg-inventory/1";

/// inventory.json, field for field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryJson {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// `kg CO2e`.
    #[serde(default)]
    pub unit: String,
    /// The factor sets the run used.
    #[serde(default)]
    pub factor_sets: Vec<FactorSetJson>,
    /// Row counts.
    #[serde(default)]
    pub rows: RowsJson,
    /// The headline totals, with the scope 3 categories inside.
    #[serde(default)]
    pub totals_kg_co2e: TotalsJson,
    /// Scope 3 by category, `"1"` to `"15"` (also inside the totals).
    #[serde(default)]
    pub scope_3_categories_kg_co2e: Ordered<Kg>,
    /// How the market-based scope 2 figure was found.
    #[serde(default)]
    pub scope_2_market_basis: MarketBasisJson,
    /// kg CO2e by gas (`co2`, `ch4`, `n2o`, `not_split_by_gas`).
    #[serde(default)]
    pub by_gas_kg_co2e: Ordered<Kg>,
    /// Scope totals by site (`""` for rows without one).
    #[serde(default)]
    pub by_site: Ordered<ScopesJson>,
    /// Scope totals by period.
    #[serde(default)]
    pub by_period: Ordered<ScopesJson>,
    /// Scope totals by reporting year.
    #[serde(default)]
    pub by_reporting_year: Ordered<ScopesJson>,
    /// The two NHS footprints.
    #[serde(default)]
    pub nhs_footprint_kg_co2e: NhsFootprintJson,
    /// By NHS category.
    #[serde(default)]
    pub by_nhs_category: Ordered<NhsCategoryJson>,
    /// Scope totals by data-quality tier of the factor set.
    #[serde(default)]
    pub by_data_quality: Ordered<ScopesJson>,
    /// Emissions and spend by supply-chain tier.
    #[serde(default)]
    pub by_tier: Ordered<TierJson>,
    /// One entry per factor (and upstream link) used.
    #[serde(default)]
    pub by_activity: Vec<ActivityJson>,
    /// Notes on choices the run made.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A decimal written as its exact, normalised string (`"1234.5"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Kg(pub Decimal);

impl Serialize for Kg {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&exact_string(self.0))
    }
}

impl<'de> Deserialize<'de> for Kg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_decimal(&s)
            .map(Kg)
            .map_err(|e| serde::de::Error::custom(format!("{s:?} is not {}", e.describe())))
    }
}

/// A JSON object kept in the order it was written (sorted keys, or the order of tiers and
/// NHS categories), so reading and writing again gives the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V> FromIterator<(String, V)> for Ordered<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Ordered(iter.into_iter().collect())
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V_<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V_<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = a.next_entry()? {
                    out.push(e);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V_(std::marker::PhantomData))
    }
}

/// A factor set the run used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorSetJson {
    /// Set id.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// SHA-256 of its file.
    #[serde(default)]
    pub sha256: String,
}

/// Row counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsJson {
    /// Rows read.
    #[serde(default)]
    pub read: u64,
    /// Rows priced.
    #[serde(default)]
    pub used: u64,
    /// Rows rejected.
    #[serde(default)]
    pub rejected: u64,
    /// Blank lines skipped.
    #[serde(default)]
    pub blank_lines_skipped: u64,
    /// Spend rows without a price year.
    #[serde(default)]
    pub spend_without_price_year: u64,
}

/// The seven scope figures every breakdown gives, kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopesJson {
    /// Scope 1.
    pub scope_1: Kg,
    /// Scope 2, location-based.
    pub scope_2_location: Kg,
    /// Scope 2, market-based.
    pub scope_2_market: Kg,
    /// Scope 3.
    pub scope_3: Kg,
    /// Scopes 1-3, location-based.
    pub total_location: Kg,
    /// Scopes 1-3, market-based.
    pub total_market: Kg,
    /// Outside of scopes (biogenic CO2).
    pub outside_of_scopes: Kg,
}

/// One of the seven scope figures, by its field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeField {
    /// `scope_1`.
    Scope1,
    /// `scope_2_location`.
    Scope2Location,
    /// `scope_2_market`.
    Scope2Market,
    /// `scope_3`.
    Scope3,
    /// `total_location`.
    TotalLocation,
    /// `total_market`.
    TotalMarket,
    /// `outside_of_scopes`.
    OutsideOfScopes,
}

impl ScopeField {
    /// The field's name in inventory.json.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeField::Scope1 => "scope_1",
            ScopeField::Scope2Location => "scope_2_location",
            ScopeField::Scope2Market => "scope_2_market",
            ScopeField::Scope3 => "scope_3",
            ScopeField::TotalLocation => "total_location",
            ScopeField::TotalMarket => "total_market",
            ScopeField::OutsideOfScopes => "outside_of_scopes",
        }
    }
}

impl ScopesJson {
    /// The figure `f` names.
    pub fn get(&self, f: ScopeField) -> Decimal {
        match f {
            ScopeField::Scope1 => self.scope_1.0,
            ScopeField::Scope2Location => self.scope_2_location.0,
            ScopeField::Scope2Market => self.scope_2_market.0,
            ScopeField::Scope3 => self.scope_3.0,
            ScopeField::TotalLocation => self.total_location.0,
            ScopeField::TotalMarket => self.total_market.0,
            ScopeField::OutsideOfScopes => self.outside_of_scopes.0,
        }
    }
}

/// The headline totals: the scope figures, then scope 3 by category. (Fields, not a
/// flattened [`ScopesJson`], so that a bad figure is reported at its own line and column.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsJson {
    /// Scope 1.
    pub scope_1: Kg,
    /// Scope 2, location-based.
    pub scope_2_location: Kg,
    /// Scope 2, market-based.
    pub scope_2_market: Kg,
    /// Scope 3.
    pub scope_3: Kg,
    /// Scopes 1-3, location-based.
    pub total_location: Kg,
    /// Scopes 1-3, market-based.
    pub total_market: Kg,
    /// Outside of scopes (biogenic CO2).
    pub outside_of_scopes: Kg,
    /// Scope 3 by category, `"1"` to `"15"`.
    #[serde(default)]
    pub scope_3_categories_kg_co2e: Ordered<Kg>,
}

impl TotalsJson {
    /// The scope figures and the categories.
    pub fn new(s: ScopesJson, categories: Ordered<Kg>) -> TotalsJson {
        TotalsJson {
            scope_1: s.scope_1,
            scope_2_location: s.scope_2_location,
            scope_2_market: s.scope_2_market,
            scope_3: s.scope_3,
            total_location: s.total_location,
            total_market: s.total_market,
            outside_of_scopes: s.outside_of_scopes,
            scope_3_categories_kg_co2e: categories,
        }
    }

    /// The figure `f` names.
    pub fn get(&self, f: ScopeField) -> Decimal {
        match f {
            ScopeField::Scope1 => self.scope_1.0,
            ScopeField::Scope2Location => self.scope_2_location.0,
            ScopeField::Scope2Market => self.scope_2_market.0,
            ScopeField::Scope3 => self.scope_3.0,
            ScopeField::TotalLocation => self.total_location.0,
            ScopeField::TotalMarket => self.total_market.0,
            ScopeField::OutsideOfScopes => self.outside_of_scopes.0,
        }
    }

    /// Scope 3 category `c` (1-15), if written.
    pub fn category(&self, c: u8) -> Option<Decimal> {
        self.scope_3_categories_kg_co2e
            .get(&c.to_string())
            .map(|k| k.0)
    }
}

/// How the market-based scope 2 total was found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketBasisJson {
    /// From the rows' contractual factors.
    #[serde(default)]
    pub contractual_kg_co2e: Kg,
    /// From a residual-mix factor.
    #[serde(default)]
    pub residual_mix_kg_co2e: Kg,
    /// Location-based figures standing in.
    #[serde(default)]
    pub location_fallback_kg_co2e: Kg,
    /// Lines that fell back to location-based.
    #[serde(default)]
    pub location_fallback_lines: u64,
}

/// The NHS footprints, kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NhsFootprintJson {
    /// NHS Carbon Footprint.
    #[serde(default)]
    pub carbon_footprint: Kg,
    /// Footprint Plus beyond the Carbon Footprint.
    #[serde(default)]
    pub footprint_plus: Kg,
    /// In neither footprint.
    #[serde(default)]
    pub outside_nhs_footprints: Kg,
    /// Counted by the NHS but outside the GHG Protocol scopes.
    #[serde(default)]
    pub outside_ghg_protocol: Kg,
    /// The GHG Protocol total the footprints split.
    #[serde(default)]
    pub ghg_protocol_total: Kg,
}

/// One NHS category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NhsCategoryJson {
    /// Its title.
    pub title: String,
    /// The footprint it counts to, if any.
    pub nhs_footprint: Option<String>,
    /// Its parent category, if any.
    pub parent: Option<String>,
    /// kg CO2e.
    pub kg_co2e: Kg,
    /// Of which outside the GHG Protocol scopes.
    pub outside_ghg_protocol_kg_co2e: Kg,
    /// Ledger lines.
    pub lines: u64,
    /// Its scope figures, when it has GHG Protocol lines.
    #[serde(flatten)]
    pub scopes: Option<ScopesJson>,
}

/// One supply-chain tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierJson {
    /// kg CO2e.
    pub kg_co2e: Kg,
    /// Percent of all kg CO2e.
    pub emissions_share_percent: Kg,
    /// GBP spend.
    pub spend_gbp: Kg,
    /// Percent of all spend.
    pub spend_share_percent: Kg,
}

/// One factor (or upstream link) used, summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityJson {
    /// Set id.
    pub factor_set: String,
    /// Factor key.
    pub factor_key: String,
    /// Factor label.
    pub label: String,
    /// `1`, `2`, `3`, `outside`, `nhs-only`.
    pub scope: String,
    /// Scope 3 category.
    pub category: Option<u8>,
    /// The factor it is upstream of.
    pub upstream_of: Option<String>,
    /// Quantity in the factor's unit.
    pub quantity: Kg,
    /// The factor's unit.
    pub unit: String,
    /// kg CO2e, location-based.
    pub kg_co2e: Kg,
    /// kg CO2e, market-based.
    pub kg_co2e_market: Kg,
    /// Ledger lines.
    pub lines: u64,
}

impl InventoryJson {
    /// The bytes of inventory.json: pretty-printed, two-space indent, a final newline.
    pub fn to_text(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| Error::usage(e.to_string()))?;
        s.push('\n');
        Ok(s)
    }

    /// Reads inventory.json; `name` names the file in errors. Refuses another schema.
    pub fn parse(name: &str, text: &str) -> Result<InventoryJson> {
        let inv: InventoryJson = serde_json::from_str(text).map_err(|e| {
            Error::malformed(
                Position::new(name, e.line() as u64, e.column() as u64),
                format!("not an inventory.json written by ghg inventory: {e}"),
            )
        })?;
        if inv.schema != SCHEMA {
            return Err(Error::usage(format!(
                "{name}: schema {:?} is not {SCHEMA:?}: written by another version of ghg; \
                 re-run `ghg inventory --out` with this one",
                inv.schema
            )));
        }
        Ok(inv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An early ghg-inventory/1 file: no market basis, NHS, reporting-year, quality or tier
    /// breakdowns, and by_gas in the engine's order (not sorted).
    const EARLY: &str = r#"{
  "schema": "ghg-inventory/1",
  "unit": "kg CO2e",
  "factor_sets": [],
  "rows": {
    "read": 2,
    "used": 2,
    "rejected": 0
  },
  "totals_kg_co2e": {
    "scope_1": "18296",
    "scope_2_location": "177",
    "scope_2_market": "177",
    "scope_3": "0",
    "total_location": "18473",
    "total_market": "18473",
    "outside_of_scopes": "0"
  },
  "by_gas_kg_co2e": {
    "co2": "18000.5",
    "ch4": "472.5",
    "n2o": "0",
    "not_split_by_gas": "0"
  },
  "notes": []
}
"#;

    #[test]
    fn an_early_file_reads_and_keeps_its_order_and_figures() {
        let inv = InventoryJson::parse("inventory.json", EARLY).unwrap();
        assert_eq!(inv.totals_kg_co2e.total_location.0.to_string(), "18473");
        assert_eq!(inv.rows.blank_lines_skipped, 0);
        assert!(inv.by_tier.0.is_empty() && inv.by_nhs_category.0.is_empty());
        let gases: Vec<&str> = inv.by_gas_kg_co2e.iter().map(|(k, _)| k).collect();
        assert_eq!(gases, ["co2", "ch4", "n2o", "not_split_by_gas"]);
        assert_eq!(
            inv.by_gas_kg_co2e.get("ch4").unwrap().0.to_string(),
            "472.5"
        );
    }

    #[test]
    fn figures_are_written_as_normalised_strings() {
        let inv = InventoryJson::parse("inventory.json", EARLY).unwrap();
        let mut again = inv.clone();
        again.totals_kg_co2e.scope_1 = Kg("18296.000".parse().unwrap());
        assert_eq!(again.to_text().unwrap(), inv.to_text().unwrap());
        assert!(inv.to_text().unwrap().contains("\"scope_1\": \"18296\",\n"));
    }

    #[test]
    fn another_schema_or_a_bad_figure_is_refused_with_where() {
        let other = EARLY.replace("ghg-inventory/1", "ghg-inventory/2");
        let e = InventoryJson::parse("out/inventory.json", &other).unwrap_err();
        assert!(e.to_string().contains("schema \"ghg-inventory/2\""), "{e}");
        let bad = EARLY.replace("\"18296\"", "\"18,29x\"");
        let e = InventoryJson::parse("out/inventory.json", &bad).unwrap_err();
        assert!(e.to_string().starts_with("out/inventory.json:11:"), "{e}");
    }
}
