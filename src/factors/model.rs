//! The in-memory shape of a factor set: a header saying where the numbers come from, and one
//! entry per published factor, every value an exact decimal.

use crate::units::Unit;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// GHG Protocol scope of a factor, as the publisher assigns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// Direct emissions.
    One,
    /// Purchased electricity, heat and steam.
    Two,
    /// Other indirect emissions.
    Three,
    /// Outside of scopes (biogenic CO2).
    Outside,
    /// A derived total the publisher gives for convenience (SDU `N/A`); not for direct use.
    Total,
}

impl Scope {
    /// Parses the spellings used in factor files and sources (`1`, `Scope 1`, `outside`).
    pub fn parse(text: &str) -> Option<Scope> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_prefix("scope").map(str::trim).unwrap_or(&t);
        Some(match t {
            "1" => Scope::One,
            "2" => Scope::Two,
            "3" => Scope::Three,
            "outside" | "outside of scopes" => Scope::Outside,
            "total" | "n/a" => Scope::Total,
            _ => return None,
        })
    }

    /// The spelling written to factor files: `1`, `2`, `3`, `outside`, `total`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::One => "1",
            Scope::Two => "2",
            Scope::Three => "3",
            Scope::Outside => "outside",
            Scope::Total => "total",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::One | Scope::Two | Scope::Three => write!(f, "scope {}", self.as_str()),
            Scope::Outside => f.write_str("outside of scopes"),
            Scope::Total => f.write_str("derived total"),
        }
    }
}

/// What a set's factors multiply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetKind {
    /// Physical activity: kWh, litres, km, tonnes.
    Activity,
    /// Money spent: kg CO2e per unit of currency at a stated price year.
    Spend,
}

impl SetKind {
    /// The spelling used in factor files.
    pub fn as_str(self) -> &'static str {
        match self {
            SetKind::Activity => "activity",
            SetKind::Spend => "spend",
        }
    }
}

/// How good the data behind a set's factors is (GHG Protocol scope 3 data-quality types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DataQuality {
    /// A supplier's own figure (a contractual factor, a supplier set).
    SupplierSpecific,
    /// A supplier's own scope 1 and 2, allocated by spend, plus a spend factor for what is
    /// upstream of it (a line's tier only: no factor set is hybrid).
    Hybrid,
    /// Physical activity times a published average factor.
    AverageData,
    /// Money spent times an environmentally-extended input-output factor.
    SpendBased,
}

impl DataQuality {
    /// Parses the spelling used in factor files and outputs.
    pub fn parse(text: &str) -> Option<DataQuality> {
        Some(match text {
            "supplier-specific" => DataQuality::SupplierSpecific,
            "average-data" => DataQuality::AverageData,
            "spend-based" => DataQuality::SpendBased,
            _ => return None,
        })
    }

    /// The spelling used in factor files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            DataQuality::SupplierSpecific => "supplier-specific",
            DataQuality::Hybrid => "hybrid",
            DataQuality::AverageData => "average-data",
            DataQuality::SpendBased => "spend-based",
        }
    }
}

/// Where a set came from and what it is for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetHeader {
    /// Stable identifier, such as `desnz-2025`.
    pub id: String,
    /// Who published the factors.
    pub publisher: String,
    /// The edition year.
    pub edition: u16,
    /// The publisher's version of that edition (corrected re-issues).
    pub version: String,
    /// The reporting period the set is meant for, such as `2025` or `2016/17`.
    pub period: String,
    /// First day of that period, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last day of that period, `YYYY-MM-DD`.
    pub valid_to: String,
    /// Title of the source publication.
    pub title: String,
    /// Where the source is published.
    pub url: String,
    /// Licence of the source.
    pub licence: String,
    /// Global-warming-potential basis (AR4, AR5, AR6).
    pub gwp: String,
    /// Activity or spend factors.
    pub kind: Option<SetKind>,
    /// For spend sets: the currency of the denominator.
    pub currency: Option<String>,
    /// For spend sets: the price year of the denominator.
    pub price_year: Option<u16>,
    /// File name of the source the set was generated from.
    pub source_file: String,
    /// SHA-256 of that source file.
    pub source_sha256: String,
    /// Number of factor rows in the source.
    pub source_rows: Option<u64>,
    /// Decimal places the publisher rounds its figures to for display (DESNZ: 5), where the
    /// stored figures carry more; widens the per-gas sum check to half a unit in that place.
    pub published_dp: Option<u32>,
    /// Data-quality type of the set's factors; by default average-data for an activity set and
    /// spend-based for a spend set. A supplier's own set says `supplier-specific`.
    pub quality: Option<DataQuality>,
    /// Free text: how the set was made, caveats.
    pub notes: String,
}

