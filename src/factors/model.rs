//! The in-memory shape of a factor set: a header saying where the numbers come from, and one
//! entry per published factor, every value an exact decimal.

use crate::units::Unit;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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
    /// Indices into `factors` by key, and by publisher ID: found by hashing the string
    /// asked for and comparing it with the factor's own, so no key is copied.
    by_key: hashbrown::HashTable<u32>,
    by_id: hashbrown::HashTable<u32>,
}

/// The hash the lookups file a key or ID under.
fn text_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

/// Files factor `i` under `text` unless a factor before it has that text.
fn index_first(
    index: &mut hashbrown::HashTable<u32>,
    i: u32,
    text: &str,
    factors: &[Factor],
    of: fn(&Factor) -> Option<&str>,
) {
    let hash = text_hash(text);
    let same = |&j: &u32| of(&factors[j as usize]) == Some(text);
    if index.find(hash, same).is_none() {
        let rehash = |&j: &u32| of(&factors[j as usize]).map_or(0, text_hash);
        index.insert_unique(hash, i, rehash);
    }
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
        let mut by_key = hashbrown::HashTable::with_capacity(factors.len());
        let mut by_id = hashbrown::HashTable::new();
        // A set has far fewer than 2^32 factors: a file that size could not be read.
        for (i, f) in (0u32..).zip(&factors) {
            index_first(&mut by_key, i, &f.key, &factors, |f| Some(&f.key));
            if let Some(id) = &f.id {
                index_first(&mut by_id, i, id, &factors, |f| f.id.as_deref());
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
        let hash = text_hash(key_or_id);
        let factor = |&i: &u32| &self.factors[i as usize];
        (self.by_key.find(hash, |i| factor(i).key == key_or_id))
            .or_else(|| {
                self.by_id
                    .find(hash, |i| factor(i).id.as_deref() == Some(key_or_id))
            })
            .map(|&i| i as usize)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two factors share a key and two share a publisher ID: the first of each is found, by
    /// key before ID, and a text neither key nor ID finds nothing.
    #[test]
    fn lookups_keep_the_first_factor_of_a_repeated_key_or_id() {
        let factor = |key: &str, id: Option<&str>, value: &str| Factor {
            key: key.to_string(),
            id: id.map(str::to_string),
            scope: Scope::One,
            category: None,
            labels: vec![],
            column: String::new(),
            unit: crate::units::parse_unit("kWh").unwrap(),
            kg_co2e: Some(value.parse().unwrap()),
            gases: vec![],
            upstream: vec![],
            outside: vec![],
            note: String::new(),
            line: 1,
            gwp: None,
        };
        let set = FactorSet::new(
            SetHeader::default(),
            vec![
                factor("a", Some("x"), "1"),
                factor("a", Some("y"), "2"),
                factor("b", Some("y"), "3"),
                factor("c", Some("a"), "4"),
            ],
            "test".into(),
            String::new(),
        );
        let value = |k: &str| set.get(k).and_then(|f| f.kg_co2e).map(|v| v.to_string());
        assert_eq!(value("a").as_deref(), Some("1"));
        assert_eq!(value("b").as_deref(), Some("3"));
        assert_eq!(value("x").as_deref(), Some("1"));
        assert_eq!(value("y").as_deref(), Some("2"));
        assert_eq!(set.index_of("c"), Some(3));
        assert_eq!(value("z"), None);
        assert_eq!(set.clone().index_of("y"), Some(1));
    }
}