/// One emission factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// Stable key, the same across editions where the publisher kept the factor.
    pub key: String,
    /// The publisher's own identifier (DESNZ `factor_id` from 2023), if any.
    pub id: Option<String>,
    /// GHG Protocol scope.
    pub scope: Scope,
    /// GHG Protocol scope 3 category (1-15) the factor belongs to, when in scope 3.
    pub category: Option<u8>,
    /// The publisher's label path (DESNZ level 1-4), empty levels dropped from the end.
    pub labels: Vec<String>,
    /// The publisher's column text, if any.
    pub column: String,
    /// Unit of the activity the factor multiplies.
    #[serde(with = "crate::units::by_name")]
    pub unit: Unit,
    /// kg CO2e per unit; `None` where the publisher gives no value.
    pub kg_co2e: Option<Decimal>,
    /// CO2e parts by gas, in the order published (`co2`, `ch4`, `n2o`, ...).
    pub gases: Vec<(String, Decimal)>,
    /// Keys of the upstream factors (well-to-tank, T&D) to apply alongside this one.
    pub upstream: Vec<String>,
    /// Keys of outside-of-scopes factors (biogenic CO2 of a biofuel or biomass) to report
    /// alongside this one, apart from the scope totals.
    pub outside: Vec<String>,
    /// Publisher's note on the value.
    pub note: String,
    /// Line of the `[[factor]]` header in its file, for messages.
    pub line: u64,
    /// For a factor that is a mass of one named gas times its GWP (an anaesthetic, a
    /// propellant, a refrigerant): the gas and the GWP the value uses, so `--gwp` can
    /// recompute it on another basis.
    pub gwp: Option<GasGwp>,
}

/// The gas behind a mass-times-GWP factor and the GWP100 its `kg_co2e` uses: the mass of gas
/// per unit is `kg_co2e / value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasGwp {
    /// The gas, as named in `factors/tables/gwp.toml` (`desflurane`, `nitrous oxide`).
    pub gas: String,
    /// The GWP100 the factor's value uses.
    pub value: Decimal,
    /// Where that GWP comes from: `AR4`, `AR5`, `AR6`, or a named literature value.
    pub basis: String,
}

impl Factor {
    /// The value a line multiplies by: kg CO2e, or for an outside-of-scopes factor, which
    /// DESNZ publishes as CO2 only, its CO2 part.
    pub fn value(&self) -> Option<rust_decimal::Decimal> {
        self.kg_co2e.or_else(|| {
            (self.scope == Scope::Outside)
                .then(|| self.gases.iter().find(|(g, _)| g == "co2").map(|(_, v)| *v))
                .flatten()
        })
    }

    /// The label path joined for display: `Fuels > Gaseous fuels > Natural gas`.
    pub fn label(&self) -> String {
        let mut parts: Vec<&str> = self
            .labels
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if !self.column.is_empty() {
            parts.push(&self.column);
        }
        parts.join(" > ")
    }
}

/// A loaded factor set, with lookups by key and by publisher ID.
#[derive(Clone, Debug)]
pub struct FactorSet {
    /// Header.
    pub header: SetHeader,
    /// Factors in file order.
    pub factors: Vec<Factor>,
    /// Where the set was loaded from (a path, or `embedded:factors/...`).
    pub origin: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    by_key: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl FactorSet {
    /// The data-quality type of the set's factors, stated or by kind.
    pub fn quality(&self) -> DataQuality {
        self.header.quality.unwrap_or(match self.header.kind {
            Some(SetKind::Spend) => DataQuality::SpendBased,
            _ => DataQuality::AverageData,
        })
    }

    /// Builds the lookups; keys and IDs that repeat keep their first entry (validation
    /// reports the repeats).
    pub fn new(header: SetHeader, factors: Vec<Factor>, origin: String, sha256: String) -> Self {
        let mut by_key = HashMap::with_capacity(factors.len());
        let mut by_id = HashMap::new();
        for (i, f) in factors.iter().enumerate() {
            by_key.entry(f.key.clone()).or_insert(i);
            if let Some(id) = &f.id {
                by_id.entry(id.clone()).or_insert(i);
            }
        }
        FactorSet {
            header,
            factors,
            origin,
            sha256,
            by_key,
            by_id,
        }
    }

    /// The set's identifier.
    pub fn id(&self) -> &str {
        &self.header.id
    }

    /// The factor with this key, or else this publisher ID.
    pub fn get(&self, key_or_id: &str) -> Option<&Factor> {
        self.index_of(key_or_id).map(|i| &self.factors[i])
    }

    /// Index of the factor with this key or publisher ID.
    pub fn index_of(&self, key_or_id: &str) -> Option<usize> {
        self.by_key
            .get(key_or_id)
            .or_else(|| self.by_id.get(key_or_id))
            .copied()
    }

    /// Factors whose labels, column and unit contain every word, case-insensitively.
    pub fn search(&self, words: &[&str]) -> Vec<&Factor> {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        self.factors
            .iter()
            .filter(|f| {
                let hay = format!("{} {} {}", f.label(), f.unit.name, f.key).to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }
}
